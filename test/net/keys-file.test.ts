/** Wireshark zigbee_pc_keys UAT file (packet-zbee-security.c "Pre-configured Keys"). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatKeysFile, parseKeysFile } from "../../src/net/keys-file.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";

const k1 = fromHex("000102030405060708090a0b0c0d0e0f");
const k2 = fromHex("66b6900981e1ee3ca4206b6b861c02bb");

describe("zigbee_pc_keys file", () => {
  it("writes one quoted record per line: key, byte order, label", () => {
    const text = formatKeysFile([
      { key: k1, label: "network key" },
      { key: k2, label: "install-code link key TC 0011223344556677 <-> 8899aabbccddeeff" },
    ]);
    assert.equal(
      text,
      '"000102030405060708090a0b0c0d0e0f","Normal","network key"\n' +
        '"66b6900981e1ee3ca4206b6b861c02bb","Normal","install-code link key TC 0011223344556677 <-> 8899aabbccddeeff"\n',
    );
  });

  it("writes a key once, escapes quotes and backslashes, and reads back", () => {
    const text = formatKeysFile([
      { key: k1, label: 'say "hi" \\ there' },
      { key: k1, label: "duplicate" },
    ]);
    assert.equal(text, '"000102030405060708090a0b0c0d0e0f","Normal","say \\x22hi\\x22 \\x5c there"\n');
    const back = parseKeysFile(text);
    assert.equal(back.length, 1);
    assert.equal(back[0].label, 'say "hi" \\ there');
    assert.equal(toHex(back[0].key), toHex(k1));
  });

  it("reads Reverse keys into normal order and skips comments", () => {
    const back = parseKeysFile('# keys\n\n"0f0e0d0c0b0a09080706050403020100","Reverse","r"\n');
    assert.equal(toHex(back[0].key), toHex(k1));
  });

  it("refuses a short key and a malformed line", () => {
    assert.throws(
      () => formatKeysFile([{ key: k1.subarray(1), label: "x" }]),
      (e) => isZseError(e, "BAD_LENGTH"),
    );
    assert.throws(
      () => parseKeysFile('"0001","Normal","x"'),
      (e) => isZseError(e, "BAD_LENGTH") && /line 1/.test(e.message),
    );
    assert.throws(
      () => parseKeysFile("0001,Normal,x"),
      (e) => isZseError(e, "BAD_FORMAT"),
    );
  });
});
