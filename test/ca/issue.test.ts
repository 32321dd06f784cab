import { strict as assert } from "node:assert";
import { createECDH } from "node:crypto";
import { describe, it } from "node:test";
import {
  type CertificateTemplate,
  certificateFields,
  devicePrivateKey,
  issueCertificate,
} from "../../src/ca/issue.js";
import { curveForSuite } from "../../src/crypto/curves.js";
import { decodeCertificate, encodeCertificate } from "../../src/se/certificate.js";
import { certificatePublicKey } from "../../src/se/certificate-key.js";
import { bytesToBigInt, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import fc from "../support/fast-check.js";

const rng = new SeededRng("ca-issue-test");

function caKey(suite: 1 | 2) {
  const curve = curveForSuite(suite);
  const d = curve.randomScalar(rng);
  return { curve, d, pub: curve.encodePoint(curve.mulBase(d)) };
}

function template(suite: 1 | 2): CertificateTemplate {
  return {
    suite,
    serial: 0x0102030405060708n,
    subject: Uint8Array.from([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]),
    issuer: new TextEncoder().encode("TESTSECA"),
    validFrom: 1385337738,
    validTime: 86400 * 365,
    keyUsage: 0x88,
    profileData: Uint8Array.from([1, 9, 0x10, 0x83, 1, 0x23, 0x45, 0x67, 0x89, 0x0a]),
  };
}

/** OpenSSL's d*G, compressed: an implementation independent of ours. */
function opensslPublicKey(suite: 1 | 2, d: Uint8Array): string {
  const ecdh = createECDH(suite === 1 ? "sect163k1" : "sect283k1");
  ecdh.setPrivateKey(d);
  return ecdh.getPublicKey("hex", "compressed");
}

for (const suite of [1, 2] as const) {
  describe(`ECQV issuance, suite ${suite} (SEC 4 §3.4-3.6)`, () => {
    const ca = caKey(suite);

    it("generated key pair: the certificate reconstructs to the issued public key, which OpenSSL derives from d", () => {
      for (let i = 0; i < 3; i++) {
        const out = issueCertificate({
          template: template(suite),
          caPrivateKey: ca.d,
          caPublicKey: ca.pub,
          rng,
        });
        assert.ok(out.privateKey);
        assert.equal(
          toHex(certificatePublicKey({ certificate: out.certificate, caPublicKey: ca.pub })),
          toHex(out.publicKey),
        );
        assert.equal(opensslPublicKey(suite, out.privateKey), toHex(out.publicKey));
        const dec = decodeCertificate(out.certificate);
        assert.equal(toHex(dec.subject), "0011223344556677");
        assert.equal(toHex(dec.issuer), toHex(new TextEncoder().encode("TESTSECA")));
        if (dec.suite === 2) {
          assert.equal(toHex(dec.serial), "0102030405060708");
          assert.equal(dec.type, 0x00);
          assert.equal(dec.curve, 0x0d);
          assert.equal(dec.hash, 0x08);
          assert.equal(dec.keyUsage, 0x88);
          assert.equal(dec.validTo, 1385337738 + 86400 * 365);
        }
      }
    });

    it("request mode: cert private turns (k_U, r) into d with d*G = the certificate's key (OpenSSL)", () => {
      const kU = ca.curve.randomScalar(rng);
      const request = ca.curve.encodePoint(ca.curve.mulBase(kU));
      const out = issueCertificate({
        template: template(suite),
        caPrivateKey: ca.d,
        caPublicKey: ca.pub,
        requestPoint: request,
        rng,
      });
      assert.equal(out.privateKey, undefined);
      assert.ok(out.reconstruction);
      const dev = devicePrivateKey({
        certificate: out.certificate,
        requestSecret: ca.curve.scalarToBytes(kU),
        reconstruction: out.reconstruction,
        caPublicKey: ca.pub,
      });
      assert.equal(toHex(dev.publicKey), toHex(out.publicKey));
      assert.equal(opensslPublicKey(suite, dev.privateKey), toHex(out.publicKey));
      // a wrong secret is caught
      assert.throws(
        () =>
          devicePrivateKey({
            certificate: out.certificate,
            requestSecret: ca.curve.scalarToBytes(kU + 1n),
            reconstruction: out.reconstruction!,
            caPublicKey: ca.pub,
          }),
        (e: unknown) => isZseError(e, "BAD_CERTIFICATE"),
      );
    });

    it("a request point that is not on the curve is refused", () => {
      const bad = new Uint8Array(ca.curve.pointBytes);
      bad[0] = 0x02;
      bad.fill(0xff, 1);
      bad[1] = suite === 1 ? 0x07 : 0x07;
      let found: Uint8Array | undefined;
      // find an x with no point (about half of all x)
      for (let i = 0; i < 64 && !found; i++) {
        bad[bad.length - 1] = i;
        try {
          ca.curve.decodePoint(bad);
        } catch {
          found = Uint8Array.from(bad);
        }
      }
      assert.ok(found);
      assert.throws(
        () =>
          issueCertificate({
            template: template(suite),
            caPrivateKey: ca.d,
            caPublicKey: ca.pub,
            requestPoint: found,
            rng,
          }),
        (e: unknown) => isZseError(e, "BAD_POINT") && /--request/.test(e.message),
      );
      assert.throws(
        () =>
          issueCertificate({
            template: template(suite),
            caPrivateKey: ca.d,
            caPublicKey: ca.pub,
            requestPoint: new Uint8Array(5),
            rng,
          }),
        (e: unknown) => isZseError(e),
      );
    });

    it("decode(encode(fields)) = fields for random field values", () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 8, maxLength: 8 }),
          fc.uint8Array({ minLength: 8, maxLength: 8 }),
          fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          fc.integer({ min: 0, max: 2 ** 40 - 1 }),
          fc.integer({ min: 1, max: 0xffffffff }),
          fc.constantFrom(0x08, 0x80, 0x88),
          fc.uint8Array({ minLength: 10, maxLength: 10 }),
          fc.uint8Array({ minLength: ca.curve.pointBytes, maxLength: ca.curve.pointBytes }),
          (subject, issuer, serial, validFrom, validTime, keyUsage, profileData, point) => {
            const t: CertificateTemplate = {
              suite,
              serial,
              subject,
              issuer,
              validFrom,
              validTime,
              keyUsage,
              profileData,
            };
            const bytes = encodeCertificate(certificateFields(t, point));
            const d = decodeCertificate(bytes);
            assert.equal(toHex(d.subject), toHex(subject));
            assert.equal(toHex(d.issuer), toHex(issuer));
            assert.equal(toHex(d.reconstructionPoint), toHex(point));
            if (d.suite === 1) assert.equal(toHex(d.profileData), toHex(profileData));
            else {
              assert.equal(bytesToBigInt(d.serial), serial);
              assert.equal(d.validFrom, validFrom);
              assert.equal(d.validTime, validTime);
              assert.equal(d.keyUsage, keyUsage);
            }
          },
        ),
        { numRuns: 200, seed: 4242 },
      );
    });
  });
}
