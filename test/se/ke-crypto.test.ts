import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KeCrypto } from "../../src/engine/ke-types.js";
import { checkPartnerCertificate } from "../../src/se/certificate-checks.js";
import { cbkeKeCrypto, createCbkeKeCrypto } from "../../src/se/ke-crypto.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import { annexC } from "../support/se-vectors.js";

// The engines take it as is (a compile-time check of the structural match).
const asEngineCrypto: KeCrypto = cbkeKeCrypto;

function credentials(suite: 1 | 2, side: "initiator_u" | "responder_v") {
  const v = annexC(suite);
  return {
    certificate: fromHex(v[side].certificate),
    privateKey: fromHex(v[side].static_private_key),
    caPublicKey: fromHex(v.ca_public_key),
  };
}

describe("KE engine crypto on the real CBKE computation (SE C.3.1, C.4.2)", () => {
  for (const suite of [1, 2] as const) {
    it(`suite ${suite}: the responder accepts U's certificate and derives Annex C's MACs`, () => {
      const v = annexC(suite);
      const local = credentials(suite, "responder_v");
      assert.equal(
        asEngineCrypto.checkCertificate({
          suite,
          certificate: fromHex(v.initiator_u.certificate),
          sender: fromHex(v.initiator_u.ieee),
          local,
          at: new Date("2020-01-01T00:00:00Z"),
        }),
        undefined,
      );
      const r = asEngineCrypto.derive({
        suite,
        role: "responder",
        local: {
          eui64: fromHex(v.responder_v.ieee),
          credentials: local,
          ephemeralPrivateKey: fromHex(v.responder_v.ephemeral_private_key),
          ephemeralPublicKey: fromHex(v.responder_v.ephemeral_public_key),
        },
        remote: {
          eui64: fromHex(v.initiator_u.ieee),
          certificate: fromHex(v.initiator_u.certificate),
          ephemeralPublicKey: fromHex(v.initiator_u.ephemeral_public_key),
        },
      });
      assert.equal(toHex(r.keyData), v.key_data);
      assert.equal(toHex(r.macU), v.mac_u);
      assert.equal(toHex(r.macV), v.mac_v);
    });
  }
  it("verdicts: unknown issuer, subject not the sender, wrong suite length, revoked", () => {
    const v = annexC(2);
    const local = credentials(2, "responder_v");
    const cert = fromHex(v.initiator_u.certificate);
    const sender = fromHex(v.initiator_u.ieee);
    const otherCa = fromHex(v.initiator_u.certificate);
    otherCa.set(fromHex("5445535453454341"), 11);
    const unknown = cbkeKeCrypto.checkCertificate({
      suite: 2,
      certificate: cert,
      sender,
      local: { ...local, certificate: otherCa },
    });
    assert.equal(unknown?.status, "UNKNOWN_ISSUER");
    assert.equal(unknown?.statusCode, 0x01);
    const mismatch = cbkeKeCrypto.checkCertificate({
      suite: 2,
      certificate: cert,
      sender: fromHex(v.responder_v.ieee),
      local,
    });
    assert.equal(mismatch?.status, "BAD_MESSAGE");
    assert.match(mismatch?.reason ?? "", /not the sender/);
    const wrongSuite = checkPartnerCertificate({ suite: 1, certificate: cert, sender, local });
    assert.equal(wrongSuite?.status, "BAD_MESSAGE");
    const revoking = createCbkeKeCrypto({ revoked: { subjects: [sender] } });
    const revoked = revoking.checkCertificate({ suite: 2, certificate: cert, sender, local });
    assert.equal(revoked?.status, "INVALID_CERTIFICATE");
    assert.equal(revoked?.statusCode, 0x06);
  });
  it("generates ephemeral keys from the injected Rng; derive throws ZseError on a bad point", () => {
    const a = cbkeKeCrypto.generateEphemeral(1, new SeededRng(5));
    assert.deepEqual(a, cbkeKeCrypto.generateEphemeral(1, new SeededRng(5)));
    const v = annexC(1);
    assert.throws(
      () =>
        cbkeKeCrypto.derive({
          suite: 1,
          role: "initiator",
          local: {
            eui64: fromHex(v.initiator_u.ieee),
            credentials: credentials(1, "initiator_u"),
            ...{ ephemeralPrivateKey: a.privateKey, ephemeralPublicKey: a.publicKey },
          },
          remote: {
            eui64: fromHex(v.responder_v.ieee),
            certificate: fromHex(v.responder_v.certificate),
            ephemeralPublicKey: new Uint8Array(22),
          },
        }),
      (e) => isZseError(e, "BAD_POINT"),
    );
  });
});
