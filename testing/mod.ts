/**
 * A local Talkomatic Classic server that a client cannot tell from the real
 * one, plus scripted human-like users, for testing bots offline.
 *
 * @example Test a bot against a local server
 * ```ts
 * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
 *
 * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
 * await using alice = await TestUser.connect(server, { username: "Alice", location: "Here" });
 * const roomId = await alice.createRoom({ name: "Lounge" });
 * await alice.joinRoom(roomId);
 * await alice.type("hello", { cps: 100 });
 * console.log(server.room(roomId)?.messages[alice.userId!]); // "hello"
 * ```
 *
 * @module
 */
export { TestServer } from "./server.ts";
export type {
  HttpFault,
  RecordedRequest,
  RoomInfo,
  SocketInfo,
  UserInfo,
  WaitForOptions,
} from "./server.ts";
export { TestUser } from "./user.ts";
export type { RecordedEvent, TestTypeOptions, TestUserOptions } from "./user.ts";
export type {
  LimiterOptions,
  PressureTierOptions,
  RateLimitOptions,
  ResolvedOptions,
  RoomLimitOptions,
  TestServerOptions,
  TimingOptions,
  WordFilterOptions,
} from "./_options.ts";
