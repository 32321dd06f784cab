import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { SimStack } from "../../src/net/sim/stack.js";
import { TrustCenter } from "../../src/node/trust-center.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { makeJoiner, makeNet, makeTc, TC_EUI } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "zse-tc-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("Trust Center restart from its SQLite store (05-3474 4.4.1.2 frame counters)", () => {
  it("carries on with every device's key and never reuses a frame counter", async () => {
    const net = makeNet(21);
    const file = join(dir, "tc.db");
    let store = new SqliteStore(file);
    const first = makeTc(net, store);
    const meters = [1, 2, 3].map((i) =>
      makeJoiner(net, { eui64: `000000000000c00${i}`, name: `meter-${i}` }),
    );
    for (const m of meters) {
      first.tc.addDeviceLinkKeyByInstallCode(m.stack.eui64, m.code.installCode);
      m.node.setBdb("tcLinkKeyExchangeMethod", 0);
    }
    const started = meters.map((m) => m.node.start());
    await net.clock.run();
    for (const s of await Promise.all(started)) assert.equal(s.keyExchangeStatus, "SUCCESS");
    const keysBefore = meters.map((m) => m.stack.getLinkKey(TC_EUI));
    const counterBefore = first.stack.peekFrameCounter();
    assert.ok(counterBefore > 0);

    // crash: the TC vanishes without any shutdown; a new process opens the same file
    net.network.detach(TC_EUI);
    store.close();
    await net.clock.run({ until: net.clock.now() + 30_000 });
    store = new SqliteStore(file);
    const stack = new SimStack({ network: net.network, eui64: TC_EUI, name: "TC", store, rng: net.rng });
    const tc = new TrustCenter({ transport: stack, store, rng: net.rng, scheduler: net.clock });
    tc.start();
    assert.ok(stack.peekFrameCounter() >= counterBefore, "outgoing counter resumes past every counter sent");
    for (const [i, m] of meters.entries()) {
      assert.deepEqual(tc.device(m.stack.eui64)?.tcLinkKey, keysBefore[i]);
      assert.deepEqual(stack.getLinkKey(m.stack.eui64), keysBefore[i]);
    }
    assert.deepEqual(tc.getNetworkKey(), first.tc.getNetworkKey());

    // every meter asks the restarted TC for a new TC link key, secured with the one it holds:
    // the TC must still know it, and its answers must pass the meters' replay checks
    const again = meters.map((m) => m.node.requestTcLinkKey());
    await net.clock.run();
    assert.deepEqual(await Promise.all(again), ["SUCCESS", "SUCCESS", "SUCCESS"]);
    for (const [i, m] of meters.entries()) {
      assert.equal(m.stack.drops.length, 0, "no frame dropped as a replay");
      assert.notDeepEqual(m.stack.getLinkKey(TC_EUI), keysBefore[i]);
      assert.deepEqual(m.stack.getLinkKey(TC_EUI), tc.device(m.stack.eui64)?.tcLinkKey);
    }
    store.close();
  });
});
