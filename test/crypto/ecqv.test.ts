import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { curveForSuite } from "../../src/crypto/curves.js";
import {
  certificateHash,
  ecqvIssue,
  ecqvIssueBatch,
  reconstructPrivateKey,
  reconstructPublicKey,
} from "../../src/crypto/ecqv.js";
import { concat, fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import { curveNameForSuite, invalidPoint, opensslKeyPair, opensslPublicKey } from "../support/node-ec.js";
import { ecqvVectors } from "../support/se-vectors.js";

const RP_OFFSET = { 1: 0, 2: 37 } as const;

describe("ECQV public-key reconstruction (SEC 4 §3.5) on the published certificates", () => {
  for (const suite of [1, 2] as const) {
    const curve = curveForSuite(suite);
    for (const v of ecqvVectors(suite)) {
      it(`suite ${suite} ${v.id}: Q = e·P + Q_CA and d·G = Q (OpenSSL)`, () => {
        const cert = fromHex(v.certificate);
        const rp = cert.subarray(RP_OFFSET[suite], RP_OFFSET[suite] + curve.pointBytes);
        const q = curve.encodePoint(
          reconstructPublicKey({
            curve,
            certificate: cert,
            reconstructionPoint: rp,
            caPublicKey: fromHex(v.ca_public_key),
          }),
        );
        if (v.public_key) assert.equal(toHex(q), v.public_key);
        assert.equal(toHex(q), opensslPublicKey(curveNameForSuite(suite), v.private_key));
      });
    }
  }
  it("e = AES-MMO(certificate) is below n on both curves", () => {
    for (const suite of [1, 2] as const) {
      for (const v of ecqvVectors(suite))
        assert.ok(certificateHash(fromHex(v.certificate)) < curveForSuite(suite).n);
    }
  });
  it("a changed certificate byte gives another key; a bad point is refused", () => {
    const v = ecqvVectors(1)[0];
    const curve = curveForSuite(1);
    const cert = fromHex(v.certificate);
    cert[40] ^= 1;
    const q = reconstructPublicKey({
      curve,
      certificate: cert,
      reconstructionPoint: cert.subarray(0, 22),
      caPublicKey: fromHex(v.ca_public_key),
    });
    assert.notEqual(toHex(curve.encodePoint(q)), v.public_key);
    const bad = invalidPoint("sect163k1", cert.subarray(0, 22));
    assert.throws(
      () =>
        reconstructPublicKey({
          curve,
          certificate: cert,
          reconstructionPoint: bad,
          caPublicKey: fromHex(v.ca_public_key),
        }),
      (e) => isZseError(e, "BAD_POINT"),
    );
    assert.throws(
      () =>
        reconstructPublicKey({
          curve,
          certificate: cert,
          reconstructionPoint: cert.subarray(0, 22),
          caPublicKey: new Uint8Array(21),
        }),
      (e) => isZseError(e),
    );
  });
});

describe("ECQV issuance and private-key reconstruction (SEC 4 §3.4, §3.6)", () => {
  for (const suite of [1, 2] as const) {
    const curve = curveForSuite(suite);
    const name = curveNameForSuite(suite);
    const filler = new Uint8Array(suite === 1 ? 26 : 37).fill(0x5a);
    const encodeWith = (p: Uint8Array) => (suite === 1 ? concat(p, filler) : concat(filler, p));
    const rpOf = (cert: Uint8Array) => cert.subarray(RP_OFFSET[suite], RP_OFFSET[suite] + curve.pointBytes);

    it(`suite ${suite}: request mode round trip (device key from OpenSSL)`, () => {
      const ca = opensslKeyPair(name);
      const device = opensslKeyPair(name);
      const issued = ecqvIssue({
        curve,
        caPrivateKey: fromHex(ca.privateKey),
        requestPoint: fromHex(device.publicKey),
        encodeWith,
        rng: new SeededRng(suite),
      });
      assert.equal(issued.privateKey, undefined);
      assert.equal(issued.e, certificateHash(issued.certificate));
      const d = reconstructPrivateKey({
        curve,
        certificate: issued.certificate,
        requestSecret: fromHex(device.privateKey),
        r: issued.r,
      });
      const q = reconstructPublicKey({
        curve,
        certificate: issued.certificate,
        reconstructionPoint: rpOf(issued.certificate),
        caPublicKey: fromHex(ca.publicKey),
      });
      assert.equal(toHex(curve.encodePoint(q)), opensslPublicKey(name, curve.scalarToBytes(d)));
    });

    it(`suite ${suite}: CA-generated key pair round trip`, () => {
      const ca = opensslKeyPair(name);
      const issued = ecqvIssue({
        curve,
        caPrivateKey: fromHex(ca.privateKey),
        encodeWith,
        rng: new SeededRng(10 + suite),
      });
      assert.ok(issued.privateKey !== undefined && issued.publicKey !== undefined);
      const pub = toHex(curve.encodePoint(issued.publicKey));
      assert.equal(pub, opensslPublicKey(name, curve.scalarToBytes(issued.privateKey)));
      const q = reconstructPublicKey({
        curve,
        certificate: issued.certificate,
        reconstructionPoint: rpOf(issued.certificate),
        caPublicKey: fromHex(ca.publicKey),
      });
      assert.equal(toHex(curve.encodePoint(q)), pub);
    });

    it(`suite ${suite}: a batch issues what one-by-one issuance does, and OpenSSL agrees with its key pairs`, () => {
      const ca = opensslKeyPair(name);
      const count = 40;
      const batch = ecqvIssueBatch({
        curve,
        caPrivateKey: fromHex(ca.privateKey),
        count,
        encodeWith: (_i, p) => encodeWith(p),
        rng: new SeededRng(20 + suite),
      });
      const rng = new SeededRng(20 + suite);
      for (let i = 0; i < count; i++) {
        const one = ecqvIssue({ curve, caPrivateKey: fromHex(ca.privateKey), encodeWith, rng });
        const b = batch[i];
        assert.deepEqual(b.certificate, one.certificate);
        assert.equal(b.privateKey, one.privateKey);
        assert.equal(b.r, one.r);
        assert.equal(toHex(curve.encodePoint(b.publicKey!)), toHex(curve.encodePoint(one.publicKey!)));
        assert.equal(
          toHex(curve.encodePoint(b.publicKey!)),
          opensslPublicKey(name, curve.scalarToBytes(b.privateKey!)),
        );
      }
      // k·G batched equals k·G one by one on the secret path, also for small and edge scalars.
      const ks = [1n, 2n, 3n, curve.n - 1n, ...Array.from({ length: 20 }, () => curve.randomScalar(rng))];
      const together = curve.mulBaseBatch(ks, { secret: true }).map((p) => toHex(curve.encodePoint(p)));
      assert.deepEqual(
        together,
        ks.map((k) => opensslPublicKey(name, curve.scalarToBytes(k))),
      );
    });
  }
  it("rejects bad inputs", () => {
    const curve = curveForSuite(1);
    assert.throws(
      () => reconstructPrivateKey({ curve, requestSecret: 1n, r: 1n }),
      (e) => isZseError(e, "BAD_VALUE"),
    );
    assert.throws(
      () => reconstructPrivateKey({ curve, e: 1n, requestSecret: 0n, r: 1n }),
      (e) => isZseError(e, "BAD_SCALAR"),
    );
    assert.throws(
      () => reconstructPrivateKey({ curve, e: 1n, requestSecret: 1n, r: curve.n }),
      (e) => isZseError(e, "BAD_SCALAR"),
    );
    assert.throws(
      () => reconstructPrivateKey({ curve, e: 1n, requestSecret: new Uint8Array(20), r: 1n }),
      (e) => isZseError(e, "BAD_LENGTH"),
    );
    assert.throws(
      () => ecqvIssue({ curve, caPrivateKey: 5n, requestPoint: curve.infinity, encodeWith: (p) => p }),
      (e) => isZseError(e, "BAD_POINT") && /request point/.test(e.message),
    );
    const req = fromHex(ecqvVectors(1)[0].public_key ?? "");
    assert.throws(
      () =>
        ecqvIssue({
          curve,
          caPrivateKey: 5n,
          requestPoint: invalidPoint("sect163k1", req),
          encodeWith: (p) => p,
        }),
      (e) => isZseError(e, "BAD_POINT"),
    );
  });
});
