/**
 * The keep-alive scenarios of `zse simulate` (issue 7 item 4; SE 07-5356 5.4.2.2.3.4, seed
 * 6.2): every joiner runs the Keep-Alive client against the TC's server (Base 1 minute,
 * Jitter 5 seconds, the seed's debug example), then
 * - "tcso": the TC is replaced by a new one (new EUI-64, same CA, the devices' install codes):
 *   three failed reads, TCSO, rejoin, CBKE with the new TC -> SUCCESS;
 * - "tc-outage": the TC goes away and comes back while the devices search -> REJOIN_PREV
 *   (a device whose reads succeed again before its third failure never needs TCSO).
 */
import type { Eui64Hex } from "../engine/types.js";
import type { SimClock } from "../net/sim/clock.js";
import type { SimNetwork } from "../net/sim/network.js";
import type { SimStack } from "../net/sim/stack.js";
import { equalBytes } from "../util/bytes.js";
import type { SeNode } from "./se-node.js";
import type { TrustCenter } from "./trust-center.js";

/** The seed's example Keep-Alive settings: Base 1 minute, Jitter 5 seconds. */
export const SCENARIO_KEEPALIVE = { base: 1, jitter: 5 } as const;
/** Successful reads before the fault (at least one per device). */
const HEALTHY_MS = 150_000;
/** Virtual time allowed for every device to settle after the fault. */
const SETTLE_LIMIT_MS = 40 * 60_000;

export interface ScenarioJoiner {
  name: string;
  node: SeNode;
  stack: SimStack;
  /** Every TCSO callback status, in order. */
  callbacks: string[];
}

export interface TcsoPhaseContext {
  scenario: "tcso" | "tc-outage";
  clock: SimClock;
  network: SimNetwork;
  joiners: ScenarioJoiner[];
  tc: TrustCenter;
  /** Brings up the replacement Trust Center (tcso). */
  replaceTc: () => TrustCenter;
  note: (who: string, what: string) => void;
  step: (name: string, ok: boolean, detail: string) => void;
}

const sleep = (clock: SimClock, ms: number) => new Promise<void>((r) => clock.after(ms, r));

async function until(clock: SimClock, done: () => boolean): Promise<boolean> {
  const end = clock.now() + SETTLE_LIMIT_MS;
  while (!done() && clock.now() < end) await sleep(clock, 5000);
  return done();
}

/** A working link key: the device and `tc` hold the same key, and the TC's record has it. */
function worksWith(j: ScenarioJoiner, tc: TrustCenter): boolean {
  const mine = j.stack.getLinkKey(tc.eui64);
  const theirs = tc.transport.getLinkKey(j.stack.eui64);
  return !!mine && !!theirs && equalBytes(mine, theirs);
}

export async function runTcsoPhase(ctx: TcsoPhaseContext): Promise<void> {
  const { clock, network, joiners, note, step } = ctx;
  for (const j of joiners) j.node.startKeepAlive();
  await sleep(clock, HEALTHY_MS);
  const healthy = joiners.filter((j) => j.node.keepAliveReads > 0).length;
  step(
    "keep-alive reads",
    healthy === joiners.length,
    `${healthy}/${joiners.length} devices read Base/Jitter from the TC`,
  );

  if (ctx.scenario === "tcso") {
    network.powerOff(ctx.tc.eui64);
    note("TC", "removed; a new Trust Center takes over the network");
    const tc2 = ctx.replaceTc();
    const settled = await until(clock, () =>
      joiners.every((j) => j.node.tcsoOutcomes.some((o) => o.status === "SUCCESS" && o.tc === tc2.eui64)),
    );
    const swapped = joiners.filter(
      (j) => worksWith(j, tc2) && j.stack.linkKeyLabel(tc2.eui64) === "TC link key (CBKE)",
    );
    step(
      "TCSO to the new TC",
      settled && swapped.length === joiners.length,
      `${swapped.length}/${joiners.length} devices swapped to ${tc2.eui64} with a TC link key from CBKE`,
    );
    return;
  }

  const old: Eui64Hex = ctx.tc.eui64;
  network.powerOff(old);
  note("TC", "goes away");
  const searching = await until(clock, () => joiners.some((j) => j.callbacks.includes("DISCOVERY_UNDERWAY")));
  await sleep(clock, 1000);
  network.powerOn(old);
  note("TC", "is back");
  const reads = new Map(joiners.map((j) => [j, j.node.keepAliveReads]));
  const settled = await until(clock, () =>
    joiners.every(
      (j) =>
        j.node.supervisorState === "keepalive" &&
        j.node.keepAliveReads > (reads.get(j) ?? 0) &&
        !j.node.tcsoOutcomes.some((o) => o.status === "SUCCESS" || o.status === "FATAL"),
    ),
  );
  const rejoined = joiners.filter((j) => j.node.tcsoOutcomes.some((o) => o.status === "REJOIN_PREV")).length;
  const working = joiners.filter((j) => worksWith(j, ctx.tc)).length;
  step(
    "TC outage: REJOIN_PREV",
    searching && settled && rejoined > 0 && working === joiners.length,
    `${rejoined} device(s) rejoined the returning TC (REJOIN_PREV); ${working}/${joiners.length} keep a working link key with it and read keep-alive again`,
  );
}
