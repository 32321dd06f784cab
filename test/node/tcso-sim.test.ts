/**
 * The keep-alive client and Trust Center Swap-Out running in simulated SE nodes (SE 07-5356
 * §5.4.2.2.3.4; seed 6.2), asserted on the virtual clock and on the medium's own record of
 * frames: the seed's example timing, answered reads never starting TCSO, a halted TCSO, the
 * swap to a new TC (same or another channel), a TC coming back on another channel (scan,
 * REJOIN_PREV), Match Descriptor telling silence from an empty answer.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SIM_TC_EUI, SIM_TC2_EUI } from "../../src/node/simulation.js";
import { SimTcsoLink } from "../../src/node/tcso-sim.js";
import { CLUSTER_KEEP_ALIVE, CLUSTER_KEY_ESTABLISHMENT, PROFILE_SE } from "../../src/zcl/ids.js";
import { TcsoHarness } from "./tcso-harness.js";

const MIN = 60_000;
const READ_TIMEOUT = 10_000;

describe("SE 07-5356 §5.4.2.2.3.4 keep-alive in the running network (seed 6.2: base 1 min, jitter 5 s)", () => {
  it("TC gone for good: DISCOVERY_UNDERWAY 3 reads + timeout after the last answer, then every 3 x 1 min + 5 min", async () => {
    const h = new TcsoHarness({ seed: 3 });
    void h.startAll();
    const off = 5 * MIN;
    h.clock.at(off, () => h.powerOffTc());
    await h.run(60 * MIN);
    for (const j of h.joiners) {
      const du = h.callbackTimes(j, "DISCOVERY_UNDERWAY");
      const nf = j.node.tcsoOutcomes.filter((o) => o.status === "NOT_FOUND").map((o) => o.at);
      assert.ok(du.length >= 6, `${j.name}: ${du.length} rounds in 55 min`);
      assert.equal(j.node.tcsoOutcomes.length, du.length, "every round ends NOT_FOUND");
      assert.equal(nf.length, du.length);
      // the last answer came just before `off`; reads follow one interval (60..65 s) apart;
      // the third one fails one read timeout after it was sent
      const lastAnswer = h
        .answers("TC", j.name)
        .filter((t) => t < off)
        .at(-1)!;
      const first = du[0] - lastAnswer;
      assert.ok(
        first >= 3 * 60_000 + READ_TIMEOUT - 50 && first <= 3 * 65_000 + READ_TIMEOUT + 50,
        `first ${first}`,
      );
      for (let k = 1; k < du.length; k++) {
        // after NOT_FOUND: the 5 min cooldown, three intervals, the third read's timeout
        const since = du[k] - nf[k - 1];
        assert.ok(
          since >= 8 * MIN + READ_TIMEOUT && since <= 8 * MIN + 15_000 + READ_TIMEOUT,
          `round ${k}: ${since}`,
        );
        const search = nf[k - 1] - du[k - 1];
        assert.ok(search > 0 && search < 10_000, `search ${search} ms`);
        const period = du[k] - du[k - 1];
        assert.ok(period >= 8 * MIN && period <= 8 * MIN + 25_000 + search, `period ${period}`);
      }
      assert.equal(j.callbacks.length, 2 * du.length, "DISCOVERY_UNDERWAY, NOT_FOUND, ...");
    }
  });

  it("answered reads never start TCSO (2 h): one answer every 60..65 s, no callback", async () => {
    const h = new TcsoHarness({ seed: 5 });
    void h.startAll();
    await h.run(120 * MIN);
    for (const j of h.joiners) {
      assert.deepEqual(j.callbacks, []);
      assert.deepEqual(j.node.tcsoOutcomes, []);
      assert.equal(j.node.supervisorState, "keepalive");
      const a = h.answers("TC", j.name);
      assert.ok(a.length >= 110 && a.length <= 120, `${a.length} answers`);
      for (let k = 1; k < a.length; k++) {
        const gap = a[k] - a[k - 1];
        assert.ok(gap >= 60_000 - 50 && gap <= 65_000 + 50, `gap ${gap}`);
      }
    }
    assert.equal(h.tcs[0].stack.drops.length, 0);
  });

  it("the TC's values are used after the first read (base 3 min, jitter 20 s: 180..200 s apart)", async () => {
    const h = new TcsoHarness({ seed: 6, keepAlive: { base: 3, jitter: 20 } });
    void h.startAll();
    await h.run(40 * MIN);
    const a = h.answers("TC", "meter");
    assert.ok(a.length >= 11, `${a.length}`);
    for (let k = 1; k < a.length; k++) {
      const gap = a[k] - a[k - 1];
      assert.ok(gap >= 180_000 - 50 && gap <= 200_000 + 50, `gap ${gap}`);
    }
  });

  it("a halted TCSO (callback false) stays halted, new TC or not, until startTcso(); then it swaps", async () => {
    const h = new TcsoHarness({ seed: 7, answer: (name) => name !== "meter" });
    void h.startAll();
    h.clock.at(5 * MIN, () => h.powerOffTc());
    h.clock.at(6 * MIN, () => h.bringUpNewTc());
    await h.run(70 * MIN);
    const meter = h.joiner("meter");
    const display = h.joiner("display");
    assert.deepEqual(
      display.callbacks.map((c) => c.status),
      ["DISCOVERY_UNDERWAY", "SUCCESS"],
    );
    assert.deepEqual(
      meter.callbacks.map((c) => c.status),
      ["DISCOVERY_UNDERWAY"],
    );
    assert.equal(meter.node.supervisorState, "halted");
    const halted = meter.callbacks[0].t;
    const sent = h.timeline.filter((e) => e.from === "meter" && e.t > halted);
    assert.deepEqual(sent, [], "nothing sent while halted");
    meter.node.startTcso();
    await h.run(75 * MIN);
    assert.deepEqual(
      meter.callbacks.map((c) => c.status),
      ["DISCOVERY_UNDERWAY", "DISCOVERY_UNDERWAY", "SUCCESS"],
    );
    assert.equal(meter.node.tcsoOutcomes.at(-1)?.tc, SIM_TC2_EUI);
    assert.ok(h.answers("TC2", "meter").filter((t) => t > 70 * MIN).length >= 3);
  });

  it("keepAliveClientStart() ends a halted TCSO; with the TC back the reads are answered again", async () => {
    const h = new TcsoHarness({ seed: 8, answer: () => false });
    void h.startAll();
    h.clock.at(5 * MIN, () => h.powerOffTc());
    await h.run(20 * MIN);
    const meter = h.joiner("meter");
    assert.equal(meter.node.supervisorState, "halted");
    h.bringBackTc();
    meter.node.keepAliveClientStart();
    await h.run(26 * MIN);
    assert.ok(h.answers("TC", "meter").filter((t) => t > 20 * MIN).length >= 5);
    assert.equal(meter.node.supervisorState, "keepalive");
  });
});

describe("Trust Center Swap-Out in the simulated network (seed 6.2)", () => {
  it("after a swap the reads go to the new TC, APS-secured with the CBKE key both hold; none to the old", async () => {
    const h = new TcsoHarness({ seed: 9 });
    void h.startAll();
    h.clock.at(5 * MIN, () => h.powerOffTc());
    h.clock.at(6 * MIN, () => h.bringUpNewTc());
    await h.run(14 * MIN);
    const tc2 = h.tcs[1];
    for (const j of h.joiners) {
      const done = j.node.tcsoOutcomes.find((o) => o.status === "SUCCESS");
      assert.ok(done, j.name);
      assert.equal(done.tc, SIM_TC2_EUI);
      const rec = tc2.tc.device(j.stack.eui64);
      assert.ok(rec?.tcLinkKey && rec.keStatus === "SUCCESS", "the new TC recorded a CBKE key");
      assert.deepEqual(j.stack.getLinkKey(SIM_TC2_EUI), rec.tcLinkKey);
      const air = h.timeline.filter((e) => e.t > done.at && e.what.includes("(Keep-Alive Base, Jitter)"));
      const out = air.filter((e) => e.from === j.name);
      const back = air.filter((e) => e.to === j.name);
      assert.ok(out.length >= 3 && back.length >= 3, `${out.length} reads, ${back.length} answers`);
      assert.ok(out.every((e) => e.to === "TC2") && back.every((e) => e.from === "TC2"));
      assert.ok([...out, ...back].every((e) => e.key === "TC link key (CBKE)" && !e.note));
    }
  });

  it("a new TC on another channel: the rejoin on the old channel fails, the scan finds it, SUCCESS", async () => {
    const h = new TcsoHarness({ seed: 10, suite: 2 });
    void h.startAll();
    h.clock.at(5 * MIN, () => h.powerOffTc());
    h.clock.at(6 * MIN, () => h.bringUpNewTc(25));
    await h.run(14 * MIN);
    for (const j of h.joiners) {
      assert.deepEqual(
        j.node.tcsoOutcomes.map((o) => [o.status, o.tc]),
        [["SUCCESS", SIM_TC2_EUI]],
      );
      assert.equal(h.network.channelOf(j.stack.eui64), 25);
      assert.ok(
        h.timeline.some(
          (e) =>
            e.from === j.name && /^scan of channels 12\.\.26: network of TC2 on channel 25$/.test(e.what),
        ),
      );
      assert.ok(h.answers("TC2", j.name).length >= 3);
    }
  });

  it("the TC back on another channel: NOT_FOUND while away, then REJOIN_PREV by scan, TC link key kept", async () => {
    const h = new TcsoHarness({ seed: 11 });
    void h.startAll();
    h.clock.at(5 * MIN, () => h.powerOffTc());
    h.clock.at(12 * MIN, () => h.bringBackTc(20));
    await h.run(22 * MIN);
    const meter = h.joiner("meter");
    const cbkeKey = h.tcs[0].tc.device(meter.stack.eui64)?.tcLinkKey;
    for (const j of h.joiners) {
      assert.deepEqual(
        j.node.tcsoOutcomes.map((o) => [o.status, o.tc]),
        [
          ["NOT_FOUND", SIM_TC_EUI],
          ["REJOIN_PREV", SIM_TC_EUI],
        ],
      );
      assert.equal(h.network.channelOf(j.stack.eui64), 20);
      const back = j.node.tcsoOutcomes[1].at;
      assert.ok(h.answers("TC", j.name).some((t) => t > back));
    }
    // a Trust Center rejoin: the meter's CBKE key survives, the network key comes under it
    assert.ok(cbkeKey);
    assert.deepEqual(meter.stack.getLinkKey(SIM_TC_EUI), cbkeKey);
    assert.equal(meter.stack.linkKeyLabel(SIM_TC_EUI), "TC link key (CBKE)");
    const tk = h.timeline.filter((e) => e.to === "meter" && e.what === "Transport Key (network key)");
    assert.equal(tk.at(-1)?.key, "key-transport key of TC link key (CBKE)");
  });

  it("Match Descriptor: [] for an empty answer, null when nothing answers", async () => {
    const h = new TcsoHarness({ seed: 12 });
    void h.startAll();
    await h.run(MIN);
    const meter = h.joiner("meter");
    const link = new SimTcsoLink({
      stack: meter.stack,
      network: h.network,
      installCodeKey: new Uint8Array(16),
    });
    const results: unknown[] = [];
    void (async () => {
      results.push(
        await link.discover({ target: SIM_TC_EUI, profile: PROFILE_SE, cluster: CLUSTER_KEEP_ALIVE }),
      );
      results.push(await link.discover({ target: SIM_TC_EUI, profile: PROFILE_SE, cluster: 0x0702 }));
      results.push(
        await link.discover({ target: SIM_TC_EUI, profile: 0x0104, cluster: CLUSTER_KEY_ESTABLISHMENT }),
      );
      h.powerOffTc();
      results.push(
        await link.discover({ target: SIM_TC_EUI, profile: PROFILE_SE, cluster: CLUSTER_KEEP_ALIVE }),
      );
    })();
    await h.run(2 * MIN);
    assert.equal(results.length, 4);
    assert.ok(Array.isArray(results[0]) && (results[0] as number[]).length === 1);
    assert.deepEqual(results.slice(1), [[], [], null]);
  });
});
