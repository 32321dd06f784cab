/**
 * Cross-check with Wireshark (Debian tshark): the capture of test/support/se-capture.ts, built
 * only from our codecs, must be decoded and decrypted by tshark with our keys file, field by
 * field (zbee_nwk.*, zbee_aps.*, zbee_zdp.*, zbee_zcl_se.ke.*, zbee_zcl_se.keep_alive.*), with
 * no malformed or undecryptable frame: 05-3474 4.3.1 / 4.4.1 security, 4.4.10.1 Transport Key,
 * SE 07-5356 Annex C CBKE (suites 1 and 2) and the Keep-Alive cluster.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { formatKeysFile } from "../../src/net/keys-file.js";
import { LINKTYPE_IEEE802_15_4_NOFCS, LINKTYPE_IEEE802_15_4_WITHFCS } from "../../src/net/pcap.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import {
  appLinkKey,
  buildSeCapture,
  captureKeys,
  meter,
  networkKey,
  SE_ENDPOINT,
  type Sent,
  s1,
  s2,
  tc,
  toPcap,
  u2,
} from "../support/se-capture.js";
import { PI_WARN, runTshark, type TsharkFrame, tsharkAvailable, tsharkBool } from "../support/tshark.js";

const FIELDS = [
  "frame.number",
  "frame.time_epoch",
  "wpan.fcs_ok",
  "wpan.seq_no",
  "wpan.cmd",
  "wpan.src64",
  "wpan.dst64",
  "wpan.asoc.addr",
  "wpan.assoc.status",
  "wpan.cinfo.alloc_addr",
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
  "zbee_aps.cmd.partner",
  "zbee_aps.cmd.init_flag",
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
    sent = buildSeCapture({ fcs: true });
    writeFileSync(join(dir, "se.pcap"), toPcap(sent, LINKTYPE_IEEE802_15_4_WITHFCS));
    writeFileSync(join(dir, "keys.txt"), formatKeysFile(captureKeys));
    frames = runTshark({ pcap: join(dir, "se.pcap"), keysFile: join(dir, "keys.txt"), fields: FIELDS });
  });
  after(() => (process.env.KEEP ? undefined : rmSync(dir, { recursive: true, force: true })));

  it("reads every frame: FCS correct, nothing malformed, nothing left encrypted, no warning", () => {
    assert.equal(frames.length, sent.length);
    frames.forEach((f, i) => {
      const what = sent[i].what;
      assert.deepEqual(f["wpan.fcs_ok"]?.map(tsharkBool), [true], `${what}: FCS`);
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
    const t0 = Number(one(frames[0], "frame.time_epoch"));
    const t3 = Number(one(frames[3], "frame.time_epoch"));
    assert.equal(t0, 1767225600);
    assert.equal(Math.round((t3 - t0) * 1e6), 60_000);
  });

  it("reads the MAC association commands (802.15.4-2006 7.3.1, 7.3.2, 7.3.7)", () => {
    assert.equal(Number(one(byWhat("beacon-request"), "wpan.cmd")), 0x07);
    const req = byWhat("association-request");
    assert.equal(Number(one(req, "wpan.cmd")), 0x01);
    assert.equal(hex(one(req, "wpan.src64")), toHex(meter.eui));
    assert.equal(tsharkBool(one(req, "wpan.cinfo.alloc_addr")), true);
    const rsp = byWhat("association-response");
    assert.equal(Number(one(rsp, "wpan.cmd")), 0x02);
    assert.equal(hex(one(rsp, "wpan.dst64")), toHex(meter.eui));
    assert.equal(Number(one(rsp, "wpan.asoc.addr")), meter.short);
    assert.equal(Number(one(rsp, "wpan.assoc.status")), 0);
  });

  it("decrypts the Transport Key of the network key under the key-transport key of the install-code key", () => {
    const f = byWhat("transport-key");
    assert.equal(tsharkBool(one(f, "zbee_nwk.security")), false);
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
    assert.equal(tsharkBool(one(f, "zbee_nwk.security")), true);
    assert.equal(Number(one(f, "zbee.sec.key_id")), 1);
    assert.equal(hex(one(f, "zbee.sec.src64")), toHex(meter.eui));
    assert.equal(hex(one(f, "zbee_zdp.ext_addr")), toHex(meter.eui));
  });

  it("reads Match_Desc for the KE cluster and the endpoint answered", () => {
    assert.equal(Number(one(byWhat("match-desc-req"), "zbee_zdp.in_cluster")), 0x0800);
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
          assert.equal(Number(one(f, dirField)), 0x00);
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
            assert.equal(tsharkBool(one(f, "zbee_zcl_se.ke.cert.key.usage.agreement")), true);
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
        assert.equal(tsharkBool(one(byWhat(`${tag}-confirm-req`), "zbee_aps.security")), false);
        const ack = byWhat(`${tag}-aps-ack`);
        assert.equal(Number(one(ack, "zbee_aps.type")), 0x02);
        assert.equal(Number(one(ack, "zbee_aps.cluster")), 0x0800);
      });
    });
  }

  it("reads Terminate KE: status NO_RESOURCES, wait time", () => {
    const f = byWhat("terminate");
    assert.equal(Number(one(f, "zbee_zcl_se.ke.cmd.srv_tx.id")), 0x03);
    assert.equal(Number(one(f, "zbee_zcl_se.ke.terminate.status")), 4);
    assert.equal(one(f, "zbee_zcl_se.ke.terminate.wait.time"), "30");
  });

  it("decrypts the Keep-Alive read response under the CBKE link key: Base 10, Jitter 300", () => {
    const f = byWhat("keepalive-read-rsp");
    assert.equal(tsharkBool(one(f, "zbee_aps.security")), true);
    assert.equal(Number(one(f, "zbee_aps.cluster")), 0x0025);
    assert.equal(one(f, "zbee_zcl_se.keep_alive.attr.base"), "10");
    assert.equal(one(f, "zbee_zcl_se.keep_alive.attr.jitter"), "300");
    assert.ok(f["zbee.sec.decryption_key"]?.some((l) => /CBKE suite 1/.test(l)));
  });

  it("decrypts application data of the suite 2 pair under its CBKE link key", () => {
    const f = byWhat("s2-read-suite-rsp");
    assert.equal(tsharkBool(one(f, "zbee_aps.security")), true);
    assert.ok(f["zbee.sec.decryption_key"]?.some((l) => /CBKE suite 2/.test(l)));
    assert.equal(Number(one(f, "zbee_zcl_se.ke.attr_id")), 0x0000);
    assert.equal(one(f, "zbee_zcl.attr.uint16"), "2");
  });

  it("decrypts APS Request Key and the application link key's Transport Key (key-load key, id 3)", () => {
    const req = byWhat("request-key-app");
    assert.equal(Number(one(req, "zbee_aps.cmd.id")), 8);
    assert.equal(Number(one(req, "zbee_aps.cmd.key_type")), 2);
    assert.equal(hex(one(req, "zbee_aps.cmd.partner")), toHex(u2.eui));
    assert.ok(req["zbee.sec.decryption_key"]?.some((l) => /CBKE suite 1/.test(l)));
    const tk = byWhat("transport-key-app");
    assert.deepEqual((tk["zbee.sec.key_id"] ?? []).map(Number), [1, 3], "NWK network key, APS key-load key");
    assert.equal(Number(one(tk, "zbee_aps.cmd.key_type")), 3);
    assert.equal(hex(one(tk, "zbee_aps.cmd.key")), toHex(appLinkKey));
    assert.equal(hex(one(tk, "zbee_aps.cmd.partner")), toHex(u2.eui));
    assert.equal(tsharkBool(one(tk, "zbee_aps.cmd.init_flag")), true);
    const tclk = byWhat("request-key-tclk");
    assert.equal(Number(one(tclk, "zbee_aps.cmd.key_type")), 4);
  });

  it("without the keys file nothing past the NWK header is readable", () => {
    const bare = runTshark({
      pcap: join(dir, "se.pcap"),
      fields: ["frame.number", "zbee_sec.encrypted_payload"],
    });
    const secured = bare.filter(
      (_, i) => !sent[i].what.startsWith("beacon") && !sent[i].what.startsWith("association"),
    );
    assert.equal(secured.length, sent.length - 3);
    assert.ok(secured.every((f) => f["zbee_sec.encrypted_payload"] !== undefined));
  });

  it("LINKTYPE_IEEE802_15_4_NOFCS (230) captures read the same", () => {
    const nofcs = buildSeCapture({ fcs: false });
    writeFileSync(join(dir, "nofcs.pcap"), toPcap(nofcs, LINKTYPE_IEEE802_15_4_NOFCS));
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
