// `deno task conformance`: replays the recorded conformance scenario
// (tests/testing/conformance/) against a local TestServer with production
// defaults (start-up purge off: the scenario starts at once) and compares the
// trace with the real server's. Exits with compare.mjs's status.
import process from "node:process";
import { runConformance } from "../tests/testing/_conformance_run.ts";

const { code, output } = await runConformance({ inherit: true });
if (output) console.log(output);
process.exit(code);
