import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { makeInstallCode } from "../../src/se/install-code.js";
import { toHex } from "../../src/util/bytes.js";
import { makeJoiner, makeNet, makeTc, TC_EUI } from "./harness.js";

describe("Trust Center join procedure (Zigbee 05-3474 4.6.3.2, SE 5.4.4 install codes)", () => {
  it("admits a device with an install code and delivers the network key under its key-transport key", async () => {
    const net = makeNet(7);
    const { tc, stack: tcStack } = makeTc(net);
    const m = makeJoiner(net, { eui64: "0000000000000a01", name: "meter" });
    tc.addDeviceLinkKeyByInstallCode(m.stack.eui64, m.code.installCode);
    m.node.setBdb("tcLinkKeyExchangeMethod", 0);
    m.node.setBdb("trustCenterRequiresKeyExchange", 0);
    const p = m.node.start();
    await net.clock.run();
    const out = await p;
    assert.equal(out.join.status, "SUCCESS");
    assert.equal(out.keyExchange, "none");
    assert.equal(out.join.trustCenter, TC_EUI);
    assert.deepEqual(m.stack.networkKey, tc.getNetworkKey());
    assert.equal(tc.device(m.stack.eui64)?.shortAddress, m.stack.shortAddress);
    assert.equal(tcStack.shortAddressOf(m.stack.eui64), m.stack.shortAddress);
    const tk = net.network.timeline.find((e) => e.what === "Transport Key (network key)");
    assert.ok(tk);
    assert.equal(tk.key, "key-transport key of install-code link key");
  });

  it("refuses a device without an install code, and one with only a plain key under the policy", async () => {
    const net = makeNet(8);
    const { tc } = makeTc(net);
    const a = makeJoiner(net, { eui64: "0000000000000a02", name: "stranger" });
    const b = makeJoiner(net, { eui64: "0000000000000a03", name: "plain" });
    tc.addDeviceLinkKey(b.stack.eui64, b.code.linkKey);
    const pa = a.node.start();
    const pb = b.node.start();
    await net.clock.run();
    assert.equal((await pa).join.status, "REFUSED");
    assert.equal((await pb).join.status, "REFUSED");
    assert.equal(a.stack.networkKey, undefined);
    const reasons = new Map(tc.refused.map((r) => [r.eui64, r.reason]));
    assert.equal(reasons.size, 2);
    assert.match(reasons.get(a.stack.eui64) ?? "", /no install code/);
    assert.match(reasons.get(b.stack.eui64) ?? "", /install code required/);
  });

  it("a joiner holding the wrong install-code key cannot read the network key: frame dropped and reported", async () => {
    const net = makeNet(9);
    const { tc } = makeTc(net);
    const m = makeJoiner(net, { eui64: "0000000000000a04", name: "meter" });
    // the TC was given another code for this EUI-64
    tc.addDeviceLinkKeyByInstallCode(m.stack.eui64, makeInstallCode(net.rng.bytes(16)).installCode);
    const failures: string[] = [];
    m.stack.on("security-failure", (f) => failures.push(f.reason));
    const p = m.node.start();
    await net.clock.run();
    const out = await p;
    assert.equal(out.join.status, "TIMEOUT");
    assert.equal(m.stack.networkKey, undefined);
    assert.ok(failures.length >= 1);
    assert.match(failures[0], /MIC_FAILED/);
    assert.ok(
      net.network.timeline.some((e) => e.what === "frame dropped" && /MIC_FAILED/.test(e.note ?? "")),
    );
  });

  it("APS Request Key type 0x04 gives a fresh TC link key held by both sides (4.6.3.6)", async () => {
    const net = makeNet(10);
    const { tc, stack: tcStack } = makeTc(net);
    const m = makeJoiner(net, { eui64: "0000000000000a05", name: "meter" });
    tc.addDeviceLinkKeyByInstallCode(m.stack.eui64, m.code.installCode);
    m.node.setBdb("tcLinkKeyExchangeMethod", 0);
    m.node.setBdb("trustCenterRequiresKeyExchange", 1);
    const p = m.node.start();
    await net.clock.run();
    const out = await p;
    assert.equal(out.keyExchange, "aps-request-key");
    assert.equal(out.keyExchangeStatus, "SUCCESS");
    const key = m.stack.getLinkKey(TC_EUI)!;
    assert.notDeepEqual(key, m.code.linkKey);
    assert.deepEqual(tcStack.getLinkKey(m.stack.eui64), key);
    assert.deepEqual(tc.device(m.stack.eui64)?.tcLinkKey, key);
    const tk = net.network.timeline.find((e) => e.what === "Transport Key (TC link key)");
    assert.equal(tk?.key, "key-transport key of install-code link key");
    assert.equal(toHex(key).length, 32);
  });

  it("key establishment results are recorded for devices in the table only (SE C.4.2)", () => {
    const net = makeNet(11);
    const { tc, stack } = makeTc(net);
    const known = "0000000000000a06";
    tc.addDeviceLinkKeyByInstallCode(known, makeInstallCode(net.rng.bytes(16)).installCode);
    const key = net.rng.bytes(16);
    tc.keyEstablished({ eui64: known, status: "SUCCESS", key, certificateSubject: known });
    assert.deepEqual(tc.device(known)?.tcLinkKey, key);
    assert.equal(tc.device(known)?.keStatus, "SUCCESS");
    assert.deepEqual(stack.getLinkKey(known), key);
    tc.keyEstablished({ eui64: known, status: "BAD_KEY_CONFIRM" });
    assert.deepEqual(tc.device(known)?.tcLinkKey, key, "a failed KE keeps the previous key");
    assert.equal(tc.device(known)?.keStatus, "BAD_KEY_CONFIRM");
    const stranger = "0000000000000a07";
    tc.keyEstablished({ eui64: stranger, status: "SUCCESS", key });
    assert.equal(tc.device(stranger), undefined);
    assert.equal(stack.getLinkKey(stranger), undefined);
  });
});
