/**
 * Scalar multiplication for secret scalars on a Koblitz curve: the regular tau-adic recoding
 * (tnaf.ts `recodeRegular`; Oliveira, Aranha, López, Rodríguez-Henríquez, SAC 2014) evaluated
 * with a fixed pattern: the top digit's point, then for every further digit w-1 Frobenius maps
 * (3(w-1) squarings in López-Dahab coordinates) and one mixed addition of the digit's point,
 * fetched by scanning the whole table with masks and negated by a masked select. For G the
 * table is kept once per digit position, already mapped by the Frobenius powers, so k*G is a
 * plain sum of looked-up points.
 *
 * The number of digits is fixed per curve, every digit is non-zero, and the table lookups touch
 * every entry, so the sequence of field operations does not depend on k. The mixed addition keeps
 * its branches for P = +-Q and infinity: with the accumulator an odd multiple r_i P and the
 * addend an odd digit, they are reachable only when r_i or r_i - 2 d_i (an odd, hence non-zero,
 * element of Z[tau]) annihilates P, which for points of large order happens with negligible
 * probability; points of order dividing the cofactor (x = 0 or x = 1) go to the ladder instead.
 */
import { ZseError } from "../../util/errors.js";
import type { Fe } from "../field/binary-field.js";
import { type WasmField, type WasmTables, wasmField } from "../field/wasm-kernels.js";
import { AffinePoint, type KoblitzCurveImpl } from "./koblitz.js";
import type { LdPoint } from "./ld.js";
import type { PublicMul, Table } from "./public-mul.js";
import type { WtnafRecoder } from "./tnaf.js";

export class SecretMul {
  private readonly c: KoblitzCurveImpl;
  private readonly pub: PublicMul;
  private readonly acc: LdPoint;
  private readonly x: Fe;
  private readonly y: Fe;
  private readonly t: Fe;
  private readonly xy: Uint32Array;
  /** Per digit position i, the flat table of G mapped by tau^((w-1) i); built on first use. */
  private positions: Uint32Array[] | null = null;
  /** The WebAssembly kernels of the field (null without WebAssembly) and the tables uploaded there. */
  private readonly wasm: WasmField | null;
  private wasmTables: WasmTables | null = null;

  constructor(o: { curve: KoblitzCurveImpl; pub: PublicMul }) {
    this.c = o.curve;
    this.pub = o.pub;
    this.acc = o.curve.ld.newPoint();
    this.x = o.curve.F.zero();
    this.y = o.curve.F.zero();
    this.t = o.curve.F.zero();
    this.xy = new Uint32Array(18);
    this.wasm = wasmField(o.curve.F.m);
  }

  /**
   * k*G with the wide-window table of G, one copy per digit position i (the entries mapped by
   * tau^((w-1) i)), so that the evaluation needs no Frobenius map: k*G = sum of the digits' points.
   */
  mulBase(k: bigint): AffinePoint {
    const t = this.pub.baseTable();
    if (t === null) return this.mul(this.c.G as AffinePoint, k);
    const flats = this.positions ?? this.buildPositions(t);
    const ld = this.c.ld;
    const rec = this.pub.recG;
    const n = rec.recodeRegular(k);
    const d = rec.digits;
    const q = this.acc;
    const count = t.x.length;
    const wt = this.wasmTables;
    if (wt !== null && this.wasm?.fixedBase({ tables: wt, digits: d, n, X: q.X, Y: q.Y, Z: q.Z })) {
      d.fill(0);
      return this.c.ldToPoint(q);
    }
    this.lookup(flats[n - 1], count, d[n - 1]);
    ld.setAffine(q, this.x, this.y);
    for (let i = n - 2; i >= 0; i--) {
      this.lookup(flats[i], count, d[i]);
      ld.addMixed(q, this.x, this.y);
    }
    d.fill(0);
    return this.c.ldToPoint(q);
  }

  /**
   * k_j·G for many secret scalars at once: the WebAssembly module adds the points of one digit
   * position for every scalar together, in affine coordinates with one shared inversion
   * (wasm-kernels.ts `fixedBaseBatch`), then one more shared inversion gives every point's
   * compression bit. Same results as `mulBase` one by one, which it falls back to without
   * WebAssembly or in the negligible case of equal x-coordinates within a batch.
   */
  mulBaseBatch(ks: readonly bigint[]): AffinePoint[] {
    const t = this.pub.baseTable();
    const w = this.wasm;
    if (t === null || w === null || ks.length < 2) return ks.map((k) => this.mulBase(k));
    if (this.positions === null) this.buildPositions(t);
    const wt = this.wasmTables!;
    const rec = this.pub.recG;
    const N = ks.length;
    const n = rec.regularLength;
    const digits = new Int8Array(N * n);
    for (let j = 0; j < N; j++) {
      if (rec.recodeRegular(ks[j]) !== n)
        throw new ZseError("BAD_STATE", "regular tau-adic recoding: unexpected length");
      digits.set(rec.digits.subarray(0, n), j * n);
    }
    rec.digits.fill(0);
    const F = this.c.F;
    const xs = ks.map(() => F.zero());
    const ys = ks.map(() => F.zero());
    const ok = w.fixedBaseBatch({ tables: wt, digits, n, N, xs, ys });
    digits.fill(0);
    if (!ok) return ks.map((k) => this.mulBase(k));
    // Compression bits: y/x for every point with one inversion (Montgomery's trick).
    const pre = xs.map(() => F.zero());
    pre[0].set(xs[0]);
    for (let j = 1; j < N; j++) F.mul(pre[j], pre[j - 1], xs[j]);
    if (F.isZero(pre[N - 1])) return ks.map((k) => this.mulBase(k));
    const inv = F.zero();
    const xi = F.zero();
    F.inv(inv, pre[N - 1]);
    const out: AffinePoint[] = new Array(N);
    for (let j = N - 1; j >= 0; j--) {
      if (j > 0) {
        F.mul(xi, inv, pre[j - 1]);
        F.mul(inv, inv, xs[j]);
      } else xi.set(inv);
      F.mul(xi, xi, ys[j]);
      out[j] = new AffinePoint(this.c.name, xs[j], ys[j], xi[0] & 1);
    }
    return out;
  }

  /** Builds the per-position copies of the table of G now (needs the table of G). */
  prepare(): void {
    const t = this.pub.baseTable();
    if (t !== null && this.positions === null) this.buildPositions(t);
  }

  private buildPositions(t: Table): Uint32Array[] {
    const F = this.c.F;
    const rec = this.pub.recG;
    const flats: Uint32Array[] = [t.flat];
    const e = this.c.F.zero();
    const W = F.words;
    for (let i = 1; i < rec.regularLength; i++) {
      const f = Uint32Array.from(flats[i - 1]);
      for (let o = 0; o + 2 * W <= f.length; o += W) {
        e.set(f.subarray(o, o + W));
        for (let j = 1; j < rec.w; j++) F.sqr(e, e);
        f.set(e, o);
      }
      flats.push(f);
    }
    this.positions = flats;
    if (this.wasm !== null) this.wasmTables = this.wasm.uploadTables(flats, t.x.length);
    return flats;
  }

  /** k*P for P of order > 4 (not x = 0, not x = 1): the caller checks. */
  mul(p: AffinePoint, k: bigint): AffinePoint {
    return this.evaluate(this.pub.rec, this.pub.pointTable(p), k);
  }

  private evaluate(rec: WtnafRecoder, t: Table, k: bigint): AffinePoint {
    const ld = this.c.ld;
    const n = rec.recodeRegular(k);
    const d = rec.digits;
    const q = this.acc;
    const count = t.x.length;
    const w = this.wasm;
    if (w?.varBase({ flat: t.flat, count, digits: d, n, frobs: rec.w - 1, X: q.X, Y: q.Y, Z: q.Z })) {
      d.fill(0);
      return this.c.ldToPoint(q);
    }
    this.lookup(t.flat, t.x.length, d[n - 1]);
    ld.setAffine(q, this.x, this.y);
    for (let i = n - 2; i >= 0; i--) {
      for (let j = 1; j < rec.w; j++) ld.frob(q);
      this.lookup(t.flat, t.x.length, d[i]);
      ld.addMixed(q, this.x, this.y);
    }
    d.fill(0);
    return this.c.ldToPoint(q);
  }

  /**
   * (x, y) = sign(u) * t[|u| >> 1], reading every entry of the table: 18 words per entry are
   * masked into locals (2W <= 18; the words past an entry are masked off with it).
   */
  private lookup(flat: Uint32Array, count: number, u: number): void {
    const F = this.c.F;
    const { x, y } = this;
    const sm = u >> 31;
    const idx = ((u ^ sm) - sm) >> 1;
    const W = x.length;
    const W2 = 2 * W;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let a4 = 0;
    let a5 = 0;
    let a6 = 0;
    let a7 = 0;
    let a8 = 0;
    let a9 = 0;
    let a10 = 0;
    let a11 = 0;
    let a12 = 0;
    let a13 = 0;
    let a14 = 0;
    let a15 = 0;
    let a16 = 0;
    let a17 = 0;
    for (let j = 0, b = 0; j < count; j++, b += W2) {
      const mk = ((j ^ idx) - 1) >> 31;
      a0 |= flat[b] & mk;
      a1 |= flat[b + 1] & mk;
      a2 |= flat[b + 2] & mk;
      a3 |= flat[b + 3] & mk;
      a4 |= flat[b + 4] & mk;
      a5 |= flat[b + 5] & mk;
      a6 |= flat[b + 6] & mk;
      a7 |= flat[b + 7] & mk;
      a8 |= flat[b + 8] & mk;
      a9 |= flat[b + 9] & mk;
      a10 |= flat[b + 10] & mk;
      a11 |= flat[b + 11] & mk;
      a12 |= flat[b + 12] & mk;
      a13 |= flat[b + 13] & mk;
      a14 |= flat[b + 14] & mk;
      a15 |= flat[b + 15] & mk;
      a16 |= flat[b + 16] & mk;
      a17 |= flat[b + 17] & mk;
    }
    const xy = this.xy;
    xy[0] = a0;
    xy[1] = a1;
    xy[2] = a2;
    xy[3] = a3;
    xy[4] = a4;
    xy[5] = a5;
    xy[6] = a6;
    xy[7] = a7;
    xy[8] = a8;
    xy[9] = a9;
    xy[10] = a10;
    xy[11] = a11;
    xy[12] = a12;
    xy[13] = a13;
    xy[14] = a14;
    xy[15] = a15;
    xy[16] = a16;
    xy[17] = a17;
    for (let i = 0; i < W; i++) {
      x[i] = xy[i];
      y[i] = xy[W + i];
    }
    F.add(this.t, x, y);
    F.select(y, y, this.t, sm & 1);
  }
}
