/**
 * The protocol's input rules, checked before anything is sent: the REST
 * client and the bot call the `check*` functions, the local server
 * (`testing/`) uses the same limits and predicates for its own checks. Every
 * limit comes from `schemas/limits.gen.ts`, i.e. from the schemas
 * (docs/protocol.md §4, §13.1).
 *
 * Each `check*` function throws a `TypeError` (wrong kind of value) or a
 * `RangeError` (right kind, out of limits) with a message in the std style:
 * `Cannot join room "12345": room ids have 6 digits`.
 *
 * @example
 * ```ts
 * import { checkRoomId, isAccessCode } from "./checks.ts";
 *
 * checkRoomId("123456", "join room"); // "123456"
 * isAccessCode("12345"); // false
 * ```
 *
 * @module
 */
import {
  ACCESS_CODE_PATTERN,
  LAYOUTS,
  MAX_LOCATION_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_ROOM_NAME_LENGTH,
  MAX_USERNAME_LENGTH,
  ROOM_ID_PATTERN,
  ROOM_TYPES,
} from "./limits.gen.ts";
import { sanitizeName } from "./text.ts";
import type { RoomLayout, RoomType } from "./types.gen.ts";

/**
 * True for a room id: a string of exactly 6 digits.
 *
 * @param value Anything.
 * @returns Whether it is a room id.
 */
function isRoomId(value: unknown): value is string {
  return typeof value === "string" && ROOM_ID_PATTERN.test(value);
}

/**
 * True for an access code: a string of exactly 6 digits (a number is none).
 *
 * @param value Anything.
 * @returns Whether it is an access code.
 */
export function isAccessCode(value: unknown): value is string {
  return typeof value === "string" && ACCESS_CODE_PATTERN.test(value);
}

/**
 * True for a room type.
 *
 * @param value Anything.
 * @returns Whether it is one of {@linkcode ROOM_TYPES}.
 */
export function isRoomType(value: unknown): value is RoomType {
  return (ROOM_TYPES as readonly unknown[]).includes(value);
}

/**
 * True for a room layout.
 *
 * @param value Anything.
 * @returns Whether it is one of {@linkcode LAYOUTS}.
 */
export function isLayout(value: unknown): value is RoomLayout {
  return (LAYOUTS as readonly unknown[]).includes(value);
}

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
 * Checks a username (1 to {@linkcode MAX_USERNAME_LENGTH} characters, not blank).
 *
 * @param value The username.
 * @param action What is being done, for the message.
 * @returns The username.
 */
export function checkUsername(value: unknown, action = "sign in"): string {
  return name("username", value, MAX_USERNAME_LENGTH, action);
}

/**
 * Checks a location (1 to {@linkcode MAX_LOCATION_LENGTH} characters, not blank).
 *
 * @param value The location.
 * @param action What is being done, for the message.
 * @returns The location.
 */
export function checkLocation(value: unknown, action = "sign in"): string {
  return name("location", value, MAX_LOCATION_LENGTH, action);
}

/**
 * Checks a room name (1 to {@linkcode MAX_ROOM_NAME_LENGTH} characters, not blank).
 *
 * @param value The room name.
 * @param action What is being done, for the message.
 * @returns The name.
 */
export function checkRoomName(value: unknown, action = "create room"): string {
  return name("room name", value, MAX_ROOM_NAME_LENGTH, action);
}

/**
 * Checks a room id: a string of exactly 6 digits ({@linkcode ROOM_ID_PATTERN}).
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
  if (!isRoomId(value)) {
    throw new RangeError(`Cannot ${action} "${value}": room ids have 6 digits`);
  }
  return value;
}

/**
 * Checks an access code: a string of exactly 6 digits ({@linkcode ACCESS_CODE_PATTERN}).
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
  if (!isAccessCode(value)) {
    throw new RangeError(`Cannot ${action}: access code "${value}" is not 6 digits`);
  }
  return value;
}

/**
 * Checks a chat text (at most {@linkcode MAX_MESSAGE_LENGTH} characters).
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
  return oneOf("type", value, ROOM_TYPES);
}

/**
 * Checks a room layout.
 *
 * @param value The layout.
 * @returns The layout.
 */
export function checkLayout(value: unknown): RoomLayout {
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
