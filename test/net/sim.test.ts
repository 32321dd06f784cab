import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { SimClock } from "../../src/net/sim/clock.js";
import { makeJoiner, makeNet, makeTc, TC_EUI } from "../node/harness.js";

/** A TC and one meter that joins and asks for a TC link key (APS Request Key). */
async function requestKeyRun(
  seed: number,
  loss: number,
  setup?: (net: ReturnType<typeof makeNet>) => void,
  macRetries = 3,
) {
  const net = makeNet(seed, loss, macRetries);
  setup?.(net);
  const { tc, stack: tcStack } = makeTc(net);
  const m = makeJoiner(net, { eui64: "0000000000000b01", name: "meter" });
  tc.addDeviceLinkKeyByInstallCode(m.stack.eui64, m.code.installCode);
  m.node.setBdb("tcLinkKeyExchangeMethod", 0);
  const p = m.node.start();
  await net.clock.run();
  return { net, tc, tcStack, m, out: await p };
}

describe("SimClock: discrete events on virtual time", () => {
  it("runs events by time, ties in scheduling order; cancel and until work", async () => {
    const c = new SimClock();
    const seen: string[] = [];
    c.at(20, () => seen.push("b"));
    c.at(10, () => seen.push("a"));
    c.at(20, () => seen.push("c"));
    const h = c.at(15, () => seen.push("cancelled"));
    c.cancel(h);
    c.after(100, () => seen.push("late"));
    assert.equal(await c.run({ until: 50 }), 50);
    assert.deepEqual(seen, ["a", "b", "c"]);
    await c.run();
    assert.deepEqual(seen, ["a", "b", "c", "late"]);
    assert.equal(c.now(), 100);
  });
  it("lets a cancelled event's closure go at once, long before its time", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const c = new SimClock();
    let held: WeakRef<object> | undefined;
    let ran = false;
    const h = (() => {
      const session = { frame: new Uint8Array(1 << 16) };
      held = new WeakRef(session);
      return c.after(10_000, () => {
        ran = session.frame.length > 0;
      });
    })();
    const other = c.after(5, () => undefined);
    c.cancel(h);
    c.cancel(h); // twice: no effect
    await new Promise((r) => setImmediate(r));
    gc();
    assert.equal(held?.deref(), undefined, "the cancelled closure is still reachable");
    await c.run();
    assert.equal(ran, false);
    c.cancel(other); // after it ran: no effect
    assert.equal(c.now(), 5, "a cancelled event does not move the clock");
  });
  it("lets promise continuations run between events", async () => {
    const c = new SimClock();
    const order: string[] = [];
    const wait = (ms: number) => new Promise<void>((r) => c.after(ms, r));
    void (async () => {
      await wait(5);
      order.push(`after 5 at ${c.now()}`);
      await wait(5);
      order.push(`after 10 at ${c.now()}`);
    })();
    c.after(7, () => order.push("event at 7"));
    await c.run();
    assert.deepEqual(order, ["after 5 at 5", "event at 7", "after 10 at 10"]);
  });
});

describe("Simulated network: replay, loss, retries and faults", () => {
  it("the same seed gives the same timeline; another seed another one", async () => {
    const a = await requestKeyRun(42, 0.3);
    const b = await requestKeyRun(42, 0.3);
    const c = await requestKeyRun(43, 0.3);
    assert.ok(a.net.network.timeline.length > 10);
    assert.deepEqual(a.net.network.timeline, b.net.network.timeline);
    assert.deepEqual(a.m.stack.getLinkKey(TC_EUI), b.m.stack.getLinkKey(TC_EUI));
    assert.notDeepEqual(a.net.network.timeline, c.net.network.timeline);
  });

  it("under 35% loss and one MAC retry, APS retries carry the join and the key request through", async () => {
    let retried = 0;
    let macRetries = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const r = await requestKeyRun(seed, 0.35, undefined, 1);
      assert.equal(r.out.join.status, "SUCCESS", `seed ${seed}`);
      assert.equal(r.out.keyExchangeStatus, "SUCCESS", `seed ${seed}`);
      assert.deepEqual(r.m.stack.getLinkKey(TC_EUI), r.tcStack.getLinkKey(r.m.stack.eui64));
      macRetries += r.net.network.stats.macRetries;
      retried += r.net.network.timeline.filter((e) => /APS retry/.test(e.what)).length;
    }
    assert.ok(retried > 0, "at least one APS retransmission across the runs");
    assert.ok(macRetries > 0, "and MAC retries");
  });

  it("an injected drop of the Transport Key is recovered by an APS retry", async () => {
    const r = await requestKeyRun(11, 0, (net) =>
      net.network.injectFault({ match: (f) => f.label === "Transport Key (TC link key)", action: "drop" }),
    );
    assert.equal(r.out.keyExchangeStatus, "SUCCESS");
    const tl = r.net.network.timeline;
    assert.ok(tl.some((e) => e.what === "Transport Key (TC link key)" && /injected/.test(e.note ?? "")));
    assert.ok(tl.some((e) => e.what === "Transport Key (TC link key) (APS retry 1)"));
  });

  it("a corrupted secured frame fails its MIC, is dropped and reported, and the retry gets through", async () => {
    const r = await requestKeyRun(12, 0, (net) =>
      net.network.injectFault({ match: (f) => f.label === "Request Key (TC link key)", action: "corrupt" }),
    );
    assert.equal(r.out.keyExchangeStatus, "SUCCESS");
    assert.equal(r.tcStack.drops.length, 1);
    assert.match(r.tcStack.drops[0].reason, /MIC_FAILED/);
    assert.ok(r.net.network.timeline.some((e) => e.what === "frame dropped" && e.to === "TC"));
  });

  it("a coordinator with every short address handed out answers PAN at capacity", async () => {
    const net = makeNet(14);
    const { tc, stack: tcStack } = makeTc(net);
    for (let a = 1; a <= 0xfff6; a++)
      tcStack.restoreShortAddress(`00aa00000000${a.toString(16).padStart(4, "0")}`, a);
    const m = makeJoiner(net, { eui64: "0000000000000b03", name: "meter" });
    tc.addDeviceLinkKeyByInstallCode(m.stack.eui64, m.code.installCode);
    const p = m.node.start();
    await net.clock.run();
    assert.equal((await p).join.status, "REFUSED");
    assert.equal(tcStack.shortAddressOf(m.stack.eui64), undefined);
    assert.ok(net.network.timeline.some((e) => e.what === "Association Response (PAN at capacity)"));
    // a device that already has an address keeps being answered with it
    const known = makeJoiner(net, { eui64: "00aa000000000007", name: "known" });
    tc.addDeviceLinkKeyByInstallCode(known.stack.eui64, known.code.installCode);
    const q = known.node.start();
    await net.clock.run();
    assert.equal((await q).join.status, "SUCCESS");
    assert.equal(known.stack.shortAddress, 7);
  });

  it("with the TC powered off the join finds nobody", async () => {
    const net = makeNet(13);
    const { tc } = makeTc(net);
    const m = makeJoiner(net, { eui64: "0000000000000b02", name: "meter" });
    tc.addDeviceLinkKeyByInstallCode(m.stack.eui64, m.code.installCode);
    net.network.powerOff(TC_EUI);
    const p = m.node.start();
    await net.clock.run();
    assert.equal((await p).join.status, "TIMEOUT");
    assert.ok(
      net.network.timeline.some(
        (e) => e.what.startsWith("Association Request") && /node off/.test(e.note ?? ""),
      ),
    );
  });
});
