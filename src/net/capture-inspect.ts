/**
 * Our own reading of a Smart Energy capture (`zse capture inspect`): the Key Establishment
 * exchanges it contains (SE 07-5356 C.3.1: partners, suite, both certificates, QEU/QEV,
 * MACU/MACV, outcome or Terminate status) and the Trust Center Keep-Alive traffic (SE 07-5356
 * A.3.5: reads and the Base/Jitter values answered), after decrypting what the keys allow
 * (capture-decoder.ts). Frames that could not be decrypted or were malformed are listed.
 */
import { type Certificate, decodeCertificate } from "../se/certificate.js";
import { toHex } from "../util/bytes.js";
import { isZseError } from "../util/errors.js";
import { decodeReadAttributes, decodeReadAttributesResponse } from "../zcl/foundation.js";
import { decodeZclFrame } from "../zcl/header.js";
import {
  CLUSTER_KEEP_ALIVE,
  CLUSTER_KEY_ESTABLISHMENT,
  GlobalCommand,
  KEEPALIVE_ATTR_BASE,
  KEEPALIVE_ATTR_JITTER,
  PROFILE_SE,
} from "../zcl/ids.js";
import { decodeKeMessage, type KeSuite, keTerminateStatusName } from "../zcl/ke-commands.js";
import { type CaptureFrame, decodeCapture } from "./capture-decoder.js";
import type { UndecryptedReason } from "./frames/security.js";
import type { WiresharkKey } from "./keys-file.js";
import { readPcap } from "./pcap.js";

export interface KeExchange {
  /** EUI-64 hex when known, else "0x" + NWK short address. */
  initiator: string;
  responder: string;
  suite?: KeSuite;
  frames: number[];
  initiatorCertificate?: Certificate;
  responderCertificate?: Certificate;
  qeu?: string;
  qev?: string;
  macU?: string;
  macV?: string;
  outcome: "SUCCESS" | "TERMINATED" | "INCOMPLETE";
  terminate?: { status: number; statusName: string; waitTime: number; sentBy: "initiator" | "responder" };
  /** Inconsistencies seen (certificate subject not the sender, unreadable payloads). */
  notes: string[];
}

export interface KeepAliveEvent {
  frame: number;
  timeUs: number;
  from: string;
  to: string;
  kind: "read" | "response";
  attributes?: number[];
  base?: number;
  jitter?: number;
  apsSecured: boolean;
}

/** A MAC association (802.15.4-2006 7.3.1 / 7.3.2) seen in the capture. */
export interface Association {
  requestFrame?: number;
  responseFrame?: number;
  device: string;
  coordinator?: string;
  shortAddress?: number;
  status?: number;
}

export interface CaptureReport {
  linkType: number;
  frames: number;
  decrypted: { nwk: number; aps: number };
  undecrypted: {
    frame: number;
    layer: "nwk" | "aps";
    reason: UndecryptedReason;
    source?: string;
    from?: string;
    to?: string;
  }[];
  malformed: { frame: number; error: string }[];
  learnedKeys: { frame: number; keyType: string; key: string; label: string }[];
  associations: Association[];
  keyEstablishment: KeExchange[];
  keepAlive: KeepAliveEvent[];
}

/** Reads a pcap (LINKTYPE 195 or 230) and reports its KE exchanges and keep-alive traffic. */
export function inspectCapture(
  bytes: Uint8Array,
  options: { keys?: readonly WiresharkKey[] } = {},
): CaptureReport {
  const file = readPcap(bytes);
  const { frames, learned } = decodeCapture(file, options.keys ?? []);
  const report: CaptureReport = {
    linkType: file.linkType,
    frames: frames.length,
    decrypted: { nwk: frames.filter((f) => f.nwkKey).length, aps: frames.filter((f) => f.apsKey).length },
    undecrypted: frames.flatMap((f) =>
      f.undecrypted
        ? [{ frame: f.number, ...f.undecrypted, ...(f.from ? { from: f.from, to: f.to } : {}) }]
        : [],
    ),
    malformed: frames.flatMap((f) => (f.malformed ? [{ frame: f.number, error: f.malformed }] : [])),
    learnedKeys: learned.map((l) => ({
      frame: l.frame,
      keyType: l.keyType,
      key: toHex(l.key),
      label: l.label,
    })),
    associations: [],
    keyEstablishment: [],
    keepAlive: [],
  };
  for (const f of frames) {
    const c = f.macCommand;
    if (c?.command === "associationRequest" && f.from) {
      report.associations.push({
        requestFrame: f.number,
        device: f.from,
        ...(f.to ? { coordinator: f.to } : {}),
      });
    } else if (c?.command === "associationResponse" && f.to) {
      const a = [...report.associations]
        .reverse()
        .find((x) => x.device === f.to && x.responseFrame === undefined);
      const entry = a ?? { device: f.to };
      if (!a) report.associations.push(entry);
      Object.assign(entry, { responseFrame: f.number, shortAddress: c.shortAddress, status: c.status });
      if (f.from) entry.coordinator = f.from;
    }
  }
  const open = new Map<string, KeExchange>();
  for (const f of frames) {
    const a = f.aps;
    if (a?.type !== "data" || a.profileId !== PROFILE_SE || !f.from || !f.to) continue;
    try {
      if (a.clusterId === CLUSTER_KEY_ESTABLISHMENT) keFrame(f, a.payload, f.from, f.to, open, report);
      else if (a.clusterId === CLUSTER_KEEP_ALIVE) keepAliveFrame(f, a.payload, f.from, f.to, report);
    } catch (e) {
      if (!isZseError(e)) throw e;
      report.malformed.push({ frame: f.number, error: `ZCL: ${e.message}` });
    }
  }
  return report;
}

function keFrame(
  f: CaptureFrame,
  zcl: Uint8Array,
  from: string,
  to: string,
  open: Map<string, KeExchange>,
  report: CaptureReport,
): void {
  const { header, payload } = decodeZclFrame(zcl);
  if (header.frameType !== "cluster") return;
  const fromInitiator = header.direction === "client-to-server";
  const [initiator, responder] = fromInitiator ? [from, to] : [to, from];
  const key = `${initiator}|${responder}`;
  let x = open.get(key);
  const fresh = () => {
    const e: KeExchange = { initiator, responder, frames: [], outcome: "INCOMPLETE", notes: [] };
    open.set(key, e);
    report.keyEstablishment.push(e);
    return e;
  };
  const m = decodeKeMessage(header.commandId, payload, x?.suite);
  if (m.command === "initiate" && fromInitiator) x = fresh();
  x ??= fresh();
  x.frames.push(f.number);
  switch (m.command) {
    case "initiate": {
      x.suite = m.suite;
      const cert = decodeCertificate(m.certificate);
      if (fromInitiator) x.initiatorCertificate = cert;
      else x.responderCertificate = cert;
      const subject = toHex(cert.subject);
      if (!from.startsWith("0x") && subject !== from) {
        x.notes.push(`frame ${f.number}: certificate subject ${subject} is not the sender ${from}`);
      }
      break;
    }
    case "ephemeral":
      if (fromInitiator) x.qeu = toHex(m.publicKey);
      else x.qev = toHex(m.publicKey);
      break;
    case "confirm":
      if (fromInitiator) x.macU = toHex(m.mac);
      else {
        x.macV = toHex(m.mac);
        x.outcome = "SUCCESS";
        open.delete(key);
      }
      break;
    case "terminate":
      x.outcome = "TERMINATED";
      x.terminate = {
        status: m.status,
        statusName: keTerminateStatusName(m.status),
        waitTime: m.waitTime,
        sentBy: fromInitiator ? "initiator" : "responder",
      };
      open.delete(key);
      break;
  }
}

function keepAliveFrame(
  f: CaptureFrame,
  zcl: Uint8Array,
  from: string,
  to: string,
  report: CaptureReport,
): void {
  const { header, payload } = decodeZclFrame(zcl);
  if (header.frameType !== "global") return;
  const base = { frame: f.number, timeUs: f.timeUs, from, to, apsSecured: f.apsKey !== undefined };
  if (header.commandId === GlobalCommand.READ_ATTRIBUTES) {
    report.keepAlive.push({ ...base, kind: "read", attributes: decodeReadAttributes(payload) });
  } else if (header.commandId === GlobalCommand.READ_ATTRIBUTES_RESPONSE) {
    const e: KeepAliveEvent = { ...base, kind: "response" };
    for (const r of decodeReadAttributesResponse(payload)) {
      if (r.status !== 0 || r.value === undefined) continue;
      if (r.attributeId === KEEPALIVE_ATTR_BASE) e.base = r.value;
      if (r.attributeId === KEEPALIVE_ATTR_JITTER) e.jitter = r.value;
    }
    report.keepAlive.push(e);
  }
}
