/**
 * fast-check as every property test here uses it. Left to itself, fast-check 4 generates
 * arrays and strings of at most about 10 elements (its "small" size) whatever `maxLength` says:
 * `fc.uint8Array({ maxLength: 300 })` never crossed a 16-byte AES block, a frame payload never
 * passed 10 bytes. Here an explicit `maxLength` is the length generated up to.
 */
import fc from "fast-check";

fc.configureGlobal({ ...fc.readConfigureGlobal(), defaultSizeToMaxWhenMaxSpecified: true });

export default fc;
