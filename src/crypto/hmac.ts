/**
 * Keyed-hash MAC over AES-MMO (Zigbee 05-3474 B.1.4 / C.6) and the keyed-hash key
 * derivations of B.1.4 / 4.5.3: key-transport key = HMAC(K, 0x00), key-load key = HMAC(K, 0x02).
 *
 * MAC_K(M) = H((K xor opad) || H((K xor ipad) || M)), ipad = 0x36.., opad = 0x5c.., 16-byte block.
 */
import { abytes } from "../util/bytes.js";
import { type AesMmo, aesMmo } from "./aes-mmo.js";

/** HMAC-AES-MMO with a 16-byte key. */
export function hmacAesMmo(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmacAesMmoKeyed(key)(message);
}

/**
 * HMAC-AES-MMO with the keyed inner and outer states (after K xor ipad, K xor opad: one block
 * each) computed once, for several messages under one key (CBKE's MACU and MACV).
 */
export function hmacAesMmoKeyed(key: Uint8Array): (message: Uint8Array) => Uint8Array {
  abytes(key, 16, "HMAC key");
  const pad = new Uint8Array(16);
  for (let i = 0; i < 16; i++) pad[i] = key[i] ^ 0x36;
  const inner: AesMmo = aesMmo.create().update(pad).keep();
  for (let i = 0; i < 16; i++) pad[i] = key[i] ^ 0x5c;
  const outer: AesMmo = aesMmo.create().update(pad).keep();
  pad.fill(0);
  return (message) => outer.clone().update(inner.clone().update(message).digest()).digest();
}

/** Key-transport key (05-3474 4.5.3): HMAC(K, 0x00). Protects Transport Key commands. */
export function keyTransportKey(linkKey: Uint8Array): Uint8Array {
  return hmacAesMmo(linkKey, Uint8Array.of(0x00));
}

/** Key-load key (05-3474 4.5.3): HMAC(K, 0x02). Protects loading a link key to a device. */
export function keyLoadKey(linkKey: Uint8Array): Uint8Array {
  return hmacAesMmo(linkKey, Uint8Array.of(0x02));
}
