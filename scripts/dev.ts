/**
 * `deno task dev [--port N] [--quiet] <bot file> [bot arguments]`: this
 * repository's shortcut for `talkomatic dev` (cli/dev.ts): the local server,
 * the chat page, the bot restarted on save.
 *
 * @module
 */
import process from "node:process";
import { main } from "../cli.ts";

process.exit(await main(["dev", ...process.argv.slice(2)]));
