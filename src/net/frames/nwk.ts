/**
 * Zigbee NWK frames (05-3474 3.3.1 general frame format, 3.3.2 data frames) and NWK security
 * (4.3.1: auxiliary header with key identifier 1 = network key, extended nonce set, the sender's
 * EUI-64 and the key sequence number; AES-CCM* ENC-MIC-32 under the network key).
 *
 * Frame control (3.3.1.1): bits 0-1 frame type, 2-5 protocol version (2 = Zigbee PRO),
 * 6-7 discover route, 8 multicast, 9 security, 10 source route, 11 destination IEEE address,
 * 12 source IEEE address, 13 end device initiator. Multicast frames are not read or written.
 */
import { ZseError } from "../../util/errors.js";
import { SECURITY_LEVEL_ENC_MIC_32 } from "./ccm.js";
import { FrameReader, FrameWriter } from "./cursor.js";
import {
  type AuxHeader,
  decodeAuxHeader,
  KeyId,
  type SecurityInfo,
  sealWritten,
  tryKeysInFrame,
  type UndecryptedReason,
  writeAuxHeader,
} from "./security.js";

export type NwkFrameType = "data" | "command";

export interface NwkHeader {
  frameType: NwkFrameType;
  /** Protocol version, 2 for Zigbee 2007 / PRO and later (the default). */
  protocolVersion?: number;
  /** Discover route sub-field (3.3.1.1.3): 0 suppress, 1 enable. Default 0. */
  discoverRoute?: number;
  destination: number;
  source: number;
  radius: number;
  sequence: number;
  /** Destination EUI-64 (big-endian), carried when given. */
  destinationEui64?: Uint8Array;
  /** Source EUI-64 (big-endian), carried when given. */
  sourceEui64?: Uint8Array;
  endDeviceInitiator?: boolean;
  /** Source route subframe (3.3.1.9). */
  sourceRoute?: { relayIndex: number; relays: number[] };
}

export interface NwkFrame {
  header: NwkHeader;
  /** The NWK payload: an APS frame for data frames, command id + payload for commands. */
  payload: Uint8Array;
}

/** NWK security settings for encoding (05-3474 4.3.1.1). */
export interface NwkSecurity {
  networkKey: Uint8Array;
  frameCounter: number;
  /** EUI-64 of the device securing the frame (goes in the aux header and the nonce). */
  source: Uint8Array;
  keySequence: number;
}

const FRAME_TYPES: Record<NwkFrameType, number> = { data: 0, command: 1 };

function writeHeader(w: FrameWriter, h: NwkHeader, secured: boolean): void {
  const fc =
    FRAME_TYPES[h.frameType] |
    ((h.protocolVersion ?? 2) << 2) |
    ((h.discoverRoute ?? 0) << 6) |
    (secured ? 1 << 9 : 0) |
    (h.sourceRoute ? 1 << 10 : 0) |
    (h.destinationEui64 ? 1 << 11 : 0) |
    (h.sourceEui64 ? 1 << 12 : 0) |
    (h.endDeviceInitiator ? 1 << 13 : 0);
  if (FRAME_TYPES[h.frameType] === undefined)
    throw new ZseError("BAD_VALUE", `NWK frame type: "${h.frameType}"`);
  if ((h.protocolVersion ?? 2) > 15)
    throw new ZseError("BAD_VALUE", `NWK protocol version: ${h.protocolVersion}`);
  if ((h.discoverRoute ?? 0) > 3) throw new ZseError("BAD_VALUE", `NWK discover route: ${h.discoverRoute}`);
  w.layer = "NWK";
  w.u16(fc, "frame control").u16(h.destination, "destination").u16(h.source, "source");
  w.u8(h.radius, "radius").u8(h.sequence, "sequence number");
  if (h.destinationEui64) w.eui64(h.destinationEui64, "destination IEEE address");
  if (h.sourceEui64) w.eui64(h.sourceEui64, "source IEEE address");
  if (h.sourceRoute) {
    const { relayIndex, relays } = h.sourceRoute;
    w.u8(relays.length, "relay count").u8(relayIndex, "relay index");
    for (const r of relays) w.u16(r, "relay");
  }
}

/**
 * Appends a NWK frame to `w` (a MAC frame being built, or a new writer): the header, then the
 * payload `writePayload` appends; with `security`, the aux header goes before the payload and
 * the payload is encrypted in place under the network key, MIC appended (4.3.1.1).
 */
export function writeNwkFrame(
  w: FrameWriter,
  header: NwkHeader,
  security: NwkSecurity | undefined,
  writePayload: (w: FrameWriter) => void,
): void {
  const start = w.length;
  writeHeader(w, header, security !== undefined);
  if (!security) {
    writePayload(w);
    return;
  }
  const s = security;
  const controlOffset = w.length;
  writeAuxHeader(
    w,
    {
      keyId: KeyId.network,
      extendedNonce: true,
      frameCounter: s.frameCounter,
      source: s.source,
      keySequence: s.keySequence,
    },
    SECURITY_LEVEL_ENC_MIC_32,
  );
  const payloadStart = w.length;
  writePayload(w);
  sealWritten(w, {
    start,
    controlOffset,
    payloadStart,
    key: s.networkKey,
    keyId: KeyId.network,
    nonceSource: s.source,
    frameCounter: s.frameCounter,
  });
}

/** Encodes a NWK frame, secured with the network key when `security` is given (4.3.1.1). */
export function encodeNwkFrame(frame: NwkFrame, options: { security?: NwkSecurity } = {}): Uint8Array {
  const w = new FrameWriter("NWK");
  writeNwkFrame(w, frame.header, options.security, (x) => {
    x.layer = "NWK";
    x.bytes(frame.payload, "payload");
  });
  return w.finish();
}

function decodeHeader(r: FrameReader): { header: NwkHeader; secured: boolean } {
  const fc = r.u16("frame control");
  const type = fc & 3;
  if (type > 1) throw new ZseError("BAD_FRAME", `NWK frame type: ${type} (data 0 and command 1 are read)`);
  if (fc & (1 << 8)) throw new ZseError("BAD_FRAME", "NWK multicast flag: multicast frames are not read");
  if (fc & 0xc000)
    throw new ZseError("BAD_FRAME", `NWK frame control: reserved bits set in 0x${fc.toString(16)}`);
  const header: NwkHeader = {
    frameType: type === 0 ? "data" : "command",
    protocolVersion: (fc >> 2) & 15,
    discoverRoute: (fc >> 6) & 3,
    destination: r.u16("destination"),
    source: r.u16("source"),
    radius: r.u8("radius"),
    sequence: r.u8("sequence number"),
  };
  if (fc & (1 << 13)) header.endDeviceInitiator = true;
  if (fc & (1 << 11)) header.destinationEui64 = r.eui64("destination IEEE address");
  if (fc & (1 << 12)) header.sourceEui64 = r.eui64("source IEEE address");
  if (fc & (1 << 10)) {
    const count = r.u8("relay count");
    const relayIndex = r.u8("relay index");
    const relays: number[] = [];
    for (let i = 0; i < count; i++) relays.push(r.u16("relay"));
    header.sourceRoute = { relayIndex, relays };
  }
  return { header, secured: (fc & (1 << 9)) !== 0 };
}

/** Supplies candidate network keys for a secured NWK frame. */
export type NetworkKeyLookup = (ctx: { keySequence: number; source: Uint8Array }) => readonly Uint8Array[];

export type NwkDecodeResult =
  | { ok: true; frame: NwkFrame; security?: SecurityInfo }
  | { ok: false; reason: UndecryptedReason; header: NwkHeader; aux: AuxHeader };

/**
 * Decodes a NWK frame (4.3.1.2 for secured ones): tries the candidate network keys and returns
 * the frame and which key verified, or `ok: false` with the reason. Throws BAD_FRAME when the
 * bytes are malformed, or when a secured frame's aux header is not a network-key one.
 */
export function decodeNwkFrame(
  bytes: Uint8Array,
  options: { networkKeys?: NetworkKeyLookup } = {},
): NwkDecodeResult {
  const r = new FrameReader(bytes, "NWK");
  const { header, secured } = decodeHeader(r);
  if (!secured) return { ok: true, frame: { header, payload: r.rest() } };
  const controlOffset = r.offset;
  const aux = decodeAuxHeader(r);
  if (aux.keyId !== KeyId.network || !aux.extendedNonce) {
    throw new ZseError(
      "BAD_FRAME",
      `NWK aux header: key id ${aux.keyId}, extended nonce ${aux.extendedNonce} (NWK security uses the network key with the extended nonce)`,
    );
  }
  // read in place: decryption writes the plaintext to new storage
  const dataStart = r.offset;
  const sealedLength = bytes.length - dataStart;
  if (sealedLength < 4)
    throw new ZseError("BAD_FRAME", `NWK secured payload: ${sealedLength} bytes, no room for the MIC`);
  const candidates = options.networkKeys?.({ keySequence: aux.keySequence!, source: aux.source! }) ?? [];
  const got = tryKeysInFrame({
    frame: bytes,
    controlOffset,
    dataStart,
    aux,
    candidates,
    nonceSource: aux.source,
  });
  if ("reason" in got) return { ok: false, reason: got.reason, header, aux };
  return { ok: true, frame: { header, payload: got.plain }, security: got.info };
}
