'use strict';
// PR-SCTP policies beyond the lifetime (RFC 7496): rtx (at most N retransmissions) and prio (lower
// priorities dropped first when the send buffer is full), and the abandoned counts per policy and
// per stream. The lossy and slow paths are tc netem in a namespace of their own (fixtures/pr-policies.js).
const assert = require('assert');
const { bound, inNamespace, messages } = require('../helpers');

const N = 200;
const none = { sent: 0, unsent: 0 };

describe('PR-SCTP policies', () => {
  it('rtx: 0 under 20 % loss: a lost message is abandoned after its one try, never retransmitted', async function () {
    const r = await inNamespace('rtx', 'pr-policies.js', [], ['rtx']);
    if (r === null) this.skip(); // needs root and ip/tc (the VM has them)
    console.log(`      (${JSON.stringify({ received: r.received, halves: r.halves, abandoned: r.abandoned.rtx })})`);
    // One try each: about a fifth is lost (with even one retransmission it would be ~4 %), of the
    // messages sent one by one and of those sent corked (in batches) alike.
    assert.ok(r.received[1] < N * 0.95, `stream 1 (rtx: 0): ${r.received[1]} of ${N} arrived`);
    assert.ok(r.halves[0] < N / 2 * 0.95 && r.halves[1] < N / 2 * 0.95, `by halves: ${r.halves}`);
    // Every message that did not arrive was abandoned (some that arrived were too: their SACK was lost).
    const { rtx } = r.abandoned;
    assert.ok(r.received[1] + rtx.sent + rtx.unsent >= N, JSON.stringify(r));
    assert.deepStrictEqual([r.abandoned.ttl, r.abandoned.prio], [none, none]);
    assert.strictEqual(r.abandoned.sent, rtx.sent);
    // The same loss, fully reliable: everything arrives.
    assert.strictEqual(r.received[2], N);
    // Per stream (SCTP_PR_STREAM_STATUS): all on stream 1.
    assert.deepStrictEqual(r.streams[1].abandoned.rtx, rtx);
    assert.deepStrictEqual([r.streams[0].abandoned.rtx, r.streams[2].abandoned.rtx], [none, none]);
  });

  it('prio: with the send buffer full, a priority-1 message displaces a queued priority-9 one, not a priority-1 one', async function () {
    const r = await inNamespace('prio', 'pr-policies.js', [], ['prio']);
    if (r === null) this.skip(); // needs root and ip/tc (the VM has them)
    console.log(`      (${JSON.stringify(r)})`);
    // A peer that never reads: a 16 KiB priority-0 message is in flight, a 240 KiB priority-9 one
    // fills our send buffer behind it. A priority-1 message then drops the priority-9 one (the
    // kernel counts it; it sends no SCTP_SEND_FAILED_EVENT for it) and goes out.
    assert.strictEqual(r[9].before, 0, 'the buffer took the priority-9 message');
    assert.ok(r[9].abandoned.prio.unsent + r[9].abandoned.prio.sent >= 1, JSON.stringify(r[9]));
    assert.strictEqual(r[9].after, 0, 'the priority-1 message is still waiting');
    assert.deepStrictEqual([r[9].abandoned.ttl, r[9].abandoned.rtx, r[9].failed[0], r[9].failed[1]], [none, none, 0, 0]);
    // The control: behind a message of its own priority it waits; nothing is dropped.
    assert.strictEqual(r[1].before, 0);
    assert.strictEqual(r[1].after, 1);
    assert.deepStrictEqual(r[1].abandoned.prio, none);
  });

  it('the first message to a new peer goes fully reliable whatever its policy (the kernel would drop it)', async () => {
    const server = await bound();
    for (const policy of [{ rtx: 0 }, { prio: 3 }, { ttl: 1 }]) {
      const client = await bound();
      const got = messages(server, 1);
      client.send('first', server.address().port, '127.0.0.1', policy);
      const [[msg]] = await got;
      assert.strictEqual(msg.toString(), 'first');
      client.close();
    }
  });
});
