/**
 * The ZCL frame header (ZCL 07-5123 2.4.1): frame control (frame type global / cluster
 * specific, manufacturer-specific flag, direction, disable default response), the optional
 * manufacturer code, the transaction sequence number and the command id.
 */
import { ZseError } from "../util/errors.js";
import { ZclReader, ZclWriter } from "./cursor.js";

/** 2.4.1.1.1: frame type 0b00 acts across the whole profile, 0b01 is cluster specific. */
export type ZclFrameType = "global" | "cluster";
/** 2.4.1.1.3: 0 = sent by the client side to the server side, 1 = server to client. */
export type ZclDirection = "client-to-server" | "server-to-client";

export interface ZclHeader {
  frameType: ZclFrameType;
  /** Present (0..0xffff) when the frame is manufacturer specific (2.4.1.1.2). */
  manufacturerCode?: number;
  direction: ZclDirection;
  /** 2.4.1.1.4: the receiver sends no Default Response unless there is an error. */
  disableDefaultResponse: boolean;
  /** Transaction sequence number, 0..255 (2.4.1.3). */
  seq: number;
  commandId: number;
}

/** A ZCL frame split into its header and its payload. */
export interface ZclFrame {
  header: ZclHeader;
  payload: Uint8Array;
}

const FC_TYPE_MASK = 0x03;
const FC_MANUFACTURER = 0x04;
const FC_SERVER_TO_CLIENT = 0x08;
const FC_DISABLE_DEFAULT_RESPONSE = 0x10;

/** Writes a ZCL header; BAD_VALUE when a field is out of range. */
export function writeZclHeader(w: ZclWriter, h: ZclHeader): void {
  let fc = h.frameType === "cluster" ? 0x01 : 0x00;
  if (h.manufacturerCode !== undefined) fc |= FC_MANUFACTURER;
  if (h.direction === "server-to-client") fc |= FC_SERVER_TO_CLIENT;
  if (h.disableDefaultResponse) fc |= FC_DISABLE_DEFAULT_RESPONSE;
  w.u8(fc, "frameControl");
  if (h.manufacturerCode !== undefined) w.u16(h.manufacturerCode, "manufacturerCode");
  w.u8(h.seq, "seq");
  w.u8(h.commandId, "commandId");
}

/**
 * Reads a ZCL header. Reserved frame types (0b10, 0b11) are rejected with BAD_FRAME;
 * reserved frame-control bits 5-7 are ignored on receipt (2.4.1.1).
 */
export function readZclHeader(r: ZclReader): ZclHeader {
  const fc = r.u8("frameControl");
  const type = fc & FC_TYPE_MASK;
  if (type > 1) throw new ZseError("BAD_FRAME", `frameControl: frame type ${type} is reserved`);
  const manufacturerCode = fc & FC_MANUFACTURER ? r.u16("manufacturerCode") : undefined;
  const seq = r.u8("seq");
  const commandId = r.u8("commandId");
  const h: ZclHeader = {
    frameType: type === 1 ? "cluster" : "global",
    direction: fc & FC_SERVER_TO_CLIENT ? "server-to-client" : "client-to-server",
    disableDefaultResponse: (fc & FC_DISABLE_DEFAULT_RESPONSE) !== 0,
    seq,
    commandId,
  };
  if (manufacturerCode !== undefined) h.manufacturerCode = manufacturerCode;
  return h;
}

/** Encodes a header alone (3 or 5 bytes). */
export function encodeZclHeader(h: ZclHeader): Uint8Array {
  const w = new ZclWriter();
  writeZclHeader(w, h);
  return w.finish();
}

/** Decodes a header at `offset`; returns it and the offset of the payload. */
export function decodeZclHeader(data: Uint8Array, offset = 0): [ZclHeader, number] {
  const r = new ZclReader(data, offset);
  const h = readZclHeader(r);
  return [h, r.offset];
}

/** Encodes header + payload into one ZCL frame. */
export function encodeZclFrame(header: ZclHeader, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const w = new ZclWriter();
  writeZclHeader(w, header);
  w.bytes(payload);
  return w.finish();
}

/** Splits a ZCL frame into header and payload (a copy). */
export function decodeZclFrame(frame: Uint8Array): ZclFrame {
  const r = new ZclReader(frame);
  const header = readZclHeader(r);
  return { header, payload: r.rest() };
}
