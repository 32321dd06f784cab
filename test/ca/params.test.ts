import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  MAX_VALID_FROM,
  NO_EXPIRY,
  parseDuration,
  parseIssuer,
  parseKeyUsage,
  parseProfileData,
  parseSuite,
  parseSuites,
  parseTime,
  validityWindow,
} from "../../src/ca/params.js";
import { isZseError } from "../../src/util/errors.js";

const rejects = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => isZseError(e) && re.test(e.message) && !e.message.includes("\n"));

describe("CA operator input (SE 07-5356 C.4.2.2.4 field sizes)", () => {
  it("suites", () => {
    assert.equal(parseSuite("1"), 1);
    assert.equal(parseSuite("2"), 2);
    assert.deepEqual(parseSuites("both"), [1, 2]);
    rejects(() => parseSuite("3"), /--suite: unknown suite "3"/);
    rejects(() => parseSuites("12"), /unknown suite/);
  });

  it("issuer: 16 hex digits or 8 ASCII characters", () => {
    assert.deepEqual(Array.from(parseIssuer("TESTSECA")), [0x54, 0x45, 0x53, 0x54, 0x53, 0x45, 0x43, 0x41]);
    assert.deepEqual(Array.from(parseIssuer("11:12:13:14:15:16:17:18")), [17, 18, 19, 20, 21, 22, 23, 24]);
    rejects(() => parseIssuer("TESTSEC"), /--issuer: "TESTSEC" is neither/);
    rejects(() => parseIssuer("1112131415161718aa"), /neither 8 bytes/);
    rejects(() => parseIssuer("zz12131415161718"), /neither/);
  });

  it("times: ISO 8601 or Unix seconds, as Date.UTC reads them", () => {
    assert.equal(parseTime("2013-11-25T00:00:00Z"), Date.UTC(2013, 10, 25) / 1000);
    assert.equal(parseTime("2026-02-28"), Date.UTC(2026, 1, 28) / 1000);
    assert.equal(parseTime("2026-02-28T12:30"), Date.UTC(2026, 1, 28, 12, 30) / 1000);
    assert.equal(parseTime("2026-02-28T12:30:00+02:00"), Date.UTC(2026, 1, 28, 10, 30) / 1000);
    assert.equal(parseTime("1385337738"), 1385337738);
    assert.equal(parseTime(String(MAX_VALID_FROM)), MAX_VALID_FROM);
    rejects(() => parseTime("2026-02-30"), /no such date/);
    rejects(() => parseTime("2026-13-01"), /no such date/);
    rejects(() => parseTime("2026-01-01T24:00"), /no such time/);
    rejects(() => parseTime("yesterday"), /--valid-from: "yesterday" is not an ISO 8601 time/);
    rejects(() => parseTime(String(MAX_VALID_FROM + 1)), /40-bit/);
    rejects(() => parseTime("-5"), /not an ISO/);
  });

  it("durations", () => {
    assert.equal(parseDuration("3600"), 3600);
    assert.equal(parseDuration("12h"), 12 * 3600);
    assert.equal(parseDuration("1y30d"), 395 * 86400);
    assert.equal(parseDuration("2w"), 14 * 86400);
    rejects(() => parseDuration("0"), /not a positive duration/);
    rejects(() => parseDuration("-1d"), /--valid-for: "-1d" is not a duration/);
    rejects(() => parseDuration("10 years"), /not a duration/);
    rejects(() => parseDuration("200y"), /beyond the 32-bit/);
    rejects(() => parseDuration(String(NO_EXPIRY)), /beyond the 32-bit/);
  });

  it("key usage", () => {
    assert.equal(parseKeyUsage("agreement"), 0x08);
    assert.equal(parseKeyUsage("agreement,signature"), 0x88);
    assert.equal(parseKeyUsage("0x80"), 0x80);
    rejects(() => parseKeyUsage("encipherment"), /unknown key usage "encipherment"/);
    rejects(() => parseKeyUsage("0x01"), /bits other than/);
  });

  it("profile data is 10 bytes", () => {
    assert.equal(parseProfileData("54455354534543410109").length, 10);
    rejects(() => parseProfileData("0102"), /--profile-data: 2 bytes, expected 10/);
  });

  it("validity windows", () => {
    assert.deepEqual(validityWindow({ validFrom: 100 }), { validFrom: 100, validFor: NO_EXPIRY });
    assert.deepEqual(validityWindow({ validFrom: 100, until: 160 }), { validFrom: 100, validFor: 60 });
    rejects(() => validityWindow({ validFrom: 100, until: 100 }), /ends .* before it starts/);
    rejects(() => validityWindow({ validFrom: 100, until: 50 }), /ends .* before it starts/);
    rejects(() => validityWindow({ validFrom: -1 }), /40-bit/);
  });
});
