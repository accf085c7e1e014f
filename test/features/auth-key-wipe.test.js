'use strict';
// SCTP-AUTH secrets are kept only as long as the kernel call needs them: after createSocket({ auth:
// { key } }) or setAuthKey(), no buffer we made holds the key (and the caller's wiped copy is the
// only one there was), and a Server refuses to listen again with a key it has wiped.
const assert = require('assert');
const crypto = require('crypto');
const sctp = require('../..');
const { bound, once, messages, track } = require('../helpers');

// Runs fn(), recording every Buffer.from() made meanwhile (the library makes its copies so).
function recording(fn) {
  const made = [];
  const from = Buffer.from;
  Buffer.from = function (...args) {
    const b = from.apply(this, args);
    made.push(b);
    return b;
  };
  try {
    fn();
  } finally {
    Buffer.from = from;
  }
  return made;
}

const holding = (made, secret) => made.filter((b) => b.includes(secret)).length;

describe('SCTP-AUTH: no copy of a key left behind', () => {
  it('createSocket({ auth: { key } }) keeps no copy; AUTH works', async () => {
    const key = crypto.randomBytes(32);
    const kept = Buffer.from(key);
    let server;
    const made = recording(() => {
      server = track(sctp.createSocket({ type: 'sctp4', auth: { key }, defaults: { unordered: false } }));
    });
    key.fill(0); // the caller wipes its copy
    assert.strictEqual(holding(made, kept), 0);
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    const client = await bound({ auth: { key: kept } });
    const got = messages(server, 1);
    client.send('signed', server.address().port, '127.0.0.1');
    assert.strictEqual(String((await got)[0][0]), 'signed');
  });

  it('a string key: our bytes of it are wiped', () => {
    const key = crypto.randomBytes(24).toString('hex');
    const made = recording(() => track(sctp.createSocket({ type: 'sctp4', auth: { key } })));
    assert.strictEqual(holding(made, Buffer.from(key)), 0);
  });

  it('setAuthKey() keeps no copy', async () => {
    const socket = await bound({ auth: true });
    const key = crypto.randomBytes(32);
    const kept = Buffer.from(key);
    const made = recording(() => socket.setAuthKey(2, key));
    key.fill(0);
    assert.strictEqual(holding(made, kept), 0);
    socket.useAuthKey(2); // the kernel has it
  });

  it('a Server whose key was wiped refuses a second listen()', async () => {
    const server = track(sctp.createServer({ auth: { key: crypto.randomBytes(16) } }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    await new Promise((resolve) => server.close(resolve));
    server.listen(0, '127.0.0.1');
    const [err] = await once(server, 'error');
    assert.strictEqual(err.code, 'ERR_SCTP_AUTH_KEY_SPENT');
  });

  it('a Server keeps its key until a listen() succeeds: a retry after EADDRINUSE listens, with AUTH', async () => {
    const blocker = track(sctp.createServer());
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address();
    const key = crypto.randomBytes(32);
    const kept = Buffer.from(key);
    let server;
    const made = recording(() => {
      server = track(sctp.createServer({ auth: { chunks: ['data'], key } }));
    });
    key.fill(0);
    server.on('connection', (socket) => {
      track(socket);
      socket.on('data', (d) => socket.write(`ack ${d}`));
    });
    server.listen(port, '127.0.0.1');
    const [err] = await once(server, 'error');
    assert.strictEqual(err.code, 'EADDRINUSE');
    await new Promise((resolve) => blocker.close(resolve));
    server.listen(port, '127.0.0.1'); // Node's documented retry
    await once(server, 'listening');
    assert.strictEqual(holding(made, kept), 0); // listening: our copy is wiped
    const client = track(sctp.connect({ port, host: '127.0.0.1', auth: { key: kept } }));
    await once(client, 'connect');
    client.write('signed');
    const [reply] = await once(client, 'data');
    assert.strictEqual(String(reply), 'ack signed');
  });
});
