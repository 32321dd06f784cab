/** zigbee-se: the public library API. */
export { aesMmo, AesMmo } from "./crypto/aes-mmo.js";
export { hmacAesMmo, keyTransportKey, keyLoadKey } from "./crypto/hmac.js";
export { cbkeKdf } from "./crypto/kdf.js";
export {
  crc16X25,
  crcBytes,
  checkInstallCode,
  makeInstallCode,
  parseInstallCode,
  installCodeLinkKey,
  INSTALL_CODE_SIZES,
  type InstallCode,
  type InstallCodeSize,
  type ParseInstallCodeOptions,
} from "./se/install-code.js";
export { ZseError, isZseError, type ZseErrorCode } from "./util/errors.js";
export { fromHex, toHex } from "./util/bytes.js";
