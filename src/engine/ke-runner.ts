/**
 * An in-memory network for Key Establishment engines (SE 07-5356 C.3.1): delivers the frames
 * engines send to each other after a fixed latency, fires their timers on a virtual clock,
 * and records the frame trace, the keys installed and the outcomes. Frames sent client to
 * server go to the receiver's responder, server to client to its initiator. Used by tests
 * and by the simulator; `runKeExchange` runs one initiator against one responder.
 */
import { ZseError } from "../util/errors.js";
import type { KeInitiator, KeStartInput } from "./ke-initiator.js";
import type { KeResponder } from "./ke-responder.js";
import type { KeAction, KeOutcome } from "./ke-types.js";
import type { Eui64Hex, ReceivedFrame } from "./types.js";

/** What the bus needs from an engine. */
export interface KeEngineLike {
  receive(rx: ReceivedFrame, now: number): KeAction[];
  timer(name: string, now: number): KeAction[];
}

export interface KeBusNode {
  eui64: Eui64Hex;
  initiator?: KeEngineLike;
  responder?: KeEngineLike;
}

export type KeRole = "initiator" | "responder";

/** One frame put on the bus. */
export interface KeTraceEntry {
  /** Time it was sent. */
  at: number;
  from: Eui64Hex;
  to: Eui64Hex;
  cluster: number;
  /** The frame as delivered (after `tamper`). */
  frame: Uint8Array;
  /** False when `tamper` dropped it or no engine took it. */
  delivered: boolean;
}

export interface KeInstalledKey {
  holder: Eui64Hex;
  partner: Eui64Hex;
  key: Uint8Array;
  at: number;
}

export interface KeBusOptions {
  /** Engine time at the start (ms); default 0. */
  now?: number;
  /** One-way delivery latency (ms); default 5. */
  latencyMs?: number;
  /** Sees every frame before delivery: return new bytes to alter it, null to drop it, undefined to pass it. */
  tamper?: (entry: {
    from: Eui64Hex;
    to: Eui64Hex;
    frame: Uint8Array;
    at: number;
    index: number;
  }) => Uint8Array | null | undefined;
  /** Safety stop on the number of events processed; default 10 000. */
  maxEvents?: number;
}

type NewEvent =
  | {
      at: number;
      kind: "frame";
      from: Eui64Hex;
      to: Eui64Hex;
      cluster: number;
      frame: Uint8Array;
      index: number;
    }
  | { at: number; kind: "timer"; owner: Eui64Hex; role: KeRole; name: string };
type Event = NewEvent & { order: number };

export class KeBus {
  now: number;
  readonly trace: KeTraceEntry[] = [];
  readonly outcomes: KeOutcome[] = [];
  readonly keys: KeInstalledKey[] = [];
  private readonly nodes = new Map<Eui64Hex, KeBusNode>();
  private readonly timers = new Map<string, number>();
  private queue: Event[] = [];
  private order = 0;
  private readonly latencyMs: number;
  private readonly options: KeBusOptions;

  constructor(options: KeBusOptions = {}) {
    this.options = options;
    this.now = options.now ?? 0;
    this.latencyMs = options.latencyMs ?? 5;
  }

  add(node: KeBusNode): this {
    this.nodes.set(node.eui64.toLowerCase(), node);
    return this;
  }

  /** Feeds actions an engine of `owner` returned outside the bus (e.g. from `start`). */
  apply(owner: Eui64Hex, role: KeRole, actions: readonly KeAction[]): void {
    const me = owner.toLowerCase();
    for (const a of actions) {
      switch (a.kind) {
        case "send": {
          const index = this.trace.length;
          const entry: KeTraceEntry = {
            at: this.now,
            from: me,
            to: a.to,
            cluster: a.cluster,
            frame: a.frame,
            delivered: true,
          };
          this.trace.push(entry);
          const t = this.options.tamper?.({ from: me, to: a.to, frame: a.frame, at: this.now, index });
          if (t === null) {
            entry.delivered = false;
            break;
          }
          if (t !== undefined) entry.frame = t;
          this.push({
            at: this.now + this.latencyMs,
            kind: "frame",
            from: me,
            to: a.to,
            cluster: a.cluster,
            frame: entry.frame,
            index,
          });
          break;
        }
        case "timer":
          this.timers.set(`${me}|${role}|${a.name}`, a.at);
          this.push({ at: a.at, kind: "timer", owner: me, role, name: a.name });
          break;
        case "cancel":
          this.timers.delete(`${me}|${role}|${a.name}`);
          break;
        case "key":
          this.keys.push({ holder: me, partner: a.partner, key: a.key, at: this.now });
          break;
        case "ke-done":
          this.outcomes.push(a.outcome);
          break;
      }
    }
  }

  /** Puts a hand-made frame on the bus (a crafted peer), delivered after the latency. */
  inject(input: { from: Eui64Hex; to: Eui64Hex; cluster: number; frame: Uint8Array; at?: number }): void {
    const index = this.trace.length;
    const at = input.at ?? this.now;
    this.trace.push({
      at,
      from: input.from.toLowerCase(),
      to: input.to,
      cluster: input.cluster,
      frame: input.frame,
      delivered: true,
    });
    this.push({
      at: at + this.latencyMs,
      kind: "frame",
      from: input.from.toLowerCase(),
      to: input.to,
      cluster: input.cluster,
      frame: input.frame,
      index,
    });
  }

  /** Processes events in time order until none is left or the next is after `until`. */
  run(until = Number.POSITIVE_INFINITY): void {
    const max = this.options.maxEvents ?? 10_000;
    let n = 0;
    while (this.queue.length > 0 && this.queue[0].at <= until) {
      if (++n > max) throw new ZseError("BAD_STATE", `KE bus: more than ${max} events, stopping`);
      const e = this.queue.shift() as Event;
      if (e.kind === "timer") {
        const key = `${e.owner}|${e.role}|${e.name}`;
        if (this.timers.get(key) !== e.at) continue; // cancelled or re-armed: the clock does not move
        this.timers.delete(key);
        this.now = Math.max(this.now, e.at);
        const engine = this.nodes.get(e.owner)?.[e.role];
        if (engine) this.apply(e.owner, e.role, engine.timer(e.name, this.now));
        continue;
      }
      this.now = Math.max(this.now, e.at);
      const node = this.nodes.get(e.to.toLowerCase());
      const role: KeRole = e.frame.length > 0 && e.frame[0] & 0x08 ? "initiator" : "responder";
      const engine = node?.[role];
      if (!node || !engine) {
        this.trace[e.index].delivered = false;
        continue;
      }
      const rx: ReceivedFrame = { from: e.from, cluster: e.cluster, frame: e.frame, apsSecured: false };
      this.apply(node.eui64, role, engine.receive(rx, this.now));
    }
    if (until !== Number.POSITIVE_INFINITY) this.now = Math.max(this.now, until);
  }

  private push(e: NewEvent): void {
    const ev: Event = { ...e, order: this.order++ };
    let i = this.queue.length;
    while (
      i > 0 &&
      (this.queue[i - 1].at > ev.at || (this.queue[i - 1].at === ev.at && this.queue[i - 1].order > ev.order))
    )
      i--;
    this.queue.splice(i, 0, ev);
  }
}

export interface KeExchangeInput extends Omit<KeBusOptions, "now"> {
  initiator: KeInitiator;
  responder: KeResponder;
  /** Start time (ms); default 0. */
  now?: number;
  /** Extra start settings (endpoint, partnerSuites). */
  start?: Partial<Omit<KeStartInput, "partner" | "now">>;
}

export interface KeExchangeResult {
  initiator?: KeOutcome;
  responder?: KeOutcome;
  trace: KeTraceEntry[];
  keys: KeInstalledKey[];
  /** Engine time when the exchange settled. */
  now: number;
  bus: KeBus;
}

/**
 * Runs one key establishment between `initiator` and `responder` in memory and returns both
 * outcomes (the responder's is absent when it never started a session), the frame trace and
 * the keys installed.
 */
export function runKeExchange(input: KeExchangeInput): KeExchangeResult {
  const { initiator, responder } = input;
  const bus = new KeBus({ ...input, now: input.now ?? 0 });
  bus.add({ eui64: initiator.eui64, initiator }).add({ eui64: responder.eui64, responder });
  bus.apply(
    initiator.eui64,
    "initiator",
    initiator.start({ ...input.start, partner: responder.eui64, now: bus.now }),
  );
  bus.run();
  return {
    initiator: bus.outcomes.find((o) => o.role === "initiator"),
    responder: bus.outcomes.find((o) => o.role === "responder"),
    trace: bus.trace,
    keys: bus.keys,
    now: bus.now,
    bus,
  };
}
