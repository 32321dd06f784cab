import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  batchLine,
  csvHeader,
  exportC,
  type IssuedView,
  issuedC,
  issuedHex,
  issuedJson,
} from "../../src/ca/formats.js";

// The zsmartsystems suite 2 vector (test/vectors/ecqv_suite2.json) as a view.
import vectors from "../vectors/ecqv_suite2.json" with { type: "json" };

const v2 = vectors.vectors[2];
const view: IssuedView = {
  suite: 2,
  serial: "0b3ad5a312ab75d6",
  subject: "0022080000000001",
  issuer: "1112131415161718",
  validFrom: 0x5b7ed230,
  validTime: 0xffffffff,
  keyUsage: 0x08,
  certificate: v2.certificate,
  publicKey: v2.public_key,
  privateKey: v2.private_key,
  caPublicKey: v2.ca_public_key,
};

function hasGcc(): boolean {
  try {
    execFileSync("gcc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("CA output formats", () => {
  it("JSON shows validity as ISO dates and key usage by name", () => {
    const j = issuedJson(view);
    assert.equal(j.validFrom, new Date(0x5b7ed230 * 1000).toISOString().replace(".000Z", "Z"));
    assert.equal(j.validTo, null);
    assert.deepEqual(j.keyUsage, ["keyAgreement"]);
    assert.equal(j.certificate, v2.certificate);
  });

  it("hex lines carry every item once", () => {
    const lines = issuedHex(view).split("\n");
    assert.deepEqual(
      lines.map((l) => l.split(/\s+/)[0]),
      ["serial", "subject", "certificate", "publicKey", "privateKey", "caPublicKey"],
    );
    assert.ok(lines.includes(`certificate    ${v2.certificate}`));
  });

  it("batch rows: JSON Lines and CSV", () => {
    const j = JSON.parse(batchLine({ format: "jsonl", index: 7, view }));
    assert.equal(j.index, 7);
    assert.equal(j.privateKey, v2.private_key);
    const cells = batchLine({ format: "csv", index: 7, view }).split(",");
    assert.equal(cells.length, csvHeader().split(",").length);
    assert.equal(cells[3], v2.certificate);
  });

  for (const suite of [1, 2] as const) {
    it(`C arrays (suite ${suite}) compile with gcc and hold the bytes with the seed's sizes`, {
      skip: !hasGcc(),
    }, () => {
      const v: IssuedView =
        suite === 2
          ? view
          : {
              suite: 1,
              serial: "0000000000000001",
              subject: "aaaaaaaaaaaaaaaa",
              issuer: "5445535453454341",
              certificate:
                "0301d1d6fbe9bcc44e22ad5760df233b7e3c7f349567aaaaaaaaaaaaaaaa54455354534543410109108301234567890a",
              publicKey: "0306b3e50a9caeaa8199e4b5f8b8f60d068241f19496",
              privateKey: "006298aea6848a9b2f4cb39239cfadb38146c95961",
              caPublicKey: "0200fde8a7f3d1084224962a4e7c54e69ac3f04da6b8",
            };
      const dir = mkdtempSync(join(tmpdir(), "zse-c-"));
      try {
        const n = suite === 2 ? "CBKE2_" : "CBKE_";
        const main = `${issuedC(v)}
#include <stdio.h>
static void dump(const uint8_t *p, unsigned n) { for (unsigned i = 0; i < n; i++) printf("%02x", p[i]); printf(" %u\\n", n); }
int main(void) {
  dump(szZibgeeCbkeCert${suite}, sizeof szZibgeeCbkeCert${suite});
  dump(szZibgeeCbkeCaPublic${suite}, ${n}COMPRESSED_PUBLIC_KEY_SIZE);
  dump(szZibgeeCbkePrivate${suite}, ${n}PRIVATE_KEY_SIZE);
  return 0;
}
`;
        writeFileSync(join(dir, "m.c"), main);
        execFileSync("gcc", ["-std=c99", "-Wall", "-Werror", "-o", join(dir, "m"), join(dir, "m.c")]);
        const out = execFileSync(join(dir, "m"), { encoding: "utf8" }).trim().split("\n");
        const sizes = suite === 2 ? [74, 37, 36] : [48, 22, 21];
        assert.deepEqual(out, [
          `${v.certificate} ${sizes[0]}`,
          `${v.caPublicKey} ${sizes[1]}`,
          `${v.privateKey} ${sizes[2]}`,
        ]);
      } finally {
        rmSync(dir, { recursive: true });
      }
    });
  }

  it("export C arrays compile with gcc: CA public keys and the revoked certificates", {
    skip: !hasGcc(),
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "zse-cx-"));
    try {
      const h = exportC({
        issuer: "1112131415161718",
        caPublicKeys: [{ suite: 2, publicKey: v2.ca_public_key }],
        revoked: [
          { suite: 2, serial: "0b3ad5a312ab75d6", subject: "0022080000000001", certificate: v2.certificate },
        ],
      });
      const main = `${h}
#include <stdio.h>
int main(void) {
  for (unsigned i = 0; i < ZSE_REVOKED_COUNT2; i++)
    for (unsigned j = 0; j < CBKE2_CERTIFICATE_SIZE; j++) printf("%02x", zseRevokedCertificates2[i][j]);
  printf(" %u %u\\n", (unsigned)ZSE_REVOKED_COUNT1, (unsigned)sizeof szZibgeeCbkeCaPublic2);
  return 0;
}
`;
      writeFileSync(join(dir, "m.c"), main);
      execFileSync("gcc", ["-std=c99", "-Wall", "-Werror", "-o", join(dir, "m"), join(dir, "m.c")]);
      assert.equal(execFileSync(join(dir, "m"), { encoding: "utf8" }).trim(), `${v2.certificate} 0 37`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
