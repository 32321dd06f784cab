import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { aesMmo } from "../../src/crypto/aes-mmo.js";
import { hmacAesMmo, hmacAesMmoKeyed, keyLoadKey, keyTransportKey } from "../../src/crypto/hmac.js";
import { cbkeKdf } from "../../src/crypto/kdf.js";
import { concat, fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { loadVectors } from "../support/vectors.js";

interface HmacVector {
  id: string;
  key: string;
  message: string;
  mac: string;
  intermediate?: { inner_input: string; inner_hash: string; outer_input: string };
}
const { vectors } = loadVectors<{ vectors: HmacVector[] }>("hmac_aes_mmo.json");

describe("HMAC over AES-MMO (Zigbee 05-3474 B.1.4, vectors C.6)", () => {
  for (const v of vectors) {
    it(`${v.id}: the published MAC`, () => {
      assert.equal(toHex(hmacAesMmo(fromHex(v.key), fromHex(v.message))), v.mac);
    });
  }
  it("C.6.1 intermediate inner and outer hashes", () => {
    const v = vectors.find((x) => x.intermediate)!;
    const i = v.intermediate!;
    assert.equal(toHex(aesMmo(fromHex(i.inner_input))), i.inner_hash);
    assert.equal(toHex(aesMmo(fromHex(i.outer_input))), v.mac);
  });
  it("key-transport and key-load keys are HMAC(K, 0x00) and HMAC(K, 0x02) (05-3474 4.5.3)", () => {
    const k = fromHex("404142434445464748494a4b4c4d4e4f");
    assert.deepEqual(keyTransportKey(k), hmacAesMmo(k, Uint8Array.of(0)));
    assert.deepEqual(keyLoadKey(k), hmacAesMmo(k, Uint8Array.of(2)));
    assert.notDeepEqual(keyTransportKey(k), keyLoadKey(k));
  });
  it("keyed states reused: every published MAC twice through one keyed function, in any order", () => {
    for (const v of vectors) {
      const mac = hmacAesMmoKeyed(fromHex(v.key));
      const other = concat(fromHex(v.message), Uint8Array.of(1));
      const first = toHex(mac(fromHex(v.message)));
      const between = toHex(mac(other));
      assert.equal(first, v.mac);
      assert.equal(toHex(mac(fromHex(v.message))), v.mac);
      assert.equal(between, toHex(hmacAesMmo(fromHex(v.key), other)));
      assert.notEqual(between, v.mac);
    }
    assert.throws(
      () => hmacAesMmoKeyed(new Uint8Array(17)),
      (e: unknown) => isZseError(e, "BAD_LENGTH"),
    );
  });
  it("refuses a key that is not 16 bytes", () => {
    assert.throws(
      () => hmacAesMmo(new Uint8Array(15), Uint8Array.of(0)),
      (e: unknown) => isZseError(e, "BAD_LENGTH"),
    );
  });
});

describe("CBKE KDF (SE 07-5356 C.4.2.2.6) on the Annex C shared secrets", () => {
  for (const file of ["cbke_suite1_annex_c.json", "cbke_suite2_annex_c.json"]) {
    const v = loadVectors<{ shared_secret_z: string; mac_key: string; key_data: string }>(file);
    it(`${file}: MacKey and KeyData from Z`, () => {
      const { macKey, keyData } = cbkeKdf(fromHex(v.shared_secret_z));
      assert.equal(toHex(macKey), v.mac_key);
      assert.equal(toHex(keyData), v.key_data);
      assert.deepEqual(macKey, aesMmo(concat(fromHex(v.shared_secret_z), Uint8Array.of(0, 0, 0, 1))));
    });
  }
});
