/**
 * Frames captured on a real Zigbee network (test/vectors/zigbee_frames_captured.json): our
 * decoder must read them with the published keys, our encoder must rebuild them byte for byte
 * (05-3474 4.3.1 NWK security, 4.4.1 APS security, 4.4.10.1 Transport Key).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeOverTheAir,
  encodeOverTheAir,
  KeyId,
  type OverTheAirFrame,
} from "../../src/net/frames/index.js";
import { installCodeLinkKey } from "../../src/se/install-code.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { reversed } from "../../src/util/eui64.js";
import { loadVectors } from "../support/vectors.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON vector file
const v = loadVectors<any>("zigbee_frames_captured.json");
const linkKey = fromHex(v.link_key);
const networkKey = fromHex(v.network_key);
/** The captured frame without the sniffer's two status bytes. */
const frameOf = (hex: string) => fromHex(hex).subarray(0, -2);
const eui = (wireHex: string) => reversed(fromHex(wireHex));

describe("captured Transport Key (05-3474 4.4.10.1, APS security with the key-transport key)", () => {
  const t = v.transport_key;
  const bytes = frameOf(t.frame_with_status);

  it("the published link key is the install code's AES-MMO key", () => {
    assert.equal(toHex(installCodeLinkKey(fromHex(v.install_code_with_crc))), v.link_key);
  });

  it("decodes and decrypts with the install-code link key", () => {
    const d = decodeOverTheAir(bytes, {
      linkKeys: () => [fromHex("5a6967426565416c6c69616e63653039"), linkKey],
    });
    assert.ok(d.nwk.ok);
    assert.equal(d.nwk.frame.header.sequence, t.nwk.seqno);
    assert.equal(d.nwk.frame.header.radius, t.nwk.radius);
    assert.equal(d.nwk.frame.header.discoverRoute, 1);
    assert.equal(d.mac.sequence, t.mac.sequence);
    assert.equal(d.mac.panId, 0x8cde);
    assert.ok(d.aps?.ok);
    assert.equal(d.aps.security?.keyIndex, 1, "ZigBeeAlliance09 must not verify; the install-code key must");
    assert.equal(d.aps.security?.aux.keyId, KeyId.keyTransport);
    assert.equal(d.aps.security?.aux.frameCounter, t.aps.sec_counter);
    assert.equal(toHex(d.aps.security!.aux.source!), toHex(eui(t.aps.src64_wire)));
    const f = d.aps.frame;
    assert.equal(f.type, "command");
    assert.ok(
      f.type === "command" && f.command.command === "transportKey" && f.command.keyType === "network",
    );
    assert.equal(f.counter, t.aps.counter);
    assert.equal(toHex(f.command.key), t.cmd.key);
    assert.equal(f.command.keySequence, t.cmd.seqno);
    assert.equal(toHex(f.command.destination), toHex(eui(t.cmd.dst_wire)));
    assert.equal(toHex(f.command.source), toHex(eui(t.cmd.src_wire)));
  });

  it("re-encodes to the captured bytes", () => {
    const frame: OverTheAirFrame = {
      mac: { sequence: 51, panId: 0x8cde, destination: 0xbade, source: 0x3ed6, ackRequest: true },
      nwk: {
        frameType: "data",
        discoverRoute: 1,
        destination: 0xbade,
        source: 0x3ed6,
        radius: 1,
        sequence: 136,
      },
      aps: {
        type: "command",
        counter: 215,
        command: {
          command: "transportKey",
          keyType: "network",
          key: networkKey,
          keySequence: 0,
          destination: eui(t.cmd.dst_wire),
          source: eui(t.cmd.src_wire),
        },
      },
      apsSecurity: {
        key: linkKey,
        keyId: KeyId.keyTransport,
        frameCounter: 110718,
        source: eui(t.aps.src64_wire),
      },
    };
    assert.equal(toHex(encodeOverTheAir(frame)), toHex(bytes));
  });

  it("a wrong link key leaves the frame undecrypted (MIC_FAILED), no key gives NO_KEY", () => {
    const wrong = decodeOverTheAir(bytes, { linkKeys: () => [networkKey] });
    assert.equal(wrong.aps?.ok, false);
    assert.ok(wrong.aps && !wrong.aps.ok && wrong.aps.reason === "MIC_FAILED");
    const none = decodeOverTheAir(bytes);
    assert.ok(none.aps && !none.aps.ok && none.aps.reason === "NO_KEY");
  });

  it("one flipped ciphertext bit fails the MIC", () => {
    const bad = bytes.slice();
    bad[40] ^= 0x01;
    const d = decodeOverTheAir(bad, { linkKeys: () => [linkKey] });
    assert.ok(d.aps && !d.aps.ok && d.aps.reason === "MIC_FAILED");
  });
});

describe("captured NWK-secured Read Attributes Response (05-3474 4.3.1, network key)", () => {
  const t = v.read_attributes_response;
  const bytes = frameOf(t.frame_with_status);

  it("decrypts under the network key and reads APS and ZCL", () => {
    const d = decodeOverTheAir(bytes, { networkKeys: () => [linkKey, networkKey] });
    assert.ok(d.nwk.ok);
    assert.equal(d.nwk.security?.keyIndex, 1);
    const h = d.nwk.frame.header;
    assert.equal(h.endDeviceInitiator, true);
    assert.equal(h.destination, 0x0000);
    assert.equal(h.source, 0x762b);
    assert.equal(h.radius, t.nwk.radius);
    assert.equal(h.sequence, t.nwk.seqno);
    assert.equal(d.nwk.security?.aux.frameCounter, t.nwk.sec_counter);
    assert.equal(d.nwk.security?.aux.keySequence, t.nwk.key_seqno);
    assert.equal(toHex(d.nwk.security!.aux.source!), toHex(eui(t.nwk.src64_wire)));
    assert.ok(d.aps?.ok && d.aps.frame.type === "data");
    const a = d.aps.frame;
    assert.equal(a.dstEndpoint, t.aps.dst);
    assert.equal(a.srcEndpoint, t.aps.src);
    assert.equal(a.clusterId, 0x0b05);
    assert.equal(a.profileId, 0x0104);
    assert.equal(a.counter, t.aps.counter);
    assert.equal(a.ackRequest, true);
    assert.equal(toHex(a.payload), toHex(fromHex(t.zcl)));
  });

  it("re-encodes to the captured bytes", () => {
    const frame: OverTheAirFrame = {
      mac: { sequence: 162, panId: 0x8cde, destination: 0x3215, source: 0x762b, ackRequest: true },
      nwk: {
        frameType: "data",
        discoverRoute: 1,
        endDeviceInitiator: true,
        destination: 0,
        source: 0x762b,
        radius: 30,
        sequence: 162,
      },
      nwkSecurity: { networkKey, frameCounter: 379592, source: eui(t.nwk.src64_wire), keySequence: 0 },
      aps: {
        type: "data",
        ackRequest: true,
        dstEndpoint: 2,
        clusterId: 0x0b05,
        profileId: 0x0104,
        srcEndpoint: 1,
        counter: 108,
        payload: fromHex(t.zcl),
      },
    };
    assert.equal(toHex(encodeOverTheAir(frame)), toHex(bytes));
  });

  it("without the network key the NWK layer reports NO_KEY and APS is not reached", () => {
    const d = decodeOverTheAir(bytes);
    assert.ok(!d.nwk.ok && d.nwk.reason === "NO_KEY");
    assert.equal(d.aps, undefined);
  });
});
