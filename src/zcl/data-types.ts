/**
 * ZCL attribute data types (ZCL 07-5123 2.6.2, Table 2-10): the fixed-size integer-valued
 * types Smart Energy clusters use (uint8 for TC Keep-Alive Base, uint16 for its Jitter,
 * enum16 for KeyEstablishmentSuite, bitmaps, UTC time). Values are JavaScript numbers;
 * types wider than 32 bits and strings are not carried.
 */
import { ZseError } from "../util/errors.js";
import type { ZclReader, ZclWriter } from "./cursor.js";

export const ZclDataType = {
  DATA8: 0x08,
  DATA16: 0x09,
  DATA24: 0x0a,
  DATA32: 0x0b,
  BOOLEAN: 0x10,
  MAP8: 0x18,
  MAP16: 0x19,
  MAP24: 0x1a,
  MAP32: 0x1b,
  UINT8: 0x20,
  UINT16: 0x21,
  UINT24: 0x22,
  UINT32: 0x23,
  INT8: 0x28,
  INT16: 0x29,
  INT24: 0x2a,
  INT32: 0x2b,
  ENUM8: 0x30,
  ENUM16: 0x31,
  TIME_OF_DAY: 0xe0,
  DATE: 0xe1,
  UTC_TIME: 0xe2,
  CLUSTER_ID: 0xe8,
  ATTRIBUTE_ID: 0xe9,
} as const;

interface TypeInfo {
  size: number;
  signed: boolean;
}

const INFO = new Map<number, TypeInfo>([
  [ZclDataType.DATA8, { size: 1, signed: false }],
  [ZclDataType.DATA16, { size: 2, signed: false }],
  [ZclDataType.DATA24, { size: 3, signed: false }],
  [ZclDataType.DATA32, { size: 4, signed: false }],
  [ZclDataType.BOOLEAN, { size: 1, signed: false }],
  [ZclDataType.MAP8, { size: 1, signed: false }],
  [ZclDataType.MAP16, { size: 2, signed: false }],
  [ZclDataType.MAP24, { size: 3, signed: false }],
  [ZclDataType.MAP32, { size: 4, signed: false }],
  [ZclDataType.UINT8, { size: 1, signed: false }],
  [ZclDataType.UINT16, { size: 2, signed: false }],
  [ZclDataType.UINT24, { size: 3, signed: false }],
  [ZclDataType.UINT32, { size: 4, signed: false }],
  [ZclDataType.INT8, { size: 1, signed: true }],
  [ZclDataType.INT16, { size: 2, signed: true }],
  [ZclDataType.INT24, { size: 3, signed: true }],
  [ZclDataType.INT32, { size: 4, signed: true }],
  [ZclDataType.ENUM8, { size: 1, signed: false }],
  [ZclDataType.ENUM16, { size: 2, signed: false }],
  [ZclDataType.TIME_OF_DAY, { size: 4, signed: false }],
  [ZclDataType.DATE, { size: 4, signed: false }],
  [ZclDataType.UTC_TIME, { size: 4, signed: false }],
  [ZclDataType.CLUSTER_ID, { size: 2, signed: false }],
  [ZclDataType.ATTRIBUTE_ID, { size: 2, signed: false }],
]);

/** True when `dataType` is one this module reads and writes. */
export function isSupportedDataType(dataType: number): boolean {
  return INFO.has(dataType);
}

/** Size in bytes of a supported data type's value. */
export function dataTypeSize(dataType: number): number {
  const info = INFO.get(dataType);
  if (!info)
    throw new ZseError("BAD_VALUE", `dataType: 0x${hex2(dataType)} is not a supported ZCL data type`);
  return info.size;
}

/** Reads one attribute value of `dataType`; BAD_FRAME for an unsupported type or truncation. */
export function readValue(r: ZclReader, dataType: number, field: string): number {
  const info = INFO.get(dataType);
  if (!info) throw new ZseError("BAD_FRAME", `${field}: data type 0x${hex2(dataType)} is not supported`);
  return info.signed ? r.int(info.size, field) : r.uint(info.size, field);
}

/** Writes one attribute value of `dataType`; BAD_VALUE for an unsupported type or a value out of range. */
export function writeValue(w: ZclWriter, dataType: number, value: number, field: string): void {
  const info = INFO.get(dataType);
  if (!info) throw new ZseError("BAD_VALUE", `${field}: data type 0x${hex2(dataType)} is not supported`);
  if (dataType === ZclDataType.BOOLEAN && value !== 0 && value !== 1) {
    throw new ZseError("BAD_VALUE", `${field}: boolean value ${value} is not 0 or 1`);
  }
  if (info.signed) w.int(value, info.size, field);
  else w.uint(value, info.size, field);
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}
