/**
 * Outgoing security frame counters (Zigbee 05-3474 4.4.1.2 / 4.3.1.2: the counter of a key
 * never repeats; 0xFFFFFFFF is the last usable value). Counters are persisted with a forward
 * jump: the store holds a reserved bound; counters below it are handed out from memory, and
 * a new block is reserved (and written) before the bound is crossed. After a restart the
 * counter resumes at the saved bound, past everything that could have been sent.
 */
import { ZseError } from "../util/errors.js";
import type { Store } from "./store.js";

export const DEFAULT_COUNTER_BLOCK = 1024;
const COUNTER_MAX = 0xffffffff;

export interface FrameCounterOptions {
  store: Store;
  /** Counters reserved per store write; default 1024. */
  block?: number;
}

export class FrameCounters {
  private readonly store: Store;
  private readonly block: number;
  private next = new Map<string, number>();
  private reserved = new Map<string, number>();

  constructor(options: FrameCounterOptions) {
    this.store = options.store;
    this.block = options.block ?? DEFAULT_COUNTER_BLOCK;
    if (!Number.isInteger(this.block) || this.block < 1) {
      throw new ZseError("BAD_VALUE", `frame counter block: ${this.block} is not a positive integer`);
    }
  }

  /** The next counter for the key called `name` (e.g. "aps:<partner>" or "nwk"). */
  take(name: string): number {
    let n = this.next.get(name);
    let reserved = this.reserved.get(name);
    if (n === undefined || reserved === undefined) {
      n = this.store.getCounterReserve(name) ?? 0;
      reserved = n;
    }
    if (n > COUNTER_MAX) throw new ZseError("BAD_STATE", `frame counter "${name}" exhausted`);
    if (n >= reserved) {
      reserved = Math.min(n + this.block, COUNTER_MAX + 1);
      this.store.setCounterReserve(name, reserved);
    }
    this.next.set(name, n + 1);
    this.reserved.set(name, reserved);
    return n;
  }

  /** The value `take(name)` would return next, without reserving anything. */
  peek(name: string): number {
    return this.next.get(name) ?? this.store.getCounterReserve(name) ?? 0;
  }
}
