/**
 * Shared types of the Key Establishment engines (SE 07-5356 C.3.1 Key Establishment cluster,
 * C.4.2 CBKE): the device's identity and credentials, the injected CBKE computation
 * (`KeCrypto`), and the outcome each engine reports when a session ends.
 */
import type { Rng } from "../util/rng.js";
import type { KeSuite, KeTerminateStatusName } from "../zcl/ke-commands.js";
import type { BaseAction, Eui64Hex } from "./types.js";

/** One suite's credentials: our implicit certificate, static private key, CA public key. */
export interface KeSuiteCredentials {
  certificate: Uint8Array;
  privateKey: Uint8Array;
  caPublicKey: Uint8Array;
  /** The trusted CA's issuer id (8 bytes); default: the issuer field of `certificate`. */
  caIssuer?: Uint8Array;
}

/** Who we are in Key Establishment. */
export interface KeIdentity {
  eui64: Eui64Hex;
  /** Credentials per suite we support; the engine offers exactly these suites. */
  credentials: Partial<Record<KeSuite, KeSuiteCredentials>>;
  /** Seconds we advertise for generating ephemeral data (C.3.1.3.1); default 10 (SiLabs). */
  ephemeralDataGenerateTime?: number;
  /** Seconds we advertise for generating the confirm key (C.3.1.3.1); default 15 (SiLabs). */
  confirmKeyGenerateTime?: number;
}

/** A certificate problem as the engine sends it: the Terminate status and one line of why. */
export interface KeCertificateVerdict {
  status: Extract<KeTerminateStatusName, "UNKNOWN_ISSUER" | "INVALID_CERTIFICATE" | "BAD_MESSAGE">;
  reason: string;
}

export interface KeCertificateCheckInput {
  suite: KeSuite;
  /** The partner's certificate from its Initiate KE Request / Response. */
  certificate: Uint8Array;
  /** The EUI-64 (8 bytes, big-endian) the frame came from: the subject must equal it. */
  sender: Uint8Array;
  /** Our credentials for the suite (the CA we trust). */
  local: KeSuiteCredentials;
  /** Wall-clock time for the validity window, when the device has one. */
  at?: Date;
}

export interface KeDeriveInput {
  suite: KeSuite;
  role: "initiator" | "responder";
  local: {
    eui64: Uint8Array;
    credentials: KeSuiteCredentials;
    ephemeralPrivateKey: Uint8Array;
    ephemeralPublicKey: Uint8Array;
  };
  remote: { eui64: Uint8Array; certificate: Uint8Array; ephemeralPublicKey: Uint8Array };
}

/**
 * The CBKE computation as the engines call it (C.4.2). `derive` throws a ZseError for an
 * invalid point or key (the engine answers BAD_MESSAGE); `checkCertificate` returns undefined
 * when the certificate passes.
 */
export interface KeCrypto {
  generateEphemeral(suite: KeSuite, rng: Rng): { privateKey: Uint8Array; publicKey: Uint8Array };
  checkCertificate(input: KeCertificateCheckInput): KeCertificateVerdict | undefined;
  derive(input: KeDeriveInput): { keyData: Uint8Array; macU: Uint8Array; macV: Uint8Array };
}

/**
 * How a session ended: SUCCESS, a Terminate status (sent by us or received), or a local-only
 * outcome never sent on air: TIMEOUT (partner silent past its advertised time + slack) and
 * NO_KE_ENDPOINT (no Key Establishment server found). A Terminate status outside the table
 * shows as "0x..".
 */
export type KeOutcomeStatus =
  | "SUCCESS"
  | KeTerminateStatusName
  | "TIMEOUT"
  | "NO_KE_ENDPOINT"
  | `0x${string}`;

export interface KeOutcome {
  role: "initiator" | "responder";
  partner: Eui64Hex;
  status: KeOutcomeStatus;
  /** The suite in use, once chosen. */
  suite?: KeSuite;
  /** "peer": the partner sent Terminate; "local": we ended it (and sent Terminate when `terminateSent`). */
  source: "local" | "peer";
  terminateSent: boolean;
  /** Engine time the session started and how long it ran (ms). */
  startedAt: number;
  durationMs: number;
  /** The wait time (s) of a Terminate we received or sent. */
  waitTimeSec?: number;
  /** One line on why it failed. */
  reason?: string;
}

/** Reported once per session when it ends. */
export interface KeDoneAction {
  kind: "ke-done";
  outcome: KeOutcome;
}

export type KeAction = BaseAction | KeDoneAction;

/** Settings shared by both engines. */
export interface KeEngineOptions {
  identity: KeIdentity;
  crypto: KeCrypto;
  rng: Rng;
  /** Slack added to the partner's advertised generate time for each step's timeout (ms); default 10 000 (seed ZCL_KEY_TIMEOUT_SLACK_SEC). */
  slackMs?: number;
  /** Unix time in ms at engine time `now`, for certificate validity; omitted: validity is not checked. */
  wallClock?: (now: number) => number;
  /** How long a received frame is remembered to drop retransmissions (ms); default 60 000. */
  duplicateWindowMs?: number;
}

export const KE_DEFAULT_SLACK_MS = 10_000;
export const KE_DEFAULT_EPHEMERAL_TIME_SEC = 10;
export const KE_DEFAULT_CONFIRM_TIME_SEC = 15;
export const KE_DEFAULT_WAIT_TIME_SEC = 30;
export const KE_DEFAULT_DUPLICATE_WINDOW_MS = 60_000;
