/**
 * Child process of the Trust Center crash test (tc-crash.test.ts): a Trust Center on a
 * SqliteStore admits `count` meters one batch after another (install-code preconfigured key,
 * then an APS Request Key for the TC link key, Zigbee 05-3474 4.6.3.4 / 4.4.10), on a simulated
 * network. After each meter's key is committed it prints `KEY <eui64> <key hex> <max counter used>`
 * (read back from the database, so a printed key is an acknowledged one); at start it prints
 * `START <first outgoing APS frame counter>`, and `CTR <name> <n>` before each counter is used. The parent SIGKILLs it at random moments.
 *
 * Usage: node --import tsx tc-child.ts <db> <first index> <count> <seed>
 */
import { SimStack } from "../../src/net/sim/stack.js";
import { TrustCenter } from "../../src/node/trust-center.js";
import type { FrameCounters } from "../../src/store/frame-counters.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { toHex } from "../../src/util/bytes.js";
import { makeJoiner, makeNet, TC_EUI } from "../node/harness.js";

const [db, firstText, countText, seedText] = process.argv.slice(2);
const first = Number(firstText);
const count = Number(countText);
const net = makeNet(Number(seedText));
const store = new SqliteStore(db);
// A small reservation block, so that kills land between reservations often.
const stack = new SimStack({
  network: net.network,
  eui64: TC_EUI,
  name: "TC",
  store,
  rng: net.rng,
  counterBlock: 8,
});
const tc = new TrustCenter({ transport: stack, store, rng: net.rng, scheduler: net.clock });
tc.start();
const out = (line: string) => process.stdout.write(`${line}\n`);
out(`START ${stack.peekFrameCounter()}`);
// Every outgoing counter is printed before the frame using it leaves (stdout on a pipe is
// synchronous on Linux), so the parent knows every counter used before a kill.
const counters = (stack as unknown as { counters: FrameCounters }).counters;
const take = counters.take.bind(counters);
counters.take = (name: string) => {
  const n = take(name);
  out(`CTR ${name} ${n}`);
  return n;
};

const BATCH = 10;
for (let base = first; base < first + count; base += BATCH) {
  const meters = [];
  for (let i = base; i < Math.min(base + BATCH, first + count); i++) {
    const eui64 = `00000000${i.toString(16).padStart(8, "0")}`;
    const m = makeJoiner(net, { eui64, name: `meter-${i}` });
    tc.addDeviceLinkKeyByInstallCode(m.stack.eui64, m.code.installCode);
    m.node.setBdb("tcLinkKeyExchangeMethod", 0);
    meters.push(m);
  }
  const started = meters.map((m) => m.node.start());
  await net.clock.run();
  const outcomes = await Promise.all(started);
  for (const [i, m] of meters.entries()) {
    if (outcomes[i].keyExchangeStatus !== "SUCCESS") continue;
    const committed = store.getDevice(m.stack.eui64)?.tcLinkKey;
    if (committed) out(`KEY ${m.stack.eui64} ${toHex(committed)} ${stack.peekFrameCounter() - 1}`);
    net.network.detach(m.stack.eui64);
  }
}
out("DONE");
store.close();
