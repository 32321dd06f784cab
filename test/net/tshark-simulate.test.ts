/**
 * Issue 8 end to end: `zse simulate --pcap --keys` for both suites, then Debian's tshark reads
 * the capture with the keys file - every frame decoded (802.15.4 FCS, NWK security 05-3474
 * 4.3.1, APS security 4.4.1), the Transport Key of the network key decrypted (4.4.10.1), every
 * KE command read by Wireshark's KE cluster dissector (SE 07-5356 C.3.1) with the right suite,
 * certificate fields and ephemeral data, and the application data decrypted under the keys the
 * run produced. tshark's KE fields must equal our own reading (`zse capture inspect`): two
 * independent readers of the same bytes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseKeysFile } from "../../src/net/keys-file.js";
import { toHex } from "../../src/util/bytes.js";
import { zse } from "../support/cli.js";
import { PI_WARN, runTshark, tsharkAvailable, tsharkBool } from "../support/tshark.js";

const FIELDS = [
  "frame.number",
  "wpan.fcs_ok",
  "_ws.malformed",
  "_ws.expert.severity",
  "_ws.expert.message",
  "zbee_sec.encrypted_payload",
  "zbee.sec.decryption_key",
  "zbee.sec.src64",
  "zbee_aps.cmd.id",
  "zbee_aps.cmd.key_type",
  "zbee_aps.cmd.key",
  "zbee_aps.cluster",
  "zbee_zcl_se.ke.cmd.srv_rx.id",
  "zbee_zcl_se.ke.cmd.srv_tx.id",
  "zbee_zcl_se.ke.attr.suite",
  "zbee_zcl_se.ke.cert.subject",
  "zbee_zcl_se.ke.cert.type",
  "zbee_zcl_se.ke.cert.curve",
  "zbee_zcl_se.ke.cert.hash",
  "zbee_zcl_se.ke.qeu",
  "zbee_zcl_se.ke.qev",
  "zbee_zcl_se.ke.macu",
  "zbee_zcl_se.ke.macv",
  "zbee_zcl_se.keep_alive.attr.base",
  "zbee_zcl_se.keep_alive.attr.jitter",
];

const skip = tsharkAvailable() ? false : "tshark (/usr/bin/tshark) is not installed";
const hex = (s: string) => s.replace(/[:\s]/g, "").toLowerCase();

describe("zse simulate --pcap --keys read by Wireshark (issue 8)", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "zse-sim-tshark-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, suite, scenario] of [
    ["suite 1", 1, "default"],
    ["suite 2", 2, "default"],
    ["TCSO scenario (suite 2)", 2, "tcso"],
  ] as const) {
    describe(name, () => {
      const pcap = join(dir, `${scenario}-${suite}.pcap`);
      const keysFile = join(dir, `${scenario}-${suite}.keys`);
      const run = zse([
        "simulate",
        ...["--scenario", scenario, "--suite", String(suite), "--seed", "3"],
        ...["--pcap", pcap, "--keys", keysFile, "--json"],
      ]);
      const sim = run.status === 0 ? JSON.parse(run.stdout) : undefined;
      const frames = sim ? runTshark({ pcap, keysFile, fields: FIELDS }) : [];
      const all = (field: string) => frames.flatMap((f) => f[field] ?? []);

      it("the simulation succeeds and writes both files", () => {
        assert.equal(run.status, 0, run.stderr);
        assert.equal(sim.ok, true);
        assert.ok(frames.length > 20);
      });

      it("every frame: FCS correct, not malformed, nothing left encrypted, no warning", () => {
        for (const f of frames) {
          const n = f["frame.number"]?.[0];
          assert.deepEqual(f["wpan.fcs_ok"]?.map(tsharkBool), [true], `frame ${n}: FCS`);
          assert.equal(f["_ws.malformed"], undefined, `frame ${n}: malformed`);
          assert.equal(f["zbee_sec.encrypted_payload"], undefined, `frame ${n}: left encrypted`);
          const sev = (f["_ws.expert.severity"] ?? []).map(Number);
          assert.ok(
            sev.every((s) => s < PI_WARN),
            `frame ${n}: ${f["_ws.expert.message"]?.join("; ")}`,
          );
        }
      });

      it("decrypts the Transport Key carrying the network key of the keys file", () => {
        const network = parseKeysFile(readFileSync(keysFile, "utf8")).find((k) =>
          /network key/.test(k.label),
        );
        assert.ok(network);
        const tk = frames.filter((f) => f["zbee_aps.cmd.key_type"]?.map(Number).includes(1));
        assert.ok(tk.length >= 1);
        assert.equal(hex(tk[0]["zbee_aps.cmd.key"]![0]), toHex(network.key));
      });

      it("reads every KE command with the suite, certificates of the devices, ephemeral data and MACs", () => {
        const suites = all("zbee_zcl_se.ke.attr.suite").map(Number);
        assert.ok(suites.length >= 4 && suites.every((s) => s === suite), `suites ${suites}`);
        // Each certificate's subject is its sender, the device that secured the NWK frame.
        const withCert = frames.filter((f) => f["zbee_zcl_se.ke.cert.subject"]);
        assert.ok(withCert.length >= 2 * sim.stats.handshakes);
        for (const f of withCert) {
          assert.equal(hex(f["zbee_zcl_se.ke.cert.subject"]![0]), hex(f["zbee.sec.src64"]![0]));
        }
        if (suite === 2) {
          assert.ok(all("zbee_zcl_se.ke.cert.type").every((t) => Number(t) === 0));
          assert.ok(all("zbee_zcl_se.ke.cert.curve").every((c) => Number(c) === 0x0d));
          assert.ok(all("zbee_zcl_se.ke.cert.hash").every((h) => Number(h) === 0x08));
        }
        const pointLength = suite === 1 ? 22 : 37;
        for (const q of [...all("zbee_zcl_se.ke.qeu"), ...all("zbee_zcl_se.ke.qev")]) {
          assert.equal(hex(q).length, 2 * pointLength);
        }
        // Our own reader of the same capture must see the same exchanges.
        const ours = zse(["capture", "inspect", pcap, "--keys", keysFile, "--json"]);
        assert.equal(ours.status, 0, ours.stderr);
        const report = JSON.parse(ours.stdout);
        assert.deepEqual(report.undecrypted, []);
        assert.deepEqual(report.malformed, []);
        const ke = report.keyEstablishment as {
          suite: number;
          outcome: string;
          qeu: string;
          qev: string;
          macU: string;
          macV: string;
        }[];
        assert.equal(2 * ke.length, withCert.length, "one Initiate Request and Response per exchange");
        assert.ok(ke.every((x) => x.suite === suite && x.outcome === "SUCCESS"));
        assert.deepEqual(
          all("zbee_zcl_se.ke.qeu").map(hex),
          ke.map((x) => x.qeu),
        );
        assert.deepEqual(
          all("zbee_zcl_se.ke.qev").map(hex),
          ke.map((x) => x.qev),
        );
        assert.deepEqual(
          all("zbee_zcl_se.ke.macu").map(hex),
          ke.map((x) => x.macU),
        );
        assert.deepEqual(
          all("zbee_zcl_se.ke.macv").map(hex),
          ke.map((x) => x.macV),
        );
      });

      if (scenario === "tcso") {
        it("shows the keep-alive Base and Jitter in the decrypted read responses, as our reader does", () => {
          const base = all("zbee_zcl_se.keep_alive.attr.base").map(Number);
          const jitter = all("zbee_zcl_se.keep_alive.attr.jitter").map(Number);
          assert.ok(base.length >= 2, "keep-alive responses read by tshark");
          const ours = JSON.parse(zse(["capture", "inspect", pcap, "--keys", keysFile, "--json"]).stdout);
          const responses = (
            ours.keepAlive as { kind: string; base?: number; jitter?: number; apsSecured: boolean }[]
          ).filter((k) => k.kind === "response");
          assert.ok(responses.every((r) => r.apsSecured));
          assert.deepEqual(
            base,
            responses.map((r) => r.base),
          );
          assert.deepEqual(
            jitter,
            responses.map((r) => r.jitter),
          );
          assert.ok(base.every((b) => b >= 1 && b <= 255) && jitter.every((j) => j >= 0 && j <= 512));
        });
      }

      it("decrypts data under the CBKE key and the application link key's Transport Keys", () => {
        const labels = new Set(all("zbee.sec.decryption_key"));
        assert.ok(
          [...labels].some((l) => /CBKE/.test(l)),
          [...labels].join(" | "),
        );
        const app = parseKeysFile(readFileSync(keysFile, "utf8")).find((k) =>
          /application link key/.test(k.label),
        );
        // Only the default scenario runs the display's keWithDevice + APS Request Key.
        if (scenario !== "default") return;
        assert.ok(app);
        const tk = frames.filter((f) => f["zbee_aps.cmd.key_type"]?.map(Number).includes(3));
        assert.equal(tk.length, 2, "one Transport Key to each partner");
        for (const f of tk) assert.equal(hex(f["zbee_aps.cmd.key"]![0]), toHex(app.key));
      });
    });
  }
});
