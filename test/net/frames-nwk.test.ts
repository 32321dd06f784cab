/** Zigbee NWK frames (05-3474 3.3.1) and NWK security (4.3.1, auxiliary header 4.5.1, nonce 4.5.2.2). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ccmNonce } from "../../src/net/frames/ccm.js";
import { decodeNwkFrame, encodeNwkFrame, type NwkFrame, type NwkHeader } from "../../src/net/frames/nwk.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import fc from "../support/fast-check.js";

const networkKey = fromHex("000102030405060708090a0b0c0d0e0f");
const otherKey = fromHex("0f0e0d0c0b0a09080706050403020100");
const src = fromHex("0011223344556677");
const header: NwkHeader = { frameType: "data", destination: 0x0000, source: 0x1234, radius: 30, sequence: 9 };
const payload = fromHex("400006002501f0f001");
const security = { networkKey, frameCounter: 0x01020304, source: src, keySequence: 3 };

describe("CCM* nonce (05-3474 4.5.2.2)", () => {
  it("is source EUI-64 little-endian || frame counter little-endian || security control", () => {
    assert.equal(
      toHex(ccmNonce({ source: src, frameCounter: 0x01020304, securityControl: 0x2d })),
      "7766554433221100" + "04030201" + "2d",
    );
  });
  it("refuses a counter outside 32 bits and a short source", () => {
    assert.throws(
      () => ccmNonce({ source: src, frameCounter: 2 ** 32, securityControl: 0 }),
      (e) => isZseError(e, "BAD_VALUE"),
    );
    assert.throws(
      () => ccmNonce({ source: src.subarray(1), frameCounter: 0, securityControl: 0 }),
      (e) => isZseError(e, "BAD_LENGTH"),
    );
  });
});

describe("NWK header (05-3474 3.3.1)", () => {
  it("writes frame control, addresses, radius and sequence little-endian", () => {
    const b = encodeNwkFrame({ header, payload });
    assert.equal(toHex(b), "0800" + "0000" + "3412" + "1e" + "09" + toHex(payload));
  });

  it("sets the IEEE address flags and carries the addresses little-endian", () => {
    const h: NwkHeader = {
      ...header,
      sourceEui64: src,
      destinationEui64: fromHex("8899aabbccddeeff"),
      discoverRoute: 1,
    };
    const b = encodeNwkFrame({ header: h, payload });
    assert.equal(toHex(b.subarray(0, 2)), "4818");
    assert.equal(toHex(b.subarray(8, 24)), "ffeeddccbbaa9988" + "7766554433221100");
    const d = decodeNwkFrame(b);
    assert.ok(d.ok);
    assert.deepEqual(d.frame.header.sourceEui64, src);
  });

  it("round-trips a source-routed command frame", () => {
    const f: NwkFrame = {
      header: { ...header, frameType: "command", sourceRoute: { relayIndex: 1, relays: [0x0001, 0x0002] } },
      payload: fromHex("0c00"),
    };
    const d = decodeNwkFrame(encodeNwkFrame(f));
    assert.ok(d.ok);
    assert.deepEqual(d.frame.header.sourceRoute, f.header.sourceRoute);
    assert.equal(d.frame.header.frameType, "command");
  });

  it("refuses multicast, inter-PAN, reserved bits and truncated headers", () => {
    const bad = (hex: string, re: RegExp) =>
      assert.throws(
        () => decodeNwkFrame(fromHex(hex)),
        (e) => isZseError(e, "BAD_FRAME") && re.test(e.message),
      );
    bad("0801000034121e09", /multicast/);
    bad("0b00000034121e09", /frame type: 3/);
    bad("0840000034121e09", /reserved/);
    bad("080000003412", /radius/);
  });
});

describe("NWK security (05-3474 4.3.1, 4.5.1)", () => {
  const secured = encodeNwkFrame({ header, payload }, { security });

  it("lays out header || aux (level 0 on air, key id 1, extended nonce) || ciphertext || MIC-32", () => {
    assert.equal(toHex(secured.subarray(0, 2)), "0802", "security bit 9 set");
    const aux = secured.subarray(8, 8 + 14);
    assert.equal(aux[0], 0x28, "security control: level 0, network key, extended nonce");
    assert.equal(toHex(aux.subarray(1, 5)), "04030201");
    assert.equal(toHex(aux.subarray(5, 13)), "7766554433221100");
    assert.equal(aux[13], 3, "key sequence number");
    assert.equal(secured.length, 8 + 14 + payload.length + 4);
    assert.notEqual(toHex(secured.subarray(22, 22 + payload.length)), toHex(payload), "payload encrypted");
  });

  it("decrypts with the right candidate and reports which", () => {
    const seen: unknown[] = [];
    const d = decodeNwkFrame(secured, {
      networkKeys: (ctx) => {
        seen.push(ctx);
        return [otherKey, networkKey];
      },
    });
    assert.ok(d.ok);
    assert.deepEqual(d.frame.payload, payload);
    assert.equal(d.security?.keyIndex, 1);
    assert.deepEqual(seen, [{ keySequence: 3, source: src }]);
  });

  it("puts the real level back: a frame showing level 5 on air still verifies", () => {
    const b = secured.slice();
    b[8] |= 5;
    assert.ok(decodeNwkFrame(b, { networkKeys: () => [networkKey] }).ok);
  });

  it("MIC covers the header: a changed radius, counter or ciphertext byte fails (MIC_FAILED)", () => {
    for (const i of [6, 10, secured.length - 6, secured.length - 1]) {
      const b = secured.slice();
      b[i] ^= 0x40;
      const d = decodeNwkFrame(b, { networkKeys: () => [networkKey] });
      assert.ok(!d.ok && d.reason === "MIC_FAILED", `byte ${i}`);
    }
    const d = decodeNwkFrame(secured, { networkKeys: () => [otherKey] });
    assert.ok(!d.ok && d.reason === "MIC_FAILED");
    assert.equal(d.aux.frameCounter, 0x01020304);
  });

  it("refuses a secured frame with a link-key aux header or no room for the MIC", () => {
    const b = secured.slice();
    b[8] = 0x00;
    assert.throws(
      () => decodeNwkFrame(b),
      (e) => isZseError(e, "BAD_FRAME") && /key id 0/.test(e.message),
    );
    assert.throws(
      () => decodeNwkFrame(secured.subarray(0, 24)),
      (e) => isZseError(e, "BAD_FRAME") && /MIC/.test(e.message),
    );
  });

  it("round-trips secured frames (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (dst, s, counter, seq, pl, key) => {
          const h: NwkHeader = { ...header, destination: dst, source: s, sequence: seq };
          const b = encodeNwkFrame(
            { header: h, payload: pl },
            { security: { ...security, networkKey: key, frameCounter: counter } },
          );
          const d = decodeNwkFrame(b, { networkKeys: () => [key] });
          assert.ok(d.ok);
          assert.deepEqual(d.frame.payload, pl);
          assert.equal(d.frame.header.destination, dst);
          assert.equal(d.security?.aux.frameCounter, counter);
        },
      ),
      { numRuns: 100, seed: 34743 },
    );
  });
});
