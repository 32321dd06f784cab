/**
 * ZDO Match Descriptor for a simulated node (Zigbee 05-3474 2.4.3.1.7 Match_Desc_req,
 * 2.4.4.2.7 Match_Desc_rsp): asks a node which of its endpoints serve a cluster (3 tries, 3 s
 * each) and answers such questions from the node's endpoint list. ZDO frames go on endpoint 0,
 * profile 0x0000, without APS security or acknowledgement.
 */
import type { Eui64Hex } from "../../engine/types.js";
import {
  decodeMatchDescriptorRequest,
  decodeMatchDescriptorResponse,
  encodeMatchDescriptorRequest,
  encodeMatchDescriptorResponse,
  ZDO_PROFILE,
  ZdoCluster,
} from "../frames/zdo.js";
import type { DataRequest, DeliveryResult, EndpointDescriptor } from "../transport.js";
import type { Scheduler } from "./clock.js";

const ZDO_TIMEOUT_MS = 3000;
const ZDO_TRIES = 3;

export interface ZdoServiceOptions {
  scheduler: Scheduler;
  send: (request: DataRequest) => Promise<DeliveryResult>;
  /** The node's endpoints, answered from. */
  endpoints: () => Iterable<EndpointDescriptor>;
  /** Our NWK address and the address lookup for the NWKAddrOfInterest field. */
  ownShort: () => number | undefined;
  shortOf: (eui64: Eui64Hex) => number | undefined;
}

export class ZdoService {
  private readonly o: ZdoServiceOptions;
  private tsn = 0;
  private pending = new Map<number, (endpoints: number[]) => void>();

  constructor(options: ZdoServiceOptions) {
    this.o = options;
  }

  /** The matching endpoints; [] for an empty answer, undefined when nothing answered. */
  async matchDescriptor(request: {
    target: Eui64Hex;
    profile: number;
    inClusters: number[];
  }): Promise<number[] | undefined> {
    for (let attempt = 0; attempt < ZDO_TRIES; attempt++) {
      const sequence = this.tsn;
      this.tsn = (this.tsn + 1) & 0xff;
      const payload = encodeMatchDescriptorRequest({
        sequence,
        nwkAddrOfInterest: this.o.shortOf(request.target) ?? 0xfffd,
        profileId: request.profile,
        inClusters: request.inClusters,
        outClusters: [],
      });
      const result = await new Promise<number[] | undefined>((resolve) => {
        const timer = this.o.scheduler.after(ZDO_TIMEOUT_MS, () => {
          this.pending.delete(sequence);
          resolve(undefined);
        });
        this.pending.set(sequence, (eps) => {
          this.o.scheduler.cancel(timer);
          this.pending.delete(sequence);
          resolve(eps);
        });
        const clusters = request.inClusters.map((c) => `0x${c.toString(16).padStart(4, "0")}`).join(",");
        void this.o.send({
          to: request.target,
          dstEndpoint: 0,
          srcEndpoint: 0,
          cluster: ZdoCluster.matchDescriptorRequest,
          profile: ZDO_PROFILE,
          payload,
          apsSecurity: false,
          ackRequested: false,
          label: `ZDO Match Descriptor Request (${clusters})`,
        });
      });
      if (result) return result;
    }
    return undefined;
  }

  /** A ZDO frame for this node; throws BAD_FRAME when malformed. */
  handle(from: Eui64Hex, cluster: number, payload: Uint8Array): void {
    if (cluster === ZdoCluster.matchDescriptorRequest) {
      const req = decodeMatchDescriptorRequest(payload);
      const endpoints = [...this.o.endpoints()]
        .filter((e) => e.profile === req.profileId && req.inClusters.some((c) => e.inClusters.includes(c)))
        .map((e) => e.endpoint);
      void this.o.send({
        to: from,
        dstEndpoint: 0,
        srcEndpoint: 0,
        cluster: ZdoCluster.matchDescriptorResponse,
        profile: ZDO_PROFILE,
        payload: encodeMatchDescriptorResponse({
          sequence: req.sequence,
          status: 0,
          nwkAddrOfInterest: this.o.ownShort() ?? 0,
          matchList: endpoints,
        }),
        apsSecurity: false,
        ackRequested: false,
        label: `ZDO Match Descriptor Response (endpoints ${endpoints.join(",") || "none"})`,
      });
    } else if (cluster === ZdoCluster.matchDescriptorResponse) {
      const rsp = decodeMatchDescriptorResponse(payload);
      this.pending.get(rsp.sequence)?.(rsp.status === 0 ? rsp.matchList : []);
    }
  }
}
