/**
 * APS frames as bytes for the simulator (Zigbee 05-3474 2.2.5 frame formats, 4.5.1 auxiliary
 * security header, 4.4.10 Transport Key / Request Key payloads) with APS security: AES-CCM*
 * ENC-MIC-32 (level 5), nonce = source EUI-64 LE ‖ frame counter LE ‖ security control with
 * the level put back (4.5.2.2; PROTOCOL.md "Frame security"). This module is the one place
 * the simulator touches APS bytes, so the `net` branch's full codecs can replace it.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { keyLoadKey, keyTransportKey } from "../../crypto/hmac.js";
import type { Eui64Hex } from "../../engine/types.js";
import { concat, fromHex, toHex } from "../../util/bytes.js";
import { ZseError } from "../../util/errors.js";
import type { ApsCommand } from "../transport.js";

/** APS key identifiers (05-3474 4.5.1.1.2). */
export const KEY_ID = { data: 0, network: 1, keyTransport: 2, keyLoad: 3 } as const;
export type KeyId = (typeof KEY_ID)[keyof typeof KEY_ID];
const LEVEL = 5;

export type ApsFrame =
  | {
      type: "data";
      dstEndpoint: number;
      cluster: number;
      profile: number;
      srcEndpoint: number;
      counter: number;
      ackRequested: boolean;
      payload: Uint8Array;
    }
  | { type: "command"; counter: number; ackRequested: boolean; command: ApsCommand }
  | {
      type: "ack";
      dstEndpoint: number;
      cluster: number;
      profile: number;
      srcEndpoint: number;
      counter: number;
    }
  | { type: "command-ack"; counter: number };

export interface ApsSecurityParams {
  /** The link key; the frame key is derived from it for key ids 2 and 3. */
  linkKey: Uint8Array;
  keyId: KeyId;
  frameCounter: number;
  source: Eui64Hex;
}

/** The key that actually encrypts a frame with this key identifier. */
export function frameKey(linkKey: Uint8Array, keyId: KeyId): Uint8Array {
  if (keyId === KEY_ID.keyTransport) return keyTransportKey(linkKey);
  if (keyId === KEY_ID.keyLoad) return keyLoadKey(linkKey);
  return linkKey;
}

const le16 = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff);
const le32 = (v: number) => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
const euiLe = (e: Eui64Hex) => fromHex(e).reverse();
const euiFromLe = (b: Uint8Array) => toHex(Uint8Array.from(b).reverse());

const KEY_TYPE_CODE = { network: 0x01, "app-link": 0x03, "tc-link": 0x04 } as const;

function encodeCommand(c: ApsCommand): Uint8Array {
  if (c.kind === "request-key") {
    return c.keyType === "app-link"
      ? concat(Uint8Array.of(0x08, 0x02), euiLe(c.partner))
      : Uint8Array.of(0x08, 0x04);
  }
  const head = concat(Uint8Array.of(0x05, KEY_TYPE_CODE[c.keyType]), c.key);
  if (c.keyType === "network")
    return concat(head, Uint8Array.of(c.sequence), euiLe(c.destination), euiLe(c.source));
  if (c.keyType === "tc-link") return concat(head, euiLe(c.destination), euiLe(c.source));
  return concat(head, euiLe(c.partner), Uint8Array.of(c.initiator ? 1 : 0));
}

function need(b: Uint8Array, n: number, field: string): void {
  if (b.length !== n) throw new ZseError("BAD_FRAME", `APS ${field}: ${b.length} bytes, expected ${n}`);
}

function decodeCommand(b: Uint8Array): ApsCommand {
  if (b.length < 2) throw new ZseError("BAD_FRAME", `APS command: ${b.length} bytes`);
  const id = b[0];
  const type = b[1];
  if (id === 0x08) {
    if (type === 0x04) {
      need(b, 2, "Request Key (TC link key)");
      return { kind: "request-key", keyType: "tc-link" };
    }
    if (type === 0x02) {
      need(b, 10, "Request Key (application link key)");
      return { kind: "request-key", keyType: "app-link", partner: euiFromLe(b.subarray(2, 10)) };
    }
    throw new ZseError("BAD_FRAME", `APS Request Key: key type 0x${type.toString(16)} not handled`);
  }
  if (id !== 0x05) throw new ZseError("BAD_FRAME", `APS command id 0x${id.toString(16)} not handled`);
  const key = b.slice(2, 18);
  if (type === 0x01) {
    need(b, 35, "Transport Key (network key)");
    return {
      kind: "transport-key",
      keyType: "network",
      key,
      sequence: b[18],
      destination: euiFromLe(b.subarray(19, 27)),
      source: euiFromLe(b.subarray(27, 35)),
    };
  }
  if (type === 0x04) {
    need(b, 34, "Transport Key (TC link key)");
    return {
      kind: "transport-key",
      keyType: "tc-link",
      key,
      destination: euiFromLe(b.subarray(18, 26)),
      source: euiFromLe(b.subarray(26, 34)),
    };
  }
  if (type === 0x03) {
    need(b, 27, "Transport Key (application link key)");
    return {
      kind: "transport-key",
      keyType: "app-link",
      key,
      partner: euiFromLe(b.subarray(18, 26)),
      initiator: b[26] === 1,
    };
  }
  throw new ZseError("BAD_FRAME", `APS Transport Key: key type 0x${type.toString(16)} not handled`);
}

function header(f: ApsFrame, secured: boolean): [Uint8Array, Uint8Array] {
  // frame control (05-3474 2.2.5.1.1): type bits 0-1, delivery 2-3 (unicast), security bit 5, ack request bit 6
  const type = f.type === "data" ? 0 : f.type === "command" ? 1 : 2;
  const ackReq = (f.type === "data" || f.type === "command") && f.ackRequested ? 0x40 : 0;
  const fc = type | (secured ? 0x20 : 0) | ackReq;
  switch (f.type) {
    case "data":
      return [
        concat(
          Uint8Array.of(fc, f.dstEndpoint),
          le16(f.cluster),
          le16(f.profile),
          Uint8Array.of(f.srcEndpoint, f.counter),
        ),
        f.payload,
      ];
    case "command":
      return [Uint8Array.of(fc, f.counter), encodeCommand(f.command)];
    case "ack":
      return [
        concat(
          Uint8Array.of(fc, f.dstEndpoint),
          le16(f.cluster),
          le16(f.profile),
          Uint8Array.of(f.srcEndpoint, f.counter),
        ),
        new Uint8Array(0),
      ];
    case "command-ack":
      // ack format bit 4: acknowledgement of an APS command, no endpoint/cluster fields
      return [Uint8Array.of(fc | 0x10, f.counter), new Uint8Array(0)];
  }
}

function nonce(source: Eui64Hex, counter: number, secControl: number): Uint8Array {
  return concat(euiLe(source), le32(counter), Uint8Array.of(secControl));
}

/** Encodes an APS frame, APS-secured when `security` is given. */
export function encodeApsFrame(frame: ApsFrame, security?: ApsSecurityParams): Uint8Array {
  const [hdr, payload] = header(frame, security !== undefined);
  if (!security) return concat(hdr, payload);
  // security control: level bits 0-2 sent as 0, key id bits 3-4, extended nonce bit 5
  const sc = (security.keyId << 3) | 0x20;
  const aux = concat(Uint8Array.of(sc), le32(security.frameCounter), euiLe(security.source));
  const aad = concat(hdr, Uint8Array.of(sc | LEVEL), aux.subarray(1));
  const cipher = createCipheriv(
    "aes-128-ccm",
    frameKey(security.linkKey, security.keyId),
    nonce(security.source, security.frameCounter, sc | LEVEL),
    {
      authTagLength: 4,
    },
  );
  cipher.setAAD(aad, { plaintextLength: payload.length });
  const enc = cipher.update(payload);
  cipher.final();
  return concat(hdr, aux, enc, cipher.getAuthTag());
}

/** What decoding found: the frame, or that it was secured and could not be decrypted. */
export type DecodedAps =
  | { ok: true; frame: ApsFrame; security?: { keyId: KeyId; frameCounter: number; source: Eui64Hex } }
  | { ok: false; reason: string; keyId?: KeyId; source?: Eui64Hex };

/**
 * Decodes an APS frame. For a secured frame `linkKeysFor(source)` gives the candidate link
 * keys shared with the sender, current first (the frame key is derived from each per key id);
 * no key or a MIC failure with every candidate gives `{ok: false}`. Malformed bytes throw
 * BAD_FRAME.
 */
export function decodeApsFrame(
  bytes: Uint8Array,
  linkKeysFor: (source: Eui64Hex) => Uint8Array[],
): DecodedAps {
  if (bytes.length < 2) throw new ZseError("BAD_FRAME", `APS frame: ${bytes.length} bytes`);
  const fc = bytes[0];
  const type = fc & 3;
  const secured = (fc & 0x20) !== 0;
  const ackRequested = (fc & 0x40) !== 0;
  let hdrLen: number;
  if (type === 0 || (type === 2 && (fc & 0x10) === 0)) hdrLen = 8;
  else if (type === 1 || type === 2) hdrLen = 2;
  else throw new ZseError("BAD_FRAME", `APS frame type ${type} not handled`);
  if (bytes.length < hdrLen)
    throw new ZseError("BAD_FRAME", `APS header: ${bytes.length} bytes, expected ${hdrLen}`);
  const hdr = bytes.subarray(0, hdrLen);
  let payload = bytes.subarray(hdrLen);
  let sec: { keyId: KeyId; frameCounter: number; source: Eui64Hex } | undefined;
  if (secured) {
    if (payload.length < 13 + 4) throw new ZseError("BAD_FRAME", `APS secured frame: ${bytes.length} bytes`);
    const sc = payload[0];
    if ((sc & 0x20) === 0) throw new ZseError("BAD_FRAME", "APS auxiliary header: no extended nonce");
    const keyId = ((sc >> 3) & 3) as KeyId;
    const frameCounter = (payload[1] | (payload[2] << 8) | (payload[3] << 16) | (payload[4] << 24)) >>> 0;
    const source = euiFromLe(payload.subarray(5, 13));
    sec = { keyId, frameCounter, source };
    const links = linkKeysFor(source);
    if (links.length === 0) return { ok: false, reason: "no link key held for the sender", keyId, source };
    const aad = concat(hdr, Uint8Array.of(sc | LEVEL), payload.subarray(1, 13));
    const body = payload.subarray(13, payload.length - 4);
    const tag = payload.subarray(payload.length - 4);
    let plain: Uint8Array | undefined;
    for (const link of links) {
      const d = createDecipheriv(
        "aes-128-ccm",
        frameKey(link, keyId),
        nonce(source, frameCounter, sc | LEVEL),
        {
          authTagLength: 4,
        },
      );
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: body.length });
      const out = d.update(body);
      try {
        d.final();
        plain = out;
        break;
      } catch {
        // MIC mismatch: try the next candidate
      }
    }
    if (!plain) return { ok: false, reason: "MIC check failed", keyId, source };
    payload = new Uint8Array(plain);
  }
  let frame: ApsFrame;
  if (type === 0 || (type === 2 && (fc & 0x10) === 0)) {
    const f = {
      dstEndpoint: hdr[1],
      cluster: hdr[2] | (hdr[3] << 8),
      profile: hdr[4] | (hdr[5] << 8),
      srcEndpoint: hdr[6],
      counter: hdr[7],
    };
    frame =
      type === 0
        ? { type: "data", ...f, ackRequested, payload: Uint8Array.from(payload) }
        : { type: "ack", ...f };
  } else if (type === 1) {
    frame = { type: "command", counter: hdr[1], ackRequested, command: decodeCommand(payload) };
  } else {
    frame = { type: "command-ack", counter: hdr[1] };
  }
  return sec ? { ok: true, frame, security: sec } : { ok: true, frame };
}
