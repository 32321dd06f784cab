/** ZDO Match_Desc_req/rsp (05-3474 2.4.3.1.7 / 2.4.4.2.7) and Device_annce (2.4.3.1.11). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeDeviceAnnounce,
  decodeMatchDescriptorRequest,
  decodeMatchDescriptorResponse,
  encodeDeviceAnnounce,
  encodeMatchDescriptorRequest,
  encodeMatchDescriptorResponse,
} from "../../src/net/frames/zdo.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";

describe("Match_Desc_req (05-3474 2.4.3.1.7)", () => {
  it("finds the KE cluster 0x0800 on the SE profile: seq, NWKAddrOfInterest, profile, in list, out list", () => {
    const m = {
      sequence: 5,
      nwkAddrOfInterest: 0x0000,
      profileId: 0x0109,
      inClusters: [0x0800],
      outClusters: [],
    };
    const hex = "05" + "0000" + "0901" + "01" + "0008" + "00";
    assert.equal(toHex(encodeMatchDescriptorRequest(m)), hex);
    assert.deepEqual(decodeMatchDescriptorRequest(fromHex(hex)), m);
  });
  it("refuses a cluster list longer than its bytes and trailing bytes", () => {
    assert.throws(
      () => decodeMatchDescriptorRequest(fromHex("05000009010200080000")),
      (e) => isZseError(e, "BAD_FRAME"),
    );
    assert.throws(
      () => decodeMatchDescriptorRequest(fromHex("050000090101000800ff")),
      (e) => isZseError(e, "BAD_FRAME"),
    );
  });
});

describe("Match_Desc_rsp (05-3474 2.4.4.2.7)", () => {
  it("seq, status, NWKAddrOfInterest, match length, endpoints", () => {
    const m = { sequence: 5, status: 0, nwkAddrOfInterest: 0x1234, matchList: [240] };
    const hex = "05" + "00" + "3412" + "01" + "f0";
    assert.equal(toHex(encodeMatchDescriptorResponse(m)), hex);
    assert.deepEqual(decodeMatchDescriptorResponse(fromHex(hex)), m);
  });
  it("refuses a failure status that lists matches", () => {
    assert.throws(
      () => decodeMatchDescriptorResponse(fromHex("0581341201f0")),
      (e) => isZseError(e, "BAD_FRAME"),
    );
  });
});

describe("Device_annce (05-3474 2.4.3.1.11)", () => {
  it("seq, NWKAddr, IEEEAddr little-endian, capability", () => {
    const d = { sequence: 1, nwkAddress: 0x1234, eui64: fromHex("0011223344556677"), capability: 0x8e };
    const hex = "01" + "3412" + "7766554433221100" + "8e";
    assert.equal(toHex(encodeDeviceAnnounce(d)), hex);
    assert.deepEqual(decodeDeviceAnnounce(fromHex(hex)), d);
    assert.throws(
      () => decodeDeviceAnnounce(fromHex(hex).subarray(0, 10)),
      (e) => isZseError(e, "BAD_FRAME"),
    );
  });
});
