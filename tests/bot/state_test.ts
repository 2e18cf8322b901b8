// The bot's room state applies every diff type as the server does (docs/protocol.md §7.2, §7.4).

import { assertEquals } from "@std/assert";
import { BotState, type StateSink } from "../../bot/state.ts";
import { applyDiff, sanitizeChat, type TextDiff } from "../../schemas/text.ts";

function recordingState(): { state: BotState; texts: [string, string, string][] } {
  const texts: [string, string, string][] = [];
  const ignore = () => {};
  const sink: StateSink = {
    signedIn: ignore,
    lobby: ignore,
    roomCreated: ignore,
    roomJoined: ignore,
    roomLeft: ignore,
    userJoin: ignore,
    userLeave: ignore,
    text: (user, text, previous) => void texts.push([user.id, text, previous]),
    typing: ignore,
    vote: ignore,
    kicked: ignore,
    afkWarning: ignore,
    afkTimeout: ignore,
  };
  const state = new BotState(sink);
  const user = (id: string, username: string) => ({ id, username, location: "Lab" });
  state.apply("room joined", {
    roomId: "123456",
    userId: "1",
    username: "Bot",
    location: "Lab",
    isDev: false,
    isHidden: false,
    isVanished: false,
    roomName: "Diffs",
    roomType: "public",
    users: [user("1", "Bot"), user("2", "Ann")],
    layout: "horizontal",
    votes: {},
    currentMessages: { "1": "", "2": "Hello" },
  });
  return { state, texts };
}

Deno.test("BotState applies add, delete, replace and full-replace diffs as the server does", () => {
  const { state, texts } = recordingState();
  const diffs: TextDiff[] = [
    { type: "add", index: 5, text: " world" },
    { type: "delete", index: 0, count: 1 },
    { type: "replace", index: 0, text: "J" },
    { type: "add", index: 99, text: "\r\n!\u202e" },
    { type: "full-replace", text: "fresh" },
    { type: "delete", index: 2, count: 0 },
  ];
  let expected = "Hello";
  for (const diff of diffs) {
    expected = sanitizeChat(applyDiff(expected, diff));
    state.apply("chat update", { userId: "2", username: "Ann", diff });
    assertEquals(state.room?.texts.get("2"), expected);
  }
  assertEquals(state.roomView?.texts.get("2"), "fresh");
  // One text event per change; the no-op delete changes nothing and reports nothing.
  assertEquals(texts.map(([, text]) => text), [
    "Hello world",
    "ello world",
    "Jllo world",
    "Jllo world\n!",
    "fresh",
  ]);
  assertEquals(texts[1][2], "Hello world");
});
