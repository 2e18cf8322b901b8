// The two runtimes every client-side benchmark runs in: Deno (the sources as
// they are) and Node (the npm build, installed into a scratch project). The
// client scripts in `bench/clients/` are plain JavaScript, so the same file
// runs in both; they import the Bot from `$BENCH_SDK`.

import { join } from "node:path";
import { readLines } from "./_util.ts";

/** Where and how to run a client script. */
export interface Runtime {
  /** `Deno` or `Node`, for tables. */
  readonly name: "Deno" | "Node";
  /** The command that runs `script` (a file name in `bench/clients/`), with V8 flags. */
  command(script: string, args: string[], v8Flags?: string[]): { cmd: string; args: string[] };
  /** Working directory of the child. */
  readonly cwd: string;
  /** Environment of the child. */
  readonly env: Record<string, string>;
  /** The runtime's version. */
  readonly version: string;
}

const ROOT = new URL("..", import.meta.url).pathname;
const CLIENTS = join(ROOT, "bench", "clients");

/** Runs the client scripts with this Deno, on the sources. */
export function denoRuntime(): Runtime {
  return {
    name: "Deno",
    cwd: ROOT,
    env: { BENCH_SDK: new URL("../mod.ts", import.meta.url).href },
    version: Deno.version.deno,
    command: (script, args, v8Flags = []) => ({
      cmd: Deno.execPath(),
      args: [
        "run",
        "-A",
        "--config",
        join(ROOT, "deno.json"),
        ...(v8Flags.length ? [`--v8-flags=${v8Flags.join(",")}`] : []),
        script.startsWith("/") ? script : join(CLIENTS, script),
        ...args,
      ],
    }),
  };
}

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${text.decode(out.stderr)}`);
  }
  return text.decode(out.stdout).trim();
}

/**
 * Builds the npm package (`deno task build:npm`), installs it into a scratch
 * Node project (kept between runs, keyed by the tarball's hash) and copies
 * the client scripts next to it.
 *
 * @returns The Node runtime, or `undefined` (with a reason) when `node` is missing.
 */
export async function nodeRuntime(): Promise<Runtime | { missing: string }> {
  let version: string;
  try {
    version = await run("node", ["--version"], ROOT);
  } catch {
    return { missing: "node is not installed" };
  }
  await run(Deno.execPath(), ["task", "build:npm"], ROOT);
  const tarball = [...Deno.readDirSync(join(ROOT, "npm"))].map((e) => e.name)
    .find((n) => /^talkomatic-.*\.tgz$/.test(n))!;
  const bytes = await Deno.readFile(join(ROOT, "npm", tarball));
  const hash = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)))
    .slice(0, 6).map((b) => b.toString(16).padStart(2, "0")).join("");
  const dir = join(Deno.env.get("TMPDIR") ?? "/tmp", `talkomatic-bench-node-${hash}`);
  try {
    await Deno.stat(join(dir, "node_modules", "talkomatic", "package.json"));
  } catch {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(
      join(dir, "package.json"),
      JSON.stringify({ name: "talkomatic-bench", private: true, type: "module" }),
    );
    // The raw clients import socket.io-client itself, at the version the package bundles.
    const lock = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.lock"))) as {
      specifiers: Record<string, string>;
    };
    const client = Object.entries(lock.specifiers)
      .find(([spec]) => spec.startsWith("npm:socket.io-client@"))?.[1];
    if (client === undefined) throw new Error("deno.lock has no socket.io-client");
    await run("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      join(ROOT, "npm", tarball),
      `socket.io-client@${client}`,
    ], dir);
  }
  for (const entry of Deno.readDirSync(CLIENTS)) {
    if (entry.name.endsWith(".mjs")) {
      await Deno.copyFile(join(CLIENTS, entry.name), join(dir, entry.name));
    }
  }
  return {
    name: "Node",
    cwd: dir,
    env: { BENCH_SDK: "talkomatic" },
    version: version.replace(/^v/, ""),
    command: (script, args, v8Flags = []) => ({
      cmd: "node",
      args: [...v8Flags, script.startsWith("/") ? script : join(dir, script), ...args],
    }),
  };
}

/** A client script running as a child process, talking in JSON lines. */
export class Client {
  #child: Deno.ChildProcess;
  #lines: AsyncIterator<string>;
  #writer: WritableStreamDefaultWriter<Uint8Array>;

  /**
   * Starts `script` of `bench/clients/` in `runtime`.
   *
   * @param runtime Deno or Node.
   * @param script The file name.
   * @param args Its arguments.
   * @param v8Flags V8 flags (`--expose-gc`).
   */
  constructor(runtime: Runtime, script: string, args: string[], v8Flags?: string[]) {
    const { cmd, args: all } = runtime.command(script, args, v8Flags);
    this.#child = new Deno.Command(cmd, {
      args: all,
      cwd: runtime.cwd,
      env: runtime.env,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#lines = readLines(this.#child.stdout);
    this.#writer = this.#child.stdin.getWriter();
  }

  /** The next JSON line the child prints. */
  async next<T>(): Promise<T> {
    const next = await this.#lines.next();
    if (next.done) throw new Error("A bench client exited early");
    return JSON.parse(next.value) as T;
  }

  /** Writes one line to the child. */
  async send(line: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(line + "\n"));
  }

  /** Waits for the child to end (killing it after 5 s). */
  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 5000);
    await this.#child.status;
    clearTimeout(timer);
  }
}
