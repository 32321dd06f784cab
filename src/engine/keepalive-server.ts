/**
 * Trust Center Keep-Alive cluster (0x0025) server, a sans-IO engine run by the Trust Center
 * (SE 07-5356 §5.4.2.2.3.4 and the Keep-Alive cluster definition; ZCL 07-5123 §2.5 for the
 * foundation commands it answers).
 *
 * - Attributes: 0x0000 TC Keep-Alive Base (uint8, minutes, 1..255, default 10) and 0x0001
 *   TC Keep-Alive Jitter (uint16, seconds, 0..512, default 300).
 * - Read Attributes: one record per requested id; unknown ids get UNSUPPORTED_ATTRIBUTE (0x86).
 * - Write Attributes (plain, undivided, no response; ZCL §2.5.3-2.5.6): unknown ids 0x86, a
 *   wrong data type INVALID_DATA_TYPE (0x8d), an out-of-range value INVALID_VALUE (0x87); the
 *   undivided form writes nothing when any record fails.
 * - Every response goes out with APS security; requests that did not arrive APS-secured are
 *   dropped (Smart Energy clusters other than Key Establishment require APS link-key security,
 *   as the Exegin cluster's minimum security `ZB_APS_STATUS_SECURED_LINK_KEY` does).
 * - Cluster-specific commands (the cluster defines none) get UNSUP_CLUSTER_COMMAND, other
 *   foundation commands UNSUP_GENERAL_COMMAND, manufacturer-specific ones the UNSUP_MANUF_*
 *   statuses, malformed payloads MALFORMED_COMMAND, all in a Default Response.
 */
import { isZseError } from "../util/errors.js";
import { ZclDataType } from "../zcl/data-types.js";
import {
  decodeReadAttributes,
  decodeWriteAttributes,
  encodeDefaultResponse,
  encodeReadAttributesResponse,
  encodeWriteAttributesResponse,
  type ReadAttributeRecord,
  type WriteAttributeRecord,
  type WriteAttributeStatusRecord,
} from "../zcl/foundation.js";
import { decodeZclFrame, encodeZclFrame, type ZclFrame } from "../zcl/header.js";
import {
  CLUSTER_KEEP_ALIVE,
  GlobalCommand,
  KEEPALIVE_ATTR_BASE,
  KEEPALIVE_ATTR_JITTER,
  KEEPALIVE_BASE_DEFAULT,
  KEEPALIVE_BASE_MAX,
  KEEPALIVE_BASE_MIN,
  KEEPALIVE_JITTER_DEFAULT,
  KEEPALIVE_JITTER_MAX,
  KEEPALIVE_JITTER_MIN,
} from "../zcl/ids.js";
import { ZclStatus } from "../zcl/status.js";
import { checkKeepAliveParams } from "./keepalive-timing.js";
import type { KeepAliveParams } from "./keepalive-types.js";
import type { ReceivedFrame, SendAction } from "./types.js";

/** Settings of the TC application (like ZbStartupCbkeT tc_keepalive_base / tc_keepalive_jitter). */
export interface KeepAliveServerOptions {
  /** Minutes, 1..255; 0 or undefined = the default 10. */
  base?: number;
  /** Seconds, 0..512; 0 or undefined = the default 300. */
  jitter?: number;
}

interface AttrSpec {
  type: number;
  min: number;
  max: number;
  key: keyof KeepAliveParams;
}

const ATTRS: Record<number, AttrSpec> = {
  [KEEPALIVE_ATTR_BASE]: {
    type: ZclDataType.UINT8,
    min: KEEPALIVE_BASE_MIN,
    max: KEEPALIVE_BASE_MAX,
    key: "base",
  },
  [KEEPALIVE_ATTR_JITTER]: {
    type: ZclDataType.UINT16,
    min: KEEPALIVE_JITTER_MIN,
    max: KEEPALIVE_JITTER_MAX,
    key: "jitter",
  },
};

export class KeepAliveServer {
  private values: KeepAliveParams;

  constructor(opts: KeepAliveServerOptions = {}) {
    this.values = { base: KEEPALIVE_BASE_DEFAULT, jitter: KEEPALIVE_JITTER_DEFAULT };
    this.configure(opts);
  }

  /** The current attribute values. */
  get params(): KeepAliveParams {
    return { ...this.values };
  }

  /**
   * Sets the attributes from the application (0 = the stack default, as in the seed's
   * ZbStartupCbkeT); throws BAD_VALUE naming the field when out of range.
   */
  configure(opts: KeepAliveServerOptions): void {
    const pick = (v: number | undefined, current: number, fallback: number) =>
      v === undefined ? current : v === 0 ? fallback : v;
    const next = {
      base: pick(opts.base, this.values.base, KEEPALIVE_BASE_DEFAULT),
      jitter: pick(opts.jitter, this.values.jitter, KEEPALIVE_JITTER_DEFAULT),
    };
    this.values = { ...checkKeepAliveParams(next, "keep-alive server") };
  }

  /**
   * Sets exact attribute values (a local write: jitter 0 allowed, unlike `configure`);
   * throws BAD_VALUE naming the field when out of range.
   */
  setAttributes(values: Partial<KeepAliveParams>): void {
    const next = {
      base: values.base ?? this.values.base,
      jitter: values.jitter ?? this.values.jitter,
    };
    this.values = { ...checkKeepAliveParams(next, "keep-alive server") };
  }

  /** Handles a received frame; returns the response to send (APS-secured), if any. */
  handleFrame(rx: ReceivedFrame, _now: number): SendAction[] {
    if (rx.cluster !== CLUSTER_KEEP_ALIVE || !rx.apsSecured) return [];
    let zcl: ZclFrame;
    try {
      zcl = decodeZclFrame(rx.frame);
    } catch (e) {
      if (isZseError(e, "BAD_FRAME")) return [];
      throw e;
    }
    const h = zcl.header;
    if (h.direction !== "client-to-server") return [];
    const reply = (commandId: number, payload: Uint8Array): SendAction[] => [
      {
        kind: "send",
        to: rx.from,
        endpoint: rx.endpoint,
        cluster: CLUSTER_KEEP_ALIVE,
        frame: encodeZclFrame(
          {
            frameType: "global",
            direction: "server-to-client",
            disableDefaultResponse: true,
            seq: h.seq,
            commandId,
          },
          payload,
        ),
        apsSecurity: true,
      },
    ];
    const status = (s: number) =>
      reply(GlobalCommand.DEFAULT_RESPONSE, encodeDefaultResponse({ commandId: h.commandId, status: s }));

    if (h.manufacturerCode !== undefined) {
      return status(
        h.frameType === "cluster"
          ? ZclStatus.UNSUP_MANUF_CLUSTER_COMMAND
          : ZclStatus.UNSUP_MANUF_GENERAL_COMMAND,
      );
    }
    if (h.frameType === "cluster") return status(ZclStatus.UNSUP_CLUSTER_COMMAND);
    try {
      switch (h.commandId) {
        case GlobalCommand.READ_ATTRIBUTES:
          return reply(
            GlobalCommand.READ_ATTRIBUTES_RESPONSE,
            encodeReadAttributesResponse(this.read(decodeReadAttributes(zcl.payload))),
          );
        case GlobalCommand.WRITE_ATTRIBUTES:
        case GlobalCommand.WRITE_ATTRIBUTES_UNDIVIDED:
        case GlobalCommand.WRITE_ATTRIBUTES_NO_RESPONSE: {
          const records = decodeWriteAttributes(zcl.payload);
          const failures = this.write(records, h.commandId === GlobalCommand.WRITE_ATTRIBUTES_UNDIVIDED);
          if (h.commandId === GlobalCommand.WRITE_ATTRIBUTES_NO_RESPONSE) return [];
          return reply(GlobalCommand.WRITE_ATTRIBUTES_RESPONSE, encodeWriteAttributesResponse(failures));
        }
        default:
          return status(ZclStatus.UNSUP_GENERAL_COMMAND);
      }
    } catch (e) {
      if (isZseError(e, "BAD_FRAME")) return status(ZclStatus.MALFORMED_COMMAND);
      throw e;
    }
  }

  private read(ids: number[]): ReadAttributeRecord[] {
    return ids.map((attributeId) => {
      const spec = ATTRS[attributeId];
      if (!spec) return { attributeId, status: ZclStatus.UNSUPPORTED_ATTRIBUTE };
      return { attributeId, status: ZclStatus.SUCCESS, dataType: spec.type, value: this.values[spec.key] };
    });
  }

  /** Applies write records; returns the failed ones. `undivided`: all or nothing (ZCL §2.5.4). */
  private write(records: WriteAttributeRecord[], undivided: boolean): WriteAttributeStatusRecord[] {
    const failures: WriteAttributeStatusRecord[] = [];
    const next = { ...this.values };
    for (const r of records) {
      const spec = ATTRS[r.attributeId];
      let s: number = ZclStatus.SUCCESS;
      if (!spec) s = ZclStatus.UNSUPPORTED_ATTRIBUTE;
      else if (r.dataType !== spec.type) s = ZclStatus.INVALID_DATA_TYPE;
      else if (r.value < spec.min || r.value > spec.max) s = ZclStatus.INVALID_VALUE;
      if (s !== ZclStatus.SUCCESS || !spec) failures.push({ attributeId: r.attributeId, status: s });
      else next[spec.key] = r.value;
    }
    if (!undivided || failures.length === 0) this.values = next;
    return failures;
  }
}
