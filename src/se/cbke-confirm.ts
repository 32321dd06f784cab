/**
 * CBKE key derivation and key confirmation (SE spec 07-5356 C.4.2.2.6 - C.4.2.2.7):
 * MacKey || KeyData from Z through the AES-MMO KDF (crypto/kdf.ts), then
 *   MACU = HMAC(MacKey, 0x02 || ID_U || ID_V || Q_EU || Q_EV)   (sent by the initiator U)
 *   MACV = HMAC(MacKey, 0x03 || ID_V || ID_U || Q_EV || Q_EU)   (sent by the responder V)
 * with ID = the EUI-64 as in the certificate subject (8 bytes, big-endian) and Q_E the
 * compressed ephemeral public keys.
 */

import { hmacAesMmoKeyed } from "../crypto/hmac.js";
import { cbkeKdf } from "../crypto/kdf.js";
import { abytes, concat } from "../util/bytes.js";

export interface KeyConfirmationInput {
  /** ID_U, the initiator's EUI-64 (8 bytes, big-endian). */
  idU: Uint8Array;
  /** ID_V, the responder's EUI-64. */
  idV: Uint8Array;
  /** Q_EU, the initiator's compressed ephemeral public key. */
  qEU: Uint8Array;
  /** Q_EV, the responder's compressed ephemeral public key. */
  qEV: Uint8Array;
}

/** The message MACU is computed over: 0x02 || ID_U || ID_V || Q_EU || Q_EV. */
export function macUMessage(input: KeyConfirmationInput): Uint8Array {
  return concat(Uint8Array.of(0x02), ids(input).idU, input.idV, input.qEU, input.qEV);
}

/** The message MACV is computed over: 0x03 || ID_V || ID_U || Q_EV || Q_EU. */
export function macVMessage(input: KeyConfirmationInput): Uint8Array {
  return concat(Uint8Array.of(0x03), ids(input).idV, input.idU, input.qEV, input.qEU);
}

export interface KeyConfirmation {
  macKey: Uint8Array;
  /** The new link key. */
  keyData: Uint8Array;
  macU: Uint8Array;
  macV: Uint8Array;
}

/** From Z: MacKey and KeyData (KDF), then MACU and MACV. */
export function keyConfirmation(z: Uint8Array, input: KeyConfirmationInput): KeyConfirmation {
  abytes(z, [21, 36], "shared secret Z");
  const { macKey, keyData } = cbkeKdf(z);
  const mac = hmacAesMmoKeyed(macKey);
  return { macKey, keyData, macU: mac(macUMessage(input)), macV: mac(macVMessage(input)) };
}

function ids(input: KeyConfirmationInput): KeyConfirmationInput {
  abytes(input.idU, 8, "ID_U (initiator EUI-64)");
  abytes(input.idV, 8, "ID_V (responder EUI-64)");
  abytes(input.qEU, [22, 37], "Q_EU (initiator ephemeral public key)");
  abytes(input.qEV, input.qEU.length, "Q_EV (responder ephemeral public key)");
  return input;
}
