/**
 * tau-adic recodings on Koblitz curves (Solinas 2000; Guide to ECC 3.4), tau^2 = mu*tau - 2 with
 * mu = 1 for a = 1 and mu = -1 for a = 0:
 * - `tnaf`: the plain TNAF (Algorithm 3.61), BigInt, for small constants at set-up time;
 * - `roundZTau`: rounding in Q(tau) (Algorithm 3.63), BigInt, for the set-up and the one-off
 *   partial reduction per public scalar (secret scalars: tau-reduce.ts, fixed-width limbs);
 * - `WtnafRecoder`: width-w TNAF (Algorithm 3.69) of k partially reduced modulo tau^m - 1
 *   (Algorithm 3.62 with tau^m - 1 in place of delta). tau^m - 1 annihilates every point of
 *   E(GF(2^m)) (Frobenius^m is the identity), so the expansion gives exactly k*P for every point P,
 *   also outside the order-n subgroup. The recoding loop runs on small-integer limbs, no BigInt.
 * - `WtnafRecoder.recodeRegular`: the regular (constant-pattern) tau-adic recoding in the manner
 *   of Oliveira, Aranha, López, Rodríguez-Henríquez (SAC 2014), a tau-adic Joye-Tunstall: the
 *   reduced scalar is made odd (adding tau^m - 1, which is odd, when it is even), then every
 *   digit is chosen as u = (phi(r) - 2^(w-1)) mods 2^w, so that (r - alpha_u) / tau^(w-1) is odd
 *   again: a fixed count of non-zero digits at every (w-1)-th position, the last one being the
 *   remainder itself (the digit set is closed under this step, so once reached it stays there).
 */

/** TNAF digits (-1, 0, 1) of r0 + r1 tau, least significant first. */
export function tnaf(o: { r0: bigint; r1: bigint; mu: 1 | -1 }): Int8Array {
  let { r0, r1 } = o;
  const mu = o.mu;
  const out: number[] = [];
  const m = BigInt(mu);
  while (r0 !== 0n || r1 !== 0n) {
    let u = 0;
    if ((r0 & 1n) === 1n) {
      u = 2 - Number((((r0 - 2n * r1) % 4n) + 4n) % 4n);
      r0 -= BigInt(u);
    }
    out.push(u);
    const h = r0 / 2n; // exact: r0 is even here
    const nr0 = r1 + m * h;
    r1 = -h;
    r0 = nr0;
  }
  return Int8Array.from(out);
}

/** Round(lambda0 + lambda1 tau) for lambda_i = num_i / den (den > 0), Guide to ECC Algorithm 3.63. */
export function roundZTau(o: { num0: bigint; num1: bigint; den: bigint; mu: 1 | -1 }): [bigint, bigint] {
  const { num0, num1, den } = o;
  const mu = BigInt(o.mu);
  const f0 = floorDiv(2n * num0 + den, 2n * den);
  const f1 = floorDiv(2n * num1 + den, 2n * den);
  // eta_i = (num_i - f_i den) / den, compared as numerators over den.
  const e0 = num0 - f0 * den;
  const e1 = num1 - f1 * den;
  let h0 = 0n;
  let h1 = 0n;
  const eta = 2n * e0 + mu * e1;
  if (eta >= den) {
    if (e0 - 3n * mu * e1 < -den) h1 = mu;
    else h0 = 1n;
  } else if (e0 + 4n * mu * e1 >= 2n * den) h1 = mu;
  if (eta < -den) {
    if (e0 - 3n * mu * e1 >= den) h1 = -mu;
    else h0 = -1n;
  } else if (e0 + 4n * mu * e1 < -2n * den) h1 = -mu;
  return [f0 + h0, f1 + h1];
}

/** Lucas sequence U_0..U_k of tau: tau^k = U_k tau - 2 U_(k-1). */
function lucasU(k: number, mu: bigint): bigint[] {
  const u = [0n, 1n];
  for (let i = 2; i <= k; i++) u.push(mu * u[i - 1] - 2n * u[i - 2]);
  return u;
}

/** tau^k as [a, b] meaning a + b tau. */
export function tauPower(k: number, mu: 1 | -1): [bigint, bigint] {
  if (k === 0) return [1n, 0n];
  const u = lucasU(k, BigInt(mu));
  return [-2n * u[k - 1], u[k]];
}

/** x mods y in Z[tau]: x - Round(x / y) y (a representative of minimal norm, Solinas 2000). */
function modsZTau(x: [bigint, bigint], y: [bigint, bigint], mu: 1 | -1): [bigint, bigint] {
  const m = BigInt(mu);
  const [y0, y1] = y;
  const norm = y0 * y0 + m * y0 * y1 + 2n * y1 * y1;
  // x * conj(y), conj(y0 + y1 tau) = (y0 + mu y1) - y1 tau
  const c0 = y0 + m * y1;
  const c1 = -y1;
  const [x0, x1] = x;
  const p0 = x0 * c0 - 2n * x1 * c1;
  const p1 = x0 * c1 + x1 * c0 + m * x1 * c1;
  const [q0, q1] = roundZTau({ num0: p0, num1: p1, den: norm, mu });
  const qy0 = q0 * y0 - 2n * q1 * y1;
  const qy1 = q0 * y1 + q1 * y0 + m * q1 * y1;
  return [x0 - qy0, x1 - qy1];
}

import { ZseError } from "../../util/errors.js";
import { floorDiv, SecretTauReducer } from "./tau-reduce.js";

const LIMB = 28;
const MASK = (1 << LIMB) - 1;

/**
 * Width-w TNAF recoder for one curve. Digit d != 0 stands for sign(d) * alpha_|d|, with
 * alpha_u = u mods tau^w for odd u < 2^(w-1) (`alphas[u >> 1]`).
 */
export class WtnafRecoder {
  readonly w: number;
  readonly mu: 1 | -1;
  /** alpha_u = [beta, gamma] (beta + gamma tau) for u = 1, 3, ..., 2^(w-1) - 1. */
  readonly alphas: [bigint, bigint][];
  private readonly beta: Int32Array;
  private readonly gamma: Int32Array;
  private readonly tw: number;
  private readonly d0: bigint;
  private readonly d1: bigint;
  private readonly norm: bigint;
  private readonly L: number;
  private readonly r0: Int32Array;
  private readonly r1: Int32Array;
  private readonly t: Int32Array;
  private readonly s0: Int32Array;
  private readonly s1: Int32Array;
  private readonly D0: Int32Array;
  private readonly D1: Int32Array;
  /** conj(tau)^(w-1) = cw0 + cw1 tau, so that r / tau^(w-1) = r conj(tau)^(w-1) / 2^(w-1). */
  private readonly cw0: number;
  private readonly cw1: number;
  /** Digits of the last recoding, least significant first. */
  readonly digits: Int8Array;
  /** Number of digits of a regular recoding (fixed per curve and w). */
  readonly regularLength: number;
  /** The partial reduction for secret scalars, on fixed-width limbs (tau-reduce.ts). */
  private readonly secretReducer: SecretTauReducer;

  constructor(o: { m: number; mu: 1 | -1; w: number }) {
    const { m, mu, w } = o;
    this.w = w;
    this.mu = mu;
    const M = BigInt(mu);
    const u = lucasU(w, M);
    // t_w = 2 U_(w-1) U_w^-1 mod 2^w (U_w is odd)
    const mod = 1n << BigInt(w);
    let inv = 1n;
    for (let i = 0n; i < mod; i++) if ((((u[w] * i) % mod) + mod) % mod === 1n) inv = i;
    this.tw = Number((((2n * u[w - 1] * inv) % mod) + mod) % mod);
    const tw = tauPower(w, mu);
    this.alphas = [];
    for (let v = 1n; v < 1n << BigInt(w - 1); v += 2n) this.alphas.push(modsZTau([v, 0n], tw, mu));
    this.beta = Int32Array.from(this.alphas.map((a) => Number(a[0])));
    this.gamma = Int32Array.from(this.alphas.map((a) => Number(a[1])));
    const [t0, t1] = tauPower(m, mu);
    this.d0 = t0 - 1n;
    this.d1 = t1;
    this.norm = this.d0 * this.d0 + M * this.d0 * this.d1 + 2n * this.d1 * this.d1;
    this.L = Math.ceil((m / 2 + 16) / LIMB) + 1;
    this.r0 = new Int32Array(this.L);
    this.r1 = new Int32Array(this.L);
    this.t = new Int32Array(this.L);
    this.digits = new Int8Array(m + 2 * w + 16);
    this.s0 = new Int32Array(this.L);
    this.s1 = new Int32Array(this.L);
    this.D0 = new Int32Array(this.L);
    this.D1 = new Int32Array(this.L);
    this.load(this.D0, this.d0);
    this.load(this.D1, this.d1);
    this.secretReducer = new SecretTauReducer({
      m,
      mu,
      d0: this.d0,
      d1: this.d1,
      norm: this.norm,
      outLimbs: this.L,
    });
    // conj(tau) = mu - tau; (c0 + c1 tau)(mu - tau) = mu c0 + 2 c1 - c0 tau (tau^2 = mu tau - 2).
    let c0 = 1n;
    let c1 = 0n;
    for (let i = 1; i < w; i++) [c0, c1] = [M * c0 + 2n * c1, -c0];
    this.cw0 = Number(c0);
    this.cw1 = Number(c1);
    // The norm of the odd reduced scalar is below 4 N(tau^m - 1) (2 more bits); each step divides
    // it by about 2^(w-1). Measured maxima are a few steps under this bound (test/crypto/curve*.test.ts).
    this.regularLength = Math.ceil((m + 2 + 2) / (w - 1)) + 2;
  }

  /** N(tau^m - 1) = #E(GF(2^m)) = h n. */
  get groupOrder(): bigint {
    return this.norm;
  }

  /**
   * Recodes k: partial reduction modulo tau^m - 1 (BigInt, once), then the width-w TNAF loop
   * on limbs. Returns the digit count; the digits are in `this.digits`.
   */
  recode(k: bigint): number {
    this.reduce(k);
    return this.loop();
  }

  /**
   * Regular recoding of k (see the file comment), k partially reduced on fixed-width limbs
   * (tau-reduce.ts): `regularLength` digits, all odd and non-zero,
   * digit i standing for position i*(w-1); the loop runs the same limb operations for every k and
   * looks the alpha table up by scanning it whole. Returns the digit count.
   */
  recodeRegular(k: bigint): number {
    const { L, r0, r1, s0, s1, digits, tw, w } = this;
    this.secretReducer.reduce(k, r0, r1);
    // Odd: r <- r + (tau^m - 1) when r0 is even, selected by mask.
    addLimbs(s0, r0, this.D0, L);
    addLimbs(s1, r1, this.D1, L);
    const even = (r0[0] & 1) - 1; // -1 when even
    for (let i = 0; i < L; i++) {
      r0[i] ^= (r0[i] ^ s0[i]) & even;
      r1[i] ^= (r1[i] ^ s1[i]) & even;
    }
    const T = this.regularLength - 1;
    const half = 1 << (w - 1);
    const shift = 32 - w;
    const count = this.beta.length;
    for (let i = 0; i < T; i++) {
      const phi = (r0[0] + Math.imul(r1[0], tw)) & ((1 << w) - 1);
      const u = (((phi - half) & ((1 << w) - 1)) << shift) >> shift; // mods 2^w
      digits[i] = u;
      const sm = u >> 31;
      const idx = ((u ^ sm) - sm) >> 1;
      let b = 0;
      let g = 0;
      for (let j = 0; j < count; j++) {
        const mk = ((j ^ idx) - 1) >> 31;
        b |= this.beta[j] & mk;
        g |= this.gamma[j] & mk;
      }
      // r <- r - sign(u) alpha_|u|
      subSmall(r0, (b ^ sm) - sm, L);
      subSmall(r1, (g ^ sm) - sm, L);
      this.divTauPow();
    }
    const phi = (r0[0] + Math.imul(r1[0], tw)) & ((1 << w) - 1);
    const u = (phi << shift) >> shift;
    digits[T] = u;
    // The remainder must now be the digit itself.
    const sm = u >> 31;
    const idx = ((u ^ sm) - sm) >> 1;
    subSmall(r0, (this.beta[idx] ^ sm) - sm, L);
    subSmall(r1, (this.gamma[idx] ^ sm) - sm, L);
    let bad = 0;
    for (let i = 0; i < L; i++) bad |= r0[i] | r1[i];
    if (bad !== 0)
      throw new ZseError("BAD_STATE", "regular tau-adic recoding: remainder outside the digit set");
    return T + 1;
  }

  /**
   * r <- r / tau^(w-1) for r divisible by it: r conj(tau)^(w-1) (limb products, exact in doubles:
   * 28-bit limbs times coefficients of a few bits) shifted right by w-1 bits, also exact.
   */
  private divTauPow(): void {
    const { L, r0, r1, s0, s1 } = this;
    const a = this.cw0;
    const b = this.cw1;
    const bm = a + this.mu * b;
    const B = 268435456; // 2^LIMB
    let c0 = 0;
    let c1 = 0;
    for (let i = 0; i < L; i++) {
      const x = r0[i];
      const y = r1[i];
      const v0 = x * a - 2 * y * b + c0;
      const v1 = x * b + y * bm + c1;
      if (i === L - 1) {
        s0[i] = v0;
        s1[i] = v1;
        break;
      }
      c0 = Math.floor(v0 / B);
      c1 = Math.floor(v1 / B);
      s0[i] = v0 - c0 * B;
      s1[i] = v1 - c1 * B;
    }
    const j = this.w - 1;
    const lo = (1 << j) - 1;
    for (let i = 0; i < L - 1; i++) {
      r0[i] = (s0[i] >>> j) | ((s0[i + 1] & lo) << (LIMB - j));
      r1[i] = (s1[i] >>> j) | ((s1[i + 1] & lo) << (LIMB - j));
    }
    r0[L - 1] = s0[L - 1] >> j;
    r1[L - 1] = s1[L - 1] >> j;
  }

  /** r <- r / tau for r0 even: (r1 + mu r0/2, -r0/2). */
  private divTau(): void {
    const { L, r0, r1, t } = this;
    const mu = this.mu;
    for (let i = 0; i < L - 1; i++) t[i] = (r0[i] >>> 1) | ((r0[i + 1] & 1) << (LIMB - 1));
    t[L - 1] = r0[L - 1] >> 1;
    let c = 0;
    let e = 0;
    for (let i = 0; i < L - 1; i++) {
      const v = r1[i] + (mu === 1 ? t[i] : -t[i]) + c;
      r0[i] = v & MASK;
      c = v >> LIMB;
      const nv = -t[i] + e;
      r1[i] = nv & MASK;
      e = nv >> LIMB;
    }
    r0[L - 1] = r1[L - 1] + (mu === 1 ? t[L - 1] : -t[L - 1]) + c;
    r1[L - 1] = -t[L - 1] + e;
  }

  /** Partial reduction of a public k modulo tau^m - 1 into the limbs r0, r1 (BigInt, once per scalar). */
  private reduce(k: bigint): void {
    const M = BigInt(this.mu);
    const { d0, d1, norm } = this;
    // lambda = k / (tau^m - 1) = k conj(D) / N(D); rho = k - Round(lambda) D
    const [q0, q1] = roundZTau({ num0: k * (d0 + M * d1), num1: -k * d1, den: norm, mu: this.mu });
    this.load(this.r0, k - (q0 * d0 - 2n * q1 * d1));
    this.load(this.r1, -(q0 * d1 + q1 * d0 + M * q1 * d1));
  }

  /** Loads a signed BigInt into two's-complement limbs. */
  private load(x: Int32Array, v: bigint): void {
    const L = this.L;
    for (let i = 0; i < L - 1; i++) {
      x[i] = Number(v & BigInt(MASK));
      v >>= BigInt(LIMB);
    }
    x[L - 1] = Number(v);
  }

  private loop(): number {
    const { L, r0, r1, beta, gamma, tw, digits } = this;
    const half = 1 << (this.w - 1);
    const wmask = (1 << this.w) - 1;
    let n = 0;
    for (;;) {
      let any = 0;
      for (let i = 0; i < L; i++) any |= r0[i] | r1[i];
      if (any === 0) break;
      let d = 0;
      if (r0[0] & 1) {
        let u = (r0[0] + Math.imul(r1[0], tw)) & wmask;
        if (u >= half) u -= 1 << this.w;
        d = u;
        const idx = (u < 0 ? -u : u) >> 1;
        const b = u < 0 ? -beta[idx] : beta[idx];
        const g = u < 0 ? -gamma[idx] : gamma[idx];
        addSmall(r0, -b, L);
        addSmall(r1, -g, L);
      }
      digits[n++] = d;
      this.divTau();
    }
    return n;
  }
}

/** z = x + y (limbs; z may alias x or y). */
function addLimbs(z: Int32Array, x: Int32Array, y: Int32Array, L: number): void {
  let c = 0;
  for (let i = 0; i < L - 1; i++) {
    const v = x[i] + y[i] + c;
    z[i] = v & MASK;
    c = v >> LIMB;
  }
  z[L - 1] = x[L - 1] + y[L - 1] + c;
}

/** x = x - v for a small v, with a fixed number of limb steps. */
function subSmall(x: Int32Array, v: number, L: number): void {
  let c = -v;
  for (let i = 0; i < L - 1; i++) {
    const s = x[i] + c;
    x[i] = s & MASK;
    c = s >> LIMB;
  }
  x[L - 1] += c;
}

function addSmall(x: Int32Array, v: number, L: number): void {
  let c = v;
  for (let i = 0; i < L - 1 && c !== 0; i++) {
    const s = x[i] + c;
    x[i] = s & MASK;
    c = s >> LIMB;
  }
  if (c !== 0) x[L - 1] += c;
}
