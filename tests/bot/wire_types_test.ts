// The way out is typed by the generated event tables: each @ts-expect-error
// line must fail to type-check (`deno check` fails when one of them compiles).
import { assertEquals } from "@std/assert";
import { Outbox } from "../../bot/out/outbox.ts";
import { EventBudget } from "../../bot/out/pacer.ts";
import { Life } from "../../bot/out/life.ts";
import { failureOf } from "../../bot/in/server_messages.ts";
import type { Emit, ServerMessage } from "../../bot/wire.ts";
import type { ServerEvents } from "../../schemas/events.gen.ts";

function fakeOutbox(emitted: [string, unknown][], onEmit = () => {}): Outbox {
  return new Outbox(
    {
      emit: (event, payload) => {
        emitted.push([event, payload]);
        onEmit();
      },
      unclaimed: () => {},
      chatSent: () => {},
    },
    new EventBudget({ limit: 100, windowMs: 1000 }),
    0,
  );
}

Deno.test("Outbox.post() and Emit take only the payload the client event table gives", async () => {
  const emitted: [string, unknown][] = [];
  const outbox = fakeOutbox(emitted);
  const life = new Life(1000, []);
  await outbox.post("typing", { isTyping: true }, life, "Cannot type");
  // @ts-expect-error "typing" takes { isTyping: boolean }
  await outbox.post("typing", { isTyping: "yes" }, life, "Cannot type");
  // @ts-expect-error "vote" takes { targetUserId }, not a bare id
  await outbox.post("vote", "u1", life, "Cannot vote");
  // @ts-expect-error no such client event
  await outbox.post("tpying", { isTyping: true }, life, "Cannot type");
  const emit: Emit = (event, payload) => void emitted.push([event, payload]);
  emit("get room state", "123456");
  // @ts-expect-error "get room state" takes a bare room id
  emit("get room state", { roomId: "123456" });
  life.end();
  assertEquals(emitted.map(([event]) => event), [
    "typing",
    "typing",
    "vote",
    "tpying",
    "get room state",
    "get room state",
  ]);
});

function roomJoined(roomId: string): ServerEvents["room joined"] {
  return {
    roomId,
    userId: "u1",
    username: "Bot",
    location: "Here",
    isDev: false,
    isHidden: false,
    isVanished: false,
    roomName: "Lounge",
    roomType: "public",
    users: [],
    layout: "horizontal",
    votes: {},
    currentMessages: {},
  };
}

const match = () => true;

Deno.test("Outbox.request() matches its answer on the typed server payload", async () => {
  const emitted: [string, unknown][] = [];
  const sent = Promise.withResolvers<void>();
  const outbox = fakeOutbox(emitted, sent.resolve);
  const joined = outbox.request({
    action: "joinRoom",
    context: "Cannot join",
    event: "join room",
    payload: () => ({ roomId: "123456" }),
    // the name narrows the payload: "room joined" carries a roomId, "user left" a bare id
    match: (event, p) => event === "room joined" && p.roomId === "123456" ? p.roomId : undefined,
  }, new Life(1000, []));
  const _untyped = () =>
    // @ts-expect-error "join room" needs its payload (the only error: `life` is given)
    outbox.request({ action: "x", context: "x", event: "join room", match }, new Life(1000, []));
  await sent.promise;
  outbox.inbound("user left", "u1");
  outbox.inbound("room joined", roomJoined("654321"));
  outbox.inbound(...(["room joined", roomJoined("123456")] satisfies ServerMessage));
  assertEquals(await joined, "123456");
  assertEquals(emitted[0], ["join room", { roomId: "123456" }]);
  // @ts-expect-error "user left" carries a bare id, not an object
  failureOf("user left", { id: "u1" });
  // @ts-expect-error "room joined" carries a RoomJoined, not a bare id
  outbox.inbound("room joined", "123456");
});
