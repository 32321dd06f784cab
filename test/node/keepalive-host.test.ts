/**
 * The Keep-Alive client / TCSO engines running inside simulated SE nodes (SE 07-5356
 * §5.4.2.2.3.4, seed 6.2), asserted on the virtual clock: the seed's example timing, answered
 * reads never starting TCSO, a halted TCSO, the swap to a new TC and the reads after it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SimClock } from "../../src/net/sim/clock.js";
import { SimNetwork } from "../../src/net/sim/network.js";
import { SimStack } from "../../src/net/sim/stack.js";
import {
  KEEPALIVE_SERVER_ENDPOINT,
  startKeepAliveServer,
  TcSupervisorHost,
  type TcsoEvent,
} from "../../src/node/keepalive-host.js";
import { SeNode } from "../../src/node/se-node.js";
import { seDefaults } from "../../src/node/startup.js";
import { SIM_NEW_TC_EUI, TcsoNetwork } from "../../src/node/tcso-network.js";
import { SimTcsoLink } from "../../src/node/tcso-sim.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";
import {
  CLUSTER_KEEP_ALIVE,
  KEEPALIVE_BASE_DEFAULT,
  KEEPALIVE_JITTER_DEFAULT,
  PROFILE_SE,
} from "../../src/zcl/ids.js";

const MIN = 60_000;
const READ_TIMEOUT = 10_000;
const callbacks = (ev: readonly TcsoEvent[], status: string) =>
  ev.filter((e) => e.kind === "callback" && e.status === status).map((e) => e.t);
type ReadEvent = Extract<TcsoEvent, { kind: "read" | "discover" }>;
const reads = (ev: readonly TcsoEvent[]) => ev.filter((e): e is ReadEvent => e.kind === "read");

describe("SE 07-5356 §5.4.2.2.3.4 keep-alive in the running network (seed 6.2 example: base 1 min, jitter 5 s)", () => {
  it("TC gone for good: first DISCOVERY_UNDERWAY 3 failed reads + timeout after the TC left, then every 3 x 1 min + 5 min", async () => {
    const net = new TcsoNetwork({ suite: 1, seed: 3, timeline: false });
    void net.startAll();
    const off = 5 * MIN;
    net.clock.at(off, () => net.powerOffTc());
    await net.run(60 * MIN);
    for (const j of net.joiners) {
      const ev = j.host!.events;
      const du = callbacks(ev, "DISCOVERY_UNDERWAY");
      const nf = callbacks(ev, "NOT_FOUND");
      assert.ok(du.length >= 6, `${j.name}: ${du.length} rounds in 55 min`);
      assert.equal(nf.length, du.length, "every round ends NOT_FOUND");
      assert.ok(j.host!.outcomes.every((o) => o.status === "NOT_FOUND"));
      // first round: the last good read before `off`, then three reads one interval apart
      const lastGood = reads(ev)
        .filter((e) => e.ok && e.t < off)
        .at(-1)!.t;
      const failed = reads(ev).filter((e) => !e.ok && e.t < du[0] + 1);
      assert.equal(failed.length, 3, "three consecutive failed reads");
      assert.equal(du[0], failed[2].t, "the callback comes with the third failure");
      const first = du[0] - lastGood;
      assert.ok(
        first >= 3 * 60_000 + READ_TIMEOUT && first <= 3 * 65_000 + READ_TIMEOUT + 50,
        `first ${first}`,
      );
      assert.ok(du[0] - off <= 3 * 65_000 + READ_TIMEOUT + 50);
      for (let k = 1; k < du.length; k++) {
        // after NOT_FOUND: 5 min cooldown, three intervals of 60..65 s, the third read's timeout
        const sinceNotFound = du[k] - nf[k - 1];
        assert.ok(
          sinceNotFound >= 5 * MIN + 3 * 60_000 + READ_TIMEOUT &&
            sinceNotFound <= 5 * MIN + 3 * 65_000 + READ_TIMEOUT,
          `round ${k}: ${sinceNotFound} ms after NOT_FOUND`,
        );
        const period = du[k] - du[k - 1];
        const search = nf[k - 1] - du[k - 1];
        assert.ok(search > 0 && search < 10_000, `search took ${search} ms`);
        assert.ok(
          period >= 8 * MIN && period <= 8 * MIN + 15_000 + READ_TIMEOUT + search,
          `period ${period}`,
        );
      }
      assert.equal(j.host!.tc, net.trustCenters[0].eui64);
      assert.deepEqual(j.host!.params, { base: 1, jitter: 5 }, "the values read stay in use");
    }
  });

  it("a device whose reads are answered never starts TCSO (2 h), reading once every 60..65 s", async () => {
    const net = new TcsoNetwork({ suite: 1, seed: 5, timeline: false });
    void net.startAll();
    await net.run(120 * MIN);
    for (const j of net.joiners) {
      const ev = j.host!.events;
      assert.equal(ev.filter((e) => e.kind === "callback" || e.kind === "status").length, 0);
      const r = reads(ev);
      assert.ok(r.every((e) => e.ok));
      assert.ok(r.length >= 110 && r.length <= 121, `${r.length} reads`);
      for (let k = 1; k < r.length; k++) {
        const gap = r[k].t - r[k - 1].t;
        assert.ok(gap >= 60_000 && gap <= 65_000 + 100, `gap ${gap}`);
      }
      assert.equal(j.host!.state, "keepalive");
    }
    // the TC's side of the exchange: every read and answer APS-secured (none dropped)
    assert.ok(net.trustCenters[0].stack.drops.length === 0);
  });

  it("defaults until the first read, the TC's values after (base 3 min, jitter 20 s)", async () => {
    const net = new TcsoNetwork({ suite: 1, seed: 6, timeline: false, keepAlive: { base: 3, jitter: 20 } });
    const seen: { base: number; jitter: number }[] = [];
    void net.startAll().then(() => seen.push({ ...net.joiners[0].host!.params }));
    await net.run(30 * MIN);
    assert.deepEqual(seen[0], { base: KEEPALIVE_BASE_DEFAULT, jitter: KEEPALIVE_JITTER_DEFAULT });
    const r = reads(net.joiners[0].host!.events);
    assert.deepEqual(r[0].params, { base: 3, jitter: 20 });
    for (let k = 1; k < r.length; k++) {
      const gap = r[k].t - r[k - 1].t;
      assert.ok(gap >= 180_000 && gap <= 200_000 + 100, `gap ${gap}`);
    }
  });

  it("a halted TCSO (callback false) stays halted, new TC or not, until startTcso(); then swaps", async () => {
    const said: Record<string, string[]> = { meter: [], display: [] };
    const net = new TcsoNetwork({
      suite: 1,
      seed: 7,
      timeline: false,
      tcsoCallback: (name) => (status) => {
        said[name].push(status);
        return name !== "meter";
      },
    });
    void net.startAll();
    net.clock.at(5 * MIN, () => net.powerOffTc());
    net.clock.at(6 * MIN, () => net.bringUpNewTc());
    await net.run(70 * MIN);
    const meter = net.joiners.find((j) => j.name === "meter")!;
    assert.deepEqual(said.display, ["DISCOVERY_UNDERWAY", "SUCCESS"]);
    assert.deepEqual(said.meter, ["DISCOVERY_UNDERWAY"]);
    assert.equal(meter.host!.state, "halted");
    const halted = callbacks(meter.host!.events, "DISCOVERY_UNDERWAY")[0];
    assert.equal(
      meter.host!.events.filter((e) => e.t > halted).length,
      0,
      "no reads, no callbacks while halted",
    );
    assert.equal(meter.host!.tc, net.trustCenters[0].eui64);
    // the application restarts TCSO: told (not asked), rejoins the new TC, CBKE, reads it
    meter.node.startTcso();
    await net.run(75 * MIN);
    assert.deepEqual(said.meter, ["DISCOVERY_UNDERWAY", "DISCOVERY_UNDERWAY", "SUCCESS"]);
    assert.equal(meter.host!.tc, SIM_NEW_TC_EUI);
    const after = reads(meter.host!.events).filter((e) => e.t > 70 * MIN);
    assert.ok(after.length >= 1 && after.every((e) => e.ok && e.tc === SIM_NEW_TC_EUI));
  });

  it("keepAliveClientStart() ends a halted TCSO and the client reads the returned TC again", async () => {
    const net = new TcsoNetwork({
      suite: 1,
      seed: 8,
      timeline: false,
      tcsoCallback: () => () => false,
    });
    void net.startAll();
    net.clock.at(5 * MIN, () => net.powerOffTc());
    await net.run(20 * MIN);
    const meter = net.joiners[0];
    assert.equal(meter.host!.state, "halted");
    const before = reads(meter.host!.events).length;
    net.bringBackTc();
    meter.node.keepAliveClientStart();
    await net.run(25 * MIN);
    const after = reads(meter.host!.events).slice(before);
    assert.ok(after.length >= 4 && after.every((e) => e.ok), "the TC is back: reads succeed");
    assert.equal(meter.host!.state, "keepalive");
  });

  it("after a swap the keep-alive reads go to the new TC, APS-secured with the CBKE key both hold", async () => {
    const net = new TcsoNetwork({ suite: 1, seed: 9 });
    void net.startAll();
    net.clock.at(5 * MIN, () => net.powerOffTc());
    net.clock.at(6 * MIN, () => net.bringUpNewTc());
    await net.run(14 * MIN);
    const tc2 = net.currentTc;
    for (const j of net.joiners) {
      const done = j.host!.outcomes.find((o) => o.status === "SUCCESS");
      assert.ok(done, `${j.name} swapped`);
      assert.equal(done.tc, SIM_NEW_TC_EUI);
      const rec = tc2.tc.device(j.stack.eui64);
      assert.ok(rec?.tcLinkKey && rec.keStatus === "SUCCESS", "the new TC recorded a CBKE key");
      assert.deepEqual(j.stack.getLinkKey(SIM_NEW_TC_EUI), rec.tcLinkKey);
      // the medium's own record: reads to TC2 and answers from it, under the CBKE key
      const onAir = net.network.timeline.filter(
        (e) => e.t > done.at && e.what.startsWith("Read Attributes") && e.what.includes("Keep-Alive"),
      );
      const toTc2 = onAir.filter((e) => e.from === j.name && e.to === "TC2");
      const fromTc2 = onAir.filter((e) => e.from === "TC2" && e.to === j.name);
      assert.ok(toTc2.length >= 3 && fromTc2.length >= 3, `${toTc2.length} reads, ${fromTc2.length} answers`);
      assert.ok([...toTc2, ...fromTc2].every((e) => e.key === "TC link key (CBKE)" && !e.note));
      assert.equal(onAir.filter((e) => e.from === j.name && e.to === "TC").length, 0, "none to the old TC");
    }
  });
});

describe("Trust Center rejoin and Match Descriptor through SimTcsoLink (05-3474 3.6.1.4.2, 2.4.3.1.7)", () => {
  it("the TC back on another channel: REJOIN_PREV by scan; the CBKE key survives, the network key comes under it", async () => {
    const net = new TcsoNetwork({ suite: 1, seed: 14 });
    void net.startAll();
    const meter = net.joiners.find((j) => j.name === "meter")!;
    const tc = net.trustCenters[0];
    let before: Uint8Array | undefined;
    net.clock.at(4 * MIN, () => {
      before = tc.tc.device(meter.stack.eui64)?.tcLinkKey;
    });
    net.clock.at(5 * MIN, () => net.powerOffTc());
    net.clock.at(12 * MIN, () => net.bringBackTc({ channel: 20 }));
    await net.run(22 * MIN);
    assert.deepEqual(
      meter.host!.outcomes.map((o) => o.status),
      ["NOT_FOUND", "REJOIN_PREV"],
    );
    assert.equal(net.network.channelOf(meter.stack.eui64), 20);
    assert.ok(before);
    assert.deepEqual(tc.tc.device(meter.stack.eui64)?.tcLinkKey, before, "the TC kept the CBKE key");
    assert.deepEqual(meter.stack.getLinkKey(tc.eui64), before, "so did the meter");
    const tk = net.network.timeline.filter(
      (e) => e.to === "meter" && e.what.startsWith("Transport Key (network key)"),
    );
    assert.equal(tk.at(-1)?.key, "key-transport key of TC link key (CBKE)");
    const rejoined = meter.host!.outcomes[1].at;
    const reads = net.network.timeline.filter(
      (e) =>
        e.t > rejoined &&
        e.from === "TC" &&
        e.to === "meter" &&
        e.what.startsWith("Read Attributes Response"),
    );
    assert.ok(reads.length >= 3 && reads.every((e) => e.key === "TC link key (CBKE)" && !e.note));
  });

  it("Match Descriptor: the endpoint, [] for an empty answer, null when nothing answers", async () => {
    const net = new TcsoNetwork({ suite: 1, seed: 15, timeline: false });
    void net.startAll();
    await net.run(MIN);
    const meter = net.joiners[0];
    const tc = net.trustCenters[0].eui64;
    const link = new SimTcsoLink({
      stack: meter.stack,
      network: net.network,
      installCodeKey: new Uint8Array(16),
      trustCenters: () => [tc],
    });
    const results: unknown[] = [];
    void (async () => {
      results.push(await link.discover({ target: tc, profile: PROFILE_SE, cluster: CLUSTER_KEEP_ALIVE }));
      results.push(await link.discover({ target: tc, profile: PROFILE_SE, cluster: 0x0702 }));
      net.powerOffTc();
      results.push(await link.discover({ target: tc, profile: PROFILE_SE, cluster: CLUSTER_KEEP_ALIVE }));
    })();
    await net.run(2 * MIN);
    assert.deepEqual(results, [[KEEPALIVE_SERVER_ENDPOINT], [], null]);
  });
});

describe("Keep-Alive server allocation (ZbStartupCbkeT tcKeepAliveServer)", () => {
  const make = () => {
    const clock = new SimClock();
    const rng = new SeededRng(1);
    const network = new SimNetwork({ clock, rng });
    const stack = new SimStack({
      network,
      eui64: "00124b0000000001",
      name: "TC",
      store: new MemoryStore(),
      rng,
    });
    return { clock, stack, network, rng };
  };
  it("allocated only with tcKeepAliveServer; 0 = the stack defaults (10 min, 300 s)", () => {
    const { clock, stack } = make();
    const off = seDefaults().cbke;
    assert.equal(startKeepAliveServer({ transport: stack, scheduler: clock, config: off }), undefined);
    const on = { ...off, tcKeepAliveServer: true };
    const s = startKeepAliveServer({ transport: stack, scheduler: clock, config: on });
    assert.deepEqual(s?.params, { base: KEEPALIVE_BASE_DEFAULT, jitter: KEEPALIVE_JITTER_DEFAULT });
    const s2 = startKeepAliveServer({
      transport: stack,
      scheduler: clock,
      config: { ...on, tcKeepAliveBase: 2, tcKeepAliveJitter: 7 },
    });
    assert.deepEqual(s2?.params, { base: 2, jitter: 7 });
  });

  it("the client host needs a joined node (BAD_STATE)", () => {
    const { clock, stack, network, rng } = make();
    const config = seDefaults();
    config.preconfiguredLinkKey = new Uint8Array(16);
    const node = new SeNode({ transport: stack, config, scheduler: clock, rng, role: "meter" });
    const link = new SimTcsoLink({
      stack,
      network,
      installCodeKey: new Uint8Array(16),
      trustCenters: () => [],
    });
    assert.throws(
      () => node.startTcso(),
      (e) => isZseError(e, "BAD_STATE"),
    );
    assert.throws(
      () => new TcSupervisorHost({ node, scheduler: clock, rng, link }),
      (e) => isZseError(e, "BAD_STATE") && /not joined/.test(e.message),
    );
  });
});
