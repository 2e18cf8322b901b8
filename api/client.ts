/**
 * {@linkcode TalkomaticApi}: the friendly REST client, built on the generated
 * operation functions and {@linkcode HttpTransport}.
 *
 * @example
 * ```ts
 * import { TalkomaticApi } from "./client.ts";
 * import { MemoryTokenStore } from "./token_store.ts";
 *
 * const api = new TalkomaticApi({
 *   baseUrl: "http://127.0.0.1:3000",
 *   tokenStore: new MemoryTokenStore(),
 * });
 * const listRooms = async (): Promise<string[]> => (await api.rooms()).map((room) => room.name);
 * ```
 *
 * @module
 */
import type {
  BotTokenInfo,
  CharacterSubstitutions,
  Config,
  EmojiList,
  Health,
  RestMe,
  RestRoom,
  RestRoomList,
  RoomLayout,
  RoomType,
} from "../schemas/mod.ts";
import { ApiError, TransportError } from "./errors.ts";
import {
  checkRoomJoin,
  createRoom,
  getBotTokenInfo,
  getCharacterSubstitutions,
  getConfig,
  getEmojiList,
  getHealth,
  getMe,
  getOffensiveWords,
  getRoom,
  listRooms,
} from "./_operations.gen.ts";
import { type CallOptions, HttpTransport, type HttpTransportOptions } from "./transport.ts";
import {
  checkAccessCode,
  checkLayout,
  checkRoomId,
  checkRoomName,
  checkRoomType,
} from "../schemas/checks.ts";

/** Options of {@linkcode TalkomaticApi}: those of {@linkcode HttpTransport}, or a transport to share. */
export interface TalkomaticApiOptions extends HttpTransportOptions {
  /** An existing transport to share (its token and session cookie); the other options are then ignored. */
  readonly transport?: HttpTransport;
}

/** What {@linkcode TalkomaticApi.createRoom} needs (docs/protocol.md §4.5). */
export interface NewRoom {
  /** 1 to `MAX_ROOM_NAME_LENGTH` characters, not only spaces. The server replaces `<` by `&lt;`. */
  readonly name: string;
  /** `public`, `semi-private` (needs `accessCode`) or `private` (unlisted, no code). */
  readonly type: RoomType;
  /** `horizontal` or `vertical` (display only). */
  readonly layout: RoomLayout;
  /** Exactly 6 digits, as a string; required for semi-private rooms and ignored otherwise. */
  readonly accessCode?: string;
}

/** Options of {@linkcode TalkomaticApi.canJoin}. */
export interface CanJoinOptions extends CallOptions {
  /** The room's 6-digit access code (semi-private rooms). */
  readonly accessCode?: string;
}

/** Why a room cannot be joined. */
export type JoinRefusal = "not_found" | "full" | "code_required" | "wrong_code";

/** The answer of {@linkcode TalkomaticApi.canJoin}. */
export type JoinStatus = { readonly ok: true } | {
  readonly ok: false;
  readonly reason: JoinRefusal;
};

/** The server is up: its health report. */
export type HealthUp = Health;

/** The server is down: unreachable, or answering 5xx or something that is not JSON. */
export interface HealthDown {
  /** Always `"down"`. */
  readonly status: "down";
  /** What went wrong. */
  readonly error: ApiError | TransportError;
}

/** The answer of {@linkcode TalkomaticApi.health}. */
export type HealthReport = HealthUp | HealthDown;

/** The word filter's lists (the server filters names, not chat). */
export interface WordFilter {
  /** Words the filter rejects. */
  readonly offensiveWords: readonly string[];
  /** Words that contain an offensive word but are allowed. */
  readonly whitelistedWords: readonly string[];
}

function checkCreateRoom(options: NewRoom): NewRoom {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Cannot create room: expected an object, got ${String(options)}`);
  }
  const name = checkRoomName(options.name);
  const type = checkRoomType(options.type);
  const layout = checkLayout(options.layout);
  if (type !== "semi-private") return { name, type, layout };
  if (options.accessCode === undefined) {
    throw new RangeError(`Cannot create room "${name}": semi-private rooms need an access code`);
  }
  return {
    name,
    type,
    layout,
    accessCode: checkAccessCode(options.accessCode, `create room "${name}"`),
  };
}

function refusal(error: ApiError): JoinRefusal | undefined {
  if (error.code === "NOT_FOUND") return "not_found";
  if (error.code === "ROOM_FULL") return "full";
  if (error.code === "FORBIDDEN" && /code required/i.test(error.message)) return "code_required";
  if (error.code === "FORBIDDEN" && /wrong code/i.test(error.message)) return "wrong_code";
  return undefined;
}

/**
 * The Talkomatic Classic REST API (docs/protocol.md §11), with friendly names,
 * validated inputs and validated answers.
 *
 * The server is `baseUrl`, else `$TALKOMATIC_URL`, else
 * `https://classic.talkomatic.co`. A bot token is requested when first
 * needed and cached per server (by default in the user's cache directory),
 * unless one is given (`token` or `$TALKOMATIC_TOKEN`). Obviously bad input
 * (a room id that is not 6 digits, a name over `MAX_ROOM_NAME_LENGTH`, …)
 * rejects with a `TypeError`/`RangeError` without a request.
 *
 * Failures: {@linkcode ApiError} (the server answered with an error),
 * {@linkcode TransportError} (no answer), `PayloadValidationError` (the answer
 * had the wrong shape).
 *
 * @example
 * ```ts
 * import { TalkomaticApi } from "./client.ts";
 *
 * const api = new TalkomaticApi({ baseUrl: "http://127.0.0.1:3000" });
 * async function describeRoom(id: string): Promise<string> {
 *   const room = await api.room(id);
 *   return `${room.name}: ${room.users.length} users`;
 * }
 * ```
 */
export class TalkomaticApi {
  /**
   * The transport (shared token and session cookie); the bot uses it for its handshake.
   *
   * @example
   * ```ts
   * import { TalkomaticApi } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * const api = new TalkomaticApi({ baseUrl: "http://127.0.0.1:3000", timeoutMs: 2_000 });
   * assertEquals(api.transport.timeoutMs, 2_000);
   * ```
   */
  readonly transport: HttpTransport;

  /**
   * Creates a client.
   *
   * @param options The server, token, token store, fetch, timeout, API key and logger.
   * @throws {TypeError} When the base URL is not an absolute http(s) URL.
   */
  constructor(options?: TalkomaticApiOptions) {
    options ??= {};
    this.transport = options.transport ?? new HttpTransport(options);
  }

  /**
   * The server base URL.
   *
   * @example
   * ```ts
   * import { TalkomaticApi } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * const api = new TalkomaticApi({ baseUrl: "http://127.0.0.1:3000/" });
   * assertEquals(api.baseUrl, "http://127.0.0.1:3000"); // normalised
   * ```
   */
  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /**
   * The session cookie (`connect.sid=…`), once a response carried one.
   *
   * @example
   * ```ts
   * import { TalkomaticApi } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * const api = new TalkomaticApi({ baseUrl: "http://127.0.0.1:3000", sessionCookie: "s%3Aabc.def" });
   * assertEquals(api.sessionCookie, "connect.sid=s%3Aabc.def"); // else set by the first answer
   * ```
   */
  get sessionCookie(): string | undefined {
    return this.transport.sessionCookie;
  }

  /**
   * Returns the session cookie, fetching one cheaply when none is held.
   *
   * @param options Signal and timeout.
   * @returns The `Cookie` header value (`connect.sid=…`).
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function handshakeHeaders(api: TalkomaticApi): Promise<Record<string, string>> {
   *   return { Cookie: await api.ensureSessionCookie() }; // a socket with it shares this session
   * }
   * ```
   */
  ensureSessionCookie(options?: CallOptions): Promise<string> {
    return this.transport.ensureSessionCookie(options);
  }

  /**
   * Lists the public and semi-private rooms (private rooms are never listed;
   * the server caches the list for up to 10 s).
   *
   * @param options Signal and timeout.
   * @returns The rooms.
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function roomNames(api: TalkomaticApi): Promise<string[]> {
   *   return (await api.rooms()).map((room) => `${room.name} (${room.users.length})`);
   * }
   * ```
   */
  rooms(options?: CallOptions): Promise<RestRoomList> {
    return listRooms(this.transport, options);
  }

  /**
   * Gets one room, private rooms included.
   *
   * @param id The 6-digit room id.
   * @param options Signal and timeout.
   * @returns The room.
   * @throws {RangeError} When `id` is not 6 digits.
   * @throws {ApiError} `NOT_FOUND` when there is no such room.
   * @example
   * ```ts
   * import { ApiError, type TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function occupants(api: TalkomaticApi, id: string): Promise<number | undefined> {
   *   try {
   *     return (await api.room(id)).users.length;
   *   } catch (error) {
   *     if (error instanceof ApiError && error.code === "NOT_FOUND") return undefined;
   *     throw error;
   *   }
   * }
   * ```
   */
  async room(id: string, options?: CallOptions): Promise<RestRoom> {
    return await getRoom(this.transport, { id: checkRoomId(id, "get room") }, options);
  }

  /**
   * Creates a room. This does not join it: join it over the socket within
   * about 30 s or the server deletes it.
   *
   * @param room Name, type, layout and (semi-private) access code.
   * @param options Signal and timeout.
   * @returns The new room's id.
   * @throws {RangeError} When a field is out of range (empty or long name, unknown type, bad code).
   * @throws {ApiError} `VALIDATION_ERROR` (with `fields`), `ROOM_NAME_EXISTS`, `RATE_LIMITED`, `ROOM_LIMIT_REACHED`.
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function openBookClub(api: TalkomaticApi): Promise<string> {
   *   // Join it over the socket soon, or the server deletes it.
   *   return await api.createRoom({ name: "Book club", type: "public", layout: "horizontal" });
   * }
   * ```
   */
  async createRoom(room: NewRoom, options?: CallOptions): Promise<string> {
    const body = checkCreateRoom(room);
    const created = await createRoom(this.transport, { body }, options);
    return created.roomId;
  }

  /**
   * Checks whether a room can be joined. For a semi-private room a correct
   * code is remembered in the session, so a socket that connects afterwards
   * with {@linkcode TalkomaticApi.sessionCookie} can join without the code.
   *
   * @param id The 6-digit room id.
   * @param options The access code, signal and timeout.
   * @returns `{ ok: true }`, or `{ ok: false, reason }`.
   * @throws {ApiError} For any other error (rate limits, auth).
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function explain(api: TalkomaticApi, id: string, code: string): Promise<string> {
   *   const status = await api.canJoin(id, { accessCode: code });
   *   return status.ok ? "come in" : status.reason; // "not_found", "full", "code_required", "wrong_code"
   * }
   * ```
   */
  async canJoin(id: string, options?: CanJoinOptions): Promise<JoinStatus> {
    options ??= {};
    checkRoomId(id, "check room");
    const { accessCode, ...call } = options;
    const body = accessCode === undefined
      ? {}
      : { accessCode: checkAccessCode(accessCode, `check room "${id}"`) };
    try {
      await checkRoomJoin(this.transport, { id, body }, call);
      return { ok: true };
    } catch (error) {
      const reason = error instanceof ApiError ? refusal(error) : undefined;
      if (reason === undefined) throw error;
      return { ok: false, reason };
    }
  }

  /**
   * Gets the server's limits, features, versions and room statistics.
   *
   * @param options Signal and timeout.
   * @returns The configuration.
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function longestMessage(api: TalkomaticApi): Promise<number> {
   *   return (await api.config()).limits.MAX_MESSAGE_LENGTH;
   * }
   * ```
   */
  config(options?: CallOptions): Promise<Config> {
    return getConfig(this.transport, options);
  }

  /**
   * Reports the server's health. Never throws for an unreachable server or
   * one answering 5xx or non-JSON: that is `{ status: "down", error }`.
   *
   * @param options Signal and timeout.
   * @returns The health report, or `{ status: "down", error }`.
   * @throws {ApiError} For 4xx answers (for example a rejected token or a rate limit).
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function status(api: TalkomaticApi): Promise<string> {
   *   const report = await api.health();
   *   if (report.status === "down") return `down: ${report.error.message}`;
   *   return `up ${report.uptime} s, ${report.roomStatistics.totalRooms} rooms`;
   * }
   * ```
   */
  async health(options?: CallOptions): Promise<HealthReport> {
    try {
      return await getHealth(this.transport, options);
    } catch (error) {
      if (error instanceof TransportError && error.kind !== "aborted") {
        return { status: "down", error };
      }
      if (error instanceof ApiError && (error.status >= 500 || error.variant === "notJson")) {
        return { status: "down", error };
      }
      throw error;
    }
  }

  /**
   * Gets the sign-in state of this client's HTTP session (shared with a
   * socket using the same cookie).
   *
   * @param options Signal and timeout.
   * @returns The session state.
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function whoAmI(api: TalkomaticApi): Promise<string> {
   *   const me = await api.me(); // signing in happens over the socket
   *   return me.isSignedIn ? `${me.username} from ${me.location}` : "signed out";
   * }
   * ```
   */
  me(options?: CallOptions): Promise<RestMe> {
    return getMe(this.transport, options);
  }

  /**
   * Gets the word filter's lists.
   *
   * @param options Signal and timeout.
   * @returns The offensive and whitelisted words.
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function offensiveCount(api: TalkomaticApi): Promise<number> {
   *   return (await api.wordFilter()).offensiveWords.length;
   * }
   * ```
   */
  async wordFilter(options?: CallOptions): Promise<WordFilter> {
    const words = await getOffensiveWords(this.transport, options);
    return { offensiveWords: words.offensive_words, whitelistedWords: words.whitelisted_words };
  }

  /**
   * Gets the word filter's obfuscation mapping (character → replacement).
   *
   * @param options Signal and timeout.
   * @returns The mapping.
   * @example Undo the obfuscations the filter sees through
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function plain(api: TalkomaticApi, text: string): Promise<string> {
   *   const substitutions = await api.characterSubstitutions(); // "3" -> "e", ...
   *   return [...text].map((c) => substitutions[c] ?? c).join("");
   * }
   * ```
   */
  characterSubstitutions(options?: CallOptions): Promise<CharacterSubstitutions> {
    return getCharacterSubstitutions(this.transport, options);
  }

  /**
   * Gets the emote list: code (written `:code:` in chat) → image URL.
   *
   * @param options Signal and timeout.
   * @returns The emotes.
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function smileUrl(api: TalkomaticApi): Promise<string> {
   *   const emojis = await api.emojis(); // ":smile:" in chat
   *   return new URL(emojis.smile, api.baseUrl).href;
   * }
   * ```
   */
  emojis(options?: CallOptions): Promise<EmojiList> {
    return getEmojiList(this.transport, options);
  }

  /**
   * Returns the bot token in use, requesting one when none is cached.
   *
   * @param options Signal and timeout.
   * @returns The token (keep it secret).
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function tokenPrefix(api: TalkomaticApi): Promise<string> {
   *   return (await api.botToken()).slice(0, 3); // "tk_"; requested once, then cached
   * }
   * ```
   */
  botToken(options?: CallOptions): Promise<string> {
    return this.transport.botToken(options);
  }

  /**
   * Gets the server's record of the bot token in use (creation, expiry, uses).
   *
   * @param options Signal and timeout.
   * @returns The token information.
   * @example
   * ```ts
   * import type { TalkomaticApi } from "@talkomatic/talkomatic/api";
   *
   * async function daysLeft(api: TalkomaticApi): Promise<number> {
   *   const info = await api.tokenInfo();
   *   return (Date.parse(info.expiresAt) - Date.now()) / 86_400_000;
   * }
   * ```
   */
  tokenInfo(options?: CallOptions): Promise<BotTokenInfo> {
    return getBotTokenInfo(this.transport, options);
  }
}
