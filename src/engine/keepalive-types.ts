/**
 * Trust Center Keep-Alive cluster (0x0025) and Trust Center Swap-Out (TCSO): constants,
 * settings and the action / input shapes the keep-alive and TCSO engines exchange with the
 * node that drives them.
 *
 * Follows SE 07-5356 §5.4.2.2.3.4 (Keep-Alive method) and the Keep-Alive cluster definition
 * (server attributes Base and Jitter), with the TCSO statuses of the Exegin stack the seed page
 * (section 6.2) documents (`enum ZbTcsoStatusT`).
 */
import { ZseError } from "../util/errors.js";
import type { BaseAction, Eui64Hex } from "./types.js";

// Cluster, profile and attribute identifiers, ranges and defaults live in src/zcl/ids.ts.

/** Consecutive failed reads after which the TC counts as unreachable (SE §5.4.2.2.3.4). */
export const KEEPALIVE_FAILURES_MAX = 3;
/** Least pause before keep-alive resumes after a failed TCSO (seed 6.2: five minutes). */
export const TCSO_COOLDOWN_MIN_MS = 5 * 60_000;

/** The two server attribute values, as the client uses them for its timing. */
export interface KeepAliveParams {
  /** Minutes, 1..255. */
  base: number;
  /** Seconds, 0..512. */
  jitter: number;
}

/** TCSO statuses handed to the application callback (Exegin `ZbTcsoStatusT`). */
export const TcsoStatus = {
  /** Swapped to a new Trust Center (rejoined it and ran CBKE with it). */
  SUCCESS: 0,
  /** The TC is unreachable and the search starts; the callback may return false to halt. */
  DISCOVERY_UNDERWAY: 1,
  /** The previous Trust Center was found again (possibly on another channel). */
  REJOIN_PREV: 2,
  /** No Trust Center answered; the previous operation resumes. */
  NOT_FOUND: 3,
  /** The node could not restore a working state (e.g. CBKE with the new TC failed). */
  FATAL: 4,
} as const;
export type TcsoStatus = (typeof TcsoStatus)[keyof typeof TcsoStatus];

/** The status names ("SUCCESS", "DISCOVERY_UNDERWAY", ...). */
export type TcsoStatusName = keyof typeof TcsoStatus;

/** Name of a TCSO status, for timelines, logs and string-typed callbacks. */
export function tcsoStatusName(status: TcsoStatus): TcsoStatusName {
  for (const [name, value] of Object.entries(TcsoStatus)) if (value === status) return name as TcsoStatusName;
  throw new ZseError("BAD_VALUE", `TCSO status ${status} is not 0..4`);
}

/**
 * The application's TCSO callback. Called with every status; its return value matters only
 * for DISCOVERY_UNDERWAY raised by the keep-alive client: `false` halts TCSO and the
 * keep-alive client until the application calls `startTcso()` or `keepAliveClientStart()`.
 */
export type TcsoCallback = (status: TcsoStatus, info: { tc: Eui64Hex; now: number }) => boolean | undefined;

/**
 * Ask the node to find the Keep-Alive server endpoint on `target` (ZDO Match Descriptor
 * request, Zigbee 05-3474 §2.4.3.1.7, for `cluster` in the server list of `profile`). The node
 * answers with `KeepAliveClient.discoveryResult()`.
 */
export interface DiscoverAction {
  kind: "discover";
  target: Eui64Hex;
  cluster: number;
  profile: number;
}

/** The keep-alive client saw its third consecutive failure: the TC at `tc` is unreachable. */
export interface TcUnreachableAction {
  kind: "tc-unreachable";
  tc: Eui64Hex;
}

/**
 * TCSO step: rejoin (Zigbee 05-3474 §3.6.1.4.2, Trust Center rejoin) on the current channel
 * (`channel` undefined), or on `channel` where a scan found `tc`. The node answers with
 * `Tcso.rejoinResult()` naming the Trust Center of the network it rejoined, or null.
 */
export interface TcsoRejoinAction {
  kind: "tcso-rejoin";
  channel?: number;
  tc?: Eui64Hex;
}

/** What a `tcso-scan` found: the Trust Center of the network and the channel it is on. */
export interface TcsoScanFound {
  tc: Eui64Hex;
  channel: number;
}

/** TCSO step: scan the channels other than the current one for the network (beacons) and rejoin candidates. */
export interface TcsoScanAction {
  kind: "tcso-scan";
}

/** TCSO step: run CBKE (SE 07-5356 §C.3) with the new Trust Center to get its link key. */
export interface TcsoCbkeAction {
  kind: "tcso-cbke";
  partner: Eui64Hex;
}

/** Every TCSO status also goes out as an action, for timelines (the callback is the API). */
export interface TcsoStatusAction {
  kind: "tcso-status";
  status: TcsoStatus;
  /** The Trust Center in effect after this status. */
  tc: Eui64Hex;
}

/** Outcome of one keep-alive read or discovery, reported as an action for timelines. */
export interface KeepAliveResultAction {
  kind: "keepalive-result";
  ok: boolean;
  /** What failed or succeeded: the attribute read or the endpoint discovery. */
  step: "read" | "discover";
  /** Consecutive failures after this outcome (0 after a success; 3 is reported, then reset). */
  failures: number;
  /** Why it failed (timeout, error status, ...), when it did. */
  reason?: string;
  /** The parameters in use after this outcome. */
  params: KeepAliveParams;
}

/** Keep-Alive client actions. */
export type KeepAliveClientAction = BaseAction | DiscoverAction | TcUnreachableAction | KeepAliveResultAction;
/** TCSO actions. */
export type TcsoAction = BaseAction | TcsoRejoinAction | TcsoScanAction | TcsoCbkeAction | TcsoStatusAction;
/** What the composed joiner-side supervisor emits. */
export type TcSupervisorAction = KeepAliveClientAction | TcsoAction;
