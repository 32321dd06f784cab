/**
 * The ZCL layer of zigbee-se: pure codecs over Uint8Array (ZCL 07-5123 foundation, SE 07-5356
 * Key Establishment and Keep-Alive identifiers).
 */
export * from "./cursor.js";
export * from "./data-types.js";
export * from "./foundation.js";
export * from "./header.js";
export * from "./ids.js";
export * from "./ke-commands.js";
export * from "./status.js";
