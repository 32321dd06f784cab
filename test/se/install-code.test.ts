import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkInstallCode,
  crc16X25,
  crcBytes,
  makeInstallCode,
  parseInstallCode,
} from "../../src/se/install-code.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError, type ZseErrorCode } from "../../src/util/errors.js";
import fc from "../support/fast-check.js";
import { loadVectors } from "../support/vectors.js";
import { runZigpy, zigpyAvailable } from "../support/zigpy.js";

interface IcVectors {
  vectors: { code: string; crc_bytes: string; crc16_x25?: string; link_key: string }[];
  crc_only_vectors: { valid: { install_code_with_crc: string }[] };
  crc_variants_from_herdsman: Record<string, Record<string, string> | string>;
}
const V = loadVectors<IcVectors>("install_codes.json");

const code = (e: ZseErrorCode) => (err: unknown) => isZseError(err, e);

describe("CRC-16/X.25 (Zigbee 05-3474 Annex F)", () => {
  it('check value of "123456789" is 0x906e', () => {
    assert.equal(crc16X25(new TextEncoder().encode("123456789")), 0x906e);
  });
  it("matches herdsman's X.25 values and none of the other CRC-16 flavours", () => {
    // The variant table is keyed loosely; each entry's x25 value names its code in the vector list.
    let checked = 0;
    for (const v of Object.values(V.crc_variants_from_herdsman)) {
      if (typeof v === "string") continue;
      const vec = V.vectors.find((x) => x.crc16_x25 === v.x25)!;
      const crc = crc16X25(fromHex(vec.code)).toString(16).padStart(4, "0");
      assert.equal(crc, v.x25);
      for (const other of ["xmodem", "ccitt_kermit", "ccitt_false"]) assert.notEqual(crc, v[other]);
      checked++;
    }
    assert.equal(checked, 2);
  });
});

describe("Install codes (Zigbee 05-3474 #4.6.3.4, Annex F)", () => {
  for (const v of V.vectors) {
    it(`${v.code.length / 2}-byte code ${v.code}: CRC ${v.crc_bytes} and link key ${v.link_key}`, () => {
      const ic = parseInstallCode(v.code + v.crc_bytes);
      assert.equal(toHex(crcBytes(fromHex(v.code))), v.crc_bytes);
      if (v.crc16_x25) assert.equal(ic.crc.toString(16).padStart(4, "0"), v.crc16_x25);
      assert.equal(toHex(ic.linkKey), v.link_key);
      assert.equal(toHex(ic.installCode), v.code + v.crc_bytes);
      assert.equal(ic.crcRepaired, false);
      assert.equal(toHex(checkInstallCode(fromHex(v.code + v.crc_bytes)).linkKey), v.link_key);
    });
  }
  it("accepts every CRC-valid code published by other stacks", () => {
    for (const { install_code_with_crc: hex } of V.crc_only_vectors.valid) {
      assert.equal(toHex(parseInstallCode(hex).installCode), hex);
    }
  });
  it("accepts spaces, colons, dashes, upper case and 0x", () => {
    const want = "66b6900981e1ee3ca4206b6b861c02bb";
    for (const s of [
      "83FED3407A939723A5C639B26916D505C3B5",
      "83 FE D3 40 7A 93 97 23 A5 C6 39 B2 69 16 D5 05 C3 B5",
      "83:fe:d3:40:7a:93:97:23:a5:c6:39:b2:69:16:d5:05:c3:b5",
      "83FE-D340-7A93-9723-A5C6-39B2-6916-D505-C3B5",
      "0x83fed3407a939723a5c639b26916d505c3b5",
    ]) {
      assert.equal(toHex(parseInstallCode(s).linkKey), want, s);
    }
  });
  it("reads the label/QR forms and returns their EUI-64", () => {
    const ic = "83FED3407A939723A5C639B26916D505C3B5";
    const forms = [
      `Z:0011223344556677$I:${ic}`,
      `Z:0011223344556677$I:${ic}%G$M:1234`,
      `0011223344556677|${ic}`,
      `HUE:Z:${ic} M:0011223344556677 D:Y08 A:100B`,
    ];
    for (const f of forms) {
      const r = parseInstallCode(f);
      assert.equal(toHex(r.eui64!), "0011223344556677", f);
      assert.equal(toHex(r.linkKey), "66b6900981e1ee3ca4206b6b861c02bb", f);
    }
  });

  describe("errors (negative cases)", () => {
    it("a wrong CRC names the right CRC and is not repaired silently", () => {
      assert.throws(
        () => parseInstallCode("83FED3407A939723A5C639B26916D505C3B6"),
        (e: unknown) => isZseError(e, "BAD_CRC") && /right CRC is 0xb5c3/.test((e as Error).message),
      );
    });
    it("a missing CRC names the CRC it would have", () => {
      assert.throws(
        () => parseInstallCode("83FED3407A939723A5C639B26916D505"),
        (e: unknown) => isZseError(e, "BAD_CRC") && /0xb5c3/.test((e as Error).message),
      );
    });
    it("--fix-crc repairs a wrong or missing CRC, and says so", () => {
      for (const s of ["83FED3407A939723A5C639B26916D505C3B6", "83FED3407A939723A5C639B26916D505"]) {
        const r = parseInstallCode(s, { fixCrc: true });
        assert.equal(toHex(r.linkKey), "66b6900981e1ee3ca4206b6b861c02bb");
        assert.equal(r.crcRepaired, true);
      }
    });
    it("8 bytes are ambiguous: an error without a size, resolved with one", () => {
      // 1122334455667788 is a valid 8-byte code; without its CRC it could be a 6-byte code + CRC.
      assert.throws(() => parseInstallCode("1122334455667788"), code("BAD_CRC"));
      assert.throws(() => parseInstallCode("1122334455667788", { fixCrc: true }), code("BAD_VALUE"));
      const r = parseInstallCode("1122334455667788", { fixCrc: true, size: 8 });
      assert.equal(toHex(r.linkKey), "41618fc0c83b0e14a589954b16e31466");
      // A valid 6-byte code + CRC reads as such.
      const six = makeInstallCode(fromHex("a1b2c3d4e5f6"));
      assert.equal(parseInstallCode(toHex(six.installCode)).code.length, 6);
    });
    it("sizes other than 6/8/12/16 (+2) are refused with the sizes that would do", () => {
      for (const n of [0, 1, 5, 7, 9, 11, 13, 15, 17, 19, 20, 32]) {
        const hex = "ab".repeat(n);
        assert.throws(() => parseInstallCode(hex), code(n === 0 ? "BAD_LENGTH" : "BAD_LENGTH"), `n=${n}`);
      }
      assert.throws(() => makeInstallCode(new Uint8Array(7)), code("BAD_LENGTH"));
      assert.throws(() => checkInstallCode(new Uint8Array(9)), code("BAD_LENGTH"));
    });
    it("non-hex characters and odd digit counts", () => {
      assert.throws(() => parseInstallCode("83FED3407A939723A5C639B26916D505C3BG"), code("BAD_HEX"));
      assert.throws(() => parseInstallCode("83FED3407A939723A5C639B26916D505C3B"), code("BAD_HEX"));
    });
    it("malformed label forms", () => {
      assert.throws(
        () => parseInstallCode("Z:00112233$I:83FED3407A939723A5C639B26916D505C3B5"),
        code("BAD_FORMAT"),
      );
      assert.throws(() => parseInstallCode("HUE:83FED3407A939723A5C639B26916D505C3B5"), code("BAD_FORMAT"));
      assert.throws(() => parseInstallCode("0011|83FED3407A939723A5C639B26916D505C3B5"), code("BAD_FORMAT"));
      assert.throws(
        () => parseInstallCode("0011223344556677|83FED3407A939723A5C639B26916D505C3B6"),
        code("BAD_CRC"),
      );
    });
    it("an unknown size option", () => {
      assert.throws(
        () => parseInstallCode("83FED3407A939723A5C639B26916D505C3B5", { size: 10 as 8 }),
        code("BAD_VALUE"),
      );
    });
  });

  it("every valid code of every size round-trips through all input forms (property)", () => {
    const sized = fc.constantFrom(6, 8, 12, 16).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
    const eui = fc.uint8Array({ minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(sized, eui, (raw, e) => {
        const ic = makeInstallCode(raw);
        const hex = toHex(ic.installCode);
        const E = toHex(e).toUpperCase();
        const spaced = hex.match(/../g)!.join(" ");
        const forms = [
          hex,
          hex.toUpperCase(),
          spaced,
          hex.match(/../g)!.join(":"),
          `Z:${E}$I:${hex}`,
          `${E}|${hex}`,
          `HUE:Z:${hex} M:${E}`,
        ];
        for (const f of forms) {
          const r = parseInstallCode(f, { size: raw.length as 6 });
          assert.deepEqual(r.installCode, ic.installCode);
          assert.deepEqual(r.linkKey, ic.linkKey);
          if (f.includes(E)) assert.equal(toHex(r.eui64!), E.toLowerCase());
        }
        // Without a size hint, only the 8-byte-total ambiguity (6-byte codes) needs none: still parses.
        assert.deepEqual(parseInstallCode(hex).linkKey, ic.linkKey);
        // Any single-bit flip in the CRC is caught.
        const bad = Uint8Array.from(ic.installCode);
        bad[bad.length - 1] ^= 1;
        assert.throws(() => checkInstallCode(bad), code("BAD_CRC"));
      }),
      { numRuns: 150, seed: 3 },
    );
  });

  it("agrees with zigpy's convert_install_code on random codes of every size", (t) => {
    if (!zigpyAvailable()) return t.skip("Debian python3-zigpy is not installed");
    const codes: Uint8Array[] = [];
    for (const n of [6, 8, 12, 16]) {
      for (const raw of fc.sample(fc.uint8Array({ minLength: n, maxLength: n }), { numRuns: 25, seed: n })) {
        codes.push(makeInstallCode(raw).installCode);
      }
    }
    const theirs = runZigpy<(string | null)[]>(
      "import sys, json; from zigpy.util import convert_install_code as c\n" +
        "print(json.dumps([(lambda k: None if k is None else bytes(k).hex())(c(bytes.fromhex(x))) for x in json.load(sys.stdin)]))",
      codes.map(toHex),
    );
    assert.deepEqual(
      codes.map((c) => toHex(checkInstallCode(c).linkKey)),
      theirs,
    );
    // zigpy also refuses a corrupted CRC.
    const corrupted = Uint8Array.from(codes[0]);
    corrupted[corrupted.length - 2] ^= 0xff;
    const r = runZigpy<(string | null)[]>(
      "import sys, json; from zigpy.util import convert_install_code as c\nprint(json.dumps([None if c(bytes.fromhex(x)) is None else 'key' for x in json.load(sys.stdin)]))",
      [toHex(corrupted)],
    );
    assert.deepEqual(r, [null]);
    assert.throws(() => checkInstallCode(corrupted), code("BAD_CRC"));
  });
});
