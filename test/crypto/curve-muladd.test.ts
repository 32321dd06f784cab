/**
 * KoblitzCurve.mulAdd: k*P + l*Q + R in one interleaved tau-adic multiplication (Guide to ECC
 * 3.3.3, 3.4), checked against separate public multiplications and additions, which
 * test/crypto/curve.test.ts checks against OpenSSL. Covers Q's cached table in both widths, and
 * points outside the order-n subgroup (tau^m - 1 reduction is exact for every point).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { curveForSuite } from "../../src/crypto/curves.js";
import { fromHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";

describe("mulAdd: k·P + l·Q + R (SEC 1 §2.2 group law, interleaved)", () => {
  for (const suite of [1, 2] as const) {
    const curve = curveForSuite(suite);
    const S = curve.decodePoint(fromHex(`02${"00".repeat(curve.fieldBytes)}`));
    const slow = (p: typeof S, k: bigint, q: typeof S, l: bigint, r?: typeof S) => {
      const s = curve.add(curve.mul(p, k), curve.mul(q, l));
      return r === undefined ? s : curve.add(s, r);
    };
    it(`${curve.name}: equals separate multiplications for random operands, Q reused (both table widths)`, () => {
      const rng = new SeededRng(`muladd-${suite}`);
      const Q = curve.add(curve.mulBase(curve.randomScalar(rng)), S);
      for (let i = 0; i < 12; i++) {
        let P = curve.mulBase(curve.randomScalar(rng));
        if (i % 3 === 0) P = curve.add(P, S);
        const k = curve.randomScalar(rng);
        const l = curve.randomScalar(rng) >> BigInt(i * 10);
        const R = i % 2 === 0 ? curve.mulBase(curve.randomScalar(rng)) : undefined;
        const got = curve.mulAdd({ p: P, k, q: Q, l, r: R });
        assert.ok(curve.equals(got, slow(P, k, Q, l, R)), `case ${i}`);
      }
    });
    it(`${curve.name}: zero scalars, infinity operands, results at infinity`, () => {
      const rng = new SeededRng(`muladd-edge-${suite}`);
      const P = curve.mulBase(curve.randomScalar(rng));
      const Q = curve.mulBase(curve.randomScalar(rng));
      assert.ok(curve.equals(curve.mulAdd({ p: P, k: 0n, q: Q, l: 5n }), curve.mul(Q, 5n)));
      assert.ok(curve.equals(curve.mulAdd({ p: P, k: 9n, q: Q, l: 0n }), curve.mul(P, 9n)));
      assert.ok(
        curve.equals(curve.mulAdd({ p: curve.infinity, k: 9n, q: Q, l: 3n, r: P }), slow(Q, 3n, P, 1n)),
      );
      assert.ok(curve.isInfinity(curve.mulAdd({ p: P, k: 2n, q: P, l: curve.n - 2n })));
      assert.ok(curve.isInfinity(curve.mulAdd({ p: P, k: 1n, q: Q, l: 0n, r: curve.negate(P) })));
      assert.ok(curve.equals(curve.mulAdd({ p: P, k: 0n, q: curve.infinity, l: 4n, r: P }), P));
    });
    it(`${curve.name}: rejects scalars out of range and foreign points`, () => {
      const other = curveForSuite(suite === 1 ? 2 : 1);
      assert.throws(
        () => curve.mulAdd({ p: curve.G, k: -1n, q: curve.G, l: 1n }),
        (e) => isZseError(e, "BAD_SCALAR"),
      );
      assert.throws(
        () => curve.mulAdd({ p: curve.G, k: 1n, q: curve.G, l: 1n << BigInt(curve.m + 3) }),
        (e) => isZseError(e, "BAD_SCALAR"),
      );
      assert.throws(
        () => curve.mulAdd({ p: curve.G, k: 1n, q: other.G, l: 1n }),
        (e) => isZseError(e, "BAD_POINT"),
      );
    });
  }
});
