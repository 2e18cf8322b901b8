// Specs and a server wrapper shared by the HttpTransport tests.
import * as v from "valibot";
import { HttpTransport, type HttpTransportOptions, MemoryTokenStore } from "../../api/mod.ts";
import type { OperationSpec } from "../../api/transport.ts";
import type { HttpFault, TestServer } from "../../testing/mod.ts";
import { startServer } from "../_support.ts";

export const EmojiSchema = v.record(v.string(), v.string());
export const HealthLike = v.object({ status: v.literal("ok"), version: v.string() });
export const RoomLike = v.object({
  id: v.string(),
  users: v.array(v.object({ id: v.string(), username: v.string() })),
});

export const emojiSpec: OperationSpec<Record<string, string>> = {
  id: "getEmojiList",
  method: "GET",
  path: "/js/emojiList.json",
  auth: "none",
  success: { 200: EmojiSchema },
};
export const healthSpec: OperationSpec<v.InferOutput<typeof HealthLike>> = {
  id: "getHealth",
  method: "GET",
  path: "/api/v1/health",
  auth: "token",
  success: { 200: HealthLike },
};
export const roomsSpec: OperationSpec<unknown[]> = {
  id: "listRooms",
  method: "GET",
  path: "/api/v1/rooms",
  auth: "token+key",
  success: { 200: v.array(v.unknown()) },
};

/**
 * A local TestServer that records the requests it receives, and a maker of transports to it that
 * request their own token (a fresh token store each).
 */
export async function withServer(
  fn: (server: TestServer, make: (options?: HttpTransportOptions) => HttpTransport) => Promise<
    void
  >,
): Promise<void> {
  await using server = await startServer({ recordRequests: true });
  const make = (options: HttpTransportOptions = {}) =>
    new HttpTransport({
      baseUrl: server.url,
      tokenStore: new MemoryTokenStore(),
      logger: { warn: () => {} },
      ...options,
    });
  await fn(server, make);
}

/** A "simple" error body (`{ error: { code, message } }`), as the token layer sends. */
export function errorB(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

/** The browser score of docs/protocol.md §1.3 for a request's headers. */
export function browserScore(headers: Headers): number {
  let score = 0;
  if (/Mozilla|Chrome|Safari|Firefox|Edge|Opera/i.test(headers.get("user-agent") ?? "")) score++;
  if ((headers.get("accept") ?? "").includes("text/html")) score++;
  if ((headers.get("accept-language") ?? "") !== "") score++;
  if ((headers.get("accept-encoding") ?? "") !== "") score++;
  return score;
}

/** A local TestServer and a maker of transports to it (a fresh token store each). */
export async function withTestServer(
  fn: (server: TestServer, make: (options?: HttpTransportOptions) => HttpTransport) => Promise<
    void
  >,
): Promise<void> {
  await using server = await startServer();
  const make = (options: HttpTransportOptions = {}) =>
    new HttpTransport({
      baseUrl: server.url,
      tokenStore: new MemoryTokenStore(),
      token: server.issueToken(),
      logger: { warn: () => {} },
      ...options,
    });
  await fn(server, make);
}

/**
 * Makes the server's next answer `response` (status, body and headers), whatever is asked
 * (`fault` narrows it: `pathPrefix`, `times`, `delayMs`).
 */
export async function answer(
  server: TestServer,
  response: Response,
  fault: Omit<HttpFault, "kind" | "status" | "body" | "headers"> = {},
): Promise<void> {
  server.injectHttpFault({
    ...fault,
    kind: "answer",
    status: response.status,
    body: await response.text(),
    headers: Object.fromEntries(response.headers),
  });
}

/** A transport whose `fetch` records each URL and answers `body`, without a network. */
export function recordingTransport(body: string): { transport: HttpTransport; urls: string[] } {
  const urls: string[] = [];
  const transport = new HttpTransport({
    baseUrl: "http://talkomatic.invalid",
    tokenStore: new MemoryTokenStore(),
    fetch: (input) => {
      urls.push(String(input));
      return Promise.resolve(new Response(body));
    },
  });
  return { transport, urls };
}

/** The REST client's entry point, for scripts run by {@linkcode evalJson}. */
export const API_MOD: string = JSON.stringify(new URL("../../api/mod.ts", import.meta.url).href);

/**
 * Runs `script` with `deno eval` under the repository's config and `env`
 * (with `clearEnv`, in only `env`); resolves with its output parsed as JSON.
 */
export async function evalJson(
  script: string,
  env: Record<string, string>,
  options: { clearEnv?: boolean } = {},
): Promise<unknown> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--no-check",
      "--config",
      new URL("../../deno.json", import.meta.url).pathname,
      script,
    ],
    clearEnv: options.clearEnv ?? false,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** The URL of a local port nobody listens on (the connection is refused). */
export function refusedUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return `http://127.0.0.1:${port}`;
}
