/**
 * NO_RESOURCES wait times spread by the queue of refused initiators (engine/ke-wait-queue.ts;
 * SE 07-5356 C.3.1.2.3 leaves the Terminate KE wait time to the responder).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KE_QUEUE_INITIAL_SESSION_MS, KeWaitQueue } from "../../src/engine/ke-wait-queue.js";

const dev = (n: number) => `00000000000001${n.toString(16).padStart(2, "0")}`;

describe("KeWaitQueue", () => {
  it("before any session ended: the k-th refused waits k x the initial guess / sessions, in whole seconds", () => {
    const q = new KeWaitQueue(1);
    const waits = Array.from({ length: 9 }, (_, k) => q.refuse(dev(k), 0));
    const expected = Array.from({ length: 9 }, (_, k) =>
      Math.max(1, Math.ceil(((k + 1) * KE_QUEUE_INITIAL_SESSION_MS) / 1000)),
    );
    assert.deepEqual(waits, expected);
    assert.equal(q.waiting, 9);
    assert.deepEqual(q.sessionMs, { ms: KE_QUEUE_INITIAL_SESSION_MS, measured: false });
  });

  it("the first measured session replaces the guess, later ones move an average", () => {
    const q = new KeWaitQueue(4);
    q.sessionEnded(8_000);
    assert.deepEqual(q.sessionMs, { ms: 8_000, measured: true });
    // 1st refused: one quarter of a session -> 2 s; 2nd: 4 s; 3rd: 6 s
    assert.deepEqual([q.refuse(dev(1), 0), q.refuse(dev(2), 0), q.refuse(dev(3), 0)], [2, 4, 6]);
    q.sessionEnded(16_000);
    assert.equal(q.sessionMs.ms, 9_000);
    // three ahead: 4 x 9 s / 4 sessions
    assert.equal(q.refuse(dev(4), 0), 9);
  });

  it("an initiator that comes back gives up its place; one refused again does not queue behind itself", () => {
    const q = new KeWaitQueue(1);
    q.sessionEnded(3_000);
    assert.equal(q.refuse(dev(1), 0), 3);
    assert.equal(q.refuse(dev(2), 0), 6);
    assert.equal(q.refuse(dev(3), 0), 9);
    q.admitted(dev(1));
    assert.equal(q.waiting, 2);
    // dev 2 asks again: two ahead of it now (dev 3 and itself not counted twice) -> 2 x 3 s
    assert.equal(q.refuse(dev(2), 1_000), 6);
    assert.equal(q.waiting, 2);
  });

  it("never more than the one-octet field holds, never less than 1 s", () => {
    const q = new KeWaitQueue(1);
    q.sessionEnded(100_000);
    assert.equal(q.refuse(dev(1), 0), 100);
    assert.equal(q.refuse(dev(2), 0), 200);
    assert.equal(q.refuse(dev(3), 0), 255);
    const fast = new KeWaitQueue(8);
    fast.sessionEnded(30);
    assert.equal(fast.refuse(dev(1), 0), 1);
  });

  it("forgets places whose time is a minute past (initiators that gave up)", () => {
    const q = new KeWaitQueue(1);
    q.sessionEnded(10_000);
    assert.equal(q.refuse(dev(1), 0), 10);
    assert.equal(q.refuse(dev(2), 0), 20);
    // at 75 s dev 1's place (10 s) is over a minute past, dev 2's (20 s) is not
    assert.equal(q.refuse(dev(3), 75_000), 20);
    assert.equal(q.waiting, 2);
    // at 200 s both older places are gone
    assert.equal(q.refuse(dev(4), 200_000), 10);
    assert.equal(q.waiting, 1);
  });

  it("ignores durations that are not numbers >= 0", () => {
    const q = new KeWaitQueue(1);
    q.sessionEnded(Number.NaN);
    q.sessionEnded(-5);
    assert.deepEqual(q.sessionMs, { ms: KE_QUEUE_INITIAL_SESSION_MS, measured: false });
  });
});
