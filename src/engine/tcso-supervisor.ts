/**
 * The joiner's Trust Center supervision: the Keep-Alive client and TCSO composed, with the
 * application API of the Exegin stack the seed page (section 6.2) describes:
 * `keepAliveClientStart()` (ZbZclKeepAliveClientStart), `startTcso()` (ZbStartupTcsoStart),
 * `stop()` (ZbZclKeepAliveClientStop, which also aborts TCSO), and the TCSO callback.
 *
 * Hand-over rules (SE 07-5356 §5.4.2.2.3.4, seed 6.2):
 * - Three consecutive failed keep-alive reads -> TCSO starts and the callback gets
 *   DISCOVERY_UNDERWAY; if it returns false, TCSO and the keep-alive client halt (no timers)
 *   until `startTcso()` or `keepAliveClientStart()`.
 * - `startTcso()` suspends the keep-alive client and runs TCSO without consulting the
 *   callback's return value.
 * - The TCSO outcome resumes the client (see keepalive-client.ts): SUCCESS makes the new TC the
 *   keep-alive target, NOT_FOUND pauses it for the cooldown (>= 5 min), FATAL stops it.
 * Timers: `KEEPALIVE_TIMER` and `TCSO_TIMER`; feed both through `handleTimer`.
 */
import type { Rng } from "../util/rng.js";
import { KeepAliveClient, type KeepAliveClientOptions } from "./keepalive-client.js";
import {
  type KeepAliveParams,
  type TcSupervisorAction,
  type TcsoCallback,
  type TcsoScanFound,
  TcsoStatus,
} from "./keepalive-types.js";
import { Tcso, type TcsoOptions } from "./tcso.js";
import type { Eui64Hex, ReceivedFrame } from "./types.js";

export type TcSupervisorOutput = TcSupervisorAction;

export type TcSupervisorState = "idle" | "keepalive" | "tcso" | "halted";

export interface TcSupervisorOptions {
  /** The Trust Center the node joined. */
  tc: Eui64Hex;
  rng: Rng;
  /** The application's TCSO callback. */
  callback?: TcsoCallback;
  /** Keep-Alive client settings (start delay, read timeout, cooldown). */
  keepAlive?: Omit<KeepAliveClientOptions, "tc" | "rng">;
  /** TCSO step timeouts. */
  tcso?: Omit<TcsoOptions, "tc" | "callback">;
}

export class TcSupervisor {
  readonly client: KeepAliveClient;
  readonly tcso: Tcso;
  /** Every final TCSO status so far, in order, with the time it was reached. */
  readonly outcomes: { status: TcsoStatus; tc: Eui64Hex; at: number }[] = [];

  constructor(opts: TcSupervisorOptions) {
    this.client = new KeepAliveClient({ ...opts.keepAlive, tc: opts.tc, rng: opts.rng });
    this.tcso = new Tcso({ ...opts.tcso, tc: opts.tc, callback: opts.callback });
  }

  get state(): TcSupervisorState {
    if (this.tcso.state === "halted") return "halted";
    if (this.tcso.active) return "tcso";
    return this.client.state === "idle" || this.client.state === "tcso" ? "idle" : "keepalive";
  }
  /** The current Trust Center (the new one after a successful swap-out). */
  get tc(): Eui64Hex {
    return this.client.tc;
  }
  /** The keep-alive parameters in use. */
  get params(): KeepAliveParams {
    return this.client.params;
  }

  /** (Re)starts the keep-alive client; also ends a halted or running TCSO without a status. */
  keepAliveClientStart(now: number): TcSupervisorOutput[] {
    return [...this.tcso.abort(), ...this.client.start(now)];
  }

  /** Runs TCSO now, at the application's request (the callback is informed, not consulted). */
  startTcso(now: number): TcSupervisorOutput[] {
    if (this.tcso.active) return [];
    const out: TcSupervisorOutput[] = [...this.client.suspendForTcso()];
    if (this.tcso.state === "halted") out.push(...this.tcso.abort());
    return this.after(now, [...out, ...this.tcso.start(now, { consultApplication: false })]);
  }

  /** Stops the keep-alive client and aborts TCSO. */
  stop(): TcSupervisorOutput[] {
    return [...this.tcso.abort(), ...this.client.stop()];
  }

  handleTimer(name: string, now: number): TcSupervisorOutput[] {
    return this.after(now, [...this.client.handleTimer(name, now), ...this.tcso.handleTimer(name, now)]);
  }

  handleFrame(rx: ReceivedFrame, now: number): TcSupervisorOutput[] {
    return this.after(now, this.client.handleFrame(rx, now));
  }

  /** Answer to a `discover` action (see KeepAliveClient.discoveryResult). */
  discoveryResult(now: number, endpoints: readonly number[] | null): TcSupervisorOutput[] {
    return this.after(now, this.client.discoveryResult(now, endpoints));
  }

  /** Answer to a `tcso-rejoin` action. */
  rejoinResult(now: number, tc: Eui64Hex | null): TcSupervisorOutput[] {
    return this.after(now, this.tcso.rejoinResult(now, tc));
  }

  /** Answer to a `tcso-scan` action. */
  scanResult(now: number, found: TcsoScanFound | null): TcSupervisorOutput[] {
    return this.after(now, this.tcso.scanResult(now, found));
  }

  /** Answer to a `tcso-cbke` action. */
  cbkeResult(now: number, ok: boolean): TcSupervisorOutput[] {
    return this.after(now, this.tcso.cbkeResult(now, ok));
  }

  /** Routes hand-overs found in `actions`: unreachable -> TCSO, final status -> client. */
  private after(now: number, actions: TcSupervisorOutput[]): TcSupervisorOutput[] {
    const out: TcSupervisorOutput[] = [];
    for (const a of actions) {
      out.push(a);
      if (a.kind === "tc-unreachable") {
        out.push(...this.after(now, this.tcso.start(now, { consultApplication: true })));
      } else if (a.kind === "tcso-status" && a.status !== TcsoStatus.DISCOVERY_UNDERWAY) {
        this.outcomes.push({ status: a.status, tc: a.tc, at: now });
        out.push(...this.client.tcsoFinished(now, a.status, a.tc));
      }
    }
    return out;
  }
}
