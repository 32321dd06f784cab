import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { curveForSuite } from "../../src/crypto/curves.js";
import { decodeCertificate } from "../../src/se/certificate.js";
import { certificatePublicKey } from "../../src/se/certificate-key.js";
import { fromHex, toHex } from "../../src/util/bytes.js";
import { SeededRng } from "../../src/util/rng.js";
import { dumpRegistry, zseAsync } from "../support/ca-cli.js";

const root = mkdtempSync(join(tmpdir(), "zse-ca-cli-"));
const dir = join(root, "ca");
let caKeys: Record<number, string> = {};

describe("zse ca (issue 4)", () => {
  before(async () => {
    const r = await zseAsync([
      "ca",
      "init",
      "--dir",
      dir,
      "--suite",
      "both",
      "--issuer",
      "TESTSECA",
      "--json",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.issuer, "5445535453454341");
    caKeys = Object.fromEntries(
      j.keys.map((k: { suite: number; publicKey: string }) => [k.suite, k.publicKey]),
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("init: private key files are owner-only; a second init is refused and changes nothing", async () => {
    for (const s of [1, 2]) assert.equal(statSync(join(dir, `ca-suite${s}.key`)).mode & 0o777, 0o600);
    const before = dumpRegistry(dir);
    const keyBefore = readFileSync(join(dir, "ca-suite2.key"), "utf8");
    const r = await zseAsync(["ca", "init", "--dir", dir]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^zse: .*refusing to overwrite an existing CA\n$/);
    assert.equal(dumpRegistry(dir), before);
    assert.equal(readFileSync(join(dir, "ca-suite2.key"), "utf8"), keyBefore);
  });

  it("issue (suite 2, generated key pair, JSON): committed, and the certificate reconstructs to the printed key", async () => {
    const r = await zseAsync([
      "ca",
      "issue",
      "--dir",
      dir,
      "--subject",
      "00:11:22:33:44:55:66:77",
      "--valid-from",
      "2026-01-01",
      "--valid-for",
      "365d",
      "--key-usage",
      "agreement,signature",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.validFrom, "2026-01-01T00:00:00Z");
    assert.equal(j.validTo, "2027-01-01T00:00:00Z");
    assert.deepEqual(j.keyUsage, ["digitalSignature", "keyAgreement"]);
    assert.equal(j.caPublicKey, caKeys[2]);
    const cert = fromHex(j.certificate);
    assert.equal(
      toHex(certificatePublicKey({ certificate: cert, caPublicKey: fromHex(caKeys[2]) })),
      j.publicKey,
    );
    const c = curveForSuite(2);
    assert.equal(toHex(c.encodePoint(c.mulBase(c.scalarFromBytes(fromHex(j.privateKey))))), j.publicKey);
    const d = decodeCertificate(cert);
    assert.equal(d.suite, 2);
    assert.equal(toHex(d.suite === 2 ? d.serial : new Uint8Array()), j.serial);
    const list = JSON.parse((await zseAsync(["ca", "list", "--dir", dir, "--json"])).stdout);
    assert.ok(list.certificates.some((x: { certificate: string }) => x.certificate === j.certificate));
  });

  it("issue --format c (suite 1) prints the seed's arrays with their sizes", async () => {
    const r = await zseAsync([
      "ca",
      "issue",
      "--dir",
      dir,
      "--suite",
      "1",
      "--subject",
      "0011223344556677",
      "--format",
      "c",
    ]);
    assert.equal(r.status, 0, r.stderr);
    for (const s of [
      "szZibgeeCbkeCert1[CBKE_CERTIFICATE_SIZE]",
      "szZibgeeCbkeCaPublic1[CBKE_COMPRESSED_PUBLIC_KEY_SIZE]",
      "szZibgeeCbkePrivate1[CBKE_PRIVATE_KEY_SIZE]",
      "#define CBKE_CERTIFICATE_SIZE 48U",
    ]) {
      assert.ok(r.stdout.includes(s), s);
    }
  });

  it("request mode: issue --request then cert private yields the key of the certificate", async () => {
    const c = curveForSuite(2);
    const k = c.randomScalar(new SeededRng(7));
    const request = toHex(c.encodePoint(c.mulBase(k)));
    const r = await zseAsync([
      "ca",
      "issue",
      "--dir",
      dir,
      "--subject",
      "0011223344550001",
      "--request",
      request,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.privateKey, undefined);
    const p = await zseAsync([
      "cert",
      "private",
      "--certificate",
      j.certificate,
      "--request-secret",
      toHex(c.scalarToBytes(k)),
      "--reconstruction",
      j.reconstruction,
      "--ca-public-key",
      j.caPublicKey,
      "--json",
    ]);
    assert.equal(p.status, 0, p.stderr);
    const q = JSON.parse(p.stdout);
    assert.equal(q.publicKey, j.publicKey);
    const wrong = await zseAsync([
      "cert",
      "private",
      "--certificate",
      j.certificate,
      "--request-secret",
      toHex(c.scalarToBytes(k + 1n)),
      "--reconstruction",
      j.reconstruction,
      "--ca-public-key",
      j.caPublicKey,
    ]);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /^zse: private key does not match/);
  });

  it("revoke and export: the revocation list holds the revoked certificate", async () => {
    const issued = JSON.parse(
      (await zseAsync(["ca", "issue", "--dir", dir, "--subject", "00112233445500aa", "--format", "json"]))
        .stdout,
    );
    const r = await zseAsync(["ca", "revoke", "--dir", dir, "--serial", issued.serial, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).revoked[0].serial, issued.serial);
    const again = await zseAsync(["ca", "revoke", "--dir", dir, "--serial", issued.serial]);
    assert.equal(again.status, 2);
    const e = JSON.parse((await zseAsync(["ca", "export", "--dir", dir, "--revoked"])).stdout);
    assert.deepEqual(
      e.caPublicKeys.map((k: { publicKey: string }) => k.publicKey),
      [caKeys[1], caKeys[2]],
    );
    assert.ok(e.revocationList.serials.includes(issued.serial));
    assert.ok(e.revocationList.certificates.includes(issued.certificate));
    const cOut = (await zseAsync(["ca", "export", "--dir", dir, "--revoked", "--format", "c"])).stdout;
    assert.match(cOut, /zseRevokedCertificates2\[ZSE_REVOKED_COUNT2\]\[CBKE2_CERTIFICATE_SIZE\]/);
    // the subject is free again
    const re = await zseAsync(["ca", "issue", "--dir", dir, "--subject", "00112233445500aa"]);
    assert.equal(re.status, 0, re.stderr);
  });

  it("--out: the whole document, owner-only for an issued key, replacing an older file; no temporary file left", async () => {
    const outDir = mkdtempSync(join(root, "out-"));
    const certOut = join(outDir, "cert.json");
    writeFileSync(certOut, "old contents", { mode: 0o644 });
    const r = await zseAsync([
      "ca",
      "issue",
      "--dir",
      dir,
      "--subject",
      "00112233445500bb",
      "--out",
      certOut,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "");
    const doc = JSON.parse(readFileSync(certOut, "utf8"));
    assert.match(doc.privateKey, /^[0-9a-f]+$/);
    assert.equal(decodeCertificate(fromHex(doc.certificate)).suite, 2);
    if (process.platform !== "win32") assert.equal(statSync(certOut).mode & 0o777, 0o600);
    const exportOut = join(outDir, "export.json");
    const e = await zseAsync(["ca", "export", "--dir", dir, "--out", exportOut]);
    assert.equal(e.status, 0, e.stderr);
    assert.deepEqual(
      JSON.parse(readFileSync(exportOut, "utf8")).caPublicKeys.map((k: { publicKey: string }) => k.publicKey),
      [caKeys[1], caKeys[2]],
    );
    assert.deepEqual(readdirSync(outDir).sort(), ["cert.json", "export.json"]);
  });

  it("bad input: one line on stderr, exit 2, registry unchanged", async () => {
    const offCurve = (() => {
      const c = curveForSuite(2);
      const b = new Uint8Array(37).fill(0x5a);
      b[0] = 0x02;
      b[1] = 0x01;
      for (let i = 0; ; i++) {
        b[36] = i;
        try {
          c.decodePoint(b);
        } catch {
          return toHex(b);
        }
      }
    })();
    const cases: [string[], RegExp][] = [
      [["--subject", "00112233"], /--subject: "00112233" is not an EUI-64/],
      [["--subject", "0011223344556678", "--suite", "3"], /--suite: unknown suite "3"/],
      [["--subject", "0011223344556678", "--valid-from", "2026-02-30"], /--valid-from: .* no such date/],
      [
        ["--subject", "0011223344556678", "--valid-for", "10 years"],
        /--valid-for: "10 years" is not a duration/,
      ],
      [
        ["--subject", "0011223344556678", "--valid-from", "2026-01-01", "--valid-until", "2025-01-01"],
        /ends .* before it starts/,
      ],
      [["--subject", "0011223344556678", "--request", offCurve], /--request/],
      [["--subject", "0011223344556677"], /already holds a live/],
      [
        ["--subject", "0011223344556678", "--suite", "1", "--valid-for", "1y"],
        /suite 1 certificates carry no validity/,
      ],
      [["--subject", "0011223344556678", "--format", "pem"], /--format: "pem"/],
      // an output file that cannot be written: refused before issuing (its private key would be lost)
      [
        ["--subject", "0011223344556678", "--out", join(dir, "no-such-dir", "cert.json")],
        /--out: cannot write .*cert\.json.*ENOENT/,
      ],
      [
        ["--subject", "0011223344556678", "--count", "3", "--out", join(dir, "no-such-dir", "b.jsonl")],
        /--out: cannot write .*b\.jsonl.*ENOENT/,
      ],
      [["--subject", "0011223344556678", "--out", dir], /--out: ".*" exists and is not a regular file/],
    ];
    const before = dumpRegistry(dir);
    const runs = await Promise.all(cases.map(([args]) => zseAsync(["ca", "issue", "--dir", dir, ...args])));
    runs.forEach((r, i) => {
      assert.equal(r.status, 2, `${cases[i][0].join(" ")}: ${r.stdout}`);
      assert.match(r.stderr, cases[i][1]);
      assert.equal(r.stderr.split("\n").length, 2, r.stderr);
      assert.equal(r.stdout, "");
    });
    assert.equal(dumpRegistry(dir), before);
    // a bad issuer creates no CA at all
    const other = join(root, "other");
    const bad = await zseAsync(["ca", "init", "--dir", other, "--issuer", "TOOLONGISSUER"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^zse: --issuer: "TOOLONGISSUER" is neither/);
    assert.equal(existsSync(join(other, "ca.db")), false);
  });
});
