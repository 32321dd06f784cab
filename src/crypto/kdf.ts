/**
 * The CBKE key derivation function (SE spec 07-5356 C.4.2.2.6 / SEC 1 3.6.1 with AES-MMO):
 * MacKey = H(Z || 00000001), KeyData = H(Z || 00000002), counters 32-bit big-endian.
 */
import { aesMmo } from "./aes-mmo.js";

const C1 = Uint8Array.of(0, 0, 0, 1);
const C2 = Uint8Array.of(0, 0, 0, 2);

/**
 * Derives the 16-byte MacKey and the 16-byte KeyData (the new link key) from Z. The two hashes
 * share Z's full blocks: hashed once, the state cloned.
 */
export function cbkeKdf(z: Uint8Array): { macKey: Uint8Array; keyData: Uint8Array } {
  const h = aesMmo.create().update(z);
  const macKey = h.clone().update(C1).digest();
  return { macKey, keyData: h.update(C2).digest() };
}
