/**
 * The Koblitz-curve contract every higher layer (ECQV, ECMQV, CBKE, the CA, the KE engine)
 * codes against: sect163k1 and sect283k1 (SEC 2 v2 3.2.1 / 3.4.1) with SEC 1 v2 2.3.3-2.3.4
 * point encoding. Implemented by src/crypto/curve/koblitz.ts.
 */
import type { Rng } from "../../util/rng.js";

/** An opaque, immutable affine point of one curve; the point at infinity is a valid point. */
export interface CurvePoint {
  readonly curveName: "sect163k1" | "sect283k1";
}

/** Options of `decodePoint` when given as an object instead of a title string. */
export interface DecodePointOptions {
  /** Names the field in error messages. */
  title?: string;
  /** Accept the one-octet encoding 00 of the point at infinity (SEC 1 2.3.4 step 1). */
  allowInfinity?: boolean;
}

/** Options of the scalar multiplications. */
export interface MulOptions {
  /** Run the constant-pattern path (sequence of field operations independent of k). */
  secret?: boolean;
}

/** Operands of `KoblitzCurve.mulAdd`: k*P + l*Q + R, all public. */
export interface MulAddInput {
  p: CurvePoint;
  k: bigint;
  /** A long-lived point (a CA public key): its precomputed table is cached by the curve. */
  q: CurvePoint;
  l: bigint;
  /** Added at the end when given. */
  r?: CurvePoint;
}

export interface KoblitzCurve {
  readonly name: "sect163k1" | "sect283k1";
  /** Field degree: 163 | 283. */
  readonly m: number;
  /** Order of G (prime). */
  readonly n: bigint;
  /** The cofactor h: 2 | 4. */
  readonly cofactor: bigint;
  /** Octet length of a field element / Z: 21 | 36. */
  readonly fieldBytes: number;
  /** SEC 1 compressed point length: 22 | 37. */
  readonly pointBytes: number;
  /** Private keys as Zigbee stores them: 21 | 36. */
  readonly scalarBytes: number;
  readonly G: CurvePoint;
  readonly infinity: CurvePoint;
  /**
   * SEC 1 2.3.4 octet string -> point: compressed (02/03 || x); throws ZseError("BAD_POINT")
   * naming the check that failed (length, prefix byte, x >= 2^m, no point with this x). The point
   * at infinity (00) is rejected unless `allowInfinity`. A string argument is the title.
   */
  decodePoint(bytes: Uint8Array, opts?: string | DecodePointOptions): CurvePoint;
  /** SEC 1 2.3.3 compressed encoding; throws BAD_POINT for infinity. */
  encodePoint(p: CurvePoint): Uint8Array;
  /** k*G for k in [0, 2^(m+3)); `secret` selects the constant-pattern path. */
  mulBase(k: bigint, opts?: MulOptions): CurvePoint;
  /**
   * k*G for every k of `ks`, the same points as `mulBase` one by one; on the secret path the
   * scalars are worked on together (affine additions sharing their inversions), which costs
   * about a quarter less per point for batches of tens of scalars.
   */
  mulBaseBatch(ks: readonly bigint[], opts?: MulOptions): CurvePoint[];
  /** k*P exactly (k is never reduced mod n: P may lie outside the order-n subgroup). */
  mul(p: CurvePoint, k: bigint, opts?: MulOptions): CurvePoint;
  /**
   * k*P + l*Q + R for public scalars and points, in one interleaved multiplication; Q's table is
   * cached per point (bounded), so it pays for a key used again and again (variable-time).
   */
  mulAdd(o: MulAddInput): CurvePoint;
  add(p: CurvePoint, q: CurvePoint): CurvePoint;
  negate(p: CurvePoint): CurvePoint;
  isInfinity(p: CurvePoint): boolean;
  equals(p: CurvePoint, q: CurvePoint): boolean;
  /** x-coordinate as fieldBytes big-endian octets; throws BAD_POINT for infinity. */
  xBytes(p: CurvePoint): Uint8Array;
  /** x-coordinate as a bigint (ECMQV's avf); throws BAD_POINT for infinity. */
  xBigInt(p: CurvePoint): bigint;
  /** Uniform scalar in [1, n-1] (default rng: cryptoRng). */
  randomScalar(rng?: Rng): bigint;
  /** Private-key octets (scalarBytes, big-endian) -> bigint, checking 1 <= k < n (BAD_SCALAR). */
  scalarFromBytes(bytes: Uint8Array, title?: string): bigint;
  /** bigint in [0, n) -> scalarBytes big-endian octets. */
  scalarToBytes(k: bigint): Uint8Array;
}
