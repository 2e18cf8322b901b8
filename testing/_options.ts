// Options of the TestServer: every timing constant and limit of the real
// server (docs/protocol.md §12, §13), with production values as defaults.

import {
  MAX_CONNECTIONS_PER_IP,
  MAX_ROOMS_PER_IP,
  MAX_TOKENS_PER_IP,
  MIN_USERS_FOR_VOTING,
  ROOM_CAPACITY,
} from "../schemas/limits.gen.ts";
import { PUBLIC_API_KEY, RATE_LIMITS } from "../schemas/protocol.gen.ts";

/** A points-per-window limiter with an optional block after exhaustion. */
export interface LimiterOptions {
  /** Points allowed per window. `Infinity` disables the limiter. */
  points: number;
  /** Window length in milliseconds. */
  windowMs: number;
  /** How long a key stays blocked after exceeding the points, in milliseconds. */
  blockMs: number;
}

/** One solo-room TTL tier: from `threshold` total rooms, a sole occupant is evicted after `ttlMs`. */
export interface PressureTierOptions {
  /** Total number of rooms from which this tier applies. */
  threshold: number;
  /** Single-occupancy time to live in milliseconds. */
  ttlMs: number;
}

/** Timing constants, all in milliseconds. */
export interface TimingOptions {
  /** Idle time before `afk warning` (150 000). */
  afkWarningMs: number;
  /** Idle time before `afk timeout` and removal (180 000). */
  afkTimeoutMs: number;
  /** Delay of the automatic `isTyping: false` (2000). */
  typingTimeoutMs: number;
  /** Chat diff batching delay (20). */
  batchIntervalMs: number;
  /** Deletion delay of a room its last occupant left (30 000). */
  roomDeletionTimeoutMs: number;
  /** Period of the unjoined-room sweep (30 000). */
  emptyRoomSweepIntervalMs: number;
  /** Age after which an unoccupied room is removed by that sweep (30 000). */
  emptyRoomMaxAgeMs: number;
  /** Period of the ghost sweep (60 000). */
  ghostSweepIntervalMs: number;
  /** Period of the single-occupancy ("pressure") check (30 000). */
  pressureIntervalMs: number;
  /** Solo-room TTL tiers, by ascending threshold. */
  pressureTiers: PressureTierOptions[];
  /** Age under which a room counts as healthy (300 000). */
  healthyRoomAgeMs: number;
  /** Per-user-id room creation cooldown on sockets, per-IP on REST (10 000). */
  roomCreationCooldownMs: number;
  /** Per-IP room creation cooldown on sockets (30 000). */
  ipRoomCreationCooldownMs: number;
  /** Cache lifetime of `GET /api/v1/rooms` and `GET /api/v1/config` (10 000). */
  apiCacheTtlMs: number;
  /** Delay of the start-up purge, or `false` for none (2000). */
  startupPurgeDelayMs: number | false;
  /** Bot token lifetime (2 592 000 000). */
  tokenExpiryMs: number;
  /** Session cookie lifetime (14 days). */
  sessionMaxAgeMs: number;
}

/** Rate limits (docs/protocol.md §12). */
export interface RateLimitOptions {
  /** Per-socket event limiter for browsers (75 / 1 s, block 5 s). */
  socketHuman: LimiterOptions;
  /** Per-socket event limiter for bots (500 / 60 s, block 60 s). */
  socketBot: LimiterOptions;
  /** Socket connection attempts per IP (20 / 15 s, block 30 s). */
  connectionAttempts: LimiterOptions;
  /** Live sockets per IP (8). */
  maxConnectionsPerIp: number;
  /** Global HTTP limiter per IP (100 / 15 min, no block). */
  httpGlobal: LimiterOptions;
  /** `/api` limiter per IP for bots (500 / 60 s, block 60 s). */
  apiBot: LimiterOptions;
  /** `/api` limiter per IP for browsers (100 / 60 s, block 300 s). */
  apiHuman: LimiterOptions;
  /** Token requests per IP (3 / 1 h, block 1 h). */
  tokenRequests: LimiterOptions;
  /** Tokens per IP (3). */
  maxTokensPerIp: number;
  /** Join-attempt detector threshold per user id (10; IP: ×2; blacklist: user > ×2). `Infinity` disables it. */
  joinAttemptThreshold: number;
  /** Join-attempt detector window (60 000). */
  joinAttemptWindowMs: number;
  /** Chat batch limiter per user id (500 / 5 s, block 1 s). */
  chatBatch: LimiterOptions;
  /** Occupied rooms per IP above which socket creation is refused (2). */
  maxRoomsPerIp: number;
}

/** Room and text limits. */
export interface RoomLimitOptions {
  /** Occupants per room (5). */
  roomCapacity: number;
  /** Base room limit (15). */
  baseMaxRooms: number;
  /** Extra rooms per 75 users in rooms (5). */
  roomScalingIncrement: number;
  /** Total room cap on the socket path (50). */
  hardMaxRooms: number;
  /** Occupants needed for votes (3). */
  minUsersForVoting: number;
}

/** Word filter lists (the algorithm is fixed; the lists are yours). */
export interface WordFilterOptions {
  /** Words that make a name, location or room name forbidden. */
  offensiveWords: string[];
  /** Words that excuse a match found inside them. */
  whitelistedWords: string[];
}

/** Options of {@linkcode TestServer.start}. Every field is optional. */
export interface TestServerOptions {
  /** Port to listen on; 0 (default) picks a free port. */
  port?: number;
  /** Host to bind; only loopback addresses are accepted (default `127.0.0.1`). */
  host?: string;
  /** Use production values for everything not given (default `true`; `false` is the same, kept for clarity). */
  realistic?: boolean;
  /** Require bot tokens from non-browser clients (default `true`). Without it a token-less client is a bot. */
  requireToken?: boolean;
  /** Disable every rate limit, cooldown and the join-attempt detector (default `false`). */
  relaxRateLimits?: boolean;
  /** Value required in `x-api-key` (default: the public key of the real server). */
  apiKey?: string;
  /** Secret signing `connect.sid`; random per start when absent, so cookies die on restart. */
  sessionSecret?: string;
  /** Timing overrides. */
  timing?: Partial<TimingOptions>;
  /** Rate limit overrides (applied after `relaxRateLimits`). */
  rateLimits?: Partial<RateLimitOptions>;
  /** Room limit overrides. */
  limits?: Partial<RoomLimitOptions>;
  /** Word filter lists, or `false` to disable the filter. */
  wordFilter?: Partial<WordFilterOptions> | false;
  /**
   * Called with one human-readable line per notable event: sign-in, room created, join,
   * leave, kick, AFK removal, rate-limit hit, refused connection or REST call (never a token
   * value). Off by default; `deno task server` prints it. Errors it throws are ignored.
   */
  activity?: (line: string) => void;
  /**
   * Keep a log of every HTTP request (not socket.io's): method, path, query, headers and body,
   * read with `server.requests()`. For tests of a client; off by default. The log survives
   * `restart()`.
   */
  recordRequests?: boolean;
}

/** The public API key of the real server (docs/protocol.md §11.1). */
const DEFAULT_API_KEY = PUBLIC_API_KEY;

/** Production timing. */
const REALISTIC_TIMING: Readonly<TimingOptions> = Object.freeze({
  afkWarningMs: 150_000,
  afkTimeoutMs: 180_000,
  typingTimeoutMs: 2000,
  batchIntervalMs: 20,
  roomDeletionTimeoutMs: 30_000,
  emptyRoomSweepIntervalMs: 30_000,
  emptyRoomMaxAgeMs: 30_000,
  ghostSweepIntervalMs: 60_000,
  pressureIntervalMs: 30_000,
  pressureTiers: [
    { threshold: 0, ttlMs: 1_200_000 },
    { threshold: 15, ttlMs: 600_000 },
    { threshold: 30, ttlMs: 180_000 },
    { threshold: 40, ttlMs: 60_000 },
  ],
  healthyRoomAgeMs: 300_000,
  roomCreationCooldownMs: 10_000,
  ipRoomCreationCooldownMs: 30_000,
  apiCacheTtlMs: 10_000,
  startupPurgeDelayMs: 2000,
  tokenExpiryMs: 2_592_000_000,
  sessionMaxAgeMs: 14 * 24 * 3600 * 1000,
});

/** Production rate limits. */
const REALISTIC_RATE_LIMITS: Readonly<RateLimitOptions> = Object.freeze({
  socketHuman: { ...RATE_LIMITS.SOCKET_HUMAN },
  socketBot: { ...RATE_LIMITS.SOCKET_BOT },
  connectionAttempts: { ...RATE_LIMITS.CONNECTION_ATTEMPTS },
  maxConnectionsPerIp: MAX_CONNECTIONS_PER_IP,
  httpGlobal: { ...RATE_LIMITS.HTTP_GLOBAL },
  apiBot: { ...RATE_LIMITS.API_BOT },
  apiHuman: { ...RATE_LIMITS.API_HUMAN },
  tokenRequests: { ...RATE_LIMITS.TOKEN_REQUESTS },
  maxTokensPerIp: MAX_TOKENS_PER_IP,
  joinAttemptThreshold: 10,
  joinAttemptWindowMs: 60_000,
  chatBatch: { ...RATE_LIMITS.CHAT_BATCH },
  maxRoomsPerIp: MAX_ROOMS_PER_IP,
});

/** Production room limits. */
const REALISTIC_LIMITS: Readonly<RoomLimitOptions> = Object.freeze({
  roomCapacity: ROOM_CAPACITY,
  baseMaxRooms: 15,
  roomScalingIncrement: 5,
  hardMaxRooms: 50,
  minUsersForVoting: MIN_USERS_FOR_VOTING,
});

/** A short list of our own; the real list is not shipped. */
const DEFAULT_WORD_FILTER: Readonly<WordFilterOptions> = Object.freeze({
  offensiveWords: ["fuck", "shit", "cunt", "bitch", "asshole", "bastard", "dick", "slut"],
  whitelistedWords: ["dickens", "dickson", "scunthorpe", "shitake", "shiitake", "cocktail"],
});

const UNLIMITED: LimiterOptions = { points: Infinity, windowMs: 1000, blockMs: 0 };

/** Fully resolved options. */
export interface ResolvedOptions {
  /** The port listened on (0 until the server is bound). */
  port: number;
  /** The loopback host listened on. */
  host: string;
  /** Whether sockets and /api need a bot token. */
  requireToken: boolean;
  /** The x-api-key the room routes require. */
  apiKey: string;
  /** The secret that signs session cookies (random when undefined). */
  sessionSecret: string | undefined;
  /** Every timing constant, in milliseconds. */
  timing: TimingOptions;
  /** Every rate limit. */
  rateLimits: RateLimitOptions;
  /** Room and text limits. */
  limits: RoomLimitOptions;
  /** The word filter's lists, or false when the filter is off. */
  wordFilter: WordFilterOptions | false;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

function checkObject(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`Cannot use ${name} ${JSON.stringify(value)}: expected an object`);
  }
  return value as Record<string, unknown>;
}

function checkKeys(obj: Record<string, unknown>, allowed: object, name: string): void {
  for (const key of Object.keys(obj)) {
    if (!(key in allowed)) {
      throw new TypeError(
        `Cannot use option "${name}.${key}": unknown key, expected one of ${
          Object.keys(allowed).join(", ")
        }`,
      );
    }
  }
}

function checkNumber(value: unknown, name: string, allowInfinity = false): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new RangeError(`Cannot use ${name} ${String(value)}: expected a number >= 0`);
  }
  if (!allowInfinity && !Number.isFinite(value)) {
    throw new RangeError(`Cannot use ${name} ${String(value)}: expected a finite number`);
  }
  return value;
}

function checkLimiter(value: unknown, name: string): LimiterOptions {
  const o = checkObject(value, name);
  checkKeys(o, UNLIMITED, name);
  return {
    points: checkNumber(o.points, `${name}.points`, true),
    windowMs: checkNumber(o.windowMs, `${name}.windowMs`),
    blockMs: checkNumber(o.blockMs, `${name}.blockMs`),
  };
}

function checkWords(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.some((w) => typeof w !== "string" || w.trim() === "")) {
    throw new TypeError(`Cannot use ${name}: expected an array of non-empty strings`);
  }
  return value.map((w) => w.toLowerCase());
}

/** Validates and resolves user options. Throws TypeError/RangeError on bad input. */
export function resolveOptions(options: TestServerOptions = {}): ResolvedOptions {
  const o = checkObject(options, "options");
  checkKeys(o, {
    port: 0,
    host: 0,
    realistic: 0,
    requireToken: 0,
    relaxRateLimits: 0,
    apiKey: 0,
    sessionSecret: 0,
    timing: 0,
    rateLimits: 0,
    limits: 0,
    wordFilter: 0,
    activity: 0,
    recordRequests: 0,
  }, "options");
  if (o.recordRequests !== undefined && typeof o.recordRequests !== "boolean") {
    throw new TypeError(
      `Cannot use option "recordRequests" ${JSON.stringify(o.recordRequests)}: expected a boolean`,
    );
  }
  if (o.activity !== undefined && typeof o.activity !== "function") {
    throw new TypeError(
      `Cannot use option "activity" ${JSON.stringify(o.activity)}: expected a function`,
    );
  }
  const port = o.port ?? 0;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Cannot listen on port ${String(port)}: expected an integer 0..65535`);
  }
  const host = o.host ?? "127.0.0.1";
  if (typeof host !== "string" || !LOOPBACK.has(host)) {
    throw new TypeError(
      `Cannot listen on host "${
        String(host)
      }": the test server binds loopback only (127.0.0.1, ::1, localhost)`,
    );
  }
  for (const flag of ["realistic", "requireToken", "relaxRateLimits"] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== "boolean") {
      throw new TypeError(
        `Cannot use option "${flag}" ${JSON.stringify(o[flag])}: expected a boolean`,
      );
    }
  }
  for (const key of ["apiKey", "sessionSecret"] as const) {
    if (o[key] !== undefined && (typeof o[key] !== "string" || o[key] === "")) {
      throw new TypeError(
        `Cannot use option "${key}" ${JSON.stringify(o[key])}: expected a non-empty string`,
      );
    }
  }

  const timing: TimingOptions = {
    ...REALISTIC_TIMING,
    pressureTiers: [...REALISTIC_TIMING.pressureTiers],
  };
  if (o.timing !== undefined) {
    const t = checkObject(o.timing, "timing");
    checkKeys(t, REALISTIC_TIMING, "timing");
    for (const [key, value] of Object.entries(t)) {
      if (value === undefined) continue;
      if (key === "pressureTiers") {
        if (!Array.isArray(value) || value.length === 0) {
          throw new TypeError("Cannot use timing.pressureTiers: expected a non-empty array");
        }
        timing.pressureTiers = value.map((tier, i) => {
          const x = checkObject(tier, `timing.pressureTiers[${i}]`);
          return {
            threshold: checkNumber(x.threshold, `timing.pressureTiers[${i}].threshold`),
            ttlMs: checkNumber(x.ttlMs, `timing.pressureTiers[${i}].ttlMs`),
          };
        }).sort((a, b) => a.threshold - b.threshold);
      } else if (key === "startupPurgeDelayMs" && value === false) {
        timing.startupPurgeDelayMs = false;
      } else {
        (timing as unknown as Record<string, number>)[key] = checkNumber(value, `timing.${key}`);
      }
    }
  }

  const rateLimits: RateLimitOptions = structuredClone(REALISTIC_RATE_LIMITS) as RateLimitOptions;
  if (o.relaxRateLimits === true) {
    for (const key of Object.keys(rateLimits) as (keyof RateLimitOptions)[]) {
      const value = rateLimits[key];
      if (typeof value === "object") {
        (rateLimits as unknown as Record<string, unknown>)[key] = { ...UNLIMITED };
      } else if (key !== "joinAttemptWindowMs") {
        (rateLimits as unknown as Record<string, number>)[key] = Infinity;
      }
    }
    timing.roomCreationCooldownMs = 0;
    timing.ipRoomCreationCooldownMs = 0;
  }
  if (o.rateLimits !== undefined) {
    const r = checkObject(o.rateLimits, "rateLimits");
    checkKeys(r, REALISTIC_RATE_LIMITS, "rateLimits");
    for (const [key, value] of Object.entries(r)) {
      if (value === undefined) continue;
      const target = rateLimits as unknown as Record<string, unknown>;
      target[key] = typeof target[key] === "object"
        ? checkLimiter(value, `rateLimits.${key}`)
        : checkNumber(value, `rateLimits.${key}`, key !== "joinAttemptWindowMs");
    }
  }

  const limits: RoomLimitOptions = { ...REALISTIC_LIMITS };
  if (o.limits !== undefined) {
    const l = checkObject(o.limits, "limits");
    checkKeys(l, REALISTIC_LIMITS, "limits");
    for (const [key, value] of Object.entries(l)) {
      if (value === undefined) continue;
      const n = checkNumber(value, `limits.${key}`);
      if (!Number.isInteger(n)) {
        throw new RangeError(`Cannot use limits.${key} ${n}: expected an integer`);
      }
      (limits as unknown as Record<string, number>)[key] = n;
    }
  }

  let wordFilter: WordFilterOptions | false = {
    offensiveWords: [...DEFAULT_WORD_FILTER.offensiveWords],
    whitelistedWords: [...DEFAULT_WORD_FILTER.whitelistedWords],
  };
  if (o.wordFilter === false) wordFilter = false;
  else if (o.wordFilter !== undefined) {
    const w = checkObject(o.wordFilter, "wordFilter");
    checkKeys(w, DEFAULT_WORD_FILTER, "wordFilter");
    if (w.offensiveWords !== undefined) {
      wordFilter.offensiveWords = checkWords(w.offensiveWords, "wordFilter.offensiveWords");
    }
    if (w.whitelistedWords !== undefined) {
      wordFilter.whitelistedWords = checkWords(w.whitelistedWords, "wordFilter.whitelistedWords");
    }
  }

  return {
    port,
    host: host === "localhost" ? "127.0.0.1" : host,
    requireToken: o.requireToken !== false,
    apiKey: (o.apiKey as string | undefined) ?? DEFAULT_API_KEY,
    sessionSecret: o.sessionSecret as string | undefined,
    timing,
    rateLimits,
    limits,
    wordFilter,
  };
}
