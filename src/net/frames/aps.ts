/**
 * Zigbee APS frames (05-3474 2.2.5: data 2.2.5.2.1, command 2.2.5.2.2, acknowledgement
 * 2.2.5.2.3) and APS security (4.4.1: AES-CCM* ENC-MIC-32 with key identifier data key 0,
 * key-transport key 2 or key-load key 3; the sender's EUI-64 in the auxiliary header when the
 * extended nonce is set, else the receiver takes it from the NWK layer).
 *
 * Frame control (2.2.5.1.1): bits 0-1 frame type, 2-3 delivery mode (0 unicast, 2 broadcast,
 * 3 group), 4 ack format, 5 security, 6 ack request, 7 extended header present. Extended headers
 * (fragmentation) are not read or written.
 */
import { ZseError } from "../../util/errors.js";
import { type ApsCommand, decodeApsCommand, encodeApsCommand } from "./aps-commands.js";
import { SECURITY_LEVEL_ENC_MIC_32 } from "./ccm.js";
import { FrameReader, FrameWriter } from "./cursor.js";
import {
  type AuxHeader,
  decodeAuxHeader,
  KeyId,
  type KeyIdentifier,
  type SecurityInfo,
  sealWritten,
  tryKeysInFrame,
  type UndecryptedReason,
  writeAuxHeader,
} from "./security.js";

export type ApsDelivery = "unicast" | "broadcast" | "group";

interface ApsCommon {
  delivery?: ApsDelivery;
  ackRequest?: boolean;
  counter: number;
}

/** An APS data frame; endpoints for unicast/broadcast, a group address for group delivery. */
export interface ApsDataFrame extends ApsCommon {
  type: "data";
  dstEndpoint?: number;
  group?: number;
  clusterId: number;
  profileId: number;
  srcEndpoint: number;
  /** The ASDU: a ZCL or ZDO frame. */
  payload: Uint8Array;
}

export interface ApsCommandFrame extends ApsCommon {
  type: "command";
  command: ApsCommand;
}

/** An APS acknowledgement: of a data frame (endpoints, cluster, profile) or of a command. */
export type ApsAckFrame = ApsCommon & { type: "ack" } & (
    | { ackFormat: "data"; dstEndpoint: number; clusterId: number; profileId: number; srcEndpoint: number }
    | { ackFormat: "command" }
  );

export type ApsFrame = ApsDataFrame | ApsCommandFrame | ApsAckFrame;

/** APS security settings for encoding (05-3474 4.4.1.1). */
export interface ApsSecurity {
  /** The link key (or the network key for keyId 1); key-transport / key-load keys are derived from it. */
  key: Uint8Array;
  /** Default: data key (0). */
  keyId?: KeyIdentifier;
  frameCounter: number;
  /** Sender EUI-64 (big-endian): in the nonce, and in the aux header when extendedNonce is set. */
  source: Uint8Array;
  /**
   * Default: true for APS commands and for the key-transport and key-load keys (the receiver
   * may not know the sender's address yet; Wireshark 4.0 also fails on short APS commands
   * without it), false for data frames under the data key (the NWK layer supplies the source).
   */
  extendedNonce?: boolean;
  /** Network key sequence number, needed only with keyId 1. */
  keySequence?: number;
}

const TYPES = { data: 0, command: 1, ack: 2 } as const;
const DELIVERY: Record<ApsDelivery, number> = { unicast: 0, broadcast: 2, group: 3 };

function writeHeader(w: FrameWriter, f: ApsFrame, secured: boolean): void {
  const delivery = f.delivery ?? "unicast";
  if (DELIVERY[delivery] === undefined) throw new ZseError("BAD_VALUE", `APS delivery mode: "${delivery}"`);
  if (TYPES[f.type] === undefined)
    throw new ZseError("BAD_VALUE", `APS frame type: "${(f as { type: string }).type}"`);
  const ackFormat = f.type === "ack" && f.ackFormat === "command";
  const fc =
    TYPES[f.type] |
    (DELIVERY[delivery] << 2) |
    (ackFormat ? 1 << 4 : 0) |
    (secured ? 1 << 5 : 0) |
    (f.ackRequest ? 1 << 6 : 0);
  w.layer = "APS";
  w.u8(fc, "frame control");
  const addressed = f.type === "data" || (f.type === "ack" && f.ackFormat === "data");
  if (addressed) {
    if (delivery === "group") {
      if (f.type !== "data" || f.group === undefined)
        throw new ZseError("BAD_VALUE", "APS group address: required for group delivery");
      w.u16(f.group, "group address");
    } else {
      if (f.dstEndpoint === undefined) throw new ZseError("BAD_VALUE", "APS destination endpoint: required");
      w.u8(f.dstEndpoint, "destination endpoint");
    }
    w.u16(f.clusterId, "cluster id").u16(f.profileId, "profile id").u8(f.srcEndpoint, "source endpoint");
  }
  w.u8(f.counter, "APS counter");
}

function payloadOf(f: ApsFrame): Uint8Array {
  if (f.type === "data") return f.payload;
  if (f.type === "command") return encodeApsCommand(f.command);
  return new Uint8Array(0);
}

/**
 * Appends an APS frame to `w` (a NWK payload being built, or a new writer), secured in place
 * when `security` is given (05-3474 4.4.1.1).
 */
export function writeApsFrame(w: FrameWriter, frame: ApsFrame, security: ApsSecurity | undefined): void {
  const s = security;
  const start = w.length;
  writeHeader(w, frame, s !== undefined);
  const payload = payloadOf(frame);
  if (!s) {
    w.layer = "APS";
    w.bytes(payload, "payload");
    return;
  }
  const keyId = s.keyId ?? KeyId.data;
  const extendedNonce =
    s.extendedNonce ?? (frame.type === "command" || keyId === KeyId.keyTransport || keyId === KeyId.keyLoad);
  const controlOffset = w.length;
  writeAuxHeader(
    w,
    {
      keyId,
      extendedNonce,
      frameCounter: s.frameCounter,
      source: s.source,
      // one shape for every key (writeAuxHeader reads it for the network key only)
      keySequence: keyId === KeyId.network ? (s.keySequence ?? 0) : undefined,
    },
    SECURITY_LEVEL_ENC_MIC_32,
  );
  const payloadStart = w.length;
  w.layer = "APS";
  w.bytes(payload, "payload");
  sealWritten(w, {
    start,
    controlOffset,
    payloadStart,
    key: s.key,
    keyId,
    nonceSource: s.source,
    frameCounter: s.frameCounter,
  });
}

/** Encodes an APS frame, secured when `security` is given (05-3474 4.4.1.1). */
export function encodeApsFrame(frame: ApsFrame, options: { security?: ApsSecurity } = {}): Uint8Array {
  const w = new FrameWriter("APS");
  writeApsFrame(w, frame, options.security);
  return w.finish();
}

/** The APS header fields decoded before any decryption (frame minus its payload). */
export type ApsHeader = Omit<ApsDataFrame, "payload"> | Omit<ApsCommandFrame, "command"> | ApsAckFrame;

/** Supplies candidate keys for a secured APS frame: link keys for keyId 0/2/3 (derivation is done here). */
export type LinkKeyLookup = (ctx: {
  keyId: KeyIdentifier;
  source: Uint8Array | undefined;
}) => readonly Uint8Array[];

export type ApsDecodeResult =
  | { ok: true; frame: ApsFrame; security?: SecurityInfo }
  | { ok: false; reason: UndecryptedReason; header: ApsHeader; aux: AuxHeader };

function decodeHeader(r: FrameReader): { header: ApsHeader; secured: boolean } {
  const fc = r.u8("frame control");
  const type = fc & 3;
  if (type === 3) throw new ZseError("BAD_FRAME", "APS frame type: inter-PAN (3) is not read");
  if (fc & 0x80) throw new ZseError("BAD_FRAME", "APS extended header: fragmentation is not read");
  const mode = (fc >> 2) & 3;
  if (mode === 1) throw new ZseError("BAD_FRAME", "APS delivery mode: 1 is reserved");
  const delivery: ApsDelivery = mode === 0 ? "unicast" : mode === 2 ? "broadcast" : "group";
  const ackRequest = (fc & 0x40) !== 0;
  const secured = (fc & 0x20) !== 0;
  const ackFormatCommand = (fc & 0x10) !== 0;
  if (type === 1 || (type === 2 && ackFormatCommand)) {
    const counter = r.u8("APS counter");
    const header: ApsHeader =
      type === 1
        ? { type: "command", delivery, ackRequest, counter }
        : { type: "ack", ackFormat: "command", delivery, ackRequest, counter };
    return { header, secured };
  }
  let dstEndpoint: number | undefined;
  let group: number | undefined;
  if (mode === 3) group = r.u16("group address");
  else dstEndpoint = r.u8("destination endpoint");
  const clusterId = r.u16("cluster id");
  const profileId = r.u16("profile id");
  const srcEndpoint = r.u8("source endpoint");
  const counter = r.u8("APS counter");
  if (type === 2) {
    if (dstEndpoint === undefined)
      throw new ZseError("BAD_FRAME", "APS ack: group delivery is not acknowledged");
    return {
      header: {
        type: "ack",
        ackFormat: "data",
        delivery,
        ackRequest,
        dstEndpoint,
        clusterId,
        profileId,
        srcEndpoint,
        counter,
      },
      secured,
    };
  }
  const header: Omit<ApsDataFrame, "payload"> = {
    type: "data",
    delivery,
    ackRequest,
    clusterId,
    profileId,
    srcEndpoint,
    counter,
  };
  if (group !== undefined) header.group = group;
  else header.dstEndpoint = dstEndpoint;
  return { header, secured };
}

/** The frame from its freshly decoded header (extended in place: `{ ...h, more }` is slow in V8). */
function complete(header: ApsHeader, payload: Uint8Array): ApsFrame {
  if (header.type === "data") {
    const f = header as ApsDataFrame;
    f.payload = payload;
    return f;
  }
  if (header.type === "command") {
    const f = header as ApsCommandFrame;
    f.command = decodeApsCommand(payload);
    return f;
  }
  if (payload.length !== 0)
    throw new ZseError("BAD_FRAME", `APS ack: ${payload.length} unexpected payload byte(s)`);
  return header;
}

/**
 * Decodes an APS frame (05-3474 4.4.1.2 for secured ones). `source` is the sender's EUI-64 from
 * the NWK layer, used in the nonce when the aux header has no extended source. Returns the frame
 * and which candidate key verified, or `ok: false` with the reason; throws BAD_FRAME on
 * malformed bytes.
 */
export function decodeApsFrame(
  bytes: Uint8Array,
  options: { linkKeys?: LinkKeyLookup; source?: Uint8Array } = {},
): ApsDecodeResult {
  const r = new FrameReader(bytes, "APS");
  const { header, secured } = decodeHeader(r);
  if (!secured) return { ok: true, frame: complete(header, r.rest()) };
  const controlOffset = r.offset;
  const aux = decodeAuxHeader(r);
  // read in place: decryption writes the plaintext to new storage
  const dataStart = r.offset;
  const sealedLength = bytes.length - dataStart;
  if (sealedLength < 4)
    throw new ZseError("BAD_FRAME", `APS secured payload: ${sealedLength} bytes, no room for the MIC`);
  const nonceSource = aux.source ?? options.source;
  const candidates = options.linkKeys?.({ keyId: aux.keyId, source: nonceSource }) ?? [];
  const got = tryKeysInFrame({ frame: bytes, controlOffset, dataStart, aux, candidates, nonceSource });
  if ("reason" in got) return { ok: false, reason: got.reason, header, aux };
  return { ok: true, frame: complete(header, got.plain), security: got.info };
}
