'use strict';
// createSocket() options and send() arguments: each is validated with a Node-style error.
const assert = require('assert');
const sctp = require('..');
const { socket, once, messages } = require('./helpers');

const TYPE = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };
const VALUE = { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' };
const RANGE = { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' };
const v4 = (more) => ({ type: 'sctp4', ...more });

const optionCases = [
  [undefined, TYPE], [null, TYPE], [42, TYPE], ['udp4', VALUE], [{}, VALUE], [{ type: 'sctp' }, VALUE],
  [v4({ bogus: 1 }), VALUE],
  [v4({ reuseAddr: 1 }), TYPE], [v4({ nodelay: 'yes' }), TYPE], [{ type: 'sctp6', ipv6Only: 0 }, TYPE],
  [v4({ ipv6Only: true }), VALUE],
  [v4({ recvBufferSize: '1' }), TYPE], [v4({ recvBufferSize: 0 }), RANGE], [v4({ recvBufferSize: 1.5 }), RANGE],
  [v4({ sendBufferSize: -1 }), RANGE], [v4({ sendBufferSize: 2 ** 31 }), RANGE], [v4({ sendBufferSize: NaN }), RANGE],
  [v4({ rtoInfo: 5 }), TYPE], [v4({ rtoInfo: { initial: 0 } }), RANGE], [v4({ rtoInfo: { min: '1' } }), TYPE],
  [v4({ rtoInfo: { min: 500, max: 100 } }), VALUE], [v4({ rtoInfo: { max: 2 ** 32 } }), RANGE],
  [v4({ initMsg: [] }), TYPE], [v4({ initMsg: { outStreams: 65536 } }), RANGE],
  [v4({ initMsg: { maxInStreams: -1 } }), RANGE], [v4({ initMsg: { maxAttempts: 1.1 } }), RANGE],
  [v4({ initMsg: { maxInitTimeout: '9' } }), TYPE],
  [v4({ maxMessageSize: 0 }), RANGE], [v4({ maxMessageSize: Infinity }), RANGE], [v4({ maxMessageSize: '1' }), TYPE],
  [v4({ sendHighWaterMark: -1 }), RANGE], [v4({ sendHighWaterMark: null }), TYPE],
  [v4({ defaults: 1 }), TYPE], [v4({ defaults: { stream: 65536 } }), RANGE], [v4({ defaults: { ppid: -1 } }), RANGE],
  [v4({ defaults: { ppid: 2 ** 32 } }), RANGE], [v4({ defaults: { ttl: 'long' } }), TYPE],
  [v4({ defaults: { unordered: 1 } }), TYPE], [v4({ defaults: { context: 1.5 } }), RANGE],
  [v4({ defaults: { priority: 1 } }), VALUE],
  [v4({ signal: {} }), TYPE], [v4({ signal: 'abort' }), TYPE],
];

const sendCases = [
  [[], TYPE], [[42, 9], TYPE], [[{}, 9], TYPE], [[['ok', 42], 9], TYPE], [[new ArrayBuffer(2), 9], TYPE],
  [['', 9], VALUE], [[Buffer.alloc(0), 9], VALUE], [[[], 9], VALUE],
  [['x'], TYPE], [['x', '9'], TYPE], [['x', 0], RANGE], [['x', 65536], RANGE], [['x', 9.5], RANGE],
  [['x', 9, 42], TYPE], [['x', 9, 'localhost'], VALUE], [['x', 9, '::1'], VALUE],
  [['x', 9, '127.0.0.1', { stream: -1 }], RANGE], [['x', 9, '127.0.0.1', { ppid: 'a' }], TYPE],
  [['x', 9, '127.0.0.1', { ttl: -5 }], RANGE], [['x', 9, '127.0.0.1', { unordered: 'no' }], TYPE],
  [['x', 9, '127.0.0.1', { nope: 1 }], VALUE], [['x', 9, '127.0.0.1', {}, 'cb'], TYPE],
];

describe('createSocket(): validation', () => {
  for (const [options, expected] of optionCases) {
    it(`createSocket(${JSON.stringify(options)}) throws ${expected.code}`, () => {
      assert.throws(() => sctp.createSocket(options), expected);
    });
  }

  for (const [args, expected] of sendCases) {
    it(`send(${args.map((a) => (Buffer.isBuffer(a) ? `Buffer(${a.length})` : JSON.stringify(a))).join(', ')}) throws ${expected.code}`, () => {
      const s = socket({ type: 'sctp4' });
      assert.throws(() => s.send(...args), expected);
    });
  }

  it('bind() arguments', () => {
    const s = socket({ type: 'sctp4' });
    assert.throws(() => s.bind(-1), RANGE);
    assert.throws(() => s.bind('80'), TYPE);
    assert.throws(() => s.bind(0, 'localhost'), VALUE);
    assert.throws(() => s.bind(0, '::'), VALUE);
    assert.throws(() => s.bind(0, '127.0.0.1', 'cb'), TYPE);
  });

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
