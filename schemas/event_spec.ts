/**
 * The shape of one entry of the generated event tables.
 *
 * @module
 */
import * as v from "valibot";
import type { Validator } from "./standard.ts";

/** How an event's payload travels on the wire. */
export type PayloadKind = "none" | "object" | "array" | "string";

/** Facts about one socket event: its validator and how its payload travels. */
export interface EventSpec<T> {
  /** The wire event name (with spaces, case-sensitive). */
  readonly name: string;
  /** Validates a payload and returns it typed; `undefined` for events without payload. */
  readonly schema: Validator<T>;
  /** Whether the payload is absent, an object, a bare array or a bare string. */
  readonly payload: PayloadKind;
  /** Only sent to or accepted from developer sockets. */
  readonly devOnly: boolean;
  /** What the event means (from docs/protocol.md). */
  readonly description: string;
}

/** Validator for events that carry no payload: whatever arrives is dropped. */
export const NoPayloadSchema: v.GenericSchema<unknown, undefined> = v.pipe(
  v.unknown(),
  v.transform((): undefined => undefined),
);
