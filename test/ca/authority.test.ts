import { strict as assert } from "node:assert";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CertificateAuthority, initCa } from "../../src/ca/authority.js";
import { curveForSuite } from "../../src/crypto/curves.js";
import { checkCertificate } from "../../src/se/certificate-checks.js";
import { parseRevocationList } from "../../src/se/revocation.js";
import { fromHex } from "../../src/util/bytes.js";
import { isZseError } from "../../src/util/errors.js";
import { SeededRng } from "../../src/util/rng.js";

describe("Certificate Authority directory (keys, registry, revocation list for a Trust Center)", () => {
  it("init writes 0600 key files matching the registry, issue records, export feeds se's revocation check", () => {
    const root = mkdtempSync(join(tmpdir(), "zse-auth-"));
    try {
      const dir = join(root, "ca");
      const rng = new SeededRng("authority");
      const res = initCa({ dir, suites: [2], issuer: new TextEncoder().encode("TESTSECA"), rng, now: 10 });
      assert.equal(res.issuer, "5445535453454341");
      assert.equal(statSync(join(dir, "ca-suite2.key")).mode & 0o777, 0o600);
      const file = JSON.parse(readFileSync(join(dir, "ca-suite2.key"), "utf8"));
      const c = curveForSuite(2);
      assert.equal(
        Buffer.from(c.encodePoint(c.mulBase(c.scalarFromBytes(fromHex(file.privateKey))))).toString("hex"),
        res.keys[0].publicKey,
      );
      assert.throws(
        () => initCa({ dir, suites: [1], rng, now: 11 }),
        (e: unknown) => isZseError(e, "EXISTS"),
      );

      const ca = CertificateAuthority.open(dir);
      assert.throws(
        () => ca.issue({ suite: 1, subject: new Uint8Array(8), rng, now: 12 }),
        (e: unknown) => isZseError(e, "NOT_FOUND") && /no suite 1 key/.test(e.message),
      );
      const a = ca.issue({ suite: 2, subject: fromHex("0000000000000aaa"), validFrom: 100, rng, now: 12 });
      const b = ca.issue({ suite: 2, subject: fromHex("0000000000000bbb"), validFrom: 100, rng, now: 12 });
      assert.notEqual(a.serial, b.serial);
      assert.equal(ca.registry.count(), 2);
      ca.registry.revoke({ serial: a.serial, now: 13 });
      const list = parseRevocationList(JSON.stringify(ca.exportData({ revoked: true })));
      const issuers = [fromHex(ca.issuer)];
      const pa = checkCertificate(fromHex(a.certificate), { issuers, revoked: list });
      const pb = checkCertificate(fromHex(b.certificate), { issuers, revoked: list });
      assert.deepEqual(
        pa.map((p) => p.code),
        ["REVOKED"],
      );
      assert.deepEqual(pb, []);
      ca.close();

      // a key file others can read is refused; so is one that does not match the registry
      const again = CertificateAuthority.open(dir);
      chmodSync(join(dir, "ca-suite2.key"), 0o644);
      assert.throws(
        () => again.key(2),
        (e: unknown) => isZseError(e, "BAD_STATE") && /chmod 600/.test(e.message),
      );
      chmodSync(join(dir, "ca-suite2.key"), 0o600);
      writeFileSync(
        join(dir, "ca-suite2.key"),
        JSON.stringify({ ...file, privateKey: `${"00".repeat(35)}07` }),
      );
      assert.throws(
        () => again.key(2),
        (e: unknown) => isZseError(e, "BAD_STATE") && /does not match/.test(e.message),
      );
      again.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
