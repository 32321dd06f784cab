/**
 * AES-128 single-block encryption, from node:crypto (OpenSSL). The only block cipher use in
 * zigbee-se: AES-MMO (a fresh key every block) and AES-CCM* (see net/ccm.ts).
 */
import { createCipheriv } from "node:crypto";

/** E(key, block): 16-byte key, 16-byte block -> 16 bytes. */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv("aes-128-ecb", key, null);
  c.setAutoPadding(false);
  const out = c.update(block);
  return new Uint8Array(out.buffer, out.byteOffset, 16);
}
