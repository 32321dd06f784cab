/**
 * Key Establishment cluster 0x0800 commands (SE 07-5356 C.3.1.3 client -> server and C.3.1.4
 * server -> client). Ids are the same both ways; the ZCL direction bit tells request from
 * response:
 *   0x00 Initiate Key Establishment Request / Response (C.3.1.3.1 / C.3.1.4.1)
 *   0x01 Ephemeral Data Request / Response (C.3.1.3.2 / C.3.1.4.2)
 *   0x02 Confirm Key Data Request / Response (C.3.1.3.3 / C.3.1.4.3)
 *   0x03 Terminate Key Establishment, both ways (C.3.1.3.4 / C.3.1.4.4)
 * Decoders take the payload after the ZCL header and throw ZseError("BAD_FRAME") naming the
 * field on a wrong length, a suite that is not exactly one known bit, or trailing bytes.
 */

import { attributeFromSuites, type Suite, suiteFromBit, suiteInfo } from "../se/suites.js";
import { ZseError } from "../util/errors.js";
import { ZclReader, ZclWriter } from "./cursor.js";
import { decodeZclFrame, encodeZclFrame, type ZclDirection, type ZclHeader } from "./header.js";

/** Cryptographic suite: 1 = CBKE-ECMQV on sect163k1, 2 = CBKE2-ECMQV on sect283k1 (src/se/suites.ts). */
export type KeSuite = Suite;
export { suiteFromBit };

export const KeCommandId = {
  INITIATE_KE: 0x00,
  EPHEMERAL_DATA: 0x01,
  CONFIRM_KEY_DATA: 0x02,
  TERMINATE_KE: 0x03,
} as const;

/** Terminate Key Establishment status values (SE 07-5356 C.3.1.3.4: 0x01-0x06). */
export const KeTerminateStatus = {
  UNKNOWN_ISSUER: 0x01,
  BAD_KEY_CONFIRM: 0x02,
  BAD_MESSAGE: 0x03,
  NO_RESOURCES: 0x04,
  UNSUPPORTED_SUITE: 0x05,
  INVALID_CERTIFICATE: 0x06,
} as const;
export type KeTerminateStatusName = keyof typeof KeTerminateStatus;

/** The name of a Terminate status, or "0x.." for a value outside the table. */
export function keTerminateStatusName(code: number): KeTerminateStatusName | `0x${string}` {
  for (const [name, value] of Object.entries(KeTerminateStatus)) {
    if (value === code) return name as KeTerminateStatusName;
  }
  return `0x${code.toString(16).padStart(2, "0")}`;
}

/** Implicit certificate length per suite (48 B suite 1, 74 B suite 2; SE 07-5356 C.4.2.2). */
export const CERTIFICATE_LENGTH: Readonly<Record<KeSuite, number>> = { 1: 48, 2: 74 };
/** Compressed ephemeral public key length per suite (SEC 1 2.3.3). */
export const EPHEMERAL_KEY_LENGTH: Readonly<Record<KeSuite, number>> = { 1: 22, 2: 37 };
/** MACU / MACV length (C.3.1.3.3). */
export const KE_MAC_LENGTH = 16;

/** The KeyEstablishmentSuite bit of a suite (C.3.1.2.2.1). */
export function suiteBit(suite: KeSuite): number {
  return suiteInfo(suite).attributeBit;
}

/** The bit mask of a list of suites. */
export function suiteMask(suites: readonly KeSuite[]): number {
  return attributeFromSuites(suites);
}

/** Initiate Key Establishment Request / Response payload (C.3.1.3.1 / C.3.1.4.1). */
export interface InitiateKe {
  suite: KeSuite;
  /** Seconds the sender needs to generate its ephemeral data (uint8). */
  ephemeralDataGenerateTime: number;
  /** Seconds the sender needs to generate the shared secret and confirm key (uint8). */
  confirmKeyGenerateTime: number;
  /** Identity field: the sender's implicit certificate (48 B or 74 B by suite). */
  certificate: Uint8Array;
}

/** Terminate Key Establishment payload (C.3.1.3.4 / C.3.1.4.4). */
export interface TerminateKe {
  /** Status code, see KeTerminateStatus. */
  status: number;
  /** Seconds the initiator shall wait before trying again (uint8). */
  waitTime: number;
  /** KeyEstablishmentSuite bit mask: the suite in use, or the suites the sender supports. */
  suites: number;
}

function readSuite(r: ZclReader): KeSuite {
  const v = r.u16("suite");
  const s = suiteFromBit(v);
  if (s === undefined) {
    throw new ZseError(
      "BAD_FRAME",
      `suite: 0x${v.toString(16).padStart(4, "0")} is not exactly one known suite bit`,
    );
  }
  return s;
}

function certificateOf(
  value: Uint8Array,
  suite: KeSuite,
  field: string,
  code: "BAD_FRAME" | "BAD_VALUE",
): void {
  const want = CERTIFICATE_LENGTH[suite];
  if (value.length !== want) {
    throw new ZseError(code, `${field}: ${value.length} bytes, suite ${suite} needs ${want}`);
  }
}

export function encodeInitiateKe(value: InitiateKe): Uint8Array {
  if (value.suite !== 1 && value.suite !== 2)
    throw new ZseError("BAD_VALUE", `suite: ${String(value.suite)}`);
  certificateOf(value.certificate, value.suite, "certificate", "BAD_VALUE");
  return new ZclWriter()
    .u16(suiteBit(value.suite), "suite")
    .u8(value.ephemeralDataGenerateTime, "ephemeralDataGenerateTime")
    .u8(value.confirmKeyGenerateTime, "confirmKeyGenerateTime")
    .bytes(value.certificate)
    .finish();
}

export function decodeInitiateKe(payload: Uint8Array): InitiateKe {
  const r = new ZclReader(payload);
  const suite = readSuite(r);
  const ephemeralDataGenerateTime = r.u8("ephemeralDataGenerateTime");
  const confirmKeyGenerateTime = r.u8("confirmKeyGenerateTime");
  const certificate = r.rest();
  certificateOf(certificate, suite, "certificate", "BAD_FRAME");
  return { suite, ephemeralDataGenerateTime, confirmKeyGenerateTime, certificate };
}

/** Ephemeral Data Request / Response payload: the compressed point QEU / QEV (C.3.1.3.2). */
export function encodeEphemeralData(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 22 && publicKey.length !== 37) {
    throw new ZseError("BAD_VALUE", `ephemeralData: ${publicKey.length} bytes, expected 22 or 37`);
  }
  return Uint8Array.from(publicKey);
}

/**
 * Decodes Ephemeral Data; with `suite` the length must be that suite's (22 / 37 B), without
 * it either. The first byte must be a compressed-point prefix (0x02 or 0x03, SEC 1 2.3.3).
 */
export function decodeEphemeralData(payload: Uint8Array, suite?: KeSuite): Uint8Array {
  const allowed = suite === undefined ? [22, 37] : [EPHEMERAL_KEY_LENGTH[suite]];
  if (!allowed.includes(payload.length)) {
    throw new ZseError(
      "BAD_FRAME",
      `ephemeralData: ${payload.length} bytes, expected ${allowed.join(" or ")}`,
    );
  }
  if (payload[0] !== 0x02 && payload[0] !== 0x03) {
    throw new ZseError(
      "BAD_FRAME",
      `ephemeralData: prefix 0x${payload[0].toString(16)} is not a compressed point`,
    );
  }
  return Uint8Array.from(payload);
}

/** Confirm Key Data Request / Response payload: MACU / MACV, 16 B (C.3.1.3.3). */
export function encodeConfirmKeyData(mac: Uint8Array): Uint8Array {
  if (mac.length !== KE_MAC_LENGTH) throw new ZseError("BAD_VALUE", `mac: ${mac.length} bytes, expected 16`);
  return Uint8Array.from(mac);
}

export function decodeConfirmKeyData(payload: Uint8Array): Uint8Array {
  if (payload.length !== KE_MAC_LENGTH) {
    throw new ZseError("BAD_FRAME", `mac: ${payload.length} bytes, expected 16`);
  }
  return Uint8Array.from(payload);
}

export function encodeTerminateKe(value: TerminateKe): Uint8Array {
  return new ZclWriter()
    .u8(value.status, "status")
    .u8(value.waitTime, "waitTime")
    .u16(value.suites, "suites")
    .finish();
}

export function decodeTerminateKe(payload: Uint8Array): TerminateKe {
  const r = new ZclReader(payload);
  const status = r.u8("status");
  const waitTime = r.u8("waitTime");
  const suites = r.u16("suites");
  r.end("Terminate Key Establishment");
  return { status, waitTime, suites };
}

/** A KE cluster command with its decoded payload. */
export type KeMessage =
  | ({ command: "initiate" } & InitiateKe)
  | { command: "ephemeral"; publicKey: Uint8Array }
  | { command: "confirm"; mac: Uint8Array }
  | ({ command: "terminate" } & TerminateKe);

const COMMAND_ID: Record<KeMessage["command"], number> = {
  initiate: KeCommandId.INITIATE_KE,
  ephemeral: KeCommandId.EPHEMERAL_DATA,
  confirm: KeCommandId.CONFIRM_KEY_DATA,
  terminate: KeCommandId.TERMINATE_KE,
};

/** The payload of a KE message. */
export function encodeKeMessage(m: KeMessage): Uint8Array {
  switch (m.command) {
    case "initiate":
      return encodeInitiateKe(m);
    case "ephemeral":
      return encodeEphemeralData(m.publicKey);
    case "confirm":
      return encodeConfirmKeyData(m.mac);
    case "terminate":
      return encodeTerminateKe(m);
  }
}

/** Decodes a KE command payload by command id; unknown ids are BAD_FRAME. */
export function decodeKeMessage(commandId: number, payload: Uint8Array, suite?: KeSuite): KeMessage {
  switch (commandId) {
    case KeCommandId.INITIATE_KE:
      return { command: "initiate", ...decodeInitiateKe(payload) };
    case KeCommandId.EPHEMERAL_DATA:
      return { command: "ephemeral", publicKey: decodeEphemeralData(payload, suite) };
    case KeCommandId.CONFIRM_KEY_DATA:
      return { command: "confirm", mac: decodeConfirmKeyData(payload) };
    case KeCommandId.TERMINATE_KE:
      return { command: "terminate", ...decodeTerminateKe(payload) };
    default:
      throw new ZseError(
        "BAD_FRAME",
        `commandId: 0x${commandId.toString(16)} is not a Key Establishment command`,
      );
  }
}

/** A complete KE cluster frame: cluster-specific header (C.3.1) + payload. */
export function encodeKeFrame(input: {
  seq: number;
  direction: ZclDirection;
  message: KeMessage;
  disableDefaultResponse?: boolean;
}): Uint8Array {
  const header: ZclHeader = {
    frameType: "cluster",
    direction: input.direction,
    disableDefaultResponse: input.disableDefaultResponse ?? false,
    seq: input.seq,
    commandId: COMMAND_ID[input.message.command],
  };
  return encodeZclFrame(header, encodeKeMessage(input.message));
}

/**
 * Decodes a complete KE frame. BAD_FRAME for a global frame, a manufacturer-specific one, or
 * a malformed payload.
 */
export function decodeKeFrame(frame: Uint8Array, suite?: KeSuite): { header: ZclHeader; message: KeMessage } {
  const { header, payload } = decodeZclFrame(frame);
  if (header.frameType !== "cluster")
    throw new ZseError("BAD_FRAME", "frameType: global, expected cluster specific");
  if (header.manufacturerCode !== undefined) {
    throw new ZseError(
      "BAD_FRAME",
      `manufacturerCode: 0x${header.manufacturerCode.toString(16)} on a KE command`,
    );
  }
  return { header, message: decodeKeMessage(header.commandId, payload, suite) };
}
