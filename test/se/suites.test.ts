import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  attributeFromSuites,
  parseSuite,
  SUITE1,
  SUITE2,
  suiteForCertificateLength,
  suiteFromBit,
  suiteInfo,
  suitesFromAttribute,
} from "../../src/se/suites.js";
import { isZseError } from "../../src/util/errors.js";
import { annexC } from "../support/se-vectors.js";

describe("CBKE suites (SE 07-5356 C.3.1.1 KeyEstablishmentSuite)", () => {
  it("suite lengths agree with the Annex C exchanges", () => {
    for (const s of [SUITE1, SUITE2]) {
      const v = annexC(s.suite);
      assert.equal(v.curve, s.curveName);
      assert.equal(v.initiator_u.certificate.length / 2, s.certificateBytes);
      assert.equal(v.initiator_u.ephemeral_public_key.length / 2, s.pointBytes);
      assert.equal(v.initiator_u.static_private_key.length / 2, s.scalarBytes);
      assert.equal(v.shared_secret_z.length / 2, s.sharedSecretBytes);
    }
    assert.equal(SUITE1.name, "CBKE-ECMQV");
    assert.equal(SUITE2.name, "CBKE2-ECMQV");
  });
  it("attribute bits: 0x0001 suite 1, 0x0002 suite 2, 0 read as suite 1", () => {
    assert.deepEqual(suitesFromAttribute(0), [1]);
    assert.deepEqual(suitesFromAttribute(1), [1]);
    assert.deepEqual(suitesFromAttribute(2), [2]);
    assert.deepEqual(suitesFromAttribute(3), [1, 2]);
    assert.deepEqual(suitesFromAttribute(0x8000), []);
    assert.equal(attributeFromSuites([1, 2]), 3);
    assert.equal(suiteFromBit(2), 2);
    assert.equal(suiteFromBit(3), undefined);
    assert.throws(
      () => suitesFromAttribute(0x10000),
      (e) => isZseError(e, "BAD_VALUE"),
    );
  });
  it("suite from certificate length, parse and reject", () => {
    assert.equal(suiteForCertificateLength(48), 1);
    assert.equal(suiteForCertificateLength(74), 2);
    assert.equal(suiteForCertificateLength(47), undefined);
    assert.equal(parseSuite("2"), 2);
    assert.equal(parseSuite(1), 1);
    assert.throws(() => parseSuite("3"), /suite: "3" is not a CBKE suite/);
    assert.throws(
      () => suiteInfo(0),
      (e) => isZseError(e, "BAD_VALUE"),
    );
  });
});
