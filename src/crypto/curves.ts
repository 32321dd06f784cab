/**
 * The two Smart Energy curves (SE 07-5356 C.4.1: CBKE suite 1 = sect163k1, suite 2 =
 * sect283k1) with their SEC 2 v2 parameters (3.2.1 and 3.4.1), behind the `KoblitzCurve`
 * contract of src/crypto/curve/types.ts.
 */
import { ZseError } from "../util/errors.js";
import { KoblitzCurveImpl } from "./curve/koblitz.js";
import type { KoblitzCurve } from "./curve/types.js";
import { GF163, GF283 } from "./field/fields.js";

export type { CurvePoint, DecodePointOptions, KoblitzCurve, MulAddInput, MulOptions } from "./curve/types.js";

/** sect163k1: y^2 + xy = x^3 + x^2 + 1 over GF(2^163), f = z^163 + z^7 + z^6 + z^3 + 1, h = 2. */
export const sect163k1: KoblitzCurve = new KoblitzCurveImpl({
  name: "sect163k1",
  field: GF163,
  a: 1,
  n: 0x04000000000000000000020108a2e0cc0d99f8a5efn,
  cofactor: 2n,
  w: 5,
  wG: 8,
  gx: 0x02fe13c0537bbc11acaa07d793de4e6d5e5c94eee8n,
  gy: 0x0289070fb05d38ff58321f2e800536d538ccdaa3d9n,
});

/** sect283k1: y^2 + xy = x^3 + 1 over GF(2^283), f = z^283 + z^12 + z^7 + z^5 + 1, h = 4. */
export const sect283k1: KoblitzCurve = new KoblitzCurveImpl({
  name: "sect283k1",
  field: GF283,
  a: 0,
  n: 0x01ffffffffffffffffffffffffffffffffffe9ae2ed07577265dff7f94451e061e163c61n,
  cofactor: 4n,
  w: 5,
  wG: 8,
  gx: 0x0503213f78ca44883f1a3b8162f188e553cd265f23c1567a16876913b0c2ac2458492836n,
  gy: 0x01ccda380f1c9e318d90f95d07e5426fe87e45c0e8184698e45962364e34116177dd2259n,
});

/**
 * Builds a curve's lazily built tables now (wide table of G, field tables), e.g. at the start of
 * a server or a benchmark; otherwise they are built after a few uses.
 */
export function prepareCurve(c: KoblitzCurve): void {
  (c as KoblitzCurveImpl).prepare();
}

/** The curve of a CBKE suite: 1 -> sect163k1, 2 -> sect283k1. */
export function curveForSuite(suite: 1 | 2): KoblitzCurve {
  if (suite === 1) return sect163k1;
  if (suite === 2) return sect283k1;
  throw new ZseError("BAD_VALUE", `suite: ${String(suite)} is not a CBKE suite (expected 1 or 2)`);
}
