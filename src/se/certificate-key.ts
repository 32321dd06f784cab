/**
 * The public key an SE certificate implies (ECQV, SEC 4 §3.5; SE spec 07-5356 C.4.2.2.4):
 * Q = e·P + Q_CA with e = AES-MMO(certificate) and P the certificate's reconstruction point,
 * on the curve of the certificate's suite (suite from the length).
 */
import { type CurvePoint, curveForSuite, type KoblitzCurve } from "../crypto/curves.js";
import { certificateHash, reconstructPublicKey } from "../crypto/ecqv.js";
import { abytes, toHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import { decodeCertificate } from "./certificate.js";
import { suiteInfo } from "./suites.js";

export interface CertificatePublicKeyInput {
  /** 48 (suite 1) or 74 (suite 2) certificate bytes. */
  certificate: Uint8Array;
  /** The issuing CA's compressed public key (22 or 37 bytes, same suite). */
  caPublicKey: Uint8Array;
}

/** The certificate's public key as a point. Throws BAD_LENGTH / BAD_POINT / BAD_CERTIFICATE. */
export function certificatePublicKeyPoint(input: CertificatePublicKeyInput): CurvePoint {
  const cert = decodeCertificate(input.certificate);
  const curve = curveForSuite(cert.suite);
  abytes(input.caPublicKey, suiteInfo(cert.suite).pointBytes, "CA public key");
  return reconstructPublicKey({
    curve,
    certificate: input.certificate,
    reconstructionPoint: cert.reconstructionPoint,
    caPublicKey: caPoint(curve, input.caPublicKey),
  });
}

/** The parts Q = e·P + Q_CA is made of, decoded and checked but not combined. */
export interface CertificateKeyParts {
  /** P, the certificate's reconstruction point. */
  reconstructionPoint: CurvePoint;
  /** e = AES-MMO(certificate). */
  e: bigint;
  /** Q_CA, decoded (and cached). */
  caPublicKey: CurvePoint;
}

/**
 * The certificate's public key as its parts, for callers that fold e·P + Q_CA into a larger
 * multiplication (ECMQV, crypto/ecmqv.ts). Same checks and errors as certificatePublicKeyPoint,
 * except that a reconstructed key at infinity is not detected (it is never formed).
 */
export function certificateKeyParts(input: CertificatePublicKeyInput): CertificateKeyParts {
  const cert = decodeCertificate(input.certificate);
  const curve = curveForSuite(cert.suite);
  abytes(input.caPublicKey, suiteInfo(cert.suite).pointBytes, "CA public key");
  const caPublicKey = caPoint(curve, input.caPublicKey);
  const reconstructionPoint = curve.decodePoint(cert.reconstructionPoint, "reconstruction point");
  if (curve.isInfinity(caPublicKey)) throw new ZseError("BAD_POINT", "CA public key: the point at infinity");
  return { reconstructionPoint, e: certificateHash(input.certificate), caPublicKey };
}

/** Decoded CA keys: a Trust Center uses one or two for every exchange. */
const caCache = new Map<string, CurvePoint>();

function caPoint(curve: KoblitzCurve, bytes: Uint8Array): CurvePoint {
  const key = `${curve.name}:${toHex(bytes)}`;
  let p = caCache.get(key);
  if (p === undefined) {
    p = curve.decodePoint(bytes, "CA public key");
    if (caCache.size >= 64) caCache.clear();
    caCache.set(key, p);
  }
  return p;
}

/** The certificate's public key, SEC 1 compressed (22 or 37 bytes). */
export function certificatePublicKey(input: CertificatePublicKeyInput): Uint8Array {
  const cert = decodeCertificate(input.certificate);
  return curveForSuite(cert.suite).encodePoint(certificatePublicKeyPoint(input));
}
