'use strict';
// createSocket() whole messages: reassembled across partial deliveries up to maxMessageSize; a
// longer one is discarded whole and reported; the socket keeps working.
const assert = require('assert');
const fs = require('fs');
const { socket, once, messages, bound } = require('./helpers');

// The kernel refuses a message larger than the sender's send buffer (EMSGSIZE), and caps
// SO_SNDBUF at net.core.wmem_max: raise it for this file where we may (root, as in the VM).
const WMEM_MAX = '/proc/sys/net/core/wmem_max';
let savedWmemMax = null;

describe('createSocket(): whole messages', () => {
  before(() => {
    try {
      savedWmemMax = fs.readFileSync(WMEM_MAX, 'utf8');
      fs.writeFileSync(WMEM_MAX, String(8 * 1024 * 1024));
    } catch {
      savedWmemMax = null;
    }
  });
  after(() => {
    if (savedWmemMax !== null) fs.writeFileSync(WMEM_MAX, savedWmemMax);
  });

  it('a 1 MiB message arrives whole (maxMessageSize 2 MiB)', async function () {
    if (savedWmemMax === null) this.skip(); // needs root to raise net.core.wmem_max
    const receiver = await bound({ maxMessageSize: 2 * 1024 * 1024 });
    const sender = await bound({ sendBufferSize: 4 * 1024 * 1024 });
    const big = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
    const got = messages(receiver, 2);
    sender.send('small first', receiver.address().port, '127.0.0.1', { ttl: 0, unordered: false });
    sender.send(big, receiver.address().port, '127.0.0.1', { ttl: 0, unordered: false },
      (err) => assert.ifError(err));
    const [[first], [msg, rinfo]] = await got;
    assert.strictEqual(first.toString(), 'small first');
    assert.strictEqual(rinfo.size, big.length);
    assert.ok(msg.equals(big), 'the reassembled message differs');
  });

  it('an oversize message is discarded and reported; the next one arrives', async () => {
    const receiver = await bound({ maxMessageSize: 1000 });
    const sender = await bound();
    const to = receiver.address().port;
    sender.send(Buffer.alloc(1001), to, '127.0.0.1', { ttl: 0, unordered: false });
    sender.send(Buffer.alloc(150 * 1024), to, '127.0.0.1', { ttl: 0, unordered: false });
    sender.send(Buffer.alloc(1000, 1), to, '127.0.0.1', { ttl: 0, unordered: false });
    const errors = [];
    receiver.on('error', (err) => errors.push(err));
    const [[msg]] = await messages(receiver, 1);
    assert.strictEqual(msg.length, 1000);
    assert.deepStrictEqual(errors.map((e) => [e.code, e.size, e.limit]), [
      ['ERR_SCTP_MESSAGE_TOO_LARGE', 1001, 1000],
      ['ERR_SCTP_MESSAGE_TOO_LARGE', 150 * 1024, 1000],
    ]);
    assert.strictEqual(errors[0].message, 'Message of 1001 bytes exceeds maxMessageSize (1000 bytes); discarded');
  });
});
