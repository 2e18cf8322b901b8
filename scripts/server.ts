/**
 * `deno task server [flags]`: this repository's shortcut for
 * `talkomatic server` (cli/server.ts). `deno task server --help` lists the flags.
 *
 * @module
 */
import process from "node:process";
import { main } from "../cli.ts";

process.exit(await main(["server", ...process.argv.slice(2)]));
