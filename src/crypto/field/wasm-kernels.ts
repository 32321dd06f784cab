/**
 * The WebAssembly kernels of src/crypto/generated/gf-wasm.ts (scripts/gen-wasm-field.ts) for
 * GF(2^163) and GF(2^283): the field multiplier behind the `FieldKernels` contract (operands
 * copied into the module's memory, the product copied out) and the constant-pattern fixed-base
 * evaluation of src/crypto/curve/secret-mul.ts on tables kept in that memory. Field elements
 * there are 64-bit limbs: W32 words of an `Fe` followed by a zero word when W32 is odd.
 *
 * One module instance per thread (worker threads load their own). `wasmField` returns null where
 * WebAssembly is unavailable or ZSE_NO_WASM is set; the TypeScript kernels are used then.
 */
import { ZseError } from "../../util/errors.js";
import { GF_WASM_BASE64, GF_WASM_LAYOUT as L } from "../generated/gf-wasm.js";
import type { Fe } from "./binary-field.js";
import { fieldStats } from "./stats.js";

type Exports = Record<string, (...args: number[]) => number>;

/** The parts of the WebAssembly JS API used here (typed locally: the ES lib has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface Instance {
  fns: Exports;
  memory: WasmMemory;
  u32: Uint32Array;
  i8: Int8Array;
  /** Next free byte for tables. */
  heap: number;
}

let instance: Instance | null | undefined;

function load(): Instance | null {
  if (instance !== undefined) return instance;
  instance = null;
  if (process.env.ZSE_NO_WASM) return null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    const inst = new api.Instance(new api.Module(Buffer.from(GF_WASM_BASE64, "base64")), {});
    const memory = inst.exports.mem as WasmMemory;
    instance = {
      fns: inst.exports as unknown as Exports,
      memory,
      u32: new Uint32Array(memory.buffer),
      i8: new Int8Array(memory.buffer),
      heap: L.heap,
    };
  } catch {
    instance = null;
  }
  return instance;
}

/** Reserves `bytes` of the module's memory (8-byte aligned), growing it as needed. */
function alloc(inst: Instance, bytes: number): number {
  const at = inst.heap;
  inst.heap = (at + bytes + 7) & ~7;
  const need = inst.heap - inst.memory.buffer.byteLength;
  if (need > 0) {
    inst.memory.grow(Math.ceil(need / 65536));
    inst.u32 = new Uint32Array(inst.memory.buffer);
    inst.i8 = new Int8Array(inst.memory.buffer);
  }
  return at;
}

/** Tables of one fixed base kept in the module's memory: `positions` tables of `count` entries. */
export interface WasmTables {
  readonly offset: number;
  readonly stride: number;
  readonly count: number;
  readonly positions: number;
}

/** The WebAssembly kernels of one field. */
export interface WasmField {
  /** out = a b mod f. */
  mul(out: Fe, a: Fe, b: Fe): void;
  /** out = a^2 mod f. */
  sqr(out: Fe, a: Fe): void;
  /**
   * (X, Y, Z) = (X, Y, Z) + (x, y), LD + affine with Z != 0; false (and the point unchanged) when
   * x Z + X = 0, i.e. (x, y) = +-(X, Y, Z). The module's addition as fixedBase runs it.
   */
  addMixed(p: { X: Fe; Y: Fe; Z: Fe }, x: Fe, y: Fe): boolean;
  /**
   * Copies per-position tables (as secret-mul.ts keeps them: `count` entries of x || y, 2 W32
   * words each) into the module's memory.
   */
  uploadTables(flats: readonly Uint32Array[], count: number): WasmTables;
  /**
   * (X, Y, Z) = sum over i < n of sign(d_i) t_i[|d_i| >> 1] (López-Dahab), the digits d_i being
   * odd and non-zero. False when an addition met P = +-Q: the caller computes on its own path.
   * The digits are wiped from the module's memory before returning.
   */
  fixedBase(o: { tables: WasmTables; digits: Int8Array; n: number; X: Fe; Y: Fe; Z: Fe }): boolean;
  /** out = a^-1 (0 for a = 0): the module's Itoh-Tsujii inversion. */
  inv(out: Fe, a: Fe): void;
  /**
   * For N scalars at once (digits: N rows of n, as `fixedBase` takes them): (xs[j], ys[j]) = the
   * affine sum of the looked-up points of row j, the additions of one position done together
   * with one inversion. False when some scalar met x1 = x2 (the caller computes one by one).
   */
  fixedBaseBatch(o: {
    tables: WasmTables;
    digits: Int8Array;
    n: number;
    N: number;
    xs: Fe[];
    ys: Fe[];
  }): boolean;
  /**
   * (X, Y, Z) = the interleaved tau-adic evaluation of the digits of P over table `p` and (when
   * given) of Q over table `q` (tables as `varBase` takes them, no entry at infinity), one
   * Frobenius map per position: public scalars, variable time. Returns 0, 1 when an addition met
   * P = +-Q (the caller computes on its own path) or 2 when the result is the point at infinity.
   */
  pubEval(o: {
    p: { flat: Uint32Array; count: number; digits: Int8Array; n: number };
    q?: { flat: Uint32Array; count: number; digits: Int8Array; n: number } | null;
    X: Fe;
    Y: Fe;
    Z: Fe;
  }): 0 | 1 | 2;
  /**
   * (X, Y, Z) = the tau-adic evaluation of n odd non-zero digits (most significant last) over one
   * table of `count` entries (x || y, 2 W32 words each): the top digit's point, then per further
   * digit `frobs` Frobenius maps and one mixed addition. False when an addition met P = +-Q.
   */
  varBase(o: {
    flat: Uint32Array;
    count: number;
    digits: Int8Array;
    n: number;
    frobs: number;
    X: Fe;
    Y: Fe;
    Z: Fe;
  }): boolean;
}

const cache = new Map<number, WasmField | null>();

/** The kernels of GF(2^m), or null for another m than 163 or 283 or without WebAssembly. */
export function wasmField(m: number): WasmField | null {
  if (m !== 163 && m !== 283) return null;
  const hit = cache.get(m);
  if (hit !== undefined) return hit;
  const inst = load();
  const field = inst === null ? null : makeField(inst, m);
  cache.set(m, field);
  return field;
}

function makeField(inst: Instance, m: 163 | 283): WasmField {
  const W32 = Math.ceil(m / 32);
  const E32 = 2 * Math.ceil(m / 64); // words per element in the module
  const mulFn = inst.fns[`mul${m}`];
  const fixedBaseFn = inst.fns[`fixedBase${m}`];
  const varBaseFn = inst.fns[`varBase${m}`];
  const pubEvalFn = inst.fns[`pubEval${m}`];
  const sqrFn = inst.fns[`sqr${m}`];
  const addMixedFn = inst.fns[`addMixed${m}`];
  const invFn = inst.fns[`inv${m}`];
  const batchFixedBaseFn = inst.fns[`batchFixedBase${m}`];
  /** Copies a into the module's memory at byte offset `at` (64-bit limbs). */
  const put = (at: number, a: Fe) => {
    const u = inst.u32;
    for (let j = 0; j < E32; j++) u[(at >> 2) + j] = j < W32 ? a[j] : 0;
  };
  const get = (out: Fe, at: number) => {
    const u = inst.u32;
    for (let j = 0; j < W32; j++) out[j] = u[(at >> 2) + j];
  };
  const A = L.a >> 2;
  const B = L.b >> 2;
  const O = L.out >> 2;
  const ACC = L.acc >> 2;

  // Unrolled per width on purpose: the copies around the module call are on every multiply, and
  // the unrolled form measured about 20% faster per multiply than a loop over W32.
  const mul =
    m === 283
      ? (out: Fe, a: Fe, b: Fe): void => {
          const u = inst.u32;
          u[A] = a[0];
          u[A + 1] = a[1];
          u[A + 2] = a[2];
          u[A + 3] = a[3];
          u[A + 4] = a[4];
          u[A + 5] = a[5];
          u[A + 6] = a[6];
          u[A + 7] = a[7];
          u[A + 8] = a[8];
          u[B] = b[0];
          u[B + 1] = b[1];
          u[B + 2] = b[2];
          u[B + 3] = b[3];
          u[B + 4] = b[4];
          u[B + 5] = b[5];
          u[B + 6] = b[6];
          u[B + 7] = b[7];
          u[B + 8] = b[8];
          mulFn(L.out, L.a, L.b);
          out[0] = u[O];
          out[1] = u[O + 1];
          out[2] = u[O + 2];
          out[3] = u[O + 3];
          out[4] = u[O + 4];
          out[5] = u[O + 5];
          out[6] = u[O + 6];
          out[7] = u[O + 7];
          out[8] = u[O + 8];
        }
      : (out: Fe, a: Fe, b: Fe): void => {
          const u = inst.u32;
          u[A] = a[0];
          u[A + 1] = a[1];
          u[A + 2] = a[2];
          u[A + 3] = a[3];
          u[A + 4] = a[4];
          u[A + 5] = a[5];
          u[B] = b[0];
          u[B + 1] = b[1];
          u[B + 2] = b[2];
          u[B + 3] = b[3];
          u[B + 4] = b[4];
          u[B + 5] = b[5];
          mulFn(L.out, L.a, L.b);
          out[0] = u[O];
          out[1] = u[O + 1];
          out[2] = u[O + 2];
          out[3] = u[O + 3];
          out[4] = u[O + 4];
          out[5] = u[O + 5];
        };

  /** The variable-base table's place in the module's memory, allocated (or enlarged) on use. */
  let varTable: { offset: number; bytes: number } | null = null;
  /** fixedBaseBatch's regions (accumulators, points, prefix products, digits), for up to `N` scalars. */
  let batch: { N: number; n: number; accs: number; pts: number; pre: number; digits: number } | null = null;
  /** The public evaluation's two tables, allocated on first use. */
  const pubTables: ({ offset: number; bytes: number } | null)[] = [null, null];

  /** Copies `count` entries of a flat table (x || y, W32 words each) to table slot `slot`; its offset. */
  const upload = (slot: { offset: number; bytes: number } | null, flat: Uint32Array, count: number) => {
    const bytes = count * 2 * E32 * 4;
    const at = slot === null || slot.bytes < bytes ? { offset: alloc(inst, bytes), bytes } : slot;
    const u = inst.u32;
    const base = at.offset >> 2;
    for (let e = 0; e < count; e++) {
      const src = e * 2 * W32;
      const dst = base + e * 2 * E32;
      for (let j = 0; j < W32; j++) {
        u[dst + j] = flat[src + j];
        u[dst + E32 + j] = flat[src + W32 + j];
      }
    }
    return at;
  };

  /**
   * Runs an evaluation over the digits: copies them in, folds the module's operation counts into
   * `fieldStats` when it counts, wipes the digits and the last looked-up point, reads (X, Y, Z).
   */
  /** Runs `call`, folding the module's own operation counts into `fieldStats` when it counts. */
  const counted = (call: () => number): number => {
    const C = L.counts >> 2;
    if (!fieldStats.enabled) return call();
    inst.u32[C] = 0;
    inst.u32[C + 1] = 0;
    inst.u32[C + 2] = fieldStats.sequence;
    const r = call();
    const u = inst.u32;
    fieldStats.mul += u[C];
    fieldStats.sqr += u[C + 1];
    fieldStats.sequence = u[C + 2] | 0;
    return r;
  };
  const run = (call: () => number, o: { digits: Int8Array; n: number; X: Fe; Y: Fe; Z: Fe }): boolean => {
    inst.i8.set(o.digits.subarray(0, o.n), L.digits);
    const failed = counted(call);
    inst.i8.fill(0, L.digits, L.digits + o.n);
    const u = inst.u32;
    u.fill(0, L.point >> 2, (L.point >> 2) + 2 * E32);
    if (failed !== 0) return false;
    for (let j = 0; j < W32; j++) {
      o.X[j] = u[ACC + j];
      o.Y[j] = u[ACC + E32 + j];
      o.Z[j] = u[ACC + 2 * E32 + j];
    }
    return true;
  };

  return {
    mul,
    sqr(out, a) {
      put(L.a, a);
      sqrFn(L.out, L.a);
      get(out, L.out);
    },
    addMixed(p, x, y) {
      const E = 4 * E32;
      put(L.acc, p.X);
      put(L.acc + E, p.Y);
      put(L.acc + 2 * E, p.Z);
      put(L.point, x);
      put(L.point + E, y);
      if (addMixedFn(L.acc, L.point) !== 0) return false;
      get(p.X, L.acc);
      get(p.Y, L.acc + E);
      get(p.Z, L.acc + 2 * E);
      return true;
    },
    uploadTables(flats, count) {
      const stride = count * 2 * E32 * 4;
      const offset = alloc(inst, flats.length * stride);
      const u = inst.u32;
      for (let p = 0; p < flats.length; p++) {
        const f = flats[p];
        for (let e = 0; e < count; e++) {
          const src = e * 2 * W32;
          const dst = (offset + p * stride) / 4 + e * 2 * E32;
          for (let j = 0; j < W32; j++) {
            u[dst + j] = f[src + j];
            u[dst + E32 + j] = f[src + W32 + j];
          }
        }
      }
      return { offset, stride, count, positions: flats.length };
    },
    fixedBase({ tables, digits, n, X, Y, Z }) {
      if (n > tables.positions) throw new ZseError("BAD_STATE", "fixedBase: more digits than tables");
      return run(() => fixedBaseFn(tables.offset, tables.stride, tables.count, n), { digits, n, X, Y, Z });
    },
    inv(out, a) {
      put(L.a, a);
      invFn(L.out, L.a);
      get(out, L.out);
    },
    fixedBaseBatch({ tables, digits, n, N, xs, ys }) {
      if (n > tables.positions) throw new ZseError("BAD_STATE", "fixedBaseBatch: more digits than tables");
      const E = 4 * E32;
      if (batch === null || batch.N < N || batch.n < n) {
        batch = {
          N,
          n,
          accs: alloc(inst, N * 2 * E),
          pts: alloc(inst, N * 2 * E),
          pre: alloc(inst, N * E),
          digits: alloc(inst, N * n),
        };
      }
      const b = batch;
      inst.i8.set(digits.subarray(0, N * n), b.digits);
      const failed = counted(() =>
        batchFixedBaseFn(tables.offset, tables.stride, tables.count, n, N, b.digits, b.accs, b.pts, b.pre),
      );
      inst.i8.fill(0, b.digits, b.digits + N * n);
      const u = inst.u32;
      u.fill(0, b.pts >> 2, (b.pts + N * 2 * E) >> 2);
      u.fill(0, b.pre >> 2, (b.pre + N * E) >> 2);
      if (failed !== 0) return false;
      for (let k = 0; k < N; k++) {
        const at = (b.accs >> 2) + k * 2 * E32;
        for (let j = 0; j < W32; j++) {
          xs[k][j] = u[at + j];
          ys[k][j] = u[at + E32 + j];
        }
      }
      return true;
    },
    pubEval({ p, q, X, Y, Z }) {
      const n = Math.max(p.n, q?.n ?? 0);
      if (n > L.digits2 - L.digits) throw new ZseError("BAD_STATE", "pubEval: too many digits");
      // Uploads first: they may grow the memory, which replaces the views.
      pubTables[0] = upload(pubTables[0], p.flat, p.count);
      if (q) pubTables[1] = upload(pubTables[1], q.flat, q.count);
      const i8 = inst.i8;
      i8.set(p.digits.subarray(0, p.n), L.digits);
      i8.fill(0, L.digits + p.n, L.digits + n);
      if (q) {
        i8.set(q.digits.subarray(0, q.n), L.digits2);
        i8.fill(0, L.digits2 + q.n, L.digits2 + n);
      } else i8.fill(0, L.digits2, L.digits2 + n);
      const r = pubEvalFn(pubTables[0].offset, pubTables[1]?.offset ?? pubTables[0].offset, n) as 0 | 1 | 2;
      if (r !== 0) return r;
      const u = inst.u32;
      for (let j = 0; j < W32; j++) {
        X[j] = u[ACC + j];
        Y[j] = u[ACC + E32 + j];
        Z[j] = u[ACC + 2 * E32 + j];
      }
      return 0;
    },
    varBase({ flat, count, digits, n, frobs, X, Y, Z }) {
      varTable = upload(varTable, flat, count);
      const at = varTable.offset;
      return run(() => varBaseFn(at, count, n, frobs), { digits, n, X, Y, Z });
    },
  };
}
