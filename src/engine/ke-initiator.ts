/**
 * The Key Establishment initiator (client side of cluster 0x0800, SE 07-5356 C.3.1.2 and
 * C.4.2.2). For each partner: read its KeyEstablishmentSuite attribute (C.3.1.2.2.1; 0 from
 * an older stack = suite 1), pick the strongest common suite (suite 2 over suite 1;
 * UNSUPPORTED_SUITE when none), then Initiate KE -> Ephemeral Data -> Confirm Key Data. It
 * checks the responder's certificate (UNKNOWN_ISSUER / INVALID_CERTIFICATE / BAD_MESSAGE),
 * answers malformed or out-of-order commands and invalid points with BAD_MESSAGE and a MACV
 * that does not verify with BAD_KEY_CONFIRM, and on success installs KeyData as the link key
 * and answers Confirm Key Data Response with a ZCL Default Response (SE C.3.1.2.3 / seed).
 * Each wait = the responder's advertised generate time + slack; on timeout the session ends as
 * TIMEOUT with no Terminate sent. A Terminate received with a wait time holds back the next
 * `start` with that partner until the wait is over (`retryAfterMs`); after NO_RESOURCES that
 * start reuses the suites already read instead of reading the attribute again.
 */
import { equalBytes, fromHex } from "../util/bytes.js";
import { isZseError, ZseError } from "../util/errors.js";
import {
  decodeDefaultResponse,
  decodeReadAttributesResponse,
  encodeDefaultResponse,
  encodeReadAttributes,
} from "../zcl/foundation.js";
import { decodeZclFrame, encodeZclFrame, type ZclHeader } from "../zcl/header.js";
import { CLUSTER_KEY_ESTABLISHMENT, GlobalCommand, KE_ATTR_SUITE } from "../zcl/ids.js";
import {
  decodeConfirmKeyData,
  decodeEphemeralData,
  decodeInitiateKe,
  decodeTerminateKe,
  type InitiateKe,
  KeCommandId,
  type KeSuite,
  type KeTerminateStatusName,
  keTerminateStatusName,
  suiteBit,
  suiteMask,
} from "../zcl/ke-commands.js";
import { ZclStatus } from "../zcl/status.js";
import { KeEngineBase } from "./ke-common.js";
import type { KeAction, KeEngineOptions, KeOutcome, KeOutcomeStatus } from "./ke-types.js";
import type { Eui64Hex, ReceivedFrame } from "./types.js";

export interface KeInitiatorOptions extends KeEngineOptions {
  /** Wait for the Read Attributes Response and the Initiate KE Response (ms); default = slack. */
  responseTimeoutMs?: number;
}

export interface KeStartInput {
  partner: Eui64Hex;
  /** The partner's KE endpoint when known (else the transport finds it). */
  endpoint?: number;
  now: number;
  /** The partner's KeyEstablishmentSuite value when already known: skips the attribute read. */
  partnerSuites?: number;
}

type InitiatorState = "reading" | "await-initiate" | "await-ephemeral" | "await-confirm";

interface InitiatorSession {
  partner: Eui64Hex;
  partnerBytes: Uint8Array;
  endpoint?: number;
  state: InitiatorState;
  /** Sequence number of our last request: the response must carry it. */
  seq: number;
  /** The partner's KeyEstablishmentSuite value, once read (or given). */
  partnerSuites?: number;
  suite?: KeSuite;
  startedAt: number;
  deadline: number;
  responder?: InitiateKe;
  ephemeralPrivateKey?: Uint8Array;
  ephemeralPublicKey?: Uint8Array;
  macU?: Uint8Array;
  macV?: Uint8Array;
  keyData?: Uint8Array;
}

/** Picks the strongest suite both sides support; partner value 0 counts as suite 1. */
export function chooseSuite(ours: readonly KeSuite[], partnerAttribute: number): KeSuite | undefined {
  const theirs = partnerAttribute === 0 ? 0x0001 : partnerAttribute;
  for (const s of [2, 1] as const) if (ours.includes(s) && theirs & suiteBit(s)) return s;
  return undefined;
}

export class KeInitiator extends KeEngineBase {
  private readonly sessions = new Map<Eui64Hex, InitiatorSession>();
  private readonly retryNotBefore = new Map<Eui64Hex, number>();
  /**
   * The suites a partner reported before it answered NO_RESOURCES: the next start with it goes
   * straight to Initiate KE Request (the attribute is static; C.3.1.2.2.1), once.
   */
  private readonly retrySuites = new Map<Eui64Hex, number>();
  private readonly pending = new Map<Eui64Hex, KeStartInput>();
  private readonly responseTimeoutMs: number;
  private seq: number;

  constructor(options: KeInitiatorOptions) {
    super(options);
    this.responseTimeoutMs = options.responseTimeoutMs ?? this.slackMs;
    this.seq = options.rng.bytes(1)[0];
  }

  static timerName(partner: Eui64Hex): string {
    return `ke-initiator:${partner.toLowerCase()}`;
  }

  static retryTimerName(partner: Eui64Hex): string {
    return `ke-initiator-retry:${partner.toLowerCase()}`;
  }

  /** True while a session with `partner` runs or waits to start. */
  isActive(partner: Eui64Hex): boolean {
    const p = partner.toLowerCase();
    return this.sessions.has(p) || this.pending.has(p);
  }

  /** Milliseconds before a new KE with `partner` may start (a received Terminate's wait time); 0 when free. */
  retryAfterMs(partner: Eui64Hex, now: number): number {
    return Math.max(0, (this.retryNotBefore.get(partner.toLowerCase()) ?? 0) - now);
  }

  /**
   * Starts KE with `partner`. While a received wait time runs, the start is held and begins
   * when it ends (a timer). BAD_STATE when a session with that partner is already running.
   */
  start(input: KeStartInput): KeAction[] {
    const partner = input.partner.toLowerCase();
    if (this.isActive(partner))
      throw new ZseError("BAD_STATE", `partner ${partner}: key establishment already running`);
    const wait = this.retryAfterMs(partner, input.now);
    if (wait > 0) {
      this.pending.set(partner, { ...input, partner });
      return [{ kind: "timer", name: KeInitiator.retryTimerName(partner), at: input.now + wait }];
    }
    return this.begin({ ...input, partner });
  }

  /** The transport found no KE endpoint on `partner`: the held or running session ends as NO_KE_ENDPOINT. */
  endpointNotFound(partner: Eui64Hex, now: number): KeAction[] {
    const p = partner.toLowerCase();
    const s = this.sessions.get(p);
    if (!s) return [];
    return this.end(s, now, { status: "NO_KE_ENDPOINT", reason: "no Key Establishment server endpoint" });
  }

  receive(rx: ReceivedFrame, now: number): KeAction[] {
    if (rx.cluster !== CLUSTER_KEY_ESTABLISHMENT) return [];
    const from = rx.from.toLowerCase();
    const s = this.sessions.get(from);
    if (!s) return []; // frames from devices we run no session with never disturb anything
    let header: ZclHeader;
    let payload: Uint8Array;
    try {
      ({ header, payload } = decodeZclFrame(rx.frame));
    } catch (e) {
      if (isZseError(e)) return [];
      throw e;
    }
    if (header.direction !== "server-to-client" || header.manufacturerCode !== undefined) return [];
    if (this.isDuplicate(from, rx.frame, header, now)) return [];
    if (s.endpoint === undefined && rx.endpoint !== undefined) s.endpoint = rx.endpoint;
    if (header.frameType === "global") return this.onGlobal(s, header, payload, now);
    switch (header.commandId) {
      case KeCommandId.INITIATE_KE:
        return this.onInitiateResponse(s, header, payload, now);
      case KeCommandId.EPHEMERAL_DATA:
        return this.onEphemeralResponse(s, header, payload, now);
      case KeCommandId.CONFIRM_KEY_DATA:
        return this.onConfirmResponse(s, header, payload, now);
      case KeCommandId.TERMINATE_KE:
        return this.onTerminate(s, payload, now);
      default:
        return this.fail(s, now, "BAD_MESSAGE", `unknown command 0x${header.commandId.toString(16)}`);
    }
  }

  timer(name: string, now: number): KeAction[] {
    const retry = KeInitiator.retryTimerName("");
    if (name.startsWith(retry)) {
      const partner = name.slice(retry.length);
      const input = this.pending.get(partner);
      if (!input || this.retryAfterMs(partner, now) > 0) return [];
      this.pending.delete(partner);
      return this.begin({ ...input, now });
    }
    const s = this.sessions.get(name.slice(KeInitiator.timerName("").length));
    if (!s || KeInitiator.timerName(s.partner) !== name || now < s.deadline) return [];
    return this.end(s, now, { status: "TIMEOUT", reason: `no answer in state ${s.state}`, cancel: false });
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) & 0xff;
    return this.seq;
  }

  private begin(input: KeStartInput): KeAction[] {
    const partner = input.partner;
    const s: InitiatorSession = {
      partner,
      partnerBytes: fromHex(partner, "partner"),
      endpoint: input.endpoint,
      state: "reading",
      seq: 0,
      startedAt: input.now,
      deadline: input.now,
    };
    this.sessions.set(partner, s);
    const known = input.partnerSuites ?? this.retrySuites.get(partner);
    this.retrySuites.delete(partner);
    if (known !== undefined) return this.negotiate(s, known, input.now);
    s.seq = this.nextSeq();
    s.deadline = input.now + this.responseTimeoutMs;
    const frame = encodeZclFrame(
      {
        frameType: "global",
        direction: "client-to-server",
        disableDefaultResponse: true,
        seq: s.seq,
        commandId: GlobalCommand.READ_ATTRIBUTES,
      },
      encodeReadAttributes([KE_ATTR_SUITE]),
    );
    return [
      this.send(partner, s.endpoint, frame),
      { kind: "timer", name: KeInitiator.timerName(partner), at: s.deadline },
    ];
  }

  /** Picks the suite and sends Initiate KE Request (C.3.1.3.1). */
  private negotiate(s: InitiatorSession, partnerSuites: number, now: number): KeAction[] {
    s.partnerSuites = partnerSuites;
    const suite = chooseSuite(this.suites, partnerSuites);
    if (suite === undefined) {
      return this.end(s, now, {
        status: "UNSUPPORTED_SUITE",
        reason: `partner suites 0x${partnerSuites.toString(16).padStart(4, "0")}, ours ${this.suites.join(",")}`,
      });
    }
    s.suite = suite;
    s.state = "await-initiate";
    s.seq = this.nextSeq();
    s.deadline = now + this.responseTimeoutMs;
    const frame = this.keFrame(s.seq, true, {
      command: "initiate",
      suite,
      ephemeralDataGenerateTime: this.ephemeralTimeSec,
      confirmKeyGenerateTime: this.confirmTimeSec,
      certificate: this.credentials(suite).certificate,
    });
    return [
      this.send(s.partner, s.endpoint, frame),
      { kind: "timer", name: KeInitiator.timerName(s.partner), at: s.deadline },
    ];
  }

  private onGlobal(s: InitiatorSession, h: ZclHeader, payload: Uint8Array, now: number): KeAction[] {
    if (s.state !== "reading" || h.seq !== s.seq) return [];
    try {
      if (h.commandId === GlobalCommand.READ_ATTRIBUTES_RESPONSE) {
        const rec = decodeReadAttributesResponse(payload).find((r) => r.attributeId === KE_ATTR_SUITE);
        // An attribute the partner does not report reads as 0: an older stack, suite 1.
        const value = rec?.status === ZclStatus.SUCCESS && rec.value !== undefined ? rec.value : 0;
        return this.negotiate(s, value, now);
      }
      if (h.commandId === GlobalCommand.DEFAULT_RESPONSE) {
        const d = decodeDefaultResponse(payload);
        if (d.status === ZclStatus.UNSUPPORTED_CLUSTER) {
          return this.end(s, now, {
            status: "NO_KE_ENDPOINT",
            reason: "partner has no Key Establishment server",
          });
        }
        return this.negotiate(s, 0, now);
      }
    } catch (e) {
      if (!isZseError(e)) throw e;
      return this.negotiate(s, 0, now);
    }
    return [];
  }

  private onInitiateResponse(
    s: InitiatorSession,
    h: ZclHeader,
    payload: Uint8Array,
    now: number,
  ): KeAction[] {
    if (s.state !== "await-initiate" || s.suite === undefined || h.seq !== s.seq) {
      return this.fail(s, now, "BAD_MESSAGE", "Initiate KE Response out of order");
    }
    let r: InitiateKe;
    try {
      r = decodeInitiateKe(payload);
    } catch (e) {
      if (!isZseError(e)) throw e;
      return this.fail(s, now, "BAD_MESSAGE", `Initiate KE Response: ${e.message}`);
    }
    if (r.suite !== s.suite) {
      return this.fail(s, now, "BAD_MESSAGE", `Initiate KE Response: suite ${r.suite}, requested ${s.suite}`);
    }
    const verdict = this.options.crypto.checkCertificate({
      suite: s.suite,
      certificate: r.certificate,
      sender: s.partnerBytes,
      local: this.credentials(s.suite),
      at: this.wallTime(now),
    });
    if (verdict) return this.fail(s, now, verdict.status, verdict.reason);
    s.responder = r;
    const eph = this.options.crypto.generateEphemeral(s.suite, this.options.rng);
    s.ephemeralPrivateKey = eph.privateKey;
    s.ephemeralPublicKey = eph.publicKey;
    s.state = "await-ephemeral";
    s.seq = this.nextSeq();
    s.deadline = now + r.ephemeralDataGenerateTime * 1000 + this.slackMs;
    return [
      this.send(
        s.partner,
        s.endpoint,
        this.keFrame(s.seq, true, { command: "ephemeral", publicKey: eph.publicKey }),
      ),
      { kind: "timer", name: KeInitiator.timerName(s.partner), at: s.deadline },
    ];
  }

  private onEphemeralResponse(
    s: InitiatorSession,
    h: ZclHeader,
    payload: Uint8Array,
    now: number,
  ): KeAction[] {
    if (
      s.state !== "await-ephemeral" ||
      h.seq !== s.seq ||
      s.suite === undefined ||
      !s.responder ||
      !s.ephemeralPrivateKey ||
      !s.ephemeralPublicKey
    ) {
      return this.fail(s, now, "BAD_MESSAGE", "Ephemeral Data Response out of order");
    }
    try {
      const qev = decodeEphemeralData(payload, s.suite);
      this.deriveSessionKeys(s, {
        suite: s.suite,
        role: "initiator",
        ephemeral: { privateKey: s.ephemeralPrivateKey, publicKey: s.ephemeralPublicKey },
        partner: s.partnerBytes,
        certificate: s.responder.certificate,
        remoteEphemeral: qev,
      });
    } catch (e) {
      if (!isZseError(e)) throw e;
      return this.fail(s, now, "BAD_MESSAGE", `Ephemeral Data Response: ${e.message}`);
    } finally {
      s.ephemeralPrivateKey.fill(0); // also when decoding QEV failed before the derivation
      s.ephemeralPrivateKey = undefined;
    }
    s.state = "await-confirm";
    s.seq = this.nextSeq();
    s.deadline = now + s.responder.confirmKeyGenerateTime * 1000 + this.slackMs;
    return [
      this.send(s.partner, s.endpoint, this.keFrame(s.seq, true, { command: "confirm", mac: s.macU! })),
      { kind: "timer", name: KeInitiator.timerName(s.partner), at: s.deadline },
    ];
  }

  private onConfirmResponse(s: InitiatorSession, h: ZclHeader, payload: Uint8Array, now: number): KeAction[] {
    if (s.state !== "await-confirm" || h.seq !== s.seq || !s.macV || !s.keyData) {
      return this.fail(s, now, "BAD_MESSAGE", "Confirm Key Data Response out of order");
    }
    let macV: Uint8Array;
    try {
      macV = decodeConfirmKeyData(payload);
    } catch (e) {
      if (!isZseError(e)) throw e;
      return this.fail(s, now, "BAD_MESSAGE", `Confirm Key Data Response: ${e.message}`);
    }
    if (!equalBytes(macV, s.macV)) return this.fail(s, now, "BAD_KEY_CONFIRM", "MACV does not verify");
    // SE C.3.1.2.3 (seed): the initiator answers Confirm Key Data Response with a Default Response.
    const ack = encodeZclFrame(
      {
        frameType: "global",
        direction: "client-to-server",
        disableDefaultResponse: true,
        seq: h.seq,
        commandId: GlobalCommand.DEFAULT_RESPONSE,
      },
      encodeDefaultResponse({ commandId: KeCommandId.CONFIRM_KEY_DATA, status: ZclStatus.SUCCESS }),
    );
    const key = s.keyData;
    return [
      this.send(s.partner, s.endpoint, ack),
      { kind: "key", partner: s.partner, key },
      ...this.end(s, now, { status: "SUCCESS" }),
    ];
  }

  private onTerminate(s: InitiatorSession, payload: Uint8Array, now: number): KeAction[] {
    let status: KeOutcomeStatus = "BAD_MESSAGE";
    let waitTime = 0;
    try {
      const t = decodeTerminateKe(payload);
      status = keTerminateStatusName(t.status);
      waitTime = t.waitTime;
    } catch (e) {
      if (!isZseError(e)) throw e;
    }
    if (waitTime > 0) this.retryNotBefore.set(s.partner, now + waitTime * 1000);
    if (status === "NO_RESOURCES" && s.partnerSuites !== undefined)
      this.retrySuites.set(s.partner, s.partnerSuites);
    return this.end(s, now, {
      status,
      source: "peer",
      ...(waitTime > 0 ? { waitTimeSec: waitTime } : {}),
      reason: "partner sent Terminate Key Establishment",
    });
  }

  /** Sends Terminate with `status` (C.3.1.3.4) and ends the session. */
  private fail(s: InitiatorSession, now: number, status: KeTerminateStatusName, reason: string): KeAction[] {
    const suites = s.suite !== undefined ? suiteBit(s.suite) : suiteMask(this.suites);
    const frame = this.keFrame(this.nextSeq(), true, this.terminateMessage(status, 0, suites));
    return [
      this.send(s.partner, s.endpoint, frame),
      ...this.end(s, now, { status, reason, terminateSent: true }),
    ];
  }

  private end(
    s: InitiatorSession,
    now: number,
    o: Partial<Pick<KeOutcome, "source" | "terminateSent" | "waitTimeSec" | "reason">> & {
      status: KeOutcomeStatus;
      cancel?: boolean;
    },
  ): KeAction[] {
    this.sessions.delete(s.partner);
    s.ephemeralPrivateKey?.fill(0);
    const outcome: KeOutcome = {
      role: "initiator",
      partner: s.partner,
      status: o.status,
      source: o.source ?? "local",
      terminateSent: o.terminateSent ?? false,
      startedAt: s.startedAt,
      durationMs: now - s.startedAt,
    };
    if (s.suite !== undefined) outcome.suite = s.suite;
    if (o.waitTimeSec !== undefined) outcome.waitTimeSec = o.waitTimeSec;
    if (o.reason !== undefined) outcome.reason = o.reason;
    const out: KeAction[] = [];
    if (o.cancel !== false) out.push({ kind: "cancel", name: KeInitiator.timerName(s.partner) });
    out.push(this.done(outcome));
    return out;
  }
}
