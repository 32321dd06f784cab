/**
 * Benchmarks of the binary fields and the Koblitz curves (issue 3 item 6): medians of field
 * multiply, square, invert, point decompression, fixed-base and variable-base scalar
 * multiplication (public and secret paths) per curve, and in the same run the node:crypto
 * baseline (median of generateKeyPairSync('ec', {namedCurve})).
 *
 * `benchCurves()` returns the figures as JSON for the lead's bench runner; run alone with
 * `node --import tsx bench/curves.ts [--json]` to print a table.
 */
import { generateKeyPairSync } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { KoblitzCurve } from "../src/crypto/curves.js";
import { prepareCurve, sect163k1, sect283k1 } from "../src/crypto/curves.js";
import type { BinaryField } from "../src/crypto/field/binary-field.js";
import { GF163, GF283 } from "../src/crypto/field/fields.js";
import { SeededRng } from "../src/util/rng.js";

/** Per-curve medians in microseconds (field operations in nanoseconds). */
export interface CurveBench {
  fieldMulNs: number;
  fieldSqrNs: number;
  fieldInvNs: number;
  decompressUs: number;
  fixedBaseUs: number;
  fixedBaseSecretUs: number;
  variableBaseUs: number;
  variableBaseSecretUs: number;
  nodeKeygenUs: number;
}

/** CPU time of this process in microseconds (user + system). */
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * Median CPU time per call in microseconds of each named operation. CPU time rather than wall
 * time: on a shared machine the process is descheduled for long stretches, which wall time
 * would count; node:crypto's key generation is synchronous, so it is measured the same way. Rounds are interleaved (every
 * round times every operation once, `inner` calls each), so a change of machine load during the
 * run weighs on all figures alike and the ratios stay meaningful.
 */
function medians(
  ops: Record<string, { fn: () => void; inner: number }>,
  rounds: number,
): Record<string, number> {
  const times: Record<string, number[]> = {};
  for (const [name, op] of Object.entries(ops)) {
    for (let i = 0; i < op.inner * 2; i++) op.fn();
    times[name] = [];
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, op] of Object.entries(ops)) {
      const s = cpuMicros();
      for (let i = 0; i < op.inner; i++) op.fn();
      times[name].push((cpuMicros() - s) / op.inner);
    }
  }
  const out: Record<string, number> = {};
  for (const [name, t] of Object.entries(times)) {
    t.sort((a, b) => a - b);
    out[name] = t[t.length >> 1];
  }
  return out;
}

type Ops = Record<string, { fn: () => void; inner: number }>;

function curveOps(c: KoblitzCurve, F: BinaryField): Ops {
  const rng = new SeededRng(c.name);
  const ks = Array.from({ length: 64 }, () => c.randomScalar(rng));
  const P = c.mulBase(c.randomScalar(rng));
  const enc = ks.slice(0, 16).map((k) => c.encodePoint(c.mulBase(k)));
  let i = 0;
  const next = () => ks[i++ & 63];
  const a = F.zero();
  const b = F.zero();
  for (let j = 0; j < F.words; j++) {
    a[j] = rng.nextU32();
    b[j] = rng.nextU32();
  }
  a[F.words - 1] &= (1 << (F.m & 31)) - 1;
  b[F.words - 1] &= (1 << (F.m & 31)) - 1;
  const r = F.zero();
  return {
    fieldMul: { fn: () => F.mul(r, a, b), inner: 4000 },
    fieldSqr: { fn: () => F.sqr(r, a), inner: 20000 },
    fieldInv: { fn: () => F.inv(r, a), inner: 200 },
    decompress: { fn: () => c.decodePoint(enc[i++ & 15]), inner: 50 },
    fixedBase: { fn: () => c.mulBase(next()), inner: 10 },
    fixedBaseSecret: { fn: () => c.mulBase(next(), { secret: true }), inner: 10 },
    variableBase: { fn: () => c.mul(P, next()), inner: 6 },
    variableBaseSecret: { fn: () => c.mul(P, next(), { secret: true }), inner: 6 },
    nodeKeygen: { fn: () => generateKeyPairSync("ec", { namedCurve: c.name }), inner: 6 },
  };
}

/** Runs every operation round-robin for `ms` milliseconds (JIT warm-up, both curves). */
function warmUp(all: Ops[], ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) for (const ops of all) for (const op of Object.values(ops)) op.fn();
}

function figures(t: Record<string, number>): CurveBench {
  return {
    fieldMulNs: t.fieldMul * 1000,
    fieldSqrNs: t.fieldSqr * 1000,
    fieldInvNs: t.fieldInv * 1000,
    decompressUs: t.decompress,
    fixedBaseUs: t.fixedBase,
    fixedBaseSecretUs: t.fixedBaseSecret,
    variableBaseUs: t.variableBase,
    variableBaseSecretUs: t.variableBaseSecret,
    nodeKeygenUs: t.nodeKeygen,
  };
}

/**
 * Runs the curve benchmarks: a warm-up of `warmUpMs` (default 3000) over both curves, then
 * `rounds` interleaved rounds per curve (default 31).
 */
export function benchCurves(
  opts: { rounds?: number; warmUpMs?: number } = {},
): Record<"sect163k1" | "sect283k1", CurveBench> {
  const rounds = opts.rounds ?? 31;
  prepareCurve(sect163k1);
  prepareCurve(sect283k1);
  const ops163 = curveOps(sect163k1, GF163);
  const ops283 = curveOps(sect283k1, GF283);
  // Both curves share the point and field code: warm it up polymorphic, as real use is.
  warmUp([ops163, ops283], opts.warmUpMs ?? 3000);
  // One interleaved run over both curves, so that load changes hit both alike.
  const all: Ops = {};
  for (const [k, v] of Object.entries(ops163)) all[`163:${k}`] = v;
  for (const [k, v] of Object.entries(ops283)) all[`283:${k}`] = v;
  const t = medians(all, rounds);
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(t)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  return { sect163k1: figures(pick("163:")), sect283k1: figures(pick("283:")) };
}

function printTable(res: Record<string, CurveBench>): void {
  const rows: [string, keyof CurveBench, string][] = [
    ["field mul", "fieldMulNs", "ns"],
    ["field square", "fieldSqrNs", "ns"],
    ["field invert", "fieldInvNs", "ns"],
    ["decompression", "decompressUs", "us"],
    ["fixed-base k*G (public)", "fixedBaseUs", "us"],
    ["fixed-base k*G (secret)", "fixedBaseSecretUs", "us"],
    ["variable-base k*P (public)", "variableBaseUs", "us"],
    ["variable-base k*P (secret)", "variableBaseSecretUs", "us"],
    ["node:crypto generateKeyPairSync", "nodeKeygenUs", "us"],
  ];
  const names = Object.keys(res);
  console.log(`${"operation".padEnd(34)}${names.map((n) => n.padStart(14)).join("")}`);
  for (const [label, key, unit] of rows) {
    const cells = names.map((n) => `${res[n][key].toFixed(unit === "ns" ? 0 : 1)} ${unit}`.padStart(14));
    console.log(`${label.padEnd(34)}${cells.join("")}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const res = benchCurves();
  if (process.argv.includes("--json")) console.log(JSON.stringify(res, null, 2));
  else printTable(res);
}
