/**
 * Identifiers of the Smart Energy profile and the clusters zigbee-se speaks (SE 07-5356
 * 5.2 and Annex C.3.1 / C.3.2; ZCL 07-5123 2.5 foundation command ids), with the attributes
 * of the Key Establishment and Trust Center Keep-Alive clusters and their ranges.
 */
import { ZclDataType } from "./data-types.js";

/** Smart Energy application profile id. */
export const PROFILE_SE = 0x0109;
/** Key Establishment cluster (SE 07-5356 C.3.1). */
export const CLUSTER_KEY_ESTABLISHMENT = 0x0800;
/** Trust Center Keep-Alive cluster (SE 07-5356 A.3.5 / D.7). */
export const CLUSTER_KEEP_ALIVE = 0x0025;
/** Default CBKE endpoint (seed: ZB_ENDPOINT_CBKE_DEFAULT). */
export const ENDPOINT_CBKE_DEFAULT = 240;

/** ZCL foundation (global) command ids (ZCL 07-5123 2.5, Table 2-3). */
export const GlobalCommand = {
  READ_ATTRIBUTES: 0x00,
  READ_ATTRIBUTES_RESPONSE: 0x01,
  WRITE_ATTRIBUTES: 0x02,
  WRITE_ATTRIBUTES_UNDIVIDED: 0x03,
  WRITE_ATTRIBUTES_RESPONSE: 0x04,
  WRITE_ATTRIBUTES_NO_RESPONSE: 0x05,
  DEFAULT_RESPONSE: 0x0b,
} as const;

/**
 * KeyEstablishmentSuite attribute (SE 07-5356 C.3.1.2.2.1): on client and server, a 16-bit
 * enumeration (ZBOSS and the spec table say enum16) used as a bit mask of supported suites.
 */
export const KE_ATTR_SUITE = 0x0000;
export const KE_ATTR_SUITE_TYPE = ZclDataType.ENUM16;
/** Suite bits of KeyEstablishmentSuite (SE 07-5356 C.3.1.2.2.1). */
export const KE_SUITE_BIT_1 = 0x0001;
export const KE_SUITE_BIT_2 = 0x0002;

/** TC Keep-Alive Base (server attribute, SE 07-5356 A.3.5.2.1): uint8 minutes, 1..255. */
export const KEEPALIVE_ATTR_BASE = 0x0000;
export const KEEPALIVE_ATTR_BASE_TYPE = ZclDataType.UINT8;
export const KEEPALIVE_BASE_MIN = 1;
export const KEEPALIVE_BASE_MAX = 255;
export const KEEPALIVE_BASE_DEFAULT = 10;

/** TC Keep-Alive Jitter (server attribute, SE 07-5356 A.3.5.2.2): uint16 seconds, 0..512. */
export const KEEPALIVE_ATTR_JITTER = 0x0001;
export const KEEPALIVE_ATTR_JITTER_TYPE = ZclDataType.UINT16;
export const KEEPALIVE_JITTER_MIN = 0;
export const KEEPALIVE_JITTER_MAX = 512;
export const KEEPALIVE_JITTER_DEFAULT = 300;
