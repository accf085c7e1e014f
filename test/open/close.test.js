'use strict';
// Regression 4: close() inside onRecv must end the deliveries and the reads on the closed fd.
const assert = require('assert');
const sctp = require('../..');
const { open, port, inbox, block, sleep, openFds } = require('../helpers');

// regression 4 of the original (docs/api/open.md): close() inside onRecv
describe('open(): close()', () => {
  it('close() inside onRecv: no further callbacks, though more messages were waiting', async () => {
    const serverPort = port();
    const calls = [];
    const server = sctp.open('127.0.0.1', serverPort, 64, (r) => {
      calls.push(r);
      server.close();
      server.close(); // idempotent, even here
    });
    const client = open('127.0.0.1', port(), 64, () => {});
    for (let i = 0; i < 10; i++) client.send(Buffer.from(`m${i}`), '127.0.0.1', serverPort);
    block(1000); // all ten are queued before the server's poll callback runs
    await sleep(500);
    assert.strictEqual(calls.length, 1);
  });

  it('close() releases the socket: the fd is closed and the port can be bound again', async () => {
    const fds = openFds();
    const p = port();
    const handle = sctp.open('127.0.0.1', p, 64, () => {});
    assert.strictEqual(openFds(), fds + 1);
    handle.close();
    assert.strictEqual(openFds(), fds);
    open('127.0.0.1', p, 64, () => {});
  });

  it('close() is idempotent; send() after close throws ERR_SOCKET_CLOSED', () => {
    const handle = sctp.open('127.0.0.1', port(), 64, () => {});
    assert.strictEqual(handle.close(), undefined);
    assert.strictEqual(handle.close(), undefined);
    assert.throws(() => handle.send(Buffer.from('x'), '127.0.0.1', 9),
      { name: 'Error', code: 'ERR_SOCKET_CLOSED' });
  });

  it('an open handle keeps the process alive; close() lets it exit', async () => {
    const { run, fixture } = require('../helpers');
    const res = await run([fixture('close-then-exit.js'), String(port())]);
    assert.strictEqual(res.code, 0, res.stderr);
    assert.strictEqual(res.stdout.trim(), 'received hello; closed');
  });
});
