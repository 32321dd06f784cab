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
import { sect163k1, sect283k1 } from "../src/crypto/curves.js";
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

/** Median time per call in microseconds over `rounds` rounds of `inner` calls each. */
function median(fn: () => void, opts: { rounds: number; inner: number }): number {
  for (let i = 0; i < opts.inner * 2; i++) fn();
  const t: number[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    const s = performance.now();
    for (let i = 0; i < opts.inner; i++) fn();
    t.push(((performance.now() - s) * 1000) / opts.inner);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

function benchField(F: BinaryField): { mul: number; sqr: number; inv: number } {
  const rng = new SeededRng(F.m);
  const a = F.zero();
  const b = F.zero();
  for (let i = 0; i < F.words; i++) {
    a[i] = rng.nextU32();
    b[i] = rng.nextU32();
  }
  a[F.words - 1] &= (1 << (F.m & 31)) - 1;
  b[F.words - 1] &= (1 << (F.m & 31)) - 1;
  const r = F.zero();
  return {
    mul: median(() => F.mul(r, r[0] === 0 ? a : r, b), { rounds: 31, inner: 20000 }) * 1000,
    sqr: median(() => F.sqr(r, r[0] === 0 ? a : r), { rounds: 31, inner: 20000 }) * 1000,
    inv: median(() => F.inv(r, a), { rounds: 31, inner: 200 }) * 1000,
  };
}

function benchCurve(c: KoblitzCurve, F: BinaryField, opts: { rounds: number }): CurveBench {
  const rng = new SeededRng(c.name);
  const ks = Array.from({ length: 64 }, () => c.randomScalar(rng));
  const P = c.mulBase(c.randomScalar(rng));
  const enc = ks.slice(0, 16).map((k) => c.encodePoint(c.mulBase(k)));
  let i = 0;
  const next = () => ks[i++ & 63];
  const f = benchField(F);
  const r = { rounds: opts.rounds, inner: 10 };
  return {
    fieldMulNs: f.mul,
    fieldSqrNs: f.sqr,
    fieldInvNs: f.inv,
    decompressUs: median(() => c.decodePoint(enc[i++ & 15]), r),
    fixedBaseUs: median(() => c.mulBase(next()), r),
    fixedBaseSecretUs: median(() => c.mulBase(next(), { secret: true }), r),
    variableBaseUs: median(() => c.mul(P, next()), r),
    variableBaseSecretUs: median(() => c.mul(P, next(), { secret: true }), r),
    nodeKeygenUs: median(() => generateKeyPairSync("ec", { namedCurve: c.name }), r),
  };
}

/** Runs the curve benchmarks; `rounds` medians per figure (default 21). */
export function benchCurves(opts: { rounds?: number } = {}): Record<"sect163k1" | "sect283k1", CurveBench> {
  const rounds = opts.rounds ?? 21;
  return {
    sect163k1: benchCurve(sect163k1, GF163, { rounds }),
    sect283k1: benchCurve(sect283k1, GF283, { rounds }),
  };
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
