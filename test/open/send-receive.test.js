'use strict';
// Regression 1: the original passed the sockaddr's byte length as sctp_sendv's address count, so
// no send ever worked. Here messages go both ways over IPv4, IPv6 and a dual-stack socket.
const assert = require('assert');
const { open, port, inbox } = require('../helpers');

// regression 1 of the original (docs/api/open.md): send never worked
describe('open(): send and receive', () => {
  for (const [family, bind, to, seenAs] of [
    ['IPv4', '127.0.0.1', '127.0.0.1', '127.0.0.1'],
    ['IPv6', '::1', '::1', '::1'],
    ['dual stack (IPv6 socket, IPv4 peer)', '::', '127.0.0.1', '::ffff:127.0.0.1'],
  ]) {
    it(`${family}: messages arrive whole, in their own Buffers, with the sender's address`, async () => {
      const aPort = port();
      const bPort = port();
      const aInbox = inbox();
      const bInbox = inbox();
      const a = open(bind, aPort, 2048, aInbox);
      const b = open(to === '::1' ? '::1' : '127.0.0.1', bPort, 2048, bInbox);

      const messages = ['first', 'x'.repeat(2048), 'third\0with nul'];
      for (const m of messages) assert.strictEqual(b.send(Buffer.from(m), to, aPort), Buffer.byteLength(m));
      const got = await aInbox.wait(3);
      // send() uses SCTP_UNORDERED, as the original: compare as a set of whole messages.
      assert.deepStrictEqual(got.map((r) => r[0].toString()).sort(), [...messages].sort());
      for (const [data, host, from] of got) {
        assert.ok(Buffer.isBuffer(data));
        assert.strictEqual(host, seenAs);
        assert.strictEqual(from, bPort);
      }
      // Each Buffer owns its bytes: later messages do not overwrite earlier ones.
      const before = got.map((r) => r[0].toString());
      assert.strictEqual(a.send(Buffer.from('reply'), got[0][1], got[0][2]), 5);
      const [[reply, replyHost, replyPort]] = await bInbox.wait(1);
      assert.strictEqual(reply.toString(), 'reply');
      assert.strictEqual(replyHost, to === '127.0.0.1' ? '127.0.0.1' : to);
      assert.strictEqual(replyPort, aPort);
      assert.deepStrictEqual(got.map((r) => r[0].toString()), before);
    });
  }

  it('sends any TypedArray or DataView, and only its own bytes', async () => {
    const aPort = port();
    const aInbox = inbox();
    open('127.0.0.1', aPort, 64, aInbox);
    const b = open('127.0.0.1', port(), 64, () => {});
    const backing = Buffer.from('0123456789');
    b.send(backing.subarray(2, 5), '127.0.0.1', aPort);
    b.send(new Uint16Array([0x4241]), '127.0.0.1', aPort);
    b.send(new DataView(backing.buffer, backing.byteOffset + 7, 3), '127.0.0.1', aPort);
    const got = (await aInbox.wait(3)).map((r) => r[0].toString()).sort();
    assert.deepStrictEqual(got, ['234', '789', 'AB']);
  });

  it('returns the byte count, and send errors are Node-style system errors', () => {
    const b = open('127.0.0.1', port(), 64, () => {});
    assert.strictEqual(b.send(Buffer.alloc(100), '127.0.0.1', port()), 100);
    // An IPv6 destination from an IPv4 socket: the kernel refuses it; the error says so.
    assert.throws(() => b.send(Buffer.from('x'), '::1', 9), (err) => {
      assert.strictEqual(err.syscall, 'send');
      assert.strictEqual(typeof err.errno, 'number');
      assert.match(err.code, /^E[A-Z]+$/);
      assert.strictEqual(err.message, `send ${err.code} ::1:9`);
      assert.strictEqual(err.address, '::1');
      assert.strictEqual(err.port, 9);
      return true;
    });
  });

  // Issue 10, item 13: open() with port 0 had no way to learn its port; ref()/unref() as in dgram.
  it('handle.address() reports the bound address and the real port of open(host, 0)', async () => {
    const got = inbox();
    const a = open('127.0.0.1', 0, 64, got);
    const { address, family, port: aPort } = a.address();
    assert.deepStrictEqual([address, family], ['127.0.0.1', 'IPv4']);
    assert.ok(aPort > 0);
    const b = open('::', 0, 64, () => {});
    assert.strictEqual(b.address().family, 'IPv6');
    b.send(Buffer.from('to the learnt port'), '127.0.0.1', aPort);
    assert.strictEqual((await got.wait(1))[0][0].toString(), 'to the learnt port');
    assert.strictEqual(a.unref(), a);
    assert.strictEqual(a.ref(), a);
  });

  it('an unref()\'d handle does not keep the process alive; ref() does', async () => {
    const { run, fixture } = require('../helpers');
    const unrefd = await run([fixture('socket-ref.js'), 'unref', 'open']);
    assert.strictEqual(unrefd.code, 0, unrefd.stderr);
    assert.strictEqual(unrefd.stdout, 'bound\n');
    const refd = await run([fixture('socket-ref.js'), 'ref', 'open']);
    assert.strictEqual(refd.stdout, 'bound\nstill running after 2 s\n');
  });
});
