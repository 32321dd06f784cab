/**
 * APS command frames' payloads (05-3474 4.4.10 and Table 4.31): Transport Key (0x05, 4.4.10.1
 * with the key descriptors of 4.4.10.1.3), Update Device (0x06, 4.4.10.2), Remove Device
 * (0x07, 4.4.10.3), Request Key (0x08, 4.4.10.4), Switch Key (0x09, 4.4.10.5). Any other command
 * is kept as its id and raw payload. EUI-64s are big-endian here, little-endian on air.
 */
import { ZseError } from "../../util/errors.js";
import { FrameReader, FrameWriter } from "./cursor.js";

/** APS command identifiers (05-3474 Table 4.31). */
export const ApsCommandId = {
  transportKey: 0x05,
  updateDevice: 0x06,
  removeDevice: 0x07,
  requestKey: 0x08,
  switchKey: 0x09,
} as const;

/** Key type values of Transport Key and Request Key (05-3474 Table 4.33 / 4.4.10.4). */
export const ApsKeyType = {
  network: 0x01,
  applicationLink: 0x03,
  trustCenterLink: 0x04,
} as const;
/** Request Key key type for an application link key (05-3474 4.4.10.4.1). */
export const REQUEST_KEY_APPLICATION_LINK = 0x02;

export type TransportKeyCommand =
  | {
      command: "transportKey";
      keyType: "network";
      key: Uint8Array;
      keySequence: number;
      destination: Uint8Array;
      source: Uint8Array;
    }
  | {
      command: "transportKey";
      keyType: "trustCenterLink";
      key: Uint8Array;
      destination: Uint8Array;
      source: Uint8Array;
    }
  | {
      command: "transportKey";
      keyType: "applicationLink";
      key: Uint8Array;
      partner: Uint8Array;
      initiator: boolean;
    };

export type RequestKeyCommand =
  | { command: "requestKey"; keyType: "applicationLink"; partner: Uint8Array }
  | { command: "requestKey"; keyType: "trustCenterLink" };

export type ApsCommand =
  | TransportKeyCommand
  | RequestKeyCommand
  | { command: "updateDevice"; device: Uint8Array; shortAddress: number; status: number }
  | { command: "removeDevice"; target: Uint8Array }
  | { command: "switchKey"; keySequence: number }
  | { command: "other"; id: number; payload: Uint8Array };

/** Encodes command id + payload (the part APS security encrypts). */
export function encodeApsCommand(c: ApsCommand): Uint8Array {
  const w = new FrameWriter("APS command");
  switch (c.command) {
    case "transportKey":
      w.u8(ApsCommandId.transportKey, "command id");
      if (c.keyType === "network") {
        w.u8(ApsKeyType.network, "key type").bytes(c.key, "key", 16).u8(c.keySequence, "key sequence number");
        w.eui64(c.destination, "destination address").eui64(c.source, "source address");
      } else if (c.keyType === "trustCenterLink") {
        w.u8(ApsKeyType.trustCenterLink, "key type").bytes(c.key, "key", 16);
        w.eui64(c.destination, "destination address").eui64(c.source, "source address");
      } else if (c.keyType === "applicationLink") {
        w.u8(ApsKeyType.applicationLink, "key type").bytes(c.key, "key", 16);
        w.eui64(c.partner, "partner address").u8(c.initiator ? 1 : 0, "initiator flag");
      } else {
        throw new ZseError(
          "BAD_VALUE",
          `APS Transport Key key type: "${(c as { keyType: string }).keyType}"`,
        );
      }
      break;
    case "requestKey":
      w.u8(ApsCommandId.requestKey, "command id");
      if (c.keyType === "applicationLink") {
        w.u8(REQUEST_KEY_APPLICATION_LINK, "key type").eui64(c.partner, "partner address");
      } else if (c.keyType === "trustCenterLink") {
        w.u8(ApsKeyType.trustCenterLink, "key type");
      } else {
        throw new ZseError("BAD_VALUE", `APS Request Key key type: "${(c as { keyType: string }).keyType}"`);
      }
      break;
    case "updateDevice":
      w.u8(ApsCommandId.updateDevice, "command id").eui64(c.device, "device address");
      w.u16(c.shortAddress, "device short address").u8(c.status, "status");
      break;
    case "removeDevice":
      w.u8(ApsCommandId.removeDevice, "command id").eui64(c.target, "target address");
      break;
    case "switchKey":
      w.u8(ApsCommandId.switchKey, "command id").u8(c.keySequence, "key sequence number");
      break;
    case "other":
      w.u8(c.id, "command id").bytes(c.payload, "payload");
      break;
    default:
      throw new ZseError("BAD_VALUE", `APS command: "${(c as { command: string }).command}"`);
  }
  return w.finish();
}

/** Decodes command id + payload; BAD_FRAME on a short or over-long payload or an unknown key type. */
export function decodeApsCommand(bytes: Uint8Array): ApsCommand {
  const r = new FrameReader(bytes, "APS command");
  const id = r.u8("command id");
  let c: ApsCommand;
  switch (id) {
    case ApsCommandId.transportKey: {
      const keyType = r.u8("transport key type");
      const key = r.bytesOf(16, "key");
      if (keyType === ApsKeyType.network) {
        const keySequence = r.u8("key sequence number");
        c = {
          command: "transportKey",
          keyType: "network",
          key,
          keySequence,
          destination: r.eui64("destination address"),
          source: r.eui64("source address"),
        };
      } else if (keyType === ApsKeyType.trustCenterLink) {
        c = {
          command: "transportKey",
          keyType: "trustCenterLink",
          key,
          destination: r.eui64("destination address"),
          source: r.eui64("source address"),
        };
      } else if (keyType === ApsKeyType.applicationLink) {
        const partner = r.eui64("partner address");
        const flag = r.u8("initiator flag");
        if (flag > 1) throw new ZseError("BAD_FRAME", `APS Transport Key initiator flag: ${flag} (0 or 1)`);
        c = { command: "transportKey", keyType: "applicationLink", key, partner, initiator: flag === 1 };
      } else {
        throw new ZseError(
          "BAD_FRAME",
          `APS Transport Key key type: 0x${keyType.toString(16)} (0x01, 0x03, 0x04 read)`,
        );
      }
      break;
    }
    case ApsCommandId.requestKey: {
      const keyType = r.u8("request key type");
      if (keyType === REQUEST_KEY_APPLICATION_LINK) {
        c = { command: "requestKey", keyType: "applicationLink", partner: r.eui64("partner address") };
      } else if (keyType === ApsKeyType.trustCenterLink) {
        c = { command: "requestKey", keyType: "trustCenterLink" };
      } else {
        throw new ZseError("BAD_FRAME", `APS Request Key key type: 0x${keyType.toString(16)} (0x02 or 0x04)`);
      }
      break;
    }
    case ApsCommandId.updateDevice:
      c = {
        command: "updateDevice",
        device: r.eui64("device address"),
        shortAddress: r.u16("device short address"),
        status: r.u8("status"),
      };
      break;
    case ApsCommandId.removeDevice:
      c = { command: "removeDevice", target: r.eui64("target address") };
      break;
    case ApsCommandId.switchKey:
      c = { command: "switchKey", keySequence: r.u8("key sequence number") };
      break;
    default:
      return { command: "other", id, payload: r.rest() };
  }
  r.end(`command 0x${id.toString(16).padStart(2, "0")}`);
  return c;
}
