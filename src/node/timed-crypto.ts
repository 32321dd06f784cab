/**
 * A `KeCrypto` (SE 07-5356 C.4.2 computation behind the KE engines) that adds the time of
 * every call to a shared account: the simulation reports how much of a handshake's CPU is the
 * CBKE cryptography (ephemeral keys, certificate checks, ECQV + ECMQV + KDF + MACs) and how
 * much the stacks, frames and engines around it. The calls are synchronous and CPU-bound, so
 * their elapsed time (performance.now, ~50 ns to read) is their CPU time on an idle machine;
 * process.cpuUsage would cost a system call (~10 us) per reading.
 */
import { cbkeCrypto } from "../engine/ke-crypto.js";
import type { KeCrypto } from "../engine/ke-types.js";

/** Milliseconds spent inside the wrapped `KeCrypto` calls. */
export interface CryptoCpuAccount {
  ms: number;
}

function timed<T>(account: CryptoCpuAccount, f: () => T): T {
  const t0 = performance.now();
  try {
    return f();
  } finally {
    account.ms += performance.now() - t0;
  }
}

/** `inner` (default: the real CBKE computation) with its CPU time added to `account`. */
export function timedCrypto(account: CryptoCpuAccount, inner: KeCrypto = cbkeCrypto()): KeCrypto {
  return {
    generateEphemeral: (suite, rng) => timed(account, () => inner.generateEphemeral(suite, rng)),
    checkCertificate: (input) => timed(account, () => inner.checkCertificate(input)),
    derive: (input) => timed(account, () => inner.derive(input)),
  };
}
