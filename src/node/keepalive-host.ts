/**
 * Runs the Trust Center Keep-Alive engines (SE 07-5356 §5.4.2.2.3.4, Keep-Alive cluster 0x0025)
 * and Trust Center Swap-Out (seed section 6.2, Exegin ZbTcsoStatusT) inside nodes, the way
 * ke-host.ts runs the Key Establishment engines: engine timers go on the Scheduler, sends
 * become APS data frames encrypted with the link key shared with the TC (05-3474 4.4.1.1),
 * `discover` a ZDO Match Descriptor exchange (05-3474 2.4.3.1.7), `tcso-rejoin` / `tcso-scan`
 * a Trust Center rejoin and a channel scan through a `TcsoLink` (05-3474 3.6.1.4.2), and
 * `tcso-cbke` CBKE with the new TC through the node's KE host (SE 07-5356 C.3); the results go
 * back to the engines.
 */
import { KeepAliveServer } from "../engine/keepalive-server.js";
import {
  type KeepAliveParams,
  type TcSupervisorAction,
  type TcsoScanFound,
  type TcsoStatusName,
  tcsoStatusName,
} from "../engine/keepalive-types.js";
import { TcSupervisor, type TcSupervisorOptions, type TcSupervisorState } from "../engine/tcso-supervisor.js";
import type { Eui64Hex } from "../engine/types.js";
import type { Scheduler } from "../net/sim/clock.js";
import type { DataIndication, Transport } from "../net/transport.js";
import { ZseError } from "../util/errors.js";
import type { Rng } from "../util/rng.js";
import { CLUSTER_KEEP_ALIVE, PROFILE_SE } from "../zcl/ids.js";
import type { SeNode } from "./se-node.js";
import type { CbkeStartupConfig } from "./startup.js";

/** The Trust Center's endpoint serving the Keep-Alive cluster (server side). */
export const KEEPALIVE_SERVER_ENDPOINT = 1;
/** Device id of that endpoint: Energy Service Interface (SE 07-5356 table 5-1). */
export const ZCL_DEVICE_ESI = 0x0500;
/** Source endpoint of a joiner's keep-alive reads (its application endpoint). */
export const KEEPALIVE_CLIENT_ENDPOINT = 1;
/** CBKE attempts with a new TC while it answers NO_RESOURCES. */
const MAX_KE_ATTEMPTS = 20;

/** Names of Keep-Alive cluster frames, for the timeline (ZCL 07-5123 2.5.1 / 2.5.2). */
function describeKeepAliveFrame(frame: Uint8Array): string {
  const o = frame.length > 0 && frame[0] & 0x04 ? 2 : 0;
  const id = frame[2 + o];
  const name = { 0: "Read Attributes", 1: "Read Attributes Response", 2: "Write Attributes" }[id] ?? "ZCL";
  return `${name} (Keep-Alive Base, Jitter)`;
}

/**
 * The Trust Center's Keep-Alive server, allocated when the startup configuration's
 * `tcKeepAliveServer` is set (base / jitter 0 = the stack defaults); undefined otherwise.
 */
export function startKeepAliveServer(options: {
  transport: Transport;
  scheduler: Scheduler;
  config: Pick<CbkeStartupConfig, "tcKeepAliveServer" | "tcKeepAliveBase" | "tcKeepAliveJitter">;
  endpoint?: number;
}): KeepAliveServer | undefined {
  const c = options.config;
  if (!c.tcKeepAliveServer) return undefined;
  const server = new KeepAliveServer({ base: c.tcKeepAliveBase, jitter: c.tcKeepAliveJitter });
  const endpoint = options.endpoint ?? KEEPALIVE_SERVER_ENDPOINT;
  const t = options.transport;
  t.registerEndpoint({
    endpoint,
    profile: PROFILE_SE,
    deviceId: ZCL_DEVICE_ESI,
    inClusters: [CLUSTER_KEEP_ALIVE],
    outClusters: [],
  });
  t.on("data", (d: DataIndication) => {
    if (d.cluster !== CLUSTER_KEEP_ALIVE || d.profile !== PROFILE_SE || d.dstEndpoint !== endpoint) return;
    const rx = {
      from: d.from,
      endpoint: d.srcEndpoint,
      cluster: d.cluster,
      frame: d.payload,
      apsSecured: d.apsSecured,
    };
    for (const a of server.handleFrame(rx, options.scheduler.now())) {
      void t.sendData({
        to: a.to,
        dstEndpoint: a.endpoint ?? d.srcEndpoint,
        srcEndpoint: endpoint,
        cluster: a.cluster,
        profile: PROFILE_SE,
        payload: a.frame,
        apsSecurity: a.apsSecurity,
        label: describeKeepAliveFrame(a.frame),
      });
    }
  });
  return server;
}

/**
 * What TCSO needs from the network below the node: Match Descriptor, Trust Center rejoin and
 * a scan of the other channels (the simulator's is src/node/tcso-sim.ts).
 */
export interface TcsoLink {
  /** ZDO Match Descriptor: the endpoints ([] = an empty answer), or null when nothing answered. */
  discover(request: { target: Eui64Hex; profile: number; cluster: number }): Promise<number[] | null>;
  /**
   * Trust Center rejoin on the current channel, or on `channel` where a scan found `tc`: the
   * Trust Center of the network rejoined, or null.
   */
  rejoin(request: { channel?: number; tc?: Eui64Hex }): Promise<Eui64Hex | null>;
  /** Scans the other channels for a Trust Center's network. */
  scan(): Promise<TcsoScanFound | null>;
}

/** One keep-alive or TCSO event of a node, for reports and tests (virtual ms). */
export type TcsoEvent =
  | {
      t: number;
      kind: "read" | "discover";
      ok: boolean;
      tc: Eui64Hex;
      reason?: string;
      params: KeepAliveParams;
    }
  | { t: number; kind: "callback"; status: TcsoStatusName; tc: Eui64Hex; answer: boolean | undefined }
  | { t: number; kind: "status"; status: TcsoStatusName; tc: Eui64Hex };

export interface TcSupervisorHostOptions {
  /** The joined node: its transport carries the frames, its KE host runs CBKE. */
  node: SeNode;
  scheduler: Scheduler;
  rng: Rng;
  link: TcsoLink;
  /** Engine settings (start delay, read timeout, cooldown, TCSO step timeouts). */
  keepAlive?: TcSupervisorOptions["keepAlive"];
  tcso?: TcSupervisorOptions["tcso"];
  log?: (text: string) => void;
}

/**
 * A joiner's keep-alive client + TCSO (`TcSupervisor`) running over its transport. The TCSO
 * callback is the startup configuration's `cbke.tcsoCallback`, called with the status names;
 * returning false at DISCOVERY_UNDERWAY halts TCSO and the client until `startTcso()` or
 * `keepAliveClientStart()`.
 */
export class TcSupervisorHost {
  readonly supervisor: TcSupervisor;
  /** Every keep-alive result, callback and TCSO status, in order. */
  readonly events: TcsoEvent[] = [];
  private readonly node: SeNode;
  private readonly scheduler: Scheduler;
  private readonly link: TcsoLink;
  private readonly log: (text: string) => void;
  private timers = new Map<string, number>();
  private readEndpoint: number | undefined;
  private token = { discover: 0, tcso: 0 };

  constructor(options: TcSupervisorHostOptions) {
    this.node = options.node;
    this.scheduler = options.scheduler;
    this.link = options.link;
    this.log = options.log ?? (() => {});
    const tc = this.node.transport.trustCenter;
    if (!tc)
      throw new ZseError("BAD_STATE", `keep-alive client on ${this.node.eui64}: the node has not joined`);
    const appCallback = this.node.config.cbke.tcsoCallback;
    this.supervisor = new TcSupervisor({
      tc,
      rng: options.rng,
      keepAlive: options.keepAlive,
      tcso: options.tcso,
      callback: (status, info) => {
        const name = tcsoStatusName(status);
        const answer = appCallback?.(name);
        this.events.push({ t: info.now, kind: "callback", status: name, tc: info.tc, answer });
        return answer;
      },
    });
    this.node.transport.on("data", (d) => this.onData(d));
    this.node.tcSupervisor = this;
  }

  get state(): TcSupervisorState {
    return this.supervisor.state;
  }
  /** The Trust Center the client watches (the new one after a swap-out). */
  get tc(): Eui64Hex {
    return this.supervisor.tc;
  }
  get params(): KeepAliveParams {
    return this.supervisor.params;
  }
  /** The final TCSO statuses so far. */
  get outcomes(): { status: TcsoStatusName; tc: Eui64Hex; at: number }[] {
    return this.supervisor.outcomes.map((o) => ({ status: tcsoStatusName(o.status), tc: o.tc, at: o.at }));
  }

  /** ZbZclKeepAliveClientStart: (re)starts the client (after the start delay); ends a halted TCSO. */
  keepAliveClientStart(): void {
    this.run(this.supervisor.keepAliveClientStart(this.scheduler.now()));
  }
  /** ZbStartupTcsoStart: runs TCSO now (the callback is told, not asked). */
  startTcso(): void {
    this.run(this.supervisor.startTcso(this.scheduler.now()));
  }
  /** ZbZclKeepAliveClientStop: stops the client and aborts TCSO. */
  stop(): void {
    this.run(this.supervisor.stop());
  }

  private onData(d: DataIndication): void {
    if (d.cluster !== CLUSTER_KEEP_ALIVE || d.profile !== PROFILE_SE) return;
    const rx = {
      from: d.from,
      endpoint: d.srcEndpoint,
      cluster: d.cluster,
      frame: d.payload,
      apsSecured: d.apsSecured,
    };
    this.run(this.supervisor.handleFrame(rx, this.scheduler.now()));
  }

  private run(actions: readonly TcSupervisorAction[]): void {
    const now = this.scheduler.now();
    for (const a of actions) {
      switch (a.kind) {
        case "timer": {
          this.cancelTimer(a.name);
          const h = this.scheduler.at(a.at, () => {
            this.timers.delete(a.name);
            this.run(this.supervisor.handleTimer(a.name, this.scheduler.now()));
          });
          this.timers.set(a.name, h);
          break;
        }
        case "cancel":
          this.cancelTimer(a.name);
          break;
        case "send":
          void this.node.transport.sendData({
            to: a.to,
            dstEndpoint: a.endpoint ?? this.readEndpoint ?? KEEPALIVE_SERVER_ENDPOINT,
            srcEndpoint: KEEPALIVE_CLIENT_ENDPOINT,
            cluster: a.cluster,
            profile: PROFILE_SE,
            payload: a.frame,
            apsSecurity: a.apsSecurity,
            label: describeKeepAliveFrame(a.frame),
          });
          break;
        case "discover":
          void this.discover(a.target, a.profile, a.cluster);
          break;
        case "keepalive-result":
          this.events.push({
            t: now,
            kind: a.step,
            ok: a.ok,
            tc: this.supervisor.tc,
            params: a.params,
            ...(a.reason ? { reason: a.reason } : {}),
          });
          if (!a.ok) this.log(`keep-alive ${a.step} failed (${a.failures} in a row): ${a.reason ?? "?"}`);
          break;
        case "tc-unreachable":
          this.log(`Trust Center ${a.tc} unreachable: Trust Center Swap-Out`);
          break;
        case "tcso-status": {
          const name = tcsoStatusName(a.status);
          this.events.push({ t: now, kind: "status", status: name, tc: a.tc });
          this.log(`TCSO ${name} (Trust Center ${a.tc})`);
          break;
        }
        case "tcso-rejoin":
          void this.rejoin(a.channel, a.tc);
          break;
        case "tcso-scan":
          void this.scan();
          break;
        case "tcso-cbke":
          void this.cbke(a.partner);
          break;
        case "key":
          break;
      }
    }
  }

  private cancelTimer(name: string): void {
    const h = this.timers.get(name);
    if (h !== undefined) this.scheduler.cancel(h);
    this.timers.delete(name);
  }

  private async discover(target: Eui64Hex, profile: number, cluster: number): Promise<void> {
    const token = ++this.token.discover;
    const endpoints = await this.link.discover({ target, profile, cluster });
    if (token !== this.token.discover) return;
    if (endpoints && endpoints.length > 0) this.readEndpoint = endpoints[0];
    this.run(this.supervisor.discoveryResult(this.scheduler.now(), endpoints));
  }

  private async rejoin(channel: number | undefined, tc: Eui64Hex | undefined): Promise<void> {
    const token = ++this.token.tcso;
    const found = await this.link.rejoin({
      ...(channel !== undefined ? { channel } : {}),
      ...(tc ? { tc } : {}),
    });
    if (token !== this.token.tcso) return;
    this.run(this.supervisor.rejoinResult(this.scheduler.now(), found));
  }

  private async scan(): Promise<void> {
    const token = ++this.token.tcso;
    const found = await this.link.scan();
    if (token !== this.token.tcso) return;
    this.run(this.supervisor.scanResult(this.scheduler.now(), found));
  }

  private async cbke(partner: Eui64Hex): Promise<void> {
    const token = ++this.token.tcso;
    const status = await this.keWithTc(partner);
    if (token !== this.token.tcso) return;
    this.run(this.supervisor.cbkeResult(this.scheduler.now(), status === "SUCCESS"));
  }

  /** CBKE with the Trust Center, repeated while it answers NO_RESOURCES (SE 07-5356 C.3.1.2.3). */
  private async keWithTc(tc: Eui64Hex): Promise<string> {
    let outcome = await this.node.keWithDevice(tc, { apsRequestKey: false });
    for (let i = 1; outcome.status === "NO_RESOURCES" && i < MAX_KE_ATTEMPTS; i++)
      outcome = await this.node.keWithDevice(tc, { apsRequestKey: false });
    return outcome.status;
  }
}
