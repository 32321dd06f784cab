import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TcsoStatus, tcsoStatusName } from "../../src/engine/keepalive-types.js";
import { Tcso } from "../../src/engine/tcso.js";
import { isZseError } from "../../src/util/errors.js";
import { DEVICE, FakeNet, NEW_TC, OLD_TC } from "./keepalive-fake-net.js";

const MIN = 60_000;
const READ_TIMEOUT = 10_000;
const START_DELAY = 3000;
const { SUCCESS, DISCOVERY_UNDERWAY, REJOIN_PREV, NOT_FOUND, FATAL } = TcsoStatus;

/** A node on base 1 min / jitter 5 s whose TC answered for 5 minutes, then `change` happens. */
function afterOutage(change: (net: FakeNet) => void, seed = 1): { net: FakeNet; du: number } {
  const net = new FakeNet({ base: 1, jitter: 5, seed });
  net.apply(net.sup.keepAliveClientStart(0));
  net.runUntil(5 * MIN);
  assert.equal(net.sup.client.paramsFromServer, true);
  change(net);
  const start = net.now;
  while (net.callbacks.length === 0 && net.now < start + 10 * MIN) net.runUntil(net.now + 1000);
  assert.equal(net.callbacks[0]?.status, DISCOVERY_UNDERWAY);
  return { net, du: net.callbacks[0].at };
}

const statuses = (net: FakeNet) => net.callbacks.map((c) => c.status);

describe("Trust Center Swap-Out outcomes (SE 07-5356 §5.4.2.2.3.4, seed 6.2)", () => {
  it("REJOIN_PREV: the old TC found on another channel; keep-alive resumes one interval later", () => {
    const { net, du } = afterOutage((n) => {
      n.world.up.clear(); // the TC moved channel: reads from the old channel go unanswered
      n.world.otherChannelTc = { tc: OLD_TC, channel: 25 };
    });
    net.runUntil(du + 10_000);
    // rejoin on the current channel (1 s, nothing) -> scan (2 s, old TC) -> rejoin there (1 s)
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, REJOIN_PREV]);
    assert.equal(net.callbacks[1].at, du + 4000);
    const rejoins = net.log.filter((l) => l.kind === "tcso-rejoin").map((l) => l.detail);
    assert.deepEqual(rejoins, [{ kind: "tcso-rejoin" }, { kind: "tcso-rejoin", channel: 25, tc: OLD_TC }]);
    net.world.up.add(OLD_TC); // the node now sits on the TC's channel
    const before = net.readTimes().length;
    net.runUntil(du + 4000 + 2 * MIN);
    const next = net.readTimes()[before];
    assert.ok(
      next - (du + 4000) >= MIN && next - (du + 4000) <= MIN + 5000,
      `next read after ${next - du - 4000}`,
    );
    assert.equal(net.sup.client.failures, 0);
    assert.equal(net.sup.tc, OLD_TC);
    assert.equal(net.sup.state, "keepalive");
  });

  it("REJOIN_PREV straight from the current channel skips the scan", () => {
    const { net, du } = afterOutage((n) => {
      n.world.up.clear();
      n.world.currentChannelTc = OLD_TC;
    });
    net.runUntil(du + 5000);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, REJOIN_PREV]);
    assert.equal(net.callbacks[1].at, du + 1000);
    assert.equal(net.log.filter((l) => l.kind === "tcso-scan").length, 0);
  });

  it("SUCCESS: a new TC on the current channel is rejoined, CBKE runs, keep-alive targets it", () => {
    const { net, du } = afterOutage((n) => {
      n.world.up = new Set([NEW_TC]);
      n.world.currentChannelTc = NEW_TC;
    });
    net.runUntil(du + 10_000);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, SUCCESS]);
    assert.equal(net.callbacks[1].at, du + 1000 + 3000, "rejoin 1 s + CBKE 3 s");
    const cbke = net.log.filter((l) => l.kind === "tcso-cbke");
    assert.deepEqual(
      cbke.map((l) => l.detail),
      [{ kind: "tcso-cbke", partner: NEW_TC }],
    );
    assert.equal(net.sup.tc, NEW_TC);
    assert.equal(net.sup.tcso.tc, NEW_TC);
    // Keep-alive restarts on the new TC: discovery after the start delay, then reads answered.
    const discover = net.log.filter((l) => l.kind === "discover").at(-1)!;
    assert.equal(discover.at, du + 4000 + START_DELAY);
    assert.deepEqual(discover.detail, { kind: "discover", target: NEW_TC, cluster: 0x0025, profile: 0x0109 });
    net.runUntil(du + 60 * MIN);
    const sends = net.log.filter((l) => l.kind === "send" && l.at > du);
    assert.ok(sends.length >= 50);
    for (const s of sends) assert.equal((s.detail as { to: string }).to, NEW_TC);
    assert.deepEqual(
      statuses(net),
      [DISCOVERY_UNDERWAY, SUCCESS],
      "no further TCSO with the new TC answering",
    );
    assert.equal(net.sup.client.failures, 0);
  });

  it("SUCCESS through the scan: a new TC on another channel", () => {
    const { net, du } = afterOutage((n) => {
      n.world.up = new Set([NEW_TC]);
      n.world.otherChannelTc = { tc: NEW_TC, channel: 15 };
    });
    net.runUntil(du + 10_000);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, SUCCESS]);
    assert.equal(net.callbacks[1].at, du + 1000 + 2000 + 1000 + 3000);
    assert.equal(net.sup.tc, NEW_TC);
  });

  it("NOT_FOUND: nothing answers; keep-alive pauses 5 min then reads one interval later", () => {
    const { net, du } = afterOutage((n) => n.world.up.clear());
    net.runUntil(du + 10_000);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, NOT_FOUND]);
    const nf = net.callbacks[1].at;
    assert.equal(nf, du + 3000);
    assert.equal(net.sup.tc, OLD_TC);
    const before = net.readTimes().length;
    net.runUntil(nf + 7 * MIN);
    const next = net.readTimes()[before] - nf;
    assert.ok(next >= 5 * MIN + MIN && next <= 5 * MIN + MIN + 5000, `first read ${next} ms after NOT_FOUND`);
  });

  it("FATAL: CBKE with the new TC fails; keep-alive stays stopped until restarted", () => {
    const { net, du } = afterOutage((n) => {
      n.world.up = new Set([NEW_TC]);
      n.world.currentChannelTc = NEW_TC;
      n.world.cbkeOk = false;
    });
    net.runUntil(du + 3 * 60 * MIN);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, FATAL]);
    assert.equal(net.callbacks[1].at, du + 4000);
    assert.equal(net.sup.tc, OLD_TC);
    assert.equal(net.sup.state, "idle");
    assert.equal(net.timersArmed, 0);
    assert.equal(net.readTimes().filter((t) => t > du).length, 0);
    net.apply(net.sup.keepAliveClientStart(net.now));
    assert.equal(net.sup.state, "keepalive");
  });

  it("FATAL when CBKE never answers (guard timeout 120 s)", () => {
    const { net, du } = afterOutage((n) => {
      n.world.up = new Set([NEW_TC]);
      n.world.currentChannelTc = NEW_TC;
      n.world.cbkeMs = undefined;
    });
    net.runUntil(du + 5 * MIN);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, FATAL]);
    assert.equal(net.callbacks[1].at, du + 1000 + 120_000);
  });

  it("a step the node never answers times out as 'nothing found'", () => {
    const { net, du } = afterOutage((n) => {
      n.world.up.clear();
      n.world.rejoinMs = undefined;
    });
    net.runUntil(du + 5 * MIN);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, NOT_FOUND]);
    assert.equal(net.callbacks[1].at, du + 30_000 + 2000, "rejoin guard 30 s + scan 2 s");
  });
});

describe("TCSO halted by the application callback (seed 6.2, Exegin ZbTcsoStatusT)", () => {
  function halted() {
    const r = afterOutage((n) => {
      n.proceed = false;
      n.world.up.clear();
    });
    const { net, du } = r;
    net.runUntil(du + 6 * 60 * MIN);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY], "no search, no further callbacks");
    assert.equal(net.sup.state, "halted");
    assert.equal(net.timersArmed, 0);
    assert.equal(net.readTimes().filter((t) => t > du).length, 0, "keep-alive halted too");
    assert.equal(
      net.log.filter((l) => l.at > du && l.kind.startsWith("tcso-") && l.kind !== "tcso-status").length,
      0,
    );
    return r;
  }

  it("stays halted for hours, then startTcso() runs the search (callback informed, not consulted)", () => {
    const { net } = halted();
    const t = net.now;
    net.world.currentChannelTc = OLD_TC;
    net.apply(net.sup.startTcso(t));
    net.runUntil(t + 5000);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, DISCOVERY_UNDERWAY, REJOIN_PREV]);
    assert.equal(net.callbacks[1].at, t);
    assert.equal(net.callbacks[2].at, t + 1000);
    net.world.up.add(OLD_TC);
    net.runUntil(t + 30 * MIN);
    assert.equal(net.sup.state, "keepalive");
    assert.equal(net.sup.client.failures, 0);
  });

  it("stays halted for hours, then keepAliveClientStart() restarts discovery and reads", () => {
    const { net } = halted();
    const t = net.now;
    net.world.up.add(OLD_TC);
    net.apply(net.sup.keepAliveClientStart(t));
    assert.equal(net.sup.tcso.state, "idle");
    net.runUntil(t + 10 * MIN);
    const discover = net.log.filter((l) => l.kind === "discover").at(-1)!;
    assert.equal(discover.at, t + START_DELAY);
    assert.ok(net.readTimes().filter((r) => r > t).length >= 9);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY]);
    assert.equal(net.sup.state, "keepalive");
  });

  it("a halted node restarted with the TC still gone halts again after three more failures", () => {
    const { net } = halted();
    const t = net.now;
    net.apply(net.sup.keepAliveClientStart(t));
    net.runUntil(t + 60 * MIN);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, DISCOVERY_UNDERWAY]);
    // Discovery is retried with the values read before (1 min + 0..5 s), the third fails by timeout.
    const second = net.callbacks[1].at - t;
    assert.ok(
      second >= START_DELAY + 2 * MIN + READ_TIMEOUT &&
        second <= START_DELAY + 2 * (MIN + 5000) + READ_TIMEOUT,
    );
    assert.equal(net.sup.state, "halted");
  });
});

describe("startTcso() while the TC answers", () => {
  it("suspends keep-alive, runs TCSO, resumes after REJOIN_PREV", () => {
    const net = new FakeNet({ base: 1, jitter: 5, seed: 9 });
    net.apply(net.sup.keepAliveClientStart(0));
    net.runUntil(5 * MIN);
    net.world.currentChannelTc = OLD_TC;
    net.apply(net.sup.startTcso(net.now));
    assert.equal(net.sup.state, "tcso");
    assert.equal(net.sup.client.state, "tcso");
    assert.deepEqual(net.sup.startTcso(net.now), [], "no second TCSO while one runs");
    net.runUntil(net.now + 30 * MIN);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY, REJOIN_PREV]);
    assert.equal(net.sup.outcomes.length, 1);
    assert.equal(net.sup.outcomes[0].status, REJOIN_PREV);
    assert.equal(net.sup.state, "keepalive");
  });
});

describe("stop()", () => {
  it("aborts a running TCSO and the keep-alive client: no timers, no statuses, no reads", () => {
    const { net, du } = afterOutage((n) => {
      n.world.up.clear();
      n.world.rejoinMs = 20_000;
    });
    net.runUntil(du + 5000);
    assert.equal(net.sup.state, "tcso");
    net.apply(net.sup.stop());
    assert.equal(net.timersArmed, 0);
    net.runUntil(du + 3 * 60 * MIN);
    assert.deepEqual(statuses(net), [DISCOVERY_UNDERWAY], "the late rejoin answer is ignored");
    assert.equal(net.readTimes().filter((t) => t > du).length, 0);
    assert.equal(net.sup.state, "idle");
  });
});

describe("Tcso engine guards", () => {
  it("ignores results that do not fit its state and rejects bad settings", () => {
    const t = new Tcso({ tc: OLD_TC });
    assert.deepEqual(t.rejoinResult(0, OLD_TC), []);
    assert.deepEqual(t.scanResult(0, null), []);
    assert.deepEqual(t.cbkeResult(0, true), []);
    const out = t.start(0, { consultApplication: true });
    assert.deepEqual(
      out.map((a) => a.kind),
      ["tcso-status", "tcso-rejoin", "timer"],
    );
    assert.deepEqual(t.start(0, { consultApplication: true }), []);
    assert.deepEqual(t.cbkeResult(1, true), [], "no CBKE before a new TC is found");
    assert.equal(t.state, "rejoin-current");
    const end = t.rejoinResult(10, OLD_TC);
    assert.deepEqual(end.at(-1), { kind: "tcso-status", status: REJOIN_PREV, tc: OLD_TC });
    assert.deepEqual(t.handleTimer("tcso", 20), [], "stale timer after the outcome");
    assert.throws(
      () => new Tcso({ tc: DEVICE, scanTimeoutMs: 0 }),
      (e: unknown) => isZseError(e, "BAD_VALUE"),
    );
  });
});

describe("TCSO statuses (Exegin ZbTcsoStatusT)", () => {
  it("has the values 0..4 and their names", () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((v) => tcsoStatusName(v as TcsoStatus)),
      ["SUCCESS", "DISCOVERY_UNDERWAY", "REJOIN_PREV", "NOT_FOUND", "FATAL"],
    );
    assert.throws(
      () => tcsoStatusName(5 as TcsoStatus),
      (e: unknown) => isZseError(e, "BAD_VALUE"),
    );
  });
});
