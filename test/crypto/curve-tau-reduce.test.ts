import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SecretTauReducer } from "../../src/crypto/curve/tau-reduce.js";
import { roundZTau, tauPower } from "../../src/crypto/curve/tnaf.js";
import { curveForSuite } from "../../src/crypto/curves.js";
import fc from "../support/fast-check.js";

/** The recoder's 28-bit limbs (top one signed) as a bigint. */
function fromRecoderLimbs(x: Int32Array): bigint {
  let v = BigInt(x[x.length - 1]);
  for (let i = x.length - 2; i >= 0; i--) v = (v << 28n) | BigInt(x[i]);
  return v;
}

describe("partial reduction of secret scalars modulo tau^m - 1 on fixed-width limbs", () => {
  for (const suite of [1, 2] as const) {
    const curve = curveForSuite(suite);
    const m = curve.m;
    // SEC 2: a = 1 for sect163k1, a = 0 for sect283k1 (mu = (-1)^(1-a))
    const mu: 1 | -1 = suite === 1 ? 1 : -1;
    const M = BigInt(mu);
    const [t0, t1] = tauPower(m, mu);
    const d0 = t0 - 1n;
    const d1 = t1;
    const norm = d0 * d0 + M * d0 * d1 + 2n * d1 * d1;
    const outLimbs = Math.ceil((m / 2 + 16) / 28) + 1;
    const reducer = new SecretTauReducer({ m, mu, d0, d1, norm, outLimbs });
    const r0 = new Int32Array(outLimbs);
    const r1 = new Int32Array(outLimbs);
    /** The exact reduction, written out with BigInt here (Guide to ECC Algorithms 3.62/3.63). */
    const exact = (k: bigint): [bigint, bigint] => {
      const [q0, q1] = roundZTau({ num0: k * (d0 + M * d1), num1: -k * d1, den: norm, mu });
      return [k - (q0 * d0 - 2n * q1 * d1), -(q0 * d1 + q1 * d0 + M * q1 * d1)];
    };
    const reduced = (k: bigint): [bigint, bigint] => {
      reducer.reduce(k, r0, r1);
      return [fromRecoderLimbs(r0), fromRecoderLimbs(r1)];
    };
    const top = (1n << BigInt(m + 3)) - 1n;
    /** k - rho is a multiple of D (so rho·P = k·P) and N(rho) <= 4/7 N(D) (Solinas' bound). */
    const assertValid = (k: bigint, [x0, x1]: [bigint, bigint]) => {
      // (k - rho) / D = (k - rho)·conj(D) / N(D) must lie in Z[τ]
      const y0 = k - x0;
      const y1 = -x1;
      const c0 = d0 + M * d1;
      const c1 = -d1;
      assert.equal((y0 * c0 - 2n * y1 * c1) % norm, 0n, `k = ${k}: k - rho not a multiple of D`);
      assert.equal((y0 * c1 + y1 * c0 + M * y1 * c1) % norm, 0n, `k = ${k}: k - rho not a multiple of D`);
      const n2 = x0 * x0 + M * x0 * x1 + 2n * x1 * x1;
      assert.ok(7n * n2 <= 4n * norm, `k = ${k}: N(rho) = ${n2} above 4/7 of ${norm}`);
    };

    it(`sect${m}k1: random scalars give the exact BigInt reduction's remainder`, () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: top }), (k) => {
          const rho = reduced(k);
          assert.deepEqual(rho, exact(k));
          assertValid(k, rho);
        }),
        { numRuns: 1000, seed: m },
      );
    });

    it(`sect${m}k1: edge scalars (0, 1, n, h·n, 2^(m+3) - 1 ...) give a remainder congruent to k within the bound`, () => {
      // k = n or h·n put λ exactly on a rounding boundary (N(D) = h·n): the fixed-point
      // rounding may take the other, equally short, representative there
      const n = curve.n;
      const h = curve.cofactor;
      for (const k of [0n, 1n, 2n, n - 1n, n, n + 1n, h * n - 1n, h * n, h * n + 1n, top - 1n, top]) {
        assertValid(k, reduced(k));
      }
    });
  }
});
