// The raw baseline of `examples/hello_world.ts`: a hand-written
// socket.io-client script that takes a session cookie, signs in, joins the
// first public room with free seats and says "Hello, world!", with no
// validation, state or pacing. Plain JavaScript: runs in Deno and Node.
//
// Run: TALKOMATIC_URL=http://127.0.0.1:3000 TALKOMATIC_TOKEN=tk_... node raw_hello.mjs

import process from "node:process";
import { io } from "socket.io-client";
import { sessionCookie } from "./raw.mjs";

const url = process.env.TALKOMATIC_URL ?? "https://classic.talkomatic.co";
const token = process.env.TALKOMATIC_TOKEN;
const cookie = await sessionCookie(url);
const socket = io(url, {
  transports: ["websocket"],
  auth: token ? { token } : {},
  ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
});

socket.on("connect", () => socket.emit("join lobby", { username: "Hello", location: "world!" }));
socket.on("signin status", () => socket.emit("get rooms"));
socket.on(
  "initial rooms",
  (/** @type {{ id: string; type: string; isFull: boolean }[]} */ rooms) => {
    const room = rooms.find((r) => r.type === "public" && !r.isFull);
    if (!room) {
      console.log("No public room with free seats to join :(");
      socket.close();
      return;
    }
    socket.emit("join room", { roomId: room.id });
  },
);
socket.on("room joined", () => {
  socket.emit("chat update", { diff: { type: "full-replace", text: "Hello, world!" } });
});
process.on("SIGTERM", () => {
  socket.close();
  process.exit(0);
});
