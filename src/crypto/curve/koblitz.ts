/**
 * A Koblitz curve E: y^2 + xy = x^3 + a x^2 + 1 over GF(2^m) (SEC 2 v2 3.2.1 sect163k1, 3.4.1
 * sect283k1) implementing the `KoblitzCurve` contract: SEC 1 v2 2.3.3 / 2.3.4 compressed point
 * encoding and decoding (half-trace quadratic solve), key and scalar helpers, and the scalar
 * multiplications: tau-adic (Frobenius) methods for public scalars and the constant-pattern
 * Montgomery ladder (ladder.ts) for secret ones.
 */
import { bigIntToBytes, bytesToBigInt } from "../../util/bytes.js";
import { ZseError } from "../../util/errors.js";
import { cryptoRng, type Rng } from "../../util/rng.js";
import type { BinaryField, Fe } from "../field/binary-field.js";
import { Ladder } from "./ladder.js";
import { LdArith, type LdPoint } from "./ld.js";
import { type KeptTable, PublicMul } from "./public-mul.js";
import { SecretMul } from "./secret-mul.js";
import type { CurvePoint, DecodePointOptions, KoblitzCurve, MulAddInput, MulOptions } from "./types.js";

/** Kept tables of `mulAdd`'s Q: at most this many points (then the cache starts again). */
const KEPT_MAX = 16;
/** Uses of one Q after which its table is rebuilt with the wide window. */
const KEPT_WIDE_AFTER = 2;

/** A cached table of `mulAdd`'s Q. */
interface KeptEntry {
  uses: number;
  gen: number;
  t: KeptTable;
}

/** SEC 2 parameters of one Koblitz curve. */
export interface KoblitzParams {
  name: "sect163k1" | "sect283k1";
  field: BinaryField;
  a: 0 | 1;
  n: bigint;
  cofactor: bigint;
  /** TNAF window widths: variable-base and fixed-base (G). */
  w: number;
  wG: number;
  gx: bigint;
  gy: bigint;
}

/** The concrete immutable affine point. */
export class AffinePoint implements CurvePoint {
  readonly curveName: "sect163k1" | "sect283k1";
  /** Internal: null for the point at infinity. */
  readonly x: Fe | null;
  readonly y: Fe | null;
  /** Internal: the compression bit of y/x (SEC 1 2.3.3) when it came for free, else undefined. */
  readonly ybit: number | undefined;
  constructor(curveName: "sect163k1" | "sect283k1", x: Fe | null, y: Fe | null, ybit?: number) {
    this.curveName = curveName;
    this.x = x;
    this.y = y;
    this.ybit = ybit;
    Object.freeze(this);
  }
}

export class KoblitzCurveImpl implements KoblitzCurve {
  readonly name: "sect163k1" | "sect283k1";
  readonly m: number;
  readonly n: bigint;
  readonly cofactor: bigint;
  readonly fieldBytes: number;
  readonly pointBytes: number;
  readonly scalarBytes: number;
  readonly G: CurvePoint;
  readonly infinity: CurvePoint;
  readonly a: 0 | 1;
  readonly F: BinaryField;
  readonly ld: LdArith;
  private readonly ladder: Ladder;
  private readonly pub: PublicMul;
  private readonly sec: SecretMul;
  private readonly kBits: number;
  private readonly kLimbs: Uint32Array;
  private readonly nBits: number;
  private readonly acc: LdPoint;
  private readonly s1: Fe;
  private readonly s2: Fe;
  private readonly kept = new Map<string, KeptEntry>();
  /**
   * The same entries by point object (a cached decoded CA key is the same object every time);
   * valid while their generation is current (it changes when `kept` is cleared).
   */
  private readonly keptByPoint = new WeakMap<AffinePoint, KeptEntry>();
  private keptGen = 0;

  constructor(p: KoblitzParams) {
    this.name = p.name;
    this.m = p.field.m;
    this.n = p.n;
    this.cofactor = p.cofactor;
    this.a = p.a;
    this.F = p.field;
    this.fieldBytes = this.F.bytes;
    this.pointBytes = this.F.bytes + 1;
    this.scalarBytes = this.F.bytes;
    this.ld = new LdArith(this.F, p.a);
    this.ladder = new Ladder(this.F);
    this.kBits = this.m + 3;
    this.kLimbs = new Uint32Array(Math.ceil(this.kBits / 32));
    this.nBits = p.n.toString(2).length;
    this.acc = this.ld.newPoint();
    this.s1 = this.F.zero();
    this.s2 = this.F.zero();
    this.infinity = new AffinePoint(p.name, null, null);
    this.G = new AffinePoint(p.name, this.F.fromBigInt(p.gx), this.F.fromBigInt(p.gy));
    this.pub = new PublicMul({ curve: this, G: this.G as AffinePoint, w: p.w, wG: p.wG });
    this.sec = new SecretMul({ curve: this, pub: this.pub });
  }

  /**
   * Builds the lazily built tables now (the wide table of G, the field's half-trace and
   * multi-squaring tables): for long-running processes and benchmarks. Without it they are built
   * after a few uses; results never depend on it, the secret paths' operation sequence does.
   */
  prepare(): void {
    this.pub.prepare();
    this.sec.prepare();
    this.F.prepareTables();
  }

  /** Checks that p is a point of this curve; returns its concrete form. */
  point(p: CurvePoint, title = "point"): AffinePoint {
    if (!(p instanceof AffinePoint) || p.curveName !== this.name) {
      throw new ZseError("BAD_POINT", `${title}: not a ${this.name} point`);
    }
    return p;
  }

  /** Builds a point from coordinates the caller guarantees lie on the curve (copied). */
  fromAffine(x: Fe, y: Fe): AffinePoint {
    return new AffinePoint(this.name, Uint32Array.from(x), Uint32Array.from(y));
  }

  /** True when (x, y) satisfies y^2 + xy = x^3 + a x^2 + 1. */
  onCurve(x: Fe, y: Fe): boolean {
    const F = this.F;
    const l = F.zero();
    const r = F.zero();
    const t = F.zero();
    F.sqr(l, y);
    F.mul(t, x, y);
    F.add(l, l, t);
    F.sqr(t, x);
    F.mul(r, t, x);
    if (this.a === 1) F.add(r, r, t);
    r[0] ^= 1;
    return F.eq(l, r);
  }

  decodePoint(bytes: Uint8Array, opts?: string | DecodePointOptions): CurvePoint {
    const o = typeof opts === "string" ? { title: opts } : (opts ?? {});
    const title = o.title ?? "point";
    if (!(bytes instanceof Uint8Array)) throw new ZseError("BAD_POINT", `${title}: expected bytes`);
    if (bytes.length === 1 && bytes[0] === 0) {
      if (o.allowInfinity) return this.infinity;
      throw new ZseError("BAD_POINT", `${title}: the point at infinity (00) is not allowed here`);
    }
    if (bytes.length !== this.pointBytes) {
      throw new ZseError(
        "BAD_POINT",
        `${title}: length ${bytes.length} bytes, expected ${this.pointBytes} (compressed ${this.name} point)`,
      );
    }
    const prefix = bytes[0];
    if (prefix !== 2 && prefix !== 3) {
      throw new ZseError(
        "BAD_POINT",
        `${title}: prefix byte 0x${prefix.toString(16).padStart(2, "0")}, expected 02 or 03 (compressed)`,
      );
    }
    const F = this.F;
    const x = F.fromBytes(bytes.subarray(1));
    if (x === null) throw new ZseError("BAD_POINT", `${title}: x >= 2^${this.m} (not a field element)`);
    const ybit = prefix & 1;
    if (F.isZero(x)) {
      // SEC 1 2.3.4 step 2.4.3: y = b^(2^(m-1)) = 1 whatever y~ (as OpenSSL does).
      return new AffinePoint(this.name, x, F.one());
    }
    // beta = x + a + b / x^2; solve z^2 + z = beta (Tr(beta) must be 0); y = x z.
    const beta = this.s1;
    F.sqr(beta, x);
    F.inv(beta, beta);
    beta[0] ^= this.a;
    F.add(beta, beta, x);
    if (F.trace(beta) !== 0)
      throw new ZseError("BAD_POINT", `${title}: no point on ${this.name} with this x`);
    const z = this.s2;
    F.halfTrace(z, beta);
    if ((z[0] & 1) !== ybit) z[0] ^= 1;
    const y = F.zero();
    F.mul(y, x, z);
    return new AffinePoint(this.name, x, y);
  }

  encodePoint(p: CurvePoint): Uint8Array {
    const q = this.point(p);
    if (q.x === null || q.y === null) {
      throw new ZseError("BAD_POINT", "encodePoint: the point at infinity has no compressed encoding");
    }
    const F = this.F;
    let ybit = q.ybit ?? 0;
    if (q.ybit === undefined && !F.isZero(q.x)) {
      F.inv(this.s1, q.x);
      F.mul(this.s1, this.s1, q.y);
      ybit = this.s1[0] & 1;
    }
    const out = new Uint8Array(this.pointBytes);
    out[0] = 2 | ybit;
    out.set(F.toBytes(q.x), 1);
    return out;
  }

  /** Scalar range check of the contract: 0 <= k < 2^(m+3). */
  private checkK(k: bigint): void {
    if (typeof k !== "bigint" || k < 0n || k >> BigInt(this.kBits) !== 0n) {
      throw new ZseError("BAD_SCALAR", `scalar out of range [0, 2^${this.kBits}) for ${this.name}`);
    }
  }

  mulBase(k: bigint, opts?: MulOptions): CurvePoint {
    this.checkK(k);
    if (opts?.secret) return this.sec.mulBase(k);
    return this.pub.mulBase(k);
  }

  mulBaseBatch(ks: readonly bigint[], opts?: MulOptions): CurvePoint[] {
    for (const k of ks) this.checkK(k);
    if (opts?.secret) return this.sec.mulBaseBatch(ks);
    return ks.map((k) => this.pub.mulBase(k));
  }

  mul(p: CurvePoint, k: bigint, opts?: MulOptions): CurvePoint {
    const q = this.point(p);
    this.checkK(k);
    if (opts?.secret) return this.mulSecret(q, k);
    return this.pub.mul(q, k);
  }

  mulAdd(o: MulAddInput): CurvePoint {
    const p = this.point(o.p, "mulAdd P");
    const q = this.point(o.q, "mulAdd Q");
    const r = o.r === undefined ? undefined : this.point(o.r, "mulAdd R");
    this.checkK(o.k);
    this.checkK(o.l);
    return this.pub.mulAdd({ p, k: o.k, q: this.keptTable(q), l: o.l, r });
  }

  /**
   * Q's table from the bounded cache, keyed by its coordinates: the narrow window at first, the
   * wide one from the KEPT_WIDE_AFTER-th use (a one-off command does not pay for 2^(wG-2) points).
   */
  private keptTable(q: AffinePoint): KeptTable {
    const hit = this.keptByPoint.get(q);
    if (hit !== undefined && hit.gen === this.keptGen) {
      if (++hit.uses === KEPT_WIDE_AFTER) hit.t = this.pub.keptTable(q, true);
      return hit.t;
    }
    const key =
      q.x === null
        ? "inf"
        : `${this.F.toBigInt(q.x).toString(16)}:${this.F.toBigInt(q.y as Fe).toString(16)}`;
    let e = this.kept.get(key);
    if (e === undefined) {
      if (this.kept.size >= KEPT_MAX) {
        this.kept.clear();
        this.keptGen++;
      }
      e = { uses: 0, gen: this.keptGen, t: this.pub.keptTable(q, false) };
      this.kept.set(key, e);
    }
    if (++e.uses === KEPT_WIDE_AFTER) e.t = this.pub.keptTable(q, true);
    this.keptByPoint.set(q, e);
    return e.t;
  }

  /**
   * k*P on the constant-pattern paths: the regular tau-adic method (secret-mul.ts) for points of
   * large order; the Montgomery ladder over m + 3 bits for the points of order 4 (x = 1, a = 0);
   * the order-2 point (0, 1) directly.
   */
  private mulSecret(p: AffinePoint, k: bigint): AffinePoint {
    if (p.x === null || p.y === null) return this.infinity as AffinePoint;
    const F = this.F;
    if (F.isZero(p.x)) {
      // (0, 1) has order 2: k*P = P for odd k, infinity for even k.
      return (k & 1n) === 1n ? p : (this.infinity as AffinePoint);
    }
    let one = p.x[0] ^ 1;
    for (let i = 1; i < p.x.length; i++) one |= p.x[i];
    if (one !== 0) return this.sec.mul(p, k);
    const limbs = this.kLimbs;
    for (let i = 0; i < limbs.length; i++) limbs[i] = Number((k >> BigInt(32 * i)) & 0xffffffffn);
    const x = F.zero();
    const y = F.zero();
    const ok = this.ladder.run({ x: p.x, y: p.y, k: limbs, bits: this.kBits, outX: x, outY: y });
    limbs.fill(0);
    return ok ? new AffinePoint(this.name, x, y) : (this.infinity as AffinePoint);
  }

  add(p: CurvePoint, q: CurvePoint): CurvePoint {
    const a = this.point(p);
    const b = this.point(q);
    if (a.x === null || a.y === null) return b;
    if (b.x === null || b.y === null) return a;
    const acc = this.acc;
    this.ld.setAffine(acc, a.x, a.y);
    this.ld.addMixed(acc, b.x, b.y);
    return this.ldToPoint(acc);
  }

  /**
   * Converts an LD point to an immutable affine point with one inversion, of X Z: then
   * x = X^2 / (X Z), 1/Z = X / (X Z), y = Y / Z^2 and y/x = Y / (X Z), whose low bit is the
   * compression bit `encodePoint` needs (no second inversion there).
   */
  ldToPoint(p: LdPoint): AffinePoint {
    const F = this.F;
    const x = F.zero();
    const y = F.zero();
    if (F.isZero(p.X)) {
      return this.ld.toAffine(p, x, y) ? new AffinePoint(this.name, x, y) : (this.infinity as AffinePoint);
    }
    if (F.isZero(p.Z)) return this.infinity as AffinePoint;
    const { s1: inv, s2: t } = this;
    F.mul(inv, p.X, p.Z);
    F.inv(inv, inv); // 1 / (X Z)
    F.mul(t, p.Y, inv);
    const ybit = t[0] & 1;
    F.sqr(x, p.X);
    F.mul(x, x, inv);
    F.mul(t, p.X, inv); // 1 / Z
    F.sqr(t, t);
    F.mul(y, p.Y, t);
    return new AffinePoint(this.name, x, y, ybit);
  }

  negate(p: CurvePoint): CurvePoint {
    const q = this.point(p);
    if (q.x === null || q.y === null) return q;
    const y = this.F.zero();
    this.F.add(y, q.x, q.y);
    return new AffinePoint(this.name, Uint32Array.from(q.x), y);
  }

  isInfinity(p: CurvePoint): boolean {
    return this.point(p).x === null;
  }

  equals(p: CurvePoint, q: CurvePoint): boolean {
    const a = this.point(p);
    const b = this.point(q);
    if (a.x === null || b.x === null) return a.x === b.x;
    return this.F.eq(a.x, b.x) && this.F.eq(a.y as Fe, b.y as Fe);
  }

  xBytes(p: CurvePoint): Uint8Array {
    const q = this.point(p);
    if (q.x === null) throw new ZseError("BAD_POINT", "xBytes: the point at infinity has no x-coordinate");
    return this.F.toBytes(q.x);
  }

  xBigInt(p: CurvePoint): bigint {
    const q = this.point(p);
    if (q.x === null) throw new ZseError("BAD_POINT", "xBigInt: the point at infinity has no x-coordinate");
    return this.F.toBigInt(q.x);
  }

  randomScalar(rng: Rng = cryptoRng): bigint {
    const extra = this.scalarBytes * 8 - this.nBits;
    for (;;) {
      const b = rng.bytes(this.scalarBytes);
      b[0] &= 0xff >>> extra;
      const k = bytesToBigInt(b);
      b.fill(0);
      if (k >= 1n && k < this.n) return k;
    }
  }

  scalarFromBytes(bytes: Uint8Array, title = "private key"): bigint {
    if (!(bytes instanceof Uint8Array) || bytes.length !== this.scalarBytes) {
      const len = bytes instanceof Uint8Array ? `${bytes.length} bytes` : "not bytes";
      throw new ZseError(
        "BAD_SCALAR",
        `${title}: ${len}, expected ${this.scalarBytes} (${this.name} scalar)`,
      );
    }
    const k = bytesToBigInt(bytes);
    if (k < 1n || k >= this.n) throw new ZseError("BAD_SCALAR", `${title}: not in [1, n-1] for ${this.name}`);
    return k;
  }

  scalarToBytes(k: bigint): Uint8Array {
    if (typeof k !== "bigint" || k < 0n || k >= this.n) {
      throw new ZseError("BAD_SCALAR", `scalar not in [0, n) for ${this.name}`);
    }
    return bigIntToBytes(k, this.scalarBytes);
  }
}
