/**
 * `npm run bench` / `zse bench`: the project's benchmark report (issue 3 item 6,
 * PERFORMANCE.md "What we report"). Per suite: field multiply/square/invert, decompression,
 * fixed- and variable-base multiplication (bench/curves.ts), certificate reconstruction,
 * ECMQV, one full CBKE side, certificate issuance per second (bench/cbke.ts), and the same
 * run's node:crypto baseline with `ratio = cbkeSideUs / baselineSideUs`. Compare ratios, never
 * absolute times across machines. The SE figures and the baseline use this process's CPU time
 * (bench/cbke.ts `clockUs`), so a loaded shared machine does not skew the ratio.
 *
 * With `--issuance[=N]` also CA batch issuance of N suite 2 certificates (default 5,000) through
 * the real batch path (src/ca/bench.ts: worker threads, SQLite registry; issue 4).
 *
 * With `--simulate[=N]` also `zse simulate --devices N --suite 2` (default 1,000) in a fresh
 * process right after, and its CPU per handshake over two suite 2 sides of this run (issue 6).
 *
 * Usage: node --import tsx bench/index.ts [--json] [--quick] [--issuance[=N]] [--simulate[=N]]
 */
import { pathToFileURL } from "node:url";
import { benchIssuance, type IssuanceBenchResult } from "../src/ca/bench.js";
import { wasmField } from "../src/crypto/field/wasm-kernels.js";
import { benchCbkeSuite, type CbkeBench } from "./cbke.js";
import { benchCurves, type CurveBench } from "./curves.js";
import { benchSimulation, formatSimulationBench, type SimulationBench } from "./simulation.js";

export interface SuiteReport extends CbkeBench {
  curve: "sect163k1" | "sect283k1";
  fieldMulNs: number;
  fieldSqrNs: number;
  fieldInvNs: number;
  decompressUs: number;
  fixedBaseUs: number;
  fixedBaseSecretUs: number;
  variableBaseUs: number;
  variableBaseSecretUs: number;
}

export interface BenchReport {
  suite1: SuiteReport;
  suite2: SuiteReport;
  /** CA batch issuance (suite 2), when asked for. */
  issuance?: IssuanceBenchResult;
  /** `zse simulate` right after, over two CBKE sides of this run (issue 6), when asked for. */
  simulation?: SimulationBench;
  /** Run settings and environment, to read the figures by. */
  meta: {
    quick: boolean;
    node: string;
    rounds: number;
    inner: number;
    seconds: number;
    /** Clock of bench/cbke.ts figures: process CPU time (default) or wall time (ZSE_BENCH_CLOCK=wall). */
    clock: "cpu" | "wall";
    /** Whether the WebAssembly kernels ran (false without WebAssembly or with ZSE_NO_WASM=1). */
    wasm: boolean;
  };
}

/** Runs every benchmark; `quick` for a few-second run with fewer rounds. */
export function runBench(opts: { quick?: boolean } = {}): BenchReport {
  const quick = opts.quick ?? false;
  const start = performance.now();
  const run = quick ? { rounds: 5, inner: 2, warmupMs: 100 } : { rounds: 41, inner: 2, warmupMs: 500 };
  const curves = benchCurves({ rounds: quick ? 3 : 21 });
  const suite = (s: 1 | 2): SuiteReport => {
    const name = s === 1 ? "sect163k1" : "sect283k1";
    const c: CurveBench = curves[name];
    const k = benchCbkeSuite(s, run);
    return {
      curve: name,
      cbkeSideUs: round(k.cbkeSideUs),
      baselineSideUs: round(k.baselineSideUs),
      ratio: Math.round(k.ratio * 1000) / 1000,
      fieldMulNs: round(c.fieldMulNs),
      fieldSqrNs: round(c.fieldSqrNs),
      fieldInvNs: round(c.fieldInvNs),
      decompressUs: round(c.decompressUs),
      fixedBaseUs: round(c.fixedBaseUs),
      fixedBaseSecretUs: round(c.fixedBaseSecretUs),
      variableBaseUs: round(c.variableBaseUs),
      variableBaseSecretUs: round(c.variableBaseSecretUs),
      certReconstructUs: round(k.certReconstructUs),
      ecmqvUs: round(k.ecmqvUs),
      issuePerSec: round(k.issuePerSec),
      issueRequestPerSec: round(k.issueRequestPerSec),
      nodeKeygenUs: round(k.nodeKeygenUs),
    };
  };
  const suite1 = suite(1);
  const suite2 = suite(2);
  return {
    suite1,
    suite2,
    meta: {
      quick,
      node: process.version,
      rounds: run.rounds,
      inner: run.inner,
      seconds: round((performance.now() - start) / 1000),
      clock: process.env.ZSE_BENCH_CLOCK === "wall" ? "wall" : "cpu",
      wasm: wasmField(283) !== null,
    },
  };
}

/** CA batch issuance of `count` suite 2 certificates (all cores), rounded for the report. */
export async function runIssuanceBench(opts: { count?: number } = {}): Promise<IssuanceBenchResult> {
  const r = await benchIssuance({ suite: 2, count: opts.count ?? 5000 });
  return {
    ...r,
    seconds: round(r.seconds),
    perSecond: round(r.perSecond),
    cpuMsPerCertificate: Math.round(r.cpuMsPerCertificate * 1000) / 1000,
    registryRowsPerSecond: round(r.registryRowsPerSecond),
  };
}

/** `zse simulate --devices N --suite 2` in a fresh process, related to this report's suite 2 side. */
export function runSimulationBench(report: BenchReport, opts: { devices?: number } = {}): SimulationBench {
  return benchSimulation({ devices: opts.devices ?? 1000, suite: 2, cbkeSideUs: report.suite2.cbkeSideUs });
}

function round(v: number): number {
  return v >= 100 ? Math.round(v) : Math.round(v * 10) / 10;
}

const ROWS: [string, keyof SuiteReport, string][] = [
  ["field multiply", "fieldMulNs", "ns"],
  ["field square", "fieldSqrNs", "ns"],
  ["field invert", "fieldInvNs", "ns"],
  ["point decompression", "decompressUs", "µs"],
  ["fixed-base k·G (public)", "fixedBaseUs", "µs"],
  ["fixed-base k·G (secret)", "fixedBaseSecretUs", "µs"],
  ["variable-base k·P (public)", "variableBaseUs", "µs"],
  ["variable-base k·P (secret)", "variableBaseSecretUs", "µs"],
  ["certificate reconstruction", "certReconstructUs", "µs"],
  ["ECMQV shared point", "ecmqvUs", "µs"],
  ["one CBKE side", "cbkeSideUs", "µs"],
  ["issuance, CA-generated keys", "issuePerSec", "/s"],
  ["issuance, request mode", "issueRequestPerSec", "/s"],
  ["node:crypto EC keygen", "nodeKeygenUs", "µs"],
  ["baseline side (4 × keygen)", "baselineSideUs", "µs"],
  ["ratio side / baseline", "ratio", ""],
];

/** The report as a readable table. */
export function formatBench(r: BenchReport): string[] {
  const lines = [`${"".padEnd(30)}${"suite 1".padStart(16)}${"suite 2".padStart(16)}`];
  for (const [label, key, unit] of ROWS) {
    const cell = (s: SuiteReport) => `${String(s[key])} ${unit}`.trimEnd().padStart(16);
    lines.push(`${label.padEnd(30)}${cell(r.suite1)}${cell(r.suite2)}`);
  }
  const i = r.issuance;
  if (i !== undefined) {
    lines.push(
      `CA batch issuance, suite ${i.suite}: ${i.count} certificates in ${i.seconds} s = ${i.perSecond} /s ` +
        `(${i.workers} workers, ${i.cpuMsPerCertificate} ms CPU per certificate, registry ${i.consistent ? "consistent" : "INCONSISTENT"})`,
    );
  }
  if (r.simulation !== undefined) lines.push(formatSimulationBench(r.simulation));
  lines.push(
    `(${r.meta.quick ? "quick run, " : ""}node ${r.meta.node}, ${r.meta.seconds} s; ${r.meta.wasm ? "WebAssembly kernels" : "TypeScript kernels only"}; SE and baseline figures in process ${r.meta.clock} time, field/curve figures from bench/curves.ts)`,
  );
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = runBench({ quick: process.argv.includes("--quick") });
  const flag = process.argv.find((a) => a === "--issuance" || a.startsWith("--issuance="));
  if (flag !== undefined) {
    const count = flag.includes("=") ? Number(flag.slice(flag.indexOf("=") + 1)) : undefined;
    report.issuance = await runIssuanceBench({ count });
  }
  const sim = process.argv.find((a) => a === "--simulate" || a.startsWith("--simulate="));
  if (sim !== undefined) {
    const devices = sim.includes("=") ? Number(sim.slice(sim.indexOf("=") + 1)) : undefined;
    report.simulation = runSimulationBench(report, { devices });
  }
  if (process.argv.includes("--json")) console.log(JSON.stringify(report, null, 2));
  else console.log(formatBench(report).join("\n"));
}
