/**
 * GF(2^163) and GF(2^283) (SEC 2 v2 3.2.1 / 3.4.1 reduction polynomials): products and squares
 * against an independent BigInt shift-and-xor reference written here, the generated kernels
 * against the loop-based ones, and fast-check field axioms.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BinaryField } from "../../src/crypto/field/binary-field.js";
import { GF163, GF283 } from "../../src/crypto/field/fields.js";
import { genericKernels } from "../../src/crypto/field/generic-kernels.js";
import fc from "../support/fast-check.js";

/** Reference GF(2^m) product: carry-less multiply then bitwise long division by f. */
function refMul(a: bigint, b: bigint, m: number, f: bigint): bigint {
  let p = 0n;
  for (let i = 0; b >> BigInt(i) !== 0n; i++) if ((b >> BigInt(i)) & 1n) p ^= a << BigInt(i);
  for (let i = 2 * m; i >= m; i--) if ((p >> BigInt(i)) & 1n) p ^= f << BigInt(i - m);
  return p;
}

const CASES: { name: string; F: BinaryField; f: bigint }[] = [
  { name: "GF(2^163)", F: GF163, f: (1n << 163n) | 0xc9n },
  { name: "GF(2^283)", F: GF283, f: (1n << 283n) | 0x10a1n },
];
const params = { numRuns: 200, seed: 0x5e163 };

for (const { name, F, f } of CASES) {
  const m = F.m;
  const elem = fc.bigInt({ min: 0n, max: (1n << BigInt(m)) - 1n });
  const fe = (v: bigint) => F.fromBigInt(v);
  const mul = (a: bigint, b: bigint) => {
    const r = F.zero();
    F.mul(r, fe(a), fe(b));
    return F.toBigInt(r);
  };

  describe(`${name} arithmetic (SEC 2 polynomial ${f.toString(16)})`, () => {
    it("multiply and square match the BigInt reference", () => {
      fc.assert(
        fc.property(elem, elem, (a, b) => {
          assert.equal(mul(a, b), refMul(a, b, m, f));
          const s = F.zero();
          F.sqr(s, fe(a));
          assert.equal(F.toBigInt(s), refMul(a, a, m, f));
        }),
        params,
      );
    });

    it("edge values: 0, 1, all ones, z^(m-1)", () => {
      const ones = (1n << BigInt(m)) - 1n;
      const top = 1n << BigInt(m - 1);
      for (const a of [0n, 1n, ones, top])
        for (const b of [0n, 1n, ones, top]) assert.equal(mul(a, b), refMul(a, b, m, f));
    });

    it("the loop-based kernels agree with the field's kernels (aliasing out = a)", () => {
      const g = genericKernels(m, F.lower);
      fc.assert(
        fc.property(elem, elem, (a, b) => {
          const r = fe(a);
          g.mul(r, r, fe(b));
          assert.equal(F.toBigInt(r), mul(a, b));
          const s = fe(a);
          g.sqr(s, s);
          const t = fe(a);
          F.sqr(t, t);
          assert.equal(F.toBigInt(s), F.toBigInt(t));
        }),
        params,
      );
    });

    it("associativity, commutativity, distributivity", () => {
      fc.assert(
        fc.property(elem, elem, elem, (a, b, c) => {
          assert.equal(mul(mul(a, b), c), mul(a, mul(b, c)));
          assert.equal(mul(a, b), mul(b, a));
          assert.equal(mul(a, b ^ c), mul(a, b) ^ mul(a, c));
        }),
        params,
      );
    });

    it("a * a^-1 = 1 for a != 0; inv(0) = 0", () => {
      fc.assert(
        fc.property(elem, (a) => {
          fc.pre(a !== 0n);
          const r = F.zero();
          F.inv(r, fe(a));
          assert.equal(mul(a, F.toBigInt(r)), 1n);
        }),
        { ...params, numRuns: 100 },
      );
      const r = F.one();
      F.inv(r, F.zero());
      assert.ok(F.isZero(r));
    });

    it("sqrt(a)^2 = a and sqrN matches repeated squaring", () => {
      fc.assert(
        fc.property(elem, fc.integer({ min: 0, max: 40 }), (a, n) => {
          const r = F.zero();
          F.sqrt(r, fe(a));
          const s = F.zero();
          F.sqr(s, r);
          assert.equal(F.toBigInt(s), a);
          F.sqrN(r, fe(a), n);
          let v = a;
          for (let i = 0; i < n; i++) v = refMul(v, v, m, f);
          assert.equal(F.toBigInt(r), v);
        }),
        { ...params, numRuns: 50 },
      );
    });

    it("trace is linear, Tr(a^2) = Tr(a), and equals sum of a^(2^i)", () => {
      fc.assert(
        fc.property(elem, elem, (a, b) => {
          assert.equal(F.trace(fe(a ^ b)), F.trace(fe(a)) ^ F.trace(fe(b)));
          assert.equal(F.trace(fe(refMul(a, a, m, f))), F.trace(fe(a)));
        }),
        params,
      );
      // every basis element z^i against sum_j (z^i)^(2^j) with the field's squaring
      for (let i = 0; i < m; i++) {
        const z = F.zero();
        z[i >>> 5] = 1 << (i & 31);
        const t = F.zero();
        for (let j = 0; j < m; j++) {
          F.add(t, t, z);
          F.sqr(z, z);
        }
        assert.ok(F.toBigInt(t) < 2n, `Tr(z^${i}) not in GF(2)`);
        assert.equal(F.trace(fe(1n << BigInt(i))), t[0], `Tr(z^${i})`);
      }
      for (const a of [1n, 2n, 0x12345n, 1n << BigInt(m - 1)]) {
        let t = 0n;
        let s = a;
        for (let i = 0; i < m; i++) {
          t ^= s;
          s = refMul(s, s, m, f);
        }
        assert.ok(t === 0n || t === 1n);
        assert.equal(F.trace(fe(a)), Number(t));
      }
    });

    it("half-trace solves z^2 + z = c when Tr(c) = 0, and only then can it", () => {
      let solved = 0;
      fc.assert(
        fc.property(elem, (c) => {
          const z = F.zero();
          F.halfTrace(z, fe(c));
          const zv = F.toBigInt(z);
          const lhs = refMul(zv, zv, m, f) ^ zv;
          if (F.trace(fe(c)) === 0) {
            assert.equal(lhs, c);
            solved++;
          } else assert.equal(lhs, c ^ 1n);
        }),
        params,
      );
      assert.ok(solved > 50);
    });

    it("select and cswap", () => {
      const a = fe(5n);
      const b = fe(9n);
      const r = F.zero();
      F.select(r, a, b, 0);
      assert.equal(F.toBigInt(r), 5n);
      F.select(r, a, b, 1);
      assert.equal(F.toBigInt(r), 9n);
      F.cswap(a, b, 0);
      assert.equal(F.toBigInt(a), 5n);
      F.cswap(a, b, 1);
      assert.deepEqual([F.toBigInt(a), F.toBigInt(b)], [9n, 5n]);
    });

    it("octets: round trip, x >= 2^m gives null, wrong length throws", () => {
      const v = (1n << BigInt(m - 1)) | 0xabcdefn;
      const bytes = F.toBytes(fe(v));
      assert.equal(bytes.length, F.bytes);
      assert.equal(F.toBigInt(F.fromBytes(bytes)!), v);
      const over = new Uint8Array(F.bytes);
      over[0] = 0xff >>> (8 * F.bytes - m - 1);
      assert.equal(F.fromBytes(over), null);
      assert.throws(() => F.fromBytes(new Uint8Array(F.bytes + 1)), { code: "BAD_LENGTH" });
    });
  });
}
