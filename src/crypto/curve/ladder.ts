/**
 * The constant-pattern scalar multiplication for secret scalars: the López-Dahab x-only
 * Montgomery ladder (Guide to ECC Algorithm 3.40; López and Dahab, CHES 1999) over a fixed
 * number of bits with mask-based conditional swaps, then the y-coordinate recovery (Mxy).
 *
 * Every step runs the same field operations (Madd: 4M + 1S, Mdouble: 1M + 3S, b = 1) whatever
 * the bit, the loop length is fixed by the caller (m + 3 bits), and the y recovery always runs
 * (the degenerate results k*P = infinity / -P, i.e. Z1 = 0 / Z2 = 0, are selected by masks
 * afterwards), so the sequence of field operations does not depend on k.
 */
import type { BinaryField, Fe } from "../field/binary-field.js";

export class Ladder {
  private readonly F: BinaryField;
  private readonly X1: Fe;
  private readonly Z1: Fe;
  private readonly X2: Fe;
  private readonly Z2: Fe;
  private readonly t1: Fe;
  private readonly t2: Fe;
  private readonly t3: Fe;

  constructor(F: BinaryField) {
    this.F = F;
    this.X1 = F.zero();
    this.Z1 = F.zero();
    this.X2 = F.zero();
    this.Z2 = F.zero();
    this.t1 = F.zero();
    this.t2 = F.zero();
    this.t3 = F.zero();
  }

  /**
   * (outX, outY) = k*(x, y) over `bits` bits of k (k < 2^bits); x must be non-zero. Returns false
   * when the result is the point at infinity.
   */
  run(opts: { x: Fe; y: Fe; k: Uint32Array; bits: number; outX: Fe; outY: Fe }): boolean {
    const { F, X1, Z1, X2, Z2, t1, t2, t3 } = this;
    const { x, y, k, bits, outX, outY } = opts;
    // R0 = infinity = (1 : 0), R1 = P = (x : 1).
    X1.fill(0);
    X1[0] = 1;
    Z1.fill(0);
    X2.set(x);
    Z2.fill(0);
    Z2[0] = 1;
    let prev = 0;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = (k[i >>> 5] >>> (i & 31)) & 1;
      const sw = bit ^ prev;
      prev = bit;
      F.cswap(X1, X2, sw);
      F.cswap(Z1, Z2, sw);
      // R1 = R0 + R1 (difference P): T = X1 Z2, U = X2 Z1, Z = (T + U)^2, X = x Z + T U.
      F.mul(t1, X1, Z2);
      F.mul(t2, X2, Z1);
      F.add(t3, t1, t2);
      F.sqr(Z2, t3);
      F.mul(t3, t1, t2);
      F.mul(X2, x, Z2);
      F.add(X2, X2, t3);
      // R0 = 2 R0: X = (X^2 + Z^2)^2 (b = 1), Z = X^2 Z^2.
      F.sqr(t1, X1);
      F.sqr(t2, Z1);
      F.mul(Z1, t1, t2);
      F.add(t1, t1, t2);
      F.sqr(X1, t1);
    }
    F.cswap(X1, X2, prev);
    F.cswap(Z1, Z2, prev);
    // The recovery runs whatever the result; the degenerate cases are selected at the end.
    const inf = F.isZero(Z1) ? 1 : 0;
    const neg = F.isZero(Z2) ? 1 : 0;
    // Mxy: x3 = X1/Z1; y3 = (x + x3)[(X1 + x Z1)(X2 + x Z2) + (x^2 + y) Z1 Z2] / (x Z1 Z2) + y.
    F.mul(t1, Z1, Z2);
    F.mul(t3, t1, x);
    F.inv(t3, t3); // 1 / (x Z1 Z2)
    F.sqr(t2, x);
    F.add(t2, t2, y);
    F.mul(t2, t2, t1); // (x^2 + y) Z1 Z2
    F.mul(t1, x, Z1);
    F.add(t1, t1, X1);
    F.mul(Z1, x, Z2);
    F.add(Z1, Z1, X2);
    F.mul(t1, t1, Z1);
    F.add(t2, t2, t1); // [...]
    F.mul(t1, X1, Z2);
    F.mul(t1, t1, x);
    F.mul(t1, t1, t3); // x3 = X1 Z2 x / (x Z1 Z2)
    outX.set(t1);
    F.add(t1, t1, x);
    F.mul(t2, t2, t1);
    F.mul(t2, t2, t3);
    F.add(outY, t2, y);
    // k*P = -P when Z2 = 0.
    F.select(outX, outX, x, neg);
    F.add(t1, x, y);
    F.select(outY, outY, t1, neg);
    return inf === 0;
  }
}
