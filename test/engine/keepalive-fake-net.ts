/**
 * Test harness for the Keep-Alive / TCSO engines: a virtual clock (ms) and a fake world that
 * executes the supervisor's actions. The TC runs a real KeepAliveServer; the world decides
 * whether the TC answers, what a rejoin or a scan finds and whether CBKE succeeds, each after a
 * fixed virtual delay, so every test can state exactly when things happen.
 */
import { KeepAliveServer } from "../../src/engine/keepalive-server.js";
import type { TcsoStatus } from "../../src/engine/keepalive-types.js";
import { TcSupervisor, type TcSupervisorOptions } from "../../src/engine/tcso-supervisor.js";
import type { Eui64Hex } from "../../src/engine/types.js";
import { SeededRng } from "../../src/util/rng.js";
import { CLUSTER_KEEP_ALIVE } from "../../src/zcl/ids.js";

export const OLD_TC = "00124b0000000001";
export const NEW_TC = "00124b00000000ff";
export const DEVICE = "00124b0000000a0a";

/** What the world does; tests change it while the clock runs. */
export interface World {
  /** TCs that answer (keep-alive reads and Match Descriptor). */
  up: Set<Eui64Hex>;
  /** What a rejoin on the current channel finds. */
  currentChannelTc: Eui64Hex | null;
  /** What a scan of the other channels finds. */
  otherChannelTc: { tc: Eui64Hex; channel: number } | null;
  /** Whether a rejoin on a scanned channel works. */
  rejoinFoundOk: boolean;
  cbkeOk: boolean;
  /** One-way delay of frames and ZDO answers (ms). */
  latencyMs: number;
  /** How long each TCSO step takes before the node answers (ms); undefined = never answers. */
  rejoinMs: number | undefined;
  scanMs: number | undefined;
  cbkeMs: number | undefined;
  /** When false the TC's responses lose their APS security on the way. */
  apsSecuredResponses: boolean;
  /** Drops the n-th keep-alive read (0-based) when it returns true. */
  dropRead?: (n: number) => boolean;
}

export interface Logged {
  at: number;
  kind: string;
  detail?: unknown;
}

export class FakeNet {
  now = 0;
  readonly world: World = {
    up: new Set([OLD_TC]),
    currentChannelTc: null,
    otherChannelTc: null,
    rejoinFoundOk: true,
    cbkeOk: true,
    latencyMs: 20,
    rejoinMs: 1000,
    scanMs: 2000,
    cbkeMs: 3000,
    apsSecuredResponses: true,
  };
  readonly servers = new Map<Eui64Hex, KeepAliveServer>();
  readonly sup: TcSupervisor;
  readonly log: Logged[] = [];
  /** Times of the application callback's calls, per status. */
  readonly callbacks: { at: number; status: TcsoStatus }[] = [];
  /** What the callback returns for DISCOVERY_UNDERWAY. */
  proceed = true;
  private timers = new Map<string, number>();
  private queue: { at: number; order: number; fn: () => void }[] = [];
  private order = 0;
  private sends = 0;

  constructor(
    opts: { seed?: number; base?: number; jitter?: number; sup?: Partial<TcSupervisorOptions> } = {},
  ) {
    for (const tc of [OLD_TC, NEW_TC]) {
      const server = new KeepAliveServer();
      server.setAttributes({ base: opts.base, jitter: opts.jitter });
      this.servers.set(tc, server);
    }
    this.sup = new TcSupervisor({
      tc: OLD_TC,
      rng: new SeededRng(opts.seed ?? 1),
      callback: (status, info) => {
        this.callbacks.push({ at: info.now, status });
        return this.proceed;
      },
      ...opts.sup,
    });
  }

  /** Applies engine output at the current time. */
  apply(actions: ReturnType<TcSupervisor["handleTimer"]>): void {
    for (const a of actions) {
      this.log.push({ at: this.now, kind: a.kind, detail: a });
      switch (a.kind) {
        case "timer":
          this.timers.set(a.name, a.at);
          break;
        case "cancel":
          this.timers.delete(a.name);
          break;
        case "send": {
          if (!this.world.up.has(a.to)) break;
          if (this.world.dropRead?.(this.sends++)) break;
          const server = this.servers.get(a.to)!;
          const to = a.to;
          this.later(this.world.latencyMs, () => {
            const replies = server.handleFrame(
              { from: DEVICE, endpoint: 1, cluster: a.cluster, frame: a.frame, apsSecured: a.apsSecurity },
              this.now,
            );
            for (const r of replies) {
              this.later(this.world.latencyMs, () =>
                this.apply(
                  this.sup.handleFrame(
                    {
                      from: to,
                      endpoint: 1,
                      cluster: CLUSTER_KEEP_ALIVE,
                      frame: r.frame,
                      apsSecured: r.apsSecurity && this.world.apsSecuredResponses,
                    },
                    this.now,
                  ),
                ),
              );
            }
          });
          break;
        }
        case "discover":
          if (this.world.up.has(a.target)) {
            this.later(2 * this.world.latencyMs, () => this.apply(this.sup.discoveryResult(this.now, [1])));
          }
          break;
        case "tcso-rejoin": {
          const w = this.world;
          if (w.rejoinMs === undefined) break;
          const found =
            a.channel === undefined ? w.currentChannelTc : w.rejoinFoundOk ? (a.tc ?? null) : null;
          this.later(w.rejoinMs, () => this.apply(this.sup.rejoinResult(this.now, found)));
          break;
        }
        case "tcso-scan": {
          const w = this.world;
          if (w.scanMs === undefined) break;
          this.later(w.scanMs, () => this.apply(this.sup.scanResult(this.now, w.otherChannelTc)));
          break;
        }
        case "tcso-cbke": {
          const w = this.world;
          if (w.cbkeMs === undefined) break;
          this.later(w.cbkeMs, () => this.apply(this.sup.cbkeResult(this.now, w.cbkeOk)));
          break;
        }
        default:
          break;
      }
    }
  }

  /** Runs the virtual clock until `until` (ms), firing timers and deliveries in time order. */
  runUntil(until: number): void {
    for (;;) {
      let next: { at: number; fire: () => void } | undefined;
      for (const [name, at] of this.timers) {
        if (!next || at < next.at) {
          next = {
            at,
            fire: () => {
              this.timers.delete(name);
              this.apply(this.sup.handleTimer(name, this.now));
            },
          };
        }
      }
      this.queue.sort((x, y) => x.at - y.at || x.order - y.order);
      const q = this.queue[0];
      if (q && (!next || q.at <= next.at)) {
        next = {
          at: q.at,
          fire: () => {
            this.queue.shift();
            q.fn();
          },
        };
      }
      if (!next || next.at > until) break;
      this.now = Math.max(this.now, next.at);
      next.fire();
    }
    this.now = until;
  }

  /** Times at which keep-alive reads were sent. */
  readTimes(): number[] {
    return this.log.filter((l) => l.kind === "send").map((l) => l.at);
  }

  /** Callback times for one status. */
  callbackTimes(status: TcsoStatus): number[] {
    return this.callbacks.filter((c) => c.status === status).map((c) => c.at);
  }

  /** Whether any timer is armed. */
  get timersArmed(): number {
    return this.timers.size;
  }

  private later(ms: number, fn: () => void): void {
    this.queue.push({ at: this.now + ms, order: this.order++, fn });
  }
}
