/**
 * `zse simulate --scenario tcso | tc-outage` (issue 7 item 4; seed 6.2) with CBKE suite 2 (the
 * suite 1 runs are in scenario-tcso.test.ts), and Wireshark (tshark, an independent Zigbee
 * dissector) decrypting the tcso capture: the new Trust Center's Keep-Alive answers carry
 * Base 1 and Jitter 5.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runSimulation, SIM_TC_EUI, SIM_TC2_EUI } from "../../src/node/simulation.js";
import { zse } from "../support/cli.js";
import { runTshark, tsharkAvailable } from "../support/tshark.js";

const dir = mkdtempSync(join(tmpdir(), "zse-tcso-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("zse simulate keep-alive scenarios, CBKE suite 2 (issue 7 item 4)", () => {
  it("tcso: every device ends SUCCESS with the new TC and a CBKE link key it shares", async () => {
    const r = await runSimulation({ scenario: "tcso", suite: 2, seed: 31 });
    assert.equal(r.ok, true, JSON.stringify(r.steps.filter((s) => !s.ok)));
    for (const d of r.devices) {
      assert.deepEqual(
        d.tcso?.map((o) => [o.status, o.tc]),
        [["SUCCESS", SIM_TC2_EUI]],
      );
      assert.ok(d.linkKeys.some((k) => k.partner === "TC2" && k.how === "TC link key (CBKE)"));
    }
    // the new TC answered keep-alive reads from every device after the swap, APS-secured
    for (const d of r.devices) {
      const swapped = d.tcso![0].at;
      const answers = r.timeline!.filter(
        (e) =>
          e.from === "TC2" &&
          e.to === d.name &&
          e.t > swapped &&
          e.what.startsWith("Read Attributes Response"),
      );
      assert.ok(answers.length >= 1 && answers.every((e) => e.key === "TC link key (CBKE)"));
    }
  });

  it("tc-outage: REJOIN_PREV to the same TC, no swap, keep-alive read again", async () => {
    const r = await runSimulation({ scenario: "tc-outage", suite: 2, seed: 32 });
    assert.equal(r.ok, true, JSON.stringify(r.steps.filter((s) => !s.ok)));
    assert.ok(r.devices.some((d) => d.tcso?.some((o) => o.status === "REJOIN_PREV" && o.tc === SIM_TC_EUI)));
    assert.ok(r.devices.every((d) => !d.tcso?.some((o) => o.status === "SUCCESS" || o.status === "FATAL")));
    assert.ok(!r.devices.some((d) => d.linkKeys.some((k) => k.partner === "TC2")));
  });
});

describe("zse simulate --scenario tcso CLI", () => {
  it("--json --pcap --keys: tshark decrypts the new TC's Keep-Alive answers (Base 1, Jitter 5)", (t) => {
    const pcap = join(dir, "tcso.pcap");
    const keys = join(dir, "tcso.keys");
    const r = zse([
      "simulate",
      "--scenario",
      "tcso",
      "--suite",
      "1",
      "--json",
      "--pcap",
      pcap,
      "--keys",
      keys,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, true);
    assert.equal(doc.scenario, "tcso");
    for (const d of doc.devices)
      assert.deepEqual(
        d.tcso.map((o: { status: string }) => o.status),
        ["SUCCESS"],
      );
    if (!tsharkAvailable()) {
      t.skip("tshark is not installed");
      return;
    }
    const frames = runTshark({
      pcap,
      keysFile: keys,
      fields: [
        "zbee_nwk.src64",
        "zbee_aps.cluster",
        "zbee_zcl.cmd.id",
        "zbee_zcl_se.keep_alive.attr_id",
        "zbee_zcl_se.keep_alive.attr.base",
        "zbee_zcl_se.keep_alive.attr.jitter",
        "_ws.malformed",
      ],
    });
    assert.ok(
      frames.every((f) => !f["_ws.malformed"]),
      "no malformed frame",
    );
    const tc2 = SIM_TC2_EUI.match(/../g)!.join(":");
    // Read Attributes Response (0x01) on cluster 0x0025 from the new TC, decrypted by Wireshark
    const answers = frames.filter(
      (f) =>
        f["zbee_nwk.src64"]?.[0] === tc2 &&
        Number(f["zbee_aps.cluster"]?.[0]) === 0x0025 &&
        Number(f["zbee_zcl.cmd.id"]?.[0]) === 0x01,
    );
    assert.ok(answers.length >= 2, `${answers.length} keep-alive answers from the new TC`);
    for (const a of answers) {
      assert.deepEqual(a["zbee_zcl_se.keep_alive.attr_id"]?.map(Number), [0x0000, 0x0001]);
      assert.deepEqual(a["zbee_zcl_se.keep_alive.attr.base"], ["1"], "Keep-Alive Base 1 min");
      assert.deepEqual(a["zbee_zcl_se.keep_alive.attr.jitter"], ["5"], "Keep-Alive Jitter 5 s");
    }
  });
});
