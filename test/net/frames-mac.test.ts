/** IEEE 802.15.4-2006 7.2 MAC data frames and the 7.2.1.9 FCS. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crc16Kermit, decodeMacFrame, encodeMacFrame, type MacFrame } from "../../src/net/frames/mac.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import fc from "../support/fast-check.js";

describe("FCS (IEEE 802.15.4-2006 7.2.1.9, CRC-16/KERMIT)", () => {
  it("matches the CRC catalogue check value for '123456789' (0x2189)", () => {
    assert.equal(crc16Kermit(new TextEncoder().encode("123456789")), 0x2189);
  });

  it("gives residue 0 over a frame followed by its FCS (low byte first)", () => {
    const msg = fromHex("4188011234ffff00000908");
    const c = crc16Kermit(msg);
    assert.equal(crc16Kermit(Uint8Array.of(...msg, c & 0xff, c >> 8)), 0);
  });
});

const base: MacFrame = {
  frameType: 1,
  sequence: 7,
  panId: 0x1a62,
  destination: 0x0000,
  source: 0x1234,
  ackRequest: true,
  payload: fromHex("0802000034121e01"),
};

describe("MAC data frame (IEEE 802.15.4-2006 7.2.2.2)", () => {
  it("encodes the frame control of a Zigbee unicast: 0x8861 on air as 61 88", () => {
    const b = encodeMacFrame(base);
    assert.equal(toHex(b.subarray(0, 9)), "6188" + "07" + "621a" + "0000" + "3412");
  });

  it("appends the FCS low byte first and checks it on decode", () => {
    const b = encodeMacFrame(base, { fcs: true });
    const body = b.subarray(0, -2);
    const c = crc16Kermit(body);
    assert.deepEqual([...b.subarray(-2)], [c & 0xff, c >> 8]);
    assert.deepEqual(decodeMacFrame(b, { fcs: true }).payload, base.payload);
    const bad = b.slice();
    bad[bad.length - 1] ^= 1;
    assert.throws(
      () => decodeMacFrame(bad, { fcs: true }),
      (e) => isZseError(e, "BAD_FRAME") && /FCS/.test(e.message),
    );
  });

  it("extended addresses go little-endian, PAN ID compression off when the source PAN differs", () => {
    const f: MacFrame = { ...base, destination: fromHex("0011223344556677"), sourcePanId: 0xffff };
    const b = encodeMacFrame(f);
    const fcf = b[0] | (b[1] << 8);
    assert.equal((fcf >> 10) & 3, 3);
    assert.equal(fcf & (1 << 6), 0);
    assert.equal(toHex(b.subarray(5, 13)), "7766554433221100");
    const d = decodeMacFrame(b);
    assert.equal(d.sourcePanId, 0xffff);
    assert.deepEqual(d.destination, f.destination);
  });

  it("round-trips any data frame (property)", () => {
    const addr = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ minLength: 8, maxLength: 8 }));
    fc.assert(
      fc.property(
        fc.record({
          sequence: fc.integer({ min: 0, max: 255 }),
          panId: fc.integer({ min: 0, max: 0xffff }),
          destination: addr,
          source: addr,
          ackRequest: fc.boolean(),
          framePending: fc.boolean(),
          version: fc.constantFrom(0 as const, 1 as const),
          payload: fc.uint8Array({ maxLength: 100 }),
          withFcs: fc.boolean(),
        }),
        (r) => {
          const { withFcs, ...rest } = r;
          const f: MacFrame = { frameType: 1, ...rest };
          const d = decodeMacFrame(encodeMacFrame(f, { fcs: withFcs }), { fcs: withFcs });
          assert.deepEqual(d, f);
        },
      ),
      { numRuns: 200, seed: 802154 },
    );
  });

  it("refuses non-data frames, MAC security, missing addresses and short frames", () => {
    const bad = (hex: string, re: RegExp) =>
      assert.throws(
        () => decodeMacFrame(fromHex(hex)),
        (e) => isZseError(e, "BAD_FRAME") && re.test(e.message),
      );
    bad("0200" + "05", /frame type: 2/);
    bad("6988" + "07621a00003412", /security/);
    bad("4108" + "07621a0000", /addressing modes/);
    bad("6188" + "07621a00", /destination: frame ends/);
    bad("61", /frame control/);
  });

  it("refuses bad field values on encode", () => {
    assert.throws(
      () => encodeMacFrame({ ...base, sequence: 256 }),
      (e) => isZseError(e, "BAD_VALUE"),
    );
    assert.throws(
      () => encodeMacFrame({ ...base, source: new Uint8Array(4) }),
      (e) => isZseError(e, "BAD_VALUE"),
    );
  });
});
