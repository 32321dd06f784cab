import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type CertificateFields,
  certificateSuite,
  decodeCertificate,
  encodeCertificate,
  keyUsageNames,
  parseKeyUsage,
  type Suite2Certificate,
} from "../../src/se/certificate.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import fc from "../support/fast-check.js";
import { annexC, ecqvVectors } from "../support/se-vectors.js";

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

describe("Suite 1 certificate, 48 bytes (SE 07-5356 C.4.2.2.4)", () => {
  it("decodes the Annex C.5 initiator certificate", () => {
    const v = annexC(1);
    const c = decodeCertificate(fromHex(v.initiator_u.certificate));
    assert.equal(c.suite, 1);
    if (c.suite !== 1) return;
    assert.equal(toHex(c.subject), v.initiator_u.ieee);
    assert.equal(toHex(c.issuer), v.ca_issuer);
    assert.equal(toHex(c.reconstructionPoint), v.initiator_u.certificate.slice(0, 44));
    assert.equal(toHex(c.profileData), v.initiator_u.certificate.slice(76));
  });
  it("every published suite 1 certificate re-encodes to itself", () => {
    for (const v of ecqvVectors(1)) {
      const b = fromHex(v.certificate);
      assert.equal(toHex(encodeCertificate(decodeCertificate(b))), v.certificate, v.id);
    }
  });
});

describe("Suite 2 certificate, 74 bytes (SE 1.4 C.6.2.2.4)", () => {
  it("decodes every field of the Annex C.6 initiator certificate", () => {
    const v = annexC(2);
    const c = decodeCertificate(fromHex(v.initiator_u.certificate)) as Suite2Certificate;
    assert.equal(c.suite, 2);
    assert.equal(c.type, 0x00);
    assert.equal(toHex(c.serial), "84a933b37f018dec");
    assert.equal(c.curve, 0x0d);
    assert.equal(c.hash, 0x08);
    assert.equal(toHex(c.issuer), v.ca_issuer);
    assert.equal(c.validFrom, 0x5292a38a);
    // PROTOCOL: Annex C's valid-from is 2013-11-25 (Wireshark reads it the same way).
    assert.match(new Date(c.validFrom * 1000).toISOString(), /^2013-11-25T/);
    assert.equal(c.validTime, 0xffffffff);
    assert.equal(c.validTo, null);
    assert.equal(toHex(c.subject), v.initiator_u.ieee);
    assert.equal(c.keyUsage, 0x88);
    assert.deepEqual(keyUsageNames(c.keyUsage), ["digitalSignature", "keyAgreement"]);
    assert.equal(toHex(c.reconstructionPoint), v.initiator_u.certificate.slice(-74));
  });
  it("derives validTo = validFrom + validTime", () => {
    const b = fromHex(annexC(2).responder_v.certificate);
    b.set([0x00, 0x01, 0x51, 0x80], 24); // 86400 s
    const c = decodeCertificate(b) as Suite2Certificate;
    assert.equal(c.validTime, 86400);
    assert.equal(c.validTo, c.validFrom + 86400);
  });
  it("every published suite 2 certificate re-encodes to itself", () => {
    for (const v of ecqvVectors(2)) {
      assert.equal(toHex(encodeCertificate(decodeCertificate(fromHex(v.certificate)))), v.certificate, v.id);
    }
  });
});

describe("certificate codec properties", () => {
  it("encode(decode(b)) = b for any 48 or 74 bytes", () => {
    fc.assert(
      fc.property(fc.oneof(bytes(48), bytes(74)), (b) => {
        assert.deepEqual(encodeCertificate(decodeCertificate(b)), b);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
  it("decode(encode(x)) = x for random suite 2 fields", () => {
    const fields = fc.record({
      suite: fc.constant(2 as const),
      type: fc.integer({ min: 0, max: 255 }),
      serial: bytes(8),
      curve: fc.integer({ min: 0, max: 255 }),
      hash: fc.integer({ min: 0, max: 255 }),
      issuer: bytes(8),
      validFrom: fc.integer({ min: 0, max: 2 ** 40 - 1 }),
      validTime: fc.integer({ min: 0, max: 0xffffffff }),
      subject: bytes(8),
      keyUsage: fc.integer({ min: 0, max: 255 }),
      reconstructionPoint: bytes(37),
    });
    fc.assert(
      fc.property(fields, (x) => {
        const d = decodeCertificate(encodeCertificate(x)) as Suite2Certificate;
        const { validTo, ...rest } = d;
        assert.deepEqual(rest, { ...x });
        assert.equal(validTo, x.validTime === 0xffffffff ? null : x.validFrom + x.validTime);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
  it("decode(encode(x)) = x for random suite 1 fields", () => {
    const fields = fc.record({
      suite: fc.constant(1 as const),
      reconstructionPoint: bytes(22),
      subject: bytes(8),
      issuer: bytes(8),
      profileData: bytes(10),
    });
    fc.assert(
      fc.property(fields, (x) => {
        assert.deepEqual(decodeCertificate(encodeCertificate(x)), { ...x });
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});

describe("certificate codec rejections", () => {
  it("wrong lengths", () => {
    for (const n of [0, 47, 49, 73, 75]) {
      assert.throws(
        () => decodeCertificate(new Uint8Array(n)),
        (e) => isZseError(e, "BAD_LENGTH"),
      );
      assert.throws(
        () => certificateSuite(new Uint8Array(n)),
        (e) => isZseError(e, "BAD_LENGTH"),
      );
    }
    assert.equal(certificateSuite(new Uint8Array(74)), 2);
  });
  it("fields that do not fit", () => {
    const base = decodeCertificate(fromHex(annexC(2).initiator_u.certificate)) as Suite2Certificate;
    const bad: [Partial<Suite2Certificate>, RegExp][] = [
      [{ validFrom: 2 ** 40 }, /validFrom/],
      [{ validTime: -1 }, /validTime/],
      [{ keyUsage: 256 }, /keyUsage/],
      [{ type: 1.5 }, /type/],
      [{ serial: new Uint8Array(7) }, /serial/],
      [{ reconstructionPoint: new Uint8Array(22) }, /reconstructionPoint/],
    ];
    for (const [patch, re] of bad) {
      assert.throws(
        () => encodeCertificate({ ...base, ...patch } as CertificateFields),
        (e) => isZseError(e) && re.test(e.message),
      );
    }
  });
  it("key usage names", () => {
    assert.equal(parseKeyUsage("agreement,signature"), 0x88);
    assert.equal(parseKeyUsage("keyAgreement"), 0x08);
    assert.deepEqual(keyUsageNames(0x09), ["keyAgreement", "0x01"]);
    assert.throws(() => parseKeyUsage("encipher"), /encipher/);
  });
});
