/**
 * Malformed input never escapes as anything but a typed ZseError: random bytes and random
 * mutations of valid frames through every decoder (802.15.4, NWK, APS, APS commands, ZDO, pcap).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeApsCommand,
  decodeApsFrame,
  decodeDeviceAnnounce,
  decodeMacCommand,
  decodeMacFrame,
  decodeMatchDescriptorRequest,
  decodeMatchDescriptorResponse,
  decodeNwkFrame,
  decodeOverTheAir,
} from "../../src/net/frames/index.js";
import { PcapWriter, readPcap } from "../../src/net/pcap.js";
import { isZseError } from "../../src/util/errors.js";
import fc from "../support/fast-check.js";
import { buildSeCapture } from "../support/se-capture.js";

const keys = () => [new Uint8Array(16).fill(1), new Uint8Array(16).fill(2)];
const decoders: [string, (b: Uint8Array) => unknown][] = [
  ["MAC", (b) => decodeMacFrame(b, { fcs: true })],
  ["MAC command", decodeMacCommand],
  ["NWK", (b) => decodeNwkFrame(b, { networkKeys: keys })],
  ["APS", (b) => decodeApsFrame(b, { linkKeys: keys, source: new Uint8Array(8) })],
  ["APS command", decodeApsCommand],
  ["Match_Desc_req", decodeMatchDescriptorRequest],
  ["Match_Desc_rsp", decodeMatchDescriptorResponse],
  ["Device_annce", decodeDeviceAnnounce],
  ["over the air", (b) => decodeOverTheAir(b, { networkKeys: keys, linkKeys: keys })],
  ["pcap", readPcap],
];

function onlyTypedErrors(decode: (b: Uint8Array) => unknown, b: Uint8Array): void {
  try {
    decode(b);
  } catch (e) {
    assert.ok(isZseError(e), `untyped error ${String(e)} on ${Buffer.from(b).toString("hex")}`);
  }
}

describe("decoders on malformed input throw only ZseError", () => {
  for (const [name, decode] of decoders) {
    it(`${name}: random bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 80 }), (b) => onlyTypedErrors(decode, b)),
        { numRuns: 300, seed: 4242 },
      );
    });
  }

  it("over the air: truncated and bit-flipped real frames", () => {
    const frames = buildSeCapture({ fcs: false }).map((s) => s.bytes);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: frames.length - 1 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        fc.boolean(),
        (i, pos, bit, cut) => {
          const f = frames[i];
          const b = cut ? f.subarray(0, pos % f.length) : f.slice();
          if (!cut) b[pos % b.length] ^= 1 << bit;
          onlyTypedErrors((x) => decodeOverTheAir(x, { networkKeys: keys, linkKeys: keys }), b);
        },
      ),
      { numRuns: 500, seed: 2024 },
    );
  });

  it("pcap: truncated files", () => {
    const w = new PcapWriter();
    for (const s of buildSeCapture({ fcs: true }).slice(0, 5)) w.add({ timeUs: 1, data: s.bytes });
    const file = w.toBytes();
    for (let n = 0; n < file.length; n += 7) onlyTypedErrors(readPcap, file.subarray(0, n));
  });
});
