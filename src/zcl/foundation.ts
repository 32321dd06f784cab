/**
 * Payload codecs of the ZCL foundation (global) commands zigbee-se uses (ZCL 07-5123 2.5):
 * Read Attributes 0x00 (2.5.1), Read Attributes Response 0x01 (2.5.2), Write Attributes 0x02
 * (2.5.3), Write Attributes Response 0x04 (2.5.5) and Default Response 0x0b (2.5.12).
 * Payloads only: wrap them with `encodeZclFrame` and a header of frame type "global".
 * Decoders throw ZseError("BAD_FRAME") naming the field for truncation, unsupported data types
 * and trailing bytes.
 */
import { ZseError } from "../util/errors.js";
import { ZclReader, ZclWriter } from "./cursor.js";
import { readValue, writeValue } from "./data-types.js";
import { ZclStatus } from "./status.js";

/** One attribute of a Read Attributes Response (2.5.2.1). */
export interface ReadAttributeRecord {
  attributeId: number;
  /** ZCL status; the data type and value are present only when it is SUCCESS (0x00). */
  status: number;
  dataType?: number;
  value?: number;
}

/** One attribute of a Write Attributes command (2.5.3.1). */
export interface WriteAttributeRecord {
  attributeId: number;
  dataType: number;
  value: number;
}

/** One failed attribute of a Write Attributes Response (2.5.5.1). */
export interface WriteAttributeStatusRecord {
  status: number;
  attributeId: number;
}

/** Default Response payload (2.5.12.1). */
export interface DefaultResponse {
  /** The command id being answered. */
  commandId: number;
  status: number;
}

/** Read Attributes payload: the attribute ids, uint16 each. */
export function encodeReadAttributes(attributeIds: readonly number[]): Uint8Array {
  if (attributeIds.length === 0) throw new ZseError("BAD_VALUE", "attributeIds: empty list");
  const w = new ZclWriter();
  for (const [i, id] of attributeIds.entries()) w.u16(id, `attributeIds[${i}]`);
  return w.finish();
}

/** Decodes a Read Attributes payload (at least one id, an even number of bytes). */
export function decodeReadAttributes(payload: Uint8Array): number[] {
  if (payload.length === 0) throw new ZseError("BAD_FRAME", "attributeIds: empty Read Attributes payload");
  if (payload.length % 2 !== 0) {
    throw new ZseError("BAD_FRAME", `attributeIds: odd payload length ${payload.length}`);
  }
  const r = new ZclReader(payload);
  const ids: number[] = [];
  while (r.remaining > 0) ids.push(r.u16(`attributeIds[${ids.length}]`));
  return ids;
}

/** Read Attributes Response payload. A SUCCESS record needs `dataType` and `value`. */
export function encodeReadAttributesResponse(records: readonly ReadAttributeRecord[]): Uint8Array {
  if (records.length === 0) throw new ZseError("BAD_VALUE", "records: empty list");
  const w = new ZclWriter();
  records.forEach((rec, i) => {
    const f = `records[${i}]`;
    w.u16(rec.attributeId, `${f}.attributeId`).u8(rec.status, `${f}.status`);
    if (rec.status === ZclStatus.SUCCESS) {
      if (rec.dataType === undefined || rec.value === undefined) {
        throw new ZseError("BAD_VALUE", `${f}: a SUCCESS record needs dataType and value`);
      }
      w.u8(rec.dataType, `${f}.dataType`);
      writeValue(w, rec.dataType, rec.value, `${f}.value`);
    }
  });
  return w.finish();
}

/** Decodes a Read Attributes Response payload (at least one record). */
export function decodeReadAttributesResponse(payload: Uint8Array): ReadAttributeRecord[] {
  if (payload.length === 0)
    throw new ZseError("BAD_FRAME", "records: empty Read Attributes Response payload");
  const r = new ZclReader(payload);
  const out: ReadAttributeRecord[] = [];
  while (r.remaining > 0) {
    const f = `records[${out.length}]`;
    const attributeId = r.u16(`${f}.attributeId`);
    const status = r.u8(`${f}.status`);
    if (status === ZclStatus.SUCCESS) {
      const dataType = r.u8(`${f}.dataType`);
      const value = readValue(r, dataType, `${f}.value`);
      out.push({ attributeId, status, dataType, value });
    } else {
      out.push({ attributeId, status });
    }
  }
  return out;
}

/** Write Attributes payload (also the layout of Undivided and No Response, 2.5.4 / 2.5.6). */
export function encodeWriteAttributes(records: readonly WriteAttributeRecord[]): Uint8Array {
  if (records.length === 0) throw new ZseError("BAD_VALUE", "records: empty list");
  const w = new ZclWriter();
  records.forEach((rec, i) => {
    const f = `records[${i}]`;
    w.u16(rec.attributeId, `${f}.attributeId`).u8(rec.dataType, `${f}.dataType`);
    writeValue(w, rec.dataType, rec.value, `${f}.value`);
  });
  return w.finish();
}

/** Decodes a Write Attributes payload (at least one record). */
export function decodeWriteAttributes(payload: Uint8Array): WriteAttributeRecord[] {
  if (payload.length === 0) throw new ZseError("BAD_FRAME", "records: empty Write Attributes payload");
  const r = new ZclReader(payload);
  const out: WriteAttributeRecord[] = [];
  while (r.remaining > 0) {
    const f = `records[${out.length}]`;
    const attributeId = r.u16(`${f}.attributeId`);
    const dataType = r.u8(`${f}.dataType`);
    const value = readValue(r, dataType, `${f}.value`);
    out.push({ attributeId, dataType, value });
  }
  return out;
}

/**
 * Write Attributes Response payload from the records of the attributes that failed. With no
 * failures it is the single status byte SUCCESS (2.5.5.1: "only a single write attribute
 * status record ... with the status field set to SUCCESS").
 */
export function encodeWriteAttributesResponse(failures: readonly WriteAttributeStatusRecord[]): Uint8Array {
  const w = new ZclWriter();
  if (failures.length === 0) return w.u8(ZclStatus.SUCCESS, "status").finish();
  failures.forEach((rec, i) => {
    const f = `failures[${i}]`;
    if (rec.status === ZclStatus.SUCCESS) {
      throw new ZseError("BAD_VALUE", `${f}.status: SUCCESS is not a failure record`);
    }
    w.u8(rec.status, `${f}.status`).u16(rec.attributeId, `${f}.attributeId`);
  });
  return w.finish();
}

/**
 * Decodes a Write Attributes Response payload into the failed attributes; [] when the payload
 * is the single SUCCESS byte. Records of 3 bytes each otherwise.
 */
export function decodeWriteAttributesResponse(payload: Uint8Array): WriteAttributeStatusRecord[] {
  if (payload.length === 1) {
    if (payload[0] !== ZclStatus.SUCCESS) {
      throw new ZseError(
        "BAD_FRAME",
        `status: lone status 0x${payload[0].toString(16)} without an attribute id`,
      );
    }
    return [];
  }
  if (payload.length === 0 || payload.length % 3 !== 0) {
    throw new ZseError("BAD_FRAME", `records: Write Attributes Response payload length ${payload.length}`);
  }
  const r = new ZclReader(payload);
  const out: WriteAttributeStatusRecord[] = [];
  while (r.remaining > 0) {
    const f = `records[${out.length}]`;
    const status = r.u8(`${f}.status`);
    const attributeId = r.u16(`${f}.attributeId`);
    out.push({ status, attributeId });
  }
  return out;
}

/** Default Response payload: command id, status. */
export function encodeDefaultResponse(value: DefaultResponse): Uint8Array {
  return new ZclWriter().u8(value.commandId, "commandId").u8(value.status, "status").finish();
}

/** Decodes a Default Response payload (exactly 2 bytes). */
export function decodeDefaultResponse(payload: Uint8Array): DefaultResponse {
  const r = new ZclReader(payload);
  const commandId = r.u8("commandId");
  const status = r.u8("status");
  r.end("Default Response");
  return { commandId, status };
}
