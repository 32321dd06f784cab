/** An in-memory `Store` for tests and throw-away simulations (same contract as SqliteStore). */
import type { Eui64Hex } from "../engine/types.js";
import { copyRecord, type DeviceRecord, type Store } from "./store.js";

export class MemoryStore implements Store {
  private devices = new Map<Eui64Hex, DeviceRecord>();
  private counters = new Map<string, number>();
  private kv = new Map<string, string>();

  getDevice(eui64: Eui64Hex): DeviceRecord | undefined {
    const r = this.devices.get(eui64);
    return r ? copyRecord(r) : undefined;
  }
  putDevice(record: DeviceRecord): void {
    this.devices.set(record.eui64, copyRecord(record));
  }
  deleteDevice(eui64: Eui64Hex): boolean {
    return this.devices.delete(eui64);
  }
  listDevices(): DeviceRecord[] {
    return [...this.devices.values()].sort((a, b) => (a.eui64 < b.eui64 ? -1 : 1)).map(copyRecord);
  }
  getCounterReserve(name: string): number | undefined {
    return this.counters.get(name);
  }
  setCounterReserve(name: string, reserved: number): void {
    this.counters.set(name, reserved);
  }
  get(key: string): string | undefined {
    return this.kv.get(key);
  }
  set(key: string, value: string): void {
    this.kv.set(key, value);
  }
  delete(key: string): void {
    this.kv.delete(key);
  }
  /** Rolls back on a throw by restoring snapshots of the three maps. */
  transaction<T>(fn: () => T): T {
    const saved = [new Map(this.devices), new Map(this.counters), new Map(this.kv)] as const;
    try {
      return fn();
    } catch (e) {
      [this.devices, this.counters, this.kv] = saved;
      throw e;
    }
  }
  close(): void {}
}
