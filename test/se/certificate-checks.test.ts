import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type CertificateCheckOptions,
  type CertificateProblemCode,
  checkCertificate,
  checkPartnerCertificate,
  KE_STATUS_BAD_MESSAGE,
  KE_STATUS_INVALID_CERTIFICATE,
  KE_STATUS_UNKNOWN_ISSUER,
  terminateStatusFor,
} from "../../src/se/certificate-checks.js";
import { parseRevocationList } from "../../src/se/revocation.js";
import { fromHex } from "../../src/util/bytes.js";
import { invalidPoint } from "../support/node-ec.js";
import { annexC } from "../support/se-vectors.js";

const v1 = annexC(1);
const v2 = annexC(2);
const AT = new Date("2020-01-01T00:00:00Z");
const ok2: CertificateCheckOptions = {
  issuers: [fromHex(v2.ca_issuer)],
  expectedSubject: fromHex(v2.initiator_u.ieee),
  at: AT,
};
const codes = (cert: Uint8Array, opts: CertificateCheckOptions) =>
  checkCertificate(cert, opts).map((p) => p.code);
const cert2 = (patch: (b: Uint8Array) => void) => {
  const b = fromHex(v2.initiator_u.certificate);
  patch(b);
  return b;
};

describe("partner certificate checks (SE 07-5356 C.3.1.2, SE 1.4 C.6.2.2.4)", () => {
  it("the Annex C certificates pass", () => {
    assert.deepEqual(codes(fromHex(v2.initiator_u.certificate), ok2), []);
    assert.deepEqual(
      codes(fromHex(v1.responder_v.certificate), {
        issuers: [fromHex(v1.ca_issuer)],
        expectedSubject: fromHex(v1.responder_v.ieee),
        at: AT,
      }),
      [],
    );
  });
  const single: [string, Uint8Array, CertificateCheckOptions, CertificateProblemCode, RegExp][] = [
    [
      "unknown issuer",
      cert2(() => {}),
      { ...ok2, issuers: [fromHex("5445535453454341")] },
      "UNKNOWN_ISSUER",
      /1112131415161718/,
    ],
    [
      "subject is not the sender",
      cert2(() => {}),
      { ...ok2, expectedSubject: fromHex(v2.responder_v.ieee) },
      "SUBJECT_MISMATCH",
      /0a0b0c0d0e0f1012/,
    ],
    ["type 0x01", cert2((b) => (b[0] = 1)), ok2, "BAD_TYPE", /type: 0x01/],
    ["curve 0x0c", cert2((b) => (b[9] = 0x0c)), ok2, "BAD_CURVE", /curve: 0x0c/],
    ["hash 0x07", cert2((b) => (b[10] = 0x07)), ok2, "BAD_HASH", /hash: 0x07/],
    ["signature-only key usage", cert2((b) => (b[36] = 0x80)), ok2, "NO_KEY_AGREEMENT", /keyUsage: 0x80/],
    [
      "checked before valid-from",
      cert2(() => {}),
      { ...ok2, at: new Date("2013-11-24T00:00:00Z") },
      "NOT_YET_VALID",
      /2013-11-25T/,
    ],
    [
      "expired (valid one hour)",
      cert2((b) => b.set([0, 0, 0x0e, 0x10], 24)),
      ok2,
      "EXPIRED",
      /validTo: 2013-11-25T/,
    ],
    [
      "revoked serial",
      cert2(() => {}),
      { ...ok2, revoked: parseRevocationList("serial 84a933b37f018dec") },
      "REVOKED",
      /84a933b37f018dec/,
    ],
    [
      "revoked subject",
      cert2(() => {}),
      { ...ok2, revoked: { subjects: [fromHex(v2.initiator_u.ieee)] } },
      "REVOKED",
      /subject/,
    ],
    [
      "reconstruction point off the curve",
      cert2((b) => b.set(invalidPoint("sect283k1", b.subarray(37)), 37)),
      ok2,
      "BAD_POINT",
      /reconstructionPoint/,
    ],
  ];
  for (const [name, cert, opts, code, re] of single) {
    it(`${name}: ${code}`, () => {
      const problems = checkCertificate(cert, opts);
      assert.deepEqual(
        problems.map((p) => p.code),
        [code],
      );
      assert.match(problems[0].message, re);
    });
  }
  it("reports every problem at once", () => {
    const bad = cert2((b) => {
      b[0] = 2;
      b[9] = 0;
      b[10] = 0;
      b[36] = 0;
    });
    const got = codes(bad, { ...ok2, issuers: [], expectedSubject: new Uint8Array(8) });
    assert.deepEqual(got, [
      "UNKNOWN_ISSUER",
      "SUBJECT_MISMATCH",
      "BAD_TYPE",
      "BAD_CURVE",
      "BAD_HASH",
      "NO_KEY_AGREEMENT",
    ]);
  });
  it("a wrong length is one BAD_LENGTH problem; suite 1 has no type/curve/validity rules", () => {
    assert.deepEqual(codes(new Uint8Array(50), ok2), ["BAD_LENGTH"]);
    assert.deepEqual(codes(fromHex(v1.initiator_u.certificate), { at: new Date(0) }), []);
  });
  it("no options: only the point is checked", () => {
    assert.deepEqual(
      codes(
        cert2((b) => (b[36] = 0x08)),
        {},
      ),
      [],
    );
  });
});

describe("Terminate KE status for certificate problems (SE C.3.1.2.3)", () => {
  const p = (...c: CertificateProblemCode[]) => c.map((code) => ({ code, message: code }));
  it("maps problems to UNKNOWN_ISSUER, BAD_MESSAGE or INVALID_CERTIFICATE", () => {
    assert.equal(terminateStatusFor([]), undefined);
    assert.equal(KE_STATUS_UNKNOWN_ISSUER, 0x01);
    assert.equal(KE_STATUS_BAD_MESSAGE, 0x03);
    assert.equal(KE_STATUS_INVALID_CERTIFICATE, 0x06);
    assert.equal(terminateStatusFor(p("UNKNOWN_ISSUER", "EXPIRED")), 0x01);
    assert.equal(terminateStatusFor(p("BAD_LENGTH")), 0x03);
    assert.equal(terminateStatusFor(p("SUBJECT_MISMATCH", "BAD_CURVE")), 0x03);
    for (const c of [
      "BAD_TYPE",
      "BAD_CURVE",
      "BAD_HASH",
      "NO_KEY_AGREEMENT",
      "NOT_YET_VALID",
      "EXPIRED",
      "REVOKED",
      "BAD_POINT",
    ] as const) {
      assert.equal(terminateStatusFor(p(c)), 0x06, c);
    }
  });
});

describe("the KE engine's partner-certificate verdict (SE C.3.1.2.2, SiLabs checkIssuer)", () => {
  const local = { certificate: fromHex(v2.responder_v.certificate) };
  const cert = fromHex(v2.initiator_u.certificate);
  const sender = fromHex(v2.initiator_u.ieee);
  it("passes U's certificate for V (same issuer, subject = sender)", () => {
    assert.equal(checkPartnerCertificate({ suite: 2, certificate: cert, sender, local, at: AT }), undefined);
  });
  it("unknown issuer, subject not the sender, wrong length for the suite, revoked", () => {
    const otherCa = fromHex(v2.responder_v.certificate);
    otherCa.set(fromHex("5445535453454341"), 11);
    const unknown = checkPartnerCertificate({
      suite: 2,
      certificate: cert,
      sender,
      local: { certificate: otherCa },
    });
    assert.equal(unknown?.status, "UNKNOWN_ISSUER");
    assert.equal(unknown?.statusCode, 0x01);
    const mismatch = checkPartnerCertificate({
      suite: 2,
      certificate: cert,
      sender: fromHex(v2.responder_v.ieee),
      local,
    });
    assert.equal(mismatch?.status, "BAD_MESSAGE");
    assert.match(mismatch?.reason ?? "", /not the sender/);
    assert.equal(
      checkPartnerCertificate({ suite: 1, certificate: cert, sender, local })?.status,
      "BAD_MESSAGE",
    );
    const revoked = checkPartnerCertificate({
      suite: 2,
      certificate: cert,
      sender,
      local,
      revoked: { subjects: [sender] },
    });
    assert.equal(revoked?.status, "INVALID_CERTIFICATE");
    assert.equal(revoked?.statusCode, 0x06);
  });
});
