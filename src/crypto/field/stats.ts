/**
 * Field-operation instrumentation for the constant-pattern tests of the secret scalar paths
 * (issue 3 item 2): when `enabled`, every multiply (1), square (2) and inversion (3) of any
 * binary field is counted and folded into a running hash of the operation sequence.
 * Off by default; the cost when off is one boolean test per operation.
 */
export const fieldStats = {
  enabled: false,
  mul: 0,
  sqr: 0,
  inv: 0,
  lin: 0,
  /** Rolling hash of the sequence of operation codes. */
  sequence: 0,
  op(code: 1 | 2 | 3 | 4): void {
    if (code === 1) this.mul++;
    else if (code === 2) this.sqr++;
    else if (code === 3) this.inv++;
    else this.lin++;
    this.sequence = (Math.imul(this.sequence, 31) + code) | 0;
  },
  reset(): void {
    this.mul = 0;
    this.sqr = 0;
    this.inv = 0;
    this.lin = 0;
    this.sequence = 0;
  },
};
