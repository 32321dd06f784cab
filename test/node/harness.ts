/** Test helpers: a small simulated network with a Trust Center and SE nodes. */
import { SimClock } from "../../src/net/sim/clock.js";
import { SimNetwork } from "../../src/net/sim/network.js";
import { SimStack } from "../../src/net/sim/stack.js";
import { SeNode } from "../../src/node/se-node.js";
import { seDefaults } from "../../src/node/startup.js";
import { TrustCenter } from "../../src/node/trust-center.js";
import { type InstallCode, makeInstallCode } from "../../src/se/install-code.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import type { Store } from "../../src/store/store.js";
import { SeededRng } from "../../src/util/rng.js";

export const TC_EUI = "00124b0000000001";

export function makeNet(seed = 1, loss = 0, macRetries = 3) {
  const clock = new SimClock();
  const rng = new SeededRng(seed);
  const network = new SimNetwork({ clock, rng, loss, macRetries });
  return { clock, rng, network };
}

export function makeTc(net: ReturnType<typeof makeNet>, store: Store = new MemoryStore()) {
  const stack = new SimStack({ network: net.network, eui64: TC_EUI, name: "TC", store, rng: net.rng });
  const tc = new TrustCenter({ transport: stack, store, rng: net.rng, scheduler: net.clock });
  tc.start();
  return { stack, tc };
}

export function makeJoiner(
  net: ReturnType<typeof makeNet>,
  opts: { eui64: string; name: string; role?: "meter" | "display"; code?: InstallCode },
) {
  const stack = new SimStack({
    network: net.network,
    eui64: opts.eui64,
    name: opts.name,
    store: new MemoryStore(),
    rng: net.rng,
  });
  const code = opts.code ?? makeInstallCode(net.rng.bytes(16));
  const config = seDefaults();
  config.preconfiguredLinkKey = code.linkKey;
  const node = new SeNode({
    transport: stack,
    config,
    scheduler: net.clock,
    rng: net.rng,
    role: opts.role ?? "meter",
  });
  return { stack, node, code };
}
