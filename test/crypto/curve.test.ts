/**
 * sect163k1 / sect283k1 (SEC 2 v2 3.2.1 / 3.4.1) against node:crypto (OpenSSL): k*G on the
 * public and secret paths, k*P through ECDH, SEC 1 2.3.3/2.3.4 compression both ways, the
 * rejections of 2.3.4, cofactor points, the ECQV test vectors' key pairs, and the
 * constant-pattern property of the secret path (field-operation counts).
 */
import assert from "node:assert/strict";
import { createECDH, ECDH } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { AffinePoint } from "../../src/crypto/curve/koblitz.js";
import {
  type CurvePoint,
  curveForSuite,
  type KoblitzCurve,
  prepareCurve,
  sect163k1,
  sect283k1,
} from "../../src/crypto/curves.js";
import { GF163, GF283 } from "../../src/crypto/field/fields.js";
import { fieldStats } from "../../src/crypto/field/stats.js";
import { bytesToBigInt, fromHex, toHex } from "../../src/util/bytes.js";
import { SeededRng } from "../../src/util/rng.js";

const N_RANDOM = Number(process.env.ZSE_CURVE_RUNS ?? 120);

interface EcqvVector {
  id: string;
  private_key: string;
  public_key?: string;
}

function opensslPublic(c: KoblitzCurve, k: bigint): string {
  const e = createECDH(c.name);
  e.setPrivateKey(Buffer.from(c.scalarToBytes(k)));
  return e.getPublicKey("hex", "compressed");
}

function yBytes(c: KoblitzCurve, p: CurvePoint): string {
  const F = c.m === 163 ? GF163 : GF283;
  return toHex(F.toBytes((p as AffinePoint).y!));
}

for (const [suite, c] of [
  [1, sect163k1],
  [2, sect283k1],
] as const) {
  const rng = new SeededRng(`curve-${c.name}`);
  const pointHex = (p: CurvePoint) => toHex(c.encodePoint(p));

  describe(`${c.name} (SEC 2 v2, CBKE suite ${suite})`, () => {
    it("parameters: sizes, G as OpenSSL has it, n*G = infinity, (n-1)*G = -G (before and after prepare)", () => {
      assert.equal(curveForSuite(suite), c);
      assert.equal(c.fieldBytes, Math.ceil(c.m / 8));
      assert.equal(c.pointBytes, c.fieldBytes + 1);
      assert.equal(pointHex(c.G), opensslPublic(c, 1n));
      assert.ok(c.isInfinity(c.mulBase(c.n)));
      assert.ok(c.isInfinity(c.mulBase(c.n, { secret: true })));
      assert.ok(c.equals(c.mulBase(c.n - 1n), c.negate(c.G)));
      assert.ok(c.isInfinity(c.mulBase(0n)));
      assert.ok(c.isInfinity(c.mulBase(0n, { secret: true })));
      assert.throws(() => c.mulBase(-1n), { code: "BAD_SCALAR" });
      assert.throws(() => c.mulBase(1n << BigInt(c.m + 3)), { code: "BAD_SCALAR" });
      // the wide table of G (built after a few uses or by prepareCurve) gives the same points
      const ks = [5n, c.n - 5n, c.randomScalar(rng)];
      const before = ks.flatMap((k) => [pointHex(c.mulBase(k)), pointHex(c.mulBase(k, { secret: true }))]);
      prepareCurve(c);
      const after = ks.flatMap((k) => [pointHex(c.mulBase(k)), pointHex(c.mulBase(k, { secret: true }))]);
      assert.deepEqual(after, before);
      assert.deepEqual(
        before.filter((_, i) => i % 2 === 0),
        ks.map((k) => opensslPublic(c, k)),
      );
    });

    it(`k*G equals OpenSSL's public key for ${N_RANDOM} random k (public and secret paths)`, () => {
      for (let i = 0; i < N_RANDOM; i++) {
        const k = c.randomScalar(rng);
        const ref = opensslPublic(c, k);
        assert.equal(pointHex(c.mulBase(k)), ref, `public k=${k.toString(16)}`);
        assert.equal(pointHex(c.mulBase(k, { secret: true })), ref, `secret k=${k.toString(16)}`);
      }
      // Small and large scalars, and k >= n (no reduction in the contract, same point).
      for (const k of [1n, 2n, 3n, 7n, c.n - 2n, c.n - 1n])
        assert.equal(pointHex(c.mulBase(k)), opensslPublic(c, k));
      const k = c.randomScalar(rng);
      assert.equal(pointHex(c.mulBase(k + 5n * c.n)), opensslPublic(c, k));
      assert.equal(pointHex(c.mulBase(k + 5n * c.n, { secret: true })), opensslPublic(c, k));
    });

    it(`x(k*P) equals OpenSSL ECDH computeSecret for ${N_RANDOM} random (k, P)`, () => {
      for (let i = 0; i < N_RANDOM; i++) {
        const e = createECDH(c.name);
        const other = c.randomScalar(rng);
        e.setPrivateKey(Buffer.from(c.scalarToBytes(other)));
        const k = c.randomScalar(rng);
        const P = c.decodePoint(new Uint8Array(e.getPublicKey(null, "compressed")));
        const dh = createECDH(c.name);
        dh.setPrivateKey(Buffer.from(c.scalarToBytes(k)));
        const ref = toHex(new Uint8Array(dh.computeSecret(Buffer.from(c.encodePoint(P)))));
        assert.equal(toHex(c.xBytes(c.mul(P, k))), ref);
        assert.equal(toHex(c.xBytes(c.mul(P, k, { secret: true }))), ref);
      }
    });

    it("decompression and compression agree with OpenSSL's convertKey (SEC 1 2.3.3/2.3.4)", () => {
      for (let i = 0; i < N_RANDOM; i++) {
        const k = c.randomScalar(rng);
        const comp = opensslPublic(c, k);
        const unc = ECDH.convertKey(comp, c.name, "hex", "hex", "uncompressed") as string;
        const p = c.decodePoint(fromHex(comp));
        const fb = c.fieldBytes * 2;
        assert.equal(toHex(c.xBytes(p)), unc.slice(2, 2 + fb));
        assert.equal(yBytes(c, p), unc.slice(2 + fb));
        assert.equal(pointHex(p), comp);
        assert.equal(c.xBigInt(p), bytesToBigInt(c.xBytes(p)));
        // the other compression bit gives -P
        const flipped = fromHex(comp);
        flipped[0] ^= 1;
        assert.ok(c.equals(c.decodePoint(flipped), c.negate(p)));
      }
    });

    it("rejections (SEC 1 2.3.4): length, prefix, x >= 2^m, x with no point, infinity", () => {
      const good = c.encodePoint(c.mulBase(12345n));
      const bad = (b: Uint8Array, re: RegExp) =>
        assert.throws(() => c.decodePoint(b, "Q"), { code: "BAD_POINT", message: re });
      bad(good.subarray(0, good.length - 1), /Q: length/);
      bad(new Uint8Array([...good, 0]), /Q: length/);
      bad(new Uint8Array(0), /Q: length/);
      for (const pre of [0x00, 0x01, 0x04, 0x06, 0xff]) {
        const b = Uint8Array.from(good);
        b[0] = pre;
        bad(b, /Q: prefix byte/);
      }
      const over = new Uint8Array(c.pointBytes);
      over[0] = 2;
      over[1] = 0xff;
      bad(over, /Q: x >= 2\^/);
      bad(Uint8Array.of(0), /Q: the point at infinity/);
      assert.ok(c.isInfinity(c.decodePoint(Uint8Array.of(0), { allowInfinity: true })));
      assert.throws(() => c.encodePoint(c.infinity), { code: "BAD_POINT" });
      assert.throws(() => c.xBytes(c.infinity), { code: "BAD_POINT" });
      // about half of all x have no point: find some and check OpenSSL refuses them too
      let rejected = 0;
      for (let i = 0; i < 40; i++) {
        const b = new Uint8Array(c.pointBytes);
        b.set(rng.bytes(c.fieldBytes), 1);
        b[1] &= 0xff >>> (8 * c.fieldBytes - c.m);
        b[0] = 2;
        let ours = true;
        try {
          c.decodePoint(b);
        } catch (e) {
          assert.match((e as Error).message, /no point on/);
          ours = false;
          rejected++;
        }
        let theirs = true;
        try {
          ECDH.convertKey(Buffer.from(b), c.name, undefined, "hex", "uncompressed");
        } catch {
          theirs = false;
        }
        assert.equal(ours, theirs, toHex(b));
      }
      assert.ok(rejected > 5);
      // the other curve's points are refused
      const other = c === sect163k1 ? sect283k1 : sect163k1;
      assert.throws(() => c.encodePoint(other.G), { code: "BAD_POINT" });
    });

    it("scalars: bytes round trip, range [1, n-1], random scalars in range", () => {
      const k = c.randomScalar(rng);
      assert.equal(c.scalarFromBytes(c.scalarToBytes(k)), k);
      assert.equal(c.scalarToBytes(k).length, c.scalarBytes);
      assert.throws(() => c.scalarFromBytes(new Uint8Array(c.scalarBytes)), { code: "BAD_SCALAR" });
      const nb = fromHex(c.n.toString(16).padStart(2 * c.scalarBytes, "0"));
      assert.throws(() => c.scalarFromBytes(nb, "d"), { code: "BAD_SCALAR", message: /^d: / });
      assert.throws(() => c.scalarFromBytes(new Uint8Array(c.scalarBytes + 1)), { code: "BAD_SCALAR" });
      assert.throws(() => c.scalarToBytes(c.n), { code: "BAD_SCALAR" });
      for (let i = 0; i < 50; i++) {
        const r = c.randomScalar(rng);
        assert.ok(r >= 1n && r < c.n);
      }
    });

    it("group law: add, negate, equals, associativity of multiples", () => {
      const a = c.randomScalar(rng);
      const b = c.randomScalar(rng);
      const A = c.mulBase(a);
      const B = c.mulBase(b);
      assert.ok(c.equals(c.add(A, B), c.mulBase((a + b) % c.n)));
      assert.ok(c.equals(c.add(A, A), c.mulBase((2n * a) % c.n)));
      assert.ok(c.isInfinity(c.add(A, c.negate(A))));
      assert.ok(c.equals(c.add(A, c.infinity), A));
      assert.ok(c.equals(c.add(c.infinity, A), A));
      assert.ok(c.equals(c.mul(A, b), c.mul(B, a)));
      assert.ok(!c.equals(A, B));
      assert.ok(!c.equals(A, c.infinity));
    });

    it("points outside the order-n subgroup: exact k*P on both paths, n*P has order dividing h", () => {
      let found = 0;
      for (let i = 0; i < 30 && found < 4; i++) {
        const b = new Uint8Array(c.pointBytes);
        b.set(rng.bytes(c.fieldBytes), 1);
        b[1] &= 0xff >>> (8 * c.fieldBytes - c.m);
        b[0] = 2;
        let P: CurvePoint;
        try {
          P = c.decodePoint(b);
        } catch {
          continue;
        }
        const nP = c.mul(P, c.n);
        if (c.isInfinity(nP)) continue;
        found++;
        assert.ok(c.isInfinity(c.mul(P, c.n * c.cofactor)));
        assert.ok(c.isInfinity(c.mul(nP, c.cofactor)));
        assert.ok(c.equals(c.mul(P, c.n, { secret: true }), nP));
        for (let j = 0; j < 4; j++) {
          const k = c.randomScalar(rng) * 3n;
          const pub = c.mul(P, k);
          assert.ok(c.equals(c.mul(P, k, { secret: true }), pub));
          assert.ok(c.equals(c.add(c.mul(P, k), P), c.mul(P, k + 1n)));
          // OpenSSL's ECDH on the same (non-subgroup) point agrees
          const dh = createECDH(c.name);
          dh.setPrivateKey(Buffer.from(c.scalarToBytes(k % c.n)));
          const ref = toHex(new Uint8Array(dh.computeSecret(Buffer.from(c.encodePoint(P)))));
          assert.equal(toHex(c.xBytes(c.mul(P, k % c.n))), ref);
        }
      }
      assert.ok(found > 0);
      // the 2-torsion point (0, 1)
      const T = c.decodePoint(new Uint8Array(c.pointBytes).fill(0, 0).map((v, i) => (i === 0 ? 2 : v)));
      // SEC 1 2.3.4 2.4.3: x = 0 gives y = 1 whatever the compression bit, as OpenSSL has it
      const t3 = new Uint8Array(c.pointBytes);
      t3[0] = 3;
      assert.ok(c.equals(c.decodePoint(t3), T));
      const unc = ECDH.convertKey(Buffer.from(t3), c.name, undefined, "hex", "uncompressed") as string;
      assert.equal(unc, `04${"00".repeat(2 * c.fieldBytes - 1)}01`);
      assert.equal(yBytes(c, T), `${"00".repeat(c.fieldBytes - 1)}01`);
      assert.ok(c.isInfinity(c.mul(T, 2n)));
      assert.ok(c.isInfinity(c.mul(T, 2n, { secret: true })));
      assert.ok(c.equals(c.mul(T, 7n, { secret: true }), T));
      assert.ok(c.equals(c.mul(T, 7n), T));
      if (c.cofactor === 4n) {
        // the points of order 4 have x = 1 (x(2P) = x^2 + 1/x^2 = 0); the secret path uses the ladder
        const x1 = new Uint8Array(c.pointBytes);
        x1[0] = 2;
        x1[c.pointBytes - 1] = 1;
        const P4 = c.decodePoint(x1);
        assert.ok(c.equals(c.add(P4, P4), T));
        assert.ok(c.isInfinity(c.mul(P4, 4n)));
        for (const k of [1n, 2n, 3n, 5n, 6n, c.randomScalar(rng)]) {
          assert.ok(c.equals(c.mul(P4, k, { secret: true }), c.mul(P4, k)), `k=${k}`);
        }
        assert.ok(c.equals(c.mul(P4, 3n), c.negate(P4)));
        const seqs = new Set<string>();
        for (const k of [1n, 4n, 7n, c.n - 1n]) {
          fieldStats.reset();
          fieldStats.enabled = true;
          try {
            c.mul(P4, k, { secret: true });
          } finally {
            fieldStats.enabled = false;
          }
          seqs.add(
            `${fieldStats.mul}/${fieldStats.sqr}/${fieldStats.inv}/${fieldStats.lin}/${fieldStats.sequence}`,
          );
        }
        assert.equal(seqs.size, 1, [...seqs].join(" "));
      }
    });

    it("the secret path runs the same field-operation sequence for every scalar", () => {
      // the lazily built tables change the sequence once, at a use count, never with k
      prepareCurve(c);
      const P = c.mulBase(c.randomScalar(rng));
      const counts = [new Set<string>(), new Set<string>()];
      const scalars = [
        1n,
        2n,
        c.n - 1n,
        (1n << BigInt(c.m + 3)) - 1n,
        c.randomScalar(rng),
        c.randomScalar(rng) >> 80n,
      ];
      for (const k of scalars) {
        const runs = [() => c.mulBase(k, { secret: true }), () => c.mul(P, k, { secret: true })];
        for (const [i, run] of runs.entries()) {
          fieldStats.reset();
          fieldStats.enabled = true;
          try {
            run();
          } finally {
            fieldStats.enabled = false;
          }
          counts[i].add(
            `${fieldStats.mul}/${fieldStats.sqr}/${fieldStats.inv}/${fieldStats.lin}/${fieldStats.sequence}`,
          );
          assert.ok(fieldStats.mul > c.m);
        }
      }
      // mulBase and mul may differ from each other, but neither varies with k.
      assert.equal(counts[0].size, 1, [...counts[0]].join(" "));
      assert.equal(counts[1].size, 1, [...counts[1]].join(" "));
    });

    it("ECQV vectors: scalarFromBytes(private_key) * G encodes to public_key", () => {
      const file = JSON.parse(readFileSync(`test/vectors/ecqv_suite${suite}.json`, "utf8")) as {
        vectors: EcqvVector[];
      };
      let withKey = 0;
      for (const v of file.vectors) {
        const d = c.scalarFromBytes(fromHex(v.private_key));
        // vectors without a stated public key are checked against OpenSSL only
        const want = v.public_key ?? opensslPublic(c, d);
        if (v.public_key !== undefined) withKey++;
        assert.equal(pointHex(c.mulBase(d)), want, v.id);
        assert.equal(pointHex(c.mulBase(d, { secret: true })), want, v.id);
      }
      assert.ok(withKey >= 2);
    });
  });
}
