/**
 * Scalar multiplication for public scalars on a Koblitz curve (Guide to ECC 3.4; Solinas 2000):
 * width-w TNAF of k partially reduced modulo tau^m - 1 (tnaf.ts), the points alpha_u P
 * precomputed in López-Dahab coordinates and normalised to affine with one batched inversion
 * (Montgomery's trick), then Frobenius (three squarings) and mixed additions from the top digit.
 * For G the table is built once, lazily, with a wider window. Variable-time: only for scalars
 * that are not secret.
 */
import type { Fe } from "../field/binary-field.js";
import { type WasmField, wasmField } from "../field/wasm-kernels.js";
import type { AffinePoint, KoblitzCurveImpl } from "./koblitz.js";
import type { LdPoint } from "./ld.js";
import { tnaf, WtnafRecoder } from "./tnaf.js";

/**
 * Affine alpha_u P for odd u < 2^(w-1): x, y and y of the negative (x + y); `inf[i]` = 1 when
 * the entry is the point at infinity (only for P of order dividing the cofactor).
 */
/** Uses of k*G after which the wide table of G is built. */
const BASE_TABLE_AFTER = 4;

export interface Table {
  x: Fe[];
  y: Fe[];
  ny: Fe[];
  inf: Uint8Array;
  /** x || y of every entry in one array (18 spare words), for the secret path's full-table scans. */
  flat: Uint32Array;
}

/** A table kept across calls (a long-lived public point such as a CA key) with its recoder. */
export interface KeptTable {
  rec: WtnafRecoder;
  table: Table;
}

/** True when no entry of the table is the point at infinity. */
function noInfinity(t: Table): boolean {
  for (let i = 0; i < t.inf.length; i++) if (t.inf[i] !== 0) return false;
  return true;
}

export class PublicMul {
  private readonly c: KoblitzCurveImpl;
  private readonly G: AffinePoint;
  private readonly acc: LdPoint;
  readonly rec: WtnafRecoder;
  readonly recG: WtnafRecoder;
  private readonly table: Table;
  private gTable: Table | null = null;
  private baseCalls = 0;
  private readonly ldPts: LdPoint[];
  private readonly prefix: Fe[];
  private readonly t1: Fe;
  private readonly t2: Fe;
  private readonly flip: Uint8Array;
  /** Copy of the first scalar's digits in `mulAdd`. */
  private readonly dk: Int8Array;
  /** The WebAssembly evaluation (null without WebAssembly). */
  private readonly wasm: WasmField | null;

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
    this.flip = new Uint8Array(maxPts);
    this.dk = new Int8Array(this.rec.digits.length);
    this.wasm = wasmField(c.F.m);
  }

  private newTable(n: number): Table {
    const F = this.c.F;
    const mk = () => Array.from({ length: n }, () => F.zero());
    return {
      x: mk(),
      y: mk(),
      ny: mk(),
      inf: new Uint8Array(n),
      flat: new Uint32Array(2 * n * F.words + 18),
    };
  }

  /**
   * The table of alpha_u G for the wide window. It is built at the BASE_TABLE_AFTER-th use (or by
   * `prepare`): until then null, and callers use the variable-base table of G, so that a
   * short-lived process (one CLI command) does not build 2^(wG-2) points with cold code.
   */
  baseTable(): Table | null {
    if (this.gTable === null && ++this.baseCalls > BASE_TABLE_AFTER) this.prepare();
    return this.gTable;
  }

  /** Builds the table of G now. */
  prepare(): void {
    if (this.gTable !== null) return;
    const t = this.newTable(this.recG.alphas.length);
    this.precompute(this.G, this.recG, t);
    this.gTable = t;
  }

  /** The table of alpha_u P (shared scratch, valid until the next call). */
  pointTable(p: AffinePoint): Table {
    this.precompute(p, this.rec, this.table);
    return this.table;
  }

  mulBase(k: bigint): AffinePoint {
    if (k === 0n) return this.c.infinity as AffinePoint;
    const t = this.baseTable();
    return t === null ? this.mul(this.G, k) : this.evaluate(this.recG, t, k);
  }

  mul(p: AffinePoint, k: bigint): AffinePoint {
    const c = this.c;
    if (p.x === null || k === 0n) return c.infinity as AffinePoint;
    return this.evaluate(this.rec, this.pointTable(p), k);
  }

  /**
   * A table of Q kept by the caller: with the variable-base window (`wide` false, 2^(w-2)
   * entries) or the wide window of G (2^(wG-2) entries, for a point used many times).
   */
  keptTable(q: AffinePoint, wide: boolean): KeptTable {
    const rec = wide ? this.recG : this.rec;
    const table = this.newTable(rec.alphas.length);
    if (q.x !== null) this.precompute(q, rec, table);
    else table.inf.fill(1);
    return { rec, table };
  }

  /**
   * k*P + l*Q + R in one tau-adic evaluation (interleaved width-w TNAF, Guide to ECC 3.3.3 with
   * Frobenius in place of doubling): both scalars recoded modulo tau^m - 1, one Frobenius map per
   * digit position shared by both, Q's kept table, R (optional) added at the end. Public scalars
   * and points only (variable-time).
   */
  mulAdd(o: { p: AffinePoint; k: bigint; q: KeptTable; l: bigint; r?: AffinePoint }): AffinePoint {
    const c = this.c;
    const ld = c.ld;
    const acc = this.acc;
    ld.setInfinity(acc);
    let n1 = 0;
    let tP: Table | null = null;
    const dk = this.dk;
    if (o.p.x !== null && o.k !== 0n) {
      tP = this.pointTable(o.p);
      n1 = this.rec.recode(o.k);
      dk.set(this.rec.digits.subarray(0, n1));
    }
    const tQ = o.q.table;
    const n2 = o.l === 0n ? 0 : o.q.rec.recode(o.l);
    const dl = o.q.rec.digits;
    const w = this.wasm;
    if (w !== null && (tP === null || noInfinity(tP)) && (n2 === 0 || noInfinity(tQ)) && n1 + n2 > 0) {
      const p = tP === null ? null : { flat: tP.flat, count: tP.x.length, digits: dk, n: n1 };
      const q = n2 === 0 ? null : { flat: tQ.flat, count: tQ.x.length, digits: dl, n: n2 };
      // Only Q's digits: Q's table goes first (the module's second table is optional).
      const r = w.pubEval({ p: p ?? q!, q: p === null ? null : q, X: acc.X, Y: acc.Y, Z: acc.Z });
      if (r === 0 || r === 2) {
        if (r === 2) ld.setInfinity(acc);
        if (o.r !== undefined && o.r.x !== null && o.r.y !== null) ld.addMixed(acc, o.r.x, o.r.y);
        return c.ldToPoint(acc);
      }
      ld.setInfinity(acc);
    }
    let started = false;
    for (let i = Math.max(n1, n2) - 1; i >= 0; i--) {
      if (started) ld.frob(acc);
      if (i < n1 && tP !== null) {
        const u = dk[i];
        if (u > 0) {
          if (tP.inf[u >> 1] === 0) {
            ld.addMixed(acc, tP.x[u >> 1], tP.y[u >> 1]);
            started = true;
          }
        } else if (u < 0 && tP.inf[-u >> 1] === 0) {
          ld.addMixed(acc, tP.x[-u >> 1], tP.ny[-u >> 1]);
          started = true;
        }
      }
      if (i < n2) {
        const u = dl[i];
        if (u > 0) {
          if (tQ.inf[u >> 1] === 0) {
            ld.addMixed(acc, tQ.x[u >> 1], tQ.y[u >> 1]);
            started = true;
          }
        } else if (u < 0 && tQ.inf[-u >> 1] === 0) {
          ld.addMixed(acc, tQ.x[-u >> 1], tQ.ny[-u >> 1]);
          started = true;
        }
      }
    }
    if (o.r !== undefined && o.r.x !== null && o.r.y !== null) ld.addMixed(acc, o.r.x, o.r.y);
    return c.ldToPoint(acc);
  }

  private evaluate(rec: WtnafRecoder, t: Table, k: bigint): AffinePoint {
    const c = this.c;
    const ld = c.ld;
    const n = rec.recode(k);
    const d = rec.digits;
    const q = this.acc;
    if (this.wasm !== null && noInfinity(t)) {
      const r = this.wasm.pubEval({
        p: { flat: t.flat, count: t.x.length, digits: d, n },
        X: q.X,
        Y: q.Y,
        Z: q.Z,
      });
      if (r === 2) return c.infinity as AffinePoint;
      if (r === 0) return c.ldToPoint(q);
    }
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
    const flip = this.flip;
    let degenerate = false;
    for (const step of this.plan(rec)) {
      const q = pts[step.i];
      if (step.digits !== null) {
        ld.setInfinity(q);
        for (let j = step.digits.length - 1; j >= 0; j--) {
          ld.frob(q);
          if (step.digits[j] === 1) ld.addMixed(q, px, py);
          else if (step.digits[j] === -1) ld.addMixed(q, px, pny);
        }
        flip[step.i] = 0;
      } else {
        // R_i = tau^j R_v + (sigma s) P, Q_i = sigma R_i with sigma = sign_v * flip_v.
        ld.copy(q, pts[step.v]);
        for (let j = 0; j < step.j; j++) ld.frob(q);
        const sigmaNeg = (step.signV < 0 ? 1 : 0) ^ flip[step.v];
        const addNeg = (step.s < 0 ? 1 : 0) ^ sigmaNeg;
        ld.addMixed(q, px, addNeg ? pny : py);
        flip[step.i] = sigmaNeg;
      }
      if (F.isZero(q.Z)) degenerate = true;
    }
    if (degenerate) {
      for (let i = 0; i < count; i++) {
        t.inf[i] = ld.toAffine(pts[i], t.x[i], t.y[i]) ? 0 : 1;
        F.add(t.ny[i], t.x[i], t.y[i]);
      }
      this.applyFlips(t, count);
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
    this.applyFlips(t, count);
  }

  /** Entries computed as -Q_i get their y and -y exchanged; then the flat copy is filled. */
  private applyFlips(t: Table, count: number): void {
    const W = this.c.F.words;
    for (let i = 0; i < count; i++) {
      if (this.flip[i] === 1) {
        const y = t.y[i];
        t.y[i] = t.ny[i];
        t.ny[i] = y;
      }
      t.flat.set(t.x[i], 2 * W * i);
      t.flat.set(t.y[i], 2 * W * i + W);
    }
  }

  private readonly plans = new Map<WtnafRecoder, PlanStep[]>();

  /**
   * How to compute each alpha_u P cheaply (set up once per recoder, BigInt): where possible
   * alpha_u = sign_v tau^j alpha_v + s for an alpha_v computed before, so the point costs j
   * Frobenius maps and one mixed addition of +-P; otherwise from alpha_u's plain TNAF.
   */
  private plan(rec: WtnafRecoder): PlanStep[] {
    const cached = this.plans.get(rec);
    if (cached !== undefined) return cached;
    const mu = BigInt(rec.mu);
    const key = (a: bigint, b: bigint) => `${a},${b}`;
    const placed = new Map<string, { v: number; sign: 1 | -1 }>();
    const steps: PlanStep[] = [];
    const place = (i: number) => {
      const [b, g] = rec.alphas[i];
      placed.set(key(b, g), { v: i, sign: 1 });
      placed.set(key(-b, -g), { v: i, sign: -1 });
    };
    steps.push({
      i: 0,
      digits: tnaf({ r0: rec.alphas[0][0], r1: rec.alphas[0][1], mu: rec.mu }),
      v: 0,
      j: 0,
      signV: 1,
      s: 1,
    });
    place(0);
    const pending = new Set(rec.alphas.map((_, i) => i).filter((i) => i > 0));
    for (let progress = true; progress && pending.size > 0; ) {
      progress = false;
      for (const i of [...pending]) {
        for (const s of [1, -1] as const) {
          let [x0, x1] = rec.alphas[i];
          x0 -= BigInt(s);
          let j = 0;
          while ((x0 !== 0n || x1 !== 0n) && (x0 & 1n) === 0n) {
            const h = x0 / 2n;
            [x0, x1] = [x1 + mu * h, -h];
            j++;
          }
          const hit = j > 0 ? placed.get(key(x0, x1)) : undefined;
          if (hit !== undefined) {
            steps.push({ i, digits: null, v: hit.v, j, signV: hit.sign, s });
            place(i);
            pending.delete(i);
            progress = true;
            break;
          }
        }
      }
    }
    for (const i of pending)
      steps.push({
        i,
        digits: tnaf({ r0: rec.alphas[i][0], r1: rec.alphas[i][1], mu: rec.mu }),
        v: 0,
        j: 0,
        signV: 1,
        s: 1,
      });
    this.plans.set(rec, steps);
    return steps;
  }
}

/** One step of a precomputation plan (see `PublicMul.plan`). */
interface PlanStep {
  i: number;
  /** Plain TNAF digits when computed directly, else null. */
  digits: Int8Array | null;
  v: number;
  j: number;
  signV: 1 | -1;
  s: 1 | -1;
}
