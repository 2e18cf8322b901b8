/**
 * The Talkomatic Classic wire protocol, described once: TypeScript types and
 * valibot validators for every REST body and socket payload, and the typed
 * event maps of both directions. Everything here is generated from
 * `schemas/openapi.yaml` and `schemas/events.yaml` by `deno task codegen`.
 *
 * @example Validate a payload
 * ```ts
 * import * as v from "valibot";
 * import { RoomSnapshotSchema } from "./mod.ts";
 *
 * const ok = v.is(RoomSnapshotSchema, { id: "123456" });
 * console.log(ok); // false: the snapshot misses most fields
 * ```
 *
 * @module
 */
export * from "./types.gen.ts";
export * from "./validators.gen.ts";
export * from "./events.gen.ts";
export { type EventSpec, NoPayloadSchema, type PayloadKind } from "./event_spec.ts";
