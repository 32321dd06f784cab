/**
 * The Key Establishment responder (server side of cluster 0x0800, SE 07-5356 C.3.1.2 and
 * C.4.2.2): answers Read Attributes of KeyEstablishmentSuite, then for each initiator runs
 * Initiate KE -> Ephemeral Data -> Confirm Key Data, and ends with KeyData installed as the
 * link key with that partner or with a Terminate KE status:
 * - UNSUPPORTED_SUITE when the requested suite is not exactly one suite we hold;
 * - NO_RESOURCES with a wait time when `maxSessions` sessions are already running (a fixed
 *   time, or with `waitTime: "queue"` one spread by the queue of refused initiators);
 * - UNKNOWN_ISSUER / INVALID_CERTIFICATE / BAD_MESSAGE from the certificate checks;
 * - BAD_MESSAGE for a malformed or out-of-order command or an invalid ephemeral point;
 * - BAD_KEY_CONFIRM when MACU does not verify.
 * Each wait = the initiator's advertised generate time + slack; on timeout the session ends
 * as TIMEOUT and no Terminate is sent (seed; SiLabs key-establishment plugin). A session is
 * per partner: frames from other devices never touch it. Retransmissions (same sequence
 * number, same bytes) are dropped, so each request is answered once.
 */
import { equalBytes, fromHex } from "../util/bytes.js";
import { isZseError } from "../util/errors.js";
import { ZclDataType } from "../zcl/data-types.js";
import {
  decodeReadAttributes,
  encodeDefaultResponse,
  encodeReadAttributesResponse,
  type ReadAttributeRecord,
} from "../zcl/foundation.js";
import { decodeZclFrame, encodeZclFrame, type ZclHeader } from "../zcl/header.js";
import { CLUSTER_KEY_ESTABLISHMENT, GlobalCommand, KE_ATTR_SUITE } from "../zcl/ids.js";
import {
  decodeConfirmKeyData,
  decodeEphemeralData,
  decodeInitiateKe,
  type InitiateKe,
  KeCommandId,
  type KeSuite,
  type KeTerminateStatusName,
  keTerminateStatusName,
  suiteBit,
  suiteFromBit,
  suiteMask,
} from "../zcl/ke-commands.js";
import { ZclStatus } from "../zcl/status.js";
import { KeEngineBase } from "./ke-common.js";
import { KE_DEFAULT_WAIT_TIME_SEC, type KeAction, type KeEngineOptions, type KeOutcome } from "./ke-types.js";
import { KeWaitQueue, type KeWaitTimePolicy } from "./ke-wait-queue.js";
import type { Eui64Hex, ReceivedFrame } from "./types.js";

export interface KeResponderOptions extends KeEngineOptions {
  /** Concurrent sessions before NO_RESOURCES; default 1 (SiLabs, NXP). */
  maxSessions?: number;
  /** Wait time (s) sent with NO_RESOURCES; default 30 (SiLabs). */
  waitTimeSec?: number;
  /**
   * "fixed" (default): every NO_RESOURCES carries `waitTimeSec`. "queue": each refused
   * initiator is told when a session should be free for it (ke-wait-queue.ts).
   */
  waitTime?: KeWaitTimePolicy;
}

interface ResponderSession {
  partner: Eui64Hex;
  partnerBytes: Uint8Array;
  endpoint?: number;
  suite: KeSuite;
  state: "await-ephemeral" | "await-confirm";
  startedAt: number;
  deadline: number;
  initiate: InitiateKe;
  macU?: Uint8Array;
  macV?: Uint8Array;
  keyData?: Uint8Array;
}

export class KeResponder extends KeEngineBase {
  private readonly sessions = new Map<Eui64Hex, ResponderSession>();
  private readonly maxSessions: number;
  private readonly waitTimeSec: number;
  /** The queue of refused initiators, with `waitTime: "queue"`. */
  readonly waitQueue: KeWaitQueue | undefined;

  constructor(options: KeResponderOptions) {
    super(options);
    this.maxSessions = options.maxSessions ?? 1;
    this.waitTimeSec = options.waitTimeSec ?? KE_DEFAULT_WAIT_TIME_SEC;
    this.waitQueue = options.waitTime === "queue" ? new KeWaitQueue(this.maxSessions) : undefined;
  }

  /** Every session's end passes here: its duration feeds the wait queue's mean (refusals, 0 ms, do not). */
  protected override done(outcome: KeOutcome): KeAction {
    if (outcome.durationMs > 0) this.waitQueue?.sessionEnded(outcome.durationMs);
    return super.done(outcome);
  }

  /** Number of sessions in progress. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** True while a session with `partner` is in progress. */
  hasSession(partner: Eui64Hex): boolean {
    return this.sessions.has(partner.toLowerCase());
  }

  /** Timer name used for `partner`'s session. */
  static timerName(partner: Eui64Hex): string {
    return `ke-responder:${partner.toLowerCase()}`;
  }

  /** A frame on the KE cluster; other clusters and server-to-client frames are ignored. */
  receive(rx: ReceivedFrame, now: number): KeAction[] {
    if (rx.cluster !== CLUSTER_KEY_ESTABLISHMENT) return [];
    let header: ZclHeader;
    let payload: Uint8Array;
    try {
      ({ header, payload } = decodeZclFrame(rx.frame));
    } catch (e) {
      if (isZseError(e)) return [];
      throw e;
    }
    if (header.direction !== "client-to-server" || header.manufacturerCode !== undefined) return [];
    const from = rx.from.toLowerCase();
    if (this.isDuplicate(from, rx.frame, header, now)) return [];
    if (header.frameType === "global") return this.onGlobal(from, rx.endpoint, header, payload);
    switch (header.commandId) {
      case KeCommandId.INITIATE_KE:
        return this.onInitiate(from, rx.endpoint, header, payload, now);
      case KeCommandId.EPHEMERAL_DATA:
        return this.onEphemeral(from, rx.endpoint, header, payload, now);
      case KeCommandId.CONFIRM_KEY_DATA:
        return this.onConfirm(from, rx.endpoint, header, payload, now);
      case KeCommandId.TERMINATE_KE:
        return this.onTerminate(from, payload, now);
      default:
        return [this.defaultResponse(from, rx.endpoint, header, ZclStatus.UNSUP_CLUSTER_COMMAND)];
    }
  }

  /** A timer armed by this engine fired. */
  timer(name: string, now: number): KeAction[] {
    const s = this.sessions.get(name.slice(KeResponder.timerName("").length));
    if (!s || KeResponder.timerName(s.partner) !== name || now < s.deadline) return [];
    this.sessions.delete(s.partner);
    const waited = s.state === "await-ephemeral" ? "Ephemeral Data Request" : "Confirm Key Data Request";
    return [
      this.done({
        role: "responder",
        partner: s.partner,
        status: "TIMEOUT",
        suite: s.suite,
        source: "local",
        terminateSent: false,
        startedAt: s.startedAt,
        durationMs: now - s.startedAt,
        reason: `no ${waited} by ${s.deadline} ms`,
      }),
    ];
  }

  private onGlobal(
    from: Eui64Hex,
    endpoint: number | undefined,
    h: ZclHeader,
    payload: Uint8Array,
  ): KeAction[] {
    if (h.commandId !== GlobalCommand.READ_ATTRIBUTES) return [];
    let ids: number[];
    try {
      ids = decodeReadAttributes(payload);
    } catch (e) {
      if (!isZseError(e)) throw e;
      return [this.defaultResponse(from, endpoint, h, ZclStatus.MALFORMED_COMMAND)];
    }
    // SE 07-5356 C.3.1.2.2.1: KeyEstablishmentSuite, enum16, bit per supported suite.
    const records: ReadAttributeRecord[] = ids.map((attributeId) =>
      attributeId === KE_ATTR_SUITE
        ? {
            attributeId,
            status: ZclStatus.SUCCESS,
            dataType: ZclDataType.ENUM16,
            value: suiteMask(this.suites),
          }
        : { attributeId, status: ZclStatus.UNSUPPORTED_ATTRIBUTE },
    );
    const frame = encodeZclFrame(
      {
        frameType: "global",
        direction: "server-to-client",
        disableDefaultResponse: true,
        seq: h.seq,
        commandId: GlobalCommand.READ_ATTRIBUTES_RESPONSE,
      },
      encodeReadAttributesResponse(records),
    );
    return [this.send(from, endpoint, frame)];
  }

  private onInitiate(
    from: Eui64Hex,
    endpoint: number | undefined,
    h: ZclHeader,
    payload: Uint8Array,
    now: number,
  ): KeAction[] {
    // A new Initiate from a partner replaces its running session (the initiator gave up on it).
    const old = this.sessions.get(from);
    const out: KeAction[] = [];
    if (old) {
      this.sessions.delete(from);
      out.push({ kind: "cancel", name: KeResponder.timerName(from) });
    }
    const refuse = (
      status: KeTerminateStatusName,
      reason: string,
      suite?: KeSuite,
      waitTime = 0,
    ): KeAction[] => {
      const suites =
        status === "UNSUPPORTED_SUITE" || suite === undefined ? suiteMask(this.suites) : suiteBit(suite);
      out.push(
        this.send(
          from,
          endpoint,
          this.keFrame(h.seq, false, this.terminateMessage(status, waitTime, suites)),
        ),
      );
      out.push(
        this.done({
          role: "responder",
          partner: from,
          status,
          ...(suite !== undefined ? { suite } : {}),
          source: "local",
          terminateSent: true,
          startedAt: now,
          durationMs: 0,
          ...(waitTime > 0 ? { waitTimeSec: waitTime } : {}),
          reason,
        }),
      );
      return out;
    };
    // C.3.1.2.3: the suite must be exactly one suite we support.
    const suiteValue = payload.length >= 2 ? payload[0] | (payload[1] << 8) : undefined;
    const suite = suiteValue === undefined ? undefined : suiteFromBit(suiteValue);
    if (suiteValue !== undefined && (suite === undefined || !this.suites.includes(suite))) {
      return refuse(
        "UNSUPPORTED_SUITE",
        `suite: 0x${suiteValue.toString(16).padStart(4, "0")} not supported`,
      );
    }
    if (this.sessions.size >= this.maxSessions) {
      return refuse(
        "NO_RESOURCES",
        `${this.sessions.size} session(s) running, limit ${this.maxSessions}`,
        suite,
        this.waitQueue ? this.waitQueue.refuse(from, now) : this.waitTimeSec,
      );
    }
    let init: InitiateKe;
    try {
      init = decodeInitiateKe(payload);
    } catch (e) {
      if (!isZseError(e)) throw e;
      return refuse("BAD_MESSAGE", `Initiate KE Request: ${e.message}`, suite);
    }
    const partnerBytes = fromHex(from, "sender");
    const local = this.credentials(init.suite);
    const verdict = this.options.crypto.checkCertificate({
      suite: init.suite,
      certificate: init.certificate,
      sender: partnerBytes,
      local,
      at: this.wallTime(now),
    });
    if (verdict) return refuse(verdict.status, verdict.reason, init.suite);

    const deadline = now + init.ephemeralDataGenerateTime * 1000 + this.slackMs;
    this.waitQueue?.admitted(from);
    this.sessions.set(from, {
      partner: from,
      partnerBytes,
      endpoint,
      suite: init.suite,
      state: "await-ephemeral",
      startedAt: now,
      deadline,
      initiate: init,
    });
    const response = this.keFrame(h.seq, false, {
      command: "initiate",
      suite: init.suite,
      ephemeralDataGenerateTime: this.ephemeralTimeSec,
      confirmKeyGenerateTime: this.confirmTimeSec,
      certificate: local.certificate,
    });
    out.push(this.send(from, endpoint, response), {
      kind: "timer",
      name: KeResponder.timerName(from),
      at: deadline,
    });
    return out;
  }

  private onEphemeral(
    from: Eui64Hex,
    endpoint: number | undefined,
    h: ZclHeader,
    payload: Uint8Array,
    now: number,
  ): KeAction[] {
    const s = this.sessions.get(from);
    if (s?.state !== "await-ephemeral") {
      return this.fail(from, endpoint, h, now, s, "BAD_MESSAGE", "Ephemeral Data Request out of order");
    }
    let qeu: Uint8Array;
    try {
      qeu = decodeEphemeralData(payload, s.suite);
    } catch (e) {
      if (!isZseError(e)) throw e;
      return this.fail(from, endpoint, h, now, s, "BAD_MESSAGE", e.message);
    }
    const eph = this.options.crypto.generateEphemeral(s.suite, this.options.rng);
    try {
      this.deriveSessionKeys(s, {
        suite: s.suite,
        role: "responder",
        ephemeral: eph,
        partner: s.partnerBytes,
        certificate: s.initiate.certificate,
        remoteEphemeral: qeu,
      });
    } catch (e) {
      if (!isZseError(e)) throw e;
      return this.fail(from, endpoint, h, now, s, "BAD_MESSAGE", `ephemeral data: ${e.message}`);
    }
    s.state = "await-confirm";
    s.deadline = now + s.initiate.confirmKeyGenerateTime * 1000 + this.slackMs;
    return [
      this.send(
        from,
        s.endpoint ?? endpoint,
        this.keFrame(h.seq, false, { command: "ephemeral", publicKey: eph.publicKey }),
      ),
      { kind: "timer", name: KeResponder.timerName(from), at: s.deadline },
    ];
  }

  private onConfirm(
    from: Eui64Hex,
    endpoint: number | undefined,
    h: ZclHeader,
    payload: Uint8Array,
    now: number,
  ): KeAction[] {
    const s = this.sessions.get(from);
    if (s?.state !== "await-confirm" || !s.macU || !s.macV || !s.keyData) {
      return this.fail(from, endpoint, h, now, s, "BAD_MESSAGE", "Confirm Key Data Request out of order");
    }
    let macU: Uint8Array;
    try {
      macU = decodeConfirmKeyData(payload);
    } catch (e) {
      if (!isZseError(e)) throw e;
      return this.fail(from, endpoint, h, now, s, "BAD_MESSAGE", e.message);
    }
    if (!equalBytes(macU, s.macU)) {
      return this.fail(from, endpoint, h, now, s, "BAD_KEY_CONFIRM", "MACU does not verify");
    }
    this.sessions.delete(from);
    return [
      { kind: "cancel", name: KeResponder.timerName(from) },
      this.send(
        from,
        s.endpoint ?? endpoint,
        this.keFrame(h.seq, false, { command: "confirm", mac: s.macV }),
      ),
      { kind: "key", partner: from, key: s.keyData },
      this.done({
        role: "responder",
        partner: from,
        status: "SUCCESS",
        suite: s.suite,
        source: "local",
        terminateSent: false,
        startedAt: s.startedAt,
        durationMs: now - s.startedAt,
      }),
    ];
  }

  private onTerminate(from: Eui64Hex, payload: Uint8Array, now: number): KeAction[] {
    const s = this.sessions.get(from);
    if (!s) return [];
    this.sessions.delete(from);
    const status = payload.length >= 1 ? keTerminateStatusName(payload[0]) : "BAD_MESSAGE";
    return [
      { kind: "cancel", name: KeResponder.timerName(from) },
      this.done({
        role: "responder",
        partner: from,
        status,
        suite: s.suite,
        source: "peer",
        terminateSent: false,
        startedAt: s.startedAt,
        durationMs: now - s.startedAt,
        ...(payload.length >= 2 && payload[1] > 0 ? { waitTimeSec: payload[1] } : {}),
      }),
    ];
  }

  /** Sends Terminate with `status`; ends `s` when there is one. */
  private fail(
    from: Eui64Hex,
    endpoint: number | undefined,
    h: ZclHeader,
    now: number,
    s: ResponderSession | undefined,
    status: KeTerminateStatusName,
    reason: string,
  ): KeAction[] {
    const suites = s ? suiteBit(s.suite) : suiteMask(this.suites);
    const out: KeAction[] = [
      this.send(
        from,
        s?.endpoint ?? endpoint,
        this.keFrame(h.seq, false, this.terminateMessage(status, 0, suites)),
      ),
    ];
    if (s) {
      this.sessions.delete(from);
      out.push(
        { kind: "cancel", name: KeResponder.timerName(from) },
        this.done({
          role: "responder",
          partner: from,
          status,
          suite: s.suite,
          source: "local",
          terminateSent: true,
          startedAt: s.startedAt,
          durationMs: now - s.startedAt,
          reason,
        }),
      );
    }
    return out;
  }

  private defaultResponse(
    from: Eui64Hex,
    endpoint: number | undefined,
    h: ZclHeader,
    status: number,
  ): KeAction {
    const frame = encodeZclFrame(
      {
        frameType: "global",
        direction: "server-to-client",
        disableDefaultResponse: true,
        seq: h.seq,
        commandId: GlobalCommand.DEFAULT_RESPONSE,
      },
      encodeDefaultResponse({ commandId: h.commandId, status }),
    );
    return this.send(from, endpoint, frame);
  }
}
