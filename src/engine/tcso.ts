/**
 * Trust Center Swap-Out (TCSO), a sans-IO engine run by a joiner whose Trust Center stopped
 * answering its keep-alive reads (SE 07-5356 §5.4.2.2.3.4: search for the TC; the seed page
 * section 6.2 and the Exegin `ZbTcsoStatusT` statuses for the outcome reporting).
 *
 * Steps, each emitted as an action the node executes and answers (one timer, `TCSO_TIMER`,
 * guards every step):
 *   1. DISCOVERY_UNDERWAY to the application callback. When TCSO was started by the keep-alive
 *      client and the callback returns false, TCSO halts (state `halted`) until the
 *      application calls `start()` again (the supervisor's `startTcso()`).
 *   2. `tcso-rejoin` on the current channel -> `rejoinResult(tc | null)`.
 *      The old TC -> REJOIN_PREV; a new TC -> step 4; nothing -> step 3.
 *   3. `tcso-scan` of the other channels -> `scanResult({tc, channel} | null)`.
 *      Nothing -> NOT_FOUND; a TC -> `tcso-rejoin` on its channel -> `rejoinResult`:
 *      the old TC -> REJOIN_PREV, a new TC -> step 4, nothing -> NOT_FOUND.
 *   4. `tcso-cbke` with the new TC -> `cbkeResult(ok)`: SUCCESS (the new TC becomes the
 *      node's TC), or FATAL (joined to the new TC without a link key: not recoverable here).
 * A step whose result does not arrive within its timeout counts as "nothing found" (CBKE: as
 * failed). Every status goes to the callback and out as a `tcso-status` action.
 */
import { ZseError } from "../util/errors.js";
import { type TcsoAction, type TcsoCallback, type TcsoScanFound, TcsoStatus } from "./keepalive-types.js";
import type { Eui64Hex } from "./types.js";

/** The TCSO engine's one timer name. */
export const TCSO_TIMER = "tcso";

export type TcsoState = "idle" | "halted" | "rejoin-current" | "scan" | "rejoin-found" | "cbke";

export interface TcsoOptions {
  /** The current Trust Center. */
  tc: Eui64Hex;
  /** The application's TCSO callback (`tcso_callback` of ZbStartupCbkeT). */
  callback?: TcsoCallback;
  /** Guard for each rejoin step (ms); default 30 000. */
  rejoinTimeoutMs?: number;
  /** Guard for the channel scan (ms); default 60 000. */
  scanTimeoutMs?: number;
  /** Guard for CBKE with the new TC (ms); default 120 000. */
  cbkeTimeoutMs?: number;
}

export class Tcso {
  private tcAddr: Eui64Hex;
  private readonly callback: TcsoCallback | undefined;
  private readonly rejoinTimeoutMs: number;
  private readonly scanTimeoutMs: number;
  private readonly cbkeTimeoutMs: number;
  private st: TcsoState = "idle";
  private candidate: Eui64Hex | undefined;
  private armed = false;

  constructor(opts: TcsoOptions) {
    this.tcAddr = opts.tc;
    this.callback = opts.callback;
    this.rejoinTimeoutMs = positive(opts.rejoinTimeoutMs ?? 30_000, "rejoinTimeoutMs");
    this.scanTimeoutMs = positive(opts.scanTimeoutMs ?? 60_000, "scanTimeoutMs");
    this.cbkeTimeoutMs = positive(opts.cbkeTimeoutMs ?? 120_000, "cbkeTimeoutMs");
  }

  get state(): TcsoState {
    return this.st;
  }
  /** True while a search is running (not idle, not halted). */
  get active(): boolean {
    return this.st !== "idle" && this.st !== "halted";
  }
  /** The Trust Center in effect (the new one after SUCCESS). */
  get tc(): Eui64Hex {
    return this.tcAddr;
  }

  /**
   * Starts a swap-out. `consultApplication`: true when the keep-alive client declared the TC
   * unreachable, so that a callback returning false halts TCSO; false when the application
   * asked for it (`startTcso()`), so the callback is informed only. No-op while active.
   */
  start(now: number, opts: { consultApplication: boolean }): TcsoAction[] {
    if (this.active) return [];
    this.candidate = undefined;
    const proceed = this.callback?.(TcsoStatus.DISCOVERY_UNDERWAY, { tc: this.tcAddr, now });
    const out: TcsoAction[] = [
      { kind: "tcso-status", status: TcsoStatus.DISCOVERY_UNDERWAY, tc: this.tcAddr },
    ];
    if (opts.consultApplication && proceed === false) {
      this.st = "halted";
      return out;
    }
    this.st = "rejoin-current";
    out.push({ kind: "tcso-rejoin" }, this.arm(now + this.rejoinTimeoutMs));
    return out;
  }

  /** Abandons any search or halt without reporting a status. */
  abort(): TcsoAction[] {
    this.st = "idle";
    this.candidate = undefined;
    return this.disarm();
  }

  /** The node's answer to a `tcso-rejoin`: the Trust Center of the network rejoined, or null. */
  rejoinResult(now: number, tc: Eui64Hex | null): TcsoAction[] {
    if (this.st !== "rejoin-current" && this.st !== "rejoin-found") return [];
    if (tc === null) {
      if (this.st === "rejoin-found") return this.finish(now, TcsoStatus.NOT_FOUND);
      this.st = "scan";
      return [{ kind: "tcso-scan" }, this.arm(now + this.scanTimeoutMs)];
    }
    if (tc === this.tcAddr) return this.finish(now, TcsoStatus.REJOIN_PREV);
    this.candidate = tc;
    this.st = "cbke";
    return [{ kind: "tcso-cbke", partner: tc }, this.arm(now + this.cbkeTimeoutMs)];
  }

  /** The node's answer to `tcso-scan`: a Trust Center found on another channel, or null. */
  scanResult(now: number, found: TcsoScanFound | null): TcsoAction[] {
    if (this.st !== "scan") return [];
    if (found === null) return this.finish(now, TcsoStatus.NOT_FOUND);
    this.st = "rejoin-found";
    return [
      { kind: "tcso-rejoin", channel: found.channel, tc: found.tc },
      this.arm(now + this.rejoinTimeoutMs),
    ];
  }

  /** The node's answer to `tcso-cbke`: whether CBKE with the new TC produced a link key. */
  cbkeResult(now: number, ok: boolean): TcsoAction[] {
    if (this.st !== "cbke") return [];
    if (!ok) return this.finish(now, TcsoStatus.FATAL);
    this.tcAddr = this.candidate!;
    return this.finish(now, TcsoStatus.SUCCESS);
  }

  /** Feeds the engine's timer: the current step timed out. */
  handleTimer(name: string, now: number): TcsoAction[] {
    if (name !== TCSO_TIMER || !this.armed) return [];
    this.armed = false;
    switch (this.st) {
      case "rejoin-current":
      case "rejoin-found":
        return this.rejoinResult(now, null);
      case "scan":
        return this.scanResult(now, null);
      case "cbke":
        return this.cbkeResult(now, false);
      default:
        return [];
    }
  }

  private finish(now: number, status: TcsoStatus): TcsoAction[] {
    const out = this.disarm();
    this.st = "idle";
    this.candidate = undefined;
    this.callback?.(status, { tc: this.tcAddr, now });
    out.push({ kind: "tcso-status", status, tc: this.tcAddr });
    return out;
  }

  private arm(at: number): TcsoAction {
    this.armed = true;
    return { kind: "timer", name: TCSO_TIMER, at };
  }

  private disarm(): TcsoAction[] {
    if (!this.armed) return [];
    this.armed = false;
    return [{ kind: "cancel", name: TCSO_TIMER }];
  }
}

function positive(v: number, title: string): number {
  if (!Number.isFinite(v) || v <= 0)
    throw new ZseError("BAD_VALUE", `${title} ${v} is not a positive number`);
  return v;
}
