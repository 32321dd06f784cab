/**
 * a·b + c mod n for the scalar arithmetic on secrets: ECMQV's s = d_E + avf·d_S (SEC 1 §3.4),
 * ECQV's r = e·k + d_CA and d_U = e·k_U + r (SEC 4 §3.4, §3.6). BigInt's multiply and divide
 * take steps that depend on the values; here the arithmetic is one fixed sequence of floating-
 * point operations on 24-bit limbs whatever the operands: a schoolbook product, Barrett
 * reduction (Handbook of Applied Cryptography, Algorithm 14.42) and its two final conditional
 * subtractions done by arithmetic selection, not by branches.
 *
 * Limbs are 24 bits in Float64Arrays: a limb product is below 2^48 and a column of at most
 * k + 1 of them below 2^52, exact in a double. The operands still arrive and leave as
 * bigints (the library's scalar type), converted through hex strings of a fixed length; the
 * BigInt-to-string step itself takes time with the operand's length, so the top zero bits of
 * an operand are not hidden.
 */
import { ZseError } from "../util/errors.js";

const LIMB_BITS = 24;
const BASE = 2 ** LIMB_BITS;
const INV_BASE = 2 ** -LIMB_BITS;
const MASK = BigInt(BASE - 1);
const SHIFT = BigInt(LIMB_BITS);
const HEX_PER_LIMB = LIMB_BITS / 4;

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
  /** x = a·b + c, 2k limbs (+1 spare for the carry pass). */
  private readonly x: Float64Array;
  private readonly q2: Float64Array;
  private readonly r: Float64Array;
  private readonly t: Float64Array;

  constructor(n: bigint) {
    if (n < 2n) throw new ZseError("BAD_VALUE", `scalar modulus: ${n} is below 2`);
    this.n = n;
    const k = Math.ceil(n.toString(2).length / LIMB_BITS);
    this.k = k;
    this.nLimbs = toLimbs(n, k + 1);
    this.mu = toLimbs((1n << BigInt(2 * k * LIMB_BITS)) / n, k + 1);
    this.a = new Float64Array(k);
    this.b = new Float64Array(k);
    this.c = new Float64Array(k);
    this.x = new Float64Array(2 * k + 1);
    this.q2 = new Float64Array(2 * k + 3);
    this.r = new Float64Array(k + 1);
    this.t = new Float64Array(k + 1);
  }

  /**
   * a·b + c mod n, for a, b, c in [0, BASE^k) (any value of n's limb length; scalars below n
   * always qualify). Throws BAD_SCALAR for an operand outside that range.
   */
  mulAdd(a: bigint, b: bigint, c: bigint): bigint {
    const { k, x, q2, r, t, mu } = this;
    load(this.a, a, "a");
    load(this.b, b, "b");
    load(this.c, c, "c");
    // x = a·b + c: column sums, then one carry pass (x < BASE^(2k), HAC 14.42's bound)
    x.fill(0);
    for (let i = 0; i < k; i++) {
      const ai = this.a[i];
      for (let j = 0; j < k; j++) x[i + j] += ai * this.b[j];
      x[i] += this.c[i];
    }
    carry(x);
    // q1 = floor(x / BASE^(k-1)) (k + 1 limbs), q2 = q1·mu, q3 = floor(q2 / BASE^(k+1))
    q2.fill(0);
    for (let i = 0; i <= k; i++) {
      const qi = x[k - 1 + i];
      for (let j = 0; j <= k; j++) q2[i + j] += qi * mu[j];
    }
    carry(q2);
    // r = (x mod BASE^(k+1)) - (q3·n mod BASE^(k+1)), taken mod BASE^(k+1)
    t.fill(0);
    for (let i = 0; i <= k; i++) {
      const qi = q2[k + 1 + i];
      for (let j = 0; i + j <= k; j++) t[i + j] += qi * this.nLimbs[j];
    }
    carry(t);
    for (let i = 0; i <= k; i++) r[i] = x[i] - t[i];
    carry(r);
    // r < 3n now: subtract n twice, each time keeping the difference only when it is >= 0
    this.subtractIfNotBelow();
    this.subtractIfNotBelow();
    return fromLimbs(r, k);
  }

  /** r = r - n when r >= n, chosen by the final borrow's value, not by a branch. */
  private subtractIfNotBelow(): void {
    const { r, t, nLimbs, k } = this;
    let borrow = 0;
    for (let i = 0; i <= k; i++) {
      const v = r[i] - nLimbs[i] - borrow;
      // floor(v / BASE) is 0 or -1 here: the borrow into the next limb
      borrow = -Math.floor(v * INV_BASE);
      t[i] = v + borrow * BASE;
    }
    // borrow 1: r < n, keep r; borrow 0: take r - n
    const keep = borrow;
    for (let i = 0; i <= k; i++) r[i] = t[i] + keep * (r[i] - t[i]);
  }
}

/**
 * Normalizes column sums (negative ones too) to 24-bit limbs modulo BASE^length: each carry
 * moves up one limb and the last one is dropped.
 */
function carry(v: Float64Array): void {
  let c = 0;
  for (let i = 0; i < v.length; i++) {
    const s = v[i] + c;
    c = Math.floor(s * INV_BASE);
    v[i] = s - c * BASE;
  }
}

function toLimbs(v: bigint, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = Number(v & MASK);
    v >>= SHIFT;
  }
  return out;
}

/**
 * Loads v into `into` (its length in limbs), refusing negative or too long operands; through
 * one hex string (a BigInt shift per limb would cost several times the arithmetic).
 */
function load(into: Float64Array, v: bigint, name: string): void {
  const count = into.length;
  if (v < 0n || v >> BigInt(count * LIMB_BITS) !== 0n) {
    throw new ZseError("BAD_SCALAR", `scalar operand ${name}: outside [0, 2^${count * LIMB_BITS})`);
  }
  const hex = v.toString(16).padStart(count * HEX_PER_LIMB, "0");
  for (let i = 0; i < count; i++) {
    const start = hex.length - (i + 1) * HEX_PER_LIMB;
    let limb = 0;
    for (let d = 0; d < HEX_PER_LIMB; d++) {
      const ch = hex.charCodeAt(start + d);
      // '0'-'9' are 0x30-0x39, 'a'-'f' 0x61-0x66: the low nibble, plus 9 for the letters
      limb = limb * 16 + (ch & 0xf) + 9 * (ch >> 6);
    }
    into[i] = limb;
  }
}

/** "00".."ff" by byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** The bigint of the low `count` limbs, read through a hex string of a fixed length. */
function fromLimbs(v: Float64Array, count: number): bigint {
  let hex = "0x";
  for (let i = count - 1; i >= 0; i--) {
    const l = v[i];
    hex += BYTE_HEX[(l >>> 16) & 0xff] + BYTE_HEX[(l >>> 8) & 0xff] + BYTE_HEX[l & 0xff];
  }
  return BigInt(hex);
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
