'use strict';
// Regression 6: error messages read like Node's, and system errors carry code, errno, syscall,
// address and port like Node's own. The table of bad inputs is test/robustness/bad-input.test.js.
const assert = require('assert');
const sctp = require('../..');
const { open, port, pythonPeer } = require('../helpers');

const fn = () => {};

// regression 6 of the original (docs/api/open.md)
describe('error shapes', () => {
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

  // Issue 10, item 13: SCTP_EVENT, which every socket subscribes with, came with Linux 5.0.
  it('a kernel without SCTP_EVENT gets ERR_SCTP_UNSUPPORTED naming the minimum (Linux 5.0)', () => {
    const { socketError } = require('../../lib/errors');
    const err = socketError(-require('os').constants.errno.ENOPROTOOPT);
    assert.strictEqual(err.code, 'ERR_SCTP_UNSUPPORTED');
    assert.match(err.message, /SCTP_EVENT ENOPROTOOPT.*Linux 5\.0 or later/);
    assert.strictEqual(socketError(-require('os').constants.errno.EPROTONOSUPPORT).code, 'ERR_SCTP_UNSUPPORTED');
  });
});
