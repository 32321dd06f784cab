/**
 * A small Smart Energy capture built only from our frame codecs, for the Wireshark cross-check
 * (test/net/tshark.test.ts): join with a Transport Key under the install-code key's key-transport
 * key (05-3474 4.4.10.1), Device_annce, Match_Desc for the KE cluster, the SE 07-5356 Annex C
 * CBKE exchanges of suites 1 and 2 (KE payloads built by hand from the vectors, ZCL header
 * 07-5123 2.4.1), a Terminate KE, and Keep-Alive reads APS-secured under the CBKE link key.
 */
import {
  type ApsFrame,
  type ApsSecurity,
  associationRequestFrame,
  associationResponseFrame,
  beaconRequestFrame,
  encodeDeviceAnnounce,
  encodeMacFrame,
  encodeMatchDescriptorRequest,
  encodeMatchDescriptorResponse,
  encodeOverTheAir,
  KeyId,
  ZDO_ENDPOINT,
  ZDO_PROFILE,
  ZdoCluster,
} from "../../src/net/frames/index.js";
import type { WiresharkKey } from "../../src/net/keys-file.js";
import { PcapWriter } from "../../src/net/pcap.js";
import { concat, fromHex, toHex } from "../../src/util/bytes.js";
import { loadVectors } from "./vectors.js";

export interface Party {
  ieee: string;
  certificate: string;
  ephemeral_public_key: string;
}
export interface CbkeVector {
  initiator_u: Party;
  responder_v: Party;
  key_data: string;
  mac_u: string;
  mac_v: string;
}
export const s1 = loadVectors<CbkeVector>("cbke_suite1_annex_c.json");
export const s2 = loadVectors<CbkeVector>("cbke_suite2_annex_c.json");
const installCode = loadVectors<{ vectors: { link_key: string }[] }>("install_codes.json").vectors[0];

const SE_PROFILE = 0x0109;
const KE_CLUSTER = 0x0800;
const KEEP_ALIVE_CLUSTER = 0x0025;
export const SE_ENDPOINT = 240;
const PAN = 0x1a62;
export const START_US = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z

export const networkKey = fromHex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf");
const installCodeKey = fromHex(installCode.link_key);

export interface Node {
  eui: Uint8Array;
  short: number;
  nwkCounter: number;
  apsCounter: number;
  secCounter: number;
  macSeq: number;
  nwkSeq: number;
}
const node = (ieee: string, short: number): Node => ({
  eui: fromHex(ieee),
  short,
  nwkCounter: 1,
  apsCounter: 0,
  secCounter: 1,
  macSeq: 0,
  nwkSeq: 0,
});
// Suite 1 pair: U = meter, V = Trust Center. Suite 2 pair: two devices of the same PAN.
export const tc = node(s1.responder_v.ieee, 0x0000);
export const meter = node(s1.initiator_u.ieee, 0x0002);
export const u2 = node(s2.initiator_u.ieee, 0x1012);
export const v2 = node(s2.responder_v.ieee, 0x1011);
const meter2 = node("0000000000000003", 0x0003);

/** What the test expects tshark to show for one frame. */
export interface Sent {
  what: string;
  bytes: Uint8Array;
}

export function buildSeCapture(options: { fcs: boolean }): Sent[] {
  for (const n of [tc, meter, u2, v2, meter2])
    Object.assign(n, { nwkCounter: 1, apsCounter: 0, secCounter: 1, macSeq: 0, nwkSeq: 0 });
  const out: Sent[] = [];
  const send = (o: {
    what: string;
    from: Node;
    to: Node | "broadcast";
    aps: ApsFrame;
    nwkSecured?: boolean;
    apsKey?: Uint8Array;
    apsKeyId?: ApsSecurity["keyId"];
  }) => {
    const dst = o.to === "broadcast" ? 0xfffd : o.to.short;
    const apsSecurity: ApsSecurity | undefined = o.apsKey
      ? {
          key: o.apsKey,
          keyId: o.apsKeyId ?? KeyId.data,
          frameCounter: o.from.secCounter++,
          source: o.from.eui,
        }
      : undefined;
    const bytes = encodeOverTheAir(
      {
        mac: {
          sequence: o.from.macSeq++ & 0xff,
          panId: PAN,
          destination: o.to === "broadcast" ? 0xffff : dst,
          source: o.from.short,
          ackRequest: o.to !== "broadcast",
        },
        nwk: {
          frameType: "data",
          discoverRoute: 1,
          destination: dst,
          source: o.from.short,
          radius: 30,
          sequence: o.from.nwkSeq++ & 0xff,
        },
        ...(o.nwkSecured === false
          ? {}
          : {
              nwkSecurity: {
                networkKey,
                frameCounter: o.from.nwkCounter++,
                source: o.from.eui,
                keySequence: 0,
              },
            }),
        aps: o.aps,
        ...(apsSecurity ? { apsSecurity } : {}),
      },
      { fcs: options.fcs },
    );
    out.push({ what: o.what, bytes });
  };
  const zcl = (o: {
    what: string;
    from: Node;
    to: Node;
    cluster: number;
    frame: Uint8Array;
    apsKey?: Uint8Array;
    ack?: boolean;
  }) => {
    const counter = o.from.apsCounter++ & 0xff;
    send({
      what: o.what,
      from: o.from,
      to: o.to,
      aps: {
        type: "data",
        ackRequest: o.ack ?? true,
        dstEndpoint: SE_ENDPOINT,
        clusterId: o.cluster,
        profileId: SE_PROFILE,
        srcEndpoint: SE_ENDPOINT,
        counter,
        payload: o.frame,
      },
      ...(o.apsKey ? { apsKey: o.apsKey } : {}),
    });
    return counter;
  };
  const u8 = (n: number) => Uint8Array.of(n);
  const u16 = (n: number) => Uint8Array.of(n & 0xff, n >> 8);
  // ZCL header (07-5123 2.4.1): frame control 0x01 = cluster-specific client->server,
  // 0x09 = cluster-specific server->client; then sequence number and command id.
  const ke = (dir: "c2s" | "s2c", seq: number, cmd: number, payload: Uint8Array) =>
    concat(u8(dir === "c2s" ? 0x01 : 0x09), u8(seq), u8(cmd), payload);

  // 0. Association (802.15.4-2006 7.3.7, 7.3.1, 7.3.2): the meter gets short address 0x0002.
  const mac = (what: string, frame: Parameters<typeof encodeMacFrame>[0]) =>
    out.push({ what, bytes: encodeMacFrame(frame, { fcs: options.fcs }) });
  mac("beacon-request", beaconRequestFrame({ sequence: meter.macSeq++ }));
  mac(
    "association-request",
    associationRequestFrame({
      sequence: meter.macSeq++,
      panId: PAN,
      coordinator: tc.short,
      device: meter.eui,
      capability: 0x80,
    }),
  );
  mac(
    "association-response",
    associationResponseFrame({
      sequence: tc.macSeq++,
      panId: PAN,
      coordinator: tc.eui,
      device: meter.eui,
      shortAddress: meter.short,
      status: 0,
    }),
  );
  // 1. Join: Transport Key (network key) under the key-transport key of the install-code key,
  //    NWK unsecured (the joiner has no network key yet), APS extended nonce.
  send({
    what: "transport-key",
    from: tc,
    to: meter,
    nwkSecured: false,
    aps: {
      type: "command",
      counter: tc.apsCounter++,
      command: {
        command: "transportKey",
        keyType: "network",
        key: networkKey,
        keySequence: 0,
        destination: meter.eui,
        source: tc.eui,
      },
    },
    apsKey: installCodeKey,
    apsKeyId: KeyId.keyTransport,
  });
  send({
    what: "device-announce",
    from: meter,
    to: "broadcast",
    aps: {
      type: "data",
      delivery: "broadcast",
      dstEndpoint: ZDO_ENDPOINT,
      clusterId: ZdoCluster.deviceAnnounce,
      profileId: ZDO_PROFILE,
      srcEndpoint: ZDO_ENDPOINT,
      counter: meter.apsCounter++,
      payload: encodeDeviceAnnounce({
        sequence: 1,
        nwkAddress: meter.short,
        eui64: meter.eui,
        capability: 0x8c,
      }),
    },
  });
  // 2. Find the TC's KE endpoint.
  const zdo = (what: string, from: Node, to: Node, cluster: number, payload: Uint8Array) =>
    send({
      what,
      from,
      to,
      aps: {
        type: "data",
        dstEndpoint: 0,
        clusterId: cluster,
        profileId: 0,
        srcEndpoint: 0,
        counter: from.apsCounter++,
        payload,
      },
    });
  zdo(
    "match-desc-req",
    meter,
    tc,
    ZdoCluster.matchDescriptorRequest,
    encodeMatchDescriptorRequest({
      sequence: 2,
      nwkAddrOfInterest: 0,
      profileId: SE_PROFILE,
      inClusters: [KE_CLUSTER],
      outClusters: [],
    }),
  );
  zdo(
    "match-desc-rsp",
    tc,
    meter,
    ZdoCluster.matchDescriptorResponse,
    encodeMatchDescriptorResponse({ sequence: 2, status: 0, nwkAddrOfInterest: 0, matchList: [SE_ENDPOINT] }),
  );
  // 3. CBKE, one exchange per suite (SE 07-5356 C.4.2 commands; Annex C values).
  const cbke = (v: CbkeVector, suite: number, u: Node, r: Node, tag: string) => {
    const times = concat(u16(suite), u8(0x10), u8(0x10));
    zcl({
      what: `${tag}-initiate-req`,
      from: u,
      to: r,
      cluster: KE_CLUSTER,
      frame: ke("c2s", 1, 0, concat(times, fromHex(v.initiator_u.certificate))),
    });
    const c = zcl({
      what: `${tag}-initiate-rsp`,
      from: r,
      to: u,
      cluster: KE_CLUSTER,
      frame: ke("s2c", 1, 0, concat(times, fromHex(v.responder_v.certificate))),
    });
    send({
      what: `${tag}-aps-ack`,
      from: u,
      to: r,
      aps: {
        type: "ack",
        ackFormat: "data",
        dstEndpoint: SE_ENDPOINT,
        clusterId: KE_CLUSTER,
        profileId: SE_PROFILE,
        srcEndpoint: SE_ENDPOINT,
        counter: c,
      },
    });
    zcl({
      what: `${tag}-ephemeral-req`,
      from: u,
      to: r,
      cluster: KE_CLUSTER,
      frame: ke("c2s", 2, 1, fromHex(v.initiator_u.ephemeral_public_key)),
    });
    zcl({
      what: `${tag}-ephemeral-rsp`,
      from: r,
      to: u,
      cluster: KE_CLUSTER,
      frame: ke("s2c", 2, 1, fromHex(v.responder_v.ephemeral_public_key)),
    });
    zcl({
      what: `${tag}-confirm-req`,
      from: u,
      to: r,
      cluster: KE_CLUSTER,
      frame: ke("c2s", 3, 2, fromHex(v.mac_u)),
    });
    zcl({
      what: `${tag}-confirm-rsp`,
      from: r,
      to: u,
      cluster: KE_CLUSTER,
      frame: ke("s2c", 3, 2, fromHex(v.mac_v)),
    });
    // Default Response (07-5123 2.5.12): profile-wide, client->server, cmd 0x0b, {command 0x02, SUCCESS}.
    zcl({
      what: `${tag}-default-rsp`,
      from: u,
      to: r,
      cluster: KE_CLUSTER,
      frame: Uint8Array.of(0x10, 3, 0x0b, 0x02, 0x00),
    });
  };
  cbke(s1, 1, meter, tc, "s1");
  cbke(s2, 2, u2, v2, "s2");
  // 4. A KE refused: Terminate KE (status NO_RESOURCES 0x04, wait 30 s, suite 1).
  zcl({
    what: "initiate-req-refused",
    from: meter2,
    to: tc,
    cluster: KE_CLUSTER,
    frame: ke("c2s", 1, 0, concat(u16(1), u8(0x10), u8(0x10), fromHex(s1.initiator_u.certificate))),
  });
  zcl({
    what: "terminate",
    from: tc,
    to: meter2,
    cluster: KE_CLUSTER,
    frame: ke("s2c", 1, 3, concat(u8(0x04), u8(30), u16(1))),
  });
  // 5. Keep-Alive reads under the CBKE link key (APS data key, nonce source from the NWK layer).
  const tclk = fromHex(s1.key_data);
  zcl({
    what: "keepalive-read",
    from: meter,
    to: tc,
    cluster: KEEP_ALIVE_CLUSTER,
    frame: Uint8Array.of(0x00, 7, 0x00, 0x00, 0x00, 0x01, 0x00),
    apsKey: tclk,
  });
  zcl({
    what: "keepalive-read-rsp",
    from: tc,
    to: meter,
    cluster: KEEP_ALIVE_CLUSTER,
    // Read Attributes Response (07-5123 2.5.2): base 0x0000 uint8 (0x20) = 10 min, jitter 0x0001 uint16 (0x21) = 300 s.
    frame: Uint8Array.of(0x18, 7, 0x01, 0x00, 0x00, 0x00, 0x20, 10, 0x01, 0x00, 0x00, 0x21, 0x2c, 0x01),
    apsKey: tclk,
  });
  // Application data between the suite 2 pair under their CBKE key: read KeyEstablishmentSuite.
  const k2 = fromHex(s2.key_data);
  zcl({
    what: "s2-read-suite",
    from: u2,
    to: v2,
    cluster: KE_CLUSTER,
    frame: Uint8Array.of(0x00, 9, 0x00, 0x00, 0x00),
    apsKey: k2,
  });
  zcl({
    what: "s2-read-suite-rsp",
    from: v2,
    to: u2,
    cluster: KE_CLUSTER,
    frame: Uint8Array.of(0x18, 9, 0x01, 0x00, 0x00, 0x00, 0x31, 0x02, 0x00),
    apsKey: k2,
  });
  // 6. APS Request Key (05-3474 4.4.10.4) for an application link key with the suite 2
  //    initiator, under the meter's CBKE TC link key; the TC answers with Transport Key
  //    (application link key, 4.4.10.1.3.4) under the key-load key of that link key (key id 3).
  //    Then u2 asks v2 for a TC link key (type 0x04) under their CBKE key.
  send({
    what: "request-key-app",
    from: meter,
    to: tc,
    aps: {
      type: "command",
      counter: meter.apsCounter++ & 0xff,
      ackRequest: true,
      command: { command: "requestKey", keyType: "applicationLink", partner: u2.eui },
    },
    apsKey: tclk,
  });
  send({
    what: "transport-key-app",
    from: tc,
    to: meter,
    aps: {
      type: "command",
      counter: tc.apsCounter++ & 0xff,
      command: {
        command: "transportKey",
        keyType: "applicationLink",
        key: appLinkKey,
        partner: u2.eui,
        initiator: true,
      },
    },
    apsKey: tclk,
    apsKeyId: KeyId.keyLoad,
  });
  send({
    what: "request-key-tclk",
    from: u2,
    to: v2,
    aps: {
      type: "command",
      counter: u2.apsCounter++ & 0xff,
      command: { command: "requestKey", keyType: "trustCenterLink" },
    },
    apsKey: k2,
  });
  return out;
}

/** The application link key the Trust Center hands out in the capture. */
export const appLinkKey = fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");

/** The keys file of the capture: link keys only; Wireshark learns the network key from the Transport Key. */
export const captureKeys: WiresharkKey[] = [
  { key: installCodeKey, label: `install-code link key ${toHex(meter.eui)}` },
  { key: fromHex(s1.key_data), label: `CBKE suite 1 link key ${toHex(meter.eui)} <-> TC ${toHex(tc.eui)}` },
  { key: fromHex(s2.key_data), label: `CBKE suite 2 link key ${toHex(u2.eui)} <-> ${toHex(v2.eui)}` },
];

/** The frames as a pcap file, 20 ms apart from START_US. */
export function toPcap(sent: Sent[], linkType: number): Uint8Array {
  const w = new PcapWriter({ linkType });
  sent.forEach((s, i) => {
    w.add({ timeUs: START_US + i * 20_000, data: s.bytes });
  });
  return w.toBytes();
}
