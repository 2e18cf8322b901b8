// The way in built alone with fake ports: a valid payload reaches the state
// and the waiting requests; an invalid one is reported with its issue (the
// first time after valibot was imported, a moment later) and changes
// nothing; a failure on the way is reported, never thrown into the socket.
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import { Bot, PayloadValidationError } from "../../bot/mod.ts";
import { Inbound, type InboundHost } from "../../bot/in/inbound.ts";
import { loadedValidators } from "../../schemas/lazy.ts";
import { until } from "../_support.ts";

/** An Inbound whose ports record what reaches them; `throwIn` makes the outbox port fail. */
function inboundAlone(throwIn?: string) {
  const reported: unknown[] = [];
  const answered: string[] = [];
  const ignore = () => {};
  const host: InboundHost = {
    options: new Bot({ username: "Alone", location: "test" }).options,
    handlers: { emit: ignore, has: () => false, report: (e) => void reported.push(e) },
    lines: { baseline: ignore, update: ignore, forget: ignore, clear: ignore },
    outbox: {
      inbound: (event: string) => {
        if (event === throwIn) throw new Error(`outbox broke on "${event}"`);
        answered.push(event);
      },
      resetText: ignore,
    } as unknown as InboundHost["outbox"],
    block: ignore,
    cancelTyping: ignore,
    afkResponse: () => Promise.resolve(),
    placement: { lobbyChanged: ignore, left: ignore },
    board: { receive: ignore, userLeft: ignore, reset: ignore },
    asks: { userLeft: ignore, roomLeft: ignore },
    background: ignore,
  };
  return { inbound: new Inbound(host), reported, answered };
}

const SIGNED_IN = {
  isSignedIn: true,
  username: "Alone",
  location: "test",
  userId: "u1",
  isIPBased: false,
  isBot: true,
  isDev: false,
};

Deno.test("Inbound alone: a valid payload reaches the state and the outbox", () => {
  const { inbound, reported, answered } = inboundAlone();
  inbound.receive("signin status", [SIGNED_IN]);
  inbound.receive("room created", ["123456"]);
  assertEquals(reported, []);
  assertEquals(answered, ["signin status", "room created"]);
  assertEquals(inbound.state.me?.id, "u1");
});

Deno.test("Inbound alone: an invalid payload is reported with its issue once valibot is loaded, and changes nothing", async () => {
  const { inbound, reported, answered } = inboundAlone();
  assertEquals(loadedValidators(), undefined, "nothing loaded valibot's validators yet");
  inbound.receive("signin status", [{ ...SIGNED_IN, userId: 42 }]);
  assertEquals(reported, [], "the first invalid payload waits for the validators");
  await until(() => reported.length === 1, "the report");
  assertInstanceOf(reported[0], PayloadValidationError);
  assertEquals((reported[0] as PayloadValidationError).path, "userId");
  inbound.receive("room created", [123456]); // now at once
  assertEquals(reported.length, 2);
  assertEquals(answered, []);
  assertEquals(inbound.state.me, undefined);
});

Deno.test("Inbound alone: a failure on the way is reported, not thrown into the socket", () => {
  const { inbound, reported, answered } = inboundAlone("room created");
  inbound.receive("room created", ["123456"]);
  assertEquals(reported.length, 1);
  assert(String(reported[0]).includes(`outbox broke on "room created"`));
  inbound.receive("signin status", [SIGNED_IN]); // and the next event still goes through
  assertEquals(answered, ["signin status"]);
});
