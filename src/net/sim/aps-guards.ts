/**
 * The receive-side guards of a simulated node: APS duplicate rejection (Zigbee 05-3474
 * 2.2.8.4.5, a table of (source, APS counter) whose entries expire) and security frame-counter
 * freshness (4.3.1.2 / 4.4.1.2: a counter not above the last one seen from a source is a
 * replay).
 */
import type { Eui64Hex } from "../../engine/types.js";

/** Entries live long enough to cover every APS retry of one frame (4 x 1.6 s). */
export const DUPLICATE_ENTRY_LIFETIME_MS = 8000;
const DUPLICATE_ENTRIES_PER_SOURCE = 16;

export class DuplicateTable {
  private entries = new Map<Eui64Hex, { counter: number; t: number }[]>();

  /** True when (src, counter) was seen within the lifetime; records it otherwise. */
  seen(src: Eui64Hex, counter: number, now: number): boolean {
    let list = this.entries.get(src);
    if (!list) {
      list = [];
      this.entries.set(src, list);
    }
    // entries are recorded in time order: the expired ones are at the front
    while (list.length > 0 && now - list[0].t >= DUPLICATE_ENTRY_LIFETIME_MS) list.shift();
    for (const e of list) if (e.counter === counter) return true;
    list.push({ counter, t: now });
    if (list.length > DUPLICATE_ENTRIES_PER_SOURCE) list.shift();
    return false;
  }

  forget(src: Eui64Hex): void {
    this.entries.delete(src);
  }
}

export class FreshnessGuard {
  private last = new Map<string, number>();

  /** Records `counter` under `name` if it is above the last one; false for a replay. */
  accept(name: string, counter: number): boolean {
    const last = this.last.get(name);
    if (last !== undefined && counter <= last) return false;
    this.last.set(name, counter);
    return true;
  }

  forget(name: string): void {
    this.last.delete(name);
  }
}
