// The listener's inbound path alone (a child process of bench/inbound_path.ts),
// in Deno or Node: the Bot or the raw client signs in and joins a room on the
// server, four typists are announced with `user joined` events, then
// `chat update` events (a typist adding a letter, or starting a new line)
// are handed straight to socket.io-client's `emitEvent`, the method that
// hands a parsed event to the listeners: the same work as in a run, without
// the network and socket.io's parsing. Each payload is parsed from JSON text
// first, as the socket would; parsing alone is measured apart and subtracted.
//
// With `coldKiB` > 0, that much other memory is written between two events,
// as the socket, the parser and the machine's other processes do in a real
// run, so each event starts with cold caches; then each dispatch is timed on
// its own (two clock readings, less their cost).
//
// usage: <runtime> path.mjs <bot|raw> <url> <token> <name> <events> <runs> [coldKiB]
// Prints `{ parseUs: [...], totalUs: [...] }`: µs per event of each run for
// parsing alone, and for parsing and handling (a first run warms up). The
// quickest run of each is the one least disturbed by the machine's other work.

import process from "node:process";
import { startListener } from "./listener.mjs";
import { clockCostMs } from "./_clock.mjs";
import { socketClass } from "./_socket.mjs";

const [kind, url, token, name, eventsArg, runsArg, coldArg] = process.argv.slice(2);
const events = Number(eventsArg);
const runs = Number(runsArg);
const other = new Uint8Array(Number(coldArg ?? "0") * 1024);

/** Writes every cache line of `other`. */
function evict() {
  for (let i = 0; i < other.length; i += 64) other[i]++;
}

/** @type {any} */
let socket;
const proto = /** @type {any} */ ((await socketClass(kind)).prototype);
const emitEvent = proto.emitEvent;
proto.emitEvent = function (/** @type {unknown[]} */ args) {
  socket = this;
  return emitEvent.call(this, args);
};
const listener = await startListener(kind, url, token, name);
if (!socket) throw new Error("No event reached the socket");
const s = /** @type {any} */ (socket);
const WORDS = "the quick brown fox jumps over the lazy dog while typing on talkomatic ";
const typists = [1, 2, 3, 4].map((i) => ({
  id: String(i).repeat(32),
  username: `typist${i}`,
  location: "bench",
}));
for (const t of typists) {
  s.emitEvent(["user joined", {
    ...t,
    roomId: listener.roomId,
    roomName: name,
    roomType: "public",
  }]);
}
// The frames the typists' streams produce: one letter each, a fresh line after 80.
const frames = [];
const texts = typists.map(() => "");
for (let i = 0; frames.length < 4000; i++) {
  const k = i % 4;
  texts[k] = texts[k].length >= 80 ? "" : texts[k] + WORDS[(i >> 2) % WORDS.length];
  frames.push(JSON.stringify({
    userId: typists[k].id,
    username: typists[k].username,
    diff: { type: "full-replace", text: texts[k] },
  }));
}
const parseUs = [];
const totalUs = [];
const clock = other.length > 0 ? clockCostMs() * 1000 : 0;
for (let r = 0; r < runs + 1; r++) {
  let parsing = 0;
  let both = 0;
  if (other.length === 0) {
    let t0 = performance.now();
    for (let i = 0; i < events; i++) JSON.parse(frames[i % frames.length]);
    parsing = performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < events; i++) {
      s.emitEvent(["chat update", JSON.parse(frames[i % frames.length])]);
    }
    both = performance.now() - t0;
  } else {
    for (let i = 0; i < events; i++) {
      evict();
      const payload = JSON.parse(frames[i % frames.length]);
      const t = performance.now();
      s.emitEvent(["chat update", payload]);
      both += performance.now() - t;
    }
    both -= (clock * events) / 1000;
  }
  if (r === 0) continue; // a warm-up
  parseUs.push((parsing * 1000) / events);
  totalUs.push((both * 1000) / events);
}
await listener.stop();
console.log(JSON.stringify({ kind, parseUs, totalUs }));
process.exit(0);
