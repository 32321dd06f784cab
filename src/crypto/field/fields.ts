/**
 * The two binary fields of Smart Energy CBKE (SEC 2 v2 3.2.1 / 3.4.1 reduction polynomials):
 * GF(2^163) with f = z^163 + z^7 + z^6 + z^3 + 1 and GF(2^283) with f = z^283 + z^12 + z^7 + z^5 + 1.
 */
import { BinaryField } from "./binary-field.js";
import { genericKernels } from "./generic-kernels.js";

export const GF163: BinaryField = new BinaryField({
  m: 163,
  lower: [7, 6, 3, 0],
  kernels: genericKernels(163, [7, 6, 3, 0]),
});

export const GF283: BinaryField = new BinaryField({
  m: 283,
  lower: [12, 7, 5, 0],
  kernels: genericKernels(283, [12, 7, 5, 0]),
});
