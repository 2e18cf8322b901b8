/**
 * A small stand-in for `jsr:@std/assert` (JSR is not reachable from this
 * project's machines). It exposes the same names with the same semantics,
 * built on `node:assert`; switching to the real module is one line in
 * deno.json's imports map.
 *
 * @module
 */
import nodeAssert from "node:assert";

/** Error thrown by every assertion here, like `@std/assert`'s. */
export class AssertionError extends Error {
  /** Creates an assertion error with a message. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AssertionError";
  }
}

function fail(message: string, cause?: unknown): never {
  throw new AssertionError(message, cause === undefined ? undefined : { cause });
}

function show(value: unknown): string {
  try {
    return Deno.inspect(value, { depth: 8, colors: false });
  } catch {
    return String(value);
  }
}

/** Asserts that `expr` is truthy. */
export function assert(expr: unknown, msg = ""): asserts expr {
  if (!expr) fail(msg || "Expected expression to be true");
}

/** Asserts that `expr` is falsy. */
export function assertFalse(expr: unknown, msg = ""): void {
  if (expr) fail(msg || "Expected expression to be false");
}

/** Asserts deep equality (structural, strict about types and prototypes). */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  try {
    nodeAssert.deepStrictEqual(actual, expected);
  } catch (err) {
    fail(
      `${msg ? msg + ": " : ""}Values are not equal:\n  actual:   ${show(actual)}\n  expected: ${
        show(expected)
      }`,
      err,
    );
  }
}

/** Asserts deep inequality. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  try {
    nodeAssert.notDeepStrictEqual(actual, expected);
  } catch (err) {
    fail(
      `${msg ? msg + ": " : ""}Expected actual: ${show(actual)} not to be: ${show(expected)}`,
      err,
    );
  }
}

/** Asserts `Object.is(actual, expected)`. */
export function assertStrictEquals<T>(
  actual: unknown,
  expected: T,
  msg?: string,
): asserts actual is T {
  if (!Object.is(actual, expected)) {
    fail(
      `${msg ? msg + ": " : ""}Values are not strictly equal:\n  actual:   ${
        show(actual)
      }\n  expected: ${show(expected)}`,
    );
  }
}

/** Asserts `!Object.is(actual, expected)`. */
export function assertNotStrictEquals<T>(actual: T, expected: T, msg?: string): void {
  if (Object.is(actual, expected)) {
    fail(msg ?? `Expected "actual" to not be strictly equal to: ${show(expected)}`);
  }
}

/** Asserts that a value is neither `null` nor `undefined`. */
export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  if (actual === undefined || actual === null) {
    fail(msg ?? `Expected actual: "${actual}" to not be null or undefined.`);
  }
}

/** Asserts that `actual` is an instance of `expectedType`. */
export function assertInstanceOf<T extends abstract new (...args: never[]) => unknown>(
  actual: unknown,
  expectedType: T,
  msg = "",
): asserts actual is InstanceType<T> {
  if (!(actual instanceof expectedType)) {
    fail(
      msg || `Expected object to be an instance of "${expectedType.name}" but was ${show(actual)}`,
    );
  }
}

/** Asserts that `actual` matches the regular expression. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  if (!expected.test(actual)) fail(msg ?? `Expected actual: "${actual}" to match: "${expected}"`);
}

/** Asserts that `actual` does not match the regular expression. */
export function assertNotMatch(actual: string, expected: RegExp, msg?: string): void {
  if (expected.test(actual)) {
    fail(msg ?? `Expected actual: "${actual}" to not match: "${expected}"`);
  }
}

/** Asserts that `actual` includes `expected` (string or array). */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    fail(msg ?? `Expected actual: "${actual}" to contain: "${expected}"`);
  }
}

/** Asserts that the array-like `actual` includes every element of `expected` (deep equality). */
export function assertArrayIncludes<T>(
  actual: ArrayLike<T>,
  expected: ArrayLike<T>,
  msg?: string,
): void {
  const list = Array.from(actual);
  const missing = Array.from(expected).filter((e) => !list.some((a) => isDeepEqual(a, e)));
  if (missing.length) fail(msg ?? `Expected actual: ${show(list)} to include: ${show(missing)}`);
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    nodeAssert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

function subset(actual: unknown, expected: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.map((e, i) => subset(actual[i], e));
  }
  if (expected && typeof expected === "object" && actual && typeof actual === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) {
      if (key in (actual as object)) {
        out[key] = subset(
          (actual as Record<string, unknown>)[key],
          (expected as Record<string, unknown>)[key],
        );
      }
    }
    return out;
  }
  return actual;
}

/** Asserts that `actual` contains the properties of `expected` (recursively). */
export function assertObjectMatch(
  actual: Record<PropertyKey, unknown>,
  expected: Record<PropertyKey, unknown>,
  msg?: string,
): void {
  assertEquals(subset(actual, expected), expected, msg);
}

/** Asserts that `fn` throws; optionally of a class and with a message substring. Returns the error. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: abstract new (...args: any[]) => E,
  msgIncludes?: string,
  msg?: string,
): E {
  let thrown: unknown;
  let threw = false;
  try {
    fn();
  } catch (err) {
    threw = true;
    thrown = err;
  }
  if (!threw) fail(msg ?? "Expected function to throw.");
  return checkError(thrown, ErrorClass, msgIncludes, msg) as E;
}

/** Asserts that the promise returned by `fn` rejects; optionally of a class and with a message substring. */
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: abstract new (...args: any[]) => E,
  msgIncludes?: string,
  msg?: string,
): Promise<E> {
  let thrown: unknown;
  let threw = false;
  try {
    await fn();
  } catch (err) {
    threw = true;
    thrown = err;
  }
  if (!threw) fail(msg ?? "Expected function to reject.");
  return checkError(thrown, ErrorClass, msgIncludes, msg) as E;
}

function checkError(
  thrown: unknown,
  // deno-lint-ignore no-explicit-any
  ErrorClass?: abstract new (...args: any[]) => unknown,
  msgIncludes?: string,
  msg?: string,
): unknown {
  if (ErrorClass && !(thrown instanceof ErrorClass)) {
    fail(
      msg ?? `Expected error to be instance of "${ErrorClass.name}", but was ${show(thrown)}`,
      thrown,
    );
  }
  if (msgIncludes !== undefined) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    if (!message.includes(msgIncludes)) {
      fail(
        msg ??
          `Expected error message to include ${JSON.stringify(msgIncludes)}, but got ${
            JSON.stringify(message)
          }`,
        thrown,
      );
    }
  }
  return thrown;
}

/** Always fails with the message. */
export function fail_(msg?: string): never {
  fail(msg ?? "Failed assertion");
}
export { fail_ as fail };

/** Marks code that must never be reached. */
export function unreachable(msg?: string): never {
  fail(msg ?? "unreachable");
}
