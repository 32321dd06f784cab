/**
 * IEEE 802.15.4 MAC command frames a Zigbee join uses (IEEE 802.15.4-2006 7.3): Association
 * Request (0x01, 7.3.1: capability information 7.3.1.2), Association Response (0x02, 7.3.2:
 * short address and status), Data Request (0x04, 7.3.4) and Beacon Request (0x07, 7.3.7), with
 * the addressing each clause prescribes. Other commands are kept as id + raw payload.
 */
import { ZseError } from "../../util/errors.js";
import { FrameReader, FrameWriter } from "./cursor.js";
import { type MacAddress, type MacFrame, MacFrameType } from "./mac.js";

export const MacCommandId = {
  associationRequest: 0x01,
  associationResponse: 0x02,
  dataRequest: 0x04,
  beaconRequest: 0x07,
} as const;

/** Association status values (7.3.2.3). */
export const AssociationStatus = { success: 0x00, panAtCapacity: 0x01, panAccessDenied: 0x02 } as const;

export type MacCommand =
  | { command: "associationRequest"; capability: number }
  | { command: "associationResponse"; shortAddress: number; status: number }
  | { command: "dataRequest" }
  | { command: "beaconRequest" }
  | { command: "other"; id: number; payload: Uint8Array };

/** Command id + payload: the MAC payload of a command frame. */
export function encodeMacCommand(c: MacCommand): Uint8Array {
  const w = new FrameWriter("MAC command");
  switch (c.command) {
    case "associationRequest":
      return w
        .u8(MacCommandId.associationRequest, "command id")
        .u8(c.capability, "capability information")
        .finish();
    case "associationResponse":
      w.u8(MacCommandId.associationResponse, "command id").u16(c.shortAddress, "short address");
      return w.u8(c.status, "association status").finish();
    case "dataRequest":
      return w.u8(MacCommandId.dataRequest, "command id").finish();
    case "beaconRequest":
      return w.u8(MacCommandId.beaconRequest, "command id").finish();
    case "other":
      return w.u8(c.id, "command id").bytes(c.payload, "payload").finish();
    default:
      throw new ZseError("BAD_VALUE", `MAC command: "${(c as { command: string }).command}"`);
  }
}

/** Decodes command id + payload; BAD_FRAME when a known command's payload has the wrong size. */
export function decodeMacCommand(bytes: Uint8Array): MacCommand {
  const r = new FrameReader(bytes, "MAC command");
  const id = r.u8("command id");
  let c: MacCommand;
  switch (id) {
    case MacCommandId.associationRequest:
      c = { command: "associationRequest", capability: r.u8("capability information") };
      break;
    case MacCommandId.associationResponse:
      c = {
        command: "associationResponse",
        shortAddress: r.u16("short address"),
        status: r.u8("association status"),
      };
      break;
    case MacCommandId.dataRequest:
      c = { command: "dataRequest" };
      break;
    case MacCommandId.beaconRequest:
      c = { command: "beaconRequest" };
      break;
    default:
      return { command: "other", id, payload: r.rest() };
  }
  r.end(`command 0x${id.toString(16).padStart(2, "0")}`);
  return c;
}

/**
 * Association Request frame (7.3.1.1): to the coordinator on its PAN, from the device's
 * extended address on the broadcast PAN 0xffff (so no PAN ID compression), ack requested.
 */
export function associationRequestFrame(o: {
  sequence: number;
  panId: number;
  coordinator: MacAddress;
  device: Uint8Array;
  /** Capability information (7.3.1.2); 0x8e = FFD, mains powered, rx on when idle, allocate address. */
  capability: number;
}): MacFrame {
  return {
    frameType: MacFrameType.command,
    sequence: o.sequence,
    panId: o.panId,
    destination: o.coordinator,
    source: o.device,
    sourcePanId: 0xffff,
    ackRequest: true,
    payload: encodeMacCommand({ command: "associationRequest", capability: o.capability }),
  };
}

/** Association Response frame (7.3.2.1): extended addresses both ways, PAN ID compression, ack requested. */
export function associationResponseFrame(o: {
  sequence: number;
  panId: number;
  coordinator: Uint8Array;
  device: Uint8Array;
  shortAddress: number;
  status: number;
}): MacFrame {
  return {
    frameType: MacFrameType.command,
    sequence: o.sequence,
    panId: o.panId,
    destination: o.device,
    source: o.coordinator,
    ackRequest: true,
    payload: encodeMacCommand({
      command: "associationResponse",
      shortAddress: o.shortAddress,
      status: o.status,
    }),
  };
}

/** Beacon Request frame (7.3.7): broadcast to 0xffff on PAN 0xffff, no source address, no ack. */
export function beaconRequestFrame(o: { sequence: number }): MacFrame {
  return {
    frameType: MacFrameType.command,
    sequence: o.sequence,
    panId: 0xffff,
    destination: 0xffff,
    ackRequest: false,
    payload: encodeMacCommand({ command: "beaconRequest" }),
  };
}
