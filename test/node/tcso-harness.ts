/**
 * Test helper: a simulated SE network whose Trust Center can go away (SE 07-5356 §5.4.2.2.3.4,
 * seed 6.2). The CA, a Trust Center with the KE responder and the Keep-Alive server, meters
 * with install codes and CBKE, a display with DCA; every joiner runs the keep-alive client and
 * TCSO (`SeNode.startKeepAlive` with the simulator's `SimTcsoLink`). Faults: power the TC off,
 * bring it back (on another channel), bring up a NEW Trust Center (other EUI-64, this or
 * another channel, the devices' install codes, the same CA). TCSO callbacks are recorded with
 * their virtual time; keep-alive answers are read from the medium's own timeline.
 */
import type { Eui64Hex } from "../../src/engine/types.js";
import { SimClock } from "../../src/net/sim/clock.js";
import { SimNetwork, type TimelineEntry } from "../../src/net/sim/network.js";
import { SimStack } from "../../src/net/sim/stack.js";
import { SeNode } from "../../src/node/se-node.js";
import { type SimulationCa, simulationCa } from "../../src/node/sim-ca.js";
import { SIM_DISPLAY_EUI, SIM_TC_EUI, SIM_TC2_EUI, simMeterEui } from "../../src/node/simulation.js";
import { seDefaults, ZCL_DEVICE_IN_PREMISE_DISPLAY } from "../../src/node/startup.js";
import { SimTcsoLink } from "../../src/node/tcso-sim.js";
import { TrustCenter } from "../../src/node/trust-center.js";
import { makeInstallCode } from "../../src/se/install-code.js";
import { MemoryStore } from "../../src/store/memory-store.js";
import { SeededRng } from "../../src/util/rng.js";

export const CHANNEL = 11;
/** What the Trust Center's keep-alive answer is called on the air. */
export const KEEPALIVE_ANSWER = "Read Attributes Response (Keep-Alive Base, Jitter)";

export interface HarnessTc {
  name: string;
  eui64: Eui64Hex;
  stack: SimStack;
  tc: TrustCenter;
}

export interface HarnessJoiner {
  name: string;
  role: "meter" | "display";
  node: SeNode;
  stack: SimStack;
  installCode: Uint8Array;
  join?: string;
  /** Every TCSO callback with its virtual time. */
  callbacks: { t: number; status: string }[];
}

export interface HarnessOptions {
  suite?: 1 | 2;
  /** Meters (default 1); a display joins too. */
  devices?: number;
  seed?: number;
  /** The TCs' Keep-Alive server (default the seed's example: base 1 min, jitter 5 s). */
  keepAlive?: { base: number; jitter: number };
  /** What each joiner's TCSO callback answers (default true). */
  answer?: (joiner: string, status: string) => boolean;
}

export class TcsoHarness {
  readonly clock = new SimClock();
  readonly rng: SeededRng;
  readonly network: SimNetwork;
  readonly ca: SimulationCa;
  readonly suite: 1 | 2;
  readonly tcs: HarnessTc[] = [];
  readonly joiners: HarnessJoiner[] = [];
  private readonly opts: HarnessOptions;

  constructor(options: HarnessOptions = {}) {
    this.opts = options;
    this.suite = options.suite ?? 1;
    this.rng = new SeededRng(options.seed ?? 1);
    this.network = new SimNetwork({ clock: this.clock, rng: this.rng });
    this.ca = simulationCa({ suite: this.suite, rng: this.rng });
    this.addTc(SIM_TC_EUI, "TC").tc.start();
    const n = options.devices ?? 1;
    for (let i = 0; i < n; i++) this.addJoiner(simMeterEui(i), n === 1 ? "meter" : `meter-${i + 1}`, "meter");
    this.addJoiner(SIM_DISPLAY_EUI, "display", "display");
  }

  get timeline(): readonly TimelineEntry[] {
    return this.network.timeline;
  }

  joiner(name: string): HarnessJoiner {
    const j = this.joiners.find((x) => x.name === name);
    if (!j) throw new Error(`no joiner ${name}`);
    return j;
  }

  /** Joins everyone (meters CBKE, display DCA) and starts each one's keep-alive client. */
  startAll(): Promise<void> {
    const display = this.joiner("display");
    display.node.setBdb("tcLinkKeyExchangeMethod", 0);
    display.node.setBdb("trustCenterRequiresKeyExchange", 0);
    return Promise.all(
      this.joiners.map(async (j) => {
        const s = await j.node.start();
        j.join = s.join.status;
        if (s.join.status !== "SUCCESS") return;
        const key = j.node.config.preconfiguredLinkKey!;
        j.node.startKeepAlive({
          link: new SimTcsoLink({ stack: j.stack, network: this.network, installCodeKey: key }),
        });
      }),
    ).then(() => undefined);
  }

  powerOffTc(): void {
    this.network.powerOff(SIM_TC_EUI);
  }

  /** Powers the first TC on again, on `channel` (default its own). */
  bringBackTc(channel?: number): void {
    if (channel !== undefined) this.network.setChannel(SIM_TC_EUI, channel);
    this.network.powerOn(SIM_TC_EUI);
  }

  /** A new Trust Center on `channel`: same PAN, same CA, every device's install code. */
  bringUpNewTc(channel = CHANNEL): HarnessTc {
    const t = this.addTc(SIM_TC2_EUI, "TC2");
    this.network.setChannel(t.eui64, channel);
    for (const j of this.joiners) t.tc.addDeviceLinkKeyByInstallCode(j.stack.eui64, j.installCode);
    t.tc.start();
    return t;
  }

  run(until: number): Promise<number> {
    return this.clock.run({ until });
  }

  /** Virtual times of the keep-alive answers `from` a TC delivered to `to` (from the air). */
  answers(from: string, to: string): number[] {
    return this.network.timeline
      .filter((e) => e.from === from && e.to === to && e.what === KEEPALIVE_ANSWER && !e.note)
      .map((e) => e.t);
  }

  callbackTimes(j: HarnessJoiner, status: string): number[] {
    return j.callbacks.filter((c) => c.status === status).map((c) => c.t);
  }

  private addTc(eui64: Eui64Hex, name: string): HarnessTc {
    const store = new MemoryStore();
    const stack = new SimStack({ network: this.network, eui64, name, store, rng: this.rng });
    this.network.setChannel(eui64, CHANNEL);
    const tc = new TrustCenter({
      transport: stack,
      store,
      rng: this.rng,
      scheduler: this.clock,
      ke: { credentials: { [this.suite]: this.ca.issue(eui64) }, maxSessions: 4 },
      keepAlive: this.opts.keepAlive ?? { base: 1, jitter: 5 },
    });
    const t = { name, eui64, stack, tc };
    this.tcs.push(t);
    return t;
  }

  private addJoiner(eui64: Eui64Hex, name: string, role: "meter" | "display"): void {
    const ic = makeInstallCode(this.rng.bytes(16));
    const config = seDefaults();
    config.preconfiguredLinkKey = ic.linkKey;
    config.cbke.suiteMask = this.suite;
    config.cbke[this.suite === 1 ? "suite1" : "suite2"] = this.ca.issue(eui64);
    if (role === "display") config.cbke.deviceId = ZCL_DEVICE_IN_PREMISE_DISPLAY;
    const callbacks: HarnessJoiner["callbacks"] = [];
    config.cbke.tcsoCallback = (status) => {
      callbacks.push({ t: this.clock.now(), status });
      return this.opts.answer?.(name, status) ?? true;
    };
    this.tcs[0].tc.addDeviceLinkKeyByInstallCode(eui64, ic.installCode);
    const stack = new SimStack({
      network: this.network,
      eui64,
      name,
      store: new MemoryStore(),
      rng: this.rng,
    });
    this.network.setChannel(eui64, CHANNEL);
    const node = new SeNode({ transport: stack, config, scheduler: this.clock, rng: this.rng, role });
    this.joiners.push({ name, role, node, stack, installCode: ic.installCode, callbacks });
  }
}
