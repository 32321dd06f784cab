/**
 * tau-adic non-adjacent form (Solinas 2000; Guide to ECC Algorithm 3.61) of an element
 * r0 + r1*tau of Z[tau], tau^2 = mu*tau - 2 (mu = 1 for a = 1, -1 for a = 0). The digits
 * u_i in {-1, 0, 1} satisfy sum u_i tau^i = r0 + r1 tau exactly, so sum u_i tau^i(P) = k*P for
 * every point P on the curve when r0 = k, r1 = 0 (no reduction, valid outside the subgroup too).
 */

/** TNAF digits of r0 + r1 tau, least significant first. */
export function tnaf(r0: bigint, r1: bigint, mu: 1 | -1): Int8Array {
  const out: number[] = [];
  const m = BigInt(mu);
  while (r0 !== 0n || r1 !== 0n) {
    let u = 0;
    if ((r0 & 1n) === 1n) {
      // u = 2 - ((r0 - 2 r1) mod 4)
      const t = Number((((r0 - 2n * r1) % 4n) + 4n) % 4n);
      u = 2 - t;
      r0 -= BigInt(u);
    }
    out.push(u);
    const h = r0 / 2n; // exact: r0 is even here
    const nr0 = r1 + m * h;
    r1 = -h;
    r0 = nr0;
  }
  return Int8Array.from(out);
}
