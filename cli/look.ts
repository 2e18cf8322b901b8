// `talkomatic rooms`, `talkomatic room <id>`, `talkomatic health`: a look at
// any Talkomatic server through the REST client (docs/protocol.md §11.3).
// The REST room list carries no layout (only the socket lobby does), so the
// tables show none.
import process from "node:process";
import { TalkomaticApi } from "../api/client.ts";
import { ApiError, PayloadValidationError } from "../api/errors.ts";
import { startFailureLine } from "../bot/start_failure.ts";
import { ROOM_CAPACITY } from "../schemas/limits.gen.ts";
import type { RestRoom, RestRoomListItem } from "../schemas/types.gen.ts";
import {
  bold,
  CliFailure,
  dim,
  type FlagSpec,
  parseFlags,
  table,
  UsageError,
  useColor,
} from "./_common.ts";

/** The server used when neither `--server` nor `TALKOMATIC_URL` names one. */
const PUBLIC_SERVER = "https://classic.talkomatic.co";

const SERVER_FLAG = `  --server <url>   the server (default $TALKOMATIC_URL, else ${PUBLIC_SERVER})
  --json           print JSON for scripts instead of a table
  -h, --help       show this help

A bot token is taken from $TALKOMATIC_TOKEN, else the token cache, else requested.`;

/** `talkomatic rooms --help`. */
export const ROOMS_USAGE = `usage: talkomatic rooms [--server URL] [--json]

Lists the server's public and semi-private rooms (private rooms are never
listed): name, id, type, people, and who is in each room.

${SERVER_FLAG}`;

/** `talkomatic room --help`. */
export const ROOM_USAGE = `usage: talkomatic room <id> [--server URL] [--json]

Shows one room (private rooms too): name, id, type, people and who is in it.

${SERVER_FLAG}`;

/** `talkomatic health --help`. */
export const HEALTH_USAGE = `usage: talkomatic health [--server URL] [--json]

Shows whether the server is up, its version, uptime, room statistics and
configured limits.

${SERVER_FLAG}`;

const FLAGS: FlagSpec = { server: { type: "string" }, json: { type: "boolean" } };

interface Look {
  api: TalkomaticApi;
  url: string;
  json: boolean;
  positionals: string[];
}

/** Parses the flags; undefined after printing the help. */
function setUp(args: string[], usage: string): Look | undefined {
  const { values, positionals } = parseFlags(args, FLAGS, usage);
  if (values.help) {
    console.log(usage);
    return undefined;
  }
  const url = (values.server as string | undefined) ?? process.env.TALKOMATIC_URL ??
    PUBLIC_SERVER;
  let api: TalkomaticApi;
  try {
    api = new TalkomaticApi({ baseUrl: url });
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
  return { api, url, json: values.json === true, positionals };
}

/** One line for a failed call, as `Bot.run()` prints it. */
function failure(error: unknown, url: string, what: string): CliFailure {
  if (error instanceof ApiError && error.variant === "notJson") {
    return new CliFailure(
      `${url} is not a Talkomatic server: ${what} answered ${error.status} with a body that is not JSON`,
    );
  }
  if (error instanceof PayloadValidationError) {
    return new CliFailure(
      `${url} is not a Talkomatic server: ${what} answered an unexpected shape`,
    );
  }
  return new CliFailure(startFailureLine(error, url));
}

function people(room: RestRoomListItem | RestRoom): string {
  return `${room.users.length}/${ROOM_CAPACITY}`;
}

function who(room: RestRoomListItem | RestRoom): string {
  return room.users.map((u) => `${u.username} (${u.location})`).join(", ");
}

function print(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** `talkomatic rooms`. */
export async function rooms(args: string[]): Promise<number> {
  const look = setUp(args, ROOMS_USAGE);
  if (!look) return 0;
  if (look.positionals.length > 0) {
    throw new UsageError(`Unexpected argument "${look.positionals[0]}"`, ROOMS_USAGE);
  }
  let list: readonly RestRoomListItem[];
  try {
    list = await look.api.rooms();
  } catch (error) {
    throw failure(error, look.url, "GET /api/v1/rooms");
  }
  if (look.json) {
    print(list.map((r) => ({ ...r, people: r.users.length, capacity: ROOM_CAPACITY })));
    return 0;
  }
  const color = useColor();
  if (list.length === 0) {
    console.log(dim(`No public or semi-private rooms on ${look.url}`, color));
    return 0;
  }
  console.log(table(
    ["NAME", "ID", "TYPE", "PEOPLE", "WHO"],
    list.map((r) => [r.name, r.id, r.type, people(r), who(r)]),
    color,
  ));
  return 0;
}

/** `talkomatic room <id>`. */
export async function room(args: string[]): Promise<number> {
  const look = setUp(args, ROOM_USAGE);
  if (!look) return 0;
  const [id, extra] = look.positionals;
  if (id === undefined) throw new UsageError("Missing the room id", ROOM_USAGE);
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}"`, ROOM_USAGE);
  let found: RestRoom;
  try {
    found = await look.api.room(id);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      throw new UsageError(error.message, ROOM_USAGE);
    }
    if (error instanceof ApiError && error.code === "NOT_FOUND") {
      throw new CliFailure(`Room "${id}" does not exist on ${look.url}`);
    }
    throw failure(error, look.url, `GET /api/v1/rooms/${id}`);
  }
  if (look.json) {
    print({ ...found, people: found.users.length, capacity: ROOM_CAPACITY });
    return 0;
  }
  const color = useColor();
  console.log(table(
    ["NAME", "ID", "TYPE", "PEOPLE"],
    [[found.name, found.id, found.type, `${people(found)}${found.isFull ? " (full)" : ""}`]],
    color,
  ));
  if (found.users.length > 0) {
    console.log("");
    console.log(table(
      ["PERSON", "LOCATION", "USER ID"],
      found.users.map((u) => [u.username, u.location, u.id]),
      color,
    ));
  }
  return 0;
}

/** `talkomatic health`. */
export async function health(args: string[]): Promise<number> {
  const look = setUp(args, HEALTH_USAGE);
  if (!look) return 0;
  if (look.positionals.length > 0) {
    throw new UsageError(`Unexpected argument "${look.positionals[0]}"`, HEALTH_USAGE);
  }
  let report;
  try {
    report = await look.api.health();
  } catch (error) {
    throw failure(error, look.url, "GET /api/v1/health");
  }
  if (report.status === "down") {
    throw failure(report.error, look.url, "GET /api/v1/health");
  }
  let config;
  try {
    config = await look.api.config();
  } catch (error) {
    throw failure(error, look.url, "GET /api/v1/config");
  }
  if (look.json) {
    print({ health: report, config });
    return 0;
  }
  const color = useColor();
  const s = report.roomStatistics;
  const limits = config.limits as Record<string, unknown>;
  const rows: string[][] = [
    ["status", report.status],
    ["server", look.url],
    ["version", `${report.version} (API ${config.versions.API})`],
    ["uptime", `${Math.floor(report.uptime)} s`],
    [
      "rooms",
      `${s.totalRooms} of ${s.currentLimit} (public ${s.roomTypes.public}, semi-private ${
        s["roomTypes"]["semi-private"]
      }, private ${s.roomTypes.private})`,
    ],
    ["people in rooms", String(s.totalUsers)],
    ["bot tokens", `${report.botTokens.active} active`],
  ];
  for (const key of ["MAX_MESSAGE_LENGTH", "MAX_USERNAME_LENGTH", "MAX_ROOM_CAPACITY"]) {
    if (key in limits) rows.push([key, String(limits[key])]);
  }
  const width = Math.max(...rows.map(([key]) => key.length));
  for (const [key, value] of rows) console.log(`${bold(key.padEnd(width), color)}  ${value}`);
  return 0;
}
