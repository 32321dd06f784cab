/**
 * zigbee-se: Zigbee Smart Energy security in TypeScript. The public library API, layer by
 * layer (README "Architecture"). The ZCL codecs and the over-the-air frame codecs are also
 * published as their own entry points: `zigbee-se/zcl` and `zigbee-se/frames`.
 */
// util

// ca: the Certificate Authority
export * from "./ca/authority.js";
export * from "./ca/bench.js";
export * from "./ca/issue.js";
// crypto: AES-MMO, HMAC, KDF, the Koblitz curves, ECQV, ECMQV
export * from "./crypto/aes-mmo.js";
export * from "./crypto/curves.js";
export * from "./crypto/ecmqv.js";
export * from "./crypto/ecqv.js";
export * from "./crypto/hmac.js";
export * from "./crypto/kdf.js";
export * from "./engine/ke-crypto.js";
export * from "./engine/ke-initiator.js";
export * from "./engine/ke-responder.js";
export * from "./engine/ke-runner.js";
export * from "./engine/ke-types.js";
export * from "./engine/keepalive-client.js";
export * from "./engine/keepalive-server.js";
export * from "./engine/keepalive-types.js";
export * from "./engine/tcso.js";
export * from "./engine/tcso-supervisor.js";
// engine: sans-IO KE, Keep-Alive and TCSO engines
export * from "./engine/types.js";
export * from "./net/keys-file.js";
export * from "./net/pcap.js";
export * from "./net/transport.js";
export * from "./node/se-node.js";
export * from "./node/simulation.js";
export * from "./node/startup.js";
export * from "./node/trust-center.js";
export * from "./se/cbke.js";
export * from "./se/cbke-confirm.js";
export * from "./se/certificate.js";
export * from "./se/certificate-checks.js";
export * from "./se/certificate-key.js";
// se: install codes, suites, certificates, the CBKE computation
export * from "./se/install-code.js";
export * from "./se/revocation.js";
export * from "./se/suites.js";
export * from "./store/frame-counters.js";
export * from "./store/memory-store.js";
export * from "./store/sqlite-store.js";
// store, transport, simulator, nodes
export * from "./store/store.js";
export * from "./util/bytes.js";
export * from "./util/errors.js";
export * from "./util/eui64.js";
export * from "./util/rng.js";
