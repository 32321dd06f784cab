/**
 * ECMQV with cofactor (SEC 1 v2 §3.4 ECMQV primitive, as SE spec 07-5356 C.4.2.2.5 uses it
 * for CBKE): the associate value function, the shared point and the shared secret Z.
 *
 * - avf(Q) = (x̄ mod 2^⌈f/2⌉) + 2^⌈f/2⌉, x̄ the integer of x(Q), f = bit length of n.
 * - s = d_E + avf(Q_E)·d_S mod n (own static d_S, own ephemeral d_E, Q_E = d_E·G).
 * - P = h·s·(Q_EV + avf(Q_EV)·Q_SV) with the partner's ephemeral Q_EV and static Q_SV;
 *   P = O is rejected; Z = x(P) as a field-element octet string (21 / 36 bytes).
 *
 * The multiplication by avf(Q_EV) is by a public value; the one by h·s is secret and takes
 * the curve's constant-pattern path, and s itself is computed on fixed-width limbs
 * (scalar-mod.ts). Verified on the SE Annex C.5 / C.6 exchanges.
 */
import { bytesToBigInt } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import type { CurvePoint, KoblitzCurve } from "./curves.js";
import { mulAddModN } from "./scalar-mod.js";

/** avf(Q) of SEC 1 §3.4 (f = bit length of the curve order n). */
export function avf(curve: KoblitzCurve, q: CurvePoint): bigint {
  return avfOfX(curve, curve.xBigInt(q));
}

/** avf from the integer x̄ of the x-coordinate. */
export function avfOfX(curve: KoblitzCurve, x: bigint): bigint {
  const half = BigInt(Math.ceil(curve.n.toString(2).length / 2));
  const bit = 1n << half;
  return (x & (bit - 1n)) | bit;
}

export interface EcmqvInput {
  curve: KoblitzCurve;
  /** d_S, own static private key. */
  staticPrivateKey: bigint;
  /** d_E, own ephemeral private key. */
  ephemeralPrivateKey: bigint;
  /**
   * Q_E = d_E·G, as a point or its compressed encoding (only its x is used, read from the
   * bytes without decompression: it is the caller's own key); computed when omitted.
   */
  ephemeralPublicKey?: CurvePoint | Uint8Array;
  /** Q_SV, the partner's static public key (from its certificate). */
  partnerStaticPublicKey: CurvePoint;
  /** Q_EV, the partner's ephemeral public key. */
  partnerEphemeralPublicKey: CurvePoint;
}

/**
 * The ECMQV shared point P (SEC 1 §3.4 steps 2-5). Throws BAD_POINT when P is the point at
 * infinity (invalid partner keys) and BAD_SCALAR for private keys outside [1, n-1].
 */
export function ecmqvSharedPoint(input: EcmqvInput): CurvePoint {
  const { curve } = input;
  const dS = checkScalar(curve, input.staticPrivateKey, "static private key");
  const dE = checkScalar(curve, input.ephemeralPrivateKey, "ephemeral private key");
  const s = mulAddModN(curve.n, avfOfX(curve, ephemeralX(curve, input.ephemeralPublicKey, dE)), dS, dE);
  const qEV = input.partnerEphemeralPublicKey;
  const qSV = input.partnerStaticPublicKey;
  if (curve.isInfinity(qEV) || curve.isInfinity(qSV)) {
    throw new ZseError("BAD_POINT", "ECMQV: a partner public key is the point at infinity");
  }
  const t = curve.add(qEV, curve.mul(qSV, avf(curve, qEV)));
  const p = curve.mul(t, curve.cofactor * s, { secret: true });
  if (curve.isInfinity(p))
    throw new ZseError("BAD_POINT", "ECMQV: the shared point is the point at infinity");
  return p;
}

export interface EcmqvImplicitInput extends Omit<EcmqvInput, "partnerStaticPublicKey"> {
  /**
   * The partner's static key as its ECQV certificate implies it (SEC 4 §3.5):
   * Q_SV = e·P_SV + Q_CA, never computed on its own.
   */
  partnerStatic: {
    /** P_SV, the reconstruction point of the partner's certificate. */
    reconstructionPoint: CurvePoint;
    /** e = H(certificate). */
    e: bigint;
    /** Q_CA, the CA public key (its table is cached by the curve). */
    caPublicKey: CurvePoint;
  };
}

/**
 * The ECMQV shared point with the partner's static key given implicitly by its certificate:
 * T = Q_EV + avf(Q_EV)·Q_SV is evaluated as Q_EV + (avf·e mod n)·P_SV + avf·Q_CA in one
 * double-scalar multiplication (public scalars), then P = h·s·T on the secret path.
 *
 * Reducing avf·e modulo n is safe (SEC 1 §3.4 uses the cofactor h for this reason): the group
 * E(GF(2^m)) has order h·n, so any point is P_SV = A + S with A of order n and h·S = O. Then
 * (avf·e mod n)·P_SV and avf·e·P_SV differ by a multiple of n·S, a point of order dividing h,
 * which the final multiplication by h·s sends to O: the shared point is the same as with
 * Q_SV computed first (test/crypto/ecmqv.test.ts checks it with P_SV outside the subgroup).
 * Unlike the unoptimised path this does not detect Q_SV = O (e·P_SV = -Q_CA): finding such a
 * certificate means inverting the hash, and the result is then h·s·Q_EV, not an error.
 */
export function ecmqvSharedPointImplicit(input: EcmqvImplicitInput): CurvePoint {
  const { curve, partnerStatic } = input;
  const dS = checkScalar(curve, input.staticPrivateKey, "static private key");
  const dE = checkScalar(curve, input.ephemeralPrivateKey, "ephemeral private key");
  const s = mulAddModN(curve.n, avfOfX(curve, ephemeralX(curve, input.ephemeralPublicKey, dE)), dS, dE);
  const qEV = input.partnerEphemeralPublicKey;
  if (curve.isInfinity(qEV)) {
    throw new ZseError("BAD_POINT", "ECMQV: a partner public key is the point at infinity");
  }
  const a = avf(curve, qEV);
  const t = curve.mulAdd({
    p: partnerStatic.reconstructionPoint,
    k: (a * partnerStatic.e) % curve.n,
    q: partnerStatic.caPublicKey,
    l: a,
    r: qEV,
  });
  const p = curve.mul(t, curve.cofactor * s, { secret: true });
  if (curve.isInfinity(p))
    throw new ZseError("BAD_POINT", "ECMQV: the shared point is the point at infinity");
  return p;
}

/** Z = x(P) of the ECMQV shared point, as a field-element octet string (SEC 1 §2.3.5). */
export function ecmqvSharedSecret(input: EcmqvInput): Uint8Array {
  return input.curve.xBytes(ecmqvSharedPoint(input));
}

function ephemeralX(curve: KoblitzCurve, q: CurvePoint | Uint8Array | undefined, dE: bigint): bigint {
  if (q === undefined) return curve.xBigInt(curve.mulBase(dE, { secret: true }));
  if (!(q instanceof Uint8Array)) return curve.xBigInt(q);
  if (q.length !== curve.pointBytes || (q[0] !== 2 && q[0] !== 3)) {
    throw new ZseError(
      "BAD_POINT",
      `ECMQV own ephemeral public key: not a ${curve.pointBytes}-byte compressed point`,
    );
  }
  return bytesToBigInt(q.subarray(1));
}

function checkScalar(curve: KoblitzCurve, k: bigint, title: string): bigint {
  if (typeof k !== "bigint" || k < 1n || k >= curve.n) {
    throw new ZseError("BAD_SCALAR", `ECMQV ${title}: not an integer in [1, n-1]`);
  }
  return k;
}
