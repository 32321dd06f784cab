/** zigbee-se: the public library API. */
export { AesMmo, aesMmo } from "./crypto/aes-mmo.js";
export { hmacAesMmo, keyLoadKey, keyTransportKey } from "./crypto/hmac.js";
export { cbkeKdf } from "./crypto/kdf.js";
export {
  checkInstallCode,
  crc16X25,
  crcBytes,
  INSTALL_CODE_SIZES,
  type InstallCode,
  type InstallCodeSize,
  installCodeLinkKey,
  makeInstallCode,
  type ParseInstallCodeOptions,
  parseInstallCode,
} from "./se/install-code.js";
export { fromHex, toHex } from "./util/bytes.js";
export { isZseError, ZseError, type ZseErrorCode } from "./util/errors.js";
