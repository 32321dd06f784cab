/** The part of a device's simulation report that every scenario fills the same way. */
import type { SimStack } from "../net/sim/stack.js";
import type { SeNode } from "./se-node.js";
import type { DeviceReport } from "./simulation.js";

/** A joining node as the scenarios keep it. */
export interface ReportedJoiner {
  name: string;
  role: "meter" | "display";
  node: SeNode;
  stack: SimStack;
  /** Join status, once `start` ended. */
  join?: string;
}

/** Identity, join, BDB KE status, link keys and KE retries of `j` at the end of a run. */
export function joinerReport(j: ReportedJoiner, linkKeys: DeviceReport["linkKeys"]): DeviceReport {
  return {
    name: j.name,
    eui64: j.stack.eui64,
    role: j.role,
    ...(j.stack.shortAddress !== undefined ? { shortAddress: j.stack.shortAddress } : {}),
    join: j.join ?? "NOT_FINISHED",
    keStatus: j.node.getBdb("keStatus"),
    linkKeys,
    noResourcesRetries: j.node.noResourcesRetries,
    keTimeoutRetries: j.node.keTimeoutRetries,
  };
}
