/**
 * Smart Energy implicit (ECQV, SEC 4) certificate codecs, SE spec 07-5356 C.4.2.2.4 (suite 1)
 * and SE 1.4 C.6.2.2.4 (suite 2). The suite follows from the length.
 *
 * Suite 1, 48 bytes: public-key reconstruction point (22) | subject EUI-64 (8) |
 *   issuer (8) | profile attribute data (10).
 * Suite 2, 74 bytes: type (1, 0x00) | serial (8) | curve (1, 0x0D = sect283k1) |
 *   hash (1, 0x08 = AES-MMO) | issuer (8) | valid-from (5, big-endian Unix seconds) |
 *   valid time (4, big-endian seconds after valid-from; 0xFFFFFFFF = no expiry) |
 *   subject EUI-64 (8) | key usage (1; 0x08 key agreement, 0x80 digital signature) |
 *   public-key reconstruction point (37).
 *
 * Decoding only cuts fields: the rules on their values (type, curve, hash, key usage,
 * validity) are in certificate-checks.ts, so a bad certificate can still be displayed.
 */
import { abytes, concat } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import { SUITE1, SUITE2, type Suite, suiteForCertificateLength } from "./suites.js";

/** Suite 2 type byte (SE 1.4 C.6.2.2.4). */
export const CERT_TYPE_IMPLICIT = 0x00;
/** Suite 2 curve byte for sect283k1. */
export const CERT_CURVE_SECT283K1 = 0x0d;
/** Suite 2 hash byte for AES-MMO. */
export const CERT_HASH_AES_MMO = 0x08;
/** Key usage bit: key agreement (required for CBKE). */
export const KEY_USAGE_KEY_AGREEMENT = 0x08;
/** Key usage bit: digital signature. */
export const KEY_USAGE_DIGITAL_SIGNATURE = 0x80;
/** Valid time meaning "no expiry". */
export const VALID_TIME_NO_EXPIRY = 0xffffffff;
/** Largest valid-from value (40 bits). */
export const MAX_VALID_FROM = 2 ** 40 - 1;

/** A decoded 48-byte suite 1 certificate. */
export interface Suite1Certificate {
  suite: 1;
  /** Compressed public-key reconstruction point P_U (22 bytes). */
  reconstructionPoint: Uint8Array;
  /** Subject EUI-64, big-endian (8 bytes). */
  subject: Uint8Array;
  /** Issuer id (8 bytes; the Certicom test CA uses "TESTSECA"). */
  issuer: Uint8Array;
  /** Profile attribute data (10 bytes, carried as is). */
  profileData: Uint8Array;
}

/** The fields a 74-byte suite 2 certificate is made from. */
export interface Suite2CertificateFields {
  suite: 2;
  /** Certificate type, 0x00 for implicit certificates. */
  type: number;
  /** Serial number (8 bytes). */
  serial: Uint8Array;
  /** Curve identifier, 0x0D for sect283k1. */
  curve: number;
  /** Hash identifier, 0x08 for AES-MMO. */
  hash: number;
  issuer: Uint8Array;
  /** Start of validity, Unix seconds (40-bit). */
  validFrom: number;
  /** Seconds of validity after `validFrom` (uint32); 0xFFFFFFFF = no expiry. */
  validTime: number;
  subject: Uint8Array;
  /** Key usage bits (0x08 key agreement, 0x80 digital signature). */
  keyUsage: number;
  /** Compressed public-key reconstruction point P_U (37 bytes). */
  reconstructionPoint: Uint8Array;
}

/** A decoded suite 2 certificate: its fields plus the derived end of validity. */
export interface Suite2Certificate extends Suite2CertificateFields {
  /** End of validity in Unix seconds (validFrom + validTime), or null for no expiry. */
  validTo: number | null;
}

export type Certificate = Suite1Certificate | Suite2Certificate;
export type CertificateFields = Suite1Certificate | Suite2CertificateFields;

/**
 * Decodes a 48-byte (suite 1) or 74-byte (suite 2) certificate. Throws BAD_LENGTH for any
 * other length. Field values are not judged here (see checkCertificate).
 */
export function decodeCertificate(bytes: Uint8Array): Certificate {
  abytes(bytes, [SUITE1.certificateBytes, SUITE2.certificateBytes], "certificate");
  if (bytes.length === SUITE1.certificateBytes) {
    return {
      suite: 1,
      reconstructionPoint: bytes.slice(0, 22),
      subject: bytes.slice(22, 30),
      issuer: bytes.slice(30, 38),
      profileData: bytes.slice(38, 48),
    };
  }
  const validFrom = readUint(bytes, 19, 5);
  const validTime = readUint(bytes, 24, 4);
  return {
    suite: 2,
    type: bytes[0],
    serial: bytes.slice(1, 9),
    curve: bytes[9],
    hash: bytes[10],
    issuer: bytes.slice(11, 19),
    validFrom,
    validTime,
    validTo: validTime === VALID_TIME_NO_EXPIRY ? null : validFrom + validTime,
    subject: bytes.slice(28, 36),
    keyUsage: bytes[36],
    reconstructionPoint: bytes.slice(37, 74),
  };
}

/**
 * Encodes certificate fields (a derived `validTo` is ignored). Throws BAD_LENGTH / BAD_VALUE
 * naming the field that does not fit its size.
 */
export function encodeCertificate(fields: CertificateFields): Uint8Array {
  if (fields.suite === 1) {
    return concat(
      abytes(fields.reconstructionPoint, SUITE1.pointBytes, "certificate reconstructionPoint"),
      abytes(fields.subject, 8, "certificate subject"),
      abytes(fields.issuer, 8, "certificate issuer"),
      abytes(fields.profileData, 10, "certificate profileData"),
    );
  }
  if (fields.suite !== 2) {
    throw new ZseError("BAD_VALUE", `certificate suite: ${String((fields as { suite: unknown }).suite)}`);
  }
  const out = new Uint8Array(SUITE2.certificateBytes);
  out[0] = byteField(fields.type, "type");
  out.set(abytes(fields.serial, 8, "certificate serial"), 1);
  out[9] = byteField(fields.curve, "curve");
  out[10] = byteField(fields.hash, "hash");
  out.set(abytes(fields.issuer, 8, "certificate issuer"), 11);
  writeUint(out, 19, 5, uintField(fields.validFrom, MAX_VALID_FROM, "validFrom"));
  writeUint(out, 24, 4, uintField(fields.validTime, 0xffffffff, "validTime"));
  out.set(abytes(fields.subject, 8, "certificate subject"), 28);
  out[36] = byteField(fields.keyUsage, "keyUsage");
  out.set(abytes(fields.reconstructionPoint, SUITE2.pointBytes, "certificate reconstructionPoint"), 37);
  return out;
}

/** The suite of a certificate from its length; throws BAD_LENGTH for other lengths. */
export function certificateSuite(bytes: Uint8Array): Suite {
  const s = suiteForCertificateLength(abytes(bytes, undefined, "certificate").length);
  if (s === undefined) {
    throw new ZseError("BAD_LENGTH", `certificate: ${bytes.length} bytes, expected 48 or 74`);
  }
  return s;
}

/** Names of the key usage bits set in `keyUsage` ("keyAgreement", "digitalSignature", "0x01"...). */
export function keyUsageNames(keyUsage: number): string[] {
  const names: string[] = [];
  for (let bit = 0x80; bit >= 1; bit >>= 1) {
    if (!(keyUsage & bit)) continue;
    if (bit === KEY_USAGE_DIGITAL_SIGNATURE) names.push("digitalSignature");
    else if (bit === KEY_USAGE_KEY_AGREEMENT) names.push("keyAgreement");
    else names.push(`0x${bit.toString(16).padStart(2, "0")}`);
  }
  return names;
}

/**
 * Parses a key usage list: "agreement,signature" (also key-agreement / keyAgreement,
 * digital-signature / digitalSignature) or a hex byte such as 0x88 (only 0x08 and 0x80 allowed).
 */
export function parseKeyUsage(text: string, title = "key usage"): number {
  const s = text.trim().toLowerCase();
  const known = KEY_USAGE_KEY_AGREEMENT | KEY_USAGE_DIGITAL_SIGNATURE;
  if (/^0x[0-9a-f]{1,2}$/.test(s)) {
    const v = Number.parseInt(s.slice(2), 16);
    if (v !== 0 && (v & ~known) === 0) return v;
    throw new ZseError("BAD_VALUE", `${title}: "${text}" sets bits other than 0x08 and 0x80`);
  }
  let v = 0;
  for (const part of s.split(",")) {
    const p = part.trim();
    if (p === "agreement" || p === "key-agreement" || p === "keyagreement") v |= KEY_USAGE_KEY_AGREEMENT;
    else if (p === "signature" || p === "digital-signature" || p === "digitalsignature")
      v |= KEY_USAGE_DIGITAL_SIGNATURE;
    else throw new ZseError("BAD_VALUE", `${title}: unknown key usage "${p}" (agreement, signature)`);
  }
  return v;
}

function readUint(b: Uint8Array, offset: number, length: number): number {
  let v = 0;
  for (let i = 0; i < length; i++) v = v * 256 + b[offset + i];
  return v;
}

function writeUint(b: Uint8Array, offset: number, length: number, value: number): void {
  for (let i = length - 1; i >= 0; i--) {
    b[offset + i] = value % 256;
    value = Math.floor(value / 256);
  }
}

function byteField(v: number, title: string): number {
  return uintField(v, 0xff, title);
}

function uintField(v: number, max: number, title: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new ZseError("BAD_VALUE", `certificate ${title}: ${v} is not an integer in 0..${max}`);
  }
  return v;
}
