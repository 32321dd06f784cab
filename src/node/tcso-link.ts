/**
 * What Trust Center Swap-Out (seed section 6.2; SE 07-5356 §5.4.2.2.3.4) needs from the network
 * below a node: ZDO Match Descriptor (Zigbee 05-3474 2.4.3.1.7) telling "no answer" from an
 * empty answer, Trust Center rejoin (3.6.1.4.2) on the node's channel or on another one, and a
 * scan of the other channels (IEEE 802.15.4 5.1.2.1.2 active scan). `SeNode.startKeepAlive({ link })`
 * uses it for the supervisor's `discover`, `tcso-rejoin` and `tcso-scan` actions; the simulator's
 * is src/node/tcso-sim.ts.
 */
import type { TcsoScanFound } from "../engine/keepalive-types.js";
import type { Eui64Hex } from "../engine/types.js";

export interface TcsoLink {
  /** Match Descriptor: the endpoints ([] = an empty answer), or null when nothing answered. */
  discover(request: { target: Eui64Hex; profile: number; cluster: number }): Promise<number[] | null>;
  /**
   * Trust Center rejoin on the current channel, or on `channel` where a scan found `tc`: the
   * Trust Center of the network rejoined, or null.
   */
  rejoin(request: { channel?: number; tc?: Eui64Hex }): Promise<Eui64Hex | null>;
  /** Scans the channels other than the node's for a Trust Center's network. */
  scan(): Promise<TcsoScanFound | null>;
}
