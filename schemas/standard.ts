/**
 * The Standard Schema v1 interface (https://standardschema.dev), written out
 * here so that the public API names no third-party type. Every generated
 * valibot validator satisfies it, so the `validators` table works with any
 * library that accepts Standard Schema.
 *
 * @module
 */

/** One problem found by a validator. */
export interface StandardIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where: the keys from the root to the bad value. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** The outcome of a validation: the typed value, or the issues. */
export type StandardResult<T> =
  | { readonly value: T; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

/** A validator for the wire shape `T`, in the Standard Schema v1 form. */
export interface Validator<T> {
  /** The Standard Schema properties. */
  readonly "~standard": {
    /** The Standard Schema version. */
    readonly version: 1;
    /** The library behind the validator. */
    readonly vendor: string;
    /** Validates a value. */
    readonly validate: (value: unknown) => StandardResult<T> | Promise<StandardResult<T>>;
    /** The input and output types, for type inference only. */
    readonly types?: { readonly input: unknown; readonly output: T } | undefined;
  };
}
