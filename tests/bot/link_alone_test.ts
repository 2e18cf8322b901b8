// The link and one connection, built alone with fake ports, as far as they can
// be without a socket: the Link makes its HttpTransport and each Connection
// itself, and a Connection calls socket.io-client's io() itself; there is no
// transport port to fake. So what is tested here is what happens before any
// socket exists: emitting off the connection, stop() before start(), start()
// after stop(), and a Connection whose token port fails. Connecting, signing
// in, reconnecting and the liveness check need a server (tests/bot/
// reconnect_test.ts, tests/reliability/).
import { assertEquals, assertInstanceOf, assertRejects, assertThrows } from "@std/assert";
import { Link, type LinkHost } from "../../bot/link/link.ts";
import { Connection } from "../../bot/link/connection.ts";
import { ActionError, TransportError } from "../../bot/errors.ts";
import { resolveOptions } from "../../bot/options.ts";
import { FakeClock } from "../_fake_clock.ts";

/** A Link whose ports record what reaches them; the server is never contacted. */
function linkAlone() {
  const calls: string[] = [];
  const record = (name: string) => () => void calls.push(name);
  const host: LinkHost = {
    options: resolveOptions({
      username: "Alone",
      server: "http://127.0.0.1:9",
      clock: new FakeClock(),
    }),
    myId: () => undefined,
    onWire: (event) => void calls.push(`wire ${event}`),
    newSocket: record("newSocket"),
    probe: record("probe"),
    signIn: () => (calls.push("signIn"), Promise.reject(new Error("no sign-in here"))),
    newSession: record("newSession"),
    place: () => (calls.push("place"), Promise.resolve()),
    retryPlace: record("retryPlace"),
    cancelPlace: record("cancelPlace"),
    dropRoom: record("dropRoom"),
    ready: record("ready"),
    reconnected: record("reconnected"),
    disconnected: (reason, willReconnect) =>
      void calls.push(`disconnected ${reason} ${willReconnect}`),
    report: (error) => void calls.push(`report ${error}`),
  };
  const stop = new AbortController();
  return { link: new Link(host, "tk_alone", stop), calls, stop };
}

Deno.test("Link alone: off the connection, emit() throws notConnected and nothing is reported ready", () => {
  const { link, calls } = linkAlone();
  const error = assertThrows(() => link.emit("get rooms", undefined));
  assertInstanceOf(error, ActionError);
  assertEquals([error.reason, error.code], ["notConnected", "NOT_CONNECTED"]);
  assertEquals(link.connection, undefined);
  assertEquals(link.ready, false);
  assertEquals(link.url, "http://127.0.0.1:9", "the server given, before any transport");
  assertEquals(calls, []);
});

Deno.test("Link alone: stop() before start() cancels placing and drops the room, without a disconnected event; once", async () => {
  const { link, calls, stop } = linkAlone();
  await link.stop();
  assertEquals(calls, ["cancelPlace", "dropRoom"]);
  assertEquals(stop.signal.aborted, true, "the bot's stop signal aborts");
  assertEquals(link.stopSignal.aborted, true);
  await link.stop(); // again: nothing more
  assertEquals(calls.length, 2);
});

Deno.test("Link alone: start() after stop() rejects with stopped and contacts nothing", async () => {
  const { link, calls } = linkAlone();
  await link.stop();
  const error = await assertRejects(() => link.start());
  assertInstanceOf(error, ActionError);
  assertEquals(error.reason, "stopped");
  assertEquals(calls, ["cancelPlace", "dropRoom"], "no socket, no sign-in, no placing");
});

Deno.test("Connection alone: emit() before open() throws; a failing token port fails open() before any socket", async () => {
  const events: string[] = [];
  const conn = new Connection({
    url: "http://127.0.0.1:9",
    token: () => Promise.reject(new Error("no token for you")),
    rejectToken: () => (events.push("rejectToken"), Promise.resolve(false)),
    cookie: undefined,
    onEvent: (event) => void events.push(event),
    onClose: (reason) => void events.push(`close ${reason}`),
    timeoutMs: 1000,
    clock: new FakeClock(),
  });
  const error = assertThrows(() => conn.emit("get rooms", undefined));
  assertInstanceOf(error, TransportError);
  assertEquals(error.message, 'Cannot send "get rooms": not connected');
  await assertRejects(() => conn.open(), Error, "no token for you");
  assertEquals(conn.connected, false);
  conn.close(); // closing what never opened is harmless, and not reported
  assertEquals(events, []);
});
