/**
 * Issue 6's performance figure in one place: the simulation of `zse simulate --devices N
 * --suite 2` run in a fresh process (as a user runs it: V8 starting cold), right after the CBKE
 * benchmark of the same bench run, and its CPU per handshake over two CBKE sides of that
 * benchmark (target: at most 1.5). The same process then runs it again (`warm`): the cost of a
 * handshake once V8 has compiled the code, as the CBKE benchmark measures its sides after a
 * warm-up; the difference is the process's one-off warm-up. The machine's speed drifts, so
 * only a ratio from adjacent runs means anything.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { handshakeCpuSplit } from "../src/node/simulation.js";

const CHILD = fileURLToPath(new URL("./simulation-twice.ts", import.meta.url));

/** One run's CPU per handshake, split, and over two CBKE sides. */
export interface SimulationRunFigures {
  cpuMsPerHandshake: number;
  keCryptoMsPerHandshake: number;
  backgroundMsPerHandshake?: number;
  restMsPerHandshake: number;
  ratioToTwoSides: number;
}

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
  /** The same simulation run again in that process, V8 warm. */
  warm: SimulationRunFigures;
  /** What the first run cost more than the second, in ms: V8's one-off warm-up. */
  warmUpCpuMs: number;
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
  if (opts.suite !== 2) throw new Error("the simulation benchmark runs suite 2 (issue 6)");
  // tsx resolved from here, so the child runs whatever the working directory
  const tsx = import.meta.resolve("tsx");
  const r = spawnSync(process.execPath, ["--import", tsx, CHILD, String(opts.devices)], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: { ...process.env, ZSE_DEBUG: "" },
  });
  if (r.status !== 0) {
    throw new Error(`the simulation exited ${r.status}: ${(r.stderr || r.stdout).split("\n")[0]}`);
  }
  const { fresh, warm } = JSON.parse(r.stdout) as { fresh: SimStats; warm: SimStats };
  const twoSidesMs = (2 * opts.cbkeSideUs) / 1000;
  const first = runFigures(fresh, twoSidesMs);
  return {
    devices: opts.devices,
    suite: opts.suite,
    handshakes: fresh.handshakes,
    ...first,
    twoSidesMs: Math.round(twoSidesMs * 1000) / 1000,
    warm: runFigures(warm, twoSidesMs),
    warmUpCpuMs: Math.round(fresh.cpuMs - warm.cpuMs),
  };
}

function runFigures(s: SimStats, twoSidesMs: number): SimulationRunFigures {
  const split = handshakeCpuSplit(s);
  if (!split) throw new Error("the simulation reported no handshakes or no CBKE computation time");
  return {
    cpuMsPerHandshake: s.cpuMsPerHandshake,
    keCryptoMsPerHandshake: split.keCrypto,
    ...(split.background !== undefined ? { backgroundMsPerHandshake: split.background } : {}),
    restMsPerHandshake: split.rest,
    ratioToTwoSides: Math.round((s.cpuMsPerHandshake / twoSidesMs) * 100) / 100,
  };
}

/** One line for the text report. */
export function formatSimulationBench(s: SimulationBench): string {
  return (
    `zse simulate --devices ${s.devices} --suite ${s.suite} (fresh process): ${s.cpuMsPerHandshake} ms CPU per handshake ` +
    `= ${s.ratioToTwoSides} x two CBKE sides (${s.twoSidesMs} ms; issue 6 target: 1.5); per handshake ` +
    `${split(s)}; run again in that process (V8 warm): ${s.warm.cpuMsPerHandshake} ms = ${s.warm.ratioToTwoSides} x (${split(s.warm)}); ` +
    `the first run's one-off warm-up: ${s.warmUpCpuMs} ms CPU`
  );
}

function split(f: SimulationRunFigures): string {
  const bg =
    f.backgroundMsPerHandshake !== undefined
      ? `${f.backgroundMsPerHandshake} ms V8 background threads, `
      : "";
  return `${f.keCryptoMsPerHandshake} ms CBKE computation, ${bg}${f.restMsPerHandshake} ms the rest`;
}
