'use strict';
// Regression 6: arguments are validated with Node-style errors and nothing crashes; system
// errors carry code, errno and syscall like Node's own.
const assert = require('assert');
const sctp = require('..');
const { open, port, pythonPeer } = require('./helpers');

const fn = () => {};
const TYPE = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };
const VALUE = { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' };
const RANGE = { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' };

describe('argument validation (regression 6)', () => {
  const openCases = [
    [[], TYPE],
    [[undefined, 0, 64, fn], TYPE],
    [[1, 0, 64, fn], TYPE],
    [[{}, 0, 64, fn], TYPE],
    [['localhost', 0, 64, fn], VALUE],
    [['', 0, 64, fn], VALUE],
    [['127.0.0.256', 0, 64, fn], VALUE],
    [['::1::2', 0, 64, fn], VALUE],
    [['127.0.0.1', '0', 64, fn], TYPE],
    [['127.0.0.1', null, 64, fn], TYPE],
    [['127.0.0.1', 10n, 64, fn], TYPE],
    [['127.0.0.1', -1, 64, fn], RANGE],
    [['127.0.0.1', 65536, 64, fn], RANGE],
    [['127.0.0.1', 1.5, 64, fn], RANGE],
    [['127.0.0.1', NaN, 64, fn], RANGE],
    [['127.0.0.1', Infinity, 64, fn], RANGE],
    [['127.0.0.1', 0, 0, fn], RANGE],
    [['127.0.0.1', 0, -5, fn], RANGE],
    [['127.0.0.1', 0, 16 * 1024 * 1024 + 1, fn], RANGE],
    [['127.0.0.1', 0, '64', fn], TYPE],
    [['127.0.0.1', 0, 64], TYPE],
    [['127.0.0.1', 0, 64, 'fn'], TYPE],
    [['127.0.0.1', 0, 64, {}], TYPE],
  ];
  for (const [args, expected] of openCases) {
    it(`open(${args.map(show).join(', ')}) throws ${expected.code}`, () => {
      assert.throws(() => sctp.open(...args), expected);
    });
  }

  const detachedBuffer = new ArrayBuffer(8);
  const detached = new Uint8Array(detachedBuffer);
  structuredClone(detachedBuffer, { transfer: [detachedBuffer] });
  const sendCases = [
    [[], TYPE],
    [['text', '127.0.0.1', 9], TYPE],
    [[[1, 2], '127.0.0.1', 9], TYPE],
    [[new ArrayBuffer(4), '127.0.0.1', 9], TYPE],
    [[Buffer.alloc(0), '127.0.0.1', 9], VALUE],
    [[detached, '127.0.0.1', 9], VALUE],
    [[Buffer.from('x'), 9, 9], TYPE],
    [[Buffer.from('x'), 'example.com', 9], VALUE],
    [[Buffer.from('x'), '127.0.0.1', 0], RANGE],
    [[Buffer.from('x'), '127.0.0.1', 65536], RANGE],
    [[Buffer.from('x'), '127.0.0.1', '9'], TYPE],
    [[Buffer.from('x'), '127.0.0.1'], TYPE],
  ];
  for (const [args, expected] of sendCases) {
    it(`send(${args.map(show).join(', ')}) throws ${expected.code}`, () => {
      const handle = open('127.0.0.1', port(), 64, fn);
      assert.throws(() => handle.send(...args), expected);
    });
  }

  it('error messages read like Node\'s', () => {
    assert.throws(() => sctp.open('127.0.0.1', '80', 64, fn), {
      message: 'The "bindPort" argument must be of type number. Received type string (\'80\')',
    });
    assert.throws(() => sctp.open('127.0.0.1', 70000, 64, fn), {
      message: 'The value of "bindPort" is out of range. It must be >= 0 && <= 65535. Received 70000',
    });
    assert.throws(() => sctp.open('localhost', 0, 64, fn), {
      message: "The argument 'bindHost' must be a numeric IPv4 or IPv6 address. Received 'localhost'",
    });
  });

  it('bind to an address this host lacks: bind EADDRNOTAVAIL 192.0.2.1:0', () => {
    assert.throws(() => sctp.open('192.0.2.1', 0, 64, fn), (err) => {
      assert.strictEqual(err.message, 'bind EADDRNOTAVAIL 192.0.2.1:0');
      assert.strictEqual(err.code, 'EADDRNOTAVAIL');
      assert.strictEqual(err.errno, -99);
      assert.strictEqual(err.syscall, 'bind');
      assert.strictEqual(err.address, '192.0.2.1');
      assert.strictEqual(err.port, 0);
      return true;
    });
  });

  it('a full send buffer throws send EAGAIN (flow control comes with createSocket)', async () => {
    const stalled = port();
    const peer = pythonPeer('hold', '127.0.0.1', stalled);
    await peer.waitLines(1);
    try {
      const handle = open('127.0.0.1', port(), 64, fn);
      const chunk = Buffer.alloc(32 * 1024);
      let error;
      for (let i = 0; i < 10000 && !error; i++) {
        try { handle.send(chunk, '127.0.0.1', stalled); } catch (e) { error = e; }
      }
      assert.ok(error, 'the send buffer never filled');
      assert.strictEqual(error.code, 'EAGAIN');
      assert.strictEqual(error.errno, -11);
      assert.strictEqual(error.syscall, 'send');
      assert.strictEqual(error.message, `send EAGAIN 127.0.0.1:${stalled}`);
    } finally {
      peer.kill();
    }
  });
});

function show(v) {
  if (typeof v === 'function') return 'fn';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  if (Buffer.isBuffer(v)) return `Buffer(${v.length})`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.byteLength})`;
  if (v instanceof ArrayBuffer) return 'ArrayBuffer';
  if (Array.isArray(v)) return '[array]';
  return String(v === null ? 'null' : typeof v === 'object' ? '{}' : v);
}
