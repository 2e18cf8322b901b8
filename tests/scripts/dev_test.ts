// `deno task dev <bot file>` (scripts/dev.ts), run as a person would: a tiny
// bot in a folder of its own, the printed page address, restarts on save.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { sleep } from "../_support.ts";
import { alive, Output } from "../cli/_cli.ts";

const ROOT = new URL("../../", import.meta.url);
const DEV = new URL("scripts/dev.ts", ROOT).pathname;

/** A bot project in a temporary folder: deno.json mapping the SDK, and bot.ts. */
async function botProject(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "talkomatic-dev-test-" });
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    imports: Record<string, string>;
  };
  const imports: Record<string, string> = {};
  for (const [name, target] of Object.entries(config.imports)) {
    imports[name] = target.startsWith("./") ? new URL(target, ROOT).href : target;
  }
  imports["@talkomatic/talkomatic"] = new URL("mod.ts", ROOT).href;
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports, lock: false }));
  return dir;
}

/** The bot: signs in with `version` as its location and says so. */
function bot(version: string): string {
  return `import { Bot } from "@talkomatic/talkomatic";
const bot = new Bot({ username: "Dev Bot", location: "${version}" });
bot.on("ready", ({ me }) => console.log("ready", me.location));
bot.on("error", ({ error }) => console.log("bot error:", error.message));
await bot.run().catch((e) => console.log("run failed:", e.message));
`;
}

Deno.test({
  name:
    "deno task dev prints the page address, restarts the bot when its file changes, and rapid saves trip no connection limit",
  ignore: Deno.build.os !== "linux",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await botProject();
    await Deno.writeTextFile(`${dir}/bot.ts`, bot("v1"));
    const dev = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "-q", DEV, "--port", "0", "bot.ts"],
      cwd: dir,
      // What `deno task dev bot.ts` typed in `dir` sets (an outer `deno task test` set its own).
      env: { INIT_CWD: dir },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const err = new Output(dev.stderr);
    const out = new Output(dev.stdout, err);
    try {
      const open = await out.wait(/Open http:\/\/127\.0\.0\.1:(\d+)\/ to talk to your bot\n/);
      const page = await fetch(`http://127.0.0.1:${open[1]}/`);
      assertEquals(page.status, 200);
      assertStringIncludes(await page.text(), "<title>Talkomatic (local server)</title>");
      await out.wait(/ready v1\n/);

      await Deno.writeTextFile(`${dir}/bot.ts`, bot("v2"));
      await out.wait(/bot\.ts changed: restarting bot\.ts\n/);
      await out.wait(/ready v2\n/);

      // An editor saving every 250 ms for 5 s: the bot restarts at most once
      // a second, each start after the old bot exited, and ends on the last save.
      for (let i = 3; i <= 22; i++) {
        await Deno.writeTextFile(`${dir}/bot.ts`, bot(`v${i}`));
        // Real time is the subject: dev.ts's restart limit (once a second) runs on its own clock.
        await sleep(250);
      }
      await out.wait(/ready v22\n/);
      const starts = [...out.text.matchAll(/started bot\.ts \(pid (\d+)\)/g)].map((m) => +m[1]);
      assert(starts.length <= 2 + 8, `${starts.length} starts:\n${out.text}`);
      assertEquals(out.text.match(/stopped bot\.ts/g)?.length ?? 0, starts.length - 1);
      assertEquals(starts.slice(0, -1).filter(alive), [], "old bots are gone");
      // A bot stopped while it starts may say "the bot was stopped"; a refused
      // connection would say one of these.
      for (const refused of ["rate limit", "Too many connections", "token", "refused"]) {
        assert(!out.text.includes(refused), `"${refused}" in:\n${out.text}`);
      }

      dev.kill("SIGINT");
      const status = await dev.status;
      assertEquals(status.code, 0);
      assertEquals(alive(starts.at(-1)!), false, "the last bot stopped with dev");
      // A stopped bot says so on stderr; no failure went there. (On a cold cache Deno
      // also prints its downloads there, so the test does not ask for an empty stderr.)
      assertEquals(
        err.text.split("\n")
          .filter((line) => !line.includes("Download http")) // a cold cache (redis-errors…)
          .filter((line) => /error|uncaught|panic|refused|limit/i.test(line)),
        [],
      );
    } finally {
      try {
        dev.kill("SIGKILL");
      } catch {
        // Exited.
      }
      await dev.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});
