/**
 * Point arithmetic on a Koblitz curve y^2 + xy = x^3 + a x^2 + 1 (a in {0, 1}, b = 1) over
 * GF(2^m): affine points and López-Dahab projective points (x = X/Z, y = Y/Z^2; Guide to ECC
 * 3.2.3), mixed LD + affine addition (8M + 5S), LD doubling, Frobenius tau (squaring each
 * coordinate, Guide to ECC 3.4) and conversion to affine. All scratch is preallocated.
 */
import type { BinaryField, Fe } from "../field/binary-field.js";

/** A López-Dahab point; Z = 0 is the point at infinity. */
export interface LdPoint {
  X: Fe;
  Y: Fe;
  Z: Fe;
}

export class LdArith {
  readonly F: BinaryField;
  readonly a: 0 | 1;
  private readonly t: Fe[];

  constructor(F: BinaryField, a: 0 | 1) {
    this.F = F;
    this.a = a;
    this.t = Array.from({ length: 8 }, () => F.zero());
  }

  newPoint(): LdPoint {
    return { X: this.F.zero(), Y: this.F.zero(), Z: this.F.zero() };
  }

  setInfinity(p: LdPoint): void {
    p.X.fill(0);
    p.X[0] = 1;
    p.Y.fill(0);
    p.Z.fill(0);
  }

  setAffine(p: LdPoint, x: Fe, y: Fe): void {
    p.X.set(x);
    p.Y.set(y);
    p.Z.fill(0);
    p.Z[0] = 1;
  }

  copy(d: LdPoint, s: LdPoint): void {
    d.X.set(s.X);
    d.Y.set(s.Y);
    d.Z.set(s.Z);
  }

  isInfinity(p: LdPoint): boolean {
    return this.F.isZero(p.Z);
  }

  /** p = tau(p) = (X^2, Y^2, Z^2). */
  frob(p: LdPoint): void {
    const F = this.F;
    F.sqr(p.X, p.X);
    F.sqr(p.Y, p.Y);
    F.sqr(p.Z, p.Z);
  }

  /** p = 2p (Guide to ECC 3.2.3, b = 1). */
  double(p: LdPoint): void {
    const F = this.F;
    if (F.isZero(p.Z)) return;
    const [x2, z2, z4, t] = this.t;
    F.sqr(x2, p.X);
    F.sqr(z2, p.Z);
    F.mul(p.Z, x2, z2); // Z3 = X^2 Z^2
    F.sqr(z4, z2); // Z^4
    F.sqr(p.X, x2);
    F.add(p.X, p.X, z4); // X3 = X^4 + Z^4
    F.sqr(t, p.Y); // Y^2
    F.add(t, t, z4);
    if (this.a === 1) F.add(t, t, p.Z); // a Z3 + Y^2 + Z^4
    F.mul(t, t, p.X);
    F.mul(p.Y, z4, p.Z);
    F.add(p.Y, p.Y, t); // Y3 = Z^4 Z3 + X3 (a Z3 + Y^2 + Z^4)
  }

  /**
   * p = p + (x2, y2) with (x2, y2) affine and not infinity (mixed LD addition, Guide to ECC
   * 3.2.3 / Al-Daoud et al.). Handles p = infinity, p = (x2, y2) and p = -(x2, y2).
   */
  addMixed(p: LdPoint, x2: Fe, y2: Fe): void {
    const F = this.F;
    if (F.isZero(p.Z)) {
      this.setAffine(p, x2, y2);
      return;
    }
    const [A, B, C, D, E, T] = this.t;
    F.sqr(T, p.Z); // Z1^2
    F.mul(A, y2, T);
    F.add(A, A, p.Y); // A = y2 Z1^2 + Y1
    F.mul(B, x2, p.Z);
    F.add(B, B, p.X); // B = x2 Z1 + X1
    if (F.isZero(B)) {
      if (F.isZero(A)) {
        this.setAffine(p, x2, y2);
        this.double(p);
      } else {
        this.setInfinity(p);
      }
      return;
    }
    F.mul(C, p.Z, B); // C = Z1 B
    if (this.a === 1) F.add(T, C, T);
    else T.set(C); // C + a Z1^2
    F.sqr(D, B);
    F.mul(D, D, T); // D = B^2 (C + a Z1^2)
    F.sqr(p.Z, C); // Z3 = C^2
    F.mul(E, A, C); // E = A C
    F.sqr(p.X, A);
    F.add(p.X, p.X, D);
    F.add(p.X, p.X, E); // X3 = A^2 + D + E
    F.mul(T, x2, p.Z);
    F.add(T, T, p.X); // F = X3 + x2 Z3
    F.add(E, E, p.Z);
    F.mul(E, E, T); // (E + Z3) F
    F.add(T, x2, y2);
    F.sqr(D, p.Z);
    F.mul(T, T, D); // G = (x2 + y2) Z3^2
    F.add(p.Y, E, T); // Y3 = (E + Z3) F + G
  }

  /** Affine coordinates of p into (x, y); returns false for infinity. */
  toAffine(p: LdPoint, x: Fe, y: Fe): boolean {
    const F = this.F;
    if (F.isZero(p.Z)) return false;
    const [zi, t] = this.t;
    F.inv(zi, p.Z);
    F.mul(x, p.X, zi);
    F.sqr(t, zi);
    F.mul(y, p.Y, t);
    return true;
  }
}
