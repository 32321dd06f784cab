/** IEEE 802.15.4-2006 7.3 MAC command frames of a Zigbee join (association, beacon and data requests). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeMacFrame, encodeMacFrame } from "../../src/net/frames/mac.js";
import {
  associationRequestFrame,
  associationResponseFrame,
  beaconRequestFrame,
  decodeMacCommand,
  encodeMacCommand,
} from "../../src/net/frames/mac-command.js";
import { decodeOverTheAir } from "../../src/net/frames/over-the-air.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";

const device = fromHex("0011223344556677");
const coordinator = fromHex("8899aabbccddeeff");

describe("MAC commands (IEEE 802.15.4-2006 7.3)", () => {
  it("Beacon Request (7.3.7): fc 0x0803, dst PAN and address 0xffff, no source", () => {
    assert.equal(
      toHex(encodeMacFrame(beaconRequestFrame({ sequence: 5 }))),
      `0308` + "05" + "ffff" + "ffff" + "07",
    );
  });

  it("Association Request (7.3.1): dst short on the PAN, src extended on PAN 0xffff, capability", () => {
    const b = encodeMacFrame(
      associationRequestFrame({ sequence: 1, panId: 0x1a62, coordinator: 0x0000, device, capability: 0x8e }),
    );
    // fc: command 3, ack request 0x20, dst mode short (2<<10), src mode extended (3<<14) = 0xc823
    assert.equal(toHex(b), `23c8` + "01" + "621a" + "0000" + "ffff" + "7766554433221100" + "01" + "8e");
    const d = decodeMacFrame(b);
    assert.equal(d.frameType, 3);
    assert.equal(d.sourcePanId, 0xffff);
    assert.deepEqual(decodeMacCommand(d.payload), { command: "associationRequest", capability: 0x8e });
  });

  it("Association Response (7.3.2): extended both ways, PAN ID compression, short address and status", () => {
    const b = encodeMacFrame(
      associationResponseFrame({
        sequence: 2,
        panId: 0x1a62,
        coordinator,
        device,
        shortAddress: 0x1234,
        status: 0,
      }),
    );
    assert.equal(toHex(b.subarray(0, 2)), "63cc");
    assert.equal(toHex(b.subarray(-4)), "02341200");
    const d = decodeMacFrame(b);
    assert.deepEqual(d.destination, device);
    assert.deepEqual(d.source, coordinator);
    assert.equal(d.panId, 0x1a62);
    assert.equal(d.sourcePanId, undefined);
  });

  it("round-trips every command and keeps unknown ones raw", () => {
    for (const c of [
      { command: "associationRequest", capability: 0x80 },
      { command: "associationResponse", shortAddress: 0xfffe, status: 2 },
      { command: "dataRequest" },
      { command: "beaconRequest" },
      { command: "other", id: 0x09, payload: fromHex("01") },
    ] as const) {
      assert.deepEqual(decodeMacCommand(encodeMacCommand(c)), c);
    }
  });

  it("refuses short or over-long command payloads, and a command frame handed to the NWK decoder", () => {
    assert.throws(
      () => decodeMacCommand(fromHex("023412")),
      (e) => isZseError(e, "BAD_FRAME") && /status/.test(e.message),
    );
    assert.throws(
      () => decodeMacCommand(fromHex("0700")),
      (e) => isZseError(e, "BAD_FRAME") && /trailing/.test(e.message),
    );
    const b = encodeMacFrame(beaconRequestFrame({ sequence: 1 }));
    assert.throws(
      () => decodeOverTheAir(b),
      (e) => isZseError(e, "BAD_FRAME") && /MAC command/.test(e.message),
    );
    assert.throws(
      () => encodeMacFrame({ ...beaconRequestFrame({ sequence: 1 }), destination: undefined }),
      (e) => isZseError(e, "BAD_VALUE"),
    );
  });
});
