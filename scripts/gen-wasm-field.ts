/**
 * Generates src/crypto/generated/gf-wasm.ts: a WebAssembly module (emitted as binary opcodes by
 * scripts/wasm-emit.ts, no assembler) with, for GF(2^163) and GF(2^283) on 64-bit limbs:
 * - mul: Guide to ECC Algorithm 2.36 (left-to-right comb, 4-bit windows) and the word-wise
 *   fast reduction of the SEC 2 pentanomials (2.41); sqr: bit spreading (2.39) and the same reduction;
 * - addMixed: López-Dahab + affine mixed addition (Guide to ECC 3.2.3, the formulas of
 *   src/crypto/curve/ld.ts), returning 1 instead of finishing when B = 0 (P = +-Q), so the caller
 *   can take its general path for that negligible case;
 * - lookup: sign(u) * table[|u| >> 1] read by scanning every entry with masks;
 * - fixedBase: the constant-pattern sum of looked-up points of src/crypto/curve/secret-mul.ts
 *   (one table per digit position, no Frobenius maps);
 * - varBase: that file's constant-pattern evaluation over one table (w-1 Frobenius maps and one
 *   mixed addition per digit);
 * - pubEval: the variable-time interleaved evaluation of src/crypto/curve/public-mul.ts for
 *   public scalars (zero digits skipped, entries read directly).
 * Straight-line arithmetic; the loops run a fixed number of times for given table sizes, and the
 * only data-dependent addresses are the comb's table index (as in the TypeScript kernels).
 * Run `node --import tsx scripts/gen-wasm-field.ts` after changing it; the output is committed and
 * checked against the TypeScript kernels by test/crypto/field-wasm.test.ts.
 */
import { writeFileSync } from "node:fs";
import { Fn, I32, I64, ModuleBuilder, OP, uleb } from "./wasm-emit.js";

/** Byte offsets in the module's memory, shared with src/crypto/field/wasm-kernels.ts. */
const LAYOUT = {
  /** Operands and product of the JS-called mul/sqr. */
  a: 0,
  b: 64,
  out: 128,
  /** The comb's 16-entry table. */
  comb: 256,
  /** addMixed's six scratch elements. */
  scratch: 1024,
  /** fixedBase's accumulator (X, Y, Z) and looked-up point (x, y). */
  acc: 1536,
  point: 1792,
  /** The digits, one signed byte each (pubEval: of P; then of Q at digits2). */
  digits: 2048,
  digits2: 2560,
  /** Operation counters (i32): multiplications, squarings, and the rolling hash of the sequence
   * (seq = 31 seq + code, code 1 = mul, 2 = sqr), as src/crypto/field/stats.ts keeps them. */
  counts: 3072,
  /** Free from here (the callers' tables). */
  heap: 4096,
} as const;

interface Spec {
  m: number;
  lower: number[];
}

/** Emits the word-wise reduction of locals c[0..2W) into c[0..W) (z^m = sum of z^e, e in lower). */
function reduce(f: Fn, c: number[], spec: Spec, W: number): void {
  const xorInto = (w: number, emit: () => void) => {
    f.get(c[w]);
    emit();
    f.emit(OP.i64Xor).set(c[w]);
  };
  const shl = (l: number, s: number) => {
    f.get(l);
    if (s !== 0) f.i64(BigInt(s)).emit(OP.i64Shl);
  };
  const shr = (l: number, s: number) => f.get(l).i64(BigInt(s)).emit(OP.i64ShrU);
  for (let i = 2 * W - 1; i >= W; i--) {
    for (const e of spec.lower) {
      const p = 64 * i - spec.m + e;
      const w = p >> 6;
      const s = p & 63;
      if (w + 1 >= i) throw new Error("reduction would feed a limb already reduced");
      xorInto(w, () => shl(c[i], s));
      if (s !== 0) xorInto(w + 1, () => shr(c[i], 64 - s));
    }
  }
  const top = spec.m & 63;
  const t = f.local(I64);
  shr(c[W - 1], top);
  f.set(t);
  for (const e of spec.lower) {
    if (64 - top + (e & 63) > 64 || e >= 64) throw new Error("top reduction would spill");
    xorInto(e >> 6, () => shl(t, e & 63));
  }
  f.get(c[W - 1])
    .i64((1n << BigInt(top)) - 1n)
    .emit(OP.i64And)
    .set(c[W - 1]);
}

/** Counts one operation (code 1 = mul, 2 = sqr) at LAYOUT.counts. */
function count(f: Fn, code: 1 | 2): void {
  const at = LAYOUT.counts + 4 * (code - 1);
  f.i32(0)
    .i32(0)
    .emit(OP.i32Load, 2, ...uleb(at))
    .i32(1)
    .emit(OP.i32Add, OP.i32Store, 2, ...uleb(at));
  const seq = LAYOUT.counts + 8;
  f.i32(0)
    .i32(0)
    .emit(OP.i32Load, 2, ...uleb(seq))
    .i32(31)
    .emit(OP.i32Mul)
    .i32(code)
    .emit(OP.i32Add, OP.i32Store, 2, ...uleb(seq));
}

function storeLimbs(f: Fn, addr: number, c: number[], W: number, offset = 0): void {
  for (let j = 0; j < W; j++)
    f.get(addr)
      .get(c[j])
      .store(offset + 8 * j);
}

/** mul(o, a, b): o = a b mod f; o may alias a or b. */
function mulFn(spec: Spec, W: number): Fn {
  const f = new Fn({ name: `mul${spec.m}`, params: [I32, I32, I32], results: [], exported: true });
  const [o, a, b] = [0, 1, 2];
  const A = Array.from({ length: W }, () => f.local(I64));
  const Bl = Array.from({ length: W }, () => f.local(I64));
  const C = Array.from({ length: 2 * W }, () => f.local(I64));
  const idx = f.local(I32);
  count(f, 1);
  for (let j = 0; j < W; j++) {
    f.get(a)
      .load(8 * j)
      .set(A[j]);
    f.get(b)
      .load(8 * j)
      .set(Bl[j]);
  }
  const entry = 8 * W;
  // T[u] = sum over the bits s of u of b z^s, W limbs each (b z^3 still fits: m + 3 <= 64 W);
  // b z, b z^2, b z^3 are shifted once into locals, then every entry is a XOR of some of them.
  if (spec.m + 3 > 64 * W) throw new Error("comb entries would need an extra limb");
  const Sh = [Bl, ...[1, 2, 3].map(() => Array.from({ length: W }, () => f.local(I64)))];
  for (let sft = 1; sft < 4; sft++) {
    for (let j = 0; j < W; j++) {
      f.get(Bl[j]).i64(BigInt(sft)).emit(OP.i64Shl);
      if (j > 0)
        f.get(Bl[j - 1])
          .i64(BigInt(64 - sft))
          .emit(OP.i64ShrU, OP.i64Or);
      f.set(Sh[sft][j]);
    }
  }
  for (let j = 0; j < W; j++)
    f.i32(0)
      .i64(0n)
      .store(LAYOUT.comb + 8 * j);
  for (let u = 1; u < 16; u++) {
    for (let j = 0; j < W; j++) {
      f.i32(0);
      let terms = 0;
      for (let sft = 0; sft < 4; sft++) {
        if (((u >> sft) & 1) === 0) continue;
        f.get(Sh[sft][j]);
        if (terms++ > 0) f.emit(OP.i64Xor);
      }
      f.store(LAYOUT.comb + u * entry + 8 * j);
    }
  }
  for (let k = 60; k >= 0; k -= 4) {
    for (let i = 0; i < W; i++) {
      f.get(A[i]);
      if (k !== 0) f.i64(BigInt(k)).emit(OP.i64ShrU);
      f.emit(OP.i32WrapI64).i32(15).emit(OP.i32And).i32(entry).emit(OP.i32Mul).set(idx);
      for (let j = 0; j < W; j++) {
        f.get(C[i + j])
          .get(idx)
          .load(LAYOUT.comb + 8 * j)
          .emit(OP.i64Xor)
          .set(C[i + j]);
      }
    }
    if (k === 0) break;
    for (let j = 2 * W - 1; j >= 0; j--) {
      f.get(C[j]).i64(4n).emit(OP.i64Shl);
      if (j > 0)
        f.get(C[j - 1])
          .i64(60n)
          .emit(OP.i64ShrU, OP.i64Or);
      f.set(C[j]);
    }
  }
  reduce(f, C, spec, W);
  storeLimbs(f, o, C, W);
  return f;
}

/** sqr(o, a): o = a^2 mod f (bit spreading); o may alias a. */
function sqrFn(spec: Spec, W: number): Fn {
  const f = new Fn({ name: `sqr${spec.m}`, params: [I32, I32], results: [], exported: true });
  const [o, a] = [0, 1];
  const C = Array.from({ length: 2 * W }, () => f.local(I64));
  const x = f.local(I64);
  const masks = [
    [16n, 0x0000ffff0000ffffn],
    [8n, 0x00ff00ff00ff00ffn],
    [4n, 0x0f0f0f0f0f0f0f0fn],
    [2n, 0x3333333333333333n],
    [1n, 0x5555555555555555n],
  ] as const;
  count(f, 2);
  for (let j = 0; j < W; j++) {
    for (const half of [0, 1]) {
      f.get(a).load(8 * j);
      if (half === 1) f.i64(32n).emit(OP.i64ShrU);
      else f.i64(0xffffffffn).emit(OP.i64And);
      f.set(x);
      for (const [s, mask] of masks) {
        f.get(x).get(x).i64(s).emit(OP.i64Shl, OP.i64Or).i64(mask).emit(OP.i64And).set(x);
      }
      f.get(x).set(C[2 * j + half]);
    }
  }
  reduce(f, C, spec, W);
  storeLimbs(f, o, C, W);
  return f;
}

/** add(o, a, b): o = a + b (XOR). */
function addFn(spec: Spec, W: number): Fn {
  const f = new Fn({ name: `add${spec.m}`, params: [I32, I32, I32], results: [] });
  for (let j = 0; j < W; j++)
    f.get(0)
      .get(1)
      .load(8 * j)
      .get(2)
      .load(8 * j)
      .emit(OP.i64Xor)
      .store(8 * j);
  return f;
}

/** isZero(a) -> 1 when every limb is 0. */
function isZeroFn(spec: Spec, W: number): Fn {
  const f = new Fn({ name: `isZero${spec.m}`, params: [I32], results: [I32] });
  f.get(0).load(0);
  for (let j = 1; j < W; j++)
    f.get(0)
      .load(8 * j)
      .emit(OP.i64Or);
  f.emit(OP.i64Eqz);
  return f;
}

/**
 * addMixed(p, q) -> 0: p = p + q, p = (X, Y, Z) LD with Z != 0, q = (x, y) affine; -> 1 when
 * x2 Z1 + X1 = 0 (q = +-p), p unchanged.
 */
function addMixedFn(o: { spec: Spec; W: number; a: 0 | 1; mul: Fn; sqr: Fn; add: Fn; isZero: Fn }): Fn {
  const { W, mul, sqr, add } = o;
  const E = 8 * W;
  const f = new Fn({ name: `addMixed${o.spec.m}`, params: [I32, I32], results: [I32], exported: true });
  const [p, q] = [0, 1];
  const X = f.local(I32);
  const Y = f.local(I32);
  const Z = f.local(I32);
  const x2 = f.local(I32);
  const y2 = f.local(I32);
  const at = (l: number, base: number, off: number) => f.get(base).i32(off).emit(OP.i32Add).set(l);
  at(X, p, 0);
  at(Y, p, E);
  at(Z, p, 2 * E);
  at(x2, q, 0);
  at(y2, q, E);
  const s = (i: number) => LAYOUT.scratch + i * E;
  const [T, A, B, C, D, Ee] = [0, 1, 2, 3, 4, 5].map(s);
  // Operands: a local (address held in it) or a constant scratch address.
  type Ref = { l: number } | number;
  const push = (r: Ref) => (typeof r === "number" ? f.i32(r) : f.get(r.l));
  const M = (out: Ref, a: Ref, b: Ref) => {
    push(out);
    push(a);
    push(b);
    f.call(mul);
  };
  const S = (out: Ref, a: Ref) => {
    push(out);
    push(a);
    f.call(sqr);
  };
  const ADD = (out: Ref, a: Ref, b: Ref) => {
    push(out);
    push(a);
    push(b);
    f.call(add);
  };
  const [rX, rY, rZ, rx2, ry2] = [{ l: X }, { l: Y }, { l: Z }, { l: x2 }, { l: y2 }];
  S(T, rZ); // Z1^2
  M(A, ry2, T);
  ADD(A, A, rY); // A = y2 Z1^2 + Y1
  M(B, rx2, rZ);
  ADD(B, B, rX); // B = x2 Z1 + X1
  f.i32(B).call(o.isZero).emit(OP.if, 0x40).i32(1).emit(OP.return, OP.end);
  M(C, rZ, B); // C = Z1 B
  let cz: number = C;
  if (o.a === 1) {
    ADD(T, C, T); // C + a Z1^2
    cz = T;
  }
  S(D, B);
  M(D, D, cz); // D = B^2 (C + a Z1^2)
  S(rZ, C); // Z3 = C^2
  M(Ee, A, C); // E = A C
  S(rX, A);
  ADD(rX, rX, D);
  ADD(rX, rX, Ee); // X3 = A^2 + D + E
  M(T, rx2, rZ);
  ADD(T, T, rX); // F = X3 + x2 Z3
  ADD(Ee, Ee, rZ);
  M(Ee, Ee, T); // (E + Z3) F
  ADD(T, rx2, ry2);
  S(D, rZ);
  M(T, T, D); // G = (x2 + y2) Z3^2
  ADD(rY, Ee, T); // Y3 = (E + Z3) F + G
  f.i32(0);
  return f;
}

/** lookup(dst, table, count, u): (x, y) = sign(u) * table[|u| >> 1], scanning all `count` entries. */
function lookupFn(spec: Spec, W: number): Fn {
  const E = 8 * W;
  const f = new Fn({ name: `lookup${spec.m}`, params: [I32, I32, I32, I32], results: [], exported: true });
  const [dst, tbl, count, u] = [0, 1, 2, 3];
  const sm = f.local(I32);
  const idx = f.local(I32);
  const j = f.local(I32);
  const mk = f.local(I64);
  const R = Array.from({ length: 2 * W }, () => f.local(I64));
  f.get(u).i32(31).emit(OP.i32ShrS).set(sm);
  f.get(u).get(sm).emit(OP.i32Xor).get(sm).emit(OP.i32Sub).i32(1).emit(OP.i32ShrS).set(idx);
  f.emit(OP.loop, 0x40);
  f.get(j).get(idx).emit(OP.i32Xor).i32(1).emit(OP.i32Sub).i32(31).emit(OP.i32ShrS, OP.i64ExtendI32S).set(mk);
  for (let l = 0; l < 2 * W; l++) {
    f.get(R[l])
      .get(tbl)
      .load(8 * l)
      .get(mk)
      .emit(OP.i64And, OP.i64Or)
      .set(R[l]);
  }
  f.get(tbl)
    .i32(2 * E)
    .emit(OP.i32Add)
    .set(tbl);
  f.get(j).i32(1).emit(OP.i32Add).tee(j).get(count).emit(OP.i32LtS, OP.brIf, 0, OP.end);
  for (let l = 0; l < W; l++)
    f.get(dst)
      .get(R[l])
      .store(8 * l);
  // y = y + x when u < 0 (negation on the curve: -(x, y) = (x, x + y)).
  for (let l = 0; l < W; l++) {
    f.get(dst)
      .get(R[W + l])
      .get(R[l])
      .get(sm)
      .emit(OP.i64ExtendI32S, OP.i64And, OP.i64Xor)
      .store(E + 8 * l);
  }
  return f;
}

/**
 * fixedBase(tables, stride, count, n) -> 0 with acc = sum over i < n of lookup(table i, digit i):
 * the digits are the signed bytes at LAYOUT.digits, table i at tables + i stride. -> 1 when an
 * addition met B = 0 (the caller recomputes on its general path).
 */
function fixedBaseFn(o: { spec: Spec; W: number; lookup: Fn; addMixed: Fn }): Fn {
  const E = 8 * o.W;
  const f = new Fn({
    name: `fixedBase${o.spec.m}`,
    params: [I32, I32, I32, I32],
    results: [I32],
    exported: true,
  });
  const [tables, stride, count, n] = [0, 1, 2, 3];
  const i = f.local(I32);
  const look = () =>
    f
      .i32(LAYOUT.point)
      .get(tables)
      .get(i)
      .get(stride)
      .emit(OP.i32Mul, OP.i32Add)
      .get(count)
      .get(i)
      .emit(OP.i32Load8S, 0, ...uleb(LAYOUT.digits))
      .call(o.lookup);
  f.get(n).i32(1).emit(OP.i32Sub).set(i);
  look();
  for (let l = 0; l < 2 * o.W; l++)
    f.i32(0)
      .i32(0)
      .load(LAYOUT.point + 8 * l)
      .store(LAYOUT.acc + 8 * l);
  for (let l = 0; l < o.W; l++)
    f.i32(0)
      .i64(l === 0 ? 1n : 0n)
      .store(LAYOUT.acc + 2 * E + 8 * l);
  f.emit(OP.block, 0x40, OP.loop, 0x40);
  f.get(i).i32(1).emit(OP.i32Sub).tee(i).i32(0).emit(OP.i32LtS, OP.brIf, 1);
  look();
  f.i32(LAYOUT.acc).i32(LAYOUT.point).call(o.addMixed).emit(OP.if, 0x40).i32(1).emit(OP.return, OP.end);
  f.emit(OP.br, 0, OP.end, OP.end);
  f.i32(0);
  return f;
}

/**
 * varBase(table, count, n, frobs) -> 0 with acc = the tau-adic evaluation of the digits at
 * LAYOUT.digits over one table: the top digit's point, then per further digit `frobs` Frobenius
 * maps (squaring X, Y and Z) and one mixed addition of the looked-up point. -> 1 when an addition
 * met B = 0.
 */
function varBaseFn(o: { spec: Spec; W: number; sqr: Fn; lookup: Fn; addMixed: Fn }): Fn {
  const E = 8 * o.W;
  const f = new Fn({
    name: `varBase${o.spec.m}`,
    params: [I32, I32, I32, I32],
    results: [I32],
    exported: true,
  });
  const [table, count, n, frobs] = [0, 1, 2, 3];
  const i = f.local(I32);
  const j = f.local(I32);
  const look = () =>
    f
      .i32(LAYOUT.point)
      .get(table)
      .get(count)
      .get(i)
      .emit(OP.i32Load8S, 0, ...uleb(LAYOUT.digits))
      .call(o.lookup);
  f.get(n).i32(1).emit(OP.i32Sub).set(i);
  look();
  for (let l = 0; l < 2 * o.W; l++)
    f.i32(0)
      .i32(0)
      .load(LAYOUT.point + 8 * l)
      .store(LAYOUT.acc + 8 * l);
  for (let l = 0; l < o.W; l++)
    f.i32(0)
      .i64(l === 0 ? 1n : 0n)
      .store(LAYOUT.acc + 2 * E + 8 * l);
  f.emit(OP.block, 0x40, OP.loop, 0x40);
  f.get(i).i32(1).emit(OP.i32Sub).tee(i).i32(0).emit(OP.i32LtS, OP.brIf, 1);
  f.i32(0).set(j);
  f.emit(OP.loop, 0x40);
  for (let c = 0; c < 3; c++)
    f.i32(LAYOUT.acc + c * E)
      .i32(LAYOUT.acc + c * E)
      .call(o.sqr);
  f.get(j).i32(1).emit(OP.i32Add).tee(j).get(frobs).emit(OP.i32LtS, OP.brIf, 0, OP.end);
  look();
  f.i32(LAYOUT.acc).i32(LAYOUT.point).call(o.addMixed).emit(OP.if, 0x40).i32(1).emit(OP.return, OP.end);
  f.emit(OP.br, 0, OP.end, OP.end);
  f.i32(0);
  return f;
}

/**
 * pubEval(tp, tq, n) -> 0 with acc = the interleaved tau-adic evaluation of two digit strings
 * (of P at LAYOUT.digits over table tp, of Q at LAYOUT.digits2 over table tq; n digits each,
 * zeros allowed): per position from the top one Frobenius map (once started) and a mixed
 * addition per non-zero digit, the table entry read directly (public scalars: variable time).
 * -> 1 when an addition met B = 0, -> 2 when every digit is zero (the result is infinity).
 */
function pubEvalFn(o: { spec: Spec; W: number; sqr: Fn; addMixed: Fn }): Fn {
  const { W } = o;
  const E = 8 * W;
  const f = new Fn({ name: `pubEval${o.spec.m}`, params: [I32, I32, I32], results: [I32], exported: true });
  const [tp, tq, n] = [0, 1, 2];
  const i = f.local(I32);
  const started = f.local(I32);
  const d = f.local(I32);
  const src = f.local(I32);
  const sm = f.local(I64);
  f.get(n).i32(1).emit(OP.i32Sub).set(i);
  f.emit(OP.block, 0x40, OP.loop, 0x40);
  f.get(i).i32(0).emit(OP.i32LtS, OP.brIf, 1);
  f.get(started).emit(OP.if, 0x40);
  for (let c = 0; c < 3; c++)
    f.i32(LAYOUT.acc + c * E)
      .i32(LAYOUT.acc + c * E)
      .call(o.sqr);
  f.emit(OP.end);
  for (const [tbl, digits] of [
    [tp, LAYOUT.digits],
    [tq, LAYOUT.digits2],
  ]) {
    f.get(i)
      .emit(OP.i32Load8S, 0, ...uleb(digits))
      .tee(d)
      .emit(OP.if, 0x40);
    // src = tbl + (|d| >> 1) * 2E; sm = all ones when d < 0.
    f.get(d).i32(31).emit(OP.i32ShrS, OP.i64ExtendI32S).set(sm);
    f.get(tbl)
      .get(d)
      .get(d)
      .i32(31)
      .emit(OP.i32ShrS, OP.i32Xor)
      .get(d)
      .i32(31)
      .emit(OP.i32ShrS, OP.i32Sub)
      .i32(1)
      .emit(OP.i32ShrS)
      .i32(2 * E)
      .emit(OP.i32Mul, OP.i32Add)
      .set(src);
    for (let l = 0; l < W; l++) {
      f.i32(0)
        .get(src)
        .load(8 * l)
        .store(LAYOUT.point + 8 * l);
      f.i32(0)
        .get(src)
        .load(E + 8 * l)
        .get(src)
        .load(8 * l)
        .get(sm)
        .emit(OP.i64And, OP.i64Xor)
        .store(LAYOUT.point + E + 8 * l);
    }
    f.get(started).emit(OP.if, 0x40);
    f.i32(LAYOUT.acc).i32(LAYOUT.point).call(o.addMixed).emit(OP.if, 0x40).i32(1).emit(OP.return, OP.end);
    f.emit(OP.else);
    for (let l = 0; l < 2 * W; l++)
      f.i32(0)
        .i32(0)
        .load(LAYOUT.point + 8 * l)
        .store(LAYOUT.acc + 8 * l);
    for (let l = 0; l < W; l++)
      f.i32(0)
        .i64(l === 0 ? 1n : 0n)
        .store(LAYOUT.acc + 2 * E + 8 * l);
    f.i32(1).set(started);
    f.emit(OP.end, OP.end);
  }
  f.get(i).i32(1).emit(OP.i32Sub).set(i);
  f.emit(OP.br, 0, OP.end, OP.end);
  f.i32(2).get(started).i32(1).emit(OP.i32Shl, OP.i32Sub);
  return f;
}

const specs: (Spec & { a: 0 | 1 })[] = [
  { m: 163, lower: [7, 6, 3, 0], a: 1 },
  { m: 283, lower: [12, 7, 5, 0], a: 0 },
];
const mb = new ModuleBuilder();
for (const spec of specs) {
  const W = Math.ceil(spec.m / 64);
  const mul = mb.add(mulFn(spec, W));
  const sqr = mb.add(sqrFn(spec, W));
  const add = mb.add(addFn(spec, W));
  const isZero = mb.add(isZeroFn(spec, W));
  const addMixed = mb.add(addMixedFn({ spec, W, a: spec.a, mul, sqr, add, isZero }));
  const lookup = mb.add(lookupFn(spec, W));
  mb.add(fixedBaseFn({ spec, W, lookup, addMixed }));
  mb.add(varBaseFn({ spec, W, sqr, lookup, addMixed }));
  mb.add(pubEvalFn({ spec, W, sqr, addMixed }));
}
const bytes = mb.bytes(1);
// Validate before writing.
const api = (globalThis as { WebAssembly?: { Module: new (b: Uint8Array) => object } }).WebAssembly;
if (api !== undefined) new api.Module(bytes);
const b64 = Buffer.from(bytes).toString("base64");
const lines = b64.match(/.{1,96}/g) ?? [];
const file = new URL("../src/crypto/generated/gf-wasm.ts", import.meta.url);
writeFileSync(
  file,
  `/**
 * GENERATED by scripts/gen-wasm-field.ts - do not edit. A WebAssembly module (${bytes.length} bytes), for
 * GF(2^163) (sect163k1, a = 1) and GF(2^283) (sect283k1, a = 0) on 64-bit limbs: mul, sqr, mixed LD
 * addition, masked table lookup, the fixed-base sum of looked-up points and the variable-base tau-adic
 * evaluation. Exports \`mem\` (1 page to start; callers grow it) and \`mul<m>\`, \`sqr<m>\`,
 * \`addMixed<m>\`, \`lookup<m>\`, \`fixedBase<m>\`, \`varBase<m>\`, \`pubEval<m>\`.
 */
export const GF_WASM_LAYOUT = ${JSON.stringify(LAYOUT).replace(/"/g, "").replace(/,/g, ", ").replace(/:/g, ": ")} as const;

export const GF_WASM_BASE64 =
${lines.map((l, i) => `  "${l}"${i === lines.length - 1 ? ";" : " +"}`).join("\n")}
`,
);
console.log(`wrote ${file.pathname}: ${bytes.length} bytes`);
