// Runs scenario.mjs against a fresh TestServer, then compare.mjs against the
// reference trace. Shared by scripts/conformance.ts and conformance_test.ts.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { TestServer } from "../../testing/mod.ts";

const here = (name: string): string =>
  fileURLToPath(new URL(`conformance/${name}`, import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

function run(args: string[], inherit: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["run", "-A", ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", inherit ? "inherit" : "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (c) => (output += c));
    child.stderr?.on("data", (c) => (output += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Runs the scenario and the comparison; returns compare's exit code and output. */
export async function runConformance(
  opts: { inherit?: boolean } = {},
): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), "talkomatic-conformance-"));
  const out = join(dir, "trace.json");
  try {
    const server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
    let scenario;
    try {
      scenario = await run(
        [here("scenario.mjs"), server.url, out, "--no-wait-empty"],
        opts.inherit ?? false,
      );
    } finally {
      await server.close();
    }
    if (scenario.code !== 0) return { code: scenario.code, output: scenario.output };
    return await run(
      [here("compare.mjs"), here("reference-trace.json"), out],
      opts.inherit ?? false,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
