/**
 * The shape of a REST operation and of what sends it, shared by the
 * generated operation functions (`_operations.gen.ts`) and
 * `HttpTransport` (`transport.ts`), so neither imports the other's
 * types.
 *
 * @module
 */
import type { Validator } from "../schemas/standard.ts";

/**
 * Which authentication an operation needs: `none`; `bearer` (the token is
 * sent, but the endpoint has no token layer: token info); `token` (the bot
 * token layer); `token+key` (token layer plus `x-api-key`).
 */
export type AuthLayer = "none" | "bearer" | "token" | "token+key";

/** One REST request, as described by a generated operation function. */
export interface OperationSpec<T> {
  /** The operation id (`getRoom`, …), used in errors. */
  readonly id: string;
  /** The HTTP method. */
  readonly method: "GET" | "POST";
  /** The path, with parameters already substituted and encoded. */
  readonly path: string;
  /** Query parameters; `undefined` values are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** A JSON request body. */
  readonly body?: unknown;
  /** The authentication layers the endpoint needs. */
  readonly auth: AuthLayer;
  /** Success status → schema of the body. Any other status is an error. */
  readonly success: Readonly<Record<number, Validator<T>>>;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call. */
  readonly signal?: AbortSignal;
  /** Milliseconds each HTTP request may take; overrides the transport's default. */
  readonly timeoutMs?: number;
}

/** Sends operations to a server. */
export interface Transport {
  /** Performs `spec` and resolves with its validated success body. */
  call<T>(spec: OperationSpec<T>, options?: CallOptions): Promise<T>;
}
