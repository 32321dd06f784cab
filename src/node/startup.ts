/**
 * SE startup configuration in the shape of the seed's ZbStartupT / ZbStartupCbkeT, in
 * TypeScript idiom, with `seDefaults()` playing ZbStartupConfigGetProSeDefaults; and the BDB
 * attributes that steer key exchange after joining (Zigbee BDB 13-0402 5.3:
 * bdbTCLinkKeyExchangeMethod 0x100d, bdbTrustCenterRequiresKeyExchange 0x100f, and the
 * stack's KE status, the seed's ZB_BDB_KE_Status).
 */
import type { TcsoStatusName } from "../engine/keepalive-types.js";
import { ZseError } from "../util/errors.js";

/** Trust Center Swap-Out callback statuses by name (Exegin ZbTcsoStatusT; PROTOCOL.md). */
export type { TcsoStatusName };

/** Certificate and keys of one CBKE suite (ZbZclCbkeInfoT / ZbZclCbke2InfoT). */
export interface CbkeSuiteInfo {
  /** 48 bytes (suite 1) or 74 bytes (suite 2). */
  certificate: Uint8Array;
  /** The CA's compressed public key, 22 or 37 bytes. */
  caPublicKey: Uint8Array;
  /** The device's static private key, 21 or 36 bytes (a secret). */
  privateKey: Uint8Array;
}

/** ZbStartupCbkeT: only applicable when suiteMask is non-zero. */
export interface CbkeStartupConfig {
  /** Endpoint of the Key Establishment cluster (default 240, ZB_ENDPOINT_CBKE_DEFAULT). */
  endpoint: number;
  /** Device id of that endpoint (default 0x0501, metering device). */
  deviceId: number;
  /** KeyEstablishmentSuite bits: 0x0001 suite 1 (CBKE-ECMQV), 0x0002 suite 2 (CBKE2-ECMQV). */
  suiteMask: number;
  suite1?: CbkeSuiteInfo;
  suite2?: CbkeSuiteInfo;
  /** True on the Trust Center (Keep-Alive server), false on joiners (client). */
  tcKeepAliveServer: boolean;
  /** Keep-Alive Base in minutes; 0 = the stack default (10). */
  tcKeepAliveBase: number;
  /** Keep-Alive Jitter in seconds; 0 = the stack default (300). */
  tcKeepAliveJitter: number;
  /** Told about Trust Center Swap-Out; returning false at DISCOVERY_UNDERWAY halts TCSO. */
  tcsoCallback?: (status: TcsoStatusName) => boolean;
}

/** ZbStartupT, the parts this project uses. */
export interface SeStartupConfig {
  /** security.preconfiguredLinkKey: the install-code link key (16 bytes, a secret). */
  preconfiguredLinkKey?: Uint8Array;
  cbke: CbkeStartupConfig;
}

export const ZB_ENDPOINT_CBKE_DEFAULT = 240;
export const ZCL_DEVICE_METER = 0x0501;
export const ZCL_DEVICE_IN_PREMISE_DISPLAY = 0x0507;
export const ZCL_KEY_SUITE_CBKE_ECMQV = 0x0001;
export const ZCL_KEY_SUITE_CBKE2_ECMQV = 0x0002;

/** ZbStartupConfigGetProSeDefaults: a joiner's SE defaults (no certificates yet). */
export function seDefaults(): SeStartupConfig {
  return {
    cbke: {
      endpoint: ZB_ENDPOINT_CBKE_DEFAULT,
      deviceId: ZCL_DEVICE_METER,
      suiteMask: 0,
      tcKeepAliveServer: false,
      tcKeepAliveBase: 0,
      tcKeepAliveJitter: 0,
    },
  };
}

/** Checks a configuration's shapes; BAD_VALUE / BAD_LENGTH naming the field. */
export function checkStartupConfig(c: SeStartupConfig): void {
  const k = c.cbke;
  if (!Number.isInteger(k.endpoint) || k.endpoint < 1 || k.endpoint > 240)
    throw new ZseError("BAD_VALUE", `cbke.endpoint: ${k.endpoint} is not 1..240`);
  if ((k.suiteMask & ~3) !== 0)
    throw new ZseError("BAD_VALUE", `cbke.suiteMask: 0x${k.suiteMask.toString(16)} has unknown bits`);
  const sizes = { suite1: [48, 22, 21], suite2: [74, 37, 36] } as const;
  for (const [name, bit] of [
    ["suite1", 1],
    ["suite2", 2],
  ] as const) {
    const info = k[name];
    if (!(k.suiteMask & bit)) continue;
    if (!info)
      throw new ZseError(
        "BAD_VALUE",
        `cbke.${name}: suiteMask has bit 0x000${bit} but no certificate and keys`,
      );
    const [cert, pub, priv] = sizes[name];
    if (info.certificate.length !== cert)
      throw new ZseError(
        "BAD_LENGTH",
        `cbke.${name}.certificate: ${info.certificate.length} bytes, expected ${cert}`,
      );
    if (info.caPublicKey.length !== pub)
      throw new ZseError(
        "BAD_LENGTH",
        `cbke.${name}.caPublicKey: ${info.caPublicKey.length} bytes, expected ${pub}`,
      );
    if (info.privateKey.length !== priv)
      throw new ZseError(
        "BAD_LENGTH",
        `cbke.${name}.privateKey: ${info.privateKey.length} bytes, expected ${priv}`,
      );
  }
  if (c.preconfiguredLinkKey && c.preconfiguredLinkKey.length !== 16)
    throw new ZseError(
      "BAD_LENGTH",
      `preconfiguredLinkKey: ${c.preconfiguredLinkKey.length} bytes, expected 16`,
    );
  if (!Number.isInteger(k.tcKeepAliveBase) || k.tcKeepAliveBase < 0 || k.tcKeepAliveBase > 255)
    throw new ZseError("BAD_VALUE", `cbke.tcKeepAliveBase: ${k.tcKeepAliveBase} is not 0..255`);
  if (!Number.isInteger(k.tcKeepAliveJitter) || k.tcKeepAliveJitter < 0 || k.tcKeepAliveJitter > 512)
    throw new ZseError("BAD_VALUE", `cbke.tcKeepAliveJitter: ${k.tcKeepAliveJitter} is not 0..512`);
}

/** The BDB attributes a node exposes (get/set like ZbBdbGetIndex / ZbBdbSetIndex). */
export interface BdbAttributes {
  /** Outcome of the last key establishment: "SUCCESS", a Terminate status name or a local one. */
  keStatus: string;
  /** bdbTCLinkKeyExchangeMethod: 0 = APS Request Key, 1 = CBKE. */
  tcLinkKeyExchangeMethod: 0 | 1;
  /** bdbTrustCenterRequiresKeyExchange: 0 or 1. */
  trustCenterRequiresKeyExchange: 0 | 1;
}

/** An SE joiner's BDB defaults: CBKE, required (SE 07-5356 5.4.7). */
export function bdbDefaults(): BdbAttributes {
  return { keStatus: "NONE", tcLinkKeyExchangeMethod: 1, trustCenterRequiresKeyExchange: 1 };
}

/** Which key exchange runs with the TC after joining, from the two BDB attributes. */
export function tcKeyExchangeAfterJoin(b: BdbAttributes): "cbke" | "aps-request-key" | "none" {
  if (b.tcLinkKeyExchangeMethod === 0 && b.trustCenterRequiresKeyExchange === 0) return "none"; // DCA (seed 6.4)
  return b.tcLinkKeyExchangeMethod === 1 ? "cbke" : "aps-request-key";
}
