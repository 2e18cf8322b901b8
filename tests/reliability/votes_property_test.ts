// Property tests of the bot's vote model (bot/in/state.ts): whatever vote maps
// the server sends, the room's view is the inverted map, and the reported
// vote events replayed on the old map give the new one.
import { assertEquals } from "@std/assert";
import fc from "fast-check";
import { BotState, type StateSink, votesByTarget } from "../../bot/in/state.ts";
import type { User } from "../../bot/model.ts";
import { RUNS } from "./_config.ts";

const userId = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{32}$/) },
  { weight: 2, arbitrary: fc.constantFrom("a", "b", "c", "d", "e") },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "toString") },
);

/** A wire vote map built like JSON.parse does (own data properties, even "__proto__"). */
const wireVotes = (ids: readonly string[]) =>
  fc.uniqueArray(fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids)), {
    selector: ([voter]) => voter,
    maxLength: ids.length,
  }).map((entries) => {
    const out: Record<string, string> = {};
    for (const [voter, target] of entries) {
      Object.defineProperty(out, voter, { value: target, enumerable: true, writable: true });
    }
    return out;
  });

Deno.test("votesByTarget() inverts the wire's voter -> target map without loss", () => {
  fc.assert(
    fc.property(fc.uniqueArray(userId, { minLength: 1, maxLength: 6 }).chain(wireVotes), (wire) => {
      const byTarget = votesByTarget(new Map(Object.entries(wire)));
      let total = 0;
      for (const [target, voters] of byTarget) {
        assertEquals([...voters].sort(), [...voters]);
        for (const voter of voters) assertEquals(wire[voter], target);
        total += voters.length;
      }
      assertEquals(total, Object.keys(wire).length);
    }),
    { numRuns: RUNS },
  );
});

Deno.test("Vote events replayed on the old map give the new map, for any sequence", () => {
  const scenario = fc.uniqueArray(userId, { minLength: 3, maxLength: 5 }).chain((ids) =>
    fc.tuple(fc.constant(ids), fc.array(wireVotes(ids), { minLength: 1, maxLength: 8 }))
  );
  fc.assert(
    fc.property(scenario, ([ids, maps]) => {
      const replay = new Map<string, string>();
      const sink = new Proxy({}, {
        get: (_t, name) =>
          name === "vote"
            ? (voter: User, target: User, added: boolean) => {
              if (added) replay.set(voter.id, target.id);
              else {
                assertEquals(
                  replay.get(voter.id),
                  target.id,
                  "a withdrawal of a vote that was cast",
                );
                replay.delete(voter.id);
              }
            }
            : () => {},
      }) as StateSink;
      const state = new BotState(sink);
      state.apply("signin status", {
        isSignedIn: true,
        username: "Bot",
        location: "Lab",
        userId: ids[0],
        isIPBased: false,
        isBot: true,
        isDev: false,
      });
      state.apply("room joined", {
        roomId: "123456",
        userId: ids[0],
        username: "Bot",
        location: "Lab",
        isDev: false,
        isHidden: false,
        isVanished: false,
        roomName: "R",
        roomType: "public",
        users: ids.map((id, i) => ({ id, username: `U${i}`, location: "L" })),
        layout: "vertical",
        votes: {},
        currentMessages: {},
      });
      for (const map of maps) state.apply("update votes", map);
      state.apply("user typing", { userId: ids[1], username: "U1", isTyping: true }); // flushes held withdrawals
      const last = maps[maps.length - 1];
      assertEquals(
        Object.fromEntries([...replay].sort()),
        Object.fromEntries(Object.entries(last).sort()),
      );
      assertEquals(state.roomView?.votes, votesByTarget(new Map(Object.entries(last))));
      state.dropRoom();
    }),
    { numRuns: RUNS },
  );
});
