/**
 * A simulated Zigbee stack for one node, implementing the Transport (src/net/transport.ts)
 * over the simulated medium: APS data and commands as bytes with APS security (05-3474 4.4),
 * APS acknowledgements and retries (2.2.8.4.4, apsMaxFrameRetries = 3, apsAckWaitDuration),
 * duplicate rejection (2.2.8.4.5), incoming frame-counter checks (4.4.1.2 step 7), outgoing
 * counters persisted with a forward jump, ZDO Match Descriptor (2.4.3.1.7) and the join
 * procedure reduced to association + Transport Key of the network key (4.6.3.2).
 * Not modelled: NWK headers and NWK security, routing, beacons and channel scans.
 */
import type { Eui64Hex } from "../../engine/types.js";
import { FrameCounters } from "../../store/frame-counters.js";
import type { Store } from "../../store/store.js";
import { fromHex, toHex } from "../../util/bytes.js";
import type { SeededRng } from "../../util/rng.js";
import type { ApsFrame } from "../frames/aps.js";
import { KeyId, type KeyIdentifier } from "../frames/security.js";
import { ZDO_PROFILE } from "../frames/zdo.js";
import type {
  ApsCommand,
  CommandIndication,
  CommandRequest,
  CommandSecurity,
  CoordinatorTransport,
  DataIndication,
  DataRequest,
  DeliveryResult,
  EndpointDescriptor,
  JoinerTransport,
  JoinRequest,
  JoinResult,
  TransportEvents,
} from "../transport.js";
import {
  type AirKeys,
  airDecodeOptions,
  decodeAir,
  encodeAir,
  fromWireCommand,
  toWireCommand,
} from "./air.js";
import { DuplicateTable, FreshnessGuard } from "./aps-guards.js";
import type { SimClock } from "./clock.js";
import type { AirFrame, SimNetwork } from "./network.js";
import { ZdoService } from "./zdo-service.js";

export interface SimStackOptions {
  network: SimNetwork;
  eui64: Eui64Hex;
  /** Name in the timeline ("TC", "meter-1"). */
  name: string;
  /** Persists the outgoing frame counters. */
  store: Store;
  rng: SeededRng;
  /** apsAckWaitDuration in ms (default 1600). */
  ackWaitMs?: number;
  /** apsMaxFrameRetries (default 3). */
  apsRetries?: number;
  /** Frame counters reserved per store write (default 1024). */
  counterBlock?: number;
}

type Handlers = { [E in keyof TransportEvents]: ((e: TransportEvents[E]) => void)[] };

/** Short addresses the coordinator hands out: 0x0001..0xfff6 (0xfff8.. are broadcast/reserved). */
const SHORT_ADDRESSES = 0xfff6;
const JOIN_STEP_TIMEOUT_MS = 5000;
const ASSOCIATION_WAIT_MS = 1000;
const ASSOCIATION_TRIES = 3;

/** A readable name for an APS command, for the timeline. */
export function describeCommand(c: ApsCommand): string {
  const t = { network: "network key", "tc-link": "TC link key", "app-link": "application link key" }[
    c.keyType
  ];
  if (c.kind === "request-key")
    return `Request Key (${t}${c.keyType === "app-link" ? ` with ${c.partner}` : ""})`;
  return `Transport Key (${t})`;
}

export class SimStack implements JoinerTransport, CoordinatorTransport {
  readonly eui64: Eui64Hex;
  /** `eui64` as bytes, for the APS nonce of every frame this node secures (read only). */
  private readonly euiBytes: Uint8Array;
  readonly name: string;
  readonly network: SimNetwork;
  private readonly clock: SimClock;
  private readonly rng: SeededRng;
  private readonly counters: FrameCounters;
  private readonly ackWaitMs: number;
  private readonly apsRetries: number;
  private endpoints = new Map<number, EndpointDescriptor>();
  private linkKeys = new Map<Eui64Hex, { key: Uint8Array; label: string; previous?: Uint8Array }>();
  /** Security frame-counter freshness per sender, NWK and APS (keyed by the sender's EUI-64). */
  private freshNwk = new FreshnessGuard();
  private freshAps = new FreshnessGuard();
  private duplicates = new DuplicateTable();
  private apsCounters = new Map<Eui64Hex, number>();
  /** Waiting acknowledgements: destination, then APS counter. */
  private pendingAcks = new Map<Eui64Hex, Map<number, () => void>>();
  private readonly zdo: ZdoService;
  private handlers: Handlers = { data: [], command: [], "security-failure": [] };
  // joiner state
  private _trustCenter: Eui64Hex | undefined;
  private joinWait: ((r: JoinResult) => void) | undefined;
  networkKey: Uint8Array | undefined;
  shortAddress: number | undefined;
  // coordinator state
  private joinHandler: ((r: JoinRequest) => boolean) | undefined;
  private admittedHandlers: ((d: { eui64: Eui64Hex; shortAddress: number; rejoin: boolean }) => void)[] = [];
  private shortAddresses = new Map<Eui64Hex, number>();
  private usedShort = new Set<number>([0]);
  /** Frames dropped by APS security or replay checks. */
  readonly drops: { t: number; from: Eui64Hex; reason: string }[] = [];

  constructor(options: SimStackOptions) {
    this.eui64 = options.eui64;
    this.euiBytes = fromHex(options.eui64);
    this.name = options.name;
    this.network = options.network;
    this.clock = options.network.clock;
    this.rng = options.rng;
    this.counters = new FrameCounters({ store: options.store, block: options.counterBlock });
    this.ackWaitMs = options.ackWaitMs ?? 1600;
    this.apsRetries = options.apsRetries ?? 3;
    this.zdo = new ZdoService({
      scheduler: this.clock,
      send: (r) => this.sendData(r),
      endpoints: () => this.endpoints.values(),
      ownShort: () => this.shortAddress,
      shortOf: (e) => this.network.shortOf(e),
    });
    this.network.attach({ eui64: this.eui64, name: this.name, receive: (f) => this.receive(f) });
  }

  get trustCenter(): Eui64Hex | undefined {
    return this._trustCenter;
  }

  on<E extends keyof TransportEvents>(event: E, handler: (e: TransportEvents[E]) => void): void {
    (this.handlers[event] as ((e: TransportEvents[E]) => void)[]).push(handler);
  }
  private emit<E extends keyof TransportEvents>(event: E, e: TransportEvents[E]): void {
    for (const h of this.handlers[event] as ((e: TransportEvents[E]) => void)[]) h(e);
  }

  registerEndpoint(descriptor: EndpointDescriptor): void {
    this.endpoints.set(descriptor.endpoint, { ...descriptor });
  }

  setLinkKey(partner: Eui64Hex, key: Uint8Array | undefined, label = "link key"): void {
    // the replaced key stays a decryption candidate: a retransmission protected with it may
    // still be in flight (its acknowledgement lost) when the new key is installed
    const old = this.linkKeys.get(partner)?.key;
    if (key) this.linkKeys.set(partner, { key: Uint8Array.from(key), label, previous: old });
    else this.linkKeys.delete(partner);
  }
  getLinkKey(partner: Eui64Hex): Uint8Array | undefined {
    return this.linkKeys.get(partner)?.key;
  }
  /** Every partner this node holds a link key with. */
  linkKeyPartners(): Eui64Hex[] {
    return [...this.linkKeys.keys()];
  }
  /** The label of the key shared with `partner` ("TC link key (CBKE)"). */
  linkKeyLabel(partner: Eui64Hex): string | undefined {
    return this.linkKeys.get(partner)?.label;
  }
  /** The next outgoing APS security frame counter (for tests and restarts). */
  peekFrameCounter(): number {
    return this.counters.peek("aps");
  }

  // ---- sending -------------------------------------------------------------------------

  async sendData(req: DataRequest): Promise<DeliveryResult> {
    const frame: ApsFrame = {
      type: "data",
      dstEndpoint: req.dstEndpoint,
      clusterId: req.cluster,
      profileId: req.profile,
      srcEndpoint: req.srcEndpoint,
      counter: this.nextApsCounter(req.to),
      ackRequest: req.ackRequested ?? true,
      payload: req.payload,
    };
    const label = req.label ?? `APS data, cluster 0x${req.cluster.toString(16).padStart(4, "0")}`;
    return this.sendFrame(req.to, frame, req.apsSecurity ? KeyId.data : undefined, label);
  }

  async sendCommand(req: CommandRequest): Promise<DeliveryResult> {
    const frame: ApsFrame = {
      type: "command",
      counter: this.nextApsCounter(req.to),
      ackRequest: true,
      command: toWireCommand(req.command),
    };
    const keyId =
      req.security === "none" ? undefined : req.security === "link" ? KeyId.data : KeyId.keyTransport;
    // the network key goes to a joiner that has no network key yet: NWK security off (4.6.3.2)
    const nwkSecured = !(req.command.kind === "transport-key" && req.command.keyType === "network");
    return this.sendFrame(req.to, frame, keyId, req.label ?? describeCommand(req.command), nwkSecured);
  }

  /**
   * The APS counter (05-3474 2.2.5.1.8), kept per destination: with one 8-bit counter a busy
   * Trust Center wraps it within the duplicate-rejection window, and a partner would discard a
   * new frame as a repeat of an old one.
   */
  private nextApsCounter(to: Eui64Hex): number {
    const c = this.apsCounters.get(to) ?? 0;
    this.apsCounters.set(to, (c + 1) & 0xff);
    return c;
  }

  /** Encodes one transmission: fresh NWK and APS frame counters every time (4.3.1.1, 4.4.1.1). */
  private encode(
    to: Eui64Hex,
    frame: ApsFrame,
    keyId: KeyIdentifier | undefined,
    nwkSecured: boolean,
  ): Uint8Array {
    const lk = keyId !== undefined ? this.linkKeys.get(to) : undefined;
    const nwkKey = nwkSecured ? this.networkKey : undefined;
    return encodeAir({
      addressing: {
        src: this.eui64,
        srcShort: this.shortAddress ?? 0xfffe,
        dst: to,
        dstShort: this.network.shortOf(to) ?? 0xfffe,
        macSequence: this.nextSeq("mac"),
        nwkSequence: this.nextSeq("nwk"),
      },
      frame,
      // one shape with or without each layer's security (see encodeAir)
      aps:
        lk && keyId !== undefined
          ? { key: lk.key, keyId, frameCounter: this.counters.take("aps"), source: this.euiBytes }
          : undefined,
      nwk: nwkKey
        ? { networkKey: nwkKey, frameCounter: this.counters.take("nwk"), keySequence: 0 }
        : undefined,
    });
  }

  private seqs = { mac: 0, nwk: 0 };
  private nextSeq(which: "mac" | "nwk"): number {
    const v = this.seqs[which];
    this.seqs[which] = (v + 1) & 0xff;
    return v;
  }

  private async sendFrame(
    to: Eui64Hex,
    frame: ApsFrame,
    keyId: KeyIdentifier | undefined,
    label: string,
    nwkSecured = true,
  ): Promise<DeliveryResult> {
    const lk = keyId !== undefined ? this.linkKeys.get(to) : undefined;
    if (keyId !== undefined && !lk) return { status: "NO_KEY", attempts: 0 };
    const keyLabel = !lk
      ? "none"
      : keyId === KeyId.keyTransport
        ? `key-transport key of ${lk.label}`
        : lk.label;
    const ackRequested = frame.type !== "ack" && frame.ackRequest === true;
    const tries = ackRequested ? 1 + this.apsRetries : 1;
    for (let attempt = 1; attempt <= tries; attempt++) {
      const air: AirFrame = {
        kind: "aps",
        src: this.eui64,
        dst: to,
        bytes: this.encode(to, frame, keyId, nwkSecured),
        label: attempt > 1 ? `${label} (APS retry ${attempt - 1})` : label,
        key: keyLabel,
      };
      if (!ackRequested) {
        this.network.transmit(air);
        return { status: "SUCCESS", attempts: 1 };
      }
      const counter = frame.counter;
      let waits = this.pendingAcks.get(to);
      if (!waits) {
        waits = new Map();
        this.pendingAcks.set(to, waits);
      }
      const w = waits;
      const acked = await new Promise<boolean>((resolve) => {
        const timer = this.clock.after(this.ackWaitMs, () => {
          w.delete(counter);
          resolve(false);
        });
        w.set(counter, () => {
          this.clock.cancel(timer);
          w.delete(counter);
          resolve(true);
        });
        this.network.transmit(air);
      });
      if (acked) return { status: "SUCCESS", attempts: attempt };
    }
    return { status: "NO_ACK", attempts: tries };
  }

  // ---- receiving -----------------------------------------------------------------------

  /** The keys a received frame may be secured with (one object, reused for every frame). */
  private readonly airKeys: AirKeys = {
    networkKey: undefined,
    linkKeysOf: (src) => {
      const k = this.linkKeys.get(src);
      return k ? (k.previous ? [k.key, k.previous] : [k.key]) : [];
    },
  };
  private readonly airDecode = airDecodeOptions(this.airKeys);

  private receive(f: AirFrame): void {
    if (f.kind === "assoc-request") {
      this.onAssocRequest(f);
      return;
    }
    if (f.kind === "assoc-response") {
      this.onAssocResponse(f);
      return;
    }
    let d: ReturnType<typeof decodeAir>;
    try {
      this.airKeys.networkKey = this.networkKey;
      d = decodeAir(f.bytes, this.airDecode);
    } catch (e) {
      this.drop(f.src, `malformed frame: ${(e as Error).message}`, "-");
      return;
    }
    if (!d.nwk.ok) {
      this.drop(
        f.src,
        `NWK security: ${d.nwk.reason}`,
        this.networkKey ? "network key" : "no network key held",
      );
      return;
    }
    if (d.nwk.security && !this.freshNwk.accept(f.src, d.nwk.security.aux.frameCounter)) {
      this.drop(f.src, `replayed NWK frame counter ${d.nwk.security.aux.frameCounter}`, "network key");
      return;
    }
    if (!d.aps) return;
    if (!d.aps.ok) {
      this.drop(f.src, `APS security: ${d.aps.reason}`, this.linkKeys.get(f.src)?.label ?? "none held");
      return;
    }
    const frame = d.aps.frame;
    let security: CommandSecurity = "none";
    const sec = d.aps.security;
    if (sec) {
      // 05-3474 4.4.1.2: a frame counter not above the last one seen from this source is a replay
      if (!this.freshAps.accept(f.src, sec.aux.frameCounter)) {
        this.drop(
          f.src,
          `replayed APS frame counter ${sec.aux.frameCounter}`,
          this.linkKeys.get(f.src)?.label ?? "-",
        );
        return;
      }
      security = sec.aux.keyId === KeyId.keyTransport ? "key-transport" : "link";
    }
    if (frame.type === "ack") {
      this.pendingAcks.get(f.src)?.get(frame.counter)?.();
      return;
    }
    if (this.duplicates.seen(f.src, frame.counter, this.clock.now())) {
      if (frame.ackRequest) this.sendAck(f.src, frame);
      return;
    }
    if (frame.type === "command") {
      const command = fromWireCommand(frame.command);
      const ind: CommandIndication | undefined = command ? { from: f.src, command, security } : undefined;
      // the network key of a join is taken before the acknowledgement, which it then secures
      const joined = ind ? this.onJoinTransportKey(ind) : false;
      if (frame.ackRequest) this.sendAck(f.src, frame);
      if (ind && !joined) this.emit("command", ind);
      return;
    }
    if (frame.ackRequest) this.sendAck(f.src, frame);
    if (frame.dstEndpoint === 0 && frame.profileId === ZDO_PROFILE) {
      try {
        this.zdo.handle(f.src, frame.clusterId, frame.payload);
      } catch (e) {
        this.drop(f.src, `malformed ZDO frame: ${(e as Error).message}`, "none");
      }
      return;
    }
    const ind: DataIndication = {
      from: f.src,
      srcEndpoint: frame.srcEndpoint,
      dstEndpoint: frame.dstEndpoint ?? 0,
      cluster: frame.clusterId,
      profile: frame.profileId,
      payload: frame.payload,
      apsSecured: security === "link",
    };
    this.emit("data", ind);
  }

  private drop(from: Eui64Hex, reason: string, key: string): void {
    this.drops.push({ t: this.clock.now(), from, reason });
    this.network.log({
      t: this.clock.now(),
      from: this.network.nameOf(from),
      to: this.name,
      what: "frame dropped",
      key,
      note: reason,
    });
    this.emit("security-failure", { from, reason, key });
  }

  private sendAck(to: Eui64Hex, frame: Exclude<ApsFrame, { type: "ack" }>): void {
    const ack: ApsFrame =
      frame.type === "data"
        ? {
            type: "ack",
            ackFormat: "data",
            dstEndpoint: frame.srcEndpoint,
            clusterId: frame.clusterId,
            profileId: frame.profileId,
            srcEndpoint: frame.dstEndpoint ?? 0,
            counter: frame.counter,
          }
        : { type: "ack", ackFormat: "command", counter: frame.counter };
    this.network.transmit({
      kind: "aps",
      src: this.eui64,
      dst: to,
      bytes: this.encode(to, ack, undefined, true),
      label: "APS ack",
      key: "none",
    });
  }

  // ---- ZDO -----------------------------------------------------------------------------

  async matchDescriptor(request: {
    target: Eui64Hex;
    profile: number;
    inClusters: number[];
  }): Promise<number[]> {
    return (await this.zdo.matchDescriptor(request)) ?? [];
  }

  /** Match Descriptor telling an empty answer ([]) from no answer at all (undefined). */
  matchDescriptorOrTimeout(request: {
    target: Eui64Hex;
    profile: number;
    inClusters: number[];
  }): Promise<number[] | undefined> {
    return this.zdo.matchDescriptor(request);
  }

  // ---- joining (joiner side) -----------------------------------------------------------

  /**
   * Joins the network (05-3474 4.6.3.2): association with the coordinator, then waits for the
   * network key in Transport Key, protected with the key-transport key of `preconfiguredKey`.
   */
  async join(options: {
    preconfiguredKey: Uint8Array;
    label?: string;
    rejoin?: boolean;
  }): Promise<JoinResult> {
    const coordinator = this.network.coordinator;
    if (!coordinator) return { status: "NO_NETWORK" };
    this.rejoining = options.rejoin === true;
    this.preconfigured = {
      key: Uint8Array.from(options.preconfiguredKey),
      label: options.label ?? "preconfigured link key",
    };
    return new Promise<JoinResult>((resolve) => {
      let timer = 0;
      const finish = (r: JoinResult) => {
        if (this.joinWait !== finish) return;
        this.clock.cancel(timer);
        this.joinWait = undefined;
        resolve(r);
      };
      this.joinWait = finish;
      // association retried (macMaxFrameRetries covers single frames; the joiner retries the
      // whole exchange); then the network key must arrive within JOIN_STEP_TIMEOUT_MS
      let tries = 0;
      const attempt = () => {
        if (this.joinWait !== finish) return;
        if (this.shortAddress !== undefined && this._trustCenter === coordinator) {
          timer = this.clock.after(JOIN_STEP_TIMEOUT_MS, () => finish({ status: "TIMEOUT" }));
          return;
        }
        if (tries++ >= ASSOCIATION_TRIES) {
          finish({ status: "TIMEOUT" });
          return;
        }
        this.network.transmit({
          kind: "assoc-request",
          src: this.eui64,
          dst: coordinator,
          bytes: Uint8Array.of(0x8e, options.rejoin ? 1 : 0),
          label: `${options.rejoin ? "Rejoin Request" : "Association Request"}${tries > 1 ? ` (retry ${tries - 1})` : ""}`,
          key: "none",
        });
        timer = this.clock.after(ASSOCIATION_WAIT_MS, attempt);
      };
      this.shortAddress = undefined;
      this._trustCenter = undefined;
      attempt();
    });
  }
  private preconfigured: { key: Uint8Array; label: string } | undefined;
  private rejoining = false;

  private onAssocResponse(f: AirFrame): void {
    if (!this.joinWait || f.bytes.length !== 3) return;
    const status = f.bytes[2];
    if (status !== 0) {
      this.joinWait({ status: "REFUSED" });
      return;
    }
    this.shortAddress = f.bytes[0] | (f.bytes[1] << 8);
    this.network.setShort(this.eui64, this.shortAddress);
    this._trustCenter = f.src;
    // a rejoin keeps the key held with the same Trust Center; a new TC means the preconfigured key
    if (this.preconfigured && !(this.rejoining && this.linkKeys.has(f.src)))
      this.setLinkKey(f.src, this.preconfigured.key, this.preconfigured.label);
    this.freshAps.forget(f.src);
    this.freshNwk.forget(f.src);
  }

  /** The Transport Key of the network key that completes a join; true when consumed. */
  private onJoinTransportKey(ind: CommandIndication): boolean {
    const c = ind.command;
    if (c.kind !== "transport-key" || c.keyType !== "network") return false;
    if (ind.from !== this._trustCenter || ind.security !== "key-transport") return false;
    this.networkKey = Uint8Array.from(c.key);
    this.joinWait?.({ status: "SUCCESS", shortAddress: this.shortAddress, trustCenter: ind.from });
    return true;
  }

  // ---- joining (coordinator side) ------------------------------------------------------

  form(options: { networkKey: Uint8Array }): void {
    this.networkKey = Uint8Array.from(options.networkKey);
    this.shortAddress = 0;
    this.network.coordinator = this.eui64;
    this.network.setShort(this.eui64, 0);
  }
  onJoinRequest(handler: (request: JoinRequest) => boolean): void {
    this.joinHandler = handler;
  }
  onDeviceAdmitted(
    handler: (device: { eui64: Eui64Hex; shortAddress: number; rejoin: boolean }) => void,
  ): void {
    this.admittedHandlers.push(handler);
  }
  shortAddressOf(eui64: Eui64Hex): number | undefined {
    return this.shortAddresses.get(eui64);
  }
  /** Restores a known device's short address (a restarted coordinator). */
  restoreShortAddress(eui64: Eui64Hex, shortAddress: number): void {
    this.network.setShort(eui64, shortAddress);
    this.shortAddresses.set(eui64, shortAddress);
    this.usedShort.add(shortAddress);
  }

  private onAssocRequest(f: AirFrame): void {
    if (this.network.coordinator !== this.eui64) return;
    const rejoin = f.bytes[1] === 1;
    let short = this.shortAddresses.get(f.src);
    // every address handed out (0 is the coordinator's): PAN at capacity (802.15.4 association
    // status 0x01) rather than a search for a free address that never ends
    const full = short === undefined && this.usedShort.size > SHORT_ADDRESSES;
    const admit = !full && (this.joinHandler ? this.joinHandler({ eui64: f.src, rejoin }) : false);
    if (admit && short === undefined) {
      do short = 1 + this.rng.int(0xfff6);
      while (this.usedShort.has(short));
      this.usedShort.add(short);
      this.shortAddresses.set(f.src, short);
      this.network.setShort(f.src, short);
    }
    const s = admit ? (short as number) : 0xffff;
    this.freshAps.forget(f.src);
    this.freshNwk.forget(f.src);
    this.duplicates.forget(f.src);
    this.network.transmit({
      kind: "assoc-response",
      src: this.eui64,
      dst: f.src,
      bytes: Uint8Array.of(s & 0xff, s >> 8, admit ? 0x00 : full ? 0x01 : 0x02),
      label: admit
        ? `${rejoin ? "Rejoin" : "Association"} Response (short address 0x${toHex(Uint8Array.of(s >> 8, s & 0xff))})`
        : full
          ? "Association Response (PAN at capacity)"
          : "Association Response (PAN access denied)",
      key: "none",
    });
    if (admit) for (const h of this.admittedHandlers) h({ eui64: f.src, shortAddress: s, rejoin });
  }
}
