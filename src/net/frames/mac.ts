/**
 * IEEE 802.15.4 MAC data and command frames as Zigbee sends them (IEEE 802.15.4-2006 7.2.1
 * general frame format, 7.2.2.2 data frame, 7.2.2.4 MAC command frame): frame control, sequence
 * number, addressing fields with PAN ID compression, payload (the Zigbee NWK frame, or a MAC
 * command: mac-command.ts) and the optional 2-byte FCS (7.2.1.9: CRC-16
 * ITU-T, x^16 + x^12 + x^5 + 1, initial value 0, bits processed least significant first; the
 * CRC-16/KERMIT of the CRC catalogue), transmitted low byte first.
 *
 * Zigbee sends no MAC-layer security; this codec refuses frames with the security bit set.
 */
import { ZseError } from "../../util/errors.js";
import { FrameReader, FrameWriter } from "./cursor.js";

/**
 * A MAC address: a number is a 16-bit short address, 8 bytes an extended address (big-endian),
 * undefined no address (addressing mode 0, e.g. the source of a Beacon Request).
 */
export type MacAddress = number | Uint8Array;

/** MAC frame types (7.2.1.1.1). Only data frames carry Zigbee NWK frames. */
export const MacFrameType = { beacon: 0, data: 1, ack: 2, command: 3 } as const;

export interface MacFrame {
  /** Frame type: data (1) or MAC command (3); beacons and acknowledgements are not read. */
  frameType: 1 | 3;
  sequence: number;
  /** Destination PAN identifier (when there is a destination address). */
  panId: number;
  destination?: MacAddress;
  source?: MacAddress;
  /** Source PAN identifier when it differs from panId (then PAN ID compression is off). */
  sourcePanId?: number;
  ackRequest: boolean;
  framePending?: boolean;
  /** Frame version: 0 = 802.15.4-2003 (what Zigbee devices send), 1 = 2006. */
  version?: 0 | 1;
  /** The MAC payload (a Zigbee NWK frame, or command id + command payload). */
  payload: Uint8Array;
}

/** The CRC of every byte value, one table step per byte (the bitwise loop of 7.2.1.9, precomputed). */
const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let b = 0; b < 256; b++) {
    let crc = b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
    t[b] = crc;
  }
  return t;
})();

/** CRC-16 of 802.15.4 7.2.1.9 (CRC-16/KERMIT: reflected 0x1021, init 0, no final xor). */
export function crc16Kermit(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ data[i]) & 0xff];
  return crc;
}

function addrMode(a: MacAddress | undefined, field: string): 0 | 2 | 3 {
  if (a === undefined) return 0;
  if (typeof a === "number") return 2;
  if (a instanceof Uint8Array && a.length === 8) return 3;
  throw new ZseError("BAD_VALUE", `MAC ${field}: a short address (number) or an 8-byte extended address`);
}

function writeAddr(w: FrameWriter, a: MacAddress | undefined, field: string): void {
  if (a === undefined) return;
  if (typeof a === "number") w.u16(a, field);
  else w.eui64(a, field);
}

/**
 * Appends the header of a MAC data or command frame (frame control, sequence number,
 * addressing fields) to `w`. PAN ID compression (7.2.1.1.5) is used when both addresses are
 * present and the source PAN is the destination's.
 */
export function writeMacHeader(w: FrameWriter, frame: Omit<MacFrame, "payload">): void {
  if (frame.frameType !== MacFrameType.data && frame.frameType !== MacFrameType.command) {
    throw new ZseError("BAD_VALUE", `MAC frame type: ${frame.frameType} (data 1 or command 3)`);
  }
  const dstMode = addrMode(frame.destination, "destination");
  const srcMode = addrMode(frame.source, "source");
  if (dstMode === 0 && srcMode === 0)
    throw new ZseError("BAD_VALUE", "MAC addresses: a frame needs at least one");
  const compress =
    dstMode !== 0 && srcMode !== 0 && (frame.sourcePanId === undefined || frame.sourcePanId === frame.panId);
  const fc =
    frame.frameType |
    (frame.framePending ? 1 << 4 : 0) |
    (frame.ackRequest ? 1 << 5 : 0) |
    (compress ? 1 << 6 : 0) |
    (dstMode << 10) |
    ((frame.version ?? 0) << 12) |
    (srcMode << 14);
  w.layer = "MAC";
  w.u16(fc, "frame control").u8(frame.sequence, "sequence number");
  if (dstMode !== 0) w.u16(frame.panId, "destination PAN");
  writeAddr(w, frame.destination, "destination");
  if (srcMode !== 0 && !compress) w.u16(frame.sourcePanId ?? frame.panId, "source PAN");
  writeAddr(w, frame.source, "source");
}

/** Appends the FCS of everything written so far (the whole MAC frame, 7.2.1.9). */
export function writeFcs(w: FrameWriter): void {
  w.layer = "MAC";
  w.u16(crc16Kermit(w.view()), "FCS");
}

/**
 * Encodes a MAC data or command frame; appends the FCS when `fcs` is true. PAN ID compression
 * (7.2.1.1.5) is used when both addresses are present and the source PAN is the destination's.
 */
export function encodeMacFrame(frame: MacFrame, options: { fcs?: boolean } = {}): Uint8Array {
  const w = new FrameWriter("MAC");
  writeMacHeader(w, frame);
  w.bytes(frame.payload, "payload");
  if (options.fcs) writeFcs(w);
  return w.finish();
}

function readAddr(r: FrameReader, mode: number, field: string): MacAddress | undefined {
  if (mode === 0) return undefined;
  return mode === 2 ? r.u16(field) : r.eui64(field);
}

/**
 * Decodes a MAC data or command frame. With `fcs` the last two bytes are the FCS and must
 * match (BAD_FRAME otherwise). Throws BAD_FRAME for beacons and acknowledgements, MAC security,
 * the reserved addressing mode, or a data frame without both addresses. With `payloadView` the
 * payload is a view into `bytes` (no copy: for a caller that decodes it at once).
 */
export function decodeMacFrame(
  bytes: Uint8Array,
  options: { fcs?: boolean; payloadView?: boolean } = {},
): MacFrame {
  let body = bytes;
  if (options.fcs) {
    if (bytes.length < 5)
      throw new ZseError("BAD_FRAME", `MAC frame: ${bytes.length} bytes, too short for an FCS`);
    body = bytes.subarray(0, bytes.length - 2);
    const got = bytes[bytes.length - 2] | (bytes[bytes.length - 1] << 8);
    const want = crc16Kermit(body);
    if (got !== want) {
      throw new ZseError(
        "BAD_FRAME",
        `MAC FCS: 0x${got.toString(16).padStart(4, "0")} received, 0x${want.toString(16).padStart(4, "0")} computed`,
      );
    }
  }
  const r = new FrameReader(body, "MAC");
  const fc = r.u16("frame control");
  const type = fc & 7;
  if (type !== MacFrameType.data && type !== MacFrameType.command) {
    throw new ZseError("BAD_FRAME", `MAC frame type: ${type}, only data (1) and command (3) frames are read`);
  }
  if (fc & (1 << 3))
    throw new ZseError("BAD_FRAME", "MAC security enabled: Zigbee does not use MAC security");
  const dstMode = (fc >> 10) & 3;
  const srcMode = (fc >> 14) & 3;
  const version = (fc >> 12) & 3;
  // Mode 1 is reserved; a data frame carrying Zigbee NWK has both addresses, a command one or two.
  const modesOk =
    dstMode !== 1 &&
    srcMode !== 1 &&
    (type === MacFrameType.data ? dstMode >= 2 && srcMode >= 2 : dstMode + srcMode > 0);
  if (!modesOk) {
    throw new ZseError(
      "BAD_FRAME",
      `MAC addressing modes: destination ${dstMode}, source ${srcMode} (expected 2 or 3)`,
    );
  }
  if (version > 1) throw new ZseError("BAD_FRAME", `MAC frame version: ${version} (0 or 1 read)`);
  const compress = (fc & (1 << 6)) !== 0;
  const sequence = r.u8("sequence number");
  const dstPan = dstMode !== 0 ? r.u16("destination PAN") : undefined;
  const destination = readAddr(r, dstMode, "destination");
  const srcPan = srcMode !== 0 && !(compress && dstMode !== 0) ? r.u16("source PAN") : undefined;
  const source = readAddr(r, srcMode, "source");
  const panId = dstPan ?? srcPan ?? 0xffff;
  const sourcePanId = dstPan !== undefined && srcPan !== undefined ? srcPan : undefined;
  const frame: MacFrame = {
    frameType: type as 1 | 3,
    sequence,
    panId,
    ackRequest: (fc & (1 << 5)) !== 0,
    framePending: (fc & (1 << 4)) !== 0,
    version: version as 0 | 1,
    payload: options.payloadView ? body.subarray(r.offset) : r.rest(),
  };
  if (destination !== undefined) frame.destination = destination;
  if (source !== undefined) frame.source = source;
  if (sourcePanId !== undefined) frame.sourcePanId = sourcePanId;
  return frame;
}
