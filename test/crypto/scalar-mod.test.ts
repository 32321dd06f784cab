import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { curveForSuite } from "../../src/crypto/curves.js";
import { mulAddModN, ScalarModN } from "../../src/crypto/scalar-mod.js";
import { isZseError } from "../../src/util/errors.js";
import fc from "../support/fast-check.js";

describe("a·b + c mod n on fixed-width limbs (crypto/scalar-mod.ts)", () => {
  for (const suite of [1, 2] as const) {
    const n = curveForSuite(suite).n;
    // operands up to the limb width (24-bit limbs: 168 and 288 bits), not only below n
    const width = 24n * BigInt(Math.ceil(n.toString(2).length / 24));
    const top = (1n << width) - 1n;

    it(`suite ${suite}: equals BigInt's (a·b + c) % n on random operands below n and below 2^${width}`, () => {
      const below = (max: bigint) => fc.bigInt({ min: 0n, max });
      fc.assert(
        fc.property(below(n - 1n), below(n - 1n), below(n - 1n), (a, b, c) => {
          assert.equal(mulAddModN(n, a, b, c), (a * b + c) % n);
        }),
        { numRuns: 400, seed: 1631 },
      );
      fc.assert(
        fc.property(below(top), below(top), below(top), (a, b, c) => {
          assert.equal(mulAddModN(n, a, b, c), (a * b + c) % n);
        }),
        { numRuns: 400, seed: 2831 },
      );
    });

    it(`suite ${suite}: the edges (0, 1, n - 1, n, the largest operands) and results on every side of n`, () => {
      const edges = [0n, 1n, 2n, n - 2n, n - 1n, n, n + 1n, 2n * n, top - 1n, top];
      for (const a of edges)
        for (const b of edges)
          for (const c of edges) assert.equal(mulAddModN(n, a, b, c), (a * b + c) % n, `${a} ${b} ${c}`);
    });
  }

  it("refuses negative or too long operands and a modulus below 2", () => {
    const n = curveForSuite(1).n;
    for (const bad of [-1n, 1n << 168n]) {
      assert.throws(
        () => mulAddModN(n, bad, 1n, 0n),
        (e: unknown) => isZseError(e, "BAD_SCALAR"),
      );
      assert.throws(
        () => mulAddModN(n, 1n, 1n, bad),
        (e: unknown) => isZseError(e, "BAD_SCALAR"),
      );
    }
    assert.throws(
      () => new ScalarModN(1n),
      (e: unknown) => isZseError(e, "BAD_VALUE"),
    );
  });

  it("works for a small modulus too (one limb, results checked exhaustively)", () => {
    const n = 1_000_003n;
    for (let a = 0n; a < 40n; a++)
      for (let b = 999_990n; b < 1_000_010n; b++) assert.equal(mulAddModN(n, a, b, b), (a * b + b) % n);
  });

  // HAC 14.42's estimate q3 falls short of floor(x / n) by at most 2, hence two conditional
  // subtractions. With mu' = B^(2k) / n it falls short by less than
  // (x/B^(k-1) - q1)·mu'/B^(k+1) + q1·frac(mu')/B^(k+1) < (B^(k-1) + B^(2k) mod n) / n.
  const B = 1n << 24n;
  const limbs = (n: bigint) => BigInt(Math.ceil(n.toString(2).length / 24));
  /** floor(x / n) less Barrett's estimate q3, computed as HAC 14.42 does, in BigInt. */
  const shortBy = (n: bigint, x: bigint) => {
    const k = limbs(n);
    const q3 = ((x / B ** (k - 1n)) * (B ** (2n * k) / n)) / B ** (k + 1n);
    return x / n - q3;
  };

  it("for both curve orders one subtraction always suffices (the bound above is below 1)", () => {
    for (const suite of [1, 2] as const) {
      const n = curveForSuite(suite).n;
      const k = limbs(n);
      assert.ok(B ** (k - 1n) + (B ** (2n * k) % n) < n, `suite ${suite}`);
    }
  });

  it("a modulus and operands where the estimate is 2 short: the second subtraction is needed and made", () => {
    // n just above 2^24: B^(2k) mod n is close to n, so the bound above nears 2; the largest
    // operands with x's low limb all ones hit it (found by search, checked here in BigInt)
    const a = B * B - 1n;
    const c = B * B - 2n;
    for (const d of [64n, 76n, 128n]) {
      const n = B + d;
      assert.equal(shortBy(n, a * a + c), 2n, `n = 2^24 + ${d}`);
      assert.equal(new ScalarModN(n).mulAdd(a, a, c), (a * a + c) % n, `n = 2^24 + ${d}`);
    }
  });
});
