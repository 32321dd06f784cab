/**
 * a·b + c mod n for the scalar arithmetic on secrets: ECMQV's s = d_E + avf·d_S (SEC 1 §3.4),
 * ECQV's r = e·k + d_CA and d_U = e·k_U + r (SEC 4 §3.4, §3.6), a private key reduced mod n.
 * BigInt's multiply and divide take steps that depend on the values; here the arithmetic is one
 * fixed sequence of floating-point operations on 24-bit limbs (limbs24.ts) whatever the
 * operands: a schoolbook product, Barrett reduction (Handbook of Applied Cryptography,
 * Algorithm 14.42) and its two final conditional subtractions done by arithmetic selection,
 * not by branches. The operands arrive and leave as bigints (the library's scalar type),
 * converted through hex strings of a fixed length (making the string from a bigint takes
 * time with its length: limbs24.ts).
 */
import { ZseError } from "../util/errors.js";
import {
  BASE,
  bigintOf,
  LIMB_BITS,
  limbsOf,
  loadSecret,
  mulInto,
  normalize,
  normalizeMod,
} from "./limbs24.js";

/** Barrett reduction modulo one n, with its precomputed constants and scratch. */
export class ScalarModN {
  readonly n: bigint;
  /** k: n's length in limbs (n < BASE^k, its top limb non-zero). */
  private readonly k: number;
  private readonly nLimbs: Float64Array;
  /** mu = floor(BASE^(2k) / n), k + 1 limbs. */
  private readonly mu: Float64Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly c: Float64Array;
  /** x = a·b + c, 2k limbs and a spare. */
  private readonly x: Float64Array;
  private readonly q1: Float64Array;
  private readonly q2: Float64Array;
  private readonly q3: Float64Array;
  private readonly r: Float64Array;
  private readonly t: Float64Array;

  constructor(n: bigint) {
    if (n < 2n) throw new ZseError("BAD_VALUE", `scalar modulus: ${n} is below 2`);
    this.n = n;
    const k = Math.ceil(n.toString(2).length / LIMB_BITS);
    this.k = k;
    this.nLimbs = limbsOf(n, k + 1);
    this.mu = limbsOf((1n << BigInt(2 * k * LIMB_BITS)) / n, k + 1);
    this.a = new Float64Array(k);
    this.b = new Float64Array(k);
    this.c = new Float64Array(k);
    this.x = new Float64Array(2 * k + 1);
    this.q1 = new Float64Array(k + 1);
    this.q2 = new Float64Array(2 * k + 3);
    this.q3 = new Float64Array(k + 1);
    this.r = new Float64Array(k + 1);
    this.t = new Float64Array(k + 1);
  }

  /**
   * a·b + c mod n, for a, b, c in [0, BASE^k) (any value of n's limb length; scalars below n
   * always qualify). Throws BAD_SCALAR for an operand outside that range.
   */
  mulAdd(a: bigint, b: bigint, c: bigint): bigint {
    const { k, x, q1, q2, q3, r, t } = this;
    loadSecret(this.a, a, "scalar operand a");
    loadSecret(this.b, b, "scalar operand b");
    loadSecret(this.c, c, "scalar operand c");
    // x = a·b + c (< BASE^(2k), HAC 14.42's bound)
    x.fill(0);
    mulInto(x, this.a, this.b);
    for (let i = 0; i < k; i++) x[i] += this.c[i];
    normalize(x);
    // q1 = floor(x / BASE^(k-1)), q2 = q1·mu, q3 = floor(q2 / BASE^(k+1))
    for (let i = 0; i <= k; i++) q1[i] = x[k - 1 + i];
    q2.fill(0);
    mulInto(q2, q1, this.mu);
    normalize(q2);
    for (let i = 0; i <= k; i++) q3[i] = q2[k + 1 + i];
    // r = (x mod BASE^(k+1)) - (q3·n mod BASE^(k+1)), taken mod BASE^(k+1)
    t.fill(0);
    mulInto(t, q3, this.nLimbs, -1);
    for (let i = 0; i <= k; i++) r[i] = x[i] + t[i];
    normalizeMod(r);
    // r < 3n now: subtract n twice, each time keeping the difference only when it is >= 0
    // (for the two curve orders r < 2n already: B^(k-1) + B^(2k) mod n < n bounds the estimate's
    // shortfall below 1; the second is for any other n, e.g. just above 2^24: see the tests)
    this.subtractIfNotBelow();
    this.subtractIfNotBelow();
    return bigintOf(r, k);
  }

  /** r = r - n when r >= n, chosen by the final borrow's value, not by a branch. */
  private subtractIfNotBelow(): void {
    const { r, t, nLimbs, k } = this;
    for (let i = 0; i <= k; i++) t[i] = r[i] - nLimbs[i];
    normalize(t);
    // t's top limb is negative (-1) exactly when r < n: keep r then, else take t
    const keep = -Math.floor(t[k] / BASE);
    for (let i = 0; i <= k; i++) r[i] = t[i] + keep * (r[i] - t[i]);
  }
}

const byModulus = new Map<bigint, ScalarModN>();

/** a·b + c mod n on the fixed-operation path (one ScalarModN kept per n). */
export function mulAddModN(n: bigint, a: bigint, b: bigint, c: bigint): bigint {
  let m = byModulus.get(n);
  if (!m) {
    m = new ScalarModN(n);
    byModulus.set(n, m);
  }
  return m.mulAdd(a, b, c);
}
