/**
 * Issue 6's performance figure in one place: `zse simulate --devices N --suite S --json` run in a
 * fresh process (as a user runs it: V8 starting cold), right after the CBKE benchmark of the
 * same bench run, and its CPU per handshake over two CBKE sides of that benchmark (target: at
 * most 1.5). The machine's speed drifts, so only a ratio from adjacent runs means anything.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { handshakeCpuSplit } from "../src/node/simulation.js";

const BIN = fileURLToPath(new URL("../bin/zse.js", import.meta.url));

export interface SimulationBench {
  devices: number;
  suite: 1 | 2;
  handshakes: number;
  cpuMsPerHandshake: number;
  /** Per handshake: the CBKE computation, V8's background threads (when known), the rest. */
  keCryptoMsPerHandshake: number;
  backgroundMsPerHandshake?: number;
  restMsPerHandshake: number;
  /** Two CBKE sides of the same bench run, in ms. */
  twoSidesMs: number;
  /** cpuMsPerHandshake / twoSidesMs (issue 6: at most 1.5). */
  ratioToTwoSides: number;
}

interface SimStats {
  handshakes: number;
  cpuMs: number;
  cpuMsPerHandshake: number;
  keCryptoCpuMs: number;
  backgroundCpuMs?: number;
}

/** Runs the simulation in a child process and relates it to `cbkeSideUs` (one side, µs). */
export function benchSimulation(opts: {
  devices: number;
  suite: 1 | 2;
  cbkeSideUs: number;
}): SimulationBench {
  const r = spawnSync(
    process.execPath,
    [BIN, "simulate", "--devices", String(opts.devices), "--suite", String(opts.suite), "--json"],
    { encoding: "utf8", maxBuffer: 1 << 28, env: { ...process.env, ZSE_DEBUG: "" } },
  );
  if (r.status !== 0) {
    throw new Error(`zse simulate exited ${r.status}: ${(r.stderr || r.stdout).split("\n")[0]}`);
  }
  const s = (JSON.parse(r.stdout) as { stats: SimStats }).stats;
  const split = handshakeCpuSplit(s);
  if (!split) throw new Error("zse simulate reported no handshakes or no CBKE computation time");
  const twoSidesMs = (2 * opts.cbkeSideUs) / 1000;
  return {
    devices: opts.devices,
    suite: opts.suite,
    handshakes: s.handshakes,
    cpuMsPerHandshake: s.cpuMsPerHandshake,
    keCryptoMsPerHandshake: split.keCrypto,
    ...(split.background !== undefined ? { backgroundMsPerHandshake: split.background } : {}),
    restMsPerHandshake: split.rest,
    twoSidesMs: Math.round(twoSidesMs * 1000) / 1000,
    ratioToTwoSides: Math.round((s.cpuMsPerHandshake / twoSidesMs) * 100) / 100,
  };
}

/** One line for the text report. */
export function formatSimulationBench(s: SimulationBench): string {
  return (
    `zse simulate --devices ${s.devices} --suite ${s.suite} (fresh process): ${s.cpuMsPerHandshake} ms CPU per handshake ` +
    `= ${s.ratioToTwoSides} x two CBKE sides (${s.twoSidesMs} ms; issue 6 target: 1.5); per handshake ` +
    `${s.keCryptoMsPerHandshake} ms CBKE computation, ${s.backgroundMsPerHandshake !== undefined ? `${s.backgroundMsPerHandshake} ms V8 background threads, ` : ""}${s.restMsPerHandshake} ms the rest`
  );
}
