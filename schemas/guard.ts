/**
 * The fast way to say yes: a generated guard (codegen/guards.ts) in front of
 * a valibot validator. The guard applies the validator's rules as plain code;
 * a value it accepts is returned as it is, without valibot's copy, and any
 * other value goes to valibot, which reports the issues. Used by the
 * generated `guards.gen.ts` and `validators.gen.ts` only.
 *
 * @module
 */
import type * as v from "valibot";

/**
 * A validator that asks `guard` first. Only its Standard Schema `validate`
 * (what `schemas/validate.ts` and users of `validators` call) takes the fast
 * way; valibot's own functions (`v.parse`, composition) still run valibot.
 *
 * @param schema The valibot validator.
 * @param guard Accepts exactly what `schema` accepts.
 * @returns A copy of `schema` whose `~standard.validate` asks `guard` first.
 */
export function guarded<S extends v.GenericSchema>(schema: S, guard: (x: unknown) => boolean): S {
  const slow = schema["~standard"];
  const validate = (value: unknown) => guard(value) ? { value } : slow.validate(value);
  return { ...schema, "~standard": { ...slow, validate } } as S;
}

/** A key valibot's records look at: own, and not `__proto__`, `prototype` or `constructor`. */
export function ownKey(object: object, key: string): boolean {
  return Object.hasOwn(object, key) && key !== "__proto__" && key !== "prototype" &&
    key !== "constructor";
}
