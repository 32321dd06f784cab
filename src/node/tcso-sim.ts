/**
 * Trust Center Swap-Out's view of the simulated network (`TcsoLink` for src/net/sim): ZDO
 * Match Descriptor (Zigbee 05-3474 2.4.3.1.7), Trust Center rejoin (3.6.1.4.2 / 4.6.3.2: the
 * Trust Center sends the network key in Transport Key under the key-transport key of the TC
 * link key it holds for the device, or of its install-code link key, SE 07-5356 5.4.4) on the
 * node's channel or on another one,
 * and an active scan of the other channels (IEEE 802.15.4 5.1.2.1.2: a Beacon Request on each
 * channel, aBaseSuperframeDuration * (2^n + 1) symbols per channel).
 */
import type { TcsoScanFound } from "../engine/keepalive-types.js";
import type { Eui64Hex } from "../engine/types.js";
import type { SimNetwork } from "../net/sim/network.js";
import type { SimStack } from "../net/sim/stack.js";
import type { TcsoLink } from "./keepalive-host.js";
import { KEY_LABEL } from "./trust-center.js";

/** The 2.4 GHz channels (IEEE 802.15.4 O-QPSK, 11..26). */
export const ZIGBEE_CHANNELS: readonly number[] = Array.from({ length: 16 }, (_, i) => 11 + i);
/** Scan time per channel at scan duration 3: 960 symbols * 16 us * (2^3 + 1) = 138.24 ms. */
export const SCAN_MS_PER_CHANNEL = 138.24;
/** How long a rejoin that nobody answers takes: 3 association attempts of 1 s each. */
export const REJOIN_NO_ANSWER_MS = 3000;

export interface SimTcsoLinkOptions {
  stack: SimStack;
  network: SimNetwork;
  /** The install-code link key the device rejoins with (a secret). */
  installCodeKey: Uint8Array;
  /** Every Trust Center that may run a network (old and new); the scan looks for these. */
  trustCenters: () => readonly Eui64Hex[];
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

  async rejoin(request: { channel?: number; tc?: Eui64Hex }): Promise<Eui64Hex | null> {
    const { stack, network } = this.o;
    const me = stack.eui64;
    const before = network.channelOf(me);
    const channel = request.channel ?? before;
    network.setChannel(me, channel);
    const coordinator = network.coordinator;
    const answers =
      coordinator !== undefined &&
      (request.tc === undefined || request.tc === coordinator) &&
      network.isOn(coordinator) &&
      network.channelOf(coordinator) === channel;
    if (!answers) {
      await this.wait(REJOIN_NO_ANSWER_MS);
      this.note(`Trust Center rejoin on channel ${channel}: no answer`);
      network.setChannel(me, before);
      return null;
    }
    this.note(`Trust Center rejoin on channel ${channel}`);
    // a Trust Center rejoin: a TC that holds the device's TC link key keeps it and sends the
    // network key under it; a TC that never knew the device uses the install-code key
    const r = await stack.join({
      preconfiguredKey: this.o.installCodeKey,
      label: KEY_LABEL.installCode,
      rejoin: true,
    });
    if (r.status === "SUCCESS" && r.trustCenter) return r.trustCenter;
    network.setChannel(me, before);
    return null;
  }

  async scan(): Promise<TcsoScanFound | null> {
    const { stack, network } = this.o;
    const mine = network.channelOf(stack.eui64);
    const channels = (this.o.channels ?? ZIGBEE_CHANNELS).filter((c) => c !== mine);
    await this.wait(Math.round(channels.length * SCAN_MS_PER_CHANNEL));
    const tc = this.o
      .trustCenters()
      .find((t) => network.isOn(t) && t === network.coordinator && channels.includes(network.channelOf(t)));
    const found = tc ? { tc, channel: network.channelOf(tc) } : null;
    this.note(
      `scan of channels ${channels[0]}..${channels[channels.length - 1]}: ${found ? `network of ${network.nameOf(found.tc)} on channel ${found.channel}` : "no network"}`,
    );
    return found;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.o.network.clock.after(ms, resolve));
  }

  private note(what: string): void {
    const { network, stack } = this.o;
    network.log({ t: network.clock.now(), from: stack.name, to: "-", what, key: "-" });
  }
}
