/**
 * AES-CCM* (Zigbee 05-3474 A.2, IEEE 802.15.4-2006 B.4.1; CCM of RFC 3610 for the encrypting
 * levels) checked against RFC 3610's published packet vector and against OpenSSL's own
 * aes-128-ccm (node:crypto), an independent implementation, for Zigbee's MIC-32.
 */
import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { describe, it } from "node:test";
import { aesKeyed } from "../../src/crypto/aes-ecb.js";
import {
  ccmStarDecrypt,
  ccmStarEncrypt,
  ccmStarOpenRange,
  ccmStarSealInPlace,
  ccmStarSealRange,
} from "../../src/net/frames/ccm.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import fc from "../support/fast-check.js";

function openssl(o: {
  key: Uint8Array;
  nonce: Uint8Array;
  aad: Uint8Array;
  plaintext: Uint8Array;
  m: number;
}) {
  const c = createCipheriv("aes-128-ccm", o.key, o.nonce, { authTagLength: o.m });
  c.setAAD(o.aad, { plaintextLength: o.plaintext.length });
  const body = c.update(o.plaintext);
  c.final();
  return toHex(body) + toHex(c.getAuthTag());
}

describe("CCM* (05-3474 A.2, RFC 3610)", () => {
  // RFC 3610 section 8, Packet Vector #1: M = 8, L = 2, 8-byte header as a, 23-byte message
  const key = fromHex("C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF");
  const nonce = fromHex("00000003020100A0A1A2A3A4A5");
  const aad = fromHex("0001020304050607");
  const plaintext = fromHex("08090A0B0C0D0E0F101112131415161718191A1B1C1D1E");
  const expected = "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0";

  it("RFC 3610 packet vector #1 (M = 8): encrypts and decrypts", () => {
    assert.equal(toHex(ccmStarEncrypt({ key, nonce, aad, plaintext, micLength: 8 })), expected);
    const plain = ccmStarDecrypt({ key, nonce, aad, sealed: fromHex(expected), micLength: 8 });
    assert.equal(plain && toHex(plain), toHex(plaintext));
  });

  it("RFC 3610 packet vector #1: a changed byte of a, the ciphertext or the MIC fails", () => {
    for (const where of ["aad", "body", "mic"] as const) {
      const sealed = fromHex(expected);
      const a = Uint8Array.from(aad);
      if (where === "aad") a[3] ^= 1;
      if (where === "body") sealed[5] ^= 0x80;
      if (where === "mic") sealed[sealed.length - 1] ^= 1;
      assert.equal(ccmStarDecrypt({ key, nonce, aad: a, sealed, micLength: 8 }), undefined, where);
    }
  });

  it("matches OpenSSL aes-128-ccm for MIC-32, 64 and 128 (property, interleaved keys)", () => {
    const keys = [fromHex("000102030405060708090a0b0c0d0e0f"), fromHex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf")];
    fc.assert(
      fc.property(
        fc.nat(1),
        fc.uint8Array({ minLength: 13, maxLength: 13 }),
        fc.uint8Array({ maxLength: 70 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.constantFrom(4 as const, 8 as const, 16 as const),
        (k, n, a, p, m) => {
          const sealed = ccmStarEncrypt({ key: keys[k], nonce: n, aad: a, plaintext: p, micLength: m });
          assert.equal(toHex(sealed), openssl({ key: keys[k], nonce: n, aad: a, plaintext: p, m }));
          const back = ccmStarDecrypt({ key: keys[k], nonce: n, aad: a, sealed, micLength: m });
          assert.equal(back && toHex(back), toHex(p));
          const other = ccmStarDecrypt({ key: keys[1 - k], nonce: n, aad: a, sealed, micLength: m });
          assert.equal(other, undefined);
        },
      ),
      { numRuns: 300, seed: 3474 },
    );
  });

  it("seals in place (a range of one buffer, or a separate data array) as OpenSSL does (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 13, maxLength: 13 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 90 }),
        fc.nat(5),
        (n, a, p, lead) => {
          const want = openssl({ key, nonce: n, aad: a, plaintext: p, m: 4 });
          const buf = new Uint8Array(lead + a.length + p.length + 3);
          buf.set(a, lead);
          buf.set(p, lead + a.length);
          const mic = ccmStarSealRange({
            key,
            nonce: n,
            buf,
            aadStart: lead,
            dataStart: lead + a.length,
            dataEnd: lead + a.length + p.length,
          });
          assert.equal(toHex(buf.subarray(lead + a.length, lead + a.length + p.length)) + toHex(mic), want);
          assert.equal(toHex(buf.subarray(lead, lead + a.length)), toHex(a), "a is left as it was");
          const d = Uint8Array.from(p);
          const mic2 = ccmStarSealInPlace({ key, nonce: n, aad: a, data: d });
          assert.equal(toHex(d) + toHex(mic2), want);
        },
      ),
      { numRuns: 200, seed: 4474 },
    );
    assert.throws(
      () => ccmStarSealRange({ key, nonce, buf: new Uint8Array(8), aadStart: 4, dataStart: 2, dataEnd: 8 }),
      /CCM\* ranges/,
    );
  });

  it("opens a sealed layer in place, with the byte a receiver puts back (05-3474 4.3.1.2 step 3)", () => {
    const a = fromHex("0802fcff0000011e2d01020304");
    const p = fromHex("400a0008090a0b0c0d0e0f10111213");
    // sealed by OpenSSL with the real level 5 in the security control (a[8] = 0x2d)
    const sealed = fromHex(openssl({ key, nonce, aad: a, plaintext: p, m: 4 }));
    const frame = new Uint8Array(a.length + sealed.length);
    frame.set(a);
    frame.set(sealed, a.length);
    frame[8] &= ~7; // on air the level is 0
    const open = (patch?: { at: number; value: number }) =>
      ccmStarOpenRange({
        key,
        nonce,
        buf: frame,
        aadStart: 0,
        dataStart: a.length,
        end: frame.length,
        patch,
      });
    assert.equal(open({ at: 8, value: 0x2d }) && toHex(open({ at: 8, value: 0x2d }) as Uint8Array), toHex(p));
    assert.equal(open(), undefined, "without the level put back the MIC fails");
    assert.equal(
      toHex(frame.subarray(0, a.length)),
      toHex(Uint8Array.from(a, (x, i) => (i === 8 ? x & ~7 : x))),
    );
    frame[frame.length - 1] ^= 1;
    assert.equal(open({ at: 8, value: 0x2d }), undefined, "a changed MIC fails");
    assert.throws(() => open({ at: a.length, value: 0 }), /patched byte/);
    assert.throws(
      () =>
        ccmStarOpenRange({
          key,
          nonce,
          buf: frame,
          aadStart: 0,
          dataStart: frame.length - 3,
          end: frame.length,
        }),
      /shorter than the 4-byte MIC/,
    );
  });

  it("uses the key's current bytes when a key array is overwritten in place", () => {
    const k = Uint8Array.from(key);
    const before = ccmStarEncrypt({ key: k, nonce, aad, plaintext });
    k[0] ^= 0xff;
    const after = ccmStarEncrypt({ key: k, nonce, aad, plaintext });
    assert.notEqual(toHex(after), toHex(before));
    assert.equal(toHex(after), openssl({ key: k, nonce, aad, plaintext, m: 4 }));
  });

  it("refuses a short key or nonce, a sealed payload shorter than its MIC, a bad MIC length", () => {
    assert.throws(() => ccmStarEncrypt({ key: key.subarray(1), nonce, aad, plaintext }), /CCM\* key/);
    assert.throws(() => ccmStarEncrypt({ key, nonce: nonce.subarray(1), aad, plaintext }), /CCM\* nonce/);
    assert.throws(
      () => ccmStarDecrypt({ key, nonce, aad, sealed: new Uint8Array(3) }),
      /shorter than the 4-byte MIC/,
    );
    assert.throws(() => ccmStarEncrypt({ key, nonce, aad, plaintext, micLength: 6 as 4 }), /MIC length: 6/);
  });
});

describe("keyed AES-128 (FIPS-197 C.1)", () => {
  it("encrypts the FIPS-197 C.1 block, several blocks in one call", () => {
    const k = fromHex("000102030405060708090a0b0c0d0e0f");
    const pt = fromHex("00112233445566778899aabbccddeeff");
    const two = new Uint8Array(32);
    two.set(pt);
    two.set(pt, 16);
    const out = toHex(aesKeyed(k).encryptBlocks(two));
    assert.equal(out, "69c4e0d86a7b0430d8cdb78070b4c55a".repeat(2));
    assert.throws(() => aesKeyed(k).encryptBlocks(new Uint8Array(15)), /multiple of 16/);
  });
});
