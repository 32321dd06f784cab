/**
 * `zse simulate --scenario tcso | tc-outage` (issue 7 item 4; seed 6.2): both scenarios, both
 * CBKE suites, end ok; the summary carries each device's TCSO outcomes; Wireshark (tshark,
 * an independent Zigbee dissector) decrypts the capture and reads the Keep-Alive attributes the
 * new Trust Center served after the swap.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runSimulation } from "../../src/node/simulation.js";
import { SIM_NEW_TC_EUI } from "../../src/node/tcso-network.js";
import { OUTAGE_CHANNEL, runTcsoSimulation, TCSO_TIMES } from "../../src/node/tcso-scenario.js";
import { zse } from "../support/cli.js";
import { runTshark, tsharkAvailable } from "../support/tshark.js";

const dir = mkdtempSync(join(tmpdir(), "zse-tcso-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("zse simulate --scenario tcso (Trust Center replaced mid-run)", () => {
  for (const suite of [1, 2] as const) {
    it(`suite ${suite}: every device swaps to the new TC with a CBKE link key and reads it`, async () => {
      const r = await runSimulation({ scenario: "tcso", suite, seed: 11 });
      assert.equal(r.ok, true, JSON.stringify(r.steps.filter((s) => !s.ok)));
      assert.equal(r.scenario, "tcso");
      assert.equal(r.trustCenter.eui64, SIM_NEW_TC_EUI);
      assert.equal(r.devices.length, 2);
      for (const d of r.devices) {
        assert.ok(d.tcso, d.name);
        assert.equal(d.tcso.trustCenter, "TC2");
        assert.deepEqual(
          d.tcso.outcomes.map((o) => [o.status, o.tc]),
          [["SUCCESS", "TC2"]],
        );
        assert.ok(d.tcso.discoveryUnderway[0] > TCSO_TIMES.tcOff);
        assert.ok(d.tcso.lastGoodRead! > d.tcso.outcomes[0].at);
        assert.ok(d.linkKeys.some((k) => k.partner === "TC2" && k.how === "TC link key (CBKE)"));
        assert.equal(d.keStatus, "SUCCESS");
      }
      // the new TC answered one CBKE per device; the old one one per meter
      assert.equal(r.trustCenter.keOutcomes.SUCCESS, 3);
    });
  }

  it("the new TC on another channel: found by the scan, same outcome", async () => {
    const r = await runTcsoSimulation({ scenario: "tcso", suite: 1, seed: 12, newTcChannel: 25 });
    assert.equal(r.ok, true, JSON.stringify(r.steps.filter((s) => !s.ok)));
    assert.ok(r.timeline!.some((e) => /scan of channels .*: network of TC2 on channel 25/.test(e.what)));
    assert.ok(r.timeline!.some((e) => e.what === "Trust Center rejoin on channel 11: no answer"));
  });

  it("two meters with 5 % frame loss still all swap over", async () => {
    const r = await runSimulation({ scenario: "tcso", suite: 1, seed: 13, devices: 2, loss: 0.05 });
    assert.equal(r.ok, true, JSON.stringify(r.steps.filter((s) => !s.ok)));
    assert.ok(r.stats.frames.lost + r.stats.frames.macRetries > 0);
    assert.equal(r.devices.filter((d) => d.tcso?.outcomes.at(-1)?.status === "SUCCESS").length, 3);
  });
});

describe("zse simulate --scenario tc-outage (the TC goes away and comes back)", () => {
  for (const suite of [1, 2] as const) {
    it(`suite ${suite}: NOT_FOUND while it is away, REJOIN_PREV once it is back on channel ${OUTAGE_CHANNEL}`, async () => {
      const r = await runSimulation({ scenario: "tc-outage", suite, seed: 21 });
      assert.equal(r.ok, true, JSON.stringify(r.steps.filter((s) => !s.ok)));
      assert.notEqual(r.trustCenter.eui64, SIM_NEW_TC_EUI);
      for (const d of r.devices) {
        const o = d.tcso!.outcomes;
        assert.deepEqual(
          o.map((x) => [x.status, x.tc]),
          [
            ["NOT_FOUND", "TC"],
            ["REJOIN_PREV", "TC"],
          ],
        );
        assert.ok(o[0].at > TCSO_TIMES.tcOff && o[0].at < TCSO_TIMES.tcBack);
        assert.ok(o[1].at > TCSO_TIMES.tcBack);
        assert.ok(d.tcso!.lastGoodRead! > o[1].at);
      }
      const meter = r.devices.find((d) => d.role === "meter")!;
      assert.ok(meter.linkKeys.some((k) => k.partner === "TC" && k.how === "TC link key (CBKE)"));
      assert.ok(!r.devices.some((d) => d.linkKeys.some((k) => k.partner === "TC2")));
    });
  }
});

describe("zse simulate --scenario CLI", () => {
  it("--scenario tcso --json --pcap --keys: tshark decrypts the swap and the new TC's keep-alive answers", (t) => {
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
    assert.deepEqual(
      doc.devices.map((d: { tcso: { outcomes: { status: string }[] } }) =>
        d.tcso.outcomes.map((o) => o.status),
      ),
      [["SUCCESS"], ["SUCCESS"]],
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
    const tc2 = SIM_NEW_TC_EUI.match(/../g)!.join(":");
    // Read Attributes Response (0x01) of cluster 0x0025 sent by the new TC, decrypted by Wireshark
    const answers = frames.filter(
      (f) =>
        f["zbee_nwk.src64"]?.[0] === tc2 &&
        Number(f["zbee_aps.cluster"]?.[0]) === 0x0025 &&
        Number(f["zbee_zcl.cmd.id"]?.[0]) === 0x01,
    );
    assert.ok(answers.length >= 4, `${answers.length} keep-alive answers from the new TC`);
    for (const a of answers) {
      assert.deepEqual(a["zbee_zcl_se.keep_alive.attr_id"]?.map(Number), [0x0000, 0x0001]);
      assert.deepEqual(a["zbee_zcl_se.keep_alive.attr.base"], ["1"], "Keep-Alive Base 1 min");
      assert.deepEqual(a["zbee_zcl_se.keep_alive.attr.jitter"], ["5"], "Keep-Alive Jitter 5 s");
    }
  });

  it("--scenario tc-outage prints the TCSO statuses in the timeline; unknown scenarios exit 2", () => {
    const r = zse(["simulate", "--scenario", "tc-outage", "--suite", "1"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /TCSO NOT_FOUND/);
    assert.match(r.stdout, /TCSO REJOIN_PREV/);
    assert.match(r.stdout, /Result: OK/);
    const bad = zse(["simulate", "--scenario", "tcs"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /tc-outage/);
  });
});
