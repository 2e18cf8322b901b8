// What every subcommand of `talkomatic` shares: the usage error, flag parsing
// with node:util's parseArgs, colour (only on a terminal without NO_COLOR),
// and the runtime the command runs under.
import process from "node:process";
import { parseArgs } from "node:util";

/** A bad command line: the command prints it with the usage and exits 2. */
export class UsageError extends Error {
  /** The usage text printed after the message. */
  readonly usage: string;
  /**
   * @param message What is wrong, one line.
   * @param usage The subcommand's usage text.
   */
  constructor(message: string, usage: string) {
    super(message);
    this.name = "UsageError";
    this.usage = usage;
  }
}

/** A failure to report in one line (exit 1), without a stack trace. */
export class CliFailure extends Error {
  /** @param message The line to print. */
  constructor(message: string) {
    super(message);
    this.name = "CliFailure";
  }
}

/** Option descriptions for {@linkcode parseFlags}, as node:util's parseArgs takes them. */
export type FlagSpec = Record<
  string,
  { type: "string" | "boolean"; short?: string; default?: string | boolean }
>;

/** Parsed flags and positionals. */
export interface Parsed {
  /** Flag values by name. */
  values: Record<string, string | boolean | undefined>;
  /** Positional arguments. */
  positionals: string[];
}

/** Parses `args` strictly; an unknown flag or a missing value is a {@linkcode UsageError}. */
export function parseFlags(args: string[], options: FlagSpec, usage: string): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: true,
    });
    return { values: values as Parsed["values"], positionals };
  } catch (error) {
    // Node adds a hint about "--" that Deno's node:util does not: one message for both.
    const message = String((error as Error).message).split("\n")[0]
      .replace(/\. To specify a positional argument starting with a '-'.*$/, "");
    throw new UsageError(message, usage);
  }
}

/** Whether `--help` or `-h` was asked for (before any `--`). */
export function wantsHelp(args: string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "--help" || a === "-h") return true;
  }
  return false;
}

/** A port number from a flag value, or a {@linkcode UsageError}. */
export function portOf(value: string | boolean | undefined, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw new UsageError(`Invalid --port "${text}": expected an integer 0..65535`, usage);
  }
  return Number(text);
}

/** Whether the command runs under Deno (else Node). */
export const isDeno: boolean = "Deno" in globalThis;

/** Whether to colour what goes to stdout: a terminal and no `NO_COLOR`. */
export function useColor(): boolean {
  const noColor = process.env.NO_COLOR;
  return Boolean(process.stdout.isTTY) && (noColor === undefined || noColor === "");
}

/** Bold text when colour is on. */
export function bold(text: string, color: boolean): string {
  return color ? `\x1b[1m${text}\x1b[22m` : text;
}

/** Dim text when colour is on. */
export function dim(text: string, color: boolean): string {
  return color ? `\x1b[2m${text}\x1b[22m` : text;
}

/** Columns padded to the widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][], color: boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i])).join("  ").trimEnd();
  return [bold(line(header), color), ...rows.map(line)].join("\n");
}

/** The clock shown in activity logs (HH:MM:SS). */
export function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}
