/**
 * The `talkomatic` command: the dev loop, the local server, a new-bot
 * scaffold and a look at any server.
 *
 * ```sh
 * talkomatic dev bot.ts            # local server + chat page, restarts the bot on save
 * talkomatic server                # the local server alone
 * talkomatic new my-bot [--node]   # a bot project with a passing test
 * talkomatic rooms                 # the lobby of $TALKOMATIC_URL (else the public server)
 * talkomatic room 123456           # one room and who is in it
 * talkomatic health                # health and config
 * ```
 *
 * Under Deno: `deno run -A jsr:@talkomatic/talkomatic/cli <subcommand>` (or
 * `deno run -A <checkout>/cli.ts`); under Node, the `talkomatic` bin of the
 * npm package (`npx talkomatic <subcommand>`). Every subcommand takes
 * `--help`. A bad command line exits 2, a failure prints one line and exits 1.
 *
 * @module
 */
import process from "node:process";
import { CliFailure, UsageError } from "./cli/_common.ts";
import { dev } from "./cli/dev.ts";
import { server } from "./cli/server.ts";
import { scaffold } from "./cli/new.ts";
import { health, room, rooms } from "./cli/look.ts";

const USAGE = `usage: talkomatic <command> [flags]

Commands:
  dev <bot file>     run your bot against the local server, restart it on save
  server             run the local Talkomatic server and its chat page
  new <folder>       create a bot project (--node for Node) with a passing test
  rooms              list a server's rooms and who is in them
  room <id>          show one room
  health             show a server's health and configuration

Run "talkomatic <command> --help" for a command's flags.`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  dev,
  server,
  new: scaffold,
  rooms,
  room,
  health,
};

/**
 * Runs the `talkomatic` command with the given arguments and resolves with
 * its exit code: 0 on success, 1 when it failed (one line on stderr), 2 for a
 * bad command line (the message and the usage on stderr). `dev` and `server`
 * resolve once Ctrl+C or SIGTERM stopped them.
 *
 * @param args The arguments after the command name, e.g. `["rooms", "--json"]`.
 * @returns The exit code.
 * @example
 * ```ts
 * import { main } from "@talkomatic/talkomatic/cli";
 *
 * // Prints the rooms of `server` as JSON; true when that worked.
 * async function printRooms(server: string): Promise<boolean> {
 *   return await main(["rooms", "--server", server, "--json"]) === 0;
 * }
 * ```
 */
export async function main(args: readonly string[]): Promise<number> {
  const [name, ...rest] = args;
  try {
    if (name === undefined) throw new UsageError("Missing the command", USAGE);
    if (name === "--help" || name === "-h" || name === "help") {
      console.log(USAGE);
      return 0;
    }
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError(`Unknown command "${name}"`, USAGE);
    return await command(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${error.usage}`);
      return 2;
    }
    if (error instanceof CliFailure) {
      console.error(error.message);
      return 1;
    }
    console.error(
      `talkomatic ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
