/**
 * `zse simulate`'s engine: the seed's application scenario (section 6.3-6.4) on the simulated
 * network. A CA issues certificates; a Trust Center with a KE responder forms the network; the
 * meters join with install codes and run CBKE with the TC automatically (SE 07-5356 5.4.7);
 * an in-home display joins with dynamic CBKE activation (BDB attributes both 0) and then runs
 * keWithDevice with the first meter plus an APS Request Key for an application link key;
 * finally it reads the meter over APS security with that key. Every run replays from its seed.
 */
import type { KeWaitTimePolicy } from "../engine/ke-wait-queue.js";
import type { Eui64Hex } from "../engine/types.js";
import { SimClock } from "../net/sim/clock.js";
import { type AirFrame, SimNetwork, type TimelineEntry } from "../net/sim/network.js";
import { SimStack } from "../net/sim/stack.js";
import { makeInstallCode } from "../se/install-code.js";
import { MemoryStore } from "../store/memory-store.js";
import { SqliteStore } from "../store/sqlite-store.js";
import type { Store } from "../store/store.js";
import { equalBytes, toHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import { SeededRng } from "../util/rng.js";
import { joinerReport } from "./device-report.js";
import type { KeOutcome } from "./ke-runner.js";
import { type AttackRecord, hostileTcCrypto, runHostileAttacks } from "./scenario-hostile.js";
import { SeNode } from "./se-node.js";
import { simulationCa } from "./sim-ca.js";
import { seDefaults, ZCL_DEVICE_IN_PREMISE_DISPLAY } from "./startup.js";
import { type DeviceTcsoReport, runTcsoSimulation } from "./tcso-scenario.js";
import { threadCpuMs } from "./thread-cpu.js";
import { timedCrypto } from "./timed-crypto.js";
import { TrustCenter } from "./trust-center.js";

export const SCENARIOS = ["default", "tcso", "tc-outage", "hostile"] as const;

/**
 * Meters one simulated PAN takes: the coordinator hands out 65,526 short addresses
 * (0x0001-0xfff6), and the display and some room stay free.
 */
export const MAX_SIMULATED_METERS = 65_000;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface SimulationOptions {
  scenario?: ScenarioName;
  /** CBKE suite of every certificate (default 2). */
  suite?: 1 | 2;
  /** Meters joining at once (default 1). */
  devices?: number;
  seed?: number | string;
  /** The Trust Center's SQLite file (default: an in-memory store). */
  db?: string;
  /** Probability a MAC attempt is lost (default 0). */
  loss?: number;
  /** Keep the frame timeline (default: when devices <= 20). */
  timeline?: boolean;
  /** Keep every frame's bytes for a capture (default false). */
  capture?: boolean;
  /** The TC's concurrent KE sessions (default 4); beyond it, NO_RESOURCES. */
  keSessions?: number;
  /** The TC's NO_RESOURCES wait times: spread by its queue (default) or a fixed 30 s. */
  keWaitTime?: KeWaitTimePolicy;
  /**
   * Progress of a long run (the CLI's progress bar): "setup" counts the meters given their
   * certificates, "run" the meters whose join and key exchange have ended.
   */
  onProgress?: (p: { phase: "setup" | "run"; done: number; total: number }) => void;
}

export interface DeviceReport {
  name: string;
  eui64: Eui64Hex;
  role: "meter" | "display";
  shortAddress?: number;
  join: string;
  /** BDB KE status at the end. */
  keStatus: string;
  /** With whom the node holds link keys at the end, and how each was made. */
  linkKeys: { partner: string; key: string; how: string }[];
  noResourcesRetries: number;
  /** KE attempts with the TC repeated after a TIMEOUT (frames lost beyond every retry). */
  keTimeoutRetries: number;
  /** Keep-alive and Trust Center Swap-Out (scenarios tcso, tc-outage). */
  tcso?: DeviceTcsoReport;
}

export interface Step {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SimulationResult {
  ok: boolean;
  scenario: ScenarioName;
  suite: 1 | 2;
  seed: number | string;
  loss: number;
  devices: DeviceReport[];
  trustCenter: {
    eui64: Eui64Hex;
    devicesInTable: number;
    /** KE sessions it runs at once, and how it picks the NO_RESOURCES wait time. */
    keSessions: number;
    keWaitTime: KeWaitTimePolicy;
    keAnswered: number;
    keOutcomes: Record<string, number>;
  };
  steps: Step[];
  stats: {
    virtualMs: number;
    /** CPU of the network run (joins, KE, frames), after the CA issued every certificate. */
    cpuMs: number;
    /** CPU of the set-up: CA key, certificate issuance, nodes. */
    setupCpuMs?: number;
    wallMs: number;
    handshakes: number;
    handshakesPerCpuSecond: number;
    cpuMsPerHandshake: number;
    /**
     * Of cpuMs, the CBKE cryptography (ephemeral keys, certificate checks, ECQV/ECMQV/KDF/MACs
     * of every node), and per handshake what is left: stacks, frames, engines, network.
     */
    keCryptoCpuMs?: number;
    /**
     * Of `cpuMs`, what V8's background threads used (optimizing compiler, GC helpers): the
     * process's CPU less the simulation thread's (Linux /proc; 10 ms resolution; absent elsewhere).
     */
    backgroundCpuMs?: number;
    otherCpuMsPerHandshake?: number;
    noResourcesRetries: number;
    keTimeoutRetries: number;
    frames: { sent: number; delivered: number; lost: number; macRetries: number };
    securityDrops: number;
  };
  timeline?: TimelineEntry[];
  /** Frames on the air (with `capture`), virtual ms + bytes with FCS. */
  frames?: { t: number; bytes: Uint8Array }[];
  /** The "hostile" scenario: every attack attempt with its expected and actual outcome. */
  attacks?: AttackRecord[];
  /** Every key in play, for a Wireshark keys file (secrets). */
  keys: { key: Uint8Array; label: string }[];
}

export const SIM_TC_EUI = "00124b000000ff01";
export const simMeterEui = (i: number) => `00124b0001${(i + 1).toString(16).padStart(6, "0")}`;
export const SIM_DISPLAY_EUI = "00124b0002000001";
const VIRTUAL_LIMIT_MS = 48 * 3600_000;

interface Joiner {
  name: string;
  node: SeNode;
  stack: SimStack;
  role: "meter" | "display";
  join?: string;
}

/** A run's CPU per handshake in ms, split: the CBKE computation, V8's background threads (when known), the rest. */
export interface HandshakeCpuSplit {
  keCrypto: number;
  background?: number;
  rest: number;
}

/** The split of `stats` (a run with handshakes and its KE crypto accounted), rounded to 0.01 ms; else undefined. */
export function handshakeCpuSplit(stats: {
  handshakes: number;
  cpuMs: number;
  keCryptoCpuMs?: number;
  backgroundCpuMs?: number;
}): HandshakeCpuSplit | undefined {
  const { handshakes: h, keCryptoCpuMs: crypto, backgroundCpuMs: background } = stats;
  if (crypto === undefined || h === 0) return undefined;
  const per = (ms: number) => Math.round((ms / h) * 100) / 100;
  return {
    keCrypto: per(crypto),
    ...(background !== undefined ? { background: per(background) } : {}),
    rest: per(stats.cpuMs - crypto - (background ?? 0)),
  };
}

export async function runSimulation(options: SimulationOptions = {}): Promise<SimulationResult> {
  const scenario = options.scenario ?? "default";
  if (scenario === "tcso" || scenario === "tc-outage") return runTcsoSimulation({ ...options, scenario });
  const suite = options.suite ?? 2;
  const n = options.devices ?? 1;
  const seed = options.seed ?? 1;
  const loss = options.loss ?? 0;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SIMULATED_METERS)
    throw new ZseError("BAD_VALUE", `devices: ${n} is not an integer in 1..${MAX_SIMULATED_METERS}`);
  if (!(loss >= 0 && loss < 1)) throw new ZseError("BAD_VALUE", `loss: ${loss} is not in [0, 1)`);
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const clock = new SimClock();
  const rng = new SeededRng(seed);
  const network = new SimNetwork({ clock, rng, loss, timeline: options.timeline ?? n <= 20 });
  const frames: { t: number; bytes: Uint8Array }[] = [];
  if (options.capture)
    network.onAir((f: AirFrame, t) => f.kind === "aps" && frames.push({ t, bytes: f.bytes }));
  const note = (who: string, what: string) =>
    network.log({ t: clock.now(), from: who, to: "-", what, key: "-" });
  const steps: Step[] = [];
  const step = (name: string, ok: boolean, detail: string) => steps.push({ name, ok, detail });

  // Step 1 (seed 6.3): the CA issues certificates for the TC and every joiner
  const ca = simulationCa({ suite, rng });
  const tcCredentials = ca.issue(SIM_TC_EUI);
  const tcStore: Store = options.db ? new SqliteStore(options.db) : new MemoryStore();
  const keOutcomes: Record<string, number> = {};
  const cryptoCpu = { ms: 0 };
  const revoked = { certificates: [] as Uint8Array[] };
  let attacks: AttackRecord[] | undefined;
  try {
    const tcStack = new SimStack({ network, eui64: SIM_TC_EUI, name: "TC", store: tcStore, rng });
    const tc = new TrustCenter({
      transport: tcStack,
      store: tcStore,
      rng,
      scheduler: clock,
      ke: {
        credentials: { [suite]: tcCredentials },
        maxSessions: options.keSessions ?? 4,
        waitTime: options.keWaitTime ?? "queue",
        crypto: timedCrypto(
          cryptoCpu,
          scenario === "hostile" ? hostileTcCrypto({ revoked, clock }) : undefined,
        ),
      },
      log: (t) => note("TC", t),
      onKeDone: (o: KeOutcome) => {
        keOutcomes[o.status] = (keOutcomes[o.status] ?? 0) + 1;
      },
    });
    tc.start();
    const joiners: Joiner[] = [];
    const make = (eui64: Eui64Hex, name: string, role: "meter" | "display"): Joiner => {
      const ic = makeInstallCode(rng.bytes(16));
      const config = seDefaults();
      config.preconfiguredLinkKey = ic.linkKey;
      config.cbke.suiteMask = suite;
      config.cbke[suite === 1 ? "suite1" : "suite2"] = ca.issue(eui64);
      if (role === "display") config.cbke.deviceId = ZCL_DEVICE_IN_PREMISE_DISPLAY;
      tc.addDeviceLinkKeyByInstallCode(eui64, ic.installCode);
      const stack = new SimStack({ network, eui64, name, store: new MemoryStore(), rng });
      const node = new SeNode({
        transport: stack,
        config,
        scheduler: clock,
        rng,
        role,
        crypto: timedCrypto(cryptoCpu),
        log: (t) => note(name, t),
      });
      const j = { name, node, stack, role };
      joiners.push(j);
      return j;
    };
    const progress = options.onProgress;
    const meters = Array.from({ length: n }, (_, i) => {
      const m = make(simMeterEui(i), n === 1 ? "meter" : `meter-${i + 1}`, "meter");
      progress?.({ phase: "setup", done: i + 1, total: n });
      return m;
    });
    const display = make(SIM_DISPLAY_EUI, "display", "display");
    step(
      "ca",
      ca.issued === n + 2,
      `CA issued ${ca.issued} suite ${suite} certificates (TC, ${n} meter(s), display)`,
    );
    note(
      "TC",
      `network formed; ${n + 1} install codes registered; KE responder on endpoint 240, suite ${suite}`,
    );

    // Step 2-5: meters join and run CBKE with the TC automatically (BDB defaults: CBKE)
    let metersDone = 0;
    const meterRuns = meters.map(async (m) => {
      const s = await m.node.start();
      m.join = s.join.status;
      progress?.({ phase: "run", done: ++metersDone, total: n });
      return s;
    });
    // Step 6.4 (DCA): the display joins without CBKE, then keWithDevice with the first meter
    display.node.setBdb("tcLinkKeyExchangeMethod", 0);
    display.node.setBdb("trustCenterRequiresKeyExchange", 0);
    let finished = false;
    const hostile =
      scenario === "hostile"
        ? runHostileAttacks(
            {
              suite,
              rng,
              ca,
              network,
              clock,
              tc,
              tcEui64: SIM_TC_EUI,
              tcDrops: () => tcStack.drops,
              maxSessions: options.keSessions ?? 4,
              meterEui64: meters[0].stack.eui64,
              note,
            },
            revoked,
          )
        : undefined;
    const flow = (async () => {
      const ds = await display.node.start();
      display.join = ds.join.status;
      step(
        "display join (DCA)",
        ds.join.status === "SUCCESS" && ds.keyExchange === "none",
        `join ${ds.join.status}, key exchange at join: ${ds.keyExchange}`,
      );
      const first = await meterRuns[0];
      let ke: KeOutcome | undefined;
      if (ds.join.status === "SUCCESS" && first.keyExchangeStatus === "SUCCESS") {
        ke = await display.node.keWithDevice(meters[0].stack.eui64, { apsRequestKey: true });
      }
      step(
        "display keWithDevice(meter, apsRequestKey)",
        ke?.status === "SUCCESS",
        ke ? `outcome ${ke.status}` : "not run: meter or display not ready",
      );
      const demand =
        ke?.status === "SUCCESS" ? await display.node.readDemand(meters[0].stack.eui64) : undefined;
      step(
        "APS-encrypted read",
        demand === meters[0].node.demand,
        demand === undefined ? "no answer" : `InstantaneousDemand ${demand} W`,
      );
      const shared = display.stack.getLinkKey(meters[0].stack.eui64);
      const meterSide = meters[0].stack.getLinkKey(display.stack.eui64);
      step(
        "application link key",
        !!shared &&
          !!meterSide &&
          equalBytes(shared, meterSide) &&
          display.stack.linkKeyLabel(meters[0].stack.eui64) === "application link key",
        shared && meterSide && equalBytes(shared, meterSide)
          ? "display and meter hold the same key from the TC"
          : "keys missing or different",
      );
      await Promise.all(meterRuns);
      if (hostile) {
        attacks = await hostile;
        const bad = attacks.filter((a) => !a.ok);
        step(
          "hostile attempts",
          bad.length === 0,
          `${attacks.length - bad.length}/${attacks.length} attacks met the expected outcome${bad.length ? `; wrong: ${bad.map((a) => a.attack).join(", ")}` : ""}`,
        );
      }
      finished = true;
    })();
    const setup = process.cpuUsage(cpu0);
    const cpuRun0 = process.cpuUsage();
    const thread0 = threadCpuMs();
    cryptoCpu.ms = 0;
    await clock.run({ stop: () => finished, until: VIRTUAL_LIMIT_MS });
    if (!finished)
      step(
        "completion",
        false,
        `the scenario did not finish within ${VIRTUAL_LIMIT_MS / 3600_000} h of virtual time`,
      );
    else await flow;

    // final checks: every meter holds a TC link key from CBKE that the TC holds too
    let withKey = 0;
    for (const m of meters) {
      const k = m.stack.getLinkKey(SIM_TC_EUI);
      const rec = tc.device(m.stack.eui64);
      if (m.node.getBdb("keStatus") === "SUCCESS" && k && rec?.tcLinkKey && equalBytes(k, rec.tcLinkKey))
        withKey++;
    }
    step(
      "meters' TC link keys (CBKE)",
      withKey === n,
      `${withKey}/${n} meters hold a TC link key the TC holds too`,
    );

    const cpu = process.cpuUsage(cpuRun0);
    const thread1 = threadCpuMs();
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const mainThreadCpuMs = thread0 !== undefined && thread1 !== undefined ? thread1 - thread0 : undefined;
    const keCryptoCpuMs = cryptoCpu.ms;
    const handshakes = (keOutcomes.SUCCESS ?? 0) + (display.node.getBdb("keStatus") === "SUCCESS" ? 1 : 0);
    const keys: { key: Uint8Array; label: string }[] = [{ key: tc.getNetworkKey(), label: "network key" }];
    // partners in report order (the TC, then the joiners as made), found from each node's keys
    const order = new Map<Eui64Hex, number>([[SIM_TC_EUI, 0]]);
    const names = new Map<Eui64Hex, string>([[SIM_TC_EUI, "TC"]]);
    joiners.forEach((o, i) => {
      if (!order.has(o.stack.eui64)) order.set(o.stack.eui64, i + 1);
      if (!names.has(o.stack.eui64)) names.set(o.stack.eui64, o.name);
    });
    const devices: DeviceReport[] = joiners.map((j) => {
      const linkKeys: DeviceReport["linkKeys"] = [];
      const partners = j.stack
        .linkKeyPartners()
        .filter((p) => order.has(p) && p !== j.stack.eui64)
        .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
      for (const partner of partners) {
        const k = j.stack.getLinkKey(partner);
        if (!k) continue;
        const partnerName = names.get(partner) ?? partner;
        linkKeys.push({ partner: partnerName, key: toHex(k), how: j.stack.linkKeyLabel(partner) ?? "" });
        keys.push({ key: k, label: `${j.name} <-> ${partnerName}: ${j.stack.linkKeyLabel(partner)}` });
      }
      const pre = j.node.config.preconfiguredLinkKey;
      if (pre) keys.push({ key: pre, label: `${j.name}: install-code link key` });
      return joinerReport(j, linkKeys);
    });
    const noResourcesRetries = devices.reduce((a, d) => a + d.noResourcesRetries, 0);
    const keTimeoutRetries = devices.reduce((a, d) => a + d.keTimeoutRetries, 0);
    return {
      ok: steps.every((s) => s.ok),
      scenario,
      suite,
      seed,
      loss,
      devices,
      trustCenter: {
        eui64: SIM_TC_EUI,
        devicesInTable: tc.devices().length,
        keSessions: options.keSessions ?? 4,
        keWaitTime: options.keWaitTime ?? "queue",
        keAnswered: Object.values(keOutcomes).reduce((a, b) => a + b, 0),
        keOutcomes,
      },
      steps,
      stats: {
        virtualMs: clock.now(),
        cpuMs: Math.round(cpuMs),
        setupCpuMs: Math.round((setup.user + setup.system) / 1000),
        wallMs: Math.round(performance.now() - wall0),
        handshakes,
        handshakesPerCpuSecond: handshakes ? Math.round((handshakes / cpuMs) * 1000 * 10) / 10 : 0,
        cpuMsPerHandshake: handshakes ? Math.round((cpuMs / handshakes) * 100) / 100 : 0,
        keCryptoCpuMs: Math.round(keCryptoCpuMs),
        ...(mainThreadCpuMs !== undefined
          ? { backgroundCpuMs: Math.max(0, Math.round(cpuMs - mainThreadCpuMs)) }
          : {}),
        otherCpuMsPerHandshake: handshakes
          ? Math.round(((cpuMs - keCryptoCpuMs) / handshakes) * 100) / 100
          : 0,
        noResourcesRetries,
        keTimeoutRetries,
        frames: {
          sent: network.stats.sent,
          delivered: network.stats.delivered,
          lost: network.stats.lost,
          macRetries: network.stats.macRetries,
        },
        securityDrops: [tcStack, ...joiners.map((j) => j.stack)].reduce((a, s) => a + s.drops.length, 0),
      },
      ...((options.timeline ?? n <= 20) ? { timeline: network.timeline } : {}),
      ...(options.capture ? { frames } : {}),
      ...(attacks ? { attacks } : {}),
      keys,
    };
  } finally {
    tcStore.close();
  }
}
