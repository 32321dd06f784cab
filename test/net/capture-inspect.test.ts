/**
 * `inspectCapture` and `zse capture inspect` on the capture of test/support/se-capture.ts: KE
 * exchanges (SE 07-5356 C.3.1) with the Annex C values, Terminate, Keep-Alive reads (A.3.5),
 * keys learned from the Transport Key (05-3474 4.4.10.1), and what stays undecrypted.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { inspectCapture } from "../../src/net/capture-inspect.js";
import { formatKeysFile } from "../../src/net/keys-file.js";
import {
  LINKTYPE_IEEE802_15_4_NOFCS,
  LINKTYPE_IEEE802_15_4_WITHFCS,
  PcapWriter,
} from "../../src/net/pcap.js";
import { toHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { zse } from "../support/cli.js";
import {
  appLinkKey,
  buildSeCapture,
  captureKeys,
  meter,
  networkKey,
  s1,
  s2,
  tc,
  toPcap,
} from "../support/se-capture.js";

const pcap = toPcap(buildSeCapture({ fcs: true }), LINKTYPE_IEEE802_15_4_WITHFCS);

describe("inspectCapture (SE 07-5356 C.3.1 KE, A.3.5 Keep-Alive)", () => {
  const r = inspectCapture(pcap, { keys: captureKeys });

  it("decrypts every frame and learns the network key from the Transport Key", () => {
    assert.equal(r.frames, 32);
    assert.deepEqual(r.undecrypted, []);
    assert.deepEqual(r.malformed, []);
    assert.deepEqual(
      r.learnedKeys.map((k) => [k.frame, k.keyType, k.key]),
      [
        [4, "network", toHex(networkKey)],
        [31, "applicationLink", toHex(appLinkKey)],
      ],
    );
  });

  it("finds the MAC association that gave the meter its short address", () => {
    assert.deepEqual(r.associations, [
      {
        requestFrame: 2,
        responseFrame: 3,
        device: toHex(meter.eui),
        coordinator: toHex(tc.eui),
        shortAddress: meter.short,
        status: 0,
      },
    ]);
  });

  it("finds both CBKE exchanges with the Annex C values and SUCCESS", () => {
    const ok = r.keyEstablishment.filter((x) => x.outcome === "SUCCESS");
    assert.equal(ok.length, 2);
    for (const [x, v, suite] of [
      [ok[0], s1, 1],
      [ok[1], s2, 2],
    ] as const) {
      assert.equal(x.suite, suite);
      assert.equal(x.initiator, v.initiator_u.ieee);
      assert.equal(x.responder, v.responder_v.ieee);
      assert.equal(toHex(x.initiatorCertificate!.subject), v.initiator_u.ieee);
      assert.equal(toHex(x.responderCertificate!.subject), v.responder_v.ieee);
      assert.equal(x.qeu, v.initiator_u.ephemeral_public_key);
      assert.equal(x.qev, v.responder_v.ephemeral_public_key);
      assert.equal(x.macU, v.mac_u);
      assert.equal(x.macV, v.mac_v);
      assert.deepEqual(x.notes, []);
    }
  });

  it("reports the Terminate status and flags the certificate that is not the sender's", () => {
    const t = r.keyEstablishment.find((x) => x.outcome === "TERMINATED");
    assert.ok(t);
    assert.deepEqual(t.terminate, {
      status: 4,
      statusName: "NO_RESOURCES",
      waitTime: 30,
      sentBy: "responder",
    });
    assert.equal(t.initiator, "0000000000000003");
    assert.match(t.notes[0], /subject 0000000000000002 is not the sender 0000000000000003/);
  });

  it("reads the keep-alive request and the Base/Jitter answer, APS-encrypted", () => {
    assert.deepEqual(
      r.keepAlive.map((k) => [
        k.kind,
        k.from,
        k.to,
        k.attributes ?? null,
        k.base ?? null,
        k.jitter ?? null,
        k.apsSecured,
      ]),
      [
        ["read", toHex(meter.eui), toHex(tc.eui), [0, 1], null, null, true],
        ["response", toHex(tc.eui), toHex(meter.eui), null, 10, 300, true],
      ],
    );
  });

  it("without the CBKE keys the keep-alive frames are listed as not decrypted (MIC_FAILED)", () => {
    const r2 = inspectCapture(pcap, { keys: captureKeys.slice(0, 1) });
    assert.deepEqual(
      r2.undecrypted.map((u) => [u.layer, u.reason]),
      Array.from({ length: 7 }, () => ["aps", "MIC_FAILED"]),
    );
    assert.equal(r2.keepAlive.length, 0);
    assert.equal(r2.keyEstablishment.length, 3, "KE frames need only the network key");
  });

  it("without any key nothing past the NWK header is read (NO_KEY), and nothing throws", () => {
    const r3 = inspectCapture(pcap);
    assert.equal(r3.undecrypted.filter((u) => u.layer === "nwk" && u.reason === "NO_KEY").length, 28);
    assert.equal(r3.keyEstablishment.length, 0);
  });

  it("lists a malformed frame instead of failing, and refuses a non-802.15.4 link type", () => {
    const w = new PcapWriter({ linkType: LINKTYPE_IEEE802_15_4_NOFCS }).add({
      timeUs: 0,
      data: Uint8Array.of(0x61, 0x88, 1),
    });
    const r4 = inspectCapture(w.toBytes());
    assert.equal(r4.malformed.length, 1);
    assert.match(r4.malformed[0].error, /destination PAN/);
    const eth = new PcapWriter({ linkType: 1 }).toBytes();
    assert.throws(
      () => inspectCapture(eth),
      (e) => isZseError(e, "BAD_FORMAT") && /link type: 1/.test(e.message),
    );
  });
});

describe("zse capture inspect", () => {
  const dir = mkdtempSync(join(tmpdir(), "zse-capture-test-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "se.pcap"), pcap);
  writeFileSync(join(dir, "se.keys"), formatKeysFile(captureKeys));

  it("--json prints one document with the exchanges and keep-alive values", () => {
    const r = zse(["capture", "inspect", join(dir, "se.pcap"), "--keys", join(dir, "se.keys"), "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.keyEstablishment[1].initiatorCertificate.subject, s2.initiator_u.ieee);
    assert.match(doc.keyEstablishment[1].initiatorCertificate.validFrom, /^2013-11-25T/);
    assert.equal(doc.keyEstablishment[0].macV, s1.mac_v);
    assert.equal(doc.keepAlive[1].jitter, 300);
    assert.match(doc.keepAlive[1].time, /^2026-01-01T00:00:00\.\d{3}Z$/);
  });

  it("prints readable lines", () => {
    const r = zse(["capture", "inspect", join(dir, "se.pcap"), "--keys", join(dir, "se.keys")]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /KE 1: 0000000000000002 -> 0000000000000001, suite 1, SUCCESS/);
    assert.match(r.stdout, /TERMINATED NO_RESOURCES by the responder \(wait 30 s\)/);
    assert.match(r.stdout, /response base 10 min, jitter 300 s \(APS-encrypted\)/);
  });

  it("bad input: a missing file or a broken keys file is one line on stderr and exit 2", () => {
    const a = zse(["capture", "inspect", join(dir, "missing.pcap")]);
    assert.equal(a.status, 2);
    assert.match(a.stderr, /^zse: capture .*missing\.pcap: ENOENT\n$/);
    writeFileSync(join(dir, "bad.keys"), "not a key\n");
    const b = zse(["capture", "inspect", join(dir, "se.pcap"), "--keys", join(dir, "bad.keys")]);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /keys file line 1/);
    assert.equal(b.stdout, "");
  });
});
