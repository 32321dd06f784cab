/**
 * `zse simulate --scenario tcso | tc-outage`: Trust Center Swap-Out in the simulated network
 * (seed section 6.2; SE 07-5356 §5.4.2.2.3.4 keep-alive, with the base 1 min / jitter 5 s of the
 * seed's example). `tcso`: the TC is powered off mid-run and a NEW Trust Center comes up; each
 * device's keep-alive fails three times, TCSO rejoins the new TC and runs CBKE with it
 * (SUCCESS). `tc-outage`: the TC goes away and comes back on another channel; the devices
 * first report NOT_FOUND, then find it by scanning (REJOIN_PREV). `ok` holds only when every
 * device ends with the right TC and a keep-alive read APS-encrypted with a link key both hold.
 */
import type { Eui64Hex } from "../engine/types.js";
import type { TimelineEntry } from "../net/sim/network.js";
import { SqliteStore } from "../store/sqlite-store.js";
import { equalBytes, toHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import { joinerReport } from "./device-report.js";
import type { TcsoEvent } from "./keepalive-host.js";
import type { DeviceReport, SimulationOptions, SimulationResult, Step } from "./simulation.js";
import { SIM_CHANNEL, type SimTrustCenter, type TcsoJoiner, TcsoNetwork } from "./tcso-network.js";
import { KEY_LABEL } from "./trust-center.js";

/** When things happen (virtual ms). */
export const TCSO_TIMES = {
  /** The TC powers off. */
  tcOff: 5 * 60_000,
  /** `tcso`: the new TC comes up. */
  newTcUp: 6 * 60_000,
  /** `tc-outage`: the old TC comes back (on OUTAGE_CHANNEL). */
  tcBack: 12 * 60_000,
  /** End of the `tcso` run. */
  tcsoEnd: 15 * 60_000,
  /** End of the `tc-outage` run. */
  outageEnd: 22 * 60_000,
} as const;
/** `tc-outage`: the channel the TC comes back on. */
export const OUTAGE_CHANNEL = 20;

/** A device's TCSO report in the summary. */
export interface DeviceTcsoReport {
  /** The Trust Center the device's keep-alive client watches at the end. */
  trustCenter: string;
  /** Every final TCSO status, with the virtual ms it was reached. */
  outcomes: { status: string; tc: string; at: number }[];
  /** TCSO callbacks with DISCOVERY_UNDERWAY (virtual ms). */
  discoveryUnderway: number[];
  reads: { ok: number; failed: number };
  /** Virtual ms of the last successful keep-alive read. */
  lastGoodRead?: number;
}

export interface TcsoScenarioOptions extends SimulationOptions {
  scenario: "tcso" | "tc-outage";
  /** `tcso`: the channel the new TC comes up on (default the network's). */
  newTcChannel?: number;
}

const lastOk = (events: readonly TcsoEvent[], tc: Eui64Hex, after: number) =>
  events.find((e) => e.kind === "read" && e.ok && e.tc === tc && e.t > after);

export async function runTcsoSimulation(options: TcsoScenarioOptions): Promise<SimulationResult> {
  const suite = options.suite ?? 2;
  const n = options.devices ?? 1;
  const seed = options.seed ?? 1;
  const loss = options.loss ?? 0;
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new ZseError(
      "BAD_VALUE",
      `devices: ${n} is not an integer in 1..1000 (scenario ${options.scenario})`,
    );
  if (!(loss >= 0 && loss < 1)) throw new ZseError("BAD_VALUE", `loss: ${loss} is not in [0, 1)`);
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const keepTimeline = options.timeline ?? n <= 20;
  const frames: { t: number; bytes: Uint8Array }[] = [];
  const store = options.db ? new SqliteStore(options.db) : undefined;
  const net = new TcsoNetwork({
    suite,
    devices: n,
    seed,
    loss,
    timeline: keepTimeline,
    ...(store ? { store } : {}),
    keSessions: options.keSessions ?? 4,
    keWaitTime: options.keWaitTime ?? "queue",
    ...(options.capture ? { onAir: (f, t) => f.kind === "aps" && frames.push({ t, bytes: f.bytes }) } : {}),
  });
  try {
    const steps: Step[] = [];
    const step = (name: string, ok: boolean, detail: string) => steps.push({ name, ok, detail });
    const oldTc = net.trustCenters[0];
    step(
      "ca",
      net.ca.issued === n + 2,
      `CA issued ${net.ca.issued} suite ${suite} certificates (TC, ${n} meter(s), display)`,
    );
    net.note("TC", `network formed on channel ${SIM_CHANNEL}; keep-alive server: base 1 min, jitter 5 s`);

    const joined = net.startAll();
    const clock = net.clock;
    clock.at(TCSO_TIMES.tcOff, () => net.powerOffTc());
    const outage = options.scenario === "tc-outage";
    if (outage) clock.at(TCSO_TIMES.tcBack, () => net.bringBackTc({ channel: OUTAGE_CHANNEL }));
    else clock.at(TCSO_TIMES.newTcUp, () => net.bringUpNewTc({ channel: options.newTcChannel }));
    await net.run(outage ? TCSO_TIMES.outageEnd : TCSO_TIMES.tcsoEnd);
    await Promise.race([joined, Promise.resolve()]);
    const expected: SimTrustCenter = outage ? oldTc : net.currentTc;

    const meters = net.joiners.filter((j) => j.role === "meter");
    const display = net.joiners.find((j) => j.role === "display")!;
    const metersOk = meters.filter(
      (m) => m.join === "SUCCESS" && m.node.getBdb("keStatus") === "SUCCESS",
    ).length;
    step(
      "join and CBKE with the TC",
      metersOk === n && display.join === "SUCCESS",
      `${metersOk}/${n} meters joined with CBKE; display join ${display.join ?? "NOT_FINISHED"} (DCA)`,
    );
    const readBefore = net.joiners.filter((j) =>
      j.host?.events.some((e) => e.kind === "read" && e.ok && e.t < TCSO_TIMES.tcOff && e.params.base === 1),
    ).length;
    step(
      "keep-alive reads before the outage",
      readBefore === net.joiners.length,
      `${readBefore}/${net.joiners.length} devices read base 1 min / jitter 5 s from the TC over APS security`,
    );
    const wanted = outage ? "REJOIN_PREV" : "SUCCESS";
    const swapped = net.joiners.filter((j) => {
      const o = j.host?.outcomes ?? [];
      return o.length > 0 && o[o.length - 1].status === wanted && o[o.length - 1].tc === expected.eui64;
    });
    step(
      outage ? "TCSO: rejoined the previous TC" : "TCSO: swapped to the new TC",
      swapped.length === net.joiners.length,
      `${swapped.length}/${net.joiners.length} devices ended TCSO with ${wanted} (${expected.name} ${expected.eui64})`,
    );
    if (outage) {
      const notFound = net.joiners.filter((j) =>
        j.host?.outcomes.some((o) => o.status === "NOT_FOUND"),
      ).length;
      step(
        "TCSO while the TC was away",
        notFound === net.joiners.length,
        `${notFound}/${net.joiners.length} devices reported NOT_FOUND while no TC answered`,
      );
    }
    const keysOk = net.joiners.filter((j) => {
      const mine = j.stack.getLinkKey(expected.eui64);
      const theirs = expected.stack.getLinkKey(j.stack.eui64);
      const cbke = j.stack.linkKeyLabel(expected.eui64) === KEY_LABEL.cbke;
      return !!mine && !!theirs && equalBytes(mine, theirs) && (j.role === "display" && outage ? true : cbke);
    }).length;
    step(
      `link keys with ${expected.name}`,
      keysOk === net.joiners.length,
      `${keysOk}/${net.joiners.length} devices hold the link key ${expected.name} holds${outage ? " (meters: the CBKE key, kept across the Trust Center rejoin)" : " (from CBKE)"}`,
    );
    const readsAfter = net.joiners.filter((j) => {
      const o = j.host?.outcomes ?? [];
      const at = o.length ? o[o.length - 1].at : Number.POSITIVE_INFINITY;
      return j.host?.tc === expected.eui64 && !!lastOk(j.host.events, expected.eui64, at);
    }).length;
    step(
      `APS-encrypted keep-alive read with ${expected.name}`,
      readsAfter === net.joiners.length,
      `${readsAfter}/${net.joiners.length} devices read the keep-alive server of ${expected.name} after TCSO`,
    );

    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const handshakes = net.keOutcomes.SUCCESS ?? 0;
    const devices = net.joiners.map((j) => deviceReport(net, j));
    const keys: { key: Uint8Array; label: string }[] = net.trustCenters.map((t) => ({
      key: t.tc.getNetworkKey(),
      label: `network key (${t.name})`,
    }));
    for (const j of net.joiners) {
      for (const t of net.trustCenters) {
        const k = j.stack.getLinkKey(t.eui64);
        if (k) keys.push({ key: k, label: `${j.name} <-> ${t.name}: ${j.stack.linkKeyLabel(t.eui64)}` });
      }
      const pre = j.node.config.preconfiguredLinkKey;
      if (pre) keys.push({ key: pre, label: `${j.name}: install-code link key` });
    }
    const stacks = [...net.trustCenters.map((t) => t.stack), ...net.joiners.map((j) => j.stack)];
    const s = net.network.stats;
    return {
      ok: steps.every((x) => x.ok),
      scenario: options.scenario,
      suite,
      seed,
      loss,
      devices,
      trustCenter: {
        eui64: expected.eui64,
        devicesInTable: expected.tc.devices().length,
        keSessions: options.keSessions ?? 4,
        keWaitTime: options.keWaitTime ?? "queue",
        keAnswered: Object.values(net.keOutcomes).reduce((a, b) => a + b, 0),
        keOutcomes: net.keOutcomes,
      },
      steps,
      stats: {
        virtualMs: clock.now(),
        cpuMs: Math.round(cpuMs),
        wallMs: Math.round(performance.now() - wall0),
        handshakes,
        handshakesPerCpuSecond: handshakes ? Math.round((handshakes / cpuMs) * 1000 * 10) / 10 : 0,
        cpuMsPerHandshake: handshakes ? Math.round((cpuMs / handshakes) * 100) / 100 : 0,
        noResourcesRetries: devices.reduce((a, d) => a + d.noResourcesRetries, 0),
        keTimeoutRetries: devices.reduce((a, d) => a + d.keTimeoutRetries, 0),
        frames: { sent: s.sent, delivered: s.delivered, lost: s.lost, macRetries: s.macRetries },
        securityDrops: stacks.reduce((a, x) => a + x.drops.length, 0),
      },
      ...(keepTimeline ? { timeline: net.network.timeline as TimelineEntry[] } : {}),
      ...(options.capture ? { frames } : {}),
      keys,
    };
  } finally {
    store?.close();
  }
}

function deviceReport(net: TcsoNetwork, j: TcsoJoiner): DeviceReport {
  const names = new Map<string, string>([
    ...net.trustCenters.map((t): [string, string] => [t.eui64, t.name]),
    ...net.joiners.map((o): [string, string] => [o.stack.eui64, o.name]),
  ]);
  const linkKeys: DeviceReport["linkKeys"] = [];
  for (const [partner, name] of names) {
    const k = j.stack.getLinkKey(partner);
    if (!k || partner === j.stack.eui64) continue;
    linkKeys.push({ partner: name, key: toHex(k), how: j.stack.linkKeyLabel(partner) ?? "" });
  }
  const ev = j.host?.events ?? [];
  const reads = ev.filter((e) => e.kind === "read");
  const good = reads.filter((e) => e.kind === "read" && e.ok);
  const tcso: DeviceTcsoReport = {
    trustCenter: j.host ? (names.get(j.host.tc) ?? j.host.tc) : "-",
    outcomes: (j.host?.outcomes ?? []).map((o) => ({
      status: o.status,
      tc: names.get(o.tc) ?? o.tc,
      at: o.at,
    })),
    discoveryUnderway: ev
      .filter((e) => e.kind === "callback" && e.status === "DISCOVERY_UNDERWAY")
      .map((e) => e.t),
    reads: { ok: good.length, failed: reads.length - good.length },
    ...(good.length ? { lastGoodRead: good[good.length - 1].t } : {}),
  };
  return { ...joinerReport(j, linkKeys), tcso };
}
