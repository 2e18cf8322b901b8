// The actions built alone with fake ports: an action out of a room, off the
// connection or after stop() rejects with its typed error and sends nothing;
// send() goes to the outbox port with the sanitised text and tells the
// placement what the program wants shown; an action aborted before it was
// sent is withdrawn. Nothing here connects anywhere.
import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { type ActionHost, Actions } from "../../bot/out/actions.ts";
import { EventBudget } from "../../bot/out/pacer.ts";
import { ActionError } from "../../bot/errors.ts";
import { resolveOptions } from "../../bot/options.ts";
import type { Me, Room } from "../../bot/model.ts";
import { FakeClock } from "../_fake_clock.ts";

const ME: Me = Object.freeze({ id: "u1", name: "Alone", location: "test", isBot: true });
const ROOM: Room = Object.freeze({
  id: "123456",
  name: "Lounge",
  type: "public",
  layout: "vertical",
  users: [{ id: "u1", name: "Alone", location: "test", isDev: false }],
  votes: new Map(),
  texts: new Map([["u1", ""]]),
  isFull: false,
  userCount: 1,
});

/** Actions whose ports record what reaches them. */
function actionsAlone(where: { room?: Room; connected?: boolean } = {}) {
  const clock = new FakeClock();
  const options = resolveOptions({ username: "Alone", clock });
  const calls: string[] = [];
  const stop = new AbortController();
  const connection = new AbortController();
  let chat: ActionHost["outbox"]["chat"] = (
    text,
  ) => (calls.push(`chat ${text}`), Promise.resolve());
  const host: ActionHost = {
    options,
    state: {
      me: ME,
      room: undefined,
      roomView: where.room,
      rooms: [],
      ownText: "",
      pendingLeave: undefined,
    },
    outbox: {
      request: (spec) => (calls.push(`request ${spec.event}`), Promise.reject(new Error("unused"))),
      post: (event) => (calls.push(`post ${event}`), Promise.resolve()),
      chat: (text, diff, life, context) => chat(text, diff, life, context),
      sentText: "",
    },
    budget: new EventBudget({ limit: 100, windowMs: 1000, clock }),
    connection: () => where.connected === false ? undefined : connection.signal,
    ready: () => where.connected !== false,
    stopSignal: stop.signal,
    intend: (text) => void calls.push(`intend ${text}`),
    withdraw: () => void calls.push("withdraw"),
  };
  const setChat = (fn: ActionHost["outbox"]["chat"]) => chat = fn;
  return { actions: new Actions(host), calls, stop, connection, clock, setChat };
}

async function actionError(work: () => Promise<unknown>): Promise<ActionError> {
  const error = await assertRejects(work);
  assertInstanceOf(error, ActionError);
  return error;
}

Deno.test("Actions alone: an action while not in a room rejects with notInRoom and sends nothing", async () => {
  const { actions, calls, clock } = actionsAlone();
  const error = await actionError(() => actions.send("hello"));
  assertEquals([error.action, error.reason, error.code], ["send", "notInRoom", "NOT_IN_ROOM"]);
  assertEquals(error.message, "Cannot send: the bot is not in a room");
  await actionError(() => actions.typing(true));
  await actionError(() => actions.vote("u2"));
  assertEquals(calls, [], "nothing reached the outbox or the placement");
  assertEquals(clock.pending, 0, "every action's life ended");
});

Deno.test("Actions alone: off the connection, notConnected; after stop(), stopped; nothing sent", async () => {
  const offline = actionsAlone({ room: ROOM, connected: false });
  const notConnected = await actionError(() => offline.actions.send("hello"));
  assertEquals(notConnected.reason, "notConnected");
  const online = actionsAlone({ room: ROOM });
  online.stop.abort();
  const stopped = await actionError(() => online.actions.send("hello"));
  assertEquals(stopped.reason, "stopped");
  assertEquals([...offline.calls, ...online.calls], []);
});

Deno.test("Actions alone: send() goes to the outbox port, sanitised, after telling the placement", async () => {
  const { actions, calls, clock } = actionsAlone({ room: ROOM });
  await actions.send("hi\u202e there");
  await actions.typing(false);
  assertEquals(calls, ["intend hi there", "chat hi there", "post typing"]);
  assertEquals(clock.pending, 0);
});

Deno.test("Actions alone: a send aborted before it was sent is withdrawn; one failing otherwise is not", async () => {
  const { actions, calls, setChat } = actionsAlone({ room: ROOM });
  setChat((_text, _diff, life) =>
    new Promise((_, reject) =>
      life.signal.addEventListener("abort", () => reject(new Error("ended")))
    )
  );
  const caller = new AbortController();
  const sending = actions.send("later", { signal: caller.signal });
  caller.abort();
  await assertRejects(() => sending, Error, "ended");
  assertEquals(calls, ["intend later", "withdraw"]);
  setChat(() => Promise.reject(new Error("refused")));
  await assertRejects(() => actions.send("now"), Error, "refused");
  assertEquals(calls.slice(2), ["intend now"], "not aborted: the intent stands");
});

Deno.test("Actions alone: a vote the server would ignore is refused before it is sent", async () => {
  const { actions, calls } = actionsAlone({ room: ROOM });
  const self = await actionError(() => actions.vote("u1"));
  assertEquals(self.message, 'Cannot vote against "u1": the bot cannot vote against itself');
  const absent = await actionError(() => actions.vote("u9"));
  assertEquals(absent.message, 'Cannot vote against "u9": that user is not in the room');
  assertEquals(calls, []);
});
