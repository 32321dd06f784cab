/**
 * What the KE initiator and responder share (SE 07-5356 C.3.1): settings with their
 * defaults, the suites we offer, duplicate detection on the ZCL sequence number, and
 * building the frames and actions both sides send.
 */
import { equalBytes, fromHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import type { ZclHeader } from "../zcl/header.js";
import { CLUSTER_KEY_ESTABLISHMENT } from "../zcl/ids.js";
import {
  encodeKeFrame,
  type KeMessage,
  type KeSuite,
  KeTerminateStatus,
  type KeTerminateStatusName,
} from "../zcl/ke-commands.js";
import {
  KE_DEFAULT_CONFIRM_TIME_SEC,
  KE_DEFAULT_DUPLICATE_WINDOW_MS,
  KE_DEFAULT_EPHEMERAL_TIME_SEC,
  KE_DEFAULT_SLACK_MS,
  type KeAction,
  type KeEngineOptions,
  type KeOutcome,
  type KeSuiteCredentials,
} from "./ke-types.js";
import type { Eui64Hex, SendAction } from "./types.js";

interface LastFrame {
  seq: number;
  commandId: number;
  frame: Uint8Array;
  at: number;
}

/** Common state and helpers of KeInitiator and KeResponder. */
export abstract class KeEngineBase {
  protected readonly options: KeEngineOptions;
  readonly eui64: Eui64Hex;
  protected readonly euiBytes: Uint8Array;
  protected readonly slackMs: number;
  /** Suites we hold credentials for, strongest first (suite 2 before suite 1). */
  readonly suites: readonly KeSuite[];
  protected readonly ephemeralTimeSec: number;
  protected readonly confirmTimeSec: number;
  private readonly duplicateWindowMs: number;
  private readonly lastRx = new Map<Eui64Hex, LastFrame>();
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(options: KeEngineOptions) {
    this.options = options;
    this.eui64 = options.identity.eui64.toLowerCase();
    this.euiBytes = fromHex(this.eui64, "identity.eui64");
    if (this.euiBytes.length !== 8) {
      throw new ZseError("BAD_VALUE", `identity.eui64: "${options.identity.eui64}" is not 16 hex digits`);
    }
    const suites: KeSuite[] = [];
    for (const s of [2, 1] as const) if (options.identity.credentials[s]) suites.push(s);
    if (suites.length === 0)
      throw new ZseError("BAD_VALUE", "identity.credentials: no suite 1 or 2 credentials");
    this.suites = suites;
    this.slackMs = options.slackMs ?? KE_DEFAULT_SLACK_MS;
    this.ephemeralTimeSec = checkSeconds(
      options.identity.ephemeralDataGenerateTime ?? KE_DEFAULT_EPHEMERAL_TIME_SEC,
      "identity.ephemeralDataGenerateTime",
    );
    this.confirmTimeSec = checkSeconds(
      options.identity.confirmKeyGenerateTime ?? KE_DEFAULT_CONFIRM_TIME_SEC,
      "identity.confirmKeyGenerateTime",
    );
    this.duplicateWindowMs = options.duplicateWindowMs ?? KE_DEFAULT_DUPLICATE_WINDOW_MS;
  }

  protected credentials(suite: KeSuite): KeSuiteCredentials {
    const c = this.options.identity.credentials[suite];
    if (!c) throw new ZseError("BAD_STATE", `no credentials for suite ${suite}`);
    return c;
  }

  /**
   * ECMQV, KDF and both MACs of one session (SE 07-5356 C.4.2.2.6) stored on `session`, the
   * ephemeral private key wiped afterwards whatever happens. Throws the crypto's ZseError for an
   * invalid point or key (the caller answers BAD_MESSAGE).
   */
  protected deriveSessionKeys(
    session: { macU?: Uint8Array; macV?: Uint8Array; keyData?: Uint8Array },
    input: {
      suite: KeSuite;
      role: "initiator" | "responder";
      ephemeral: { privateKey: Uint8Array; publicKey: Uint8Array };
      partner: Uint8Array;
      certificate: Uint8Array;
      remoteEphemeral: Uint8Array;
    },
  ): void {
    try {
      const r = this.options.crypto.derive({
        suite: input.suite,
        role: input.role,
        local: {
          eui64: this.euiBytes,
          credentials: this.credentials(input.suite),
          ephemeralPrivateKey: input.ephemeral.privateKey,
          ephemeralPublicKey: input.ephemeral.publicKey,
        },
        remote: {
          eui64: input.partner,
          certificate: input.certificate,
          ephemeralPublicKey: input.remoteEphemeral,
        },
      });
      session.macU = r.macU;
      session.macV = r.macV;
      session.keyData = r.keyData;
    } finally {
      input.ephemeral.privateKey.fill(0);
    }
  }

  /** Wall-clock time for certificate validity checks, when the device has a clock. */
  protected wallTime(now: number): Date | undefined {
    return this.options.wallClock ? new Date(this.options.wallClock(now)) : undefined;
  }

  /**
   * True when `rx` repeats the last frame from the same sender (same sequence number, command
   * and bytes, within the duplicate window): a retransmission, answered once only. Records the
   * frame otherwise.
   */
  protected isDuplicate(from: Eui64Hex, frame: Uint8Array, header: ZclHeader, now: number): boolean {
    const prev = this.lastRx.get(from);
    if (
      prev &&
      now - prev.at <= this.duplicateWindowMs &&
      prev.seq === header.seq &&
      prev.commandId === header.commandId &&
      equalBytes(prev.frame, frame)
    ) {
      return true;
    }
    if (this.lastRx.size > 64 && now - this.lastPrune > this.duplicateWindowMs) {
      this.lastPrune = now;
      for (const [k, v] of this.lastRx) if (now - v.at > this.duplicateWindowMs) this.lastRx.delete(k);
    }
    this.lastRx.set(from, {
      seq: header.seq,
      commandId: header.commandId,
      frame: frame.slice(),
      at: now,
    });
    return false;
  }

  /** A send action on the KE cluster; KE commands go without APS encryption (C.3.1). */
  protected send(to: Eui64Hex, endpoint: number | undefined, frame: Uint8Array): SendAction {
    const a: SendAction = { kind: "send", to, cluster: CLUSTER_KEY_ESTABLISHMENT, frame, apsSecurity: false };
    if (endpoint !== undefined) a.endpoint = endpoint;
    return a;
  }

  protected keFrame(seq: number, toServer: boolean, message: KeMessage): Uint8Array {
    return encodeKeFrame({ seq, direction: toServer ? "client-to-server" : "server-to-client", message });
  }

  protected terminateMessage(status: KeTerminateStatusName, waitTime: number, suites: number): KeMessage {
    return { command: "terminate", status: KeTerminateStatus[status], waitTime, suites };
  }

  protected done(outcome: KeOutcome): KeAction {
    return { kind: "ke-done", outcome };
  }
}

function checkSeconds(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255)
    throw new ZseError("BAD_VALUE", `${field}: ${v} is not 0..255 s`);
  return v;
}
