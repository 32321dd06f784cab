/**
 * The shape shared by every sans-IO engine (KE initiator/responder, Keep-Alive client/server,
 * TCSO). An engine is a class fed events with the current time (milliseconds of whatever
 * clock the caller runs: virtual in the simulator) and answering with actions. Engines never
 * read a clock, open a socket or draw randomness of their own: an `Rng` is injected.
 */

/** A device address as engines see it: the EUI-64 as 16 lower-case hex digits (big-endian). */
export type Eui64Hex = string;

/** Send a ZCL frame (header + payload bytes) to a partner's endpoint on a cluster. */
export interface SendAction {
  kind: "send";
  to: Eui64Hex;
  /** Destination endpoint; undefined = the partner's endpoint found by discovery. */
  endpoint?: number;
  cluster: number;
  /** The complete ZCL frame. */
  frame: Uint8Array;
  /** Whether APS security is required for this frame (Keep-Alive reads: yes; KE commands: no). */
  apsSecurity: boolean;
}

/** Arm (or re-arm) the named timer to fire at absolute time `at` (ms). */
export interface TimerAction {
  kind: "timer";
  name: string;
  at: number;
}

/** Cancel the named timer if armed. */
export interface CancelAction {
  kind: "cancel";
  name: string;
}

/** Install `key` as the APS link key with `partner`. */
export interface KeyAction {
  kind: "key";
  partner: Eui64Hex;
  key: Uint8Array;
}

export type BaseAction = SendAction | TimerAction | CancelAction | KeyAction;

/** A received ZCL frame as handed to an engine. */
export interface ReceivedFrame {
  from: Eui64Hex;
  endpoint?: number;
  cluster: number;
  frame: Uint8Array;
  /** True when the frame arrived APS-encrypted (with the link key of `from`). */
  apsSecured: boolean;
}
