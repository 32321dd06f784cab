/**
 * The Certificate Authority as a whole: a directory holding one CA key pair per suite (private
 * key files mode 0600) and the SQLite registry. `initCa` creates it; `CertificateAuthority`
 * issues (committing every certificate to the registry before handing it out), revokes and
 * exports the CA public keys and the revocation list a Trust Center loads (SE 07-5356 C.3.1.2:
 * a partner whose issuer is unknown or whose certificate is refused gets no link key).
 * Keys: sect163k1 (suite 1) and sect283k1 (suite 2), SEC 1 compressed public keys.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { curveForSuite } from "../crypto/curves.js";
import { fromHex, toHex } from "../util/bytes.js";
import { ZseError } from "../util/errors.js";
import type { Rng } from "../util/rng.js";
import { readSecretFile, writeNewSecretFile } from "./files.js";
import type { IssuedView } from "./formats.js";
import { type CertificateTemplate, issueCertificate } from "./issue.js";
import { isoSeconds, NO_EXPIRY, type Suite } from "./params.js";
import { CaRegistry, type CertificateRecord, REGISTRY_FILE, serialHex } from "./registry.js";

/** Name of the private key file of `suite` inside the CA directory. */
export function keyFileName(suite: Suite): string {
  return `ca-suite${suite}.key`;
}

interface KeyFile {
  suite: Suite;
  curve: string;
  privateKey: string;
  publicKey: string;
}

/**
 * Creates a CA in `dir`: key pairs for `suites`, the registry, the issuer (8 bytes; random when
 * not given). EXISTS when `dir` already holds a registry or a key file (nothing is overwritten).
 */
export function initCa(opts: { dir: string; suites: Suite[]; issuer?: Uint8Array; rng: Rng; now: number }): {
  issuer: string;
  keys: { suite: Suite; publicKey: string; keyFile: string }[];
} {
  mkdirSync(opts.dir, { recursive: true });
  const paths = [
    join(opts.dir, REGISTRY_FILE),
    ...([1, 2] as const).map((s) => join(opts.dir, keyFileName(s))),
  ];
  for (const p of paths) {
    if (existsSync(p))
      throw new ZseError("EXISTS", `--dir: ${p} exists, refusing to overwrite an existing CA`);
  }
  const issuer = toHex(opts.issuer ?? opts.rng.bytes(8));
  const keys = [...new Set(opts.suites)].sort().map((suite) => {
    const curve = curveForSuite(suite);
    const d = curve.randomScalar(opts.rng);
    const publicKey = toHex(curve.encodePoint(curve.mulBase(d, { secret: true })));
    const keyFile = keyFileName(suite);
    const content: KeyFile = {
      suite,
      curve: curve.name,
      privateKey: toHex(curve.scalarToBytes(d)),
      publicKey,
    };
    writeNewSecretFile(join(opts.dir, keyFile), `${JSON.stringify(content, null, 2)}\n`);
    return { suite, publicKey, keyFile };
  });
  const reg = CaRegistry.create({
    dir: opts.dir,
    issuer,
    now: opts.now,
    init: (r) => {
      for (const k of keys) r.addCaKey({ ...k, now: opts.now });
    },
  });
  reg.close();
  return { issuer, keys };
}

/** What `issue` needs beyond the CA: the certificate's own fields. */
export interface IssueRequest {
  suite: Suite;
  subject: Uint8Array;
  /** Suite 2 fields. */
  validFrom?: number;
  validTime?: number;
  keyUsage?: number;
  /** Suite 1 profile attribute data (10 bytes, default zeros). */
  profileData?: Uint8Array;
  /** The device's request point R_U; absent: the CA generates the key pair. */
  requestPoint?: Uint8Array;
}

/** Registry record -> output view. */
export function recordView(
  rec: CertificateRecord,
  caPublicKey: string,
  extra: { reconstruction?: string } = {},
): IssuedView {
  const v: IssuedView = {
    suite: rec.suite,
    serial: rec.serial,
    subject: rec.subject,
    issuer: rec.issuer,
    certificate: rec.certificate,
    publicKey: rec.publicKey,
    caPublicKey,
  };
  if (rec.suite === 2) {
    v.validFrom = rec.validFrom ?? 0;
    v.validTime = rec.validFor ?? NO_EXPIRY;
    v.keyUsage = rec.keyUsage ?? 0;
  }
  if (rec.privateKey !== null) v.privateKey = rec.privateKey;
  if (extra.reconstruction !== undefined) v.reconstruction = extra.reconstruction;
  return v;
}

export class CertificateAuthority {
  readonly dir: string;
  readonly registry: CaRegistry;
  private readonly keys = new Map<Suite, { privateKey: bigint; publicKey: string }>();

  private constructor(dir: string, registry: CaRegistry) {
    this.dir = dir;
    this.registry = registry;
  }

  /** Opens the CA in `dir` (NOT_FOUND when there is none). */
  static open(dir: string): CertificateAuthority {
    return new CertificateAuthority(dir, CaRegistry.open(dir));
  }

  close(): void {
    this.registry.close();
  }

  get issuer(): string {
    return this.registry.issuer;
  }

  /** The CA public key (hex) of `suite`; NOT_FOUND when this CA has no key for it. */
  publicKey(suite: Suite): string {
    const k = this.registry.caKeys().find((x) => x.suite === suite);
    if (!k)
      throw new ZseError(
        "NOT_FOUND",
        `--suite ${suite}: this CA has no suite ${suite} key (zse ca init --suite)`,
      );
    return k.publicKey;
  }

  /** The CA key pair of `suite`, reading its private key file once. */
  key(suite: Suite): { privateKey: bigint; publicKey: string } {
    const cached = this.keys.get(suite);
    if (cached) return cached;
    const publicKey = this.publicKey(suite);
    const path = join(this.dir, keyFileName(suite));
    let file: KeyFile;
    try {
      file = JSON.parse(readSecretFile(path)) as KeyFile;
    } catch (e) {
      if (e instanceof ZseError) throw e;
      throw new ZseError("BAD_FORMAT", `${path}: not a CA key file`);
    }
    const curve = curveForSuite(suite);
    const privateKey = curve.scalarFromBytes(fromHex(file.privateKey, path), path);
    if (toHex(curve.encodePoint(curve.mulBase(privateKey, { secret: true }))) !== publicKey) {
      throw new ZseError(
        "BAD_STATE",
        `${path}: private key does not match the registry's suite ${suite} public key`,
      );
    }
    const k = { privateKey, publicKey };
    this.keys.set(suite, k);
    return k;
  }

  /** Template for `req` with `serial`, defaults filled in (no expiry, key agreement, zero profile data). */
  template(req: IssueRequest, serial: bigint): CertificateTemplate {
    return {
      suite: req.suite,
      serial,
      subject: req.subject,
      issuer: fromHex(this.issuer),
      validFrom: req.validFrom ?? 0,
      validTime: req.validTime ?? NO_EXPIRY,
      keyUsage: req.keyUsage ?? 0x08,
      profileData: req.profileData ?? new Uint8Array(10),
    };
  }

  /**
   * Issues one certificate: allocates its serial, computes it and records it in one
   * transaction; only then returns it. Any failure (subject already live, request point not on
   * the curve) rolls back and leaves the registry unchanged.
   */
  issue(req: IssueRequest & { rng: Rng; now: number }): IssuedView {
    const key = this.key(req.suite);
    const subject = toHex(req.subject);
    if (this.registry.liveBySubject(req.suite, subject)) {
      throw new ZseError(
        "EXISTS",
        `--subject: ${subject} already holds a live suite ${req.suite} certificate (revoke it first)`,
      );
    }
    return this.registry.transaction(() => {
      const serial = this.registry.allocateSerials(1);
      const t = this.template(req, serial);
      const out = issueCertificate({
        template: t,
        caPrivateKey: key.privateKey,
        caPublicKey: fromHex(key.publicKey),
        requestPoint: req.requestPoint,
        rng: req.rng,
      });
      const rec: Omit<CertificateRecord, "revokedAt"> = {
        serial: serialHex(serial),
        suite: req.suite,
        subject,
        issuer: this.issuer,
        validFrom: req.suite === 2 ? t.validFrom : null,
        validFor: req.suite === 2 ? t.validTime : null,
        keyUsage: req.suite === 2 ? t.keyUsage : null,
        certificate: toHex(out.certificate),
        publicKey: toHex(out.publicKey),
        privateKey: out.privateKey ? toHex(out.privateKey) : null,
        mode: req.requestPoint ? "request" : "generated",
        issuedAt: req.now,
        batchId: null,
        batchIndex: null,
      };
      this.registry.insert(rec);
      return recordView({ ...rec, revokedAt: null }, key.publicKey, {
        reconstruction: out.reconstruction && toHex(out.reconstruction),
      });
    });
  }

  /** The CA public keys and, with `revoked`, the revocation list (RevocationList shape of se/certificate-checks). */
  exportData(opts: { revoked?: boolean } = {}): CaExport {
    const out: CaExport = {
      issuer: this.issuer,
      caPublicKeys: this.registry.caKeys().map((k) => ({ suite: k.suite, publicKey: k.publicKey })),
    };
    if (opts.revoked) {
      const rev = this.registry.list({ revoked: true });
      out.revoked = rev.map((r) => ({
        suite: r.suite,
        serial: r.serial,
        subject: r.subject,
        revokedAt: isoSeconds(r.revokedAt ?? 0),
        certificate: r.certificate,
      }));
      out.revocationList = {
        serials: rev.filter((r) => r.suite === 2).map((r) => r.serial),
        certificates: rev.map((r) => r.certificate),
      };
    }
    return out;
  }
}

/** `zse ca export` document. */
export interface CaExport {
  issuer: string;
  caPublicKeys: { suite: Suite; publicKey: string }[];
  revoked?: { suite: Suite; serial: string; subject: string; revokedAt: string; certificate: string }[];
  /** Hex lists in the shape of se's RevocationList: suite 2 serials and whole certificates. */
  revocationList?: { serials: string[]; certificates: string[] };
}
