/**
 * Every server message the bot acts on, classified in one place: failure
 * events (docs/protocol.md §5.8), handshake refusals (§1.4) and the two AFK
 * timeout texts (§5.7). The rest of the bot works with the classification,
 * never with the English text.
 *
 * @module
 */

import type { ActionErrorReason } from "./errors.ts";

/** A failure the server reported, classified. */
export interface ServerFailure {
  /** The server's code (`ROOM_FULL`), or `ACCESS_CODE_REQUIRED` / `VALIDATION_ERROR`. */
  readonly code: string;
  /** The server's message, verbatim. */
  readonly message: string;
  /** What it means for the action. */
  readonly reason: ActionErrorReason;
  /** When the server says how long to wait. */
  readonly retryAfterMs?: number;
  /** The server dropped a packet over the per-socket limit (`Rate limit exceeded.`). */
  readonly dropped?: true;
  /** Per-field messages of a `validation_error`. */
  readonly fields?: Readonly<Record<string, string>>;
}

type Rule = readonly [
  code: string,
  message: string | RegExp | undefined,
  reason: ActionErrorReason,
  extra?: (match: RegExpExecArray | null) => Partial<ServerFailure>,
];

/** First match wins; `undefined` matches any message of the code. */
const RULES: readonly Rule[] = [
  ["RATE_LIMITED", "Rate limit exceeded.", "rateLimited", () => ({ dropped: true })],
  ["RATE_LIMITED", "Creating rooms too fast.", "rateLimited", () => ({ retryAfterMs: 10_000 })],
  ["RATE_LIMITED", /^Please wait (\d+)s/, "rateLimited", (m) => ({
    retryAfterMs: Number(m![1]) * 1000,
  })],
  ["RATE_LIMITED", "Too many join attempts.", "rateLimited", () => ({ retryAfterMs: 60_000 })],
  ["RATE_LIMITED", undefined, "rateLimited"],
  ["FORBIDDEN", "Incorrect access code.", "wrongAccessCode"],
  ["FORBIDDEN", "You are banned from this room.", "banned"],
  ["FORBIDDEN", "Access denied.", "accessDenied"],
  ["FORBIDDEN", "This username/location is already in a room.", "nameInUse"],
  ["FORBIDDEN", "Already in a room.", "alreadyInRoom"],
  ["FORBIDDEN", /Leave first\.$/, "alreadyInRoom"],
  ["FORBIDDEN", undefined, "forbidden"],
  ["VALIDATION_ERROR", "Invalid access code format.", "wrongAccessCode"],
  ["VALIDATION_ERROR", undefined, "validation"],
  ["NOT_FOUND", undefined, "roomNotFound"],
  ["ROOM_FULL", undefined, "roomFull"],
  ["UNAUTHORIZED", undefined, "unauthorized"],
  ["ROOM_NAME_EXISTS", undefined, "roomNameExists"],
  ["ROOM_LIMIT_REACHED", undefined, "roomLimitReached"],
  ["BAD_REQUEST", undefined, "badRequest"],
];

/** Classifies a server code and message. */
export function classify(code: string, message: string): ServerFailure {
  for (const [ruleCode, pattern, reason, extra] of RULES) {
    if (ruleCode !== code) continue;
    let match: RegExpExecArray | null = null;
    if (typeof pattern === "string" && pattern !== message) continue;
    if (pattern instanceof RegExp && !(match = pattern.exec(message))) continue;
    return { code, message, reason, ...(extra ? extra(match) : {}) };
  }
  return { code, message, reason: "serverError" };
}

/** The socket events that report a failure (docs/protocol.md §5.8). */
const FAILURE_EVENTS: ReadonlySet<string> = new Set([
  "error",
  "validation_error",
  "room not found",
  "room full",
  "access code required",
]);

/** The failure a wire event reports, or `undefined` for other events. */
export function failureOf(event: string, payload: unknown): ServerFailure | undefined {
  if (!FAILURE_EVENTS.has(event)) return undefined;
  if (event === "access code required") {
    return {
      code: "ACCESS_CODE_REQUIRED",
      message: "Access code required.",
      reason: "accessCodeRequired",
    };
  }
  if (event === "validation_error") {
    const fields = payload as Record<string, string>;
    return {
      code: "VALIDATION_ERROR",
      message: Object.values(fields).join(" "),
      reason: "validation",
      fields,
    };
  }
  const { code, message } = (payload as { error: { code: string; message: string } }).error;
  return classify(code, message);
}

/** Whether an `afk timeout` message is the single-occupancy closure (§10.2) rather than idleness. */
export function isRoomClosure(message: string): boolean {
  return /closed/i.test(message);
}

/** A handshake refusal (`connect_error` message, §1.4), classified. */
export interface HandshakeRefusal {
  /** The server refused the token: get a new one and try again. */
  readonly badToken: boolean;
  /** What to tell a person. */
  readonly hint: string;
}

const REFUSALS: Readonly<Record<string, HandshakeRefusal>> = {
  "Bot token required": { badToken: true, hint: "the server wants a bot token" },
  "Invalid bot token": {
    badToken: true,
    hint: "the server refused the bot token (tokens die when the server restarts)",
  },
  "IP rate limit exceeded": {
    badToken: false,
    hint: "too many connection attempts from this IP (20 per 15 s); wait 30 s",
  },
  "Too many connections": {
    badToken: false,
    hint: "this IP already has 8 live connections; stop other bots or wait",
  },
  "Bot tokens not allowed in browsers": {
    badToken: false,
    hint: "bot tokens cannot be used from a browser",
  },
  "Automated access blocked": { badToken: false, hint: "the server does not accept bots" },
  "IP blocked": { badToken: false, hint: "the server blocked this IP" },
};

/** Classifies a handshake refusal message (unknown ones are not token problems). */
export function handshakeRefusal(message: string): HandshakeRefusal {
  return REFUSALS[message] ?? { badToken: false, hint: message };
}
