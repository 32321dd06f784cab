/**
 * Scalar multiplication for secret scalars on a Koblitz curve: the regular tau-adic recoding
 * (tnaf.ts `recodeRegular`; Oliveira, Aranha, López, Rodríguez-Henríquez, SAC 2014) evaluated
 * with a fixed pattern: the top digit's point, then for every further digit w-1 Frobenius maps
 * (3(w-1) squarings in López-Dahab coordinates) and one mixed addition of the digit's point,
 * fetched by scanning the whole table with masks and negated by a masked select.
 *
 * The number of digits is fixed per curve, every digit is non-zero, and the table lookups touch
 * every entry, so the sequence of field operations does not depend on k. The mixed addition keeps
 * its branches for P = +-Q and infinity: with the accumulator an odd multiple r_i P and the
 * addend an odd digit, they are reachable only when r_i or r_i - 2 d_i (an odd, hence non-zero,
 * element of Z[tau]) annihilates P, which for points of large order happens with negligible
 * probability; points of order dividing the cofactor (x = 0 or x = 1) go to the ladder instead.
 */
import type { Fe } from "../field/binary-field.js";
import type { AffinePoint, KoblitzCurveImpl } from "./koblitz.js";
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

  constructor(o: { curve: KoblitzCurveImpl; pub: PublicMul }) {
    this.c = o.curve;
    this.pub = o.pub;
    this.acc = o.curve.ld.newPoint();
    this.x = o.curve.F.zero();
    this.y = o.curve.F.zero();
    this.t = o.curve.F.zero();
  }

  /** k*G with the wide-window table of G. */
  mulBase(k: bigint): AffinePoint {
    return this.evaluate(this.pub.recG, this.pub.baseTable(), k);
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
    this.lookup(t, d[n - 1]);
    ld.setAffine(q, this.x, this.y);
    for (let i = n - 2; i >= 0; i--) {
      for (let j = 1; j < rec.w; j++) ld.frob(q);
      this.lookup(t, d[i]);
      ld.addMixed(q, this.x, this.y);
    }
    d.fill(0);
    return this.c.ldToPoint(q);
  }

  /** (x, y) = sign(u) * t[|u| >> 1], reading every entry of the table. */
  private lookup(t: Table, u: number): void {
    const F = this.c.F;
    const { x, y } = this;
    const sm = u >> 31;
    const idx = ((u ^ sm) - sm) >> 1;
    x.fill(0);
    y.fill(0);
    const count = t.x.length;
    const W = x.length;
    for (let j = 0; j < count; j++) {
      const mk = ((j ^ idx) - 1) >> 31;
      const tx = t.x[j];
      const ty = t.y[j];
      for (let i = 0; i < W; i++) {
        x[i] |= tx[i] & mk;
        y[i] |= ty[i] & mk;
      }
    }
    F.add(this.t, x, y);
    F.select(y, y, this.t, sm & 1);
  }
}
