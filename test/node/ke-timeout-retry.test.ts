import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { SimStack } from "../../src/net/sim/stack.js";
import { SeNode } from "../../src/node/se-node.js";
import { simulationCa } from "../../src/node/sim-ca.js";
import { seDefaults } from "../../src/node/startup.js";
import { TrustCenter } from "../../src/node/trust-center.js";
import { makeInstallCode } from "../../src/se/install-code.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import { makeNet, TC_EUI } from "./harness.js";

const METER = "00124b0001000a01";

/** A TC with suite 1 credentials and one meter that runs CBKE after joining; `setup` injects faults. */
async function cbkeAfterJoin(setup: (net: ReturnType<typeof makeNet>) => void, tcKe = true) {
  const net = makeNet(21);
  const ca = simulationCa({ suite: 1, rng: net.rng });
  const tcStore = new MemoryStore();
  const tcStack = new SimStack({
    network: net.network,
    eui64: TC_EUI,
    name: "TC",
    store: tcStore,
    rng: net.rng,
  });
  const tc = new TrustCenter({
    transport: tcStack,
    store: tcStore,
    rng: net.rng,
    scheduler: net.clock,
    ...(tcKe ? { ke: { credentials: { 1: ca.issue(TC_EUI) } } } : {}),
  });
  tc.start();
  const stack = new SimStack({
    network: net.network,
    eui64: METER,
    name: "meter",
    store: new MemoryStore(),
    rng: net.rng,
  });
  const code = makeInstallCode(net.rng.bytes(16));
  const config = seDefaults();
  config.preconfiguredLinkKey = code.linkKey;
  config.cbke.suiteMask = 1;
  config.cbke.suite1 = ca.issue(METER);
  tc.addDeviceLinkKeyByInstallCode(METER, code.installCode);
  const logs: string[] = [];
  const node = new SeNode({
    transport: stack,
    config,
    scheduler: net.clock,
    rng: net.rng,
    role: "meter",
    log: (t) => logs.push(t),
  });
  setup(net);
  const p = node.start();
  await net.clock.run();
  return { out: await p, node, stack, tc, logs, net };
}

const isMatchResponse = (label: string) => label.startsWith("ZDO Match Descriptor Response");

describe("SE node: CBKE with the TC after a TIMEOUT (frames lost beyond every retry)", () => {
  it("no Match Descriptor answer is a TIMEOUT, not NO_KE_ENDPOINT, and the node tries again", async () => {
    // the ZDO request is tried 3 times: all three answers lost, then the network recovers
    const r = await cbkeAfterJoin((net) =>
      net.network.injectFault({ match: (f) => isMatchResponse(f.label), action: "drop", count: 3 }),
    );
    assert.ok(
      r.logs.some((l) => /key establishment with .*: TIMEOUT$/.test(l)),
      `first attempt ends TIMEOUT: ${r.logs.join(" | ")}`,
    );
    assert.ok(!r.logs.some((l) => /NO_KE_ENDPOINT/.test(l)));
    assert.equal(r.node.keTimeoutRetries, 1);
    assert.equal(r.out.keyExchangeStatus, "SUCCESS");
    assert.equal(r.node.getBdb("keStatus"), "SUCCESS");
    const key = r.stack.getLinkKey(TC_EUI);
    assert.ok(key && r.tc.device(METER)?.tcLinkKey);
    assert.deepEqual(key, r.tc.device(METER)?.tcLinkKey);
    // the retry waited at least KE_RETRY_AFTER_TIMEOUT_MS after the failed attempt
    const tl = r.net.network.timeline;
    const matches = tl.filter((e) => e.what.startsWith("ZDO Match Descriptor Request"));
    assert.equal(matches.length, 4, "three tries, then one more on the retry");
    assert.ok(matches[3].t - matches[2].t >= 30_000 + 3_000);
  });

  it("gives up after two retries: the KE status stays TIMEOUT", async () => {
    const r = await cbkeAfterJoin((net) =>
      net.network.injectFault({ match: (f) => isMatchResponse(f.label), action: "drop", count: 1000 }),
    );
    assert.equal(r.out.keyExchangeStatus, "TIMEOUT");
    assert.equal(r.node.getBdb("keStatus"), "TIMEOUT");
    assert.equal(r.node.keTimeoutRetries, 2);
    assert.equal(r.logs.filter((l) => /key establishment with .*: TIMEOUT$/.test(l)).length, 3);
  });

  it("an empty Match Descriptor answer (a TC without a KE server) is NO_KE_ENDPOINT, not retried", async () => {
    const r = await cbkeAfterJoin(() => {}, false);
    assert.equal(r.out.keyExchangeStatus, "NO_KE_ENDPOINT");
    assert.equal(r.node.keTimeoutRetries, 0);
    const answers = r.net.network.timeline.filter((e) => isMatchResponse(e.what));
    assert.equal(answers.length, 1, "one answer, no retry");
  });
});
