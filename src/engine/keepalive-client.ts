/**
 * Trust Center Keep-Alive cluster (0x0025) client, a sans-IO engine run by every joiner
 * (SE 07-5356 §5.4.2.2.3.4 Keep-Alive method; the seed page section 6.2; the Exegin client's
 * behaviour the seed describes).
 *
 * State machine (one timer, `KEEPALIVE_TIMER`):
 *   idle --start--> starting --(startDelayMs)--> discovering --(endpoint)--> reading
 *   reading --(answer or readTimeoutMs)--> waiting --(interval)--> reading ...
 *   any failure #3 --> tcso (emits `tc-unreachable`; resumes through `tcsoFinished`)
 *
 * Timing rules:
 * - The first read goes out as soon as discovery returns the TC's endpoint.
 * - Reads are spaced `base·60 s + random(0..jitter s)` (inclusive), measured from the time
 *   the previous read (or discovery request) was sent; a new interval is drawn each time.
 * - Until a read succeeds the defaults (base 10 min, jitter 300 s) apply; after it, the values
 *   read. A read succeeds only when both attributes come back SUCCESS, with their ZCL types and
 *   in range, APS-secured, from the TC, with the request's sequence number.
 * - A read fails when no such answer arrives within `readTimeoutMs` (< 60 s, the shortest
 *   interval), or at once when the answer carries an error status; a discovery fails when no
 *   result arrives within `discoveryTimeoutMs`. Three consecutive failures = TC unreachable.
 * - After TCSO: SUCCESS -> discovery on the new TC after the start delay; REJOIN_PREV -> next
 *   read one interval later; NOT_FOUND -> a pause of `cooldownMs` (>= 5 min), then the next
 *   read one interval after the pause; FATAL -> idle until `start()`.
 */
import { ZseError } from "../util/errors.js";
import type { Rng } from "../util/rng.js";
import { ZclDataType } from "../zcl/data-types.js";
import {
  decodeDefaultResponse,
  decodeReadAttributesResponse,
  encodeReadAttributes,
} from "../zcl/foundation.js";
import { decodeZclFrame, encodeZclFrame, type ZclFrame } from "../zcl/header.js";
import {
  CLUSTER_KEEP_ALIVE,
  GlobalCommand,
  KEEPALIVE_ATTR_BASE,
  KEEPALIVE_ATTR_JITTER,
  KEEPALIVE_BASE_DEFAULT,
  KEEPALIVE_BASE_MAX,
  KEEPALIVE_BASE_MIN,
  KEEPALIVE_JITTER_DEFAULT,
  KEEPALIVE_JITTER_MAX,
  PROFILE_SE,
} from "../zcl/ids.js";
import { ZclStatus } from "../zcl/status.js";
import { drawIntervalMs } from "./keepalive-timing.js";
import {
  KEEPALIVE_FAILURES_MAX,
  type KeepAliveClientAction,
  type KeepAliveParams,
  type KeepAliveResultAction,
  TCSO_COOLDOWN_MIN_MS,
  TcsoStatus,
} from "./keepalive-types.js";
import type { Eui64Hex, ReceivedFrame } from "./types.js";

/** The client's one timer name. */
export const KEEPALIVE_TIMER = "keepalive";

export type KeepAliveClientState = "idle" | "starting" | "discovering" | "reading" | "waiting" | "tcso";

export interface KeepAliveClientOptions {
  /** The Trust Center's EUI-64: the keep-alive target. */
  tc: Eui64Hex;
  rng: Rng;
  /** Delay from `start()` to the Match Descriptor request (ms); default 3000 (Exegin). */
  startDelayMs?: number;
  /** How long a read waits for its answer (ms); default 10 000; must be below 60 000. */
  readTimeoutMs?: number;
  /** How long discovery waits for its result (ms); default = readTimeoutMs. */
  discoveryTimeoutMs?: number;
  /** Pause after a failed TCSO before keep-alive resumes (ms); default and minimum 5 min. */
  cooldownMs?: number;
}

export type KeepAliveClientOutput = KeepAliveClientAction;

export class KeepAliveClient {
  private tcAddr: Eui64Hex;
  private readonly rng: Rng;
  private readonly startDelayMs: number;
  private readonly readTimeoutMs: number;
  private readonly discoveryTimeoutMs: number;
  private readonly cooldownMs: number;
  private st: KeepAliveClientState = "idle";
  private endpoint: number | undefined;
  private values: KeepAliveParams = { base: KEEPALIVE_BASE_DEFAULT, jitter: KEEPALIVE_JITTER_DEFAULT };
  private fromServer = false;
  private failureCount = 0;
  private seq = 0;
  private pendingSeq = -1;
  private sentAt = 0;
  private timerAt: number | undefined;

  constructor(opts: KeepAliveClientOptions) {
    this.tcAddr = opts.tc;
    this.rng = opts.rng;
    this.startDelayMs = nonNegative(opts.startDelayMs ?? 3000, "startDelayMs");
    this.readTimeoutMs = nonNegative(opts.readTimeoutMs ?? 10_000, "readTimeoutMs");
    if (this.readTimeoutMs <= 0 || this.readTimeoutMs >= 60_000) {
      throw new ZseError(
        "BAD_VALUE",
        `readTimeoutMs ${this.readTimeoutMs} is not in 1..59999 (below the 60 s minimum interval)`,
      );
    }
    this.discoveryTimeoutMs = nonNegative(
      opts.discoveryTimeoutMs ?? this.readTimeoutMs,
      "discoveryTimeoutMs",
    );
    if (this.discoveryTimeoutMs <= 0 || this.discoveryTimeoutMs >= 60_000) {
      throw new ZseError("BAD_VALUE", `discoveryTimeoutMs ${this.discoveryTimeoutMs} is not in 1..59999`);
    }
    this.cooldownMs = nonNegative(opts.cooldownMs ?? TCSO_COOLDOWN_MIN_MS, "cooldownMs");
    if (this.cooldownMs < TCSO_COOLDOWN_MIN_MS) {
      throw new ZseError("BAD_VALUE", `cooldownMs ${this.cooldownMs} is below the 5-minute minimum (300000)`);
    }
  }

  get state(): KeepAliveClientState {
    return this.st;
  }
  /** The keep-alive target (the current Trust Center). */
  get tc(): Eui64Hex {
    return this.tcAddr;
  }
  /** The TC's Keep-Alive server endpoint, once discovered. */
  get tcEndpoint(): number | undefined {
    return this.endpoint;
  }
  /** The parameters in use: the defaults until a read succeeds, the values read after. */
  get params(): KeepAliveParams {
    return { ...this.values };
  }
  /** True once a read has succeeded (the parameters came from the server). */
  get paramsFromServer(): boolean {
    return this.fromServer;
  }
  /** Consecutive failed reads / discoveries. */
  get failures(): number {
    return this.failureCount;
  }
  /** When the client's timer is due (ms), if armed. */
  get nextTimerAt(): number | undefined {
    return this.timerAt;
  }

  /**
   * Starts (or restarts) the client: clears the failure count and, after the start delay,
   * asks for the TC's Keep-Alive server endpoint (`keepAliveClientStart()` in Exegin terms).
   */
  start(now: number): KeepAliveClientOutput[] {
    this.failureCount = 0;
    this.endpoint = undefined;
    this.pendingSeq = -1;
    this.st = "starting";
    return [this.arm(now + this.startDelayMs)];
  }

  /** Stops the client: no more reads until `start()`. */
  stop(): KeepAliveClientOutput[] {
    this.st = "idle";
    this.pendingSeq = -1;
    return this.disarm();
  }

  /**
   * Hands the client to TCSO (started by the client itself or by the application): no timers
   * run until `tcsoFinished()` or `start()`.
   */
  suspendForTcso(): KeepAliveClientOutput[] {
    this.st = "tcso";
    this.pendingSeq = -1;
    return this.disarm();
  }

  /** Feeds the client's timer. */
  handleTimer(name: string, now: number): KeepAliveClientOutput[] {
    if (name !== KEEPALIVE_TIMER) return [];
    this.timerAt = undefined;
    switch (this.st) {
      case "starting":
        return this.discover(now);
      case "discovering":
        return this.fail(now, "discover", "no Match Descriptor result in time");
      case "waiting":
        return this.endpoint === undefined ? this.discover(now) : this.sendRead(now);
      case "reading":
        this.pendingSeq = -1;
        return this.fail(now, "read", `no answer within ${this.readTimeoutMs} ms`);
      default:
        return [];
    }
  }

  /**
   * The node's answer to a `discover` action: the endpoints of the TC's Match Descriptor
   * response (the first is used), or null when the request failed. An empty list means the TC
   * has no Keep-Alive server: the client goes idle.
   */
  discoveryResult(now: number, endpoints: readonly number[] | null): KeepAliveClientOutput[] {
    if (this.st !== "discovering") return [];
    if (endpoints === null) return this.fail(now, "discover", "Match Descriptor failed");
    const ep = endpoints.find((e) => Number.isInteger(e) && e >= 1 && e <= 240);
    if (ep === undefined) {
      this.st = "idle";
      return this.disarm();
    }
    this.endpoint = ep;
    this.failureCount = 0;
    return this.sendRead(now);
  }

  /** Feeds a received frame; only an APS-secured answer from the TC to the pending read counts. */
  handleFrame(rx: ReceivedFrame, now: number): KeepAliveClientOutput[] {
    if (
      this.st !== "reading" ||
      rx.cluster !== CLUSTER_KEEP_ALIVE ||
      !rx.apsSecured ||
      rx.from !== this.tcAddr
    ) {
      return [];
    }
    let zcl: ZclFrame;
    try {
      zcl = decodeZclFrame(rx.frame);
    } catch {
      return [];
    }
    const h = zcl.header;
    if (h.direction !== "server-to-client" || h.frameType !== "global" || h.manufacturerCode !== undefined)
      return [];
    if (h.seq !== this.pendingSeq) return [];
    if (h.commandId === GlobalCommand.DEFAULT_RESPONSE) {
      let dr: ReturnType<typeof decodeDefaultResponse>;
      try {
        dr = decodeDefaultResponse(zcl.payload);
      } catch {
        return [];
      }
      if (dr.commandId !== GlobalCommand.READ_ATTRIBUTES) return [];
      this.pendingSeq = -1;
      return this.fail(now, "read", `Default Response status 0x${hex2(dr.status)}`);
    }
    if (h.commandId !== GlobalCommand.READ_ATTRIBUTES_RESPONSE) return [];
    this.pendingSeq = -1;
    const parsed = parseReadResponse(zcl.payload);
    if (typeof parsed === "string") return this.fail(now, "read", parsed);
    this.values = parsed;
    this.fromServer = true;
    this.failureCount = 0;
    this.st = "waiting";
    return [
      { kind: "keepalive-result", ok: true, step: "read", failures: 0, params: this.params },
      this.arm(this.sentAt + drawIntervalMs(this.values, this.rng)),
    ];
  }

  /**
   * Resumes after TCSO with its final status (SUCCESS with the new TC's address). See the
   * timing rules in this file's header.
   */
  tcsoFinished(now: number, status: TcsoStatus, newTc?: Eui64Hex): KeepAliveClientOutput[] {
    this.failureCount = 0;
    this.pendingSeq = -1;
    switch (status) {
      case TcsoStatus.SUCCESS:
        if (newTc === undefined)
          throw new ZseError("BAD_VALUE", "tcsoFinished: SUCCESS needs the new TC address");
        this.tcAddr = newTc;
        return this.start(now);
      case TcsoStatus.REJOIN_PREV:
        this.st = "waiting";
        return [this.arm(now + drawIntervalMs(this.values, this.rng))];
      case TcsoStatus.NOT_FOUND:
        this.st = "waiting";
        return [this.arm(now + this.cooldownMs + drawIntervalMs(this.values, this.rng))];
      case TcsoStatus.FATAL:
        return this.stop();
      default:
        return [];
    }
  }

  private discover(now: number): KeepAliveClientOutput[] {
    this.st = "discovering";
    this.sentAt = now;
    return [
      { kind: "discover", target: this.tcAddr, cluster: CLUSTER_KEEP_ALIVE, profile: PROFILE_SE },
      this.arm(now + this.discoveryTimeoutMs),
    ];
  }

  private sendRead(now: number): KeepAliveClientOutput[] {
    this.st = "reading";
    this.sentAt = now;
    this.pendingSeq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    return [
      {
        kind: "send",
        to: this.tcAddr,
        endpoint: this.endpoint,
        cluster: CLUSTER_KEEP_ALIVE,
        frame: encodeZclFrame(
          {
            frameType: "global",
            direction: "client-to-server",
            disableDefaultResponse: false,
            seq: this.pendingSeq,
            commandId: GlobalCommand.READ_ATTRIBUTES,
          },
          encodeReadAttributes([KEEPALIVE_ATTR_BASE, KEEPALIVE_ATTR_JITTER]),
        ),
        apsSecurity: true,
      },
      this.arm(now + this.readTimeoutMs),
    ];
  }

  private fail(now: number, step: "read" | "discover", reason: string): KeepAliveClientOutput[] {
    this.failureCount++;
    const result: KeepAliveResultAction = {
      kind: "keepalive-result",
      ok: false,
      step,
      failures: this.failureCount,
      reason,
      params: this.params,
    };
    if (this.failureCount >= KEEPALIVE_FAILURES_MAX) {
      this.failureCount = 0;
      return [result, ...this.suspendForTcso(), { kind: "tc-unreachable", tc: this.tcAddr }];
    }
    this.st = "waiting";
    const at = Math.max(now, this.sentAt + drawIntervalMs(this.values, this.rng));
    return [result, this.arm(at)];
  }

  private arm(at: number): KeepAliveClientOutput {
    this.timerAt = at;
    return { kind: "timer", name: KEEPALIVE_TIMER, at };
  }

  private disarm(): KeepAliveClientOutput[] {
    if (this.timerAt === undefined) return [];
    this.timerAt = undefined;
    return [{ kind: "cancel", name: KEEPALIVE_TIMER }];
  }
}

/** Base and Jitter from a Read Attributes Response payload, or why it is not a good answer. */
function parseReadResponse(payload: Uint8Array): KeepAliveParams | string {
  let records: ReturnType<typeof decodeReadAttributesResponse>;
  try {
    records = decodeReadAttributesResponse(payload);
  } catch (e) {
    return `malformed response (${(e as Error).message})`;
  }
  let base: number | undefined;
  let jitter: number | undefined;
  for (const r of records) {
    const id = r.attributeId.toString(16).padStart(4, "0");
    if (r.status !== ZclStatus.SUCCESS) return `attribute 0x${id} status 0x${hex2(r.status)}`;
    if (r.attributeId === KEEPALIVE_ATTR_BASE && r.dataType === ZclDataType.UINT8) base = r.value;
    else if (r.attributeId === KEEPALIVE_ATTR_JITTER && r.dataType === ZclDataType.UINT16) jitter = r.value;
    else return `unexpected attribute 0x${id} of type 0x${hex2(r.dataType ?? 0)}`;
  }
  if (base === undefined || jitter === undefined) return "Base or Jitter missing from the response";
  if (base < KEEPALIVE_BASE_MIN || base > KEEPALIVE_BASE_MAX) return `Base ${base} out of 1..255`;
  if (jitter > KEEPALIVE_JITTER_MAX) return `Jitter ${jitter} out of 0..512`;
  return { base, jitter };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

function nonNegative(v: number, title: string): number {
  if (!Number.isFinite(v) || v < 0)
    throw new ZseError("BAD_VALUE", `${title} ${v} is not a non-negative number`);
  return v;
}
