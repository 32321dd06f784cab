/**
 * A Smart Energy node that joins a Trust Center (SE 07-5356 5.4; Zigbee 05-3474 4.6.3.2):
 * startup configuration like the seed's ZbStartupT, BDB attributes, the key exchange with the
 * TC after joining (CBKE, APS Request Key, or none for dynamic CBKE activation, seed 6.4),
 * `keWithDevice` like ZbZclKeWithDevice, Transport Key handling (TC link key, application
 * link key), and a metering server/client whose application data goes APS-encrypted with the
 * link key the pair shares (SE 5.4.6: application data needs APS security).
 */

import { cbkeCrypto } from "../engine/ke-crypto.js";
import type { KeCrypto, KeSuiteCredentials } from "../engine/ke-types.js";
import type { Eui64Hex } from "../engine/types.js";
import type { Scheduler } from "../net/sim/clock.js";
import type { CommandIndication, DataIndication, JoinerTransport, JoinResult } from "../net/transport.js";
import { ZseError } from "../util/errors.js";
import type { Rng } from "../util/rng.js";
import { ZclDataType } from "../zcl/data-types.js";
import {
  decodeReadAttributesResponse,
  encodeReadAttributes,
  encodeReadAttributesResponse,
} from "../zcl/foundation.js";
import { decodeZclFrame, encodeZclFrame } from "../zcl/header.js";
import { CLUSTER_KEY_ESTABLISHMENT, GlobalCommand, PROFILE_SE } from "../zcl/ids.js";
import { ZclStatus } from "../zcl/status.js";
import { KeHost } from "./ke-host.js";
import type { KeOutcome } from "./ke-runner.js";
import type { TcSupervisorHost } from "./keepalive-host.js";
import {
  type BdbAttributes,
  bdbDefaults,
  checkStartupConfig,
  type SeStartupConfig,
  tcKeyExchangeAfterJoin,
} from "./startup.js";
import { KEY_LABEL } from "./trust-center.js";

/** Metering cluster (SE 07-5356 D.3) and its InstantaneousDemand attribute (int24, W). */
export const CLUSTER_METERING = 0x0702;
export const METERING_INSTANTANEOUS_DEMAND = 0x0400;
/** The application endpoint of the metering server / client. */
export const APP_ENDPOINT = 1;

export interface SeNodeOptions {
  transport: JoinerTransport;
  config: SeStartupConfig;
  scheduler: Scheduler;
  rng: Rng;
  /** The CBKE computation (default: the real one, src/engine/ke-crypto.ts). */
  crypto?: KeCrypto;
  /** Serve the metering cluster (a meter) or only read it (a display). */
  role: "meter" | "display";
  log?: (text: string) => void;
}

/** What `start()` reports: the join, then the key exchange with the TC it triggered. */
export interface StartupOutcome {
  join: JoinResult;
  keyExchange: "cbke" | "aps-request-key" | "none";
  /** KE outcome (CBKE) or "SUCCESS"/"TIMEOUT" (APS Request Key); undefined for "none". */
  keyExchangeStatus?: string;
}

const REQUEST_KEY_TIMEOUT_MS = 10_000;
/** Attempts at CBKE with the TC after joining while it answers NO_RESOURCES. */
const MAX_KE_ATTEMPTS = 100;
/** New attempts at CBKE with the TC after joining when one ended in TIMEOUT (frames lost). */
const KE_TIMEOUT_RETRIES = 2;
/** The wait before such an attempt (then up to as long again, at random). */
const KE_RETRY_AFTER_TIMEOUT_MS = 30_000;

export class SeNode {
  readonly transport: JoinerTransport;
  readonly config: SeStartupConfig;
  readonly role: "meter" | "display";
  private readonly scheduler: Scheduler;
  readonly ke: KeHost | undefined;
  private readonly log: (text: string) => void;
  private bdb: BdbAttributes = bdbDefaults();
  private keyWaiters: { match: (c: CommandIndication) => boolean; resolve: () => void }[] = [];
  private readWaiters = new Map<string, (value: number | undefined) => void>();
  private zclSeq = 0;
  /** InstantaneousDemand served by a meter, in W. */
  demand = 1234;
  /** KE attempts repeated after a NO_RESOURCES answer. */
  noResourcesRetries = 0;
  /** KE attempts repeated after one ended in TIMEOUT. */
  keTimeoutRetries = 0;
  private keEndpoints = new Map<Eui64Hex, number>();
  private readonly rng: Rng;

  constructor(options: SeNodeOptions) {
    checkStartupConfig(options.config);
    this.transport = options.transport;
    this.config = options.config;
    this.role = options.role;
    this.scheduler = options.scheduler;
    this.rng = options.rng;
    this.log = options.log ?? (() => {});
    const cbke = this.config.cbke;
    if (cbke.suiteMask !== 0) {
      this.transport.registerEndpoint({
        endpoint: cbke.endpoint,
        profile: PROFILE_SE,
        deviceId: cbke.deviceId,
        inClusters: [CLUSTER_KEY_ESTABLISHMENT],
        outClusters: [CLUSTER_KEY_ESTABLISHMENT],
      });
      const credentials: Partial<Record<1 | 2, KeSuiteCredentials>> = {};
      if (cbke.suiteMask & 1 && cbke.suite1) credentials[1] = cbke.suite1;
      if (cbke.suiteMask & 2 && cbke.suite2) credentials[2] = cbke.suite2;
      this.ke = new KeHost({
        transport: this.transport,
        scheduler: this.scheduler,
        identity: { eui64: this.transport.eui64, credentials },
        crypto: options.crypto ?? cbkeCrypto(),
        rng: options.rng,
        endpoint: cbke.endpoint,
        responder: { maxSessions: 1 },
        onResponderDone: (o) => {
          // a partner (not the TC) ran KE with us: its KeyData is our link key with it
          if (o.status === "SUCCESS" && o.key) this.transport.setLinkKey(o.partner, o.key, "link key (CBKE)");
          this.log(`key establishment answered for ${o.partner}: ${o.status}`);
        },
      });
    }
    this.transport.registerEndpoint({
      endpoint: APP_ENDPOINT,
      profile: PROFILE_SE,
      deviceId: cbke.deviceId,
      inClusters: this.role === "meter" ? [CLUSTER_METERING] : [],
      outClusters: this.role === "meter" ? [] : [CLUSTER_METERING],
    });
    this.transport.on("command", (c) => this.onCommand(c));
    this.transport.on("data", (d) => void this.onData(d));
  }

  get eui64(): Eui64Hex {
    return this.transport.eui64;
  }

  /** The keep-alive client + Trust Center Swap-Out once attached (src/node/keepalive-host.ts). */
  tcSupervisor: TcSupervisorHost | undefined;
  /** ZbStartupTcsoStart: runs Trust Center Swap-Out now (seed 6.2). */
  startTcso(): void {
    this.requireTcSupervisor().startTcso();
  }
  /** ZbZclKeepAliveClientStart: (re)starts the keep-alive client; ends a halted TCSO. */
  keepAliveClientStart(): void {
    this.requireTcSupervisor().keepAliveClientStart();
  }
  private requireTcSupervisor(): TcSupervisorHost {
    if (!this.tcSupervisor)
      throw new ZseError("BAD_STATE", `node ${this.eui64}: no keep-alive client attached (not joined yet)`);
    return this.tcSupervisor;
  }

  /** ZbBdbGetIndex. */
  getBdb<K extends keyof BdbAttributes>(name: K): BdbAttributes[K] {
    return this.bdb[name];
  }
  /** ZbBdbSetIndex. */
  setBdb<K extends keyof BdbAttributes>(name: K, value: BdbAttributes[K]): void {
    this.bdb[name] = value;
  }

  /**
   * Joins with the preconfigured (install-code) link key, then runs the TC key exchange the
   * BDB attributes ask for: CBKE (method 1), APS Request Key for a TC link key (method 0 with
   * key exchange required), or nothing when both are 0 (dynamic CBKE activation).
   */
  async start(): Promise<StartupOutcome> {
    const key = this.config.preconfiguredLinkKey;
    if (!key) return { join: { status: "REFUSED" }, keyExchange: "none" };
    const join = await this.transport.join({ preconfiguredKey: key, label: KEY_LABEL.installCode });
    const keyExchange = tcKeyExchangeAfterJoin(this.bdb);
    if (join.status !== "SUCCESS" || !join.trustCenter) return { join, keyExchange };
    this.log(`joined, short address 0x${(join.shortAddress ?? 0).toString(16).padStart(4, "0")}`);
    if (keyExchange === "none") return { join, keyExchange };
    if (keyExchange === "aps-request-key") {
      const status = await this.requestTcLinkKey();
      return { join, keyExchange, keyExchangeStatus: status };
    }
    // a busy TC answers NO_RESOURCES with a wait time; the initiator holds the next start
    // until it has passed (SE 07-5356 C.3.1.2.3)
    let outcome = await this.keWithDevice(join.trustCenter, { apsRequestKey: false });
    let timeouts = 0;
    for (let i = 1; i < MAX_KE_ATTEMPTS; i++) {
      let waitMs: number;
      if (outcome.status === "NO_RESOURCES") {
        this.noResourcesRetries++;
        waitMs = (outcome.waitTimeS ?? 30) * 1000;
      } else if (outcome.status === "TIMEOUT" && timeouts < KE_TIMEOUT_RETRIES) {
        // frames lost beyond every APS/ZDO retry: the TC's half-open session ends on its own
        // timer (partner's time + 10 s), so start again once that has surely passed
        timeouts++;
        this.keTimeoutRetries++;
        waitMs = KE_RETRY_AFTER_TIMEOUT_MS;
      } else break;
      // the wait is a minimum: spread the retries over one more wait period so that devices
      // turned away together do not all come back at the same moment
      const r = this.rng.bytes(2);
      const spread = waitMs + Math.floor((((r[0] << 8) | r[1]) / 65536) * waitMs);
      await new Promise<void>((r) => this.scheduler.after(spread, r));
      outcome = await this.keWithDevice(join.trustCenter, { apsRequestKey: false });
    }
    return { join, keyExchange, keyExchangeStatus: outcome.status };
  }

  /** APS Request Key type 0x04 to the TC; resolves "SUCCESS" once the new TC link key is in. */
  async requestTcLinkKey(): Promise<string> {
    const tc = this.transport.trustCenter;
    if (!tc) return "NOT_JOINED";
    const got = this.waitForKey((c) => c.command.kind === "transport-key" && c.command.keyType === "tc-link");
    const r = await this.transport.sendCommand({
      to: tc,
      command: { kind: "request-key", keyType: "tc-link" },
      security: "link",
    });
    if (r.status !== "SUCCESS") return r.status;
    return (await got) ? "SUCCESS" : "TIMEOUT";
  }

  /**
   * ZbZclKeWithDevice: finds the partner's Key Establishment endpoint (ZDO Match Descriptor
   * for cluster 0x0800), runs CBKE with it (the TC or another device), and with
   * `apsRequestKey` and a partner that is not the TC asks the TC for an application link key
   * with that partner (APS Request Key type 0x02). The outcome also goes to `callback` and
   * into the BDB KE status.
   */
  async keWithDevice(
    partner: Eui64Hex,
    options: { apsRequestKey?: boolean } = {},
    callback?: (outcome: KeOutcome) => void,
  ): Promise<KeOutcome> {
    const outcome = await this.runKeWithDevice(partner, options.apsRequestKey ?? false);
    this.bdb.keStatus = outcome.status;
    this.log(`key establishment with ${partner}: ${outcome.status}`);
    callback?.(outcome);
    return outcome;
  }

  private async runKeWithDevice(partner: Eui64Hex, apsRequestKey: boolean): Promise<KeOutcome> {
    const start = this.scheduler.now();
    const local = (status: string): KeOutcome => ({
      partner,
      status,
      durationMs: this.scheduler.now() - start,
    });
    if (!this.transport.trustCenter) return local("NOT_JOINED");
    if (!this.ke || this.config.cbke.suiteMask === 0) return local("UNSUPPORTED_SUITE");
    let endpoint = this.keEndpoints.get(partner);
    if (endpoint === undefined) {
      const request = { target: partner, profile: PROFILE_SE, inClusters: [CLUSTER_KEY_ESTABLISHMENT] };
      // no answer at all is a TIMEOUT; only an answer without a KE server is NO_KE_ENDPOINT
      const endpoints = this.transport.matchDescriptorOrTimeout
        ? await this.transport.matchDescriptorOrTimeout(request)
        : await this.transport.matchDescriptor(request);
      if (endpoints === undefined) return local("TIMEOUT");
      if (endpoints.length === 0) return local("NO_KE_ENDPOINT");
      endpoint = endpoints[0];
      this.keEndpoints.set(partner, endpoint);
    }
    const outcome = await this.ke.initiate({ partner, endpoint });
    if (outcome.status === "SUCCESS" && outcome.key) {
      const isTc = partner === this.transport.trustCenter;
      this.transport.setLinkKey(partner, outcome.key, isTc ? KEY_LABEL.cbke : "link key (CBKE)");
    }
    if (outcome.status !== "SUCCESS" || !apsRequestKey || partner === this.transport.trustCenter)
      return outcome;
    const got = this.waitForKey(
      (c) =>
        c.command.kind === "transport-key" &&
        c.command.keyType === "app-link" &&
        c.command.partner === partner,
    );
    const r = await this.transport.sendCommand({
      to: this.transport.trustCenter,
      command: { kind: "request-key", keyType: "app-link", partner },
      security: "link",
    });
    if (r.status !== "SUCCESS" || !(await got)) return { ...outcome, status: "TIMEOUT", key: undefined };
    return { ...outcome, durationMs: this.scheduler.now() - start };
  }

  /** Reads a meter's InstantaneousDemand over APS security; undefined when no answer came. */
  async readDemand(meter: Eui64Hex): Promise<number | undefined> {
    const seq = this.zclSeq++ & 0xff;
    const frame = encodeZclFrame(
      {
        frameType: "global",
        direction: "client-to-server",
        disableDefaultResponse: true,
        seq,
        commandId: GlobalCommand.READ_ATTRIBUTES,
      },
      encodeReadAttributes([METERING_INSTANTANEOUS_DEMAND]),
    );
    const answer = new Promise<number | undefined>((resolve) => {
      const id = `${meter}:${seq}`;
      const timer = this.scheduler.after(REQUEST_KEY_TIMEOUT_MS, () => {
        this.readWaiters.delete(id);
        resolve(undefined);
      });
      this.readWaiters.set(id, (v) => {
        this.scheduler.cancel(timer);
        this.readWaiters.delete(id);
        resolve(v);
      });
    });
    const r = await this.transport.sendData({
      to: meter,
      dstEndpoint: APP_ENDPOINT,
      srcEndpoint: APP_ENDPOINT,
      cluster: CLUSTER_METERING,
      profile: PROFILE_SE,
      payload: frame,
      apsSecurity: true,
      label: "Read Attributes (Metering InstantaneousDemand)",
    });
    if (r.status !== "SUCCESS") {
      this.readWaiters.get(`${meter}:${seq}`)?.(undefined);
    }
    return answer;
  }

  private waitForKey(match: (c: CommandIndication) => boolean): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = this.scheduler.after(REQUEST_KEY_TIMEOUT_MS, () => {
        this.keyWaiters = this.keyWaiters.filter((w) => w !== waiter);
        resolve(false);
      });
      const waiter = {
        match,
        resolve: () => {
          this.scheduler.cancel(timer);
          resolve(true);
        },
      };
      this.keyWaiters.push(waiter);
    });
  }

  /** Transport Key from the TC (05-3474 4.4.10.1): TC link key or application link key. */
  private onCommand(c: CommandIndication): void {
    const tc = this.transport.trustCenter;
    const cmd = c.command;
    if (cmd.kind !== "transport-key" || c.from !== tc || c.security !== "key-transport") return;
    if (cmd.keyType === "tc-link") {
      this.transport.setLinkKey(tc, cmd.key, KEY_LABEL.requestKey);
      this.bdb.keStatus = "SUCCESS";
    } else if (cmd.keyType === "app-link") {
      this.transport.setLinkKey(cmd.partner, cmd.key, KEY_LABEL.application);
    } else return;
    const hit = this.keyWaiters.filter((w) => w.match(c));
    this.keyWaiters = this.keyWaiters.filter((w) => !hit.includes(w));
    for (const w of hit) w.resolve();
  }

  private async onData(d: DataIndication): Promise<void> {
    if (d.cluster !== CLUSTER_METERING || d.profile !== PROFILE_SE) return;
    let zcl: ReturnType<typeof decodeZclFrame>;
    try {
      zcl = decodeZclFrame(d.payload);
    } catch {
      return;
    }
    const h = zcl.header;
    if (h.frameType !== "global") return;
    if (h.commandId === GlobalCommand.READ_ATTRIBUTES_RESPONSE && h.direction === "server-to-client") {
      // SE 5.4.6: application data is accepted only APS-encrypted
      if (!d.apsSecured) return;
      const rec = decodeReadAttributesResponse(zcl.payload).find(
        (r) => r.attributeId === METERING_INSTANTANEOUS_DEMAND,
      );
      this.readWaiters.get(`${d.from}:${h.seq}`)?.(rec?.status === ZclStatus.SUCCESS ? rec.value : undefined);
      return;
    }
    if (this.role !== "meter" || h.commandId !== GlobalCommand.READ_ATTRIBUTES || !d.apsSecured) return;
    const answer = encodeZclFrame(
      {
        frameType: "global",
        direction: "server-to-client",
        disableDefaultResponse: true,
        seq: h.seq,
        commandId: GlobalCommand.READ_ATTRIBUTES_RESPONSE,
      },
      encodeReadAttributesResponse([
        {
          attributeId: METERING_INSTANTANEOUS_DEMAND,
          status: ZclStatus.SUCCESS,
          dataType: ZclDataType.INT24,
          value: this.demand,
        },
      ]),
    );
    await this.transport.sendData({
      to: d.from,
      dstEndpoint: d.srcEndpoint,
      srcEndpoint: APP_ENDPOINT,
      cluster: CLUSTER_METERING,
      profile: PROFILE_SE,
      payload: answer,
      apsSecurity: true,
      label: "Read Attributes Response (InstantaneousDemand)",
    });
  }
}
