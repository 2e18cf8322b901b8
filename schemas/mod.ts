/**
 * The Talkomatic Classic wire protocol, described once: TypeScript types and
 * valibot validators for every REST body and socket payload, and the typed
 * event maps of both directions. Everything here is generated from
 * `schemas/openapi.yaml` and `schemas/events.yaml` by `deno task codegen`.
 *
 * @example Validate a payload
 * ```ts
 * import { validators } from "./mod.ts";
 *
 * const result = validators.RoomSnapshot["~standard"].validate({ id: "123456" });
 * console.log("issues" in result); // true: the snapshot misses most fields
 * ```
 *
 * @module
 */
export * from "./types.gen.ts";
export * from "./validators.gen.ts";
export * from "./events.gen.ts";
export * from "./limits.gen.ts";
export { type EventSpec, NoPayloadSchema, type PayloadKind } from "./event_spec.ts";
export type { StandardIssue, StandardResult, Validator } from "./standard.ts";
