/**
 * The two binary fields of Smart Energy CBKE (SEC 2 v2 3.2.1 / 3.4.1 reduction polynomials):
 * GF(2^163) with f = z^163 + z^7 + z^6 + z^3 + 1 and GF(2^283) with f = z^283 + z^12 + z^7 + z^5 + 1,
 * on the generated kernels: the WebAssembly multiplier (scripts/gen-wasm-field.ts) where WebAssembly
 * is available, else the unrolled TypeScript one, and the TypeScript squarer (scripts/gen-field.ts).
 */
import { gf163Kernels } from "../generated/gf163.js";
import { gf283Kernels } from "../generated/gf283.js";
import { BinaryField, type FieldKernels } from "./binary-field.js";
import { wasmField } from "./wasm-kernels.js";

/** The WebAssembly multiplier (src/crypto/field/wasm-kernels.ts) where available, else the TypeScript one. */
function kernels(m: 163 | 283, js: FieldKernels): FieldKernels {
  const w = wasmField(m);
  return w === null ? js : { mul: w.mul, sqr: js.sqr };
}

export const GF163: BinaryField = new BinaryField({
  m: 163,
  lower: [7, 6, 3, 0],
  kernels: kernels(163, gf163Kernels()),
});

export const GF283: BinaryField = new BinaryField({
  m: 283,
  lower: [12, 7, 5, 0],
  kernels: kernels(283, gf283Kernels()),
});
