/**
 * Scalar multiplication for public scalars on a Koblitz curve (Guide to ECC 3.4, Solinas 2000):
 * the TNAF of k evaluated with Frobenius (three squarings in López-Dahab coordinates) and mixed
 * additions. Variable-time: only for scalars that are not secret.
 */
import type { AffinePoint, KoblitzCurveImpl } from "./koblitz.js";
import type { LdPoint } from "./ld.js";
import { tnaf } from "./tnaf.js";

export class PublicMul {
  private readonly c: KoblitzCurveImpl;
  private readonly G: AffinePoint;
  private readonly acc: LdPoint;
  private readonly mu: 1 | -1;

  constructor(o: { curve: KoblitzCurveImpl; G: AffinePoint }) {
    this.c = o.curve;
    this.G = o.G;
    this.acc = o.curve.ld.newPoint();
    this.mu = o.curve.a === 1 ? 1 : -1;
  }

  mulBase(k: bigint): AffinePoint {
    return this.mul(this.G, k);
  }

  mul(p: AffinePoint, k: bigint): AffinePoint {
    const c = this.c;
    if (p.x === null || p.y === null || k === 0n) return c.infinity as AffinePoint;
    const F = c.F;
    const ld = c.ld;
    const negY = F.zero();
    F.add(negY, p.x, p.y);
    const digits = tnaf(k, 0n, this.mu);
    const q = this.acc;
    ld.setInfinity(q);
    for (let i = digits.length - 1; i >= 0; i--) {
      ld.frob(q);
      const u = digits[i];
      if (u === 1) ld.addMixed(q, p.x, p.y);
      else if (u === -1) ld.addMixed(q, p.x, negY);
    }
    return c.ldToPoint(q);
  }
}
