/**
 * The one issuance step of the CA: certificate fields in, an ECQV implicit certificate out
 * (SEC 4 §3.4 through src/crypto/ecqv.ts; layouts of SE 07-5356 C.4.2.2.4 for suite 1 and
 * SE 1.4 C.6.2.2.4 for suite 2 through src/se/certificate.ts). Pure computation: no registry,
 * no files, so batch workers run it as is. Also the device side of request mode (`cert
 * private`): d_U = e·k_U + r mod n (SEC 4 §3.6), checked against Q_U = e·P_U + Q_CA (§3.5).
 */
import { curveForSuite } from "../crypto/curves.js";
import { ecqvIssue, ecqvIssueBatch, reconstructPrivateKey } from "../crypto/ecqv.js";
import {
  CERT_CURVE_SECT283K1,
  CERT_HASH_AES_MMO,
  CERT_TYPE_IMPLICIT,
  type CertificateFields,
  decodeCertificate,
  encodeCertificate,
} from "../se/certificate.js";
import { certificatePublicKey } from "../se/certificate-key.js";
import { bigIntToBytes, equalBytes } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import type { Rng } from "../util/rng.js";
import type { Suite } from "./params.js";

/** Everything of a certificate but its reconstruction point. */
export interface CertificateTemplate {
  suite: Suite;
  /** Suite 2 serial field (8 bytes); suite 1 carries no serial. */
  serial: bigint;
  subject: Uint8Array;
  issuer: Uint8Array;
  /** Suite 2: Unix seconds (40 bits). */
  validFrom: number;
  /** Suite 2: seconds after validFrom, 0xFFFFFFFF = no expiry. */
  validTime: number;
  /** Suite 2: 0x08 key agreement | 0x80 digital signature. */
  keyUsage: number;
  /** Suite 1: profile attribute data (10 bytes). */
  profileData: Uint8Array;
}

export interface IssuedCertificate {
  certificate: Uint8Array;
  /** Q_U compressed. */
  publicKey: Uint8Array;
  /** d_U, when the CA generated the key pair. */
  privateKey?: Uint8Array;
  /** r, the private-key reconstruction data (request mode). */
  reconstruction?: Uint8Array;
}

/** The certificate fields of `t` around reconstruction point `p`. */
export function certificateFields(t: CertificateTemplate, p: Uint8Array): CertificateFields {
  if (t.suite === 1) {
    return {
      suite: 1,
      reconstructionPoint: p,
      subject: t.subject,
      issuer: t.issuer,
      profileData: t.profileData,
    };
  }
  return {
    suite: 2,
    type: CERT_TYPE_IMPLICIT,
    serial: bigIntToBytes(t.serial, 8),
    curve: CERT_CURVE_SECT283K1,
    hash: CERT_HASH_AES_MMO,
    issuer: t.issuer,
    validFrom: t.validFrom,
    validTime: t.validTime,
    subject: t.subject,
    keyUsage: t.keyUsage,
    reconstructionPoint: p,
  };
}

/**
 * Issues one certificate. Without `requestPoint` the CA generates the device key pair
 * (development use) and returns d_U; with it, returns r for the device. BAD_POINT when the
 * request point is not on the suite's curve.
 */
export function issueCertificate(opts: {
  template: CertificateTemplate;
  caPrivateKey: bigint;
  caPublicKey: Uint8Array;
  requestPoint?: Uint8Array;
  rng: Rng;
}): IssuedCertificate {
  const curve = curveForSuite(opts.template.suite);
  const requestPoint =
    opts.requestPoint === undefined ? undefined : curve.decodePoint(opts.requestPoint, "--request");
  const res = ecqvIssue({
    curve,
    caPrivateKey: opts.caPrivateKey,
    requestPoint,
    encodeWith: (p) => encodeCertificate(certificateFields(opts.template, p)),
    rng: opts.rng,
  });
  if (res.privateKey !== undefined && res.publicKey !== undefined) {
    return {
      certificate: res.certificate,
      publicKey: curve.encodePoint(res.publicKey),
      privateKey: curve.scalarToBytes(res.privateKey),
    };
  }
  return {
    certificate: res.certificate,
    publicKey: certificatePublicKey({ certificate: res.certificate, caPublicKey: opts.caPublicKey }),
    reconstruction: curve.scalarToBytes(res.r),
  };
}

/**
 * Issues certificates for several templates at once, the CA generating every device key pair
 * (ECQV `ecqvIssueBatch`): the same certificates and keys as `issueCertificate` called for each
 * template in turn with the same `rng`, in about three quarters of the time.
 */
export function issueCertificates(opts: {
  templates: readonly CertificateTemplate[];
  caPrivateKey: bigint;
  rng: Rng;
}): IssuedCertificate[] {
  const { templates } = opts;
  if (templates.length === 0) return [];
  const suite = templates[0].suite;
  if (templates.some((t) => t.suite !== suite)) {
    throw new ZseError("BAD_VALUE", "issueCertificates: every template must have the same suite");
  }
  const curve = curveForSuite(suite);
  return ecqvIssueBatch({
    curve,
    caPrivateKey: opts.caPrivateKey,
    count: templates.length,
    encodeWith: (i, p) => encodeCertificate(certificateFields(templates[i], p)),
    rng: opts.rng,
  }).map((res) => ({
    certificate: res.certificate,
    publicKey: curve.encodePoint(res.publicKey!),
    privateKey: curve.scalarToBytes(res.privateKey!),
  }));
}

/**
 * The device's private key from a certificate issued for its request (SEC 4 §3.6), checked
 * against the public key the certificate implies: BAD_CERTIFICATE when they disagree (wrong
 * secret, wrong r, or another CA).
 */
export function devicePrivateKey(opts: {
  certificate: Uint8Array;
  requestSecret: Uint8Array;
  reconstruction: Uint8Array;
  caPublicKey: Uint8Array;
}): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const cert = decodeCertificate(opts.certificate);
  const curve = curveForSuite(cert.suite);
  const d = reconstructPrivateKey({
    curve,
    certificate: opts.certificate,
    requestSecret: opts.requestSecret,
    r: opts.reconstruction,
  });
  const publicKey = certificatePublicKey({ certificate: opts.certificate, caPublicKey: opts.caPublicKey });
  const derived = curve.encodePoint(curve.mulBase(d, { secret: true }));
  if (!equalBytes(derived, publicKey)) {
    throw new ZseError(
      "BAD_CERTIFICATE",
      "private key does not match the certificate's public key (check --request-secret, --reconstruction, --ca-public-key)",
    );
  }
  return { privateKey: curve.scalarToBytes(d), publicKey };
}
