/**
 * Validators that load valibot only when a value fails. A
 * {@linkcode LazyValidator} asks its generated guard first (`guards.gen.ts`:
 * the same rules as plain code); a value that passes is returned as it is.
 * A value that fails goes to the valibot validator of `validators.gen.ts`,
 * which names the issues: that module (and valibot) is imported the first
 * time a value fails, so a bot whose payloads are all valid never loads it.
 * Until then such a result is a promise (the Standard Schema interface
 * allows it); afterwards it is immediate.
 *
 * Used by the bot's way in (`lazy.gen.ts`) and the REST transport; the public
 * `validators` of `./protocol` are the eager valibot ones.
 *
 * @module
 */
import type { StandardResult, Validator } from "./standard.ts";
import type { WireShapes } from "./validators.gen.ts";

/** The valibot validators of every wire shape, by component name. */
type Validators = { readonly [K in keyof WireShapes]: Validator<WireShapes[K]> };

/**
 * `load` run once: later calls share its promise while it is pending or once it resolved; after a
 * failure (a broken install, say) the next call tries again.
 *
 * @param load What to run.
 * @returns The shared loader.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    pending ??= load().catch((error) => {
      pending = undefined;
      throw error;
    });
}

let loaded: Validators | undefined;

/** Imports `validators.gen.ts` (and valibot) once; later calls share the import. */
const loadValidators: () => Promise<Validators> = loadOnce(() =>
  import("./validators.gen.ts").then((m) => loaded = m.validators)
);

/** The valibot validators when they were loaded already, else `undefined`. */
export function loadedValidators(): Validators | undefined {
  return loaded;
}

/** A Standard Schema validator that asks a guard first and loads valibot only for a failing value. */
export interface LazyValidator<T> extends Validator<T> {
  /** The component name in `schemas/openapi.yaml`. */
  readonly name: keyof WireShapes;
  /** Accepts exactly what the validator accepts, as plain code. */
  readonly guard: (x: unknown) => boolean;
}

/**
 * The lazy validator of component `name`.
 *
 * @param name The component name.
 * @param guard Its generated guard.
 * @returns A validator whose result is immediate, but a promise for a failing value while valibot loads.
 */
export function lazyValidator<T>(
  name: keyof WireShapes,
  guard: (x: unknown) => boolean,
): LazyValidator<T> {
  const slow = (all: Validators, value: unknown) =>
    (all[name] as Validator<T>)["~standard"].validate(value);
  const validate = (value: unknown): StandardResult<T> | Promise<StandardResult<T>> => {
    if (guard(value)) return { value: value as T };
    return loaded ? slow(loaded, value) : loadValidators().then((all) => slow(all, value));
  };
  return { name, guard, "~standard": { version: 1, vendor: "talkomatic", validate } };
}

/** A validator that accepts any value (a body nobody reads). */
export const anyValue: Validator<unknown> = {
  "~standard": { version: 1, vendor: "talkomatic", validate: (value) => ({ value }) },
};
