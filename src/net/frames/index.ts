/** Zigbee over-the-air frame codecs: 802.15.4 MAC, NWK, APS, APS commands, ZDO, AES-CCM* security. */
export * from "./aps.js";
export * from "./aps-commands.js";
export * from "./ccm.js";
export * from "./mac.js";
export * from "./mac-command.js";
export * from "./nwk.js";
export * from "./over-the-air.js";
export * from "./security.js";
export * from "./zdo.js";
