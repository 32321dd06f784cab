/**
 * The Trust Center (Zigbee 05-3474 4.6.3 / 4.7.3, SE 07-5356 5.4): the device table in a
 * Store, install-code link keys (the seed's ZbSecAddDeviceLinkKeyByInstallCode), the
 * install-code-required join policy, the network key sent at join in Transport Key under the
 * key-transport key of the device's preconfigured link key (4.6.3.2, 4.4.10.1), APS Request Key
 * (4.4.10.4 / 4.6.3.6: type 0x04 a fresh TC link key, type 0x02 an application link key sent to
 * both partners), and the TC link key set by key establishment (SE 5.4.7 CBKE). A restart
 * from the same Store carries on with every device's keys and the frame counters.
 */

import { cbkeCrypto } from "../engine/ke-crypto.js";
import type { KeCrypto, KeSuiteCredentials } from "../engine/ke-types.js";
import type { KeWaitTimePolicy } from "../engine/ke-wait-queue.js";
import type { Eui64Hex } from "../engine/types.js";
import type { Scheduler } from "../net/sim/clock.js";
import type { CommandIndication, CoordinatorTransport } from "../net/transport.js";
import { checkInstallCode, parseInstallCode } from "../se/install-code.js";
import type { DeviceRecord, Store } from "../store/store.js";
import { fromHex, toHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import { parseEui64 } from "../util/eui64.js";
import type { Rng } from "../util/rng.js";
import { CLUSTER_KEY_ESTABLISHMENT, PROFILE_SE } from "../zcl/ids.js";
import { KeHost } from "./ke-host.js";
import type { KeOutcome } from "./ke-runner.js";
import { ZB_ENDPOINT_CBKE_DEFAULT, ZCL_DEVICE_METER } from "./startup.js";

export interface TrustCenterOptions {
  transport: CoordinatorTransport;
  store: Store;
  rng: Rng;
  /** Refuse devices whose preconfigured key did not come from an install code (default true; SE 5.4.4). */
  installCodeRequired?: boolean;
  /** The clock: `lastSeen` times and the KE engines' timers. */
  scheduler: Scheduler;
  /**
   * The KE responder (SE 07-5356 C.3.1): the TC's certificates and keys per suite, how many
   * sessions may run at once (NO_RESOURCES beyond), its endpoint (240). The wait time sent with
   * NO_RESOURCES is spread by the queue of refused devices (`waitTime: "queue"`, the default:
   * engine/ke-wait-queue.ts) or `waitTimeSec` every time (`"fixed"`).
   */
  ke?: {
    credentials: Partial<Record<1 | 2, KeSuiteCredentials>>;
    maxSessions?: number;
    waitTimeSec?: number;
    waitTime?: KeWaitTimePolicy;
    endpoint?: number;
    crypto?: KeCrypto;
  };
  /** Every KE the TC answered, as it ends. */
  onKeDone?: (outcome: KeOutcome) => void;
  /** Receives one line per notable event (admitted, refused, key sent). */
  log?: (text: string) => void;
}

/** Labels for keys in logs and the timeline. */
export const KEY_LABEL = {
  installCode: "install-code link key",
  requestKey: "TC link key (APS Request Key)",
  cbke: "TC link key (CBKE)",
  application: "application link key",
} as const;

export class TrustCenter {
  readonly transport: CoordinatorTransport;
  readonly store: Store;
  private readonly rng: Rng;
  private readonly installCodeRequired: boolean;
  private readonly scheduler: Scheduler;
  readonly ke: KeHost | undefined;
  private readonly log: (text: string) => void;
  private networkKey: Uint8Array;
  /** Devices refused at join, with the reason (for reports and tests). */
  readonly refused: { eui64: Eui64Hex; reason: string }[] = [];

  constructor(options: TrustCenterOptions) {
    this.transport = options.transport;
    this.store = options.store;
    this.rng = options.rng;
    this.installCodeRequired = options.installCodeRequired ?? true;
    this.scheduler = options.scheduler;
    this.log = options.log ?? (() => {});
    const saved = this.store.get("tc.networkKey");
    if (saved) this.networkKey = fromHex(saved);
    else {
      this.networkKey = this.rng.bytes(16);
      this.store.set("tc.networkKey", toHex(this.networkKey));
    }
    const endpoint = options.ke?.endpoint ?? ZB_ENDPOINT_CBKE_DEFAULT;
    if (options.ke) {
      this.transport.registerEndpoint({
        endpoint,
        profile: PROFILE_SE,
        deviceId: ZCL_DEVICE_METER,
        inClusters: [CLUSTER_KEY_ESTABLISHMENT],
        outClusters: [CLUSTER_KEY_ESTABLISHMENT],
      });
      const onKeDone = options.onKeDone ?? (() => {});
      this.ke = new KeHost({
        transport: this.transport,
        scheduler: this.scheduler,
        identity: { eui64: this.transport.eui64, credentials: options.ke.credentials },
        crypto: options.ke.crypto ?? cbkeCrypto(),
        rng: this.rng,
        endpoint,
        responder: {
          maxSessions: options.ke.maxSessions ?? 1,
          waitTimeSec: options.ke.waitTimeSec,
          waitTime: options.ke.waitTime ?? "queue",
        },
        onResponderDone: (o) => {
          this.keyEstablished({
            eui64: o.partner,
            status: o.status,
            key: o.key,
            certificateSubject: o.certificateSubject,
          });
          onKeDone(o);
        },
      });
    }
  }

  get eui64(): Eui64Hex {
    return this.transport.eui64;
  }

  /**
   * Forms the network and restores every known device's current link key into the stack
   * (a restarted TC carries on where it stopped).
   */
  start(): void {
    this.transport.form({ networkKey: this.networkKey });
    for (const d of this.store.listDevices()) {
      this.installCurrentKey(d);
      if (d.shortAddress !== undefined) this.transport.restoreShortAddress(d.eui64, d.shortAddress);
    }
    this.transport.onJoinRequest((r) => this.decideJoin(r.eui64, r.rejoin));
    this.transport.onDeviceAdmitted((d) => void this.sendNetworkKey(d.eui64, d.shortAddress, d.rejoin));
    this.transport.on("command", (c) => void this.onCommand(c));
  }

  /** The network key (for captures' keys files; a secret). */
  getNetworkKey(): Uint8Array {
    return Uint8Array.from(this.networkKey);
  }

  /**
   * Adds a device's preconfigured link key derived from its install code (the seed's
   * ZbSecAddDeviceLinkKeyByInstallCode; 05-3474 Annex F / 4.6.3.4). `installCode` is the code
   * with its CRC, as bytes or text (a label form such as Z:<eui64>$I:<code> is accepted).
   */
  addDeviceLinkKeyByInstallCode(eui64: Eui64Hex, installCode: Uint8Array | string): DeviceRecord {
    const eui = toHex(parseEui64(eui64, "device EUI-64"));
    const ic =
      typeof installCode === "string" ? parseInstallCode(installCode) : checkInstallCode(installCode);
    if (ic.eui64 && toHex(ic.eui64) !== eui) {
      throw new ZseError("BAD_VALUE", `install code label is for ${toHex(ic.eui64)}, not device ${eui}`);
    }
    const old = this.store.getDevice(eui);
    const record: DeviceRecord = {
      ...(old ?? {}),
      eui64: eui,
      installCode: ic.installCode,
      preconfiguredKey: ic.linkKey,
    };
    this.store.putDevice(record);
    if (!old?.tcLinkKey) this.transport.setLinkKey(eui, ic.linkKey, KEY_LABEL.installCode);
    return record;
  }

  /**
   * Adds a preconfigured link key that did not come from an install code (allowed to join
   * only with installCodeRequired off).
   */
  addDeviceLinkKey(eui64: Eui64Hex, key: Uint8Array): DeviceRecord {
    const eui = toHex(parseEui64(eui64, "device EUI-64"));
    if (key.length !== 16)
      throw new ZseError("BAD_LENGTH", `link key for ${eui}: ${key.length} bytes, expected 16`);
    const record: DeviceRecord = {
      ...(this.store.getDevice(eui) ?? {}),
      eui64: eui,
      preconfiguredKey: Uint8Array.from(key),
    };
    delete record.installCode;
    this.store.putDevice(record);
    return record;
  }

  device(eui64: Eui64Hex): DeviceRecord | undefined {
    return this.store.getDevice(eui64);
  }
  devices(): DeviceRecord[] {
    return this.store.listDevices();
  }

  /**
   * Records the outcome of key establishment with a device (SE 07-5356 C.4.2): on SUCCESS the
   * KeyData becomes its TC link key, in the store and the stack.
   */
  keyEstablished(options: {
    eui64: Eui64Hex;
    status: string;
    key?: Uint8Array;
    certificateSubject?: string;
  }): void {
    // only devices in the table: a stranger's KE must not add rows (or keys) to it
    const d = this.store.getDevice(options.eui64);
    if (!d) {
      this.log(`key establishment with unknown device ${options.eui64}: ${options.status}, not recorded`);
      return;
    }
    d.keStatus = options.status;
    d.lastSeen = this.scheduler.now();
    if (options.certificateSubject) d.certificateSubject = options.certificateSubject;
    if (options.status === "SUCCESS" && options.key) {
      d.tcLinkKey = Uint8Array.from(options.key);
      this.transport.setLinkKey(options.eui64, options.key, KEY_LABEL.cbke);
    }
    this.store.putDevice(d);
  }

  private installCurrentKey(d: DeviceRecord): void {
    if (d.tcLinkKey)
      this.transport.setLinkKey(
        d.eui64,
        d.tcLinkKey,
        d.keStatus === "SUCCESS" ? KEY_LABEL.cbke : KEY_LABEL.requestKey,
      );
    else if (d.preconfiguredKey)
      this.transport.setLinkKey(d.eui64, d.preconfiguredKey, KEY_LABEL.installCode);
  }

  /** 05-3474 4.6.3.1 / SE 5.4.4: only devices with a preconfigured (install-code) key may join. */
  private decideJoin(eui64: Eui64Hex, rejoin: boolean): boolean {
    const d = this.store.getDevice(eui64);
    let reason: string | undefined;
    if (!d?.preconfiguredKey) reason = "no install code or preconfigured key registered";
    else if (this.installCodeRequired && !d.installCode) reason = "install code required, none registered";
    if (reason) {
      this.refused.push({ eui64, reason });
      this.log(`refused join of ${eui64}: ${reason}`);
      return false;
    }
    // a Trust Center rejoin of a device holding a TC link key keeps it (05-3474 4.6.3.3);
    // a join uses the preconfigured key, and a TC link key is established again afterwards
    if (rejoin && d!.tcLinkKey) {
      this.installCurrentKey(d!);
      return true;
    }
    const key = d!.preconfiguredKey!;
    this.transport.setLinkKey(eui64, key, d!.installCode ? KEY_LABEL.installCode : "preconfigured link key");
    return true;
  }

  private async sendNetworkKey(eui64: Eui64Hex, shortAddress: number, rejoin: boolean): Promise<void> {
    const d = this.store.getDevice(eui64);
    if (d) {
      d.shortAddress = shortAddress;
      d.lastSeen = this.scheduler.now();
      if (!rejoin) {
        delete d.tcLinkKey;
        delete d.keStatus;
      }
      this.store.putDevice(d);
    }
    const r = await this.transport.sendCommand({
      to: eui64,
      command: {
        kind: "transport-key",
        keyType: "network",
        key: this.networkKey,
        sequence: 0,
        destination: eui64,
        source: this.eui64,
      },
      security: "key-transport",
    });
    this.log(`network key to ${eui64}: ${r.status}`);
  }

  private async onCommand(c: CommandIndication): Promise<void> {
    if (c.command.kind !== "request-key") return;
    const d = this.store.getDevice(c.from);
    // 05-3474 4.6.3.6.1: a Request Key must be APS-secured with the requester's link key
    if (!d || c.security !== "link") {
      this.log(
        `ignored Request Key from ${c.from}: ${!d ? "unknown device" : "not APS-secured with its link key"}`,
      );
      return;
    }
    d.lastSeen = this.scheduler.now();
    this.store.putDevice(d);
    if (c.command.keyType === "tc-link") await this.answerTcLinkKeyRequest(c.from);
    else await this.answerAppLinkKeyRequest(c.from, c.command.partner);
  }

  /** Request Key type 0x04: a fresh random TC link key in Transport Key (4.6.3.6.2). */
  private async answerTcLinkKeyRequest(eui64: Eui64Hex): Promise<void> {
    const key = this.rng.bytes(16);
    const r = await this.transport.sendCommand({
      to: eui64,
      command: { kind: "transport-key", keyType: "tc-link", key, destination: eui64, source: this.eui64 },
      security: "key-transport",
    });
    if (r.status !== "SUCCESS") {
      this.log(`TC link key to ${eui64}: ${r.status}`);
      return;
    }
    const d = this.store.getDevice(eui64) ?? { eui64 };
    d.tcLinkKey = key;
    this.store.putDevice(d);
    this.transport.setLinkKey(eui64, key, KEY_LABEL.requestKey);
  }

  /**
   * Request Key type 0x02: one fresh application link key sent to both partners, each under
   * the key-transport key of its own TC link key (4.6.3.6.3).
   */
  private async answerAppLinkKeyRequest(initiator: Eui64Hex, partner: Eui64Hex): Promise<void> {
    if (!this.store.getDevice(partner)) {
      this.log(`application link key request from ${initiator}: partner ${partner} unknown`);
      return;
    }
    const key = this.rng.bytes(16);
    const send = (to: Eui64Hex, other: Eui64Hex, isInitiator: boolean) =>
      this.transport.sendCommand({
        to,
        command: { kind: "transport-key", keyType: "app-link", key, partner: other, initiator: isInitiator },
        security: "key-transport",
      });
    const [a, b] = await Promise.all([send(initiator, partner, true), send(partner, initiator, false)]);
    this.log(`application link key ${initiator} <-> ${partner}: ${a.status}/${b.status}`);
  }
}
