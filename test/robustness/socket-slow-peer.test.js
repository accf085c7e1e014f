'use strict';
// One peer of a one-to-many socket stops reading; another keeps up. Where the stuck peer's data
// sits (unacknowledged in our kernel, its window closed) depends on net.sctp.sndbuf_policy:
// - 1, the send buffer accounted per association: sendmsg() to the other peer still succeeds, so
//   the socket's own queue must not hold the other peer's messages behind the stuck one's (it did:
//   first in, first out across peers, all waiting for a POLLOUT that Linux does not give while the
//   stuck association holds a send buffer's worth: net/sctp/socket.c sctp_writeable() counts the
//   whole socket's sk_wmem_queued);
// - 0 (Linux's default), per socket: the kernel refuses every peer (EAGAIN) while the stuck one
//   holds it all; abort(assocId) of the stuck association gives the room back.
const assert = require('assert');
const fs = require('fs');
const { bound, once, sleep } = require('../helpers');

const POLICY = '/proc/sys/net/sctp/sndbuf_policy';
const SIZE = 1000;
const N = 200; // to each peer: 200 KB, more than the send buffer (64 KiB, 128 KiB as the kernel counts)

// Message i: SIZE bytes, i in the first four.
function message(i) {
  const b = Buffer.alloc(SIZE, 7);
  b.writeUInt32BE(i);
  return b;
}

// The sender, a peer that stops reading (an async iterator nobody reads holds 16 messages, then
// reading stops, behind a small window) and a peer that reads everything.
async function peers() {
  const stuck = await bound({ recvBufferSize: 4096 });
  const it = stuck[Symbol.asyncIterator]();
  const reader = await bound();
  const got = [];
  reader.on('message', (msg) => got.push(msg.readUInt32BE(0)));
  const sender = await bound({ sendBufferSize: 65536 });
  const a = (await sender.connect(stuck.address().port, '127.0.0.1')).assocId;
  const b = (await sender.connect(reader.address().port, '127.0.0.1')).assocId;
  // The stuck peer's window closes and our kernel holds what it cannot take; the rest waits here.
  for (let i = 0; i < N; i++) sender.send(message(i), { assocId: a });
  await sleep(1500);
  assert.ok(sender.getSendQueueCount() > 0, 'the stuck peer took everything');
  assert.strictEqual(sender.status(a).rwnd, 0, "the stuck peer's window is not closed");
  return { sender, stuck, it, a, b, got };
}

async function until(what, fn, ms = 30000) {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return what;
}

describe('one-to-many: a peer that stops reading', function () {
  let before;
  beforeEach(function () {
    try {
      before = fs.readFileSync(POLICY, 'utf8').trim();
    } catch {
      this.skip(); // no SCTP sysctls here
    }
  });
  afterEach(() => fs.writeFileSync(POLICY, before));

  it('sndbuf_policy 1: the other peer gets all it is sent, in order, while the stuck one\'s messages wait; resumed, the stuck peer gets all of its own, in order, then \'drain\'', async () => {
    fs.writeFileSync(POLICY, '1'); // read when an association is made
    const { sender, it, b, got } = await peers();
    const callbacks = [];
    for (let i = 0; i < N; i++) sender.send(message(i), { assocId: b }, (err) => callbacks.push(err));
    await until(true, () => got.length === N);
    assert.deepStrictEqual({ got: got.length, callbacks: callbacks.length },
      { got: N, callbacks: N }, 'the reading peer waited behind the stuck one');
    assert.deepStrictEqual(got, Array.from({ length: N }, (_, i) => i));
    assert.ok(callbacks.every((err) => err === null));
    assert.ok(sender.getSendQueueCount() > 0, "the stuck peer's messages went");
    // The stuck peer reads again: what waited for it goes, in order, and the queue drains.
    const drained = once(sender, 'drain');
    const seen = [];
    while (seen.length < N) seen.push((await it.next()).value.msg.readUInt32BE(0));
    assert.deepStrictEqual(seen, Array.from({ length: N }, (_, i) => i));
    await drained;
    assert.strictEqual(sender.getSendQueueCount(), 0);
  });

  it('sndbuf_policy 0: every peer waits for the stuck one (the kernel refuses them all); abort(assocId) of the stuck association lets the others\' messages go', async () => {
    fs.writeFileSync(POLICY, '0');
    const { sender, a, b, got } = await peers();
    for (let i = 0; i < N; i++) sender.send(message(i), { assocId: b });
    await sleep(1500);
    assert.strictEqual(got.length, 0, 'with the send buffer per socket, the reading peer got messages');
    sender.abort(a); // its messages in the queue fail (peer-caused: no 'error' without a listener)
    assert.ok(await until(true, () => got.length === N), `the reading peer got ${got.length} of ${N}`);
    assert.deepStrictEqual(got, Array.from({ length: N }, (_, i) => i));
  });
});
