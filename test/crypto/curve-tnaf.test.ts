/**
 * tau-adic recodings (Guide to ECC 3.4; Solinas 2000; Oliveira et al. SAC 2014): the width-w
 * TNAF and the regular recoding must represent k modulo tau^m - 1 exactly, which is checked here
 * in Z[tau] with BigInt arithmetic written in this file; the alpha_u must be u mod tau^w; the
 * regular recoding must have its fixed length with every digit odd; tau^m - 1 must have norm
 * h * n (so it annihilates the whole group E(GF(2^m))).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tauPower, tnaf, WtnafRecoder } from "../../src/crypto/curve/tnaf.js";
import { sect163k1, sect283k1 } from "../../src/crypto/curves.js";
import fc from "../support/fast-check.js";

type Zt = [bigint, bigint];

function mulZt(x: Zt, y: Zt, mu: bigint): Zt {
  // (a + b t)(c + d t) with t^2 = mu t - 2
  const [a, b] = x;
  const [c, d] = y;
  return [a * c - 2n * b * d, a * d + b * c + mu * b * d];
}

/** True when x is a multiple of y in Z[tau]: x * conj(y) is divisible by N(y) componentwise. */
function divisible(x: Zt, y: Zt, mu: bigint): boolean {
  const conj: Zt = [y[0] + mu * y[1], -y[1]];
  const norm = y[0] * y[0] + mu * y[0] * y[1] + 2n * y[1] * y[1];
  const p = mulZt(x, conj, mu);
  return p[0] % norm === 0n && p[1] % norm === 0n;
}

/** sum_i d_i tau^(stride i) with digit d standing for sign(d) alpha_|d|. */
function evaluate(o: { digits: Int8Array; count: number; stride: number; alphas: Zt[]; mu: bigint }): Zt {
  let acc: Zt = [0n, 0n];
  const step = tauPowerRef(o.stride, o.mu);
  for (let i = o.count - 1; i >= 0; i--) {
    acc = mulZt(acc, step, o.mu);
    const d = o.digits[i];
    if (d !== 0) {
      const [b, g] = o.alphas[Math.abs(d) >> 1];
      acc = d > 0 ? [acc[0] + b, acc[1] + g] : [acc[0] - b, acc[1] - g];
    }
  }
  return acc;
}

function tauPowerRef(k: number, mu: bigint): Zt {
  let r: Zt = [1n, 0n];
  for (let i = 0; i < k; i++) r = mulZt(r, [0n, 1n], mu);
  return r;
}

for (const c of [sect163k1, sect283k1]) {
  const mu = c.m === 163 ? 1 : -1;
  const M = BigInt(mu);
  const D: Zt = [tauPowerRef(c.m, M)[0] - 1n, tauPowerRef(c.m, M)[1]];
  const scalar = fc.bigInt({ min: 0n, max: (1n << BigInt(c.m + 3)) - 1n });

  describe(`${c.name} tau-adic recodings (Guide to ECC 3.4)`, () => {
    it("tau^m - 1 has norm h*n; tauPower matches repeated multiplication", () => {
      const rec = new WtnafRecoder({ m: c.m, mu, w: 5 });
      assert.equal(rec.groupOrder, c.cofactor * c.n);
      assert.deepEqual(tauPower(c.m, mu), tauPowerRef(c.m, M));
      assert.deepEqual(tauPower(7, mu), tauPowerRef(7, M));
    });

    it("plain TNAF of small elements evaluates back and is non-adjacent", () => {
      for (const [a, b] of [
        [1n, 0n],
        [5n, -3n],
        [-77n, 12n],
        [1000n, 999n],
      ] as Zt[]) {
        const d = tnaf({ r0: a, r1: b, mu });
        assert.deepEqual(evaluate({ digits: d, count: d.length, stride: 1, alphas: [[1n, 0n]], mu: M }), [
          a,
          b,
        ]);
        for (let i = 1; i < d.length; i++) assert.ok(d[i] === 0 || d[i - 1] === 0);
      }
    });

    for (const w of [5, 8]) {
      const rec = new WtnafRecoder({ m: c.m, mu, w });
      const tw = tauPowerRef(w, M);

      it(`w = ${w}: alpha_u = u mod tau^w`, () => {
        rec.alphas.forEach(([b, g], i) => {
          const u = BigInt(2 * i + 1);
          assert.ok(divisible([b - u, g], tw, M), `alpha_${u}`);
        });
      });

      it(`w = ${w}: width-w TNAF of k equals k mod tau^m - 1, non-zero digits w apart`, () => {
        fc.assert(
          fc.property(scalar, (k) => {
            const n = rec.recode(k);
            assert.ok(n <= c.m + w + 4, `length ${n}`);
            const v = evaluate({ digits: rec.digits, count: n, stride: 1, alphas: rec.alphas, mu: M });
            assert.ok(divisible([v[0] - k, v[1]], D, M));
            let last = -w;
            for (let i = 0; i < n; i++) {
              if (rec.digits[i] !== 0) {
                assert.ok(i - last >= w, `digits at ${last} and ${i}`);
                assert.equal(rec.digits[i] & 1, 1);
                last = i;
              }
            }
          }),
          { numRuns: 60, seed: 0x7a0 + w },
        );
      });

      it(`w = ${w}: regular recoding has fixed length, odd digits, equals k mod tau^m - 1`, () => {
        const edge = [0n, 1n, 2n, c.n - 1n, c.n, c.n + 1n, c.n * c.cofactor, (1n << BigInt(c.m + 3)) - 1n];
        const check = (k: bigint) => {
          const n = rec.recodeRegular(k);
          assert.equal(n, rec.regularLength);
          for (let i = 0; i < n; i++) assert.equal(rec.digits[i] & 1, 1, `digit ${i} of k=${k}`);
          const v = evaluate({ digits: rec.digits, count: n, stride: w - 1, alphas: rec.alphas, mu: M });
          assert.ok(divisible([v[0] - k, v[1]], D, M), `k=${k}`);
        };
        for (const k of edge) check(k);
        fc.assert(fc.property(scalar, check), { numRuns: 60, seed: 0x7e0 + w });
        // many more scalars for the fixed length (the recoder throws if it was too short)
        for (let i = 0; i < 1500; i++) rec.recodeRegular(c.randomScalar() * BigInt(1 + (i % 8)));
      });
    }
  });
}
