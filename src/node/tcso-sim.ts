/**
 * Trust Center Swap-Out's view of the simulated network (a `TcsoLink`, src/node/tcso-link.ts):
 * ZDO Match Descriptor (Zigbee 05-3474 2.4.3.1.7) telling no answer from an empty one, Trust
 * Center rejoin (3.6.1.4.2; the TC sends the network key under the key-transport key of the
 * TC link key it still holds, or of the install-code key for a TC that never knew the device,
 * 4.6.3.2 / SE 07-5356 5.4.4) on the node's channel or on another one, and an active scan of the
 * other channels (IEEE 802.15.4 5.1.2.1.2: a Beacon Request per channel, aBaseSuperframeDuration
 * * (2^n + 1) symbols each). Channels are SimNetwork's: frames cross only within one.
 */
import type { TcsoScanFound } from "../engine/keepalive-types.js";
import type { Eui64Hex } from "../engine/types.js";
import type { SimNetwork } from "../net/sim/network.js";
import type { SimStack } from "../net/sim/stack.js";
import type { TcsoLink } from "./tcso-link.js";
import { KEY_LABEL } from "./trust-center.js";

/** The 2.4 GHz channels (IEEE 802.15.4 O-QPSK, 11..26). */
export const ZIGBEE_CHANNELS: readonly number[] = Array.from({ length: 16 }, (_, i) => 11 + i);
/** Scan time per channel at scan duration 3: 960 symbols * 16 us * (2^3 + 1) = 138.24 ms. */
export const SCAN_MS_PER_CHANNEL = 138.24;

export interface SimTcsoLinkOptions {
  stack: SimStack;
  network: SimNetwork;
  /** The install-code link key, for a Trust Center that does not know the device's TC link key (a secret). */
  installCodeKey: Uint8Array;
  /** Channels scanned (default 11..26). */
  channels?: readonly number[];
}

export class SimTcsoLink implements TcsoLink {
  private readonly o: SimTcsoLinkOptions;

  constructor(options: SimTcsoLinkOptions) {
    this.o = options;
  }

  async discover(request: { target: Eui64Hex; profile: number; cluster: number }): Promise<number[] | null> {
    const eps = await this.o.stack.matchDescriptorOrTimeout({
      target: request.target,
      profile: request.profile,
      inClusters: [request.cluster],
    });
    return eps ?? null;
  }

  /** Rejoins on `channel` (default the node's); back on the old channel when nobody answered. */
  async rejoin(request: { channel?: number; tc?: Eui64Hex }): Promise<Eui64Hex | null> {
    const { stack, network } = this.o;
    const before = network.channelOf(stack.eui64);
    const channel = request.channel ?? before;
    network.setChannel(stack.eui64, channel);
    this.note(`Trust Center rejoin on channel ${channel}`);
    const r = await stack.join({
      preconfiguredKey: this.o.installCodeKey,
      label: KEY_LABEL.installCode,
      rejoin: true,
    });
    if (r.status === "SUCCESS" && r.trustCenter) return r.trustCenter;
    this.note(`Trust Center rejoin on channel ${channel}: ${r.status}`);
    network.setChannel(stack.eui64, before);
    return null;
  }

  /** Beacon Requests on every other channel; the coordinator answers if it is on one of them. */
  async scan(): Promise<TcsoScanFound | null> {
    const { stack, network } = this.o;
    const mine = network.channelOf(stack.eui64);
    const channels = (this.o.channels ?? ZIGBEE_CHANNELS).filter((c) => c !== mine);
    await new Promise<void>((r) => network.clock.after(Math.round(channels.length * SCAN_MS_PER_CHANNEL), r));
    const tc = network.coordinator;
    const found =
      tc !== undefined && network.isOn(tc) && channels.includes(network.channelOf(tc))
        ? { tc, channel: network.channelOf(tc) }
        : null;
    this.note(
      `scan of channels ${channels[0]}..${channels[channels.length - 1]}: ${found ? `network of ${network.nameOf(found.tc)} on channel ${found.channel}` : "no network"}`,
    );
    return found;
  }

  private note(what: string): void {
    const { network, stack } = this.o;
    network.log({ t: network.clock.now(), from: stack.name, to: "-", what, key: "-" });
  }
}
