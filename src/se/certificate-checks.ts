/**
 * The checks a CBKE partner's certificate must pass (SE spec 07-5356 C.3.1.2 / C.4.2.2.4 and
 * SE 1.4 C.6.2.2.4): issuer known, subject = the sender's EUI-64, suite 2 type 0x00, curve
 * 0x0D, hash 0x08, key usage with key agreement, validity window, not revoked, and a
 * reconstruction point that decodes on the suite's curve. `checkCertificate` reports every
 * problem found, not only the first; `terminateStatusFor` maps them to the one Terminate KE
 * status (ZCL 0x0800 command 0x03) the KE engine sends.
 *
 * Status mapping, following the SiLabs key-establishment plugin's behaviour: wrong length =
 * BAD_MESSAGE (malformed command); unknown issuer = UNKNOWN_ISSUER; subject that is not the
 * sender = BAD_MESSAGE (SiLabs INVALID_PARTNER_MESSAGE); every other certificate fault =
 * INVALID_CERTIFICATE.
 */
import { curveForSuite } from "../crypto/curves.js";
import { equalBytes, toHex } from "../util/bytes.js";
import { isZseError } from "../util/errors.js";
import {
  CERT_CURVE_SECT283K1,
  CERT_HASH_AES_MMO,
  CERT_TYPE_IMPLICIT,
  type Certificate,
  decodeCertificate,
  KEY_USAGE_KEY_AGREEMENT,
} from "./certificate.js";
import { type Suite, suiteInfo } from "./suites.js";

/** Terminate KE statuses a certificate problem leads to (SE C.3.1.2.3 Table C-10). */
export const KE_STATUS_UNKNOWN_ISSUER = 0x01;
export const KE_STATUS_BAD_MESSAGE = 0x03;
export const KE_STATUS_INVALID_CERTIFICATE = 0x06;

export type CertificateProblemCode =
  | "BAD_LENGTH"
  | "UNKNOWN_ISSUER"
  | "SUBJECT_MISMATCH"
  | "BAD_TYPE"
  | "BAD_CURVE"
  | "BAD_HASH"
  | "NO_KEY_AGREEMENT"
  | "NOT_YET_VALID"
  | "EXPIRED"
  | "REVOKED"
  | "BAD_POINT";

export interface CertificateProblem {
  code: CertificateProblemCode;
  /** One line naming the field and the value that failed. */
  message: string;
}

/** Certificates a Trust Center refuses (e.g. loaded from `zse ca export --revoked`). */
export interface RevocationList {
  /** Suite 2 serial numbers (8 bytes). */
  serials?: readonly Uint8Array[];
  /** Subject EUI-64s (8 bytes, big-endian): every certificate of that subject. */
  subjects?: readonly Uint8Array[];
  /** Whole certificates (48 or 74 bytes). */
  certificates?: readonly Uint8Array[];
}

export interface CertificateCheckOptions {
  /** Issuers with a known CA public key (8 bytes each). Omitted: the issuer is not checked. */
  issuers?: readonly Uint8Array[];
  /** The sender's EUI-64 (8 bytes, big-endian); the subject must equal it. */
  expectedSubject?: Uint8Array;
  /** Time of the check for the suite 2 validity window. Omitted: validity is not checked. */
  at?: Date;
  revoked?: RevocationList;
}

/**
 * Checks a certificate (bytes or decoded) and returns every problem found; an empty list
 * means it passed. Never throws on a bad certificate: a wrong length is a BAD_LENGTH problem.
 */
export function checkCertificate(
  cert: Uint8Array | Certificate,
  opts: CertificateCheckOptions = {},
): CertificateProblem[] {
  const problems: CertificateProblem[] = [];
  const add = (code: CertificateProblemCode, message: string) => problems.push({ code, message });
  let c: Certificate;
  let bytes: Uint8Array | undefined;
  if (cert instanceof Uint8Array) {
    if (cert.length !== 48 && cert.length !== 74) {
      add("BAD_LENGTH", `certificate: ${cert.length} bytes, expected 48 (suite 1) or 74 (suite 2)`);
      return problems;
    }
    bytes = cert;
    c = decodeCertificate(cert);
  } else {
    c = cert;
  }

  if (opts.issuers && !opts.issuers.some((i) => equalBytes(i, c.issuer))) {
    add(
      "UNKNOWN_ISSUER",
      `issuer: ${toHex(c.issuer)} is not a known CA (${opts.issuers.map(toHex).join(", ") || "none"})`,
    );
  }
  if (opts.expectedSubject && !equalBytes(opts.expectedSubject, c.subject)) {
    add("SUBJECT_MISMATCH", `subject: ${toHex(c.subject)} is not the sender ${toHex(opts.expectedSubject)}`);
  }
  if (c.suite === 2) {
    if (c.type !== CERT_TYPE_IMPLICIT) add("BAD_TYPE", `type: 0x${hex8(c.type)}, expected 0x00 (implicit)`);
    if (c.curve !== CERT_CURVE_SECT283K1) {
      add("BAD_CURVE", `curve: 0x${hex8(c.curve)}, expected 0x0d (sect283k1)`);
    }
    if (c.hash !== CERT_HASH_AES_MMO) add("BAD_HASH", `hash: 0x${hex8(c.hash)}, expected 0x08 (AES-MMO)`);
    if (!(c.keyUsage & KEY_USAGE_KEY_AGREEMENT)) {
      add("NO_KEY_AGREEMENT", `keyUsage: 0x${hex8(c.keyUsage)} lacks key agreement (0x08)`);
    }
    if (opts.at) {
      const now = Math.floor(opts.at.getTime() / 1000);
      if (now < c.validFrom) {
        add("NOT_YET_VALID", `validFrom: ${isoSeconds(c.validFrom)} is after ${isoSeconds(now)}`);
      }
      const validTo = c.validTime === 0xffffffff ? null : c.validFrom + c.validTime;
      if (validTo !== null && now > validTo) {
        add("EXPIRED", `validTo: ${isoSeconds(validTo)} is before ${isoSeconds(now)}`);
      }
    }
  }
  const rev = opts.revoked;
  if (rev) {
    if (c.suite === 2 && rev.serials?.some((s) => equalBytes(s, c.serial))) {
      add("REVOKED", `serial: ${toHex(c.serial)} is revoked`);
    } else if (rev.subjects?.some((s) => equalBytes(s, c.subject))) {
      add("REVOKED", `subject: ${toHex(c.subject)} is revoked`);
    } else if (bytes && rev.certificates?.some((x) => equalBytes(x, bytes))) {
      add("REVOKED", "certificate is revoked");
    }
  }
  try {
    curveForSuite(c.suite).decodePoint(c.reconstructionPoint, "reconstruction point");
  } catch (e) {
    if (!isZseError(e)) throw e;
    add("BAD_POINT", `reconstructionPoint: ${toHex(c.reconstructionPoint)}: ${e.message}`);
  }
  return problems;
}

/**
 * The Terminate KE status for a list of problems (SE C.3.1.2.3), or undefined when empty.
 * Precedence: BAD_MESSAGE for a wrong length, then UNKNOWN_ISSUER, then BAD_MESSAGE for a
 * subject that is not the sender, then INVALID_CERTIFICATE.
 */
export function terminateStatusFor(problems: readonly CertificateProblem[]): number | undefined {
  if (problems.length === 0) return undefined;
  const has = (code: CertificateProblemCode) => problems.some((p) => p.code === code);
  if (has("BAD_LENGTH")) return KE_STATUS_BAD_MESSAGE;
  if (has("UNKNOWN_ISSUER")) return KE_STATUS_UNKNOWN_ISSUER;
  if (has("SUBJECT_MISMATCH")) return KE_STATUS_BAD_MESSAGE;
  return KE_STATUS_INVALID_CERTIFICATE;
}

/** Unix seconds as an ISO 8601 time without milliseconds ("2013-11-25T13:53:14Z"). */
export function isoSeconds(seconds: number): string {
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return `${seconds} s`;
  return d.toISOString().replace(/\.000Z$/, "Z");
}

function hex8(v: number): string {
  return v.toString(16).padStart(2, "0");
}

/** Terminate status names of the certificate verdicts (as zcl/ke-commands.ts names them). */
export type CertificateTerminateStatus = "UNKNOWN_ISSUER" | "BAD_MESSAGE" | "INVALID_CERTIFICATE";

export interface PartnerCertificateInput {
  suite: Suite;
  /** The partner's certificate from its Initiate KE Request / Response. */
  certificate: Uint8Array;
  /** The EUI-64 (8 bytes, big-endian) the frame came from. */
  sender: Uint8Array;
  /** Our own certificate: its issuer is the CA we trust (SiLabs checkIssuer does the same). */
  local: { certificate: Uint8Array };
  /** Time for the suite 2 validity window; omitted: not checked. */
  at?: Date;
  revoked?: RevocationList;
}

export interface PartnerCertificateVerdict {
  status: CertificateTerminateStatus;
  /** The status value sent in Terminate KE. */
  statusCode: number;
  /** One line: the problems found, `; `-separated. */
  reason: string;
  problems: CertificateProblem[];
}

/**
 * The KE engine's check of a partner certificate (SE 07-5356 C.3.1.2.2 / C.3.1.3.1): a
 * certificate of the wrong length for the negotiated suite is BAD_MESSAGE; otherwise every
 * check of `checkCertificate` with our own certificate's issuer as the one known issuer and
 * the sender as the expected subject. Returns undefined when it passes.
 */
export function checkPartnerCertificate(
  input: PartnerCertificateInput,
): PartnerCertificateVerdict | undefined {
  const want = suiteInfo(input.suite).certificateBytes;
  if (input.certificate.length !== want) {
    const problems: CertificateProblem[] = [
      {
        code: "BAD_LENGTH",
        message: `certificate: ${input.certificate.length} bytes, suite ${input.suite} uses ${want}`,
      },
    ];
    return {
      status: "BAD_MESSAGE",
      statusCode: KE_STATUS_BAD_MESSAGE,
      reason: problems[0].message,
      problems,
    };
  }
  const own = decodeCertificate(input.local.certificate);
  const problems = checkCertificate(input.certificate, {
    issuers: [own.issuer],
    expectedSubject: input.sender,
    at: input.at,
    revoked: input.revoked,
  });
  const statusCode = terminateStatusFor(problems);
  if (statusCode === undefined) return undefined;
  const status: CertificateTerminateStatus =
    statusCode === KE_STATUS_UNKNOWN_ISSUER
      ? "UNKNOWN_ISSUER"
      : statusCode === KE_STATUS_BAD_MESSAGE
        ? "BAD_MESSAGE"
        : "INVALID_CERTIFICATE";
  return { status, statusCode, reason: problems.map((p) => p.message).join("; "), problems };
}
