// TokenProvider alone, with a fake request function: one shared request, and
// a request every waiter gave up on is not handed to a newer caller.
import { assertEquals, assertRejects } from "@std/assert";
import { TokenProvider } from "../../api/_token_provider.ts";
import { MemoryTokenStore, type StoredToken } from "../../api/token_store.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => resolve = r);
  return { promise, resolve };
}

Deno.test("TokenProvider shares one request among concurrent callers", async () => {
  let requests = 0;
  const tokens = new TokenProvider({
    server: "http://127.0.0.1:1",
    store: new MemoryTokenStore(),
    request: () => {
      requests++;
      return Promise.resolve({ token: `tk_${requests}`, expiresAt: Date.now() + 3_600_000 });
    },
  });
  assertEquals(await Promise.all([tokens.get(), tokens.get(), tokens.get()]), [
    "tk_1",
    "tk_1",
    "tk_1",
  ]);
  assertEquals(requests, 1);
});

Deno.test("TokenProvider starts a new request for a caller that comes after every waiter of the first gave up", async () => {
  // The first request ends only a while after its abort (as when it waits on a file lock).
  const released = deferred();
  const called = deferred();
  const signals: AbortSignal[] = [];
  const tokens = new TokenProvider({
    server: "http://127.0.0.1:1",
    store: new MemoryTokenStore(),
    request: (signal): Promise<StoredToken> => {
      signals.push(signal);
      called.resolve();
      if (signals.length > 1) {
        return Promise.resolve({ token: "tk_second", expiresAt: Date.now() + 3_600_000 });
      }
      return new Promise((_, reject) =>
        signal.addEventListener(
          "abort",
          () => void released.promise.then(() => reject(signal.reason)),
        )
      );
    },
  });
  const controller = new AbortController();
  const first = tokens.get(controller.signal);
  await called.promise;
  controller.abort(new Error("Ctrl+C"));
  await assertRejects(() => first, Error, "Ctrl+C");
  assertEquals(signals[0].aborted, true, "the request of a waiter-less get() is aborted");
  const later = tokens.get(); // no signal: must not inherit the first caller's abort
  released.resolve();
  assertEquals(await later, "tk_second");
  assertEquals(await tokens.get(), "tk_second", "the old request's end forgets nothing newer");
  assertEquals(signals.length, 2);
});
