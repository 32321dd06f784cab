import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { zse } from "../support/cli.js";

describe("zse install-code / hash (CLI contract, ARCHITECTURE.md)", () => {
  it("prints the link key of the issue's example", () => {
    const r = zse(["install-code", "83FED3407A939723A5C639B26916D505C3B5"]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /66b6900981e1ee3ca4206b6b861c02bb/);
  });
  it("--json prints exactly one document with lower-case hex and the EUI-64 of a label", () => {
    const r = zse([
      "install-code",
      "Z:00112233AABBCCDD$I:83FE:D340:7A93:9723:A5C6:39B2:6916:D505:C3B5",
      "--json",
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      installCode: "83fed3407a939723a5c639b26916d505c3b5",
      crc: "b5c3",
      linkKey: "66b6900981e1ee3ca4206b6b861c02bb",
      eui64: "00112233aabbccdd",
    });
  });
  it("a wrong CRC: exit 2, one line on stderr naming the right CRC, nothing on stdout", () => {
    const r = zse(["install-code", "83FED3407A939723A5C639B26916D505C3B6", "--json"]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /0xb5c3/);
    const fixed = zse(["install-code", "83FED3407A939723A5C639B26916D505C3B6", "--fix-crc", "--json"]);
    assert.equal(fixed.status, 0);
    assert.equal(JSON.parse(fixed.stdout).crcRepaired, true);
  });
  it("--size settles an 8-byte code; a bad --size is refused", () => {
    const r = zse(["install-code", "1122334455667788", "--fix-crc", "--size", "8", "--json"]);
    assert.equal(JSON.parse(r.stdout).linkKey, "41618fc0c83b0e14a589954b16e31466");
    const bad = zse(["install-code", "1122334455667788", "--size", "7"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--size/);
  });
  it("hash: C.5.1 and an odd-length input error", () => {
    assert.deepEqual(JSON.parse(zse(["hash", "c0", "--json"]).stdout), {
      digest: "ae3a102a28d43ee0d4a09e22788b206c",
    });
    const bad = zse(["hash", "c0c"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /odd number of hex digits/);
  });
  it("--help on every subcommand and --version", () => {
    for (const sub of [[], ["install-code"], ["hash"]]) {
      const r = zse([...sub, "--help"]);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /Usage: zse/);
    }
    assert.match(zse(["--version"]).stdout, /^\d+\.\d+\.\d+/);
  });
  it("an unknown subcommand or option exits non-zero with one line", () => {
    const r = zse(["frobnicate"]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /unknown command/);
    const o = zse(["hash", "c0", "--bogus"]);
    assert.notEqual(o.status, 0);
    assert.match(o.stderr, /unknown option/);
  });
});
