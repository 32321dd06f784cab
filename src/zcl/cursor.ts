/**
 * A small cursor reader and writer for ZCL frames (ZCL 07-5123 2.4: every multi-byte integer
 * on the wire is little-endian). The reader throws ZseError("BAD_FRAME") naming the field that
 * ran past the end or was left with trailing bytes; the writer throws ZseError("BAD_VALUE")
 * naming the field whose value does not fit its type.
 */
import { ZseError } from "../util/errors.js";

/** Reads little-endian ZCL fields from `data`, starting at `offset`. */
export class ZclReader {
  readonly data: Uint8Array;
  offset: number;
  constructor(data: Uint8Array, offset = 0) {
    this.data = data;
    this.offset = offset;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.data.length - this.offset;
  }

  private need(n: number, field: string): void {
    if (this.remaining < n) {
      throw new ZseError(
        "BAD_FRAME",
        `${field}: truncated, needs ${n} byte(s) at offset ${this.offset}, ${Math.max(0, this.remaining)} left`,
      );
    }
  }

  /** Unsigned little-endian integer of `size` bytes (1..4). */
  uint(size: number, field: string): number {
    this.need(size, field);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.data[this.offset + i];
    this.offset += size;
    return v;
  }

  /** Signed (two's complement) little-endian integer of `size` bytes (1..4). */
  int(size: number, field: string): number {
    const u = this.uint(size, field);
    const half = 2 ** (8 * size - 1);
    return u >= half ? u - 2 * half : u;
  }

  u8(field: string): number {
    return this.uint(1, field);
  }

  u16(field: string): number {
    return this.uint(2, field);
  }

  /** `n` bytes (a copy). */
  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.data.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** Everything left (a copy). */
  rest(): Uint8Array {
    const out = this.data.slice(this.offset);
    this.offset = this.data.length;
    return out;
  }

  /** Throws BAD_FRAME when bytes are left after the last field of `what`. */
  end(what: string): void {
    if (this.remaining !== 0) {
      throw new ZseError("BAD_FRAME", `${what}: ${this.remaining} trailing byte(s) at offset ${this.offset}`);
    }
  }
}

/** Builds a ZCL frame field by field. */
export class ZclWriter {
  private parts: number[] = [];

  /** Unsigned little-endian integer of `size` bytes (1..4); BAD_VALUE when out of range. */
  uint(value: number, size: number, field: string): this {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * size)) {
      throw new ZseError("BAD_VALUE", `${field}: ${value} does not fit in an unsigned ${8 * size}-bit field`);
    }
    let v = value;
    for (let i = 0; i < size; i++) {
      this.parts.push(v & 0xff);
      v = Math.floor(v / 256);
    }
    return this;
  }

  /** Signed (two's complement) little-endian integer of `size` bytes (1..4). */
  int(value: number, size: number, field: string): this {
    const half = 2 ** (8 * size - 1);
    if (!Number.isInteger(value) || value < -half || value >= half) {
      throw new ZseError("BAD_VALUE", `${field}: ${value} does not fit in a signed ${8 * size}-bit field`);
    }
    return this.uint(value < 0 ? value + 2 * half : value, size, field);
  }

  u8(value: number, field: string): this {
    return this.uint(value, 1, field);
  }

  u16(value: number, field: string): this {
    return this.uint(value, 2, field);
  }

  bytes(value: Uint8Array): this {
    for (const b of value) this.parts.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
