/**
 * A simulated SE network whose Trust Center can go away: the CA, a Trust Center with the
 * Key Establishment responder and the Keep-Alive server (SE 07-5356 §5.4.2.2.3.4), meters
 * that join with install codes and run CBKE, a display joining with dynamic CBKE activation
 * (seed 6.4), each joiner running the keep-alive client and Trust Center Swap-Out (seed 6.2)
 * through `TcSupervisorHost`. Fault steps: power the TC off, bring up a NEW Trust Center
 * (other EUI-64, same PAN, this or another channel, every device's install code, the same CA),
 * bring the old one back (optionally on another channel).
 */
import type { KeSuiteCredentials } from "../engine/ke-types.js";
import type { KeWaitTimePolicy } from "../engine/ke-wait-queue.js";
import type { Eui64Hex } from "../engine/types.js";
import { SimClock } from "../net/sim/clock.js";
import { type AirFrame, SimNetwork } from "../net/sim/network.js";
import { SimStack } from "../net/sim/stack.js";
import { makeInstallCode } from "../se/install-code.js";
import { MemoryStore } from "../store/memory-store.js";
import type { Store } from "../store/store.js";
import { SeededRng } from "../util/rng.js";
import type { KeOutcome } from "./ke-runner.js";
import { startKeepAliveServer, TcSupervisorHost } from "./keepalive-host.js";
import { SeNode } from "./se-node.js";
import { type SimulationCa, simulationCa } from "./sim-ca.js";
import { SIM_DISPLAY_EUI, SIM_TC_EUI, simMeterEui } from "./simulation.js";
import {
  type SeStartupConfig,
  seDefaults,
  type TcsoStatusName,
  ZCL_DEVICE_IN_PREMISE_DISPLAY,
} from "./startup.js";
import { SimTcsoLink } from "./tcso-sim.js";
import { TrustCenter } from "./trust-center.js";

/** The replacement Trust Center's EUI-64. */
export const SIM_NEW_TC_EUI = "00124b000000ff02";
/** The channel the network starts on. */
export const SIM_CHANNEL = 11;

export interface SimTrustCenter {
  name: string;
  eui64: Eui64Hex;
  stack: SimStack;
  tc: TrustCenter;
  store: Store;
}

export interface TcsoJoiner {
  name: string;
  role: "meter" | "display";
  node: SeNode;
  stack: SimStack;
  installCode: Uint8Array;
  /** Join status, once `start` ended. */
  join?: string;
  /** The keep-alive client + TCSO, once joined. */
  host?: TcSupervisorHost;
}

export interface TcsoNetworkOptions {
  suite?: 1 | 2;
  /** Meters (default 1); one display joins too. */
  devices?: number;
  seed?: number | string;
  loss?: number;
  timeline?: boolean;
  /** The first TC's store (default in memory). */
  store?: Store;
  /** The TCs' concurrent KE sessions (default 4). */
  keSessions?: number;
  /** The TCs' NO_RESOURCES wait times (default "queue"; docs/ke.md). */
  keWaitTime?: KeWaitTimePolicy;
  /** Keep-Alive server settings (default the seed's example: base 1 min, jitter 5 s). */
  keepAlive?: { base: number; jitter: number };
  /** Each joiner's TCSO callback (the startup configuration's `tcsoCallback`). */
  tcsoCallback?: (joiner: string) => ((status: TcsoStatusName) => boolean) | undefined;
  /** Keep-alive client read timeout (ms, default the engine's 10 s). */
  readTimeoutMs?: number;
  /** Called for every frame put on the air. */
  onAir?: (frame: AirFrame, t: number) => void;
}

export class TcsoNetwork {
  readonly clock = new SimClock();
  readonly rng: SeededRng;
  readonly network: SimNetwork;
  readonly ca: SimulationCa;
  readonly suite: 1 | 2;
  readonly trustCenters: SimTrustCenter[] = [];
  readonly joiners: TcsoJoiner[] = [];
  /** Every KE the TCs answered, by status. */
  readonly keOutcomes: Record<string, number> = {};
  private readonly opts: TcsoNetworkOptions;

  constructor(options: TcsoNetworkOptions = {}) {
    this.opts = options;
    this.suite = options.suite ?? 2;
    this.rng = new SeededRng(options.seed ?? 1);
    this.network = new SimNetwork({
      clock: this.clock,
      rng: this.rng,
      loss: options.loss ?? 0,
      timeline: options.timeline ?? true,
    });
    if (options.onAir) this.network.onAir(options.onAir);
    this.ca = simulationCa({ suite: this.suite, rng: this.rng });
    this.addTrustCenter({ eui64: SIM_TC_EUI, name: "TC", store: options.store ?? new MemoryStore() });
    const n = options.devices ?? 1;
    for (let i = 0; i < n; i++) this.addJoiner(simMeterEui(i), n === 1 ? "meter" : `meter-${i + 1}`, "meter");
    this.addJoiner(SIM_DISPLAY_EUI, "display", "display");
  }

  /** The Trust Center running the network now (the last one brought up). */
  get currentTc(): SimTrustCenter {
    return this.trustCenters[this.trustCenters.length - 1];
  }

  /** A timeline note. */
  note(who: string, what: string): void {
    this.network.log({ t: this.clock.now(), from: who, to: "-", what, key: "-" });
  }

  /**
   * Joins every device (meters with CBKE, the display with DCA) and starts each one's
   * keep-alive client once it has joined; resolves when all joins have ended.
   */
  startAll(): Promise<void> {
    const meters = this.joiners.filter((j) => j.role === "meter");
    const display = this.joiners.find((j) => j.role === "display");
    if (display) {
      display.node.setBdb("tcLinkKeyExchangeMethod", 0);
      display.node.setBdb("trustCenterRequiresKeyExchange", 0);
    }
    return Promise.all(
      [...meters, ...(display ? [display] : [])].map(async (j) => {
        const s = await j.node.start();
        j.join = s.join.status;
        if (s.join.status !== "SUCCESS") return;
        j.host = new TcSupervisorHost({
          node: j.node,
          scheduler: this.clock,
          rng: this.rng,
          link: new SimTcsoLink({
            stack: j.stack,
            network: this.network,
            installCodeKey: j.node.config.preconfiguredLinkKey!,
            trustCenters: () => this.trustCenters.map((t) => t.eui64),
          }),
          keepAlive: this.opts.readTimeoutMs ? { readTimeoutMs: this.opts.readTimeoutMs } : undefined,
          log: (t) => this.note(j.name, t),
        });
        j.host.keepAliveClientStart();
      }),
    ).then(() => undefined);
  }

  /** Powers the current Trust Center off. */
  powerOffTc(): void {
    this.network.powerOff(this.currentTc.eui64);
  }

  /** Powers the (first) Trust Center on again, on `channel` (default its own). */
  bringBackTc(options: { channel?: number } = {}): void {
    const t = this.trustCenters[0];
    if (options.channel !== undefined) this.network.setChannel(t.eui64, options.channel);
    this.network.powerOn(t.eui64);
    this.note(t.name, `back on channel ${this.network.channelOf(t.eui64)}`);
  }

  /**
   * Brings up a new Trust Center (SIM_NEW_TC_EUI) on `channel` (default SIM_CHANNEL): same
   * PAN, its own network key, certificate from the same CA, every device's install code.
   */
  bringUpNewTc(options: { channel?: number } = {}): SimTrustCenter {
    const t = this.addTrustCenter({ eui64: SIM_NEW_TC_EUI, name: "TC2", store: new MemoryStore() });
    this.network.setChannel(t.eui64, options.channel ?? SIM_CHANNEL);
    for (const j of this.joiners) t.tc.addDeviceLinkKeyByInstallCode(j.stack.eui64, j.installCode);
    t.tc.start();
    this.note(
      "TC2",
      `new Trust Center formed the network on channel ${this.network.channelOf(t.eui64)}; ${this.joiners.length} install codes registered`,
    );
    return t;
  }

  /** Runs the clock until virtual time `until` (ms). */
  run(until: number): Promise<number> {
    return this.clock.run({ until });
  }

  private addTrustCenter(o: { eui64: Eui64Hex; name: string; store: Store }): SimTrustCenter {
    const stack = new SimStack({
      network: this.network,
      eui64: o.eui64,
      name: o.name,
      store: o.store,
      rng: this.rng,
    });
    this.network.setChannel(o.eui64, SIM_CHANNEL);
    const credentials: KeSuiteCredentials = this.ca.issue(o.eui64);
    const tc = new TrustCenter({
      transport: stack,
      store: o.store,
      rng: this.rng,
      scheduler: this.clock,
      ke: {
        credentials: { [this.suite]: credentials },
        maxSessions: this.opts.keSessions ?? 4,
        waitTime: this.opts.keWaitTime ?? "queue",
      },
      log: (t) => this.note(o.name, t),
      onKeDone: (k: KeOutcome) => {
        this.keOutcomes[k.status] = (this.keOutcomes[k.status] ?? 0) + 1;
      },
    });
    const config = seDefaults().cbke;
    config.tcKeepAliveServer = true;
    config.tcKeepAliveBase = this.opts.keepAlive?.base ?? 1;
    config.tcKeepAliveJitter = this.opts.keepAlive?.jitter ?? 5;
    startKeepAliveServer({ transport: stack, scheduler: this.clock, config });
    if (this.trustCenters.length === 0) tc.start();
    const entry = { name: o.name, eui64: o.eui64, stack, tc, store: o.store };
    this.trustCenters.push(entry);
    return entry;
  }

  private addJoiner(eui64: Eui64Hex, name: string, role: "meter" | "display"): void {
    const ic = makeInstallCode(this.rng.bytes(16));
    const config: SeStartupConfig = seDefaults();
    config.preconfiguredLinkKey = ic.linkKey;
    config.cbke.suiteMask = this.suite;
    config.cbke[this.suite === 1 ? "suite1" : "suite2"] = this.ca.issue(eui64);
    if (role === "display") config.cbke.deviceId = ZCL_DEVICE_IN_PREMISE_DISPLAY;
    const cb = this.opts.tcsoCallback?.(name);
    if (cb) config.cbke.tcsoCallback = cb;
    this.trustCenters[0].tc.addDeviceLinkKeyByInstallCode(eui64, ic.installCode);
    const stack = new SimStack({
      network: this.network,
      eui64,
      name,
      store: new MemoryStore(),
      rng: this.rng,
    });
    this.network.setChannel(eui64, SIM_CHANNEL);
    const node = new SeNode({
      transport: stack,
      config,
      scheduler: this.clock,
      rng: this.rng,
      role,
      log: (t) => this.note(name, t),
    });
    this.joiners.push({ name, role, node, stack, installCode: ic.installCode });
  }
}
