/**
 * Runs a node's Key Establishment engines (SE 07-5356 C.3.1: initiator = client, responder =
 * server of cluster 0x0800) over a Transport and a Scheduler: engine actions become APS data
 * frames (no APS encryption, with APS acknowledgements, C.3.1.1), timers on the clock, keys
 * and outcomes for the node. Frames sent client to server go to the responder, server to
 * client to the initiator (ZCL 07-5123 2.4.1.1.3 direction bit).
 */
import { KeInitiator } from "../engine/ke-initiator.js";
import { KeResponder } from "../engine/ke-responder.js";
import type { KeOutcome as EngineOutcome, KeAction, KeCrypto, KeIdentity } from "../engine/ke-types.js";
import type { KeWaitTimePolicy } from "../engine/ke-wait-queue.js";
import type { Eui64Hex } from "../engine/types.js";
import type { Scheduler } from "../net/sim/clock.js";
import type { DataIndication, Transport } from "../net/transport.js";
import type { Rng } from "../util/rng.js";
import { CLUSTER_KEY_ESTABLISHMENT, PROFILE_SE } from "../zcl/ids.js";
import { keTerminateStatusName } from "../zcl/ke-commands.js";
import type { KeOutcome, KeRunner } from "./ke-runner.js";

export interface KeHostOptions {
  transport: Transport;
  scheduler: Scheduler;
  identity: KeIdentity;
  crypto: KeCrypto;
  rng: Rng;
  /** Our KE endpoint (default 240). */
  endpoint: number;
  /** Run a responder (every SE device answers KE), and with how many concurrent sessions. */
  responder?: { maxSessions?: number; waitTimeSec?: number; waitTime?: KeWaitTimePolicy };
  /** A responder session ended (SUCCESS carries the key). */
  onResponderDone?: (outcome: KeOutcome) => void;
  /** Unix ms at scheduler time `now`, for certificate validity; omitted: not checked. */
  wallClock?: (now: number) => number;
}

const NAMES_TO_SERVER = [
  "Initiate KE Request",
  "Ephemeral Data Request",
  "Confirm Key Data Request",
  "Terminate KE",
];
const NAMES_TO_CLIENT = [
  "Initiate KE Response",
  "Ephemeral Data Response",
  "Confirm Key Data Response",
  "Terminate KE",
];
const GLOBAL_NAMES: Record<number, string> = {
  0: "Read Attributes (KeyEstablishmentSuite)",
  1: "Read Attributes Response (KeyEstablishmentSuite)",
  11: "Default Response",
};

/** A readable name of a KE cluster ZCL frame, for the timeline. */
export function describeKeFrame(frame: Uint8Array): string {
  if (frame.length < 3) return "KE frame";
  const fc = frame[0];
  const o = fc & 0x04 ? 2 : 0;
  const id = frame[2 + o];
  if ((fc & 0x03) === 0) return GLOBAL_NAMES[id] ?? `ZCL global 0x${id.toString(16)}`;
  const name = (fc & 0x08 ? NAMES_TO_CLIENT : NAMES_TO_SERVER)[id] ?? `KE command 0x${id.toString(16)}`;
  if (id === 3 && frame.length > 3 + o) return `${name} (${keTerminateStatusName(frame[3 + o])})`;
  return name;
}

export class KeHost implements KeRunner {
  readonly initiator: KeInitiator;
  readonly responder: KeResponder | undefined;
  private readonly transport: Transport;
  private readonly scheduler: Scheduler;
  private readonly endpoint: number;
  private readonly onResponderDone: (o: KeOutcome) => void;
  /** Engine timers by role, then timer name (per-role maps: no key string per action). */
  private timers = { initiator: new Map<string, number>(), responder: new Map<string, number>() };
  private partnerEndpoints = new Map<Eui64Hex, number>();
  private keys = new Map<string, Uint8Array>();
  private waiting = new Map<Eui64Hex, (o: KeOutcome) => void>();

  constructor(options: KeHostOptions) {
    this.transport = options.transport;
    this.scheduler = options.scheduler;
    this.endpoint = options.endpoint;
    this.onResponderDone = options.onResponderDone ?? (() => {});
    const base = {
      identity: options.identity,
      crypto: options.crypto,
      rng: options.rng,
      ...(options.wallClock ? { wallClock: options.wallClock } : {}),
    };
    this.initiator = new KeInitiator(base);
    this.responder = options.responder ? new KeResponder({ ...base, ...options.responder }) : undefined;
    this.transport.on("data", (d) => this.onData(d));
  }

  /** Starts CBKE with `partner`'s KE endpoint; resolves with the outcome (never rejects). */
  initiate(options: { partner: Eui64Hex; endpoint: number }): Promise<KeOutcome> {
    const partner = options.partner.toLowerCase();
    this.partnerEndpoints.set(partner, options.endpoint);
    return new Promise<KeOutcome>((resolve) => {
      this.waiting.set(partner, resolve);
      let actions: KeAction[];
      try {
        actions = this.initiator.start({ partner, endpoint: options.endpoint, now: this.scheduler.now() });
      } catch (e) {
        this.waiting.delete(partner);
        resolve({ partner, status: "BAD_STATE", durationMs: 0, reason: (e as Error).message });
        return;
      }
      this.apply("initiator", actions);
    });
  }

  private onData(d: DataIndication): void {
    if (d.cluster !== CLUSTER_KEY_ESTABLISHMENT || d.profile !== PROFILE_SE || d.payload.length < 3) return;
    const from = d.from.toLowerCase();
    if (!this.partnerEndpoints.has(from)) this.partnerEndpoints.set(from, d.srcEndpoint);
    const rx = {
      from,
      endpoint: d.srcEndpoint,
      cluster: d.cluster,
      frame: d.payload,
      apsSecured: d.apsSecured,
    };
    const toClient = (d.payload[0] & 0x08) !== 0;
    const now = this.scheduler.now();
    if (toClient) this.apply("initiator", this.initiator.receive(rx, now));
    else if (this.responder) this.apply("responder", this.responder.receive(rx, now));
  }

  private apply(role: "initiator" | "responder", actions: readonly KeAction[]): void {
    const engine = role === "initiator" ? this.initiator : this.responder;
    for (const a of actions) {
      switch (a.kind) {
        case "send": {
          const to = a.to.toLowerCase();
          void this.transport.sendData({
            to,
            dstEndpoint: a.endpoint ?? this.partnerEndpoints.get(to) ?? this.endpoint,
            srcEndpoint: this.endpoint,
            cluster: a.cluster,
            profile: PROFILE_SE,
            payload: a.frame,
            apsSecurity: a.apsSecurity,
            label: describeKeFrame(a.frame),
          });
          break;
        }
        case "timer": {
          const timers = this.timers[role];
          const name = a.name;
          const old = timers.get(name);
          if (old !== undefined) this.scheduler.cancel(old);
          timers.set(
            name,
            this.scheduler.at(a.at, () => {
              timers.delete(name);
              if (engine) this.apply(role, engine.timer(name, this.scheduler.now()));
            }),
          );
          break;
        }
        case "cancel": {
          const timers = this.timers[role];
          const old = timers.get(a.name);
          if (old !== undefined) this.scheduler.cancel(old);
          timers.delete(a.name);
          break;
        }
        case "key":
          this.keys.set(`${role}:${a.partner.toLowerCase()}`, a.key);
          break;
        case "ke-done":
          this.done(role, a.outcome);
          break;
      }
    }
  }

  private done(role: "initiator" | "responder", o: EngineOutcome): void {
    const partner = o.partner.toLowerCase();
    const keyId = `${role}:${partner}`;
    const key = this.keys.get(keyId);
    this.keys.delete(keyId);
    const outcome: KeOutcome = {
      partner,
      status: o.status,
      durationMs: o.durationMs,
      ...(o.suite ? { suite: o.suite } : {}),
      ...(o.waitTimeSec !== undefined ? { waitTimeS: o.waitTimeSec } : {}),
      ...(o.reason ? { reason: o.reason } : {}),
      ...(o.status === "SUCCESS" && key ? { key, certificateSubject: partner } : {}),
    };
    if (role === "responder") {
      this.onResponderDone(outcome);
      return;
    }
    const w = this.waiting.get(partner);
    this.waiting.delete(partner);
    w?.(outcome);
  }
}
