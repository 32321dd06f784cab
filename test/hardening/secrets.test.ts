/**
 * Secrets (issue 9 item 4): link keys and the network key never appear in `zse simulate`'s
 * output or timeline unless --show-keys is given; files holding keys (Wireshark keys file, CA
 * key files, CA registry, Trust Center store) are owner-only (0600); the KE engines wipe each
 * ephemeral private key (SE 07-5356 C.4.2.2.3) once the session is past it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { initCa, keyFileName } from "../../src/ca/authority.js";
import { KeInitiator } from "../../src/engine/ke-initiator.js";
import { KeResponder } from "../../src/engine/ke-responder.js";
import { runKeExchange } from "../../src/engine/ke-runner.js";
import type { KeCrypto } from "../../src/engine/ke-types.js";
import { parseKeysFile } from "../../src/net/keys-file.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { toHex } from "../../src/util/bytes.js";
import { SeededRng } from "../../src/util/rng.js";
import { fakeCredentials, fakeCrypto } from "../engine/ke-fake-crypto.js";
import { zse } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "zse-secrets-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const mode = (p: string) => statSync(p).mode & 0o777;

/** Every spelling of a key a log could use: plain, upper case, separated by colons or spaces. */
function spellings(hex: string): string[] {
  const pairs = hex.match(/../g) ?? [];
  return [hex, hex.toUpperCase(), pairs.join(":"), pairs.join(" "), pairs.join(":").toUpperCase()];
}

describe("zse simulate keeps keys out of its output", () => {
  const keysFile = join(dir, "run.keys");
  // a pre-existing, world-readable file must end up owner-only too
  writeFileSync(keysFile, "old\n", { mode: 0o644 });
  const plain = zse(["simulate", "--devices", "2", "--json", "--keys", keysFile]);
  const text = zse(["simulate", "--devices", "2", "--keys", keysFile]);
  const keys = parseKeysFile(readFileSync(keysFile, "utf8")).map((k) => toHex(k.key));

  it("without --show-keys no key of the run is in stdout, stderr or the timeline", () => {
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(text.status, 0, text.stderr);
    assert.ok(keys.length >= 6, `only ${keys.length} keys in the keys file`);
    assert.ok(JSON.parse(plain.stdout).timeline.length > 0, "the timeline is in the output");
    for (const k of keys) {
      for (const s of spellings(k)) {
        for (const out of [plain.stdout, plain.stderr, text.stdout, text.stderr]) {
          assert.ok(!out.includes(s), `key ${k} printed without --show-keys`);
        }
      }
    }
  });

  it("with --show-keys the link keys are printed", () => {
    const shown = zse(["simulate", "--devices", "2", "--json", "--show-keys"]);
    assert.equal(shown.status, 0, shown.stderr);
    const linkKeys = (JSON.parse(shown.stdout).devices as { linkKeys: { key?: string }[] }[]).flatMap((d) =>
      d.linkKeys.map((k) => k.key),
    );
    assert.ok(linkKeys.length >= 3);
    for (const k of linkKeys) assert.match(k ?? "", /^[0-9a-f]{32}$/);
    // the same seed gives the same keys: each printed key is one of the run's keys
    for (const k of linkKeys) assert.ok(keys.includes(k as string), `${k} is not a key of the run`);
  });

  it("the keys file is owner-only, even when it existed before", () => {
    assert.equal(mode(keysFile), 0o600);
  });
});

describe("key files are owner-only (0600)", () => {
  it("CA key files and the CA registry", () => {
    const caDir = join(dir, "ca");
    initCa({ dir: caDir, suites: [1, 2], rng: new SeededRng(1), now: 1 });
    for (const s of [1, 2] as const) assert.equal(mode(join(caDir, keyFileName(s))), 0o600, keyFileName(s));
    assert.equal(mode(join(caDir, "ca.db")), 0o600, "ca.db holds generated private keys");
  });

  it("the Trust Center store and its WAL files", () => {
    const path = join(dir, "tc.db");
    const store = new SqliteStore(path);
    store.putDevice({ eui64: "0000000000000001", tcLinkKey: new Uint8Array(16).fill(9) });
    assert.equal(mode(path), 0o600);
    for (const extra of ["-wal", "-shm"]) {
      try {
        assert.equal(mode(path + extra), 0o600, extra);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    }
    store.close();
  });

  it("zse simulate --db writes its store owner-only", () => {
    const db = join(dir, "sim.db");
    const r = zse(["simulate", "--db", db, "--json"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(mode(db), 0o600);
  });
});

describe("ephemeral private keys are wiped (SE 07-5356 C.4.2.2.3)", () => {
  function recording(): { crypto: KeCrypto; privates: Uint8Array[] } {
    const privates: Uint8Array[] = [];
    const crypto: KeCrypto = {
      ...fakeCrypto,
      generateEphemeral(suite, rng) {
        const k = fakeCrypto.generateEphemeral(suite, rng);
        privates.push(k.privateKey);
        return k;
      },
    };
    return { crypto, privates };
  }
  const U = "0000000000000002";
  const V = "0000000000000001";

  for (const ending of ["SUCCESS", "BAD_KEY_CONFIRM"] as const) {
    it(`initiator and responder zero theirs after a session ending ${ending}`, () => {
      const rec = recording();
      const initiator = new KeInitiator({
        identity: { eui64: U, credentials: { 2: fakeCredentials(2, U) } },
        crypto: rec.crypto,
        rng: new SeededRng("i"),
      });
      const responderCrypto: KeCrypto =
        ending === "SUCCESS"
          ? rec.crypto
          : {
              ...rec.crypto,
              derive: (input) => {
                const r = rec.crypto.derive(input);
                return { ...r, macU: r.macU.map((b) => b ^ 1) };
              },
            };
      const responder = new KeResponder({
        identity: { eui64: V, credentials: { 2: fakeCredentials(2, V) } },
        crypto: responderCrypto,
        rng: new SeededRng("r"),
      });
      const r = runKeExchange({ initiator, responder });
      assert.equal(r.responder?.status, ending);
      assert.equal(rec.privates.length, 2, "one ephemeral key per side");
      for (const k of rec.privates)
        assert.ok(
          k.every((b) => b === 0),
          `not wiped: ${toHex(k)}`,
        );
    });
  }
});
