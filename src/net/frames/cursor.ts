/**
 * Byte cursors for the frame codecs (IEEE 802.15.4, Zigbee NWK/APS/ZDO): little-endian reads
 * and writes, as every multi-byte Zigbee field is little-endian on air (05-3474 1.2.1.3).
 * A read past the end throws ZseError("BAD_FRAME") naming the field that was cut short.
 *
 * Frame bytes are carved from shared 16 KiB slabs (`frameBytes`): V8 gives a typed array of
 * more than 64 bytes its own ArrayBuffer, which costs ~10x a view to allocate and collect, and
 * a smaller one kept in the heap gets its own ArrayBuffer the first time it is subarray'd
 * (as the codecs do, to read a frame in place).
 */
import { ZseError } from "../../util/errors.js";

const SLAB_BYTES = 16 * 1024;
const SLAB_MAX = 2048;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/**
 * A zero-filled byte array of length `n` for frame bytes: a view into a shared slab for the
 * sizes frames have (up to 2 KiB), its own buffer otherwise. A view keeps its slab alive;
 * code that keeps a small part of a frame for long should copy it (`slice`).
 */
export function frameBytes(n: number): Uint8Array {
  if (n > SLAB_MAX) return new Uint8Array(n);
  if (slabUsed + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, n);
  slabUsed += (n + 7) & ~7;
  return out;
}

/** A copy of `bytes` in frame storage (`frameBytes`). */
export function copyFrameBytes(bytes: Uint8Array): Uint8Array {
  const out = frameBytes(bytes.length);
  out.set(bytes);
  return out;
}

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
    const out = this.copy(this.offset, n);
    this.offset += n;
    return out;
  }

  /** An EUI-64 carried little-endian on air, returned big-endian (display order). */
  eui64(field: string): Uint8Array {
    this.need(8, field);
    const b = this.bytes;
    const o = this.offset;
    // a small array of its own (never viewed into): one allocation, no slab view
    const out = new Uint8Array(8);
    for (let i = 0; i < 8; i++) out[i] = b[o + 7 - i];
    this.offset += 8;
    return out;
  }

  /** A copy of everything left. */
  rest(): Uint8Array {
    const out = this.copy(this.offset, this.bytes.length - this.offset);
    this.offset = this.bytes.length;
    return out;
  }

  /** A copy of n bytes at `from` in frame storage, copied by hand when short (no view made). */
  private copy(from: number, n: number): Uint8Array {
    const out = frameBytes(n);
    const b = this.bytes;
    if (n <= 64) for (let i = 0; i < n; i++) out[i] = b[from + i];
    else out.set(b.subarray(from, from + n));
    return out;
  }

  /** Throws if bytes are left over (for fixed-layout payloads). */
  end(what: string): void {
    if (this.remaining !== 0) {
      throw new ZseError("BAD_FRAME", `${this.layer} ${what}: ${this.remaining} unexpected trailing byte(s)`);
    }
  }
}

/** Write buffers of finished writers, handed to the next writers (frames are built one at a time). */
const writerBuffers: Uint8Array[] = [];
const WRITER_BUFFER_BYTES = 256;
const WRITER_BUFFERS_KEPT = 16;

/** Appends fields to a growing frame; values are range-checked against their field width. */
export class FrameWriter {
  private buf: Uint8Array;
  /** Whether `buf` is a shared write buffer, returned by `finish`. */
  private shared = true;
  private n = 0;
  /** The layer named in error messages (a writer building several layers switches it). */
  layer: string;
  constructor(layer: string) {
    this.layer = layer;
    this.buf = writerBuffers.pop() ?? frameBytes(WRITER_BUFFER_BYTES);
  }

  private release(): void {
    if (this.shared && writerBuffers.length < WRITER_BUFFERS_KEPT) writerBuffers.push(this.buf);
    this.shared = false;
  }

  private check(value: number, max: number, field: string): void {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new ZseError("BAD_VALUE", `${this.layer} ${field}: ${value} is not an integer in 0..${max}`);
    }
  }

  private room(k: number): Uint8Array {
    if (this.n + k > this.buf.length) {
      const bigger = frameBytes(Math.max(2 * this.buf.length, this.n + k));
      bigger.set(this.buf.subarray(0, this.n));
      this.release();
      this.buf = bigger;
    }
    return this.buf;
  }

  u8(value: number, field: string): this {
    this.check(value, 0xff, field);
    this.room(1)[this.n++] = value;
    return this;
  }

  u16(value: number, field: string): this {
    this.check(value, 0xffff, field);
    const b = this.room(2);
    b[this.n++] = value & 0xff;
    b[this.n++] = value >> 8;
    return this;
  }

  u32(value: number, field: string): this {
    this.check(value, 0xffffffff, field);
    const b = this.room(4);
    b[this.n++] = value & 0xff;
    b[this.n++] = (value >>> 8) & 0xff;
    b[this.n++] = (value >>> 16) & 0xff;
    b[this.n++] = value >>> 24;
    return this;
  }

  bytes(value: Uint8Array, field: string, length?: number): this {
    if (!(value instanceof Uint8Array))
      throw new ZseError("BAD_VALUE", `${this.layer} ${field}: expected bytes`);
    if (length !== undefined && value.length !== length) {
      throw new ZseError("BAD_LENGTH", `${this.layer} ${field}: ${value.length} bytes, expected ${length}`);
    }
    this.room(value.length).set(value, this.n);
    this.n += value.length;
    return this;
  }

  /** An EUI-64 given big-endian (display order), written little-endian. */
  eui64(value: Uint8Array, field: string): this {
    if (!(value instanceof Uint8Array) || value.length !== 8) {
      throw new ZseError("BAD_LENGTH", `${this.layer} ${field}: an EUI-64 is 8 bytes`);
    }
    const b = this.room(8);
    for (let i = 7; i >= 0; i--) b[this.n++] = value[i];
    return this;
  }

  get length(): number {
    return this.n;
  }

  /**
   * The writer's own buffer, without a view: bytes [0, length) are those written so far, to be
   * changed in place (valid until the next write).
   */
  raw(): Uint8Array {
    return this.buf;
  }

  /** The bytes written so far, without copying (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }

  /** The frame: a copy of the bytes written (the writer may go on appending after it). */
  finish(): Uint8Array {
    const out = copyFrameBytes(this.buf.subarray(0, this.n));
    this.release();
    this.buf = out;
    return out;
  }
}
