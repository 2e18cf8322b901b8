// Property tests of the vote-map conversion (bot/state.ts): the wire's
// voter -> target map into target -> voters and back, and the vote changes.
import { assert, assertEquals } from "@std/assert";
import fc from "fast-check";
import { voteChanges, votesByTarget, votesByVoter } from "../../bot/state.ts";
import { RUNS, summaryAtEnd } from "./_config.ts";

const userId = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{32}$/) },
  { weight: 2, arbitrary: fc.constantFrom("a", "b", "c", "d", "e") },
  { weight: 1, arbitrary: fc.string({ unit: "binary" }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty"),
  },
);
/** A wire vote map built like JSON.parse does (own data properties, even "__proto__"). */
const wireVotes = fc.uniqueArray(fc.tuple(userId, userId), {
  selector: ([voter]) => voter,
  maxLength: 12,
})
  .map((entries) => Object.fromEntries(entries) as Record<string, string>);

let maps = 0;
summaryAtEnd("vote maps", () => ({ maps, runs: RUNS }));

Deno.test("Vote maps convert to target -> voters and back without loss", () => {
  fc.assert(
    fc.property(wireVotes, (wire) => {
      maps++;
      const byTarget = votesByTarget(wire);
      let total = 0;
      for (const [target, voters] of byTarget) {
        assertEquals([...voters].sort(), [...voters]);
        for (const voter of voters) assertEquals(wire[voter], target);
        total += voters.length;
      }
      assertEquals(total, Object.keys(wire).length);
      const back = votesByVoter(byTarget);
      assertEquals(Object.keys(back).sort(), Object.keys(wire).sort());
      for (const voter of Object.keys(wire)) {
        assert(Object.hasOwn(back, voter), `voter "${voter}" lost`);
        assertEquals(back[voter], wire[voter]);
      }
    }),
    { numRuns: RUNS },
  );
});

Deno.test("Vote changes applied to the old map give the new map", () => {
  fc.assert(
    fc.property(wireVotes, wireVotes, (before, after) => {
      maps += 2;
      const state = new Map(Object.entries(before));
      for (const change of voteChanges(before, after)) {
        if (change.added) {
          assert(!state.has(change.voter) || state.get(change.voter) === undefined);
          state.set(change.voter, change.target);
        } else {
          assertEquals(state.get(change.voter), change.target);
          state.delete(change.voter);
        }
      }
      assertEquals(
        Object.fromEntries([...state].sort()),
        Object.fromEntries(Object.entries(after).sort()),
      );
    }),
    { numRuns: RUNS },
  );
});
