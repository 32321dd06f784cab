/**
 * The two CBKE crypto suites of Smart Energy (SE spec 07-5356 C.4 / SE 1.4 C.6): their curve,
 * certificate length, point and shared-secret lengths, the bit of the KE cluster's
 * `KeyEstablishmentSuite` attribute (ZCL 0x0800 attribute 0x0000) and the spec's name.
 *
 * Suite 1: CBKE-ECMQV on sect163k1, 48-byte implicit certificates, 22-byte compressed points.
 * Suite 2: CBKE2-ECMQV on sect283k1, 74-byte SE 1.4 certificates, 37-byte compressed points.
 * An older stack reporting 0 in `KeyEstablishmentSuite` is read as suite 1 (see
 * `suitesFromAttribute`).
 */
import { ZseError } from "../util/errors.js";

/** A CBKE crypto suite number. */
export type Suite = 1 | 2;

export interface SuiteInfo {
  readonly suite: Suite;
  /** SEC 2 curve name. */
  readonly curveName: "sect163k1" | "sect283k1";
  /** Implicit certificate length in bytes. */
  readonly certificateBytes: 48 | 74;
  /** SEC 1 compressed point length (ephemeral keys, CA key, reconstruction point). */
  readonly pointBytes: 22 | 37;
  /** Private key / scalar length. */
  readonly scalarBytes: 21 | 36;
  /** Shared secret Z (field element) length. */
  readonly sharedSecretBytes: 21 | 36;
  /** Bit in the KeyEstablishmentSuite attribute and in Initiate KE / Terminate payloads. */
  readonly attributeBit: 0x0001 | 0x0002;
  /** The spec's name of the suite. */
  readonly name: "CBKE-ECMQV" | "CBKE2-ECMQV";
  /** Cofactor h of the curve (used by ECMQV with cofactor). */
  readonly cofactor: 2 | 4;
}

export const SUITE1: SuiteInfo = Object.freeze({
  suite: 1,
  curveName: "sect163k1",
  certificateBytes: 48,
  pointBytes: 22,
  scalarBytes: 21,
  sharedSecretBytes: 21,
  attributeBit: 0x0001,
  name: "CBKE-ECMQV",
  cofactor: 2,
});

export const SUITE2: SuiteInfo = Object.freeze({
  suite: 2,
  curveName: "sect283k1",
  certificateBytes: 74,
  pointBytes: 37,
  scalarBytes: 36,
  sharedSecretBytes: 36,
  attributeBit: 0x0002,
  name: "CBKE2-ECMQV",
  cofactor: 4,
});

export const SUITES: readonly SuiteInfo[] = [SUITE1, SUITE2];

/** True for 1 or 2. */
export function isSuite(value: unknown): value is Suite {
  return value === 1 || value === 2;
}

/** Parameters of `suite`; throws BAD_VALUE for anything but 1 or 2. */
export function suiteInfo(suite: number): SuiteInfo {
  if (suite === 1) return SUITE1;
  if (suite === 2) return SUITE2;
  throw new ZseError("BAD_VALUE", `suite: ${String(suite)} is not a CBKE suite (1 or 2)`);
}

/** Parses "1" / "2" (CLI and JSON input); throws BAD_VALUE naming `title` otherwise. */
export function parseSuite(value: unknown, title = "suite"): Suite {
  const n = typeof value === "string" && /^\s*[12]\s*$/.test(value) ? Number(value) : value;
  if (isSuite(n)) return n;
  throw new ZseError("BAD_VALUE", `${title}: ${JSON.stringify(value)} is not a CBKE suite (1 or 2)`);
}

/** The suite whose certificates are `length` bytes long, or undefined. */
export function suiteForCertificateLength(length: number): Suite | undefined {
  if (length === 48) return 1;
  if (length === 74) return 2;
  return undefined;
}

/**
 * Suites set in a KeyEstablishmentSuite value (ZCL 0x0800 attribute 0x0000, SE C.3.1.1).
 * 0 (older stacks) is read as suite 1; unknown bits are ignored.
 */
export function suitesFromAttribute(value: number): Suite[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new ZseError("BAD_VALUE", `KeyEstablishmentSuite: ${value} is not a uint16`);
  }
  if (value === 0) return [1];
  const out: Suite[] = [];
  for (const s of SUITES) if (value & s.attributeBit) out.push(s.suite);
  return out;
}

/** KeyEstablishmentSuite value advertising `suites`. */
export function attributeFromSuites(suites: readonly Suite[]): number {
  let v = 0;
  for (const s of suites) v |= suiteInfo(s).attributeBit;
  return v;
}

/** The single suite of a bit value with exactly one bit set (Initiate KE Response); else undefined. */
export function suiteFromBit(bit: number): Suite | undefined {
  if (bit === 0x0001) return 1;
  if (bit === 0x0002) return 2;
  return undefined;
}
