// `talkomatic new`: the generated Deno project, in a folder outside the
// checkout, passes its own test task, and its dev task serves the chat page,
// runs the bot for a scripted person, restarts it on save and stops on Ctrl+C.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { TestUser } from "../../testing/mod.ts";
import { alive, ROOT, Running, talkomatic, until } from "./_cli.ts";

/** A temporary folder outside the checkout. */
async function outside(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "talkomatic-new-test-" });
  assert(!dir.startsWith(ROOT), dir);
  return dir;
}

Deno.test({
  name:
    "talkomatic new makes a Deno project whose test task passes and whose dev task serves the page and runs the bot",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const parent = await outside();
    let dev: Running | undefined;
    let alice: TestUser | undefined;
    try {
      const made = await talkomatic(["new", "my-bot"], { cwd: parent });
      assertEquals(made.code, 0, made.stderr);
      assertStringIncludes(made.stdout, "Created my-bot (Deno; the SDK from the checkout at ");
      const dir = `${parent}/my-bot`;
      assertEquals(
        [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
        [".gitignore", "README.md", "bot.ts", "bot_test.ts", "deno.json"],
      );
      const config = JSON.parse(await Deno.readTextFile(`${dir}/deno.json`));
      assertEquals(Object.keys(config.tasks), ["dev", "start", "test"]);
      assertEquals(config.imports["@talkomatic/talkomatic"], `${ROOT}mod.ts`);

      // Its own test task.
      const env = { INIT_CWD: dir, NO_COLOR: "1" };
      const test = await new Deno.Command(Deno.execPath(), {
        args: ["task", "-q", "test"],
        cwd: dir,
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const said = new TextDecoder().decode(test.stdout) + new TextDecoder().decode(test.stderr);
      assertEquals(test.code, 0, said);
      assertStringIncludes(said, "/hello greets the person who asked ... ok");

      // Its dev task: the page, the bot answering a person, a restart on save, Ctrl+C. The task's
      // command runs as it is, without `deno task` around it: a Ctrl+C in a terminal reaches
      // every process of the group, a test can signal one process only, and through `deno task`
      // (which forwards a lone SIGINT to its child) this test saw exit code 130 twice in full
      // runs under load, never alone. What is tested is the dev command's own Ctrl+C.
      const [deno, ...devArgs] = config.tasks.dev.split(" ");
      assertEquals(deno, "deno");
      dev = new Running(Deno.execPath(), [...devArgs, "--port", "0"], { cwd: dir, env });
      const [, url] = await dev.out.wait(
        /Open (http:\/\/127\.0\.0\.1:\d+)\/ to talk to your bot\n/,
      );
      const page = await fetch(`${url}/`);
      assertEquals(page.status, 200);
      assertStringIncludes(await page.text(), "<title>Talkomatic (local server)</title>");
      const [, roomId] = await dev.out.wait(/"My Bot" created public room "Bot Lab" \((\d{6})\)/);
      alice = await TestUser.connect(url, { username: "Alice", location: "Test" });
      await alice.joinRoom(roomId);
      const person = alice;
      const botText = (want: string) =>
        until(
          () => Object.values(person.texts).includes(want) ? want : undefined,
          `the bot to show "${want}": ${JSON.stringify(person.texts)}\n${dev?.out.text}`,
        );
      await alice.type("/hello");
      await alice.pressEnter();
      await botText("Hello, Alice!");

      const source = await Deno.readTextFile(`${dir}/bot.ts`);
      await Deno.writeTextFile(`${dir}/bot.ts`, source.replace("Hello, ", "Welcome, "));
      await dev.out.wait(/bot\.ts changed: restarting bot\.ts\n/);
      const starts = () => [...dev!.out.text.matchAll(/started bot\.ts \(pid (\d+)\)/g)];
      await until(() => starts().length === 2 || undefined, "the second start");
      await dev.out.wait(/"My Bot" joined room "Bot Lab"[^]*"My Bot" joined room "Bot Lab"/);
      await alice.send("");
      await alice.type("/hello");
      await alice.pressEnter();
      await botText("Welcome, Alice!");

      const pids = starts().map((m) => Number(m[1]));
      const code = await dev.stop("SIGINT");
      assertStringIncludes(dev.out.text, `[dev] stopped bot.ts (pid ${pids[1]})`);
      assertEquals(code, 0, dev.out.text);
      assertEquals(pids.filter(alive), [], "Ctrl+C stopped the bot too");
      assert(!alive(dev.child.pid), "and dev itself");
    } finally {
      await alice?.close();
      await dev?.stop("SIGINT");
      await Deno.remove(parent, { recursive: true });
    }
  },
});

Deno.test("talkomatic new --node writes package.json, bot.js and a node --test test", async () => {
  const parent = await outside();
  try {
    const made = await talkomatic(["new", "Node Bot", "--node"], { cwd: parent });
    assertEquals(made.code, 0, made.stderr);
    const dir = `${parent}/Node Bot`;
    assertEquals(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      [".gitignore", "README.md", "bot.js", "bot.test.js", "package.json"],
    );
    const pkg = JSON.parse(await Deno.readTextFile(`${dir}/package.json`));
    assertEquals(pkg.name, "node-bot");
    assertEquals(pkg.type, "module");
    assertEquals(pkg.scripts, {
      dev: "talkomatic dev bot.js",
      start: "node bot.js",
      test: "node --test",
    });
    assertEquals(pkg.devDependencies, { "socket.io": "^4.8.1" });
    // From a checkout: the tarball `deno task build:npm` made, else the npm version.
    const version = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).version;
    const tarball = `${ROOT}npm/talkomatic-${version}.tgz`;
    let built = false;
    try {
      built = Deno.statSync(tarball).isFile;
    } catch {
      // Not built.
    }
    assertEquals(pkg.dependencies.talkomatic, built ? `file:${tarball}` : `^${version}`);
    assertStringIncludes(await Deno.readTextFile(`${dir}/bot.js`), 'from "talkomatic"');
    assertStringIncludes(
      await Deno.readTextFile(`${dir}/bot.test.js`),
      'from "talkomatic/testing"',
    );
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("talkomatic new refuses a folder that exists and is not empty, and a file", async () => {
  const parent = await outside();
  try {
    await Deno.mkdir(`${parent}/full`);
    await Deno.writeTextFile(`${parent}/full/keep.txt`, "mine");
    await Deno.writeTextFile(`${parent}/file`, "");
    const full = await talkomatic(["new", "full"], { cwd: parent });
    assertEquals([full.code, full.stderr], [
      1,
      'Cannot create "full": the folder exists and is not empty\n',
    ]);
    assertEquals(await Deno.readTextFile(`${parent}/full/keep.txt`), "mine");
    const file = await talkomatic(["new", "file"], { cwd: parent });
    assertEquals([file.code, file.stderr], [
      1,
      'Cannot create "file": it exists and is not a folder\n',
    ]);
    await Deno.mkdir(`${parent}/empty`);
    assertEquals((await talkomatic(["new", "empty"], { cwd: parent })).code, 0);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("talkomatic dev: a missing file, a folder or another kind of file is one line and exit 1", async () => {
  const parent = await outside();
  try {
    await Deno.writeTextFile(`${parent}/notes.txt`, "");
    for (
      const [file, line] of [
        ["nope.ts", 'Cannot run "nope.ts": no such file'],
        [".", 'Cannot run ".": not a file'],
        ["notes.txt", 'Cannot run "notes.txt": expected a .ts or .js file'],
      ]
    ) {
      const ran = await talkomatic(["dev", file, "--port", "0"], {
        cwd: parent,
        env: { INIT_CWD: parent },
      });
      assertEquals([ran.code, ran.stderr, ran.stdout], [1, `${line}\n`, ""]);
    }
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
