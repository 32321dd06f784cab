/**
 * The Transport: what the SE node and the Trust Center need from a Zigbee stack, and all
 * they see of it. The simulated network implements it (src/net/sim/); adapters for real
 * stacks (zigbee-herdsman, zigbee-on-host) can implement it later. It speaks in APS terms
 * (Zigbee 05-3474 2.2.4 APSDE-DATA, 4.4 APS security, 4.4.10 APS commands Transport Key and
 * Request Key), ZDO Match Descriptor (2.4.3.1.7) and joining (3.6.1.4 / 4.6.3 Trust Center
 * join procedure, reduced to what a host sees).
 */
import type { Eui64Hex } from "../engine/types.js";

/** A simple descriptor of one local endpoint (05-3474 2.3.2.5). */
export interface EndpointDescriptor {
  endpoint: number;
  profile: number;
  deviceId: number;
  inClusters: number[];
  outClusters: number[];
}

/** APSDE-DATA.request, unicast. */
export interface DataRequest {
  to: Eui64Hex;
  dstEndpoint: number;
  srcEndpoint: number;
  cluster: number;
  profile: number;
  payload: Uint8Array;
  /** APS security with the link key shared with `to` (05-3474 4.4.1.1, key id 0 "data key"). */
  apsSecurity: boolean;
  /** APS acknowledgement with retries (default true). */
  ackRequested?: boolean;
  /** A short description for logs and the simulator timeline ("Initiate KE Request"). */
  label?: string;
}

/** APSDE-DATA.indication. */
export interface DataIndication {
  from: Eui64Hex;
  srcEndpoint: number;
  dstEndpoint: number;
  cluster: number;
  profile: number;
  payload: Uint8Array;
  /** True when the frame was APS-encrypted with the link key shared with `from`. */
  apsSecured: boolean;
}

/** The key types of Transport Key / Request Key (05-3474 4.4.10.1, table 4.12). */
export type KeyType = "network" | "tc-link" | "app-link";

/** APS commands this project sends and receives (05-3474 4.4.10). */
export type ApsCommand =
  | {
      kind: "transport-key";
      keyType: "network";
      key: Uint8Array;
      sequence: number;
      destination: Eui64Hex;
      source: Eui64Hex;
    }
  | { kind: "transport-key"; keyType: "tc-link"; key: Uint8Array; destination: Eui64Hex; source: Eui64Hex }
  | { kind: "transport-key"; keyType: "app-link"; key: Uint8Array; partner: Eui64Hex; initiator: boolean }
  | { kind: "request-key"; keyType: "app-link"; partner: Eui64Hex }
  | { kind: "request-key"; keyType: "tc-link" };

/**
 * How an APS command is protected (05-3474 4.4.1.1): "link" = the link key (key id 0),
 * "key-transport" = HMAC(link key, 0x00) (key id 2, Transport Key), "none" = not APS-secured.
 */
export type CommandSecurity = "none" | "link" | "key-transport";

export interface CommandRequest {
  to: Eui64Hex;
  command: ApsCommand;
  security: CommandSecurity;
  label?: string;
}

export interface CommandIndication {
  from: Eui64Hex;
  command: ApsCommand;
  security: CommandSecurity;
}

/** Outcome of a unicast: SUCCESS once acknowledged (or sent, without ack request). */
export interface DeliveryResult {
  status: "SUCCESS" | "NO_ACK" | "NO_KEY" | "NOT_JOINED";
  /** Transmissions used (1 + APS retries). */
  attempts: number;
}

/** A frame that arrived but was dropped by APS security, with the reason. */
export interface SecurityFailure {
  from: Eui64Hex;
  reason: string;
  /** Which key was tried ("TC link key", "none held"). */
  key: string;
}

export interface JoinResult {
  status: "SUCCESS" | "REFUSED" | "NO_NETWORK" | "TIMEOUT";
  shortAddress?: number;
  trustCenter?: Eui64Hex;
}

export interface TransportEvents {
  data: DataIndication;
  command: CommandIndication;
  "security-failure": SecurityFailure;
}

/** The part every node's stack offers. */
export interface Transport {
  readonly eui64: Eui64Hex;
  registerEndpoint(descriptor: EndpointDescriptor): void;
  sendData(request: DataRequest): Promise<DeliveryResult>;
  sendCommand(request: CommandRequest): Promise<DeliveryResult>;
  /** ZDO Match Descriptor to `target`: its endpoints with `profile` serving any of `inClusters`. */
  matchDescriptor(request: { target: Eui64Hex; profile: number; inClusters: number[] }): Promise<number[]>;
  /**
   * Match Descriptor telling no answer at all (undefined, after the stack's retries) from an
   * empty answer ([]); optional: a stack that cannot tell them apart offers `matchDescriptor` only.
   */
  matchDescriptorOrTimeout?(request: {
    target: Eui64Hex;
    profile: number;
    inClusters: number[];
  }): Promise<number[] | undefined>;
  /** Installs (or with undefined removes) the APS link key shared with `partner`; `label` names it in logs. */
  setLinkKey(partner: Eui64Hex, key: Uint8Array | undefined, label?: string): void;
  getLinkKey(partner: Eui64Hex): Uint8Array | undefined;
  on<E extends keyof TransportEvents>(event: E, handler: (e: TransportEvents[E]) => void): void;
}

/** A joining device's stack: joins with its preconfigured link key (05-3474 4.6.3.2). */
export interface JoinerTransport extends Transport {
  /**
   * Joins, or with `rejoin` rejoins (05-3474 3.6.1.4.2): the link key already held with the
   * Trust Center that answers is kept; with a new one the preconfigured key is used.
   */
  join(options: { preconfiguredKey: Uint8Array; label?: string; rejoin?: boolean }): Promise<JoinResult>;
  readonly trustCenter: Eui64Hex | undefined;
}

/** What the Trust Center decides about a device asking to join (05-3474 4.6.3.1). */
export interface JoinRequest {
  eui64: Eui64Hex;
  /** A Trust Center rejoin (05-3474 3.6.1.4.2) of a device that may still hold its TC link key. */
  rejoin: boolean;
}

/** The coordinator's stack, which hosts the Trust Center. */
export interface CoordinatorTransport extends Transport {
  /** Forms the network; joins are then decided by `onJoinRequest`. */
  form(options: { networkKey: Uint8Array }): void;
  /**
   * Called for every join attempt; return true to admit (the stack then answers with a short
   * address, the TC sends the network key), false to refuse.
   */
  onJoinRequest(handler: (request: JoinRequest) => boolean): void;
  /** Called once an admitted device has been answered (the TC then sends the network key). */
  onDeviceAdmitted(
    handler: (device: { eui64: Eui64Hex; shortAddress: number; rejoin: boolean }) => void,
  ): void;
  /** The short address given to a joined device. */
  shortAddressOf(eui64: Eui64Hex): number | undefined;
  /** Restores a known device's short address (a coordinator restarted from its store). */
  restoreShortAddress(eui64: Eui64Hex, shortAddress: number): void;
}
