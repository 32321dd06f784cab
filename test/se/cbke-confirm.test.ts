import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keyConfirmation, macUMessage, macVMessage } from "../../src/se/cbke-confirm.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { annexC } from "../support/se-vectors.js";

function inputs(suite: 1 | 2) {
  const v = annexC(suite);
  return {
    v,
    ids: {
      idU: fromHex(v.initiator_u.ieee),
      idV: fromHex(v.responder_v.ieee),
      qEU: fromHex(v.initiator_u.ephemeral_public_key),
      qEV: fromHex(v.responder_v.ephemeral_public_key),
    },
  };
}

describe("CBKE KDF and key confirmation (SE 07-5356 C.4.2.2.6-7, Annex C)", () => {
  for (const suite of [1, 2] as const) {
    it(`suite ${suite}: MacKey, KeyData, MACU, MACV from Annex C's Z`, () => {
      const { v, ids } = inputs(suite);
      const r = keyConfirmation(fromHex(v.shared_secret_z), ids);
      assert.equal(toHex(r.macKey), v.mac_key);
      assert.equal(toHex(r.keyData), v.key_data);
      assert.equal(toHex(r.macU), v.mac_u);
      assert.equal(toHex(r.macV), v.mac_v);
    });
  }
  it("suite 1: MACV message as ZBOSS builds it (C.5.3.4.3)", () => {
    const { v, ids } = inputs(1);
    assert.equal(toHex(macVMessage(ids)), v.mac_v_message);
    const u = macUMessage(ids);
    assert.equal(u[0], 0x02);
    assert.equal(u.length, 1 + 8 + 8 + 22 + 22);
  });
  it("a different Z changes every output", () => {
    const { v, ids } = inputs(1);
    const z = fromHex(v.shared_secret_z);
    z[20] ^= 1;
    const r = keyConfirmation(z, ids);
    assert.notEqual(toHex(r.macKey), v.mac_key);
    assert.notEqual(toHex(r.macU), v.mac_u);
  });
  it("rejects wrong lengths", () => {
    const { v, ids } = inputs(2);
    const z = fromHex(v.shared_secret_z);
    assert.throws(
      () => keyConfirmation(z.subarray(1), ids),
      (e) => isZseError(e, "BAD_LENGTH"),
    );
    assert.throws(
      () => keyConfirmation(z, { ...ids, idU: ids.idU.subarray(1) }),
      (e) => isZseError(e, "BAD_LENGTH") && /ID_U/.test((e as Error).message),
    );
    assert.throws(
      () => keyConfirmation(z, { ...ids, qEV: ids.qEV.subarray(1) }),
      (e) => isZseError(e, "BAD_LENGTH") && /Q_EV/.test((e as Error).message),
    );
  });
});
