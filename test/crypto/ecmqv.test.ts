import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { curveForSuite } from "../../src/crypto/curves.js";
import { avf, ecmqvSharedSecret } from "../../src/crypto/ecmqv.js";
import { bytesToBigInt, fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
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
