import * as v from "valibot";
import { assert, assertEquals } from "@std/assert";
import * as S from "../../schemas/mod.ts";

const A = "k4U6vKnOosXYMktOBxqsxbSWuzTYTaZn";
const B = "Zq1w2E3r4T5y6U7i8O9p0AsDfGhJkL_-";
const user = { id: A, username: "Alice", location: "Amsterdam" };
const stats = {
  totalRooms: 2,
  totalUsers: 3,
  currentLimit: 15,
  healthyRooms: 2,
  soloRooms: 1,
  roomsWithUsers: 2,
  emptyRooms: 0,
  roomTypes: { public: 1, "semi-private": 1, private: 0 },
  currentSoloTTL: 1200,
  hardCap: 50,
  utilizationPercentage: 13,
};
const lobbyRoom = {
  id: "854431",
  name: "Trace Lounge",
  type: "public",
  layout: "vertical",
  isFull: false,
  userCount: 1,
  visibleUserCount: 1,
  lastChatActivity: 0,
  createdAt: 1764000000000,
  users: [user],
};
const snapshot = {
  id: "854431",
  name: "Trace Lounge",
  type: "private",
  layout: "horizontal",
  users: [user, { id: B, username: "Bob", location: "Berlin", isDev: true, devColor: "#ff0000" }],
  votes: { [A]: B },
  currentMessages: { [A]: "", [B]: "line1\nline2 end" },
  isFull: false,
  userCount: 2,
  visibleUserCount: 2,
};

/** Every payload example of docs/protocol.md sections 3 to 5 and 11, by validator. */
const aliceSignedIn = {
  isSignedIn: true,
  username: "Alice",
  location: "Amsterdam",
  userId: A,
  isIPBased: false,
  isBot: true,
  isDev: false,
};
const valid: [string, v.GenericSchema<unknown, unknown>, unknown][] = [
  ["UserView", S.UserViewSchema, user],
  ["UserView with dev flair", S.UserViewSchema, {
    ...user,
    isDev: true,
    devColor: "#00ff00",
    isVanished: true,
  }],
  ["UserView with unknown extra keys", S.UserViewSchema, { ...user, future: 1 }],
  ["VoteMap", S.VoteMapSchema, { [A]: B }],
  ["empty VoteMap", S.VoteMapSchema, {}],
  ["MessageMap", S.MessageMapSchema, { [A]: "" }],
  ["ListedRoom", S.ListedRoomSchema, lobbyRoom],
  ["ListedRoomList", S.ListedRoomListSchema, [lobbyRoom, {
    ...lobbyRoom,
    id: "100000",
    type: "semi-private",
  }]],
  ["RoomSnapshot", S.RoomSnapshotSchema, snapshot],
  ["ErrorEnvelope", S.ErrorEnvelopeSchema, {
    error: { code: "RATE_LIMITED", message: "Rate limit exceeded.", replaceDefaultText: false },
  }],
  ["ErrorEnvelope with details", S.ErrorEnvelopeSchema, {
    error: {
      code: "FORBIDDEN",
      message: 'Already in "Trace Lounge". Leave first.',
      replaceDefaultText: true,
      details: { currentRoomId: "854431", currentRoomName: "Trace Lounge" },
    },
  }],
  ["ValidationErrors", S.ValidationErrorsSchema, {
    username: "Username must be at most 15 characters.",
    _general: "x",
  }],
  ["full-replace diff", S.DiffSchema, { type: "full-replace", text: "Hello world" }],
  ["add diff", S.DiffSchema, { type: "add", index: 11, text: " again" }],
  ["delete diff", S.DiffSchema, { type: "delete", index: 5, count: 6 }],
  ["replace diff", S.DiffSchema, { type: "replace", index: 0, text: "J" }],
  ["chat update request with index", S.ChatUpdateRequestSchema, {
    diff: { type: "add", index: 0, text: "a" },
    index: 0,
  }],
  ["signin status from check signin status", S.SigninStatusSchema, {
    ...aliceSignedIn,
    isHidden: false,
  }],
  ["signin status from join lobby", S.SigninStatusSchema, aliceSignedIn],
  ["signin status signed out", S.SigninStatusSchema, {
    isSignedIn: false,
    isBot: true,
    isDev: false,
  }],
  ["join lobby", S.JoinLobbyRequestSchema, { username: "Alice", location: "Amsterdam" }],
  ["join lobby without location", S.JoinLobbyRequestSchema, { username: "Alice" }],
  ["create room", S.CreateRoomRequestSchema, {
    name: "Trace Hideout",
    type: "semi-private",
    layout: "horizontal",
    accessCode: "482913",
  }],
  ["join room", S.JoinRoomRequestSchema, { roomId: "854431", accessCode: "482913" }],
  ["typing", S.TypingRequestSchema, { isTyping: true }],
  ["vote", S.VoteRequestSchema, { targetUserId: B }],
  ["room id", S.RoomIdSchema, "854431"],
  ["user id", S.UserIdSchema, A],
  ["room joined", S.RoomJoinedSchema, {
    roomId: "854431",
    userId: A,
    username: "Alice",
    location: "Amsterdam",
    isDev: false,
    isHidden: false,
    isVanished: false,
    roomName: "Trace Lounge",
    roomType: "public",
    users: [user],
    layout: "vertical",
    votes: {},
    currentMessages: { [A]: "" },
  }],
  ["user joined", S.UserJoinedSchema, { ...user, roomName: "Trace Lounge", roomType: "public" }],
  ["chat update", S.ChatUpdateSchema, {
    userId: B,
    username: "Bob",
    diff: { type: "full-replace", text: "Jello again" },
  }],
  ["user typing", S.UserTypingSchema, { userId: B, username: "Bob", isTyping: false }],
  ["message warning", S.ChatWarningSchema, { type: "warning", text: "Slow down typing" }],
  ["afk warning", S.AfkWarningSchema, { message: "You have been inactive.", secondsRemaining: 30 }],
  ["afk timeout", S.AfkTimeoutSchema, {
    message: "Removed from room due to inactivity.",
    redirectTo: "/",
  }],
  ["board state", S.BoardStateSchema, {
    strokes: [{ points: [{ x: 1, y: 2 }], color: "#000000", size: 3, eraser: false }],
    active: { [A]: { points: [], color: "#fff", size: 1, eraser: true } },
  }],
  ["board user status", S.BoardUserStatusSchema, { userId: A, open: true }],
  ["board stroke start request", S.BoardStrokeStartRequestSchema, {
    color: "#123456",
    size: 4,
    point: { x: 0, y: 0 },
    eraser: false,
  }],
  ["board stroke start", S.BoardStrokeStartSchema, {
    userId: A,
    color: "#123456",
    size: 4,
    eraser: false,
    point: { x: 0, y: 0 },
  }],
  ["board stroke move", S.BoardStrokeMoveSchema, { userId: A, points: [{ x: 1, y: 1 }] }],
  ["board stroke end", S.BoardStrokeEndSchema, { userId: A }],
  ["board cursor", S.BoardCursorSchema, { userId: A, username: "Alice", x: 3, y: 4 }],
  ["board chat", S.BoardChatSchema, {
    userId: A,
    username: "Alice",
    text: "hi",
    timestamp: 1764000000000,
  }],
  ["dev context", S.DevContextSchema, { [A]: { d: "127.0.0.1" } }],
  ["dev lobby context", S.DevLobbyContextSchema, { "854431": "482913" }],
  ["dev kick success", S.DevKickSuccessSchema, {
    targetUserId: A,
    targetUsername: "Alice",
    roomId: "854431",
    roomName: "Trace Lounge",
  }],
  ["dev vanish status", S.DevVanishStatusSchema, { isVanished: true }],
  ["dev hide status", S.DevHideStatusSchema, { isHidden: false }],
  ["bot token", S.BotTokenResponseSchema, {
    token: `tk_${"a1".repeat(32)}`,
    expiresIn: 2592000000,
    expiresAt: "2026-12-25T08:00:00.000Z",
    usage: { rateLimit: "500 req/min", headers: "Authorization: Bearer {token}" },
  }],
  ["bot token info", S.BotTokenInfoSchema, {
    valid: true,
    createdAt: "2026-11-25T08:00:00.000Z",
    lastUsed: "2026-11-25T08:01:00.000Z",
    expiresAt: "2026-12-25T08:00:00.000Z",
    uses: 18,
  }],
  ["health", S.HealthSchema, {
    status: "ok",
    uptime: 12.5,
    timestamp: 1764000000000,
    version: "2.3.0",
    roomStatistics: stats,
    botTokens: { active: 1 },
  }],
  ["me signed in", S.RestMeSchema, {
    isSignedIn: true,
    username: "Carol",
    location: "Cairo",
    userId: A,
    isIPBased: false,
    isBot: true,
  }],
  ["me signed out", S.RestMeSchema, { isSignedIn: false, isBot: true }],
  ["rest room list", S.RestRoomListSchema, [{
    id: "854431",
    name: "Trace Lounge",
    type: "public",
    users: [user],
    isFull: false,
  }]],
  ["rest room", S.RestRoomSchema, {
    id: "854431",
    name: "x",
    type: "private",
    users: [],
    isFull: false,
  }],
  ["create room response", S.CreateRoomResponseSchema, {
    success: true,
    roomId: "854431",
    currentStatistics: stats,
  }],
  ["join check response", S.JoinCheckResponseSchema, {
    success: true,
    message: "Access granted. Connect via Socket.IO.",
  }],
  ["error body A", S.ApiErrorBodySchema, {
    error: {
      code: "VALIDATION_ERROR",
      message: "Validation failed",
      replaceDefaultText: false,
      details: { name: "Room name is required and must be a string." },
    },
  }],
  ["error body B", S.ApiErrorBodySchema, {
    error: { code: "BOT_TOKEN_REQUIRED", message: "Bot token required for automated access." },
  }],
  ["error body B'", S.ApiErrorRateLimitedSchema, {
    error: {
      code: "RATE_LIMITED",
      message: "Rate limit exceeded. Try again in 30 seconds.",
      retryAfter: 30,
    },
  }],
  ["error body C", S.ApiErrorBodySchema, { error: "World Cup data unavailable" }],
  ["emoji list", S.EmojiListSchema, { smile: "/images/emoticons/smile.png" }],
  ["offensive words", S.OffensiveWordsSchema, { offensive_words: ["x"], whitelisted_words: [] }],
];

for (const [name, schema, value] of valid) {
  Deno.test(`${name} is accepted by its validator`, () => {
    const result = v.safeParse(schema, value);
    assert(
      result.success,
      `${name}: ${JSON.stringify(result.issues?.map((i) => [v.getDotPath(i), i.message]))}`,
    );
  });
}

/** Malformed variants and the path of the field each must be rejected at. */
const invalid: [string, v.GenericSchema<unknown, unknown>, unknown, string | null][] = [
  [
    "a room snapshot without votes",
    S.RoomSnapshotSchema,
    { ...snapshot, votes: undefined },
    "votes",
  ],
  ["a numeric room id", S.JoinRoomRequestSchema, { roomId: 854431 }, "roomId"],
  ["a 5-digit room id", S.RoomIdSchema, "12345", null],
  ["a room type outside the enum", S.ListedRoomSchema, { ...lobbyRoom, type: "private" }, "type"],
  ["a user without a name, deep in a list", S.ListedRoomListSchema, [
    lobbyRoom,
    { ...lobbyRoom, users: [{ id: A, location: "x" }] },
  ], "1.users.0.username"],
  ["a vote map with a numeric target", S.VoteMapSchema, { [A]: 5 }, A],
  [
    "an unknown diff type",
    S.ChatUpdateRequestSchema,
    { diff: { type: "bogus", text: "x" } },
    "diff.type",
  ],
  ["a delete diff without count", S.DiffSchema, { type: "delete", index: 1 }, "count"],
  ["a negative diff index", S.DiffSchema, { type: "add", index: -1, text: "x" }, "index"],
  ["an error envelope with an unknown code", S.ErrorEnvelopeSchema, {
    error: { code: "NOPE", message: "x", replaceDefaultText: false },
  }, "error.code"],
  ["an error envelope nested one level too deep", S.ErrorEnvelopeSchema, {
    error: { error: { code: "NOT_FOUND", message: "x", replaceDefaultText: false } },
  }, "error.code"],
  ["a typing payload with a string", S.TypingRequestSchema, { isTyping: "yes" }, "isTyping"],
  ["a signin status with a string isSignedIn", S.SigninStatusSchema, {
    isSignedIn: "true",
    isBot: true,
    isDev: false,
  }, "isSignedIn"],
  ["a health with a string uptime", S.HealthSchema, {
    status: "ok",
    uptime: "12",
    timestamp: 1,
    version: "2.3.0",
    roomStatistics: stats,
    botTokens: { active: 1 },
  }, "uptime"],
  ["a health with an incomplete roomTypes", S.HealthSchema, {
    status: "ok",
    uptime: 1,
    timestamp: 1,
    version: "2.3.0",
    roomStatistics: { ...stats, roomTypes: { public: 1, private: 0 } },
    botTokens: { active: 1 },
  }, "roomStatistics.roomTypes.semi-private"],
  ["a token that is not tk_ + 64 hex", S.BotTokenResponseSchema, {
    token: "tk_short",
    expiresIn: 1,
    expiresAt: "x",
    usage: { rateLimit: "x", headers: "x" },
  }, "token"],
  ["a semi-private access code of 5 digits", S.CreateRoomRequestSchema, {
    name: "x",
    type: "semi-private",
    layout: "vertical",
    accessCode: "12345",
  }, "accessCode"],
  ["a user joined without roomType", S.UserJoinedSchema, { ...user, roomName: "x" }, "roomType"],
];

for (const [name, schema, value, path] of invalid) {
  Deno.test(`validators reject ${name} at "${path ?? "(root)"}"`, () => {
    const result = v.safeParse(schema, value);
    assert(!result.success, `${name} was accepted`);
    assertEquals(v.getDotPath(result.issues[0]), path);
  });
}

Deno.test("event tables cover both directions with validators and payload kinds", () => {
  assertEquals(S.serverEvents["room created"].payload, "string");
  assertEquals(S.serverEvents["user left"].payload, "string");
  assertEquals(S.serverEvents["lobby update"].payload, "array");
  assertEquals(S.serverEvents["kicked"].payload, "none");
  assertEquals(S.clientEvents["get room state"].payload, "string");
  assertEquals(S.clientEvents["leave room"].payload, "none");
  assertEquals(S.clientEvents["dev force kick"].devOnly, true);
  const none = S.serverEvents["access code required"].schema["~standard"].validate("ignored");
  assert(!(none instanceof Promise) && none.issues === undefined && none.value === undefined);
  for (const [name, spec] of Object.entries(S.serverEvents)) assertEquals(spec.name, name);
  assert(S.ignoredClientEvents.includes("leave lobby"));
});
