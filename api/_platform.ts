/**
 * The only place in `api/` that touches the runtime (`Deno.*`, `process`,
 * `node:fs`). Everything else uses web standards, so the client runs in Deno
 * and Node alike. Every function tolerates missing permissions: an
 * environment variable that cannot be read is reported as unset.
 *
 * @module
 */

interface DenoLike {
  readonly env: { get(name: string): string | undefined };
  readonly build: { readonly os: string };
}

interface ProcessLike {
  readonly env: Record<string, string | undefined>;
  readonly platform: string;
}

function deno(): DenoLike | undefined {
  return (globalThis as { Deno?: DenoLike }).Deno;
}

function nodeProcess(): ProcessLike | undefined {
  return (globalThis as { process?: ProcessLike }).process;
}

/**
 * Reads an environment variable, or `undefined` when it is unset, empty or not
 * readable (no `--allow-env` in Deno, no environment at all in a browser).
 */
export function getEnv(name: string): string | undefined {
  try {
    const value = deno()?.env.get(name) ?? nodeProcess()?.env[name];
    return value === undefined || value === "" ? undefined : value;
  } catch {
    return undefined;
  }
}

/** The operating system family, as far as this library cares. */
export type OsFamily = "windows" | "darwin" | "linux" | "other";

/** The operating system the code runs on. */
export function osFamily(): OsFamily {
  const os = deno()?.build.os ?? nodeProcess()?.platform;
  if (os === "windows" || os === "win32") return "windows";
  if (os === "darwin") return "darwin";
  if (os === undefined) return "other";
  return "linux";
}

/** The directory part of a path (`.` when it has none). */
export function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  if (i < 0) return ".";
  return i === 0 ? path.slice(0, 1) : path.slice(0, i);
}

/** Whether file modes are meaningful (false on Windows). */
export function hasPosixModes(): boolean {
  return osFamily() !== "windows";
}

type Fs = typeof import("node:fs/promises");
let fsModule: Promise<Fs> | undefined;

function fs(): Promise<Fs> {
  fsModule ??= import("node:fs/promises");
  return fsModule;
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "ENOENT" ||
    (error as { name?: unknown })?.name === "NotFound";
}

/** Reads a text file, or `undefined` when it does not exist. */
export async function readTextFile(path: string): Promise<string | undefined> {
  try {
    return await (await fs()).readFile(path, "utf8");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The permission bits (`mode & 0o777`) of a file, or `undefined` when it does not exist. */
export async function fileMode(path: string): Promise<number | undefined> {
  try {
    return (await (await fs()).stat(path)).mode & 0o777;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Creates a directory and its parents when missing (the default mode, nothing changed otherwise). */
export async function ensureDir(path: string): Promise<void> {
  await (await fs()).mkdir(path, { recursive: true });
}

/** A file path from a path or a `file:` URL. */
export async function filePath(path: string | URL): Promise<string> {
  if (typeof path === "string") return path;
  return (await import("node:url")).fileURLToPath(path);
}

/** Creates a directory (and its parents) and sets the given mode on the directory itself. */
export async function ensurePrivateDir(path: string, mode: number): Promise<void> {
  const f = await fs();
  await f.mkdir(path, { recursive: true, mode });
  if (hasPosixModes()) await f.chmod(path, mode);
}

/**
 * Writes a file atomically: a temporary sibling is written with `mode`, then
 * renamed over `path`.
 */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const f = await fs();
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await f.writeFile(temp, data, { mode, flag: "wx" });
    if (hasPosixModes()) await f.chmod(temp, mode);
    await f.rename(temp, path);
  } catch (error) {
    await f.rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/**
 * Creates `path` only if it does not exist (a cross-process lock).
 *
 * @returns `false` when it already exists.
 */
export async function createExclusive(path: string, data: string): Promise<boolean> {
  try {
    await (await fs()).writeFile(path, data, { flag: "wx", mode: 0o600 });
    return true;
  } catch (error) {
    const e = error as { code?: unknown; name?: unknown };
    if (e?.code === "EEXIST" || e?.name === "AlreadyExists") return false;
    throw error;
  }
}

/** How long ago `path` was last modified, or `undefined` when it does not exist. */
export async function fileAgeMs(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await (await fs()).stat(path)).mtimeMs;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Removes the temporary files {@linkcode writeFileAtomic} left next to `path`
 * (`<name>.<uuid>.tmp`) when a write was killed midway, if older than `olderThanMs`.
 */
export async function removeStaleTemps(path: string, olderThanMs: number): Promise<void> {
  const f = await fs();
  const dir = dirName(path);
  const base = path.slice(dir === "." && !path.startsWith(".") ? 0 : dir.length + 1);
  const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;
  let names: string[];
  try {
    names = await f.readdir(dir);
  } catch {
    return; // no directory yet: nothing to clean
  }
  for (const name of names) {
    if (!name.startsWith(`${base}.`) || !pattern.test(name.slice(base.length + 1))) continue;
    const temp = dir === "." && !path.startsWith(".") ? name : `${dir}/${name}`;
    try {
      if (Date.now() - (await f.stat(temp)).mtimeMs > olderThanMs) {
        await f.rm(temp, { force: true });
      }
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
}

/** Removes `path` if it exists. */
export async function removeFile(path: string): Promise<void> {
  await (await fs()).rm(path, { force: true });
}

/** The answer to a GET made with `node:http`: status, `Set-Cookie` lines, URL, `Location`. */
export interface NodeGetAnswer {
  readonly status: number;
  readonly setCookies: readonly string[];
  readonly url: string;
  readonly location?: string;
}

/**
 * On Node, a GET through `node:http(s)` (which socket.io-client's WebSocket
 * loads anyway) instead of `fetch`, whose first use loads Node's whole fetch
 * implementation (undici; tens of milliseconds of start-up). The body is
 * never read (the socket is closed once the headers came) and redirects are
 * not followed: the caller sees the 3xx and its `Location`. `undefined` in
 * Deno and elsewhere, where `fetch` is the cheap way.
 *
 * @param url The URL.
 * @param headers Request headers.
 * @param signal Aborts the request.
 * @returns The answer, or `undefined` when not on Node.
 */
export function nodeGet(
  url: URL,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<NodeGetAnswer> | undefined {
  const proc = nodeProcess() as (ProcessLike & { versions?: { node?: string } }) | undefined;
  if (deno() || typeof proc?.versions?.node !== "string") return undefined;
  return (async () => {
    const http = url.protocol === "https:" ? await import("node:https") : await import("node:http");
    return await new Promise<NodeGetAnswer>((resolve, reject) => {
      const request = http.get(url, { headers: { ...headers }, signal }, (res) => {
        const cookies = res.headers["set-cookie"];
        const location = res.headers.location;
        res.destroy(); // the body is not wanted, however long it is
        resolve({
          status: res.statusCode ?? 0,
          setCookies: cookies ?? [],
          url: url.href,
          ...(location ? { location } : {}),
        });
      });
      request.on("error", reject);
    });
  })();
}
