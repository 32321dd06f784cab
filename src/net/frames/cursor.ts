/**
 * Byte cursors for the frame codecs (IEEE 802.15.4, Zigbee NWK/APS/ZDO): little-endian reads
 * and writes, as every multi-byte Zigbee field is little-endian on air (05-3474 1.2.1.3).
 * A read past the end throws ZseError("BAD_FRAME") naming the field that was cut short.
 */
import { ZseError } from "../../util/errors.js";

/** Reads fields in order from a frame; every read names its field for the error message. */
export class FrameReader {
  offset: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly layer: string,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number, field: string): void {
    if (this.offset + n > this.bytes.length) {
      throw new ZseError(
        "BAD_FRAME",
        `${this.layer} ${field}: frame ends at byte ${this.bytes.length}, needs ${n} byte(s) at offset ${this.offset}`,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.offset++];
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.bytes[this.offset] | (this.bytes[this.offset + 1] << 8);
    this.offset += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  }

  /** A copy of the next `n` bytes. */
  bytesOf(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** An EUI-64 carried little-endian on air, returned big-endian (display order). */
  eui64(field: string): Uint8Array {
    return this.bytesOf(8, field).reverse();
  }

  /** A copy of everything left. */
  rest(): Uint8Array {
    const out = this.bytes.slice(this.offset);
    this.offset = this.bytes.length;
    return out;
  }

  /** Throws if bytes are left over (for fixed-layout payloads). */
  end(what: string): void {
    if (this.remaining !== 0) {
      throw new ZseError("BAD_FRAME", `${this.layer} ${what}: ${this.remaining} unexpected trailing byte(s)`);
    }
  }
}

/** Appends fields to a growing frame; values are range-checked against their field width. */
export class FrameWriter {
  private parts: number[] = [];
  constructor(readonly layer: string) {}

  private check(value: number, max: number, field: string): void {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new ZseError("BAD_VALUE", `${this.layer} ${field}: ${value} is not an integer in 0..${max}`);
    }
  }

  u8(value: number, field: string): this {
    this.check(value, 0xff, field);
    this.parts.push(value);
    return this;
  }

  u16(value: number, field: string): this {
    this.check(value, 0xffff, field);
    this.parts.push(value & 0xff, value >> 8);
    return this;
  }

  u32(value: number, field: string): this {
    this.check(value, 0xffffffff, field);
    this.parts.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
    return this;
  }

  bytes(value: Uint8Array, field: string, length?: number): this {
    if (!(value instanceof Uint8Array))
      throw new ZseError("BAD_VALUE", `${this.layer} ${field}: expected bytes`);
    if (length !== undefined && value.length !== length) {
      throw new ZseError("BAD_LENGTH", `${this.layer} ${field}: ${value.length} bytes, expected ${length}`);
    }
    for (const b of value) this.parts.push(b);
    return this;
  }

  /** An EUI-64 given big-endian (display order), written little-endian. */
  eui64(value: Uint8Array, field: string): this {
    if (!(value instanceof Uint8Array) || value.length !== 8) {
      throw new ZseError("BAD_LENGTH", `${this.layer} ${field}: an EUI-64 is 8 bytes`);
    }
    for (let i = 7; i >= 0; i--) this.parts.push(value[i]);
    return this;
  }

  get length(): number {
    return this.parts.length;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
