/**
 * The WebAssembly kernels (scripts/gen-wasm-field.ts → src/crypto/generated/gf-wasm.ts) of
 * GF(2^163) and GF(2^283) (SEC 2 v2 3.2.1 / 3.4.1): product and square against a BigInt
 * shift-and-xor reference written here, the mixed López-Dahab addition against the TypeScript
 * one (Guide to ECC 3.2.3) including the P = +-Q refusal, and the scalar multiplications that run
 * in the module (secret k·G and k·P, public k·G, k·P and k·P + l·Q + R) against a child process
 * running without WebAssembly (ZSE_NO_WASM=1), k·G also against OpenSSL (node:crypto ECDH).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createECDH } from "node:crypto";
import { describe, it } from "node:test";
import type { AffinePoint, KoblitzCurveImpl } from "../../src/crypto/curve/koblitz.js";
import type { CurvePoint } from "../../src/crypto/curves.js";
import { prepareCurve, sect163k1, sect283k1 } from "../../src/crypto/curves.js";
import { fieldStats } from "../../src/crypto/field/stats.js";
import { wasmField } from "../../src/crypto/field/wasm-kernels.js";
import { toHex } from "../../src/util/bytes.js";
import { SeededRng } from "../../src/util/rng.js";
import fc from "../support/fast-check.js";

/** The affine coordinates of a finite point. */
function xy(p: CurvePoint): { x: Uint32Array; y: Uint32Array } {
  const a = p as AffinePoint;
  return { x: a.x!, y: a.y! };
}

function refMul(a: bigint, b: bigint, m: number, f: bigint): bigint {
  let p = 0n;
  for (let i = 0; b >> BigInt(i) !== 0n; i++) if ((b >> BigInt(i)) & 1n) p ^= a << BigInt(i);
  for (let i = 2 * m; i >= m; i--) if ((p >> BigInt(i)) & 1n) p ^= f << BigInt(i - m);
  return p;
}

const CASES = [
  { c: sect163k1 as KoblitzCurveImpl, f: (1n << 163n) | 0xc9n },
  { c: sect283k1 as KoblitzCurveImpl, f: (1n << 283n) | 0x10a1n },
];

for (const { c, f } of CASES) {
  const F = c.F;
  const m = F.m as 163 | 283;
  const w = wasmField(m);

  // With ZSE_NO_WASM set the module is off on purpose: everything else runs on the TypeScript paths.
  const skip = process.env.ZSE_NO_WASM ? "ZSE_NO_WASM is set" : false;
  describe(`WebAssembly kernels of GF(2^${m})`, { skip }, () => {
    it("are available on Node 20", () => {
      assert.notEqual(w, null);
    });

    it("multiply and square match the BigInt reference (random and edge values, aliasing)", () => {
      const k = w!;
      const elem = fc.bigInt({ min: 0n, max: (1n << BigInt(m)) - 1n });
      const ones = (1n << BigInt(m)) - 1n;
      const edges = [0n, 1n, ones, 1n << BigInt(m - 1), ones >> 1n];
      const check = (a: bigint, b: bigint) => {
        const r = F.zero();
        k.mul(r, F.fromBigInt(a), F.fromBigInt(b));
        assert.equal(F.toBigInt(r), refMul(a, b, m, f));
        const s = F.fromBigInt(a);
        k.sqr(s, s);
        assert.equal(F.toBigInt(s), refMul(a, a, m, f));
        const al = F.fromBigInt(a);
        k.mul(al, al, F.fromBigInt(b));
        assert.equal(F.toBigInt(al), refMul(a, b, m, f));
      };
      for (const a of edges) for (const b of edges) check(a, b);
      fc.assert(fc.property(elem, elem, check), { numRuns: 300, seed: 0x3a5 });
    });

    it("inversion agrees with the TypeScript one (a·a^-1 = 1) and maps 0 to 0", () => {
      const k = w!;
      const rng = new SeededRng(0x1e + m);
      for (let i = 0; i < 30; i++) {
        const a = F.fromBigInt(c.randomScalar(rng) & ((1n << BigInt(m)) - 1n));
        const ours = F.zero();
        const js = F.zero();
        k.inv(ours, a);
        F.inv(js, a);
        assert.deepEqual(ours, js);
        const one = F.zero();
        F.mul(one, ours, a);
        assert.equal(F.toBigInt(one), 1n);
      }
      const z = F.one();
      k.inv(z, F.zero());
      assert.equal(F.toBigInt(z), 0n);
    });

    it("batched secret k·G runs the same operation sequence for any scalars of a batch size", () => {
      const rng = new SeededRng(0xba + m);
      const seqs = new Set<string>();
      prepareCurve(c); // the tables of G are built outside the counted runs
      for (const ks of [
        Array.from({ length: 8 }, () => c.randomScalar(rng)),
        Array.from({ length: 8 }, () => c.randomScalar(rng)),
        [1n, 2n, 3n, 4n, 5n, c.n - 1n, c.n - 2n, c.n - 3n],
      ]) {
        fieldStats.reset();
        fieldStats.enabled = true;
        try {
          c.mulBaseBatch(ks, { secret: true });
        } finally {
          fieldStats.enabled = false;
        }
        assert.ok(fieldStats.mul > 8 * 20);
        seqs.add(`${fieldStats.mul}/${fieldStats.sqr}/${fieldStats.inv}/${fieldStats.sequence}`);
      }
      assert.equal(seqs.size, 1, [...seqs].join(" "));
    });

    it("mixed LD addition agrees with the TypeScript one, and refuses P = +-Q leaving P unchanged", () => {
      const k = w!;
      const rng = new SeededRng(m);
      for (let i = 0; i < 40; i++) {
        const { x, y } = xy(c.mulBase(c.randomScalar(rng)));
        const Q = xy(c.mulBase(c.randomScalar(rng)));
        // A projective P with Z != 1: doubling an affine point.
        const js = c.ld.newPoint();
        c.ld.setAffine(js, x, y);
        c.ld.double(js);
        const ws = { X: Uint32Array.from(js.X), Y: Uint32Array.from(js.Y), Z: Uint32Array.from(js.Z) };
        c.ld.addMixed(js, Q.x, Q.y);
        assert.equal(k.addMixed(ws, Q.x, Q.y), true);
        assert.deepEqual([ws.X, ws.Y, ws.Z], [js.X, js.Y, js.Z]);
      }
      const P = xy(c.mulBase(c.randomScalar(rng)));
      const negY = F.zero();
      F.add(negY, P.x, P.y);
      for (const y of [P.y, negY]) {
        const p = { X: Uint32Array.from(P.x), Y: Uint32Array.from(P.y), Z: F.one() };
        const before = [Uint32Array.from(p.X), Uint32Array.from(p.Y), Uint32Array.from(p.Z)];
        assert.equal(k.addMixed(p, P.x, y), false);
        assert.deepEqual([p.X, p.Y, p.Z], before);
      }
    });

    it("secret and public k·G, k·P and k·P + l·Q + R agree with the TypeScript paths (child process, ZSE_NO_WASM=1), k·G with OpenSSL", () => {
      const rng = new SeededRng(0x6b + m);
      const ks = [1n, 2n, 3n, c.n - 1n, c.n - 2n, ...Array.from({ length: 12 }, () => c.randomScalar(rng))];
      const p = c.encodePoint(c.mulBase(c.randomScalar(rng)));
      const P = c.decodePoint(p);
      const q = c.encodePoint(c.mulBase(c.randomScalar(rng)));
      const Q = c.decodePoint(q);
      const enc = (x: CurvePoint) => toHex(c.encodePoint(x));
      const ours = ks.map((k) => enc(c.mulBase(k, { secret: true })));
      const oursP = ks.map((k) => enc(c.mul(P, k, { secret: true })));
      const oursPub = ks.map((k) => [
        enc(c.mulBase(k)),
        enc(c.mul(P, k)),
        enc(c.mulAdd({ p: P, k, q: Q, l: k ^ 0x5an, r: P })),
      ]);
      const script = [
        `import { ${c.name} as c } from "./src/crypto/curves.ts";`,
        `import { fromHex, toHex } from "./src/util/bytes.ts";`,
        `const ks = ${JSON.stringify(ks.map(String))}.map(BigInt);`,
        `const P = c.decodePoint(fromHex("${toHex(p)}"));`,
        `const Q = c.decodePoint(fromHex("${toHex(q)}"));`,
        "const enc = (x) => toHex(c.encodePoint(x));",
        "const g = ks.map((k) => enc(c.mulBase(k, { secret: true })));",
        "const v = ks.map((k) => enc(c.mul(P, k, { secret: true })));",
        "const pub = ks.map((k) => [enc(c.mulBase(k)), enc(c.mul(P, k)), enc(c.mulAdd({ p: P, k, q: Q, l: k ^ 0x5an, r: P }))]);",
        "console.log(JSON.stringify([g, v, pub]));",
      ].join("\n");
      const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        env: { ...process.env, ZSE_NO_WASM: "1" },
        encoding: "utf8",
      });
      assert.deepEqual(JSON.parse(out), [ours, oursP, oursPub]);
      for (const [i, k] of ks.entries()) {
        const e = createECDH(c.name);
        e.setPrivateKey(Buffer.from(k.toString(16).padStart(2 * c.scalarBytes, "0"), "hex"));
        assert.equal(e.getPublicKey("hex", "compressed"), ours[i]);
      }
    });
  });
}
