/**
 * The seam between a node and its Key Establishment engines (SE 07-5356 C.3, C.4): a node
 * asks its KeRunner to initiate CBKE with a partner's KE endpoint and gets the outcome.
 */
import type { Eui64Hex } from "../engine/types.js";

/** Outcome of one key establishment, as the BDB KE status and ZbZclKeWithDevice's callback see it. */
export interface KeOutcome {
  partner: Eui64Hex;
  /** "SUCCESS", a Terminate status name (UNKNOWN_ISSUER, BAD_KEY_CONFIRM, BAD_MESSAGE, NO_RESOURCES,
   * UNSUPPORTED_SUITE, INVALID_CERTIFICATE) or a local one (TIMEOUT, NO_KE_ENDPOINT, NOT_JOINED). */
  status: string;
  suite?: 1 | 2;
  durationMs: number;
  /** The Terminate wait time, when the partner sent one (NO_RESOURCES). */
  waitTimeS?: number;
  /** KeyData: the new link key with the partner (a secret), on SUCCESS. */
  key?: Uint8Array;
  /** The partner certificate's subject. */
  certificateSubject?: Eui64Hex;
  /** One line on why it failed. */
  reason?: string;
}

export interface KeRunner {
  initiate(options: { partner: Eui64Hex; endpoint: number }): Promise<KeOutcome>;
}
