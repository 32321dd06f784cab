/**
 * The two binary fields of Smart Energy CBKE (SEC 2 v2 3.2.1 / 3.4.1 reduction polynomials):
 * GF(2^163) with f = z^163 + z^7 + z^6 + z^3 + 1 and GF(2^283) with f = z^283 + z^12 + z^7 + z^5 + 1,
 * on the generated unrolled kernels (src/crypto/generated/, from scripts/gen-field.ts).
 */
import { gf163Kernels } from "../generated/gf163.js";
import { gf283Kernels } from "../generated/gf283.js";
import { BinaryField } from "./binary-field.js";

export const GF163: BinaryField = new BinaryField({ m: 163, lower: [7, 6, 3, 0], kernels: gf163Kernels() });

export const GF283: BinaryField = new BinaryField({ m: 283, lower: [12, 7, 5, 0], kernels: gf283Kernels() });
