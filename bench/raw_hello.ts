/**
 * The raw baseline of `examples/hello_world.ts`: a hand-written
 * socket.io-client script that signs in, joins the first public room with
 * free seats and says "Hello, world!", with no validation, state or pacing.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 TALKOMATIC_TOKEN=tk_... deno run -A bench/raw_hello.ts`
 *
 * @module
 */
import { io } from "socket.io-client";

const url = Deno.env.get("TALKOMATIC_URL") ?? "https://classic.talkomatic.co";
const token = Deno.env.get("TALKOMATIC_TOKEN");

const socket = io(url, { transports: ["websocket"], auth: token ? { token } : {} });

socket.on("connect", () => socket.emit("join lobby", { username: "Hello", location: "world!" }));
socket.on("signin status", () => socket.emit("get rooms"));
socket.on("initial rooms", (rooms: { id: string; type: string; isFull: boolean }[]) => {
  const room = rooms.find((r) => r.type === "public" && !r.isFull);
  if (!room) {
    console.log("No public room with free seats to join :(");
    socket.close();
    return;
  }
  socket.emit("join room", { roomId: room.id });
});
socket.on("room joined", () => {
  socket.emit("chat update", { diff: { type: "full-replace", text: "Hello, world!" } });
});
Deno.addSignalListener("SIGTERM", () => {
  socket.close();
  Deno.exit(0);
});
