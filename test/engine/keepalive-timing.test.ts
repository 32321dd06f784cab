import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkKeepAliveParams,
  drawIntervalMs,
  maxIntervalMs,
  minIntervalMs,
  uniformInt,
} from "../../src/engine/keepalive-timing.js";
import { isZseError } from "../../src/util/errors.js";
import { type Rng, SeededRng } from "../../src/util/rng.js";
import fc from "../support/fast-check.js";

/** An Rng that returns the given 32-bit words (little-endian), in order. */
function scripted(words: number[]): Rng & { used: number } {
  const r = {
    used: 0,
    bytes(n: number) {
      assert.equal(n, 4);
      const w = words[r.used++];
      return Uint8Array.of(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24);
    },
  };
  return r;
}

describe("Keep-Alive interval base·60 + random(0..jitter) s (SE 07-5356 §5.4.2.2.3.4)", () => {
  it("every draw lies in [base·60 s, base·60 s + jitter s] for any parameters and seed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 0, max: 512 }),
        fc.integer(),
        (base, jitter, seed) => {
          const rng = new SeededRng(seed);
          const p = { base, jitter };
          for (let i = 0; i < 20; i++) {
            const d = drawIntervalMs(p, rng);
            assert.ok(Number.isInteger(d));
            assert.ok(d >= base * 60_000 && d <= base * 60_000 + jitter * 1000);
          }
          assert.equal(minIntervalMs(p), base * 60_000);
          assert.equal(maxIntervalMs(p), base * 60_000 + jitter * 1000);
        },
      ),
      { numRuns: 200, seed: 20261125 },
    );
  });

  it("both ends of 0..max are reachable (inclusive bounds) and every value appears", () => {
    const rng = new SeededRng("inclusive");
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(uniformInt(rng, 4));
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
    // The top word value maps to max only through rejection: words >= 2^32 - (2^32 mod n) are redrawn.
    const n = 3; // 2^32 mod 3 = 1: the single word 0xffffffff is rejected
    const r = scripted([0xffffffff, 0xfffffffe]);
    assert.equal(uniformInt(r, n - 1), 0xfffffffe % n);
    assert.equal(r.used, 2, "one rejected draw");
    assert.equal(uniformInt(scripted([5]), 512_000), 5);
    assert.equal(uniformInt(scripted([512_000]), 512_000), 512_000, "the maximum itself");
  });

  it("jitter 0 gives exactly base·60 s without drawing", () => {
    const r = scripted([]);
    assert.equal(drawIntervalMs({ base: 2, jitter: 0 }, r), 120_000);
    assert.equal(r.used, 0);
  });

  it("checkKeepAliveParams refuses values outside 1..255 / 0..512, naming the field", () => {
    assert.deepEqual(checkKeepAliveParams({ base: 1, jitter: 0 }), { base: 1, jitter: 0 });
    assert.deepEqual(checkKeepAliveParams({ base: 255, jitter: 512 }), { base: 255, jitter: 512 });
    for (const [p, field] of [
      [{ base: 0, jitter: 5 }, "base"],
      [{ base: 256, jitter: 5 }, "base"],
      [{ base: 1, jitter: 513 }, "jitter"],
      [{ base: 1, jitter: 2.5 }, "jitter"],
    ] as const) {
      assert.throws(
        () => checkKeepAliveParams(p),
        (e: unknown) => isZseError(e, "BAD_VALUE") && (e as Error).message.includes(field),
      );
    }
    assert.throws(
      () => uniformInt(new SeededRng(1), -1),
      (e: unknown) => isZseError(e, "BAD_VALUE"),
    );
  });
});
