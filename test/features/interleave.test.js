'use strict';
// Message interleaving (RFC 8260, I-DATA) and the stream schedulers: with `interleave` at both ends
// and a round-robin sender, small messages on one stream pass a large one on another, and every
// message still arrives whole although their pieces alternate. In a namespace of its own, with
// net.sctp.intl_enable=1 (fixtures/kernel-features.js).
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const sctp = require('../..');
const { inNamespace, bound, messages } = require('../helpers');

// Queues 20 messages of 4 KiB on stream 1, then 5 small ones on stream 2, at once, from a sender
// with `options` to a receiver with a small window (most of them wait at the sender, where the
// scheduler picks); resolves with the streams in order of arrival.
async function race(options, prepare = () => {}) {
  const reliable = { defaults: { unordered: false, ttl: 0 } };
  const server = await bound({ ...reliable, recvBufferSize: 8192 }); // a small window: the rest waits at the sender
  const client = await bound({ ...reliable, ...options, pathMtu: 1500, sendBufferSize: 1024 * 1024 }); // all queued at once
  const { assocId } = await client.connect(server.address().port, '127.0.0.1');
  prepare(client, assocId);
  const got = messages(server, 25);
  client.cork();
  for (let i = 0; i < 20; i++) client.send(Buffer.alloc(4096, i), { assocId, stream: 1 });
  for (let i = 0; i < 5; i++) client.send('small', { assocId, stream: 2 });
  client.uncork();
  return (await got).map(([, rinfo]) => rinfo.stream);
}

const intlOn = [['sysctl', '-qw', 'net.sctp.intl_enable=1']];
const kernelAtLeast = (major, minor) => {
  const [a, b] = os.release().split('.').map(Number);
  return a > major || (a === major && b >= minor);
};

describe('message interleaving (RFC 8260) and stream schedulers', () => {
  it('interleave: small messages on stream 2 overtake a large one on stream 1; pieces of three large messages alternate and each arrives whole', async function () {
    const r = await inNamespace('intl', 'kernel-features.js', intlOn, ['intl', 'on']);
    if (r === null) this.skip(); // needs root and ip (the VM has them)
    console.log(`      (${JSON.stringify(r)})`);
    assert.ok(r.intact, 'every message arrived whole, on its stream');
    assert.deepStrictEqual([...r.arrived].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
    // The small ones (2..6) did not wait for the large message 1 sent before them.
    assert.ok(r.arrived.indexOf(2) < r.arrived.indexOf(1), `order ${r.arrived}`);
    assert.strictEqual(r.partialBytes, 0, 'nothing of a message is held afterwards');
  });

  it('without interleave the small messages wait behind the large one sent before them', async function () {
    const r = await inNamespace('nointl', 'kernel-features.js', intlOn, ['intl', 'off']);
    if (r === null) this.skip();
    console.log(`      (${JSON.stringify(r)})`);
    assert.ok(r.intact);
    assert.ok(r.arrived.indexOf(1) < r.arrived.indexOf(2), `order ${r.arrived}`);
  });

  it('interleave with net.sctp.intl_enable=0: EPERM, and the message says what to set', function () {
    if (fs.readFileSync('/proc/sys/net/sctp/intl_enable', 'utf8').trim() !== '0') this.skip();
    assert.throws(() => sctp.createSocket({ type: 'sctp4', interleave: true }), (err) => {
      assert.strictEqual(err.code, 'EPERM');
      assert.strictEqual(err.syscall, 'setsockopt SCTP_INTERLEAVING_SUPPORTED');
      assert.match(err.message, /net\.sctp\.intl_enable=1/);
      return true;
    });
  });

  it("scheduler 'priority' with setStreamPriority(): stream 2's messages (priority 0) pass stream 1's (priority 9) queued before them; 'fcfs' keeps the order sent", async () => {
    const fcfs = await race({ scheduler: 'fcfs' });
    const priority = await race({ scheduler: 'priority' }, (client, assocId) => {
      client.setStreamPriority(assocId, 1, 9).setStreamPriority(assocId, 2, 0);
    });
    console.log(`      (fcfs: ${fcfs.join('')}; priority: ${priority.join('')})`);
    assert.deepStrictEqual(fcfs, [...Array(20).fill(1), ...Array(5).fill(2)]);
    assert.ok(priority.lastIndexOf(2) < priority.lastIndexOf(1), `priority: ${priority.join('')}`);
    const s = await bound();
    assert.throws(() => s.setStreamPriority(0, 1, 1), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => s.setStreamPriority(1, 1, 70000), { code: 'ERR_OUT_OF_RANGE' });
  });

  it("scheduler: validated; 'fc' and 'wfq' need Linux 6.2 (the error says so on older kernels)", function () {
    assert.throws(() => sctp.createSocket({ type: 'sctp4', scheduler: 'lifo' }),
      { code: 'ERR_INVALID_ARG_VALUE', message: /must be one of 'fcfs', 'priority', 'rr', 'fc', 'wfq'/ });
    for (const scheduler of ['fcfs', 'priority', 'rr']) sctp.createSocket({ type: 'sctp4', scheduler }).close();
    if (kernelAtLeast(6, 2)) {
      sctp.createSocket({ type: 'sctp4', scheduler: 'wfq' }).close();
    } else {
      assert.throws(() => sctp.createSocket({ type: 'sctp4', scheduler: 'fc' }),
        { code: 'EINVAL', message: /'fc' and 'wfq' need Linux 6\.2 or later/ });
    }
  });
});
