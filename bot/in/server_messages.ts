/**
 * Every server message the bot acts on, classified in one place: failure
 * events (docs/protocol.md §5.8), handshake refusals (§1.4) and the two AFK
 * timeout texts (§5.7). The texts themselves come from the schema's table
 * (schemas/protocol.gen.ts); this file only says what each one means. The
 * rest of the bot works with the classification, never with the English text.
 *
 * @module
 */

import type { ActionErrorReason, ServerFailure } from "../errors.ts";

export type { ServerFailure };
import { recognise, type ServerMessageName } from "../../schemas/messages.ts";
import { RATE_LIMITS } from "../../schemas/protocol.gen.ts";
import { MAX_CONNECTIONS_PER_IP } from "../../schemas/limits.gen.ts";
import type { ServerEventName, ServerEvents } from "../../schemas/events.gen.ts";

/** What a recognised error text means for the action. */
interface Meaning {
  readonly reason: ActionErrorReason;
  readonly retryAfterMs?: (values: Readonly<Record<string, string>>) => number;
  readonly dropped?: true;
}

/**
 * The error texts (schemas/protocol.gen.ts) whose meaning is more precise
 * than their code's; every other text is read by its code ({@linkcode BY_CODE}).
 */
const MEANINGS: { readonly [N in ServerMessageName]?: Meaning } = {
  RATE_LIMIT_EXCEEDED: { reason: "rateLimited", dropped: true },
  // The per-user cooldown of room creation (§4.5) and the join detector's window (§12.4).
  CREATING_ROOMS_TOO_FAST: { reason: "rateLimited", retryAfterMs: () => 10_000 },
  PLEASE_WAIT_TO_CREATE: { reason: "rateLimited", retryAfterMs: (v) => Number(v.seconds) * 1000 },
  TOO_MANY_JOIN_ATTEMPTS: { reason: "rateLimited", retryAfterMs: () => 60_000 },
  INCORRECT_ACCESS_CODE: { reason: "wrongAccessCode" },
  INVALID_ACCESS_CODE_FORMAT: { reason: "wrongAccessCode" },
  BANNED: { reason: "banned" },
  ACCESS_DENIED: { reason: "accessDenied" },
  NAME_IN_USE: { reason: "nameInUse" },
  ALREADY_IN_ROOM: { reason: "alreadyInRoom" },
  ALREADY_IN_NAMED_ROOM: { reason: "alreadyInRoom" },
  YOU_ARE_ALREADY_IN_NAMED_ROOM: { reason: "alreadyInRoom" },
};

/** The meaning of an error code, for texts without a precise one (unknown codes: `serverError`). */
const BY_CODE: Readonly<Record<string, ActionErrorReason>> = {
  RATE_LIMITED: "rateLimited",
  FORBIDDEN: "forbidden",
  VALIDATION_ERROR: "validation",
  NOT_FOUND: "roomNotFound",
  ROOM_FULL: "roomFull",
  UNAUTHORIZED: "unauthorized",
  ROOM_NAME_EXISTS: "roomNameExists",
  ROOM_LIMIT_REACHED: "roomLimitReached",
  BAD_REQUEST: "badRequest",
};

/** Classifies a server code and message (of an `error` envelope). */
export function classify(code: string, message: string): ServerFailure {
  const known = recognise("error", code, message);
  const meaning = known && MEANINGS[known.name];
  if (meaning) {
    return {
      code,
      message,
      reason: meaning.reason,
      ...(meaning.dropped ? { dropped: true } : {}),
      ...(meaning.retryAfterMs ? { retryAfterMs: meaning.retryAfterMs(known.values) } : {}),
    };
  }
  return { code, message, reason: Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : "serverError" };
}

/**
 * The socket events that report a failure (docs/protocol.md §5.8), each read from the payload
 * its name carries.
 */
const FAILURES: {
  readonly [E in ServerEventName]?: (payload: ServerEvents[E]) => ServerFailure;
} = {
  "error": (p) => classify(p.error.code, p.error.message),
  "room not found": (p) => classify(p.error.code, p.error.message),
  "room full": (p) => classify(p.error.code, p.error.message),
  "access code required": () => ({
    code: "ACCESS_CODE_REQUIRED",
    message: "Access code required.",
    reason: "accessCodeRequired",
  }),
  "validation_error": (fields) => ({
    code: "VALIDATION_ERROR",
    message: Object.values(fields).join(" "),
    reason: "validation",
    fields,
  }),
};

/** The names of {@linkcode FAILURES}. */
const FAILURE_EVENTS: ReadonlySet<string> = new Set(Object.keys(FAILURES));

/** The failure a wire event reports, or `undefined` for other events. */
export function failureOf<K extends ServerEventName>(
  event: K,
  payload: ServerEvents[K],
): ServerFailure | undefined {
  // One set lookup for every event; the handler table is read only for failures.
  return FAILURE_EVENTS.has(event) ? FAILURES[event]?.(payload) : undefined;
}

/** Whether an `afk timeout` message is the single-occupancy closure (§10.2) rather than idleness. */
export function isRoomClosure(message: string): boolean {
  return recognise("afk timeout", undefined, message)?.name === "ROOM_CLOSED";
}

/** A handshake refusal (`connect_error` message, §1.4), classified. */
export interface HandshakeRefusal {
  /** The server refused the token: get a new one and try again. */
  readonly badToken: boolean;
  /** What to tell a person. */
  readonly hint: string;
}

const { CONNECTION_ATTEMPTS } = RATE_LIMITS;

const REFUSALS: { readonly [N in ServerMessageName]?: HandshakeRefusal } = {
  HANDSHAKE_TOKEN_REQUIRED: { badToken: true, hint: "the server wants a bot token" },
  HANDSHAKE_INVALID_TOKEN: {
    badToken: true,
    hint: "the server refused the bot token (tokens die when the server restarts)",
  },
  HANDSHAKE_IP_RATE_LIMIT: {
    badToken: false,
    hint: `too many connection attempts from this IP (${CONNECTION_ATTEMPTS.points} per ${
      CONNECTION_ATTEMPTS.windowMs / 1000
    } s); wait ${CONNECTION_ATTEMPTS.blockMs / 1000} s`,
  },
  HANDSHAKE_TOO_MANY_CONNECTIONS: {
    badToken: false,
    hint: `this IP already has ${MAX_CONNECTIONS_PER_IP} live connections; stop other bots or wait`,
  },
  HANDSHAKE_TOKEN_IN_BROWSER: {
    badToken: false,
    hint: "bot tokens cannot be used from a browser",
  },
  HANDSHAKE_AUTOMATED_ACCESS_BLOCKED: { badToken: false, hint: "the server does not accept bots" },
  HANDSHAKE_IP_BLOCKED: { badToken: false, hint: "the server blocked this IP" },
};

/** Classifies a handshake refusal message (unknown ones are not token problems). */
export function handshakeRefusal(message: string): HandshakeRefusal {
  const known = recognise("connect_error", undefined, message);
  return (known && REFUSALS[known.name]) ?? { badToken: false, hint: message };
}
