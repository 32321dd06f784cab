import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRevocationList } from "../../src/se/revocation.js";
import { toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { annexC } from "../support/se-vectors.js";

const hexes = (l?: readonly Uint8Array[]) => (l ?? []).map(toHex);
const cert = annexC(2).initiator_u.certificate;

describe("revocation list files", () => {
  it("JSON object of lists", () => {
    const r = parseRevocationList(
      JSON.stringify({ serials: ["0102030405060708"], subjects: ["0a:0b:0c:0d:0e:0f:10:12"] }),
    );
    assert.deepEqual(hexes(r.serials), ["0102030405060708"]);
    assert.deepEqual(hexes(r.subjects), ["0a0b0c0d0e0f1012"]);
  });
  it("JSON records revoke their most specific field", () => {
    const r = parseRevocationList(
      JSON.stringify({
        revoked: [
          { serial: "0000000000000001", subject: "0a0b0c0d0e0f1012" },
          { subject: "1111111111111111" },
          { certificate: cert, serial: "00" },
          "0000000000000009",
        ],
      }),
    );
    assert.deepEqual(hexes(r.serials), ["0000000000000001", "0000000000000009"]);
    assert.deepEqual(hexes(r.subjects), ["1111111111111111"]);
    assert.deepEqual(hexes(r.certificates), [cert]);
  });
  it("text lines with comments", () => {
    const r = parseRevocationList(
      `# revoked\nserial 0000000000000002\nsubject 0a0b0c0d0e0f1011  # meter\n\n${cert}\n`,
    );
    assert.deepEqual(hexes(r.serials), ["0000000000000002"]);
    assert.deepEqual(hexes(r.subjects), ["0a0b0c0d0e0f1011"]);
    assert.deepEqual(hexes(r.certificates), [cert]);
  });
  it("rejects malformed entries, naming them", () => {
    assert.throws(
      () => parseRevocationList("serial 0102"),
      (e) => isZseError(e, "BAD_FORMAT") && /line 1/.test(e.message),
    );
    assert.throws(
      () => parseRevocationList("{ nope"),
      (e) => isZseError(e, "BAD_FORMAT"),
    );
    assert.throws(
      () => parseRevocationList('[{"name": 1}]'),
      (e) => isZseError(e, "BAD_FORMAT") && /entry 0/.test(e.message),
    );
    assert.throws(
      () => parseRevocationList("zz"),
      (e) => isZseError(e, "BAD_HEX"),
    );
  });
});
