/**
 * ECQV implicit certificates (SEC 4 v1.0, 2013) as Zigbee Smart Energy uses them (SE spec
 * 07-5356 C.4.2.2.4): the hash is AES-MMO (Zigbee 05-3474 B.6) over all certificate bytes.
 *
 * - e = AES-MMO(certificate) read as a big-endian integer (SEC 4 §2.3: H(Cert) converted to
 *   an integer; the 128-bit digest is shorter than n on both curves, so no truncation applies
 *   and e < n; the published suite 1/2 vectors confirm this).
 * - Public key (SEC 4 §3.5): Q_U = e·P_U + Q_CA.
 * - Private key (SEC 4 §3.6): d_U = e·k_U + r mod n, k_U the requester's secret, r the CA's
 *   private-key reconstruction data.
 * - Issuance (SEC 4 §3.4): k random, P_U = R_U + k·G, Cert = encode(P_U), e = H(Cert),
 *   r = e·k + d_CA mod n. Without a request point the CA also draws the device's k_U.
 *
 * Scalars are bigints, points the curve module's `CurvePoint`. Every multiplication by a
 * secret (k, k_U, d_U) asks the curve for its constant-pattern path (`secret: true`); the
 * arithmetic mod n on secrets (r, d_U, k_U + k) runs on fixed-width limbs (scalar-mod.ts).
 */
import { abytes, bytesToBigInt } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import { cryptoRng, type Rng } from "../util/rng.js";
import { aesMmo } from "./aes-mmo.js";
import type { CurvePoint, KoblitzCurve } from "./curves.js";
import { mulAddModN } from "./scalar-mod.js";

/** A point given as its SEC 1 compressed bytes or as a decoded point. */
export type PointInput = Uint8Array | CurvePoint;
/** A scalar given as big-endian bytes or a bigint. */
export type ScalarInput = Uint8Array | bigint;

/** e = AES-MMO(certificate) as a big-endian integer (SEC 4 §2.3, hash = AES-MMO). */
export function certificateHash(certificate: Uint8Array): bigint {
  abytes(certificate, undefined, "certificate");
  return bytesToBigInt(aesMmo(certificate));
}

export interface ReconstructPublicKeyInput {
  curve: KoblitzCurve;
  /** All certificate bytes (hashed for e). */
  certificate: Uint8Array;
  /** P_U, the public-key reconstruction point carried in the certificate. */
  reconstructionPoint: PointInput;
  /** Q_CA, the issuing CA's public key. */
  caPublicKey: PointInput;
}

/**
 * Q_U = e·P_U + Q_CA (SEC 4 §3.5). Throws BAD_POINT for a point that does not decode and
 * BAD_CERTIFICATE when the result is the point at infinity.
 */
export function reconstructPublicKey(input: ReconstructPublicKeyInput): CurvePoint {
  const { curve } = input;
  const p = toPoint(curve, input.reconstructionPoint, "reconstruction point");
  const qCa = toPoint(curve, input.caPublicKey, "CA public key");
  const e = certificateHash(input.certificate);
  const q = curve.add(curve.mul(p, e), qCa);
  if (curve.isInfinity(q)) {
    throw new ZseError("BAD_CERTIFICATE", "certificate: reconstructed public key is the point at infinity");
  }
  return q;
}

export interface ReconstructPrivateKeyInput {
  curve: KoblitzCurve;
  /** e = H(certificate); give it or the certificate. */
  e?: bigint;
  certificate?: Uint8Array;
  /** k_U, the secret behind the request point R_U = k_U·G. */
  requestSecret: ScalarInput;
  /** r, the CA's private-key reconstruction data. */
  r: ScalarInput;
}

/** d_U = e·k_U + r mod n (SEC 4 §3.6). Throws BAD_SCALAR when the result is 0. */
export function reconstructPrivateKey(input: ReconstructPrivateKeyInput): bigint {
  const { curve } = input;
  let e = input.e;
  if (e === undefined) {
    if (!input.certificate)
      throw new ZseError("BAD_VALUE", "reconstructPrivateKey: give e or the certificate");
    e = certificateHash(input.certificate);
  }
  const k = toScalar(curve, input.requestSecret, "request secret");
  const r = toScalar(curve, input.r, "reconstruction data r", true);
  const d = mulAddModN(curve.n, e, k, r);
  if (d === 0n) throw new ZseError("BAD_SCALAR", "reconstructed private key is 0");
  return d;
}

export interface EcqvIssueInput {
  curve: KoblitzCurve;
  /** d_CA. */
  caPrivateKey: ScalarInput;
  /** R_U, the requester's public point; undefined: the CA generates the device key pair. */
  requestPoint?: PointInput;
  /** Builds the certificate bytes around the compressed reconstruction point P_U. */
  encodeWith: (reconstructionPoint: Uint8Array) => Uint8Array;
  rng?: Rng;
}

export interface EcqvIssueResult {
  certificate: Uint8Array;
  /** P_U, compressed. */
  reconstructionPoint: Uint8Array;
  /** e = H(certificate). */
  e: bigint;
  /** r = e·k + d_CA mod n: the private-key reconstruction data for the requester. */
  r: bigint;
  /** d_U when the CA generated the device key (no request point). */
  privateKey?: bigint;
  /** Q_U = d_U·G when the CA generated the device key. */
  publicKey?: CurvePoint;
}

/**
 * The CA side of ECQV (SEC 4 §3.4). With a request point R_U it returns the certificate and
 * r; without one it draws k_U itself (P_U = (k_U + k)·G) and also returns d_U and Q_U.
 * Draws again in the negligible case P_U = O, r = 0 or d_U = 0.
 */
export function ecqvIssue(input: EcqvIssueInput): EcqvIssueResult {
  const { curve } = input;
  const rng = input.rng ?? cryptoRng;
  const dCa = toScalar(curve, input.caPrivateKey, "CA private key");
  const request =
    input.requestPoint === undefined ? undefined : toPoint(curve, input.requestPoint, "request point");
  for (;;) {
    const k = curve.randomScalar(rng);
    let kU: bigint | undefined;
    let pU: CurvePoint;
    if (request) {
      pU = curve.add(request, curve.mulBase(k, { secret: true }));
    } else {
      kU = curve.randomScalar(rng);
      pU = curve.mulBase(mulAddModN(curve.n, 1n, kU, k), { secret: true });
    }
    if (curve.isInfinity(pU)) continue;
    const reconstructionPoint = curve.encodePoint(pU);
    const certificate = input.encodeWith(reconstructionPoint);
    const e = certificateHash(certificate);
    const r = mulAddModN(curve.n, e, k, dCa);
    if (r === 0n) continue;
    if (kU === undefined) return { certificate, reconstructionPoint, e, r };
    const privateKey = mulAddModN(curve.n, e, kU, r);
    if (privateKey === 0n) continue;
    return {
      certificate,
      reconstructionPoint,
      e,
      r,
      privateKey,
      publicKey: curve.mulBase(privateKey, { secret: true }),
    };
  }
}

export interface EcqvIssueBatchInput {
  curve: KoblitzCurve;
  /** d_CA. */
  caPrivateKey: ScalarInput;
  /** How many certificates, each with a key pair the CA generates. */
  count: number;
  /** Builds certificate i around the compressed reconstruction point P_U. */
  encodeWith: (i: number, reconstructionPoint: Uint8Array) => Uint8Array;
  rng?: Rng;
}

/**
 * `ecqvIssue` without request points for `count` certificates at once (SEC 4 §3.4, the CA
 * generating each device key pair): the same draws from `rng` in the same order (k, then k_U,
 * per certificate) and the same results as `count` calls of `ecqvIssue`, with P_U = (k_U + k)·G
 * and Q_U = d_U·G each computed for the whole batch by `mulBaseBatch`. A certificate meeting
 * one of the negligible cases (P_U = O, r = 0, d_U = 0) is issued again on its own.
 */
export function ecqvIssueBatch(input: EcqvIssueBatchInput): EcqvIssueResult[] {
  const { curve, count } = input;
  const rng = input.rng ?? cryptoRng;
  const dCa = toScalar(curve, input.caPrivateKey, "CA private key");
  const n = curve.n;
  const k: bigint[] = [];
  const kU: bigint[] = [];
  for (let i = 0; i < count; i++) {
    k.push(curve.randomScalar(rng));
    kU.push(curve.randomScalar(rng));
  }
  const pU = curve.mulBaseBatch(
    k.map((ki, i) => mulAddModN(n, 1n, kU[i], ki)),
    { secret: true },
  );
  const out: (EcqvIssueResult | undefined)[] = new Array(count);
  const pending: { i: number; base: Omit<EcqvIssueResult, "publicKey">; d: bigint }[] = [];
  for (let i = 0; i < count; i++) {
    if (curve.isInfinity(pU[i])) continue;
    const reconstructionPoint = curve.encodePoint(pU[i]);
    const certificate = input.encodeWith(i, reconstructionPoint);
    const e = certificateHash(certificate);
    const r = mulAddModN(n, e, k[i], dCa);
    const d = mulAddModN(n, e, kU[i], r);
    if (r === 0n || d === 0n) continue;
    pending.push({ i, base: { certificate, reconstructionPoint, e, r, privateKey: d }, d });
  }
  const qU = curve.mulBaseBatch(
    pending.map((p) => p.d),
    { secret: true },
  );
  pending.forEach((p, j) => {
    out[p.i] = { ...p.base, publicKey: qU[j] };
  });
  k.fill(0n);
  kU.fill(0n);
  for (let i = 0; i < count; i++) {
    out[i] ??= ecqvIssue({
      curve,
      caPrivateKey: dCa,
      encodeWith: (p) => input.encodeWith(i, p),
      rng,
    });
  }
  return out as EcqvIssueResult[];
}

function toPoint(curve: KoblitzCurve, p: PointInput, title: string): CurvePoint {
  const q = p instanceof Uint8Array ? curve.decodePoint(p, title) : p;
  if (curve.isInfinity(q)) throw new ZseError("BAD_POINT", `${title}: the point at infinity`);
  return q;
}

function toScalar(curve: KoblitzCurve, k: ScalarInput, title: string, allowZero = false): bigint {
  if (k instanceof Uint8Array) {
    abytes(k, curve.scalarBytes, title);
    if (allowZero) return checkRange(curve, bytesToBigInt(k), title, true);
    return curve.scalarFromBytes(k, title);
  }
  return checkRange(curve, k, title, allowZero);
}

function checkRange(curve: KoblitzCurve, k: bigint, title: string, allowZero: boolean): bigint {
  if (typeof k !== "bigint" || k < (allowZero ? 0n : 1n) || k >= curve.n) {
    throw new ZseError("BAD_SCALAR", `${title}: not an integer in [${allowZero ? 0 : 1}, n-1]`);
  }
  return k;
}
