/**
 * Fuzzing every decoder (issue 9 item 1) under bounded fast-check properties with a fixed seed:
 * any input — random data or a mutated valid frame/certificate/label/JSON document — gives a value
 * or a ZseError, never another exception, and returns quickly (no hang). The targets and their
 * seeds are in ./targets.ts; `npm run fuzz` runs the same targets for as long as asked.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "../support/fast-check.js";
import { fuzzTargets, inputArb, runOne } from "./targets.js";

/** Slowest acceptable single call (ms): far above any decoder's real cost, far below a hang. */
const MAX_CALL_MS = 1500;

describe("fuzz: every decoder returns a value or a ZseError", () => {
  for (const target of fuzzTargets()) {
    it(`${target.name}: every seed decodes`, () => {
      for (const seed of target.seeds) {
        const out = runOne(target, seed);
        assert.equal(out.kind, "value", `${target.name}: seed rejected: ${JSON.stringify(out)}`);
      }
    });
    it(`${target.name}: random and mutated inputs`, () => {
      const numRuns = target.kind === "json" ? 60 : 300;
      let typed = 0;
      fc.assert(
        fc.property(inputArb(target), (input) => {
          const t0 = performance.now();
          const out = runOne(target, input);
          const ms = performance.now() - t0;
          if (out.kind === "crash") throw out.error;
          if (out.kind === "zse") typed++;
          assert.ok(ms < MAX_CALL_MS, `${target.name}: one call took ${ms.toFixed(0)} ms`);
        }),
        { numRuns, seed: 0x5e_c0de, endOnFailure: true },
      );
      // The mutations must reach the error paths, not only the happy path.
      if (!target.rejectsByValue)
        assert.ok(typed > 0, `${target.name}: no input was rejected; the fuzzer is not mutating`);
    });
  }
});
