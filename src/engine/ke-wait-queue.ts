/**
 * Wait times for NO_RESOURCES spread by the queue of refused initiators (SE 07-5356 C.3.1.2.3:
 * Terminate Key Establishment carries the time in seconds the initiator should wait before it
 * tries again; the spec leaves its value to the responder).
 *
 * A fixed wait (SiLabs: 30 s) sends every device turned away in a storm back at about the same
 * moment, and most are turned away again. Here each refused initiator is told the time at which
 * a session should be free for it: its place among the initiators already told to come back,
 * times the mean session duration over the number of concurrent sessions. The mean is measured
 * from the sessions that ended (exponential average), starting from a guess. A place is given
 * up when its initiator comes back (or asks again) and forgotten once its time is well past.
 * The queue counts initiators, not times: once the mean is measured, the waits handed out
 * follow it, even if the first initiators were told a wait from the guess.
 */
import type { Eui64Hex } from "./types.js";

/** How a responder picks the NO_RESOURCES wait time: `waitTimeSec` every time, or by this queue. */
export type KeWaitTimePolicy = "fixed" | "queue";

/** Mean session duration assumed until one has ended (ms); measured ones replace it. */
export const KE_QUEUE_INITIAL_SESSION_MS = 250;
/** The Wait Time field is one octet of seconds. */
export const KE_WAIT_TIME_MAX_SEC = 255;
/** A place is forgotten this long after its time if its initiator never came back (ms). */
const FORGET_AFTER_MS = 60_000;

export class KeWaitQueue {
  /** Refused initiators told to come back, in the order they were told, with their time (ms). */
  private readonly promised = new Map<Eui64Hex, number>();
  private meanMs = KE_QUEUE_INITIAL_SESSION_MS;
  private measured = false;

  constructor(private readonly maxSessions: number) {}

  /** The mean session duration used (ms), and whether it was measured yet. */
  get sessionMs(): { ms: number; measured: boolean } {
    return { ms: this.meanMs, measured: this.measured };
  }

  /** Initiators waiting for their time. */
  get waiting(): number {
    return this.promised.size;
  }

  /** `partner` is refused at `now`: the wait time to send it (s, 1..255). */
  refuse(partner: Eui64Hex, now: number): number {
    this.promised.delete(partner);
    this.forgetPast(now);
    const ahead = this.promised.size;
    const waitMs = ((ahead + 1) * this.meanMs) / this.maxSessions;
    const sec = Math.min(KE_WAIT_TIME_MAX_SEC, Math.max(1, Math.ceil(waitMs / 1000)));
    this.promised.set(partner, now + sec * 1000);
    return sec;
  }

  /** `partner` came back (a session starts for it): its place is given up. */
  admitted(partner: Eui64Hex): void {
    this.promised.delete(partner);
  }

  /** A session ended after `durationMs` (any outcome: it held a session that long). */
  sessionEnded(durationMs: number): void {
    if (!(durationMs >= 0)) return;
    if (!this.measured) {
      this.meanMs = durationMs;
      this.measured = true;
    } else this.meanMs += (durationMs - this.meanMs) / 8;
  }

  /** Drops places whose time passed long ago (their initiators gave up), oldest first. */
  private forgetPast(now: number): void {
    for (const [partner, at] of this.promised) {
      if (at + FORGET_AFTER_MS >= now) break;
      this.promised.delete(partner);
    }
  }
}
