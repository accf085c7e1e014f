'use strict';
// Closing with unread data. Linux's close() ABORTs every association of a socket that has data left
// in its receive queue (net/sctp/socket.c sctp_close(): data_was_unread), so what was sent and not
// yet delivered was lost at the peer although its callbacks said it was sent. close() (and a
// one-to-one socket's end() + destroy()) now reads and drops what is queued first: the peer gets
// everything, then a SHUTDOWN. Here the peer reads slowly (a small window, its reading paused), so
// most of what we send still waits in our kernel when we close, and it sends to us just before we
// close, with our thread blocked, so that its messages are unread then.
const assert = require('assert');
const { bound, open, port, pair, sleep, block, closed } = require('../helpers');

const N = 40;
const SIZE = 2048;

// A one-to-many peer whose reading is paused (an async iterator nobody reads holds 16 messages, then
// reading stops) behind a small window. finish() resumes it: resolves with how many messages of
// SIZE bytes it got and how their association ended.
async function slowPeer() {
  const peer = await bound({ recvBufferSize: 4096 });
  let end = null;
  peer.on('association', (info) => { if (info.state !== 'up') end = end || info.state; });
  const it = peer[Symbol.asyncIterator]();
  peer.finish = async (ms = 20000) => {
    let got = 0;
    let pending = null;
    const deadline = Date.now() + ms;
    while (!end && Date.now() < deadline) {
      pending = pending || it.next();
      const r = await Promise.race([pending, sleep(100).then(() => null)]);
      if (r === null) continue;
      pending = null;
      if (r.value.msg.length === SIZE) got++;
    }
    return { got, end };
  };
  return peer;
}

// `peer` sends 20 small messages to 127.0.0.1:to and `close` runs before our loop can read them.
function closeUnread(peer, to, close) {
  for (let i = 0; i < 20; i++) peer.send(Buffer.alloc(100, i), to, '127.0.0.1');
  block(200); // they arrive; this thread reads none of them
  close();
}

describe('close() with unread data: a SHUTDOWN after all that was sent, not an ABORT', () => {
  it('createSocket(): close() with messages unread; the peer gets all N messages, then SHUTDOWN_COMP (not COMM_LOST)', async () => {
    const peer = await slowPeer();
    const us = await bound({ sendBufferSize: 1024 * 1024 });
    const { assocId } = await us.connect(peer.address().port, '127.0.0.1');
    await Promise.all(Array.from({ length: N }, (_, i) => new Promise((resolve, reject) => {
      us.send(Buffer.alloc(SIZE, i), { assocId }, (err) => (err ? reject(err) : resolve()));
    })));
    await sleep(200); // the peer has read 16 and stopped; the rest wait in our kernel
    closeUnread(peer, us.address().port, () => us.close());
    assert.deepStrictEqual(await peer.finish(), { got: N, end: 'shutdown' });
  });

  it('open(): close() with messages unread; the peer gets all N messages, then SHUTDOWN_COMP', async () => {
    const peer = await slowPeer();
    const p = port();
    const handle = open('127.0.0.1', p, 65536, () => {});
    for (let i = 0; i < N; i++) handle.send(Buffer.alloc(SIZE, i), '127.0.0.1', peer.address().port);
    await sleep(300); // the association is up, the peer has read 16 and stopped
    closeUnread(peer, p, () => handle.close());
    assert.deepStrictEqual(await peer.finish(), { got: N, end: 'shutdown' });
  });

  it('one-to-one: end() then destroy() (destroySoon()) with messages unread; the peer reads all N, then its end, no error', async () => {
    const { client, peer: s } = await pair({ recvBufferSize: 4096 });
    await Promise.all(Array.from({ length: N }, (_, i) => new Promise((resolve, reject) => {
      s.write(Buffer.alloc(SIZE, i), (err) => (err ? reject(err) : resolve()));
    })));
    await sleep(200); // the client holds 16 unread (its reading paused), the rest wait in s's kernel
    let ended = null;
    client.on('association', (info) => { if (info.state !== 'up') ended = ended || info.state; });
    const errors = [];
    client.on('error', (err) => errors.push(err.code));
    for (let i = 0; i < 20; i++) client.write(Buffer.alloc(100, i));
    block(200);
    s.destroySoon(); // end(), then destroy() once it finished: before our loop reads what came
    let got = 0;
    client.on('data', (chunk) => { if (chunk.length === SIZE) got++; });
    const [hadError] = await closed(client);
    assert.deepStrictEqual({ got, ended, errors, hadError }, { got: N, ended: 'shutdown', errors: [], hadError: false });
  });

  it('one-to-one: destroy() still ABORTs (as documented): the peer sees ECONNRESET', async () => {
    const { client, peer: s } = await pair();
    const errors = [];
    client.on('error', (err) => errors.push(err.code));
    client.resume();
    s.destroy();
    await closed(client);
    assert.deepStrictEqual(errors, ['ECONNRESET']);
  });
});
