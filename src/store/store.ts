/**
 * The persistent state of a Trust Center or an SE node: the device table (Zigbee 05-3474
 * 4.7.3 "Trust Center" apsDeviceKeyPairSet plus the SE facts a TC keeps: install code, KE
 * status, certificate subject, last seen), outgoing frame-counter reservations (05-3474 4.4.1.2:
 * a frame counter never repeats for a key) and a generic key/value space for node state
 * (network key, own link keys). `SqliteStore` is the real one, `MemoryStore` serves tests.
 */
import type { Eui64Hex } from "../engine/types.js";

/** One row of the Trust Center's device table. Keys are 16 bytes. */
export interface DeviceRecord {
  /** 16 lower-case hex digits, big-endian. */
  eui64: Eui64Hex;
  /** The NWK short address last assigned, if any. */
  shortAddress?: number;
  /** Install code with its CRC, when the preconfigured key came from one. */
  installCode?: Uint8Array;
  /** The preconfigured (install-code derived) link key. */
  preconfiguredKey?: Uint8Array;
  /** The Trust Center link key established after joining (CBKE or APS Request Key). */
  tcLinkKey?: Uint8Array;
  /** Outcome of the last key establishment: "SUCCESS" or a status name. */
  keStatus?: string;
  /** Subject EUI-64 of the partner's certificate seen in the last KE. */
  certificateSubject?: string;
  /** Virtual or wall-clock ms when the device was last heard. */
  lastSeen?: number;
}

export interface Store {
  getDevice(eui64: Eui64Hex): DeviceRecord | undefined;
  /** Inserts or replaces the row for `record.eui64`. */
  putDevice(record: DeviceRecord): void;
  deleteDevice(eui64: Eui64Hex): boolean;
  listDevices(): DeviceRecord[];
  /** The reserved upper bound (exclusive) of an outgoing frame counter, if one was saved. */
  getCounterReserve(name: string): number | undefined;
  setCounterReserve(name: string, reserved: number): void;
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
  /** Runs `fn` atomically (all writes or none). */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Version tag written into every store; a store with another version is refused. */
export const STORE_SCHEMA_VERSION = 1;

/** A deep copy of a record, so callers never share buffers with the store. */
export function copyRecord(r: DeviceRecord): DeviceRecord {
  const out: DeviceRecord = { eui64: r.eui64 };
  if (r.shortAddress !== undefined) out.shortAddress = r.shortAddress;
  if (r.installCode) out.installCode = Uint8Array.from(r.installCode);
  if (r.preconfiguredKey) out.preconfiguredKey = Uint8Array.from(r.preconfiguredKey);
  if (r.tcLinkKey) out.tcLinkKey = Uint8Array.from(r.tcLinkKey);
  if (r.keStatus !== undefined) out.keStatus = r.keStatus;
  if (r.certificateSubject !== undefined) out.certificateSubject = r.certificateSubject;
  if (r.lastSeen !== undefined) out.lastSeen = r.lastSeen;
  return out;
}
