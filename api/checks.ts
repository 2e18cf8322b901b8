/**
 * Checks of everything a client sends against the protocol's limits
 * (PROTOCOL.md §4, §13.1), before anything is sent; shared by the REST client
 * and the bot. Each throws a `TypeError` (wrong kind
 * of value) or `RangeError` (right kind, out of limits) with a message in the
 * std style: `Cannot join room "12345": room ids have 6 digits`.
 *
 * @example
 * ```ts
 * import { checkRoomId } from "./checks.ts";
 * checkRoomId("123456", "join room"); // "123456"
 * ```
 *
 * @module
 */

import { MAX_MESSAGE_LENGTH, sanitizeName } from "../schemas/text.ts";
import type { Layout, RoomType } from "../schemas/types.gen.ts";

/** Maximum username length (raw, before trimming). */
export const MAX_USERNAME_LENGTH = 15;
/** Maximum location length (raw). */
export const MAX_LOCATION_LENGTH = 20;
/**
 * The longest room name the server accepts (PROTOCOL §13.1 `MAX_ROOM_NAME_LENGTH`, raw length).
 *
 * @example
 * ```ts
 * import { MAX_ROOM_NAME_LENGTH } from "@talkomatic/talkomatic/api";
 * import { assertEquals } from "@std/assert";
 *
 * function roomNameFor(topic: string): string {
 *   const name = `Trivia: ${topic}`;
 *   return name.length <= MAX_ROOM_NAME_LENGTH ? name : `${name.slice(0, MAX_ROOM_NAME_LENGTH - 1)}…`;
 * }
 * assertEquals(roomNameFor("Space exploration history"), "Trivia: Space exploratio…");
 * ```
 */
export const MAX_ROOM_NAME_LENGTH = 25;
/** Occupants per room. */
export const ROOM_CAPACITY = 5;

function name(kind: string, value: unknown, max: number, action: string): string {
  if (typeof value !== "string") {
    throw new TypeError(`Cannot ${action}: ${kind} must be a string, got ${typeof value}`);
  }
  if (value.length > max) {
    throw new RangeError(
      `Cannot ${action}: ${kind} "${value}" has ${value.length} characters, at most ${max} are allowed`,
    );
  }
  if (sanitizeName(value, max) === "") {
    throw new RangeError(`Cannot ${action}: ${kind} "${value}" has no visible characters`);
  }
  return value;
}

/**
 * Checks a username (1–15 characters, not blank).
 *
 * @param value The username.
 * @param action What is being done, for the message.
 * @returns The username.
 */
export function checkUsername(value: unknown, action = "sign in"): string {
  return name("username", value, MAX_USERNAME_LENGTH, action);
}

/**
 * Checks a location (1–20 characters, not blank).
 *
 * @param value The location.
 * @param action What is being done, for the message.
 * @returns The location.
 */
export function checkLocation(value: unknown, action = "sign in"): string {
  return name("location", value, MAX_LOCATION_LENGTH, action);
}

/**
 * Checks a room name (1–25 characters, not blank).
 *
 * @param value The room name.
 * @param action What is being done, for the message.
 * @returns The name.
 */
export function checkRoomName(value: unknown, action = "create room"): string {
  return name("room name", value, MAX_ROOM_NAME_LENGTH, action);
}

/**
 * Checks a room id: a string of exactly 6 digits.
 *
 * @param value The id.
 * @param action What is being done, for the message.
 * @returns The id.
 */
export function checkRoomId(value: unknown, action: string): string {
  if (typeof value === "number") {
    throw new TypeError(
      `Cannot ${action} ${value}: room ids are strings; pass "${value}" instead`,
    );
  }
  if (typeof value !== "string") {
    throw new TypeError(`Cannot ${action}: room id must be a string, got ${typeof value}`);
  }
  if (!/^[0-9]{6}$/.test(value)) {
    throw new RangeError(`Cannot ${action} "${value}": room ids have 6 digits`);
  }
  return value;
}

/**
 * Checks an access code: a string of exactly 6 digits.
 *
 * @param value The code.
 * @param action What is being done, for the message.
 * @returns The code.
 */
export function checkAccessCode(value: unknown, action: string): string {
  if (typeof value !== "string") {
    throw new TypeError(
      `Cannot ${action}: the access code must be a string of 6 digits, got ${typeof value}`,
    );
  }
  if (!/^[0-9]{6}$/.test(value)) {
    throw new RangeError(`Cannot ${action}: access code "${value}" is not 6 digits`);
  }
  return value;
}

/**
 * Checks a chat text (at most 5000 characters).
 *
 * @param value The text.
 * @param action What is being done, for the message.
 * @returns The text.
 */
export function checkText(value: unknown, action: string): string {
  if (typeof value !== "string") {
    throw new TypeError(`Cannot ${action}: text must be a string, got ${typeof value}`);
  }
  if (value.length > MAX_MESSAGE_LENGTH) {
    throw new RangeError(
      `Cannot ${action}: text has ${value.length} characters, at most ${MAX_MESSAGE_LENGTH} are allowed`,
    );
  }
  return value;
}

const TYPES: readonly RoomType[] = ["public", "semi-private", "private"];
const LAYOUTS: readonly Layout[] = ["horizontal", "vertical"];

function oneOf<T extends string>(what: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string") {
    throw new TypeError(`Cannot create room: ${what} must be a string, got ${typeof value}`);
  }
  if (!allowed.includes(value as T)) {
    throw new RangeError(
      `Cannot create room: ${what} "${value}" is not one of ${allowed.join(", ")}`,
    );
  }
  return value as T;
}

/**
 * Checks a room type.
 *
 * @param value The type.
 * @returns The type.
 */
export function checkRoomType(value: unknown): RoomType {
  return oneOf("type", value, TYPES);
}

/**
 * Checks a room layout.
 *
 * @param value The layout.
 * @returns The layout.
 */
export function checkLayout(value: unknown): Layout {
  return oneOf("layout", value, LAYOUTS);
}

/**
 * Checks a non-negative finite number of milliseconds (or a rate).
 *
 * @param value The number.
 * @param what Its name, for the message.
 * @param min Smallest allowed value.
 * @returns The number.
 */
export function checkNumber(value: unknown, what: string, min = 0): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Invalid ${what}: ${String(value)} is not a number`);
  }
  if (!(value >= min) || value === Infinity) {
    throw new RangeError(`Invalid ${what}: ${value} must be a finite number >= ${min}`);
  }
  return value;
}

/**
 * Checks a command prefix: 1–5 characters, no whitespace.
 *
 * @param value The prefix.
 * @returns The prefix.
 */
export function checkPrefix(value: unknown): string {
  if (typeof value !== "string") throw new TypeError("Invalid prefix: must be a string");
  if (value.length < 1 || value.length > 5 || /\s/.test(value)) {
    throw new RangeError(`Invalid prefix "${value}": 1 to 5 characters without spaces`);
  }
  return value;
}
