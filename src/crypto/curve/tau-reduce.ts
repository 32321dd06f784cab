/**
 * Partial reduction of a secret scalar modulo τ^m − 1 on fixed-width limbs: ρ = k − q·D with
 * D = τ^m − 1 = d0 + d1·τ and q = Round(λ), λ = k / D = k·conj(D) / N(D) in Q(τ), rounded in
 * Z[τ] by Solinas' rule (Guide to ECC Algorithm 3.63). The BigInt version in tnaf.ts divides
 * and branches on the values; here λ's coordinates are fixed-point approximations from one
 * multiplication by precomputed g_i ≈ c_i·2^S / N (the approximate division of Algorithm
 * 3.65), the rounding's comparisons are made by sign arithmetic on small integers, and q·D is
 * subtracted with limb products: the same operations for every k (limbs24.ts).
 *
 * The approximation error is below 2^-23 on each coordinate of λ, so q differs from the exact
 * rounding only when λ lies that close to one of Algorithm 3.63's boundaries, where both
 * choices give ρ of about the bound's norm (4/7·N(D)); either way k − ρ is a multiple of D, so
 * ρ·P = k·P for every point P. ρ is written into the recoder's 28-bit two's-complement limbs.
 */
import { LIMB_BITS, limbsOf, loadSecret, mulInto, normalize, normalizeMod } from "../limbs24.js";

/** Fraction bits of the fixed-point λ: one limb. */
const F = LIMB_BITS;
const ONE = 2 ** F;
const HALF = ONE / 2;
/** The recoder's limbs (tnaf.ts): 28 bits, the top one signed. */
const OUT_BITS = 28;
const OUT_MASK = (1 << OUT_BITS) - 1;

/** floor(a / b) for bigints of any sign (BigInt division truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** 1 when x >= y, else 0, for |x - y| < 2^30 (no branch). */
function ge(x: number, y: number): number {
  return 1 + Math.floor((x - y) / 2 ** 30);
}

/** b + c·(a - b): a when c is 1, b when c is 0. */
function sel(c: number, a: number, b: number): number {
  return b + c * (a - b);
}

export class SecretTauReducer {
  private readonly mu: 1 | -1;
  /** k's limbs: k < 2^(m+3). */
  private readonly k: Float64Array;
  private readonly g0: Float64Array;
  private readonly g1: Float64Array;
  private readonly d0: Float64Array;
  private readonly d1: Float64Array;
  /** d0 + mu·d1, the first coordinate of conj(D). */
  private readonly c0: Float64Array;
  private readonly p0: Float64Array;
  private readonly p1: Float64Array;
  private readonly q0: Float64Array;
  private readonly q1: Float64Array;
  private readonly rho0: Float64Array;
  private readonly rho1: Float64Array;

  constructor(o: { m: number; mu: 1 | -1; d0: bigint; d1: bigint; norm: bigint; outLimbs: number }) {
    const { m, mu, d0, d1, norm, outLimbs } = o;
    this.mu = mu;
    const M = BigInt(mu);
    const lk = Math.ceil((m + 3) / LIMB_BITS);
    this.k = new Float64Array(lk);
    // λ_i = k·c_i / N with c = conj(D) = (d0 + mu d1) - d1 τ; g_i = Round(c_i 2^S / N), S = 24·lk + F
    const S = BigInt(LIMB_BITS * lk + F);
    const c0 = d0 + M * d1;
    const c1 = -d1;
    const g = [c0, c1].map((c) => floorDiv(2n * (c << S) + norm, 2n * norm));
    const bits = (v: bigint) => (v < 0n ? -v : v).toString(2).length;
    const lg = Math.ceil(Math.max(...g.map(bits)) / LIMB_BITS) + 2;
    this.g0 = limbsOf(g[0], lg);
    this.g1 = limbsOf(g[1], lg);
    // products k·g_i, of which the limbs from lk on are λ_i in fixed point (one fraction limb)
    this.p0 = new Float64Array(lk + lg + 1);
    this.p1 = new Float64Array(lk + lg + 1);
    this.q0 = new Float64Array(lg);
    this.q1 = new Float64Array(lg);
    // ρ before it is small: k and q·D are about m + 5 bits; the limbs also cover the bits of the
    // recoder's 28-bit limbs that toRecoderLimbs reads
    const lr = Math.max(Math.ceil((m + 8) / LIMB_BITS) + 1, Math.ceil((OUT_BITS * outLimbs) / LIMB_BITS) + 1);
    const ld = Math.ceil((Math.max(bits(d0), bits(d1), bits(c0)) + 1) / LIMB_BITS) + 1;
    this.d0 = limbsOf(d0, ld);
    this.d1 = limbsOf(d1, ld);
    this.c0 = limbsOf(c0, ld);
    this.rho0 = new Float64Array(lr);
    this.rho1 = new Float64Array(lr);
  }

  /** ρ = k mods (τ^m − 1) into the recoder's limbs r0, r1 (k in [0, 2^(m+3)), secret). */
  reduce(k: bigint, r0: Int32Array, r1: Int32Array): void {
    const { p0, p1, q0, q1, rho0, rho1, mu } = this;
    const lk = this.k.length;
    loadSecret(this.k, k, "scalar");
    p0.fill(0);
    p1.fill(0);
    mulInto(p0, this.k, this.g0);
    mulInto(p1, this.k, this.g1);
    // λ_i + 1/2 in fixed point; its floor is f_i = Round(λ_i), the fraction limb gives η_i
    p0[lk] += HALF;
    p1[lk] += HALF;
    normalize(p0);
    normalize(p1);
    const e0 = p0[lk] - HALF;
    const e1 = p1[lk] - HALF;
    // Algorithm 3.63 on η_i = e_i / 2^F (each |η_i| <= 1/2), every comparison by sign arithmetic
    const eta = 2 * e0 + mu * e1;
    const a = e0 - 3 * mu * e1;
    const b = e0 + 4 * mu * e1;
    const etaHigh = ge(eta, ONE);
    const etaLow = 1 - ge(eta, -ONE);
    let h0 = 0;
    let h1 = 0;
    const aLow = 1 - ge(a, -ONE);
    h1 = sel(etaHigh * aLow, mu, h1);
    h0 = sel(etaHigh * (1 - aLow), 1, h0);
    h1 = sel((1 - etaHigh) * ge(b, 2 * ONE), mu, h1);
    const aHigh = ge(a, ONE);
    h1 = sel(etaLow * aHigh, -mu, h1);
    h0 = sel(etaLow * (1 - aHigh), -1, h0);
    h1 = sel((1 - etaLow) * (1 - ge(b, -2 * ONE)), -mu, h1);
    // q_i = f_i + h_i
    for (let i = 0; i < q0.length; i++) {
      q0[i] = p0[lk + 1 + i];
      q1[i] = p1[lk + 1 + i];
    }
    q0[0] += h0;
    q1[0] += h1;
    normalize(q0);
    normalize(q1);
    // ρ0 = k - (q0 d0 - 2 q1 d1), ρ1 = -(q0 d1 + q1 (d0 + mu d1))   (τ² = mu τ - 2)
    rho0.fill(0);
    rho1.fill(0);
    for (let i = 0; i < lk; i++) rho0[i] = this.k[i];
    mulInto(rho0, q0, this.d0, -1);
    mulInto(rho0, q1, this.d1, 2);
    mulInto(rho1, q0, this.d1, -1);
    mulInto(rho1, q1, this.c0, -1);
    normalizeMod(rho0);
    normalizeMod(rho1);
    toRecoderLimbs(rho0, r0);
    toRecoderLimbs(rho1, r1);
  }
}

/**
 * Two's-complement 24-bit limbs (all in [0, 2^24)) to the recoder's 28-bit limbs, the top one
 * sign-extended from its 28 bits (the value is far below 2^(28·length - 1) in magnitude).
 */
function toRecoderLimbs(v: Float64Array, out: Int32Array): void {
  const n = out.length;
  for (let j = 0; j < n; j++) {
    const bit = OUT_BITS * j;
    const at = Math.floor(bit / LIMB_BITS);
    const s = bit - at * LIMB_BITS;
    // s is 0, 4, ..., 20: two input limbs cover the 28 bits
    const x = ((v[at] >>> s) | (v[at + 1] << (LIMB_BITS - s))) & OUT_MASK;
    out[j] = j === n - 1 ? (x << (32 - OUT_BITS)) >> (32 - OUT_BITS) : x;
  }
}
