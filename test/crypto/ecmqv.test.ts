import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { curveForSuite } from "../../src/crypto/curves.js";
import {
  avf,
  ecmqvSharedPoint,
  ecmqvSharedPointImplicit,
  ecmqvSharedSecret,
} from "../../src/crypto/ecmqv.js";
import { bytesToBigInt, fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import { curveNameForSuite, opensslKeyPair } from "../support/node-ec.js";
import { annexC } from "../support/se-vectors.js";

describe("ECMQV with cofactor (SEC 1 §3.4) on the Annex C exchanges", () => {
  for (const suite of [1, 2] as const) {
    const curve = curveForSuite(suite);
    const v = annexC(suite);
    const sides = [
      [v.initiator_u, v.responder_v],
      [v.responder_v, v.initiator_u],
    ] as const;
    for (const [me, them] of sides) {
      it(`suite ${suite}: Z from ${me === v.initiator_u ? "U" : "V"}'s side`, () => {
        const z = ecmqvSharedSecret({
          curve,
          staticPrivateKey: bytesToBigInt(fromHex(me.static_private_key)),
          // C.6's responder ephemeral key is n + k (see se/cbke.ts privateScalar): reduce it.
          ephemeralPrivateKey: bytesToBigInt(fromHex(me.ephemeral_private_key)) % curve.n,
          partnerStaticPublicKey: curve.decodePoint(fromHex(them.static_public_key)),
          partnerEphemeralPublicKey: curve.decodePoint(fromHex(them.ephemeral_public_key)),
        });
        assert.equal(toHex(z), v.shared_secret_z);
      });
    }
  }
});

describe("avf (SEC 1 §3.4 step 2)", () => {
  it("keeps the low ⌈f/2⌉ bits of x and sets bit ⌈f/2⌉ (f = 163 → 82, f = 281 → 141)", () => {
    for (const [suite, half] of [
      [1, 82n],
      [2, 141n],
    ] as const) {
      const curve = curveForSuite(suite);
      const q = fromHex(annexC(suite).initiator_u.ephemeral_public_key);
      const x = bytesToBigInt(q.subarray(1));
      assert.equal(avf(curve, curve.decodePoint(q)), (x % 2n ** half) + 2n ** half);
    }
  });
});

describe("ECMQV agreement on random keys (drawn by OpenSSL)", () => {
  for (const suite of [1, 2] as const) {
    it(`suite ${suite}: both sides compute the same Z`, () => {
      const curve = curveForSuite(suite);
      const name = curveNameForSuite(suite);
      for (let i = 0; i < 3; i++) {
        const [su, eu, sv, ev] = [0, 1, 2, 3].map(() => opensslKeyPair(name));
        const side = (s: typeof su, e: typeof su, ps: typeof su, pe: typeof su) =>
          toHex(
            ecmqvSharedSecret({
              curve,
              staticPrivateKey: bytesToBigInt(fromHex(s.privateKey)),
              ephemeralPrivateKey: bytesToBigInt(fromHex(e.privateKey)),
              partnerStaticPublicKey: curve.decodePoint(fromHex(ps.publicKey)),
              partnerEphemeralPublicKey: curve.decodePoint(fromHex(pe.publicKey)),
            }),
          );
        const zu = side(su, eu, sv, ev);
        assert.equal(zu.length, curve.fieldBytes * 2);
        assert.equal(zu, side(sv, ev, su, eu));
        assert.notEqual(zu, side(sv, ev, su, su));
      }
    });
  }
  it("rejects the point at infinity and private keys out of range", () => {
    const curve = curveForSuite(1);
    const v = annexC(1);
    const base = {
      curve,
      staticPrivateKey: bytesToBigInt(fromHex(v.initiator_u.static_private_key)),
      ephemeralPrivateKey: bytesToBigInt(fromHex(v.initiator_u.ephemeral_private_key)),
      partnerStaticPublicKey: curve.decodePoint(fromHex(v.responder_v.static_public_key)),
      partnerEphemeralPublicKey: curve.decodePoint(fromHex(v.responder_v.ephemeral_public_key)),
    };
    assert.throws(
      () => ecmqvSharedSecret({ ...base, partnerEphemeralPublicKey: curve.infinity }),
      (e) => isZseError(e, "BAD_POINT"),
    );
    assert.throws(
      () => ecmqvSharedSecret({ ...base, partnerStaticPublicKey: curve.infinity }),
      (e) => isZseError(e, "BAD_POINT"),
    );
    assert.throws(
      () => ecmqvSharedSecret({ ...base, staticPrivateKey: 0n }),
      (e) => isZseError(e, "BAD_SCALAR"),
    );
    assert.throws(
      () => ecmqvSharedSecret({ ...base, ephemeralPrivateKey: curve.n }),
      (e) => isZseError(e, "BAD_SCALAR"),
    );
  });
  it("takes the own ephemeral key as bytes (x only); rejects a bad encoding", () => {
    const curve = curveForSuite(1);
    const v = annexC(1);
    const own = fromHex(v.initiator_u.ephemeral_public_key);
    const base = {
      curve,
      staticPrivateKey: bytesToBigInt(fromHex(v.initiator_u.static_private_key)),
      ephemeralPrivateKey: bytesToBigInt(fromHex(v.initiator_u.ephemeral_private_key)),
      ephemeralPublicKey: own,
      partnerStaticPublicKey: curve.decodePoint(fromHex(v.responder_v.static_public_key)),
      partnerEphemeralPublicKey: curve.decodePoint(fromHex(v.responder_v.ephemeral_public_key)),
    };
    assert.equal(toHex(ecmqvSharedSecret(base)), v.shared_secret_z);
    assert.throws(
      () => ecmqvSharedSecret({ ...base, ephemeralPublicKey: Uint8Array.of(4, ...own.subarray(1)) }),
      (e) => isZseError(e, "BAD_POINT"),
    );
  });
});

describe("ECMQV with the partner's static key implicit (SEC 4 §3.5 folded into SEC 1 §3.4)", () => {
  for (const suite of [1, 2] as const) {
    const curve = curveForSuite(suite);
    // (0, 1) is the point of order 2 on both curves: adding it leaves the order-n subgroup.
    const S = curve.decodePoint(fromHex(`02${"00".repeat(curve.fieldBytes)}`));
    it(`suite ${suite}: equals Q_SV = e·P + Q_CA first, also with P, Q_CA, Q_EV outside the subgroup`, () => {
      const rng = new SeededRng(`ecmqv-implicit-${suite}`);
      let distinctT = 0;
      for (let i = 0; i < 16; i++) {
        let P = curve.mulBase(curve.randomScalar(rng));
        let qCa = curve.mulBase(curve.randomScalar(rng));
        let qEV = curve.mulBase(curve.randomScalar(rng));
        if (i & 1) P = curve.add(P, S);
        if (i & 2) qCa = curve.add(qCa, S);
        if (i & 4) qEV = curve.add(qEV, S);
        // e up to n (so that avf·e mod n really reduces) and of AES-MMO's 128 bits.
        const e =
          i & 8
            ? curve.randomScalar(rng) >> BigInt(curve.n.toString(2).length - 128)
            : curve.randomScalar(rng);
        const base = {
          curve,
          staticPrivateKey: curve.randomScalar(rng),
          ephemeralPrivateKey: curve.randomScalar(rng),
          partnerEphemeralPublicKey: qEV,
        };
        const qSV = curve.add(curve.mul(P, e), qCa);
        const want = ecmqvSharedPoint({ ...base, partnerStaticPublicKey: qSV });
        const got = ecmqvSharedPointImplicit({
          ...base,
          partnerStatic: { reconstructionPoint: P, e, caPublicKey: qCa },
        });
        assert.ok(curve.equals(got, want), `case ${i}`);
        // Before the cofactor the two forms of T differ when P has an order-2 part and avf·e / n
        // is odd: the case the cofactor argument is about does occur here.
        const a = avf(curve, qEV);
        const tFull = curve.add(qEV, curve.mul(qSV, a));
        const tReduced = curve.mulAdd({ p: P, k: (a * e) % curve.n, q: qCa, l: a, r: qEV });
        if (!curve.equals(tFull, tReduced)) distinctT++;
      }
      assert.ok(distinctT > 0, "no case with (avf·e mod n)·P ≠ avf·e·P");
    });
  }

  it("rejects Q_EV at infinity and an ECMQV result at infinity", () => {
    const curve = curveForSuite(1);
    const rng = new SeededRng("ecmqv-implicit-bad");
    const base = { curve, staticPrivateKey: 5n, ephemeralPrivateKey: 7n };
    const partnerStatic = { reconstructionPoint: curve.G, e: 3n, caPublicKey: curve.G };
    assert.throws(
      () => ecmqvSharedPointImplicit({ ...base, partnerStatic, partnerEphemeralPublicKey: curve.infinity }),
      (e) => isZseError(e, "BAD_POINT"),
    );
    // Q_EV = (0, 1) of order 2 and Q_SV = O: T = Q_EV, h·s·T = O.
    const S = curve.decodePoint(fromHex(`02${"00".repeat(curve.fieldBytes)}`));
    const Q = curve.mulBase(curve.randomScalar(rng));
    assert.throws(
      () =>
        ecmqvSharedPointImplicit({
          ...base,
          partnerStatic: { reconstructionPoint: Q, e: 1n, caPublicKey: curve.negate(Q) },
          partnerEphemeralPublicKey: S,
        }),
      (e) => isZseError(e, "BAD_POINT"),
    );
  });
});
