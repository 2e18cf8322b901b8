/**
 * The minimal logger interface the REST client reports warnings through
 * (for example a token file that was replaced). Pass your own to silence or
 * redirect them; messages never contain tokens.
 *
 * @example
 * ```ts
 * import type { Logger } from "./logger.ts";
 *
 * const warnings: string[] = [];
 * const logger: Logger = { warn: (message) => warnings.push(message) };
 * ```
 *
 * @module
 */

/** Receives the client's warnings. */
export interface Logger {
  /** Reports a problem the client worked around. */
  warn(message: string): void;
}

/**
 * The default logger: `console.warn`.
 *
 * @example
 * ```ts
 * import { consoleLogger } from "./logger.ts";
 *
 * consoleLogger.warn("Something was worked around");
 * ```
 */
export const consoleLogger: Logger = {
  warn(message: string): void {
    console.warn(message);
  },
};
