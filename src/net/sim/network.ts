/**
 * The simulated radio medium: one PAN, every node in range of every other (single hop),
 * frames crossing as bytes after a seeded random latency, lost with probability `loss` per
 * MAC attempt (IEEE 802.15.4 macMaxFrameRetries = 3 retries by default), plus fault
 * injection: a node powered off, a chosen frame dropped or corrupted. Every transmission
 * goes into the timeline (virtual time, from, to, what, which key protected it).
 */
import type { Eui64Hex } from "../../engine/types.js";
import type { SeededRng } from "../../util/rng.js";
import { crc16Kermit } from "../frames/mac.js";
import type { SimClock } from "./clock.js";

/**
 * Flips one bit of the last payload byte (inside the MIC of a secured frame) and recomputes
 * the FCS, as a tampering radio would: the MAC accepts it, security must catch it.
 */
function corrupt(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  if (out.length < 4) return out;
  out[out.length - 3] ^= 0x01;
  const fcs = crc16Kermit(out.subarray(0, out.length - 2));
  out[out.length - 2] = fcs & 0xff;
  out[out.length - 1] = fcs >> 8;
  return out;
}

/** What crosses the air: the APS frame bytes (or a MAC association frame) with NWK addressing. */
export interface AirFrame {
  kind: "aps" | "assoc-request" | "assoc-response";
  src: Eui64Hex;
  dst: Eui64Hex;
  bytes: Uint8Array;
  /** For the timeline only: what the sender says this is, and which key protected it. */
  label: string;
  key: string;
}

export interface Radio {
  eui64: Eui64Hex;
  name: string;
  receive(frame: AirFrame): void;
}

export interface TimelineEntry {
  /** Virtual ms. */
  t: number;
  from: string;
  to: string;
  what: string;
  key: string;
  /** "lost", "dropped: ...", "corrupted", "retry 2", ... */
  note?: string;
}

export interface Fault {
  match: (frame: AirFrame) => boolean;
  action: "drop" | "corrupt";
  /** How many matching frames it affects (default 1). */
  count?: number;
}

export interface SimNetworkOptions {
  clock: SimClock;
  rng: SeededRng;
  /** Per-frame latency bounds in ms (default 2..12). */
  latencyMs?: { min: number; max: number };
  /** Probability a MAC transmission attempt is lost (default 0). */
  loss?: number;
  /** MAC retries per frame (default 3). */
  macRetries?: number;
  /** Keep the timeline (default true; off for large benchmarks). */
  timeline?: boolean;
}

export class SimNetwork {
  readonly clock: SimClock;
  readonly rng: SeededRng;
  readonly timeline: TimelineEntry[] = [];
  private readonly latency: { min: number; max: number };
  private readonly loss: number;
  private readonly macRetries: number;
  private readonly keepTimeline: boolean;
  private radios = new Map<Eui64Hex, Radio>();
  private shorts = new Map<Eui64Hex, number>();
  /** Per radio link (source, then destination): the time of the last delivery. */
  private lastDelivery = new Map<Eui64Hex, Map<Eui64Hex, number>>();
  private off = new Set<Eui64Hex>();
  private channels = new Map<Eui64Hex, number>();
  private faults: { f: Fault; left: number }[] = [];
  private listeners: ((frame: AirFrame, t: number) => void)[] = [];
  /** The coordinator that answers association requests. */
  coordinator: Eui64Hex | undefined;
  /** Counters for summaries. */
  readonly stats = { sent: 0, delivered: 0, lost: 0, macRetries: 0, faults: 0 };

  constructor(options: SimNetworkOptions) {
    this.clock = options.clock;
    this.rng = options.rng;
    this.latency = options.latencyMs ?? { min: 2, max: 12 };
    this.loss = options.loss ?? 0;
    this.macRetries = options.macRetries ?? 3;
    this.keepTimeline = options.timeline ?? true;
  }

  attach(radio: Radio): void {
    this.radios.set(radio.eui64, radio);
    this.off.delete(radio.eui64);
  }
  /** Removes a node (a replaced device is detached, then its replacement attached). */
  detach(eui64: Eui64Hex): void {
    this.radios.delete(eui64);
  }
  powerOff(eui64: Eui64Hex): void {
    this.off.add(eui64);
    this.log({ t: this.clock.now(), from: this.nameOf(eui64), to: "-", what: "power off", key: "-" });
  }
  powerOn(eui64: Eui64Hex): void {
    this.off.delete(eui64);
    this.log({ t: this.clock.now(), from: this.nameOf(eui64), to: "-", what: "power on", key: "-" });
  }
  /** The IEEE 802.15.4 channel (11..26) a node is on; frames cross only within one channel. */
  setChannel(eui64: Eui64Hex, channel: number): void {
    this.channels.set(eui64, channel);
  }
  /** A node's channel (default 11). */
  channelOf(eui64: Eui64Hex): number {
    return this.channels.get(eui64) ?? 11;
  }
  /** NWK address lookup (stands in for ZDO NWK_addr_req and the neighbour tables). */
  setShort(eui64: Eui64Hex, shortAddress: number): void {
    this.shorts.set(eui64, shortAddress);
  }
  shortOf(eui64: Eui64Hex): number | undefined {
    return this.shorts.get(eui64);
  }
  isOn(eui64: Eui64Hex): boolean {
    return this.radios.has(eui64) && !this.off.has(eui64);
  }
  injectFault(fault: Fault): void {
    this.faults.push({ f: fault, left: fault.count ?? 1 });
  }
  /** Called for every frame put on the air (a capture writer hooks here). */
  onAir(listener: (frame: AirFrame, t: number) => void): void {
    this.listeners.push(listener);
  }
  nameOf(eui64: Eui64Hex): string {
    return this.radios.get(eui64)?.name ?? eui64;
  }
  log(entry: TimelineEntry): void {
    if (this.keepTimeline) this.timeline.push(entry);
  }

  /** Puts a unicast frame on the air; delivery (or loss) happens on the clock. */
  transmit(frame: AirFrame): void {
    const now = this.clock.now();
    this.stats.sent++;
    if (!this.isOn(frame.src)) return;
    // the timeline entry is only made when a timeline is kept (large runs keep none)
    const entry: TimelineEntry | undefined = this.keepTimeline
      ? {
          t: now,
          from: this.nameOf(frame.src),
          to: this.nameOf(frame.dst),
          what: frame.label,
          key: frame.key,
        }
      : undefined;
    for (const l of this.listeners) l(frame, now);
    let bytes = frame.bytes;
    const fault =
      this.faults.length > 0 ? this.faults.find((x) => x.left > 0 && x.f.match(frame)) : undefined;
    if (fault) {
      fault.left--;
      this.stats.faults++;
      if (fault.f.action === "drop") {
        if (entry) this.log({ ...entry, note: "dropped (injected fault)" });
        return;
      }
      bytes = corrupt(bytes);
      if (entry) entry.note = "corrupted in flight (injected fault)";
    }
    // MAC attempts: each lost with probability `loss`; a node that is off never acknowledges
    let attempts = 0;
    let delivered = false;
    const reachable = this.isOn(frame.dst) && this.channelOf(frame.src) === this.channelOf(frame.dst);
    while (attempts <= this.macRetries) {
      attempts++;
      if (reachable && !(this.loss > 0 && this.rng.float() < this.loss)) {
        delivered = true;
        break;
      }
    }
    this.stats.macRetries += attempts - 1;
    if (!delivered) {
      this.stats.lost++;
      if (entry) {
        this.log({
          ...entry,
          note: reachable
            ? `lost (${attempts} MAC attempts)`
            : "no answer (node off, absent or on another channel)",
        });
      }
      return;
    }
    if (entry) {
      if (attempts > 1) entry.note = `${entry.note ? `${entry.note}; ` : ""}${attempts - 1} MAC retries`;
      this.log(entry);
    }
    const span = this.latency.max - this.latency.min;
    const delay = this.latency.min + (span > 0 ? this.rng.int(span + 1) : 0) + (attempts - 1) * 2;
    // one radio link delivers in order: never before the previous frame on the same link
    let links = this.lastDelivery.get(frame.src);
    if (!links) {
      links = new Map();
      this.lastDelivery.set(frame.src, links);
    }
    const at = Math.max(now + delay, links.get(frame.dst) ?? 0);
    links.set(frame.dst, at);
    // the frame as sent, unless a fault changed its bytes in flight
    const out: AirFrame =
      bytes === frame.bytes
        ? frame
        : { kind: frame.kind, src: frame.src, dst: frame.dst, bytes, label: frame.label, key: frame.key };
    this.clock.at(at, () => {
      const r = this.radios.get(frame.dst);
      if (!r || this.off.has(frame.dst)) return;
      this.stats.delivered++;
      r.receive(out);
    });
  }
}
