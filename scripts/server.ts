// `deno task server [--port N] [--host H]`: runs a TestServer until Ctrl+C or SIGTERM.
import process from "node:process";
import { TestServer } from "../testing/mod.ts";

function usage(message: string): never {
  console.error(`${message}\nusage: deno task server [--port N] [--host H]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let port = 0;
let host = "127.0.0.1";
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = (): string => args[++i] ?? usage(`Missing value after ${a}`);
  if (a === "--port") port = Number(value());
  else if (a.startsWith("--port=")) port = Number(a.slice(7));
  else if (a === "--host") host = value();
  else if (a.startsWith("--host=")) host = a.slice(7);
  else usage(`Unknown argument "${a}"`);
}

let server: TestServer;
try {
  server = await TestServer.start({ port, host });
} catch (e) {
  usage((e as Error).message);
}
console.log(`Talkomatic test server listening on ${server.url}`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
