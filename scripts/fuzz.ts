/**
 * `npm run fuzz [-- --seconds N] [-- --seed S]`: the long-running fuzz loop over the decoders of
 * test/fuzz/targets.ts (install codes, certificates, SEC 1 2.3.4 points, ZCL/KE/Keep-Alive,
 * MAC/NWK/APS/ZDO frames, APS commands, pcap, `cbke derive` input). Each round draws a batch of
 * random and mutated inputs per target from fast-check with a fresh seed; any exception other than
 * a ZseError, or a call slower than --slow-ms, is a crash. Prints executions per second per target
 * and the crash count, and exits 1 when there was any crash (its target, seed and input are printed).
 */
import fc from "fast-check";
import { type FuzzTarget, fuzzTargets, inputArb, runOne } from "../test/fuzz/targets.js";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${name}: ${process.argv[i + 1]} is not a non-negative number`);
    process.exit(2);
  }
  return v;
}

const seconds = option("seconds", 60);
const slowMs = option("slow-ms", 1500);
const startSeed = option("seed", Date.now() % 2 ** 31);
const BATCH = 200;

interface Stats {
  target: FuzzTarget;
  execs: number;
  rejected: number;
  ms: number;
  crashes: number;
  slowest: number;
}

function describeInput(input: unknown): string {
  if (input instanceof Uint8Array) return `hex ${Buffer.from(input).toString("hex")}`;
  return JSON.stringify(input);
}

const stats: Stats[] = fuzzTargets().map((target) => ({
  target,
  execs: 0,
  rejected: 0,
  ms: 0,
  crashes: 0,
  slowest: 0,
}));

const deadline = performance.now() + seconds * 1000;
let seed = startSeed;
let rounds = 0;
let peakRss = 0;
let lastReport = performance.now();
console.log(`fuzzing ${stats.length} targets for ${seconds} s (first seed ${startSeed})`);
while (performance.now() < deadline) {
  for (const s of stats) {
    // Crypto-heavy targets get smaller batches so every round stays short.
    const n = s.target.kind === "json" ? BATCH / 10 : BATCH;
    const inputs = fc.sample(inputArb(s.target), { numRuns: n, seed: seed++ });
    const t0 = performance.now();
    for (const input of inputs) {
      const c0 = performance.now();
      const out = runOne(s.target, input);
      const dt = performance.now() - c0;
      if (dt > s.slowest) s.slowest = dt;
      if (out.kind === "zse") s.rejected++;
      if (out.kind === "crash" || dt > slowMs) {
        s.crashes++;
        const why =
          out.kind === "crash"
            ? String((out.error as Error)?.stack ?? out.error)
            : `took ${dt.toFixed(0)} ms`;
        console.error(
          `CRASH in ${s.target.name} (seed ${seed - 1}): ${why}\n  input: ${describeInput(input)}`,
        );
      }
    }
    s.ms += performance.now() - t0;
    s.execs += inputs.length;
  }
  rounds++;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (performance.now() - lastReport > 60_000) {
    lastReport = performance.now();
    const total = stats.reduce((a, s) => a + s.execs, 0);
    const crashes = stats.reduce((a, s) => a + s.crashes, 0);
    console.log(`  ... ${total} executions, ${crashes} crashes, rss ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  }
}

console.log("");
console.log("target                               execs    exec/s  rejected  slowest ms  crashes");
for (const s of stats) {
  const rate = s.ms > 0 ? (s.execs / s.ms) * 1000 : 0;
  console.log(
    `${s.target.name.padEnd(36)} ${String(s.execs).padStart(8)} ${rate.toFixed(0).padStart(9)} ${String(s.rejected).padStart(9)} ${s.slowest.toFixed(1).padStart(11)} ${String(s.crashes).padStart(8)}`,
  );
}
const total = stats.reduce((a, s) => a + s.execs, 0);
const crashes = stats.reduce((a, s) => a + s.crashes, 0);
console.log(
  `total: ${total} executions in ${seconds} s over ${rounds} rounds, ${crashes} crashes, peak rss ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
);
process.exit(crashes === 0 ? 0 : 1);
