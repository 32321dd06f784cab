/**
 * ZDO frames carried in APS data frames on profile 0x0000, endpoint 0 (05-3474 2.4): every ZDO
 * frame starts with a transaction sequence number (2.4.2.8). Match_Desc_req (cluster 0x0006,
 * 2.4.3.1.7) and Match_Desc_rsp (0x8006, 2.4.4.2.7) find the endpoints of the Key Establishment
 * (0x0800) and Keep-Alive (0x0025) clusters; Device_annce (0x0013, 2.4.3.1.11).
 */
import { ZseError } from "../../util/errors.js";
import { FrameReader, FrameWriter } from "./cursor.js";

/** ZDO profile and endpoint (05-3474 2.4). */
export const ZDO_PROFILE = 0x0000;
export const ZDO_ENDPOINT = 0;

/** ZDO cluster ids used here. */
export const ZdoCluster = {
  matchDescriptorRequest: 0x0006,
  matchDescriptorResponse: 0x8006,
  deviceAnnounce: 0x0013,
} as const;

export interface MatchDescriptorRequest {
  sequence: number;
  nwkAddrOfInterest: number;
  profileId: number;
  inClusters: number[];
  outClusters: number[];
}

export interface MatchDescriptorResponse {
  sequence: number;
  /** ZDP status: 0 SUCCESS, 0x80 INV_REQUESTTYPE, 0x81 DEVICE_NOT_FOUND, ... */
  status: number;
  nwkAddrOfInterest: number;
  /** Endpoints that match. */
  matchList: number[];
}

export interface DeviceAnnounce {
  sequence: number;
  nwkAddress: number;
  /** Big-endian. */
  eui64: Uint8Array;
  /** MAC capability flags (IEEE 802.15.4 7.3.1.2). */
  capability: number;
}

function clusterList(w: FrameWriter, list: number[], field: string): void {
  w.u8(list.length, `${field} count`);
  for (const c of list) w.u16(c, field);
}

function readClusterList(r: FrameReader, field: string): number[] {
  const n = r.u8(`${field} count`);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.u16(field));
  return out;
}

export function encodeMatchDescriptorRequest(m: MatchDescriptorRequest): Uint8Array {
  const w = new FrameWriter("ZDO Match_Desc_req");
  w.u8(m.sequence, "sequence").u16(m.nwkAddrOfInterest, "NWKAddrOfInterest").u16(m.profileId, "profile id");
  clusterList(w, m.inClusters, "input cluster");
  clusterList(w, m.outClusters, "output cluster");
  return w.finish();
}

export function decodeMatchDescriptorRequest(bytes: Uint8Array): MatchDescriptorRequest {
  const r = new FrameReader(bytes, "ZDO Match_Desc_req");
  const m = {
    sequence: r.u8("sequence"),
    nwkAddrOfInterest: r.u16("NWKAddrOfInterest"),
    profileId: r.u16("profile id"),
    inClusters: readClusterList(r, "input cluster"),
    outClusters: readClusterList(r, "output cluster"),
  };
  r.end("request");
  return m;
}

export function encodeMatchDescriptorResponse(m: MatchDescriptorResponse): Uint8Array {
  const w = new FrameWriter("ZDO Match_Desc_rsp");
  w.u8(m.sequence, "sequence").u8(m.status, "status").u16(m.nwkAddrOfInterest, "NWKAddrOfInterest");
  w.u8(m.matchList.length, "match length");
  for (const ep of m.matchList) w.u8(ep, "match list endpoint");
  return w.finish();
}

export function decodeMatchDescriptorResponse(bytes: Uint8Array): MatchDescriptorResponse {
  const r = new FrameReader(bytes, "ZDO Match_Desc_rsp");
  const sequence = r.u8("sequence");
  const status = r.u8("status");
  const nwkAddrOfInterest = r.u16("NWKAddrOfInterest");
  const n = r.u8("match length");
  const matchList: number[] = [];
  for (let i = 0; i < n; i++) matchList.push(r.u8("match list endpoint"));
  r.end("response");
  if (status !== 0 && n !== 0) {
    throw new ZseError("BAD_FRAME", `ZDO Match_Desc_rsp: status 0x${status.toString(16)} with ${n} matches`);
  }
  return { sequence, status, nwkAddrOfInterest, matchList };
}

export function encodeDeviceAnnounce(d: DeviceAnnounce): Uint8Array {
  const w = new FrameWriter("ZDO Device_annce");
  w.u8(d.sequence, "sequence")
    .u16(d.nwkAddress, "NWKAddr")
    .eui64(d.eui64, "IEEEAddr")
    .u8(d.capability, "capability");
  return w.finish();
}

export function decodeDeviceAnnounce(bytes: Uint8Array): DeviceAnnounce {
  const r = new FrameReader(bytes, "ZDO Device_annce");
  const d = {
    sequence: r.u8("sequence"),
    nwkAddress: r.u16("NWKAddr"),
    eui64: r.eui64("IEEEAddr"),
    capability: r.u8("capability"),
  };
  r.end("announce");
  return d;
}
