/**
 * A minimal WebAssembly binary emitter for scripts/gen-wasm-field.ts (WebAssembly Core
 * Specification 2.0, 5 "Binary Format"): functions with i32/i64 parameters and locals, the
 * handful of instructions the field and point kernels use, one exported memory, no imports.
 */

export const I32 = 0x7f;
export const I64 = 0x7e;
type ValType = typeof I32 | typeof I64;

/** Opcodes used by the kernels (5.4). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i64Load: 0x29,
  i32Load8S: 0x2c,
  i32Store: 0x36,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i64Eqz: 0x50,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32S: 0xac,
} as const;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Buffer.from(s, "utf8")];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** One function being emitted: parameters first, then locals declared with `local`. */
export class Fn {
  readonly name: string;
  readonly params: ValType[];
  readonly results: ValType[];
  readonly exported: boolean;
  index = -1;
  private readonly locals: ValType[] = [];
  readonly code: number[] = [];

  constructor(o: { name: string; params: ValType[]; results: ValType[]; exported?: boolean }) {
    this.name = o.name;
    this.params = o.params;
    this.results = o.results;
    this.exported = o.exported ?? false;
  }

  /** A new local of type t; returns its index. */
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }

  emit(...bytes: number[]): this {
    for (const b of bytes) if (!Number.isInteger(b) || b < 0 || b > 255) throw new Error(`not a byte: ${b}`);
    this.code.push(...bytes);
    return this;
  }
  get(l: number): this {
    return this.emit(OP.localGet, ...uleb(l));
  }
  set(l: number): this {
    return this.emit(OP.localSet, ...uleb(l));
  }
  tee(l: number): this {
    return this.emit(OP.localTee, ...uleb(l));
  }
  i32(v: number): this {
    return this.emit(OP.i32Const, ...sleb(BigInt(v)));
  }
  i64(v: bigint): this {
    return this.emit(OP.i64Const, ...sleb(BigInt.asIntN(64, v)));
  }
  /** i64.load at (address on the stack) + offset. */
  load(offset: number): this {
    return this.emit(OP.i64Load, 3, ...uleb(offset));
  }
  /** i64.store of (address, value) on the stack at address + offset. */
  store(offset: number): this {
    return this.emit(OP.i64Store, 3, ...uleb(offset));
  }
  call(f: Fn): this {
    if (f.index < 0) throw new Error(`call of ${f.name} before it is added to the module`);
    return this.emit(OP.call, ...uleb(f.index));
  }

  body(): number[] {
    const groups: number[] = [];
    let count = 0;
    for (let i = 0; i < this.locals.length; i++) {
      const t = this.locals[i];
      if (i + 1 < this.locals.length && this.locals[i + 1] === t) continue;
      let j = i;
      while (j > 0 && this.locals[j - 1] === t) j--;
      groups.push(...uleb(i - j + 1), t);
      count++;
    }
    const b = [...uleb(count), ...groups, ...this.code, OP.end];
    return [...uleb(b.length), ...b];
  }
}

/** A module of functions (indices in order of `add`) and one memory exported as "mem". */
export class ModuleBuilder {
  private readonly fns: Fn[] = [];

  add(f: Fn): Fn {
    f.index = this.fns.length;
    this.fns.push(f);
    return f;
  }

  bytes(memoryPages: number): Uint8Array {
    const sigs: string[] = [];
    const sigOf = (f: Fn) => {
      const key = `${f.params.join(",")}->${f.results.join(",")}`;
      let i = sigs.indexOf(key);
      if (i < 0) {
        sigs.push(key);
        i = sigs.length - 1;
      }
      return i;
    };
    const fnSigs = this.fns.map(sigOf);
    const typeBody = [...uleb(sigs.length)];
    for (const key of sigs) {
      const [p, r] = key.split("->").map((s) => (s === "" ? [] : s.split(",").map(Number)));
      typeBody.push(0x60, ...uleb(p.length), ...p, ...uleb(r.length), ...r);
    }
    const exported = this.fns.filter((f) => f.exported);
    const exportBody = [...uleb(exported.length + 1), ...name("mem"), 0x02, 0];
    for (const f of exported) exportBody.push(...name(f.name), 0x00, ...uleb(f.index));
    return Uint8Array.from([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      ...section(1, typeBody),
      ...section(3, [...uleb(this.fns.length), ...fnSigs.flatMap((s) => uleb(s))]),
      ...section(5, [...uleb(1), 0x00, ...uleb(memoryPages)]),
      ...section(7, exportBody),
      ...section(10, [...uleb(this.fns.length), ...this.fns.flatMap((f) => f.body())]),
    ]);
  }
}
