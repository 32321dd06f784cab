/**
 * Scalar multiplication for public scalars on a Koblitz curve (Guide to ECC 3.4; Solinas 2000):
 * width-w TNAF of k partially reduced modulo tau^m - 1 (tnaf.ts), the points alpha_u P
 * precomputed in López-Dahab coordinates and normalised to affine with one batched inversion
 * (Montgomery's trick), then Frobenius (three squarings) and mixed additions from the top digit.
 * For G the table is built once, lazily, with a wider window. Variable-time: only for scalars
 * that are not secret.
 */
import type { Fe } from "../field/binary-field.js";
import type { AffinePoint, KoblitzCurveImpl } from "./koblitz.js";
import type { LdPoint } from "./ld.js";
import { tnaf, WtnafRecoder } from "./tnaf.js";

/**
 * Affine alpha_u P for odd u < 2^(w-1): x, y and y of the negative (x + y); `inf[i]` = 1 when
 * the entry is the point at infinity (only for P of order dividing the cofactor).
 */
interface Table {
  x: Fe[];
  y: Fe[];
  ny: Fe[];
  inf: Uint8Array;
}

export class PublicMul {
  private readonly c: KoblitzCurveImpl;
  private readonly G: AffinePoint;
  private readonly acc: LdPoint;
  private readonly rec: WtnafRecoder;
  private readonly recG: WtnafRecoder;
  private readonly table: Table;
  private gTable: Table | null = null;
  private readonly ldPts: LdPoint[];
  private readonly prefix: Fe[];
  private readonly t1: Fe;
  private readonly t2: Fe;

  constructor(o: { curve: KoblitzCurveImpl; G: AffinePoint; w: number; wG: number }) {
    const c = o.curve;
    this.c = c;
    this.G = o.G;
    this.acc = c.ld.newPoint();
    const mu = c.a === 1 ? 1 : -1;
    this.rec = new WtnafRecoder({ m: c.m, mu, w: o.w });
    this.recG = new WtnafRecoder({ m: c.m, mu, w: o.wG });
    this.table = this.newTable(this.rec.alphas.length);
    const maxPts = this.recG.alphas.length;
    this.ldPts = Array.from({ length: maxPts }, () => c.ld.newPoint());
    this.prefix = Array.from({ length: maxPts }, () => c.F.zero());
    this.t1 = c.F.zero();
    this.t2 = c.F.zero();
  }

  private newTable(n: number): Table {
    const F = this.c.F;
    const mk = () => Array.from({ length: n }, () => F.zero());
    return { x: mk(), y: mk(), ny: mk(), inf: new Uint8Array(n) };
  }

  mulBase(k: bigint): AffinePoint {
    if (k === 0n) return this.c.infinity as AffinePoint;
    if (this.gTable === null) {
      const t = this.newTable(this.recG.alphas.length);
      this.precompute(this.G, this.recG, t);
      this.gTable = t;
    }
    return this.evaluate(this.recG, this.gTable, k);
  }

  mul(p: AffinePoint, k: bigint): AffinePoint {
    const c = this.c;
    if (p.x === null || k === 0n) return c.infinity as AffinePoint;
    this.precompute(p, this.rec, this.table);
    return this.evaluate(this.rec, this.table, k);
  }

  private evaluate(rec: WtnafRecoder, t: Table, k: bigint): AffinePoint {
    const c = this.c;
    const ld = c.ld;
    const n = rec.recode(k);
    const d = rec.digits;
    const q = this.acc;
    ld.setInfinity(q);
    let started = false;
    for (let i = n - 1; i >= 0; i--) {
      if (started) ld.frob(q);
      const u = d[i];
      if (u > 0) {
        if (t.inf[u >> 1] === 0) {
          ld.addMixed(q, t.x[u >> 1], t.y[u >> 1]);
          started = true;
        }
      } else if (u < 0) {
        if (t.inf[-u >> 1] === 0) {
          ld.addMixed(q, t.x[-u >> 1], t.ny[-u >> 1]);
          started = true;
        }
      }
    }
    return c.ldToPoint(q);
  }

  /**
   * t[i] = alpha_(2i+1) * P in affine coordinates. Each alpha is evaluated from its (short) plain
   * TNAF on P; the results are normalised together with one inversion. Entries that are the point
   * at infinity (possible only for P of small order) fall back to a direct conversion.
   */
  private precompute(p: AffinePoint, rec: WtnafRecoder, t: Table): void {
    const c = this.c;
    const F = c.F;
    const ld = c.ld;
    const px = p.x as Fe;
    const py = p.y as Fe;
    const pny = this.t1;
    F.add(pny, px, py);
    const count = rec.alphas.length;
    const pts = this.ldPts;
    let degenerate = false;
    for (let i = 0; i < count; i++) {
      const q = pts[i];
      const digits = this.alphaDigits(rec, i);
      ld.setInfinity(q);
      for (let j = digits.length - 1; j >= 0; j--) {
        ld.frob(q);
        if (digits[j] === 1) ld.addMixed(q, px, py);
        else if (digits[j] === -1) ld.addMixed(q, px, pny);
      }
      if (F.isZero(q.Z)) degenerate = true;
    }
    if (degenerate) {
      for (let i = 0; i < count; i++) {
        t.inf[i] = ld.toAffine(pts[i], t.x[i], t.y[i]) ? 0 : 1;
        F.add(t.ny[i], t.x[i], t.y[i]);
      }
      return;
    }
    t.inf.fill(0);
    // Montgomery's trick: prefix[i] = Z_0 ... Z_i; one inversion; walk back.
    const pre = this.prefix;
    pre[0].set(pts[0].Z);
    for (let i = 1; i < count; i++) F.mul(pre[i], pre[i - 1], pts[i].Z);
    const inv = this.t2;
    F.inv(inv, pre[count - 1]);
    const zi = this.t1;
    for (let i = count - 1; i >= 0; i--) {
      if (i > 0) {
        F.mul(zi, inv, pre[i - 1]);
        F.mul(inv, inv, pts[i].Z);
      } else zi.set(inv);
      F.mul(t.x[i], pts[i].X, zi);
      F.sqr(zi, zi);
      F.mul(t.y[i], pts[i].Y, zi);
      F.add(t.ny[i], t.x[i], t.y[i]);
    }
  }

  private readonly alphaCache = new Map<WtnafRecoder, Int8Array[]>();

  private alphaDigits(rec: WtnafRecoder, i: number): Int8Array {
    let list = this.alphaCache.get(rec);
    if (list === undefined) {
      list = rec.alphas.map(([b, g]) => tnaf(b, g, rec.mu));
      this.alphaCache.set(rec, list);
    }
    return list[i];
  }
}
