/**
 * Cross-check with Wireshark (Debian tshark): a capture built only from our codecs - a Transport
 * Key of the network key under the key-transport key of an install-code link key (05-3474
 * 4.4.10.1), NWK-secured frames (4.3.1), ZDO Match_Desc, the CBKE exchanges of SE 07-5356 Annex C
 * (suites 1 and 2, KE cluster 0x0800 payloads built by hand from the published vectors), a
 * Terminate KE, and APS-secured Keep-Alive (0x0025) reads under the CBKE link key - must be
 * decoded and decrypted by tshark with our keys file, field by field, with no malformed or
 * undecryptable frame.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type ApsFrame,
  type ApsSecurity,
  encodeDeviceAnnounce,
  encodeMatchDescriptorRequest,
  encodeMatchDescriptorResponse,
  encodeOverTheAir,
  KeyId,
  ZDO_ENDPOINT,
  ZDO_PROFILE,
  ZdoCluster,
} from "../../src/net/frames/index.js";
import { formatKeysFile, type WiresharkKey } from "../../src/net/keys-file.js";
import {
  LINKTYPE_IEEE802_15_4_NOFCS,
  LINKTYPE_IEEE802_15_4_WITHFCS,
  PcapWriter,
} from "../../src/net/pcap.js";
import { concat, fromHex, toHex } from "../../src/util/bytes.js";
import { PI_WARN, runTshark, type TsharkFrame, tsharkAvailable } from "../support/tshark.js";
import { loadVectors } from "../support/vectors.js";

interface Party {
  ieee: string;
  certificate: string;
  ephemeral_public_key: string;
}
interface CbkeVector {
  initiator_u: Party;
  responder_v: Party;
  key_data: string;
  mac_u: string;
  mac_v: string;
}
const s1 = loadVectors<CbkeVector>("cbke_suite1_annex_c.json");
const s2 = loadVectors<CbkeVector>("cbke_suite2_annex_c.json");
const installCode = loadVectors<{ vectors: { link_key: string }[] }>("install_codes.json").vectors[0];

const SE_PROFILE = 0x0109;
const KE_CLUSTER = 0x0800;
const KEEP_ALIVE_CLUSTER = 0x0025;
const SE_ENDPOINT = 240;
const PAN = 0x1a62;
const START_US = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z

const networkKey = fromHex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf");
const installCodeKey = fromHex(installCode.link_key);

interface Node {
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
const tc = node(s1.responder_v.ieee, 0x0000);
const meter = node(s1.initiator_u.ieee, 0x0002);
const u2 = node(s2.initiator_u.ieee, 0x1012);
const v2 = node(s2.responder_v.ieee, 0x1011);
const meter2 = node("0000000000000003", 0x0003);

/** What the test expects tshark to show for one frame. */
interface Sent {
  what: string;
  bytes: Uint8Array;
}

function build(options: { fcs: boolean }): Sent[] {
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
  return out;
}

const keys: WiresharkKey[] = [
  { key: installCodeKey, label: `install-code link key ${toHex(meter.eui)}` },
  { key: fromHex(s1.key_data), label: `CBKE suite 1 link key ${toHex(meter.eui)} <-> TC ${toHex(tc.eui)}` },
  { key: fromHex(s2.key_data), label: `CBKE suite 2 link key ${toHex(u2.eui)} <-> ${toHex(v2.eui)}` },
];

const FIELDS = [
  "frame.number",
  "frame.time_epoch",
  "wpan.fcs_ok",
  "wpan.seq_no",
  "zbee_nwk.security",
  "zbee_nwk.src",
  "zbee_nwk.dst",
  "zbee.sec.key_id",
  "zbee.sec.counter",
  "zbee.sec.src64",
  "zbee.sec.decryption_key",
  "zbee_sec.encrypted_payload",
  "zbee_aps.type",
  "zbee_aps.security",
  "zbee_aps.cluster",
  "zbee_aps.profile",
  "zbee_aps.counter",
  "zbee_aps.cmd.id",
  "zbee_aps.cmd.key_type",
  "zbee_aps.cmd.key",
  "zbee_aps.cmd.dst",
  "zbee_aps.cmd.src",
  "zbee_zdp.in_cluster",
  "zbee_zdp.endpoint",
  "zbee_zdp.ext_addr",
  "zbee_zcl_se.ke.cmd.srv_rx.id",
  "zbee_zcl_se.ke.cmd.srv_tx.id",
  "zbee_zcl_se.ke.attr.suite",
  "zbee_zcl_se.ke.init.ephemeral.time",
  "zbee_zcl_se.ke.init.confirm.time",
  "zbee_zcl_se.ke.cert.reconst",
  "zbee_zcl_se.ke.cert.subject",
  "zbee_zcl_se.ke.cert.issuer",
  "zbee_zcl_se.ke.cert.profile",
  "zbee_zcl_se.ke.cert.type",
  "zbee_zcl_se.ke.cert.serialno",
  "zbee_zcl_se.ke.cert.curve",
  "zbee_zcl_se.ke.cert.hash",
  "zbee_zcl_se.ke.cert.valid.from",
  "zbee_zcl_se.ke.cert.key.usage.agreement",
  "zbee_zcl_se.ke.qeu",
  "zbee_zcl_se.ke.qev",
  "zbee_zcl_se.ke.macu",
  "zbee_zcl_se.ke.macv",
  "zbee_zcl_se.ke.terminate.status",
  "zbee_zcl_se.ke.terminate.wait.time",
  "zbee_zcl_se.ke.attr_id",
  "zbee_zcl.attr.uint16",
  "zbee_zcl_se.keep_alive.attr.base",
  "zbee_zcl_se.keep_alive.attr.jitter",
  "_ws.malformed",
  "_ws.expert.severity",
  "_ws.expert.message",
];

const skip = tsharkAvailable() ? false : "tshark (/usr/bin/tshark) is not installed";

describe("Wireshark reads and decrypts our frames (tshark)", { skip }, () => {
  let dir = "";
  let sent: Sent[] = [];
  let frames: TsharkFrame[] = [];
  const byWhat = (what: string): TsharkFrame => {
    const i = sent.findIndex((s) => s.what === what);
    assert.ok(i >= 0, `no frame ${what}`);
    return frames[i];
  };
  const one = (f: TsharkFrame, field: string): string => {
    const v = f[field];
    assert.ok(v && v.length > 0, `field ${field} missing in frame ${f["frame.number"]?.[0]}`);
    return v[0];
  };
  const hex = (s: string) => s.replace(/[:\s]/g, "").toLowerCase();

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "zse-tshark-test-"));
    sent = build({ fcs: true });
    const w = new PcapWriter({ linkType: LINKTYPE_IEEE802_15_4_WITHFCS });
    sent.forEach((s, i) => w.add({ timeUs: START_US + i * 20_000, data: s.bytes }));
    writeFileSync(join(dir, "se.pcap"), w.toBytes());
    writeFileSync(join(dir, "keys.txt"), formatKeysFile(keys));
    frames = runTshark({ pcap: join(dir, "se.pcap"), keysFile: join(dir, "keys.txt"), fields: FIELDS });
  });
  after(() => (process.env.KEEP ? undefined : rmSync(dir, { recursive: true, force: true })));

  it("reads every frame: FCS correct, nothing malformed, nothing left encrypted, no warning", () => {
    assert.equal(frames.length, sent.length);
    frames.forEach((f, i) => {
      const what = sent[i].what;
      assert.deepEqual(f["wpan.fcs_ok"], ["1"], `${what}: FCS`);
      assert.equal(f["_ws.malformed"], undefined, `${what}: malformed`);
      assert.equal(f["zbee_sec.encrypted_payload"], undefined, `${what}: left encrypted`);
      const severities = (f["_ws.expert.severity"] ?? []).map(Number);
      assert.ok(
        severities.every((s) => s < PI_WARN),
        `${what}: expert info ${f["_ws.expert.message"]?.join("; ")}`,
      );
    });
  });

  it("timestamps are the virtual time written", () => {
    assert.equal(one(frames[0], "frame.time_epoch"), "1767225600.000000000");
    assert.equal(one(frames[3], "frame.time_epoch"), "1767225600.060000000");
  });

  it("decrypts the Transport Key of the network key under the key-transport key of the install-code key", () => {
    const f = byWhat("transport-key");
    assert.equal(one(f, "zbee_nwk.security"), "0");
    assert.equal(Number(one(f, "zbee.sec.key_id")), 2);
    assert.equal(hex(one(f, "zbee.sec.src64")), toHex(tc.eui));
    assert.equal(Number(one(f, "zbee_aps.cmd.id")), 5);
    assert.equal(Number(one(f, "zbee_aps.cmd.key_type")), 1);
    assert.equal(hex(one(f, "zbee_aps.cmd.key")), toHex(networkKey));
    assert.equal(hex(one(f, "zbee_aps.cmd.dst")), toHex(meter.eui));
    assert.equal(hex(one(f, "zbee_aps.cmd.src")), toHex(tc.eui));
    assert.match(one(f, "zbee.sec.decryption_key"), /install-code link key/);
  });

  it("decrypts NWK security with the network key it learned from that Transport Key", () => {
    const f = byWhat("device-announce");
    assert.equal(one(f, "zbee_nwk.security"), "1");
    assert.equal(Number(one(f, "zbee.sec.key_id")), 1);
    assert.equal(hex(one(f, "zbee.sec.src64")), toHex(meter.eui));
    assert.equal(hex(one(f, "zbee_zdp.ext_addr")), toHex(meter.eui));
  });

  it("reads Match_Desc for the KE cluster and the endpoint answered", () => {
    assert.equal(one(byWhat("match-desc-req"), "zbee_zdp.in_cluster"), "0x0800");
    assert.equal(one(byWhat("match-desc-rsp"), "zbee_zdp.endpoint"), String(SE_ENDPOINT));
  });

  for (const [tag, v, suite] of [
    ["s1", s1, 1],
    ["s2", s2, 2],
  ] as const) {
    describe(`CBKE suite ${suite} (SE 07-5356 Annex C) through the KE cluster dissector`, () => {
      it("Initiate KE Request/Response: suite, generate times, certificate fields", () => {
        for (const [what, party, dirField] of [
          [`${tag}-initiate-req`, v.initiator_u, "zbee_zcl_se.ke.cmd.srv_rx.id"],
          [`${tag}-initiate-rsp`, v.responder_v, "zbee_zcl_se.ke.cmd.srv_tx.id"],
        ] as const) {
          const f = byWhat(what);
          assert.equal(one(f, dirField), "0x00");
          assert.equal(Number(one(f, "zbee_zcl_se.ke.attr.suite")), suite);
          assert.equal(one(f, "zbee_zcl_se.ke.init.ephemeral.time"), "16");
          assert.equal(one(f, "zbee_zcl_se.ke.init.confirm.time"), "16");
          const cert = fromHex(party.certificate);
          assert.equal(hex(one(f, "zbee_zcl_se.ke.cert.subject")), party.ieee);
          if (suite === 1) {
            assert.equal(hex(one(f, "zbee_zcl_se.ke.cert.reconst")), toHex(cert.subarray(0, 22)));
            assert.equal(hex(one(f, "zbee_zcl_se.ke.cert.issuer")), toHex(cert.subarray(30, 38)));
            assert.equal(hex(one(f, "zbee_zcl_se.ke.cert.profile")), toHex(cert.subarray(38, 48)));
          } else {
            assert.equal(Number(one(f, "zbee_zcl_se.ke.cert.type")), 0);
            assert.equal(
              BigInt(one(f, "zbee_zcl_se.ke.cert.serialno")),
              BigInt(`0x${toHex(cert.subarray(1, 9))}`),
            );
            assert.equal(Number(one(f, "zbee_zcl_se.ke.cert.curve")), 0x0d);
            assert.equal(Number(one(f, "zbee_zcl_se.ke.cert.hash")), 0x08);
            assert.equal(hex(one(f, "zbee_zcl_se.ke.cert.issuer")), toHex(cert.subarray(11, 19)));
            assert.match(one(f, "zbee_zcl_se.ke.cert.valid.from"), /2013/);
            assert.equal(one(f, "zbee_zcl_se.ke.cert.key.usage.agreement"), "1");
            assert.equal(hex(one(f, "zbee_zcl_se.ke.cert.reconst")), toHex(cert.subarray(37, 74)));
          }
        }
      });

      it("Ephemeral Data and Confirm Key: QEU, QEV, MACU, MACV as in the vectors", () => {
        assert.equal(
          hex(one(byWhat(`${tag}-ephemeral-req`), "zbee_zcl_se.ke.qeu")),
          v.initiator_u.ephemeral_public_key,
        );
        assert.equal(
          hex(one(byWhat(`${tag}-ephemeral-rsp`), "zbee_zcl_se.ke.qev")),
          v.responder_v.ephemeral_public_key,
        );
        assert.equal(hex(one(byWhat(`${tag}-confirm-req`), "zbee_zcl_se.ke.macu")), v.mac_u);
        assert.equal(hex(one(byWhat(`${tag}-confirm-rsp`), "zbee_zcl_se.ke.macv")), v.mac_v);
      });

      it("KE frames go without APS security, with APS acknowledgements", () => {
        assert.equal(one(byWhat(`${tag}-confirm-req`), "zbee_aps.security"), "0");
        const ack = byWhat(`${tag}-aps-ack`);
        assert.equal(one(ack, "zbee_aps.type"), "0x02");
        assert.equal(one(ack, "zbee_aps.cluster"), "0x0800");
      });
    });
  }

  it("reads Terminate KE: status NO_RESOURCES, wait time", () => {
    const f = byWhat("terminate");
    assert.equal(one(f, "zbee_zcl_se.ke.cmd.srv_tx.id"), "0x03");
    assert.equal(Number(one(f, "zbee_zcl_se.ke.terminate.status")), 4);
    assert.equal(one(f, "zbee_zcl_se.ke.terminate.wait.time"), "30");
  });

  it("decrypts the Keep-Alive read response under the CBKE link key: Base 10, Jitter 300", () => {
    const f = byWhat("keepalive-read-rsp");
    assert.equal(one(f, "zbee_aps.security"), "1");
    assert.equal(one(f, "zbee_aps.cluster"), "0x0025");
    assert.equal(one(f, "zbee_zcl_se.keep_alive.attr.base"), "10");
    assert.equal(one(f, "zbee_zcl_se.keep_alive.attr.jitter"), "300");
    assert.ok(f["zbee.sec.decryption_key"]?.some((l) => /CBKE suite 1/.test(l)));
  });

  it("decrypts application data of the suite 2 pair under its CBKE link key", () => {
    const f = byWhat("s2-read-suite-rsp");
    assert.equal(one(f, "zbee_aps.security"), "1");
    assert.ok(f["zbee.sec.decryption_key"]?.some((l) => /CBKE suite 2/.test(l)));
    assert.equal(one(f, "zbee_zcl_se.ke.attr_id"), "0x0000");
    assert.equal(one(f, "zbee_zcl.attr.uint16"), "2");
  });

  it("without the keys file nothing past the NWK header is readable", () => {
    const bare = runTshark({
      pcap: join(dir, "se.pcap"),
      fields: ["frame.number", "zbee_sec.encrypted_payload"],
    });
    assert.ok(bare.every((f) => f["zbee_sec.encrypted_payload"]?.[0] === "1"));
  });

  it("LINKTYPE_IEEE802_15_4_NOFCS (230) captures read the same", () => {
    const nofcs = build({ fcs: false });
    const w = new PcapWriter({ linkType: LINKTYPE_IEEE802_15_4_NOFCS });
    nofcs.forEach((s, i) => w.add({ timeUs: START_US + i * 20_000, data: s.bytes }));
    writeFileSync(join(dir, "nofcs.pcap"), w.toBytes());
    const f2 = runTshark({
      pcap: join(dir, "nofcs.pcap"),
      keysFile: join(dir, "keys.txt"),
      fields: [
        "zbee_sec.encrypted_payload",
        "_ws.malformed",
        "zbee_zcl_se.keep_alive.attr.jitter",
        "zbee_zcl_se.ke.macv",
      ],
    });
    assert.equal(f2.length, nofcs.length);
    assert.ok(
      f2.every((f) => f["zbee_sec.encrypted_payload"] === undefined && f["_ws.malformed"] === undefined),
    );
    assert.deepEqual(
      f2.flatMap((f) => f["zbee_zcl_se.keep_alive.attr.jitter"] ?? []),
      ["300"],
    );
    assert.deepEqual(f2.flatMap((f) => f["zbee_zcl_se.ke.macv"] ?? []).map(hex), [s1.mac_v, s2.mac_v]);
  });
});
