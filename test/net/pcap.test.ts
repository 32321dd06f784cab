/** pcap files (libpcap format) with the IEEE 802.15.4 link types 195 and 230. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LINKTYPE_IEEE802_15_4_NOFCS, PcapWriter, readPcap } from "../../src/net/pcap.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";

describe("pcap writer", () => {
  it("writes the global header little-endian: magic, v2.4, snaplen, link type 195", () => {
    const b = new PcapWriter().toBytes();
    assert.equal(toHex(b), "d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000" + "ffff0000" + "c3000000");
  });

  it("writes records with seconds and microseconds of virtual time", () => {
    const w = new PcapWriter({ linkType: LINKTYPE_IEEE802_15_4_NOFCS });
    w.add({ timeUs: 1_500_000, data: fromHex("aabbcc") });
    const b = w.toBytes();
    assert.equal(b[20], 230);
    assert.equal(toHex(b.subarray(24)), "01000000" + "20a10700" + "03000000" + "03000000" + "aabbcc");
  });

  it("reads back what it wrote, in order", () => {
    const w = new PcapWriter();
    const packets = [
      { timeUs: 0, data: fromHex("01") },
      { timeUs: 1_700_000_000_123_456, data: fromHex("0203") },
      { timeUs: 1_700_000_001_000_000, data: new Uint8Array(0) },
    ];
    for (const p of packets) w.add(p);
    const f = readPcap(w.toBytes());
    assert.equal(f.linkType, 195);
    assert.equal(f.snapLength, 65535);
    assert.deepEqual(
      f.packets.map((p) => [p.timeUs, toHex(p.data), p.originalLength]),
      packets.map((p) => [p.timeUs, toHex(p.data), p.data.length]),
    );
  });

  it("refuses negative or fractional timestamps and packets over the snap length", () => {
    const w = new PcapWriter({ snapLength: 4 });
    assert.throws(
      () => w.add({ timeUs: -1, data: new Uint8Array(1) }),
      (e) => isZseError(e, "BAD_VALUE"),
    );
    assert.throws(
      () => w.add({ timeUs: 1.5, data: new Uint8Array(1) }),
      (e) => isZseError(e, "BAD_VALUE"),
    );
    assert.throws(
      () => w.add({ timeUs: 0, data: new Uint8Array(5) }),
      (e) => isZseError(e, "BAD_LENGTH"),
    );
  });
});

describe("pcap reader", () => {
  it("reads big-endian files and nanosecond timestamps", () => {
    const hdr = "a1b23c4d" + "0002" + "0004" + "00000000" + "00000000" + "0000ffff" + "000000e6";
    const rec = "00000002" + "000f4240" + "00000001" + "00000001" + "ee";
    const f = readPcap(fromHex(hdr + rec));
    assert.equal(f.linkType, 230);
    assert.equal(f.packets[0].timeUs, 2_001_000);
    assert.equal(toHex(f.packets[0].data), "ee");
  });

  it("refuses a wrong magic, a short header and a truncated record", () => {
    const good = new PcapWriter().add({ timeUs: 0, data: fromHex("0102") }).toBytes();
    const bad = (b: Uint8Array, re: RegExp) =>
      assert.throws(
        () => readPcap(b),
        (e) => isZseError(e, "BAD_FORMAT") && re.test(e.message),
      );
    bad(good.subarray(0, 10), /global header/);
    bad(Uint8Array.of(0, 1, 2, 3, ...good.subarray(4)), /magic/);
    bad(good.subarray(0, good.length - 1), /announced/);
    bad(good.subarray(0, 30), /header cut short/);
  });
});
