/**
 * ZDO Match Descriptor request/response payloads (Zigbee 05-3474 2.4.3.1.7 Match_Desc_req,
 * 2.4.4.2.7 Match_Desc_rsp), as the simulator carries them on endpoint 0, profile 0x0000.
 */
import { ZseError } from "../../util/errors.js";

export const ZDO_PROFILE = 0x0000;
export const MATCH_DESC_REQ = 0x0006;
export const MATCH_DESC_RSP = 0x8006;

export interface MatchDescRequest {
  tsn: number;
  nwkAddrOfInterest: number;
  profile: number;
  inClusters: number[];
  outClusters: number[];
}
export interface MatchDescResponse {
  tsn: number;
  status: number;
  nwkAddrOfInterest: number;
  endpoints: number[];
}

export function encodeMatchDescRequest(r: MatchDescRequest): Uint8Array {
  const out = [r.tsn, r.nwkAddrOfInterest & 0xff, r.nwkAddrOfInterest >> 8, r.profile & 0xff, r.profile >> 8];
  out.push(r.inClusters.length);
  for (const c of r.inClusters) out.push(c & 0xff, c >> 8);
  out.push(r.outClusters.length);
  for (const c of r.outClusters) out.push(c & 0xff, c >> 8);
  return Uint8Array.from(out);
}

function clusters(b: Uint8Array, o: number, title: string): [number[], number] {
  if (o >= b.length) throw new ZseError("BAD_FRAME", `Match_Desc_req ${title}: missing count`);
  const n = b[o++];
  if (o + 2 * n > b.length)
    throw new ZseError("BAD_FRAME", `Match_Desc_req ${title}: ${n} clusters do not fit`);
  const list: number[] = [];
  for (let i = 0; i < n; i++, o += 2) list.push(b[o] | (b[o + 1] << 8));
  return [list, o];
}

export function decodeMatchDescRequest(b: Uint8Array): MatchDescRequest {
  if (b.length < 7) throw new ZseError("BAD_FRAME", `Match_Desc_req: ${b.length} bytes`);
  const [inClusters, o] = clusters(b, 5, "InClusterList");
  const [outClusters, end] = clusters(b, o, "OutClusterList");
  if (end !== b.length) throw new ZseError("BAD_FRAME", `Match_Desc_req: ${b.length - end} trailing bytes`);
  return {
    tsn: b[0],
    nwkAddrOfInterest: b[1] | (b[2] << 8),
    profile: b[3] | (b[4] << 8),
    inClusters,
    outClusters,
  };
}

export function encodeMatchDescResponse(r: MatchDescResponse): Uint8Array {
  return Uint8Array.from([
    r.tsn,
    r.status,
    r.nwkAddrOfInterest & 0xff,
    r.nwkAddrOfInterest >> 8,
    r.endpoints.length,
    ...r.endpoints,
  ]);
}

export function decodeMatchDescResponse(b: Uint8Array): MatchDescResponse {
  if (b.length < 5 || b.length !== 5 + b[4])
    throw new ZseError("BAD_FRAME", `Match_Desc_rsp: ${b.length} bytes`);
  return { tsn: b[0], status: b[1], nwkAddrOfInterest: b[2] | (b[3] << 8), endpoints: [...b.subarray(5)] };
}
