// The board built alone (createBoard) with fake ports and a BotState fed wire
// events: another person's stroke updates the board and becomes a boardStroke
// event (the bot's own echo does not); a person leaving mid-stroke finishes
// it; leaving the room resets everything; board chat lines run as commands
// only with boardCommands; an action out of a room sends nothing.
import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { type BoardParts, createBoard } from "../../bot/board/link.ts";
import { BotState, type StateSink } from "../../bot/in/state.ts";
import { Life } from "../../bot/out/life.ts";
import { ActionError } from "../../bot/errors.ts";
import type { BotEventName } from "../../bot/events.ts";
import { type BotOptions, resolveOptions } from "../../bot/options.ts";
import type { User } from "../../bot/model.ts";
import { FakeClock } from "../_fake_clock.ts";

const ALICE: User = Object.freeze({ id: "u2", name: "Alice", location: "Here", isDev: false });

/** The bot's state in room 123456 with Alice, fed as the way in feeds it. */
function stateInRoom(): BotState {
  const ignore = () => {};
  const sink: StateSink = {
    signedIn: ignore,
    lobby: ignore,
    roomCreated: ignore,
    roomJoined: ignore,
    roomLeft: ignore,
    userJoin: ignore,
    userLeave: ignore,
    text: ignore,
    typing: ignore,
    vote: ignore,
    kicked: ignore,
    afkWarning: ignore,
    afkTimeout: ignore,
  };
  const state = new BotState(sink);
  state.apply("room joined", {
    roomId: "123456",
    userId: "u1",
    username: "Alone",
    location: "test",
    isDev: false,
    isHidden: false,
    isVanished: false,
    roomName: "Lounge",
    roomType: "public",
    users: [
      { id: "u1", username: "Alone", location: "test" },
      { id: "u2", username: "Alice", location: "Here" },
    ],
    layout: "vertical",
    votes: {},
    currentMessages: { u1: "", u2: "" },
  });
  return state;
}

/** A board whose ports record what reaches them. */
function boardAlone(options: Partial<BotOptions> = {}, state = stateInRoom()) {
  const clock = new FakeClock();
  const emitted: { name: BotEventName; data: unknown }[] = [];
  const sent: string[] = [];
  const boardLines: string[] = [];
  let show: ((text: string) => Promise<unknown>) | undefined;
  const parts: BoardParts = {
    options: resolveOptions({ username: "Alone", clock, ...options }),
    handlers: {
      emit: (name, data) => void emitted.push({ name, data }),
      report: (error) => {
        throw error;
      },
    },
    state,
    outbox: {
      request: (spec) => {
        const payload = spec.payload?.();
        sent.push(`${spec.event}${payload === undefined ? "" : " " + JSON.stringify(payload)}`);
        return Promise.reject(new Error("no server here"));
      },
      post: (event) => (sent.push(event), Promise.resolve()),
    },
    life: (_action, _context, o, defaultMs) =>
      new Life(o.timeoutMs ?? defaultMs ?? 10_000, [{ signal: o.signal, kind: "aborted" }], clock),
    runBoardLine: (user, line, showIt) => {
      boardLines.push(`${user.name}: ${line}`);
      show = showIt;
    },
  };
  const board = createBoard(parts);
  /** An event's data, built the way the bus builds a thunk. */
  const events = () =>
    emitted.map((e) => [e.name, typeof e.data === "function" ? e.data() : e.data]);
  return { board, events, sent, boardLines, show: () => show, clock };
}

const start = (userId: string, x: number) => ({
  userId,
  color: "#ff0000",
  size: 3,
  eraser: false,
  point: { x, y: 0 },
});

Deno.test("Board alone: another person's stroke updates the board and is an event; the bot's own echo is not", () => {
  const { board, events } = boardAlone();
  board.receive("board state", { strokes: [], active: {} });
  assertEquals(board.isOpen, true);
  board.receive("board stroke start", start("u2", 1));
  board.receive("board stroke move", { userId: "u2", points: [{ x: 2, y: 0 }] });
  assertEquals(board.active.get("u2")?.points, [{ x: 1, y: 0 }, { x: 2, y: 0 }]);
  board.receive("board stroke end", { userId: "u2" });
  assertEquals(board.active.size, 0);
  assertEquals(board.strokes.map((s) => [s.userId, s.points.length, s.color]), [
    ["u2", 2, "#ff0000"],
  ]);
  const stroke = board.strokes[0];
  assertEquals(events(), [["boardStroke", { user: ALICE, stroke }]]);
  board.receive("board stroke start", start("u1", 5)); // the bot's own, relayed
  board.receive("board stroke end", { userId: "u1" });
  assertEquals(events().length, 1, "no event for the bot's own stroke");
});

Deno.test("Board alone: someone leaving mid-stroke finishes it; the bot leaving resets the board", () => {
  const { board, events } = boardAlone();
  board.receive("board state", { strokes: [], active: {} });
  board.receive("board user status", { userId: "u2", open: true });
  board.receive("board stroke start", start("u2", 7));
  board.userLeft(ALICE);
  assertEquals(events().map(([name]) => name), ["boardOpened", "boardStroke"]);
  assertEquals(board.strokes.length, 1, "the unfinished stroke is kept, as the server keeps it");
  board.receive("board user status", { userId: "u3", open: true });
  board.receive("board stroke start", start("u3", 9));
  board.reset();
  assertEquals(board.isOpen, false);
  assertEquals(board.strokes, []);
  assertEquals(board.active.size, 0);
  assertEquals(board.viewers.size, 0);
});

Deno.test("Board alone: board chat runs as a command line only with boardCommands, answering in the board chat", async () => {
  const off = boardAlone();
  off.board.receive("board chat", { userId: "u2", username: "Alice", text: "/roll", timestamp: 1 });
  assertEquals(off.events(), [["boardChat", { user: ALICE, text: "/roll" }]]);
  assertEquals(off.boardLines, []);

  const on = boardAlone({ boardCommands: true });
  on.board.receive("board chat", { userId: "u2", username: "Alice", text: "/roll", timestamp: 1 });
  assertEquals(on.boardLines, ["Alice: /roll"]);
  // The command's answer: one board chat line, its lines joined.
  await assertRejects(() => on.show()!("rolled\n  4"), Error, "no server here");
  assertEquals(on.sent, ['board chat {"text":"rolled | 4"}']);
});

Deno.test("Board alone: an action while not in a room rejects with notInRoom and sends nothing", async () => {
  const state = stateInRoom();
  state.leaveRoom("left");
  const { board, sent, clock } = boardAlone({}, state);
  for (const action of [() => board.open(), () => board.chat("hi"), () => board.cursor(1, 2)]) {
    const error = await assertRejects(action);
    assertInstanceOf(error, ActionError);
    assertEquals(error.reason, "notInRoom");
  }
  assertEquals(sent, []);
  assertEquals(clock.pending, 0, "every action's life ended");
});
