/**
 * Binary fields GF(2^m) in polynomial basis (SEC 1 2.1.2 / SEC 2 3.1 reduction polynomials;
 * Hankerson-Menezes-Vanstone, Guide to ECC, 2.3), on fixed-size little-endian Uint32Array limbs.
 *
 * One `BinaryField` instance per field. Every operation writes into a caller-given output
 * (which may alias an input) and uses the instance's preallocated scratch: no allocation and no
 * BigInt in the hot path. The per-field multiplier and squarer are generated, unrolled code
 * (src/crypto/generated/, from scripts/gen-field.ts); this class adds the derived operations:
 * multi-square, Itoh-Tsujii inversion, trace, half-trace (quadratic solve), square root, and
 * constant-pattern select/swap used by the secret scalar paths.
 */
import { ZseError } from "../../util/errors.js";
import { NibbleTable } from "./linear-table.js";
import { fieldStats } from "./stats.js";

/** A field element: `words` little-endian 32-bit limbs, bits above m always zero. */
export type Fe = Uint32Array;

/** The generated kernels of one field: product and square with reduction. */
export interface FieldKernels {
  /** out = a*b mod f; out may alias a or b. */
  mul(out: Fe, a: Fe, b: Fe): void;
  /** out = a^2 mod f; out may alias a. */
  sqr(out: Fe, a: Fe): void;
}

/** Parameters of a binary field: degree and the exponents of the reduction polynomial's lower terms. */
export interface BinaryFieldParams {
  readonly m: number;
  /** Exponents of f(z) below z^m, e.g. [7, 6, 3, 0] for z^163 + z^7 + z^6 + z^3 + 1. */
  readonly lower: readonly number[];
  readonly kernels: FieldKernels;
}

/** Uses of inv / halfTrace after which their tables are built. */
const TABLE_AFTER_CALLS = 32;
const NO_TABLES: Map<number, NibbleTable> = new Map();

export class BinaryField {
  readonly m: number;
  readonly words: number;
  readonly bytes: number;
  readonly lower: readonly number[];
  private readonly k: FieldKernels;
  private readonly t1: Fe;
  private readonly t2: Fe;
  /** Half-trace as a nibble table, built on first use. */
  private htTable: NibbleTable | null = null;
  /** a -> a^(2^e) tables for the long steps of the inversion chain, built once used enough. */
  private sqrTables: Map<number, NibbleTable> | null = null;
  /** Calls before the tables are built (cold code builds them slowly; short runs skip them). */
  private invCalls = 0;
  private htCalls = 0;
  /** Bit positions i < m with Tr(z^i) = 1. */
  private readonly traceBits: number[];
  /** Itoh-Tsujii addition chain steps for m - 1. */
  private readonly chain: number[];

  constructor(p: BinaryFieldParams) {
    this.m = p.m;
    this.words = Math.ceil(p.m / 32);
    this.bytes = Math.ceil(p.m / 8);
    this.lower = p.lower;
    this.k = p.kernels;
    this.t1 = this.zero();
    this.t2 = this.zero();
    this.chain = [];
    for (let e = p.m - 1; e > 1; e >>= 1) this.chain.unshift(e);
    // Tr(z^i) = s_i, the power sums of the roots of f, by Newton's identities over GF(2):
    // s_0 = m mod 2, s_i = sum_{j<i} c_j s_(i-j) + i c_i, c_j = coefficient of z^(m-j) in f.
    const c = new Uint8Array(p.m + 1);
    for (const e of p.lower) c[p.m - e] = 1;
    const s = new Uint8Array(p.m);
    s[0] = p.m & 1;
    for (let i = 1; i < p.m; i++) {
      let v = i & 1 & c[i];
      for (const e of p.lower) {
        const j = p.m - e;
        if (j < i) v ^= s[i - j];
      }
      s[i] = v;
    }
    this.traceBits = [];
    for (let i = 0; i < p.m; i++) if (s[i] === 1) this.traceBits.push(i);
  }

  zero(): Fe {
    return new Uint32Array(this.words);
  }

  one(): Fe {
    const r = this.zero();
    r[0] = 1;
    return r;
  }

  copy(out: Fe, a: Fe): void {
    out.set(a);
  }

  isZero(a: Fe): boolean {
    let d = 0;
    for (let i = 0; i < a.length; i++) d |= a[i];
    return d === 0;
  }

  eq(a: Fe, b: Fe): boolean {
    let d = 0;
    for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
    return d === 0;
  }

  add(out: Fe, a: Fe, b: Fe): void {
    for (let i = 0; i < out.length; i++) out[i] = a[i] ^ b[i];
  }

  mul(out: Fe, a: Fe, b: Fe): void {
    if (fieldStats.enabled) fieldStats.op(1);
    this.k.mul(out, a, b);
  }

  sqr(out: Fe, a: Fe): void {
    if (fieldStats.enabled) fieldStats.op(2);
    this.k.sqr(out, a);
  }

  /** out = a^(2^n). */
  sqrN(out: Fe, a: Fe, n: number): void {
    if (n === 0) {
      out.set(a);
      return;
    }
    this.sqr(out, a);
    for (let i = 1; i < n; i++) this.sqr(out, out);
  }

  /**
   * out = a^-1 by Itoh-Tsujii (Guide to ECC 2.3.6): a^(2^(m-1) - 1) along an addition chain
   * for m - 1, then one squaring. A fixed sequence of operations for every a; 0 maps to 0.
   */
  inv(out: Fe, a: Fe): void {
    if (fieldStats.enabled) fieldStats.op(3);
    const tables =
      this.sqrTables ?? (++this.invCalls > TABLE_AFTER_CALLS ? this.buildSqrTables() : NO_TABLES);
    const b = this.t1;
    const t = this.t2;
    b.set(a); // a^(2^1 - 1)
    let e = 1;
    for (const target of this.chain) {
      // b = a^(2^e - 1) -> a^(2^(2e) - 1) [-> a^(2^(2e+1) - 1)]
      const table = tables.get(e);
      if (table !== undefined) {
        if (fieldStats.enabled) fieldStats.op(4);
        table.apply(t, b);
      } else this.sqrN(t, b, e);
      this.mul(b, t, b);
      e *= 2;
      if (target !== e) {
        this.sqr(b, b);
        this.mul(b, b, a);
        e++;
      }
    }
    this.sqr(out, b);
  }

  /** Tr(a) = sum of a^(2^i), i < m, computed from the tabulated bits with Tr(z^i) = 1. */
  trace(a: Fe): 0 | 1 {
    let t = 0;
    for (const i of this.traceBits) t ^= a[i >>> 5] >>> (i & 31);
    return (t & 1) as 0 | 1;
  }

  /**
   * out = H(a) = sum of a^(2^(2i)), i <= (m-1)/2 (m odd). When Tr(a) = 0, z = H(a) solves
   * z^2 + z = a (Guide to ECC 3.85 / SEC 1 2.3.4 decompression); otherwise z^2 + z = a + 1.
   * H is linear: one lookup per nibble of a.
   */
  halfTrace(out: Fe, a: Fe): void {
    if (this.htTable === null && ++this.htCalls <= TABLE_AFTER_CALLS) {
      this.halfTraceSlow(out, a);
      return;
    }
    if (this.htTable === null) {
      const images: Fe[] = [];
      this.htTable = new NibbleTable({
        m: this.m,
        words: this.words,
        basis: (i, img) => {
          // called for i = 0, 1, 2, ...: odd exponents directly, even ones folded with
          // H(z^(2j)) = H(z^j) + z^j + Tr(z^j) (from H(c) + H(c^2) = c + Tr(c)).
          const h = this.zero();
          if (i === 0) h[0] = ((this.m + 1) >>> 1) & 1;
          else if ((i & 1) === 1) {
            const e = this.zero();
            e[i >>> 5] = 1 << (i & 31);
            this.halfTraceSlow(h, e);
          } else {
            const j = i >>> 1;
            h.set(images[j]);
            h[j >>> 5] ^= 1 << (j & 31);
            h[0] ^= this.traceBits.includes(j) ? 1 : 0;
          }
          images.push(h);
          img.set(h);
        },
      });
    }
    this.htTable.apply(out, a);
  }

  /**
   * Builds the half-trace and multi-squaring tables now (they are otherwise built after
   * TABLE_AFTER_CALLS uses, so that short-lived processes do not pay for them).
   */
  prepareTables(): void {
    if (this.sqrTables === null) this.buildSqrTables();
    if (this.htTable === null) {
      this.htCalls = TABLE_AFTER_CALLS;
      this.halfTrace(this.zero(), this.zero());
    }
  }

  /** Nibble tables for the inversion chain steps of 16 squarings or more. */
  private buildSqrTables(): Map<number, NibbleTable> {
    const tables = new Map<number, NibbleTable>();
    let e = 1;
    for (const target of this.chain) {
      if (e >= 16) {
        const g = this.zero();
        g[0] = 2;
        for (let j = 0; j < e; j++) this.k.sqr(g, g);
        const cur = this.zero();
        tables.set(
          e,
          new NibbleTable({
            m: this.m,
            words: this.words,
            basis: (i, img) => {
              // called for i = 0, 1, 2, ...: (z^i)^(2^k) = (z^(i-1))^(2^k) * z^(2^k)
              if (i === 0) {
                cur.fill(0);
                cur[0] = 1;
              } else this.k.mul(cur, cur, g);
              img.set(cur);
            },
          }),
        );
      }
      e = target;
    }
    this.sqrTables = tables;
    return tables;
  }

  /** out = sqrt(a) = a^(2^(m-1)). */
  sqrt(out: Fe, a: Fe): void {
    this.sqrN(out, a, this.m - 1);
  }

  /** Constant-pattern select: out = flag ? b : a (flag 0 or 1); out may alias a or b. */
  select(out: Fe, a: Fe, b: Fe, flag: number): void {
    const mask = -flag | 0;
    for (let i = 0; i < out.length; i++) out[i] = a[i] ^ ((a[i] ^ b[i]) & mask);
  }

  /** Constant-pattern swap of a and b when flag = 1. */
  cswap(a: Fe, b: Fe, flag: number): void {
    const mask = -flag | 0;
    for (let i = 0; i < a.length; i++) {
      const d = (a[i] ^ b[i]) & mask;
      a[i] ^= d;
      b[i] ^= d;
    }
  }

  /** Big-endian octets (exactly `bytes` long) -> element; null when the value is >= 2^m. */
  fromBytes(bytes: Uint8Array): Fe | null {
    if (bytes.length !== this.bytes) {
      throw new ZseError("BAD_LENGTH", `field element: ${bytes.length} bytes, expected ${this.bytes}`);
    }
    const r = this.zero();
    for (let i = 0; i < bytes.length; i++) {
      const bit = (bytes.length - 1 - i) * 8;
      r[bit >>> 5] |= bytes[i] << (bit & 31);
    }
    const top = this.m & 31;
    if (top !== 0 && r[this.words - 1] >>> top !== 0) return null;
    return r;
  }

  /** Element -> big-endian octets of length `bytes` (FE2OS, SEC 1 2.3.5). */
  toBytes(a: Fe): Uint8Array {
    const out = new Uint8Array(this.bytes);
    for (let i = 0; i < out.length; i++) {
      const bit = (out.length - 1 - i) * 8;
      out[i] = (a[bit >>> 5] >>> (bit & 31)) & 0xff;
    }
    return out;
  }

  fromBigInt(v: bigint): Fe {
    if (v < 0n || v >> BigInt(this.m) !== 0n) throw new ZseError("BAD_VALUE", "field element out of range");
    const r = this.zero();
    for (let i = 0; i < this.words; i++) r[i] = Number((v >> BigInt(32 * i)) & 0xffffffffn);
    return r;
  }

  toBigInt(a: Fe): bigint {
    let v = 0n;
    for (let i = this.words - 1; i >= 0; i--) v = (v << 32n) | BigInt(a[i]);
    return v;
  }

  private halfTraceSlow(out: Fe, a: Fe): void {
    const s = this.zero();
    s.set(a);
    out.set(a);
    for (let i = 1; i <= (this.m - 1) / 2; i++) {
      this.k.sqr(s, s);
      this.k.sqr(s, s);
      this.add(out, out, s);
    }
  }
}
