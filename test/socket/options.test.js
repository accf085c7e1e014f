'use strict';
// createSocket() options: every one accepted with valid values, with its effect where visible.
// The bad values are rows of test/robustness/bad-input.test.js.
const assert = require('assert');
const { socket, once, messages } = require('../helpers');

const v4 = (more) => ({ type: 'sctp4', ...more });

describe('createSocket(): options', () => {
  it('every option accepted with valid values, and their effects where visible', async () => {
    const a = socket({
      type: 'sctp6',
      ipv6Only: false,
      reuseAddr: true,
      nodelay: false,
      recvBufferSize: 256 * 1024,
      sendBufferSize: 256 * 1024,
      rtoInfo: { initial: 300, min: 100, max: 3000 },
      initMsg: { outStreams: 3, maxInStreams: 3, maxAttempts: 4, maxInitTimeout: 1000 },
      maxMessageSize: 64,
      sendHighWaterMark: 10,
      defaults: { stream: 2, ppid: 9, unordered: false, ttl: 0, context: 1 },
    });
    a.bind(0, '::');
    await once(a, 'listening');
    const b = socket(v4({ initMsg: { outStreams: 3, maxInStreams: 3 } }));
    const got = messages(a, 1);
    assert.strictEqual(b.send('x'.repeat(64), a.address().port, '127.0.0.1', { stream: 2 }), true);
    const [[msg, rinfo]] = await got;
    assert.strictEqual(msg.length, 64);
    assert.strictEqual(rinfo.stream, 2);
  });

  it('ipv6Only: an IPv6-only socket is not reachable over IPv4', async () => {
    const six = socket({ type: 'sctp6', ipv6Only: true });
    six.bind(0, '::');
    await once(six, 'listening');
    const four = socket(v4());
    const err = await new Promise((resolve) => {
      four.send('x', six.address().port, '127.0.0.1', { ttl: 0 }, () => {});
      six.on('message', () => resolve(new Error('an IPv4 message arrived')));
      setTimeout(resolve, 1500);
    });
    assert.ifError(err);
  });
});
