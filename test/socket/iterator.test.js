'use strict';
// createSocket()'s async iterator: bounded (reading pauses, the kernel's window pushes back on the
// sender), concurrent next() calls, return() with a next() pending, errors, oversize messages.
const assert = require('assert');
const { bound, sleep } = require('../helpers');

const reliable = { ttl: 0, unordered: false };

describe('createSocket(): async iterator', () => {
  it('holds at most 16 unread messages: reading pauses and the sender\'s queue fills; all arrive in order', async () => {
    const receiver = await bound({ recvBufferSize: 64 * 1024 });
    const sender = await bound({ sendBufferSize: 64 * 1024 });
    let emitted = 0;
    receiver.on('message', () => emitted++);
    const it = receiver[Symbol.asyncIterator]();
    const total = 3000;
    const payload = Buffer.alloc(1024);
    for (let i = 0; i < total; i++) {
      payload.writeUInt32BE(i);
      sender.send(Buffer.from(payload), receiver.address().port, '127.0.0.1', reliable);
    }
    await sleep(1500);
    // Not pulled: the iterator took 16 and stopped reading; the rest waits in the kernel's
    // buffers and in the sender's queue (unbounded buffering would have taken all 3000).
    assert.strictEqual(emitted, 16);
    assert.ok(sender.getSendQueueCount() > 0, 'the sender was never pushed back');
    for (let i = 0; i < total; i++) {
      const { value, done } = await it.next();
      assert.strictEqual(done, false);
      assert.strictEqual(value.msg.readUInt32BE(0), i);
    }
    await it.return();
  });

  it('concurrent next() calls each get their own message, in order', async () => {
    const receiver = await bound();
    const sender = await bound();
    const it = receiver[Symbol.asyncIterator]();
    const pending = [it.next(), it.next(), it.next()];
    for (const m of ['a', 'b', 'c']) sender.send(m, receiver.address().port, '127.0.0.1', reliable);
    const got = await Promise.all(pending);
    assert.deepStrictEqual(got.map((r) => r.value.msg.toString()), ['a', 'b', 'c']);
    await it.return();
  });

  it('return() settles a next() that is still waiting', async () => {
    const receiver = await bound();
    const it = receiver[Symbol.asyncIterator]();
    const waiting = it.next();
    assert.deepStrictEqual(await it.return(), { value: undefined, done: true });
    assert.deepStrictEqual(await waiting, { value: undefined, done: true });
    assert.deepStrictEqual(await it.next(), { value: undefined, done: true });
  });

  it('an oversize message does not end the loop (it is reported as \'oversize\')', async () => {
    const receiver = await bound({ maxMessageSize: 10 });
    const sender = await bound();
    let oversize = null;
    receiver.on('oversize', (info) => { oversize = info; });
    sender.send('far too long for ten bytes', receiver.address().port, '127.0.0.1', reliable);
    sender.send('fits', receiver.address().port, '127.0.0.1', reliable);
    for await (const { msg } of receiver) {
      assert.strictEqual(msg.toString(), 'fits');
      break;
    }
    assert.strictEqual(oversize.size, 26);
  });

  it('an \'error\' rejects the next() once; then the loop is done', async () => {
    const receiver = await bound();
    const it = receiver[Symbol.asyncIterator]();
    const waiting = it.next();
    receiver.emit('error', new Error('boom'));
    await assert.rejects(waiting, /boom/);
    assert.deepStrictEqual(await it.next(), { value: undefined, done: true });
  });

  it('the loop ends when the socket closes; reading resumes for other listeners after it', async () => {
    const receiver = await bound();
    const sender = await bound();
    const to = receiver.address().port;
    const it = receiver[Symbol.asyncIterator]();
    for (let i = 0; i < 40; i++) sender.send(`m${i}`, to, '127.0.0.1', reliable);
    await sleep(500);
    await it.return(); // it held 16 unread: they go to the next reader, then reading resumes
    const later = [];
    receiver.on('message', (msg) => later.push(msg.toString()));
    while (later.length < 40) await sleep(20);
    assert.deepStrictEqual(later, Array.from({ length: 40 }, (_, i) => `m${i}`));
    const loop = (async () => {
      for await (const _ of receiver); // eslint-disable-line no-unused-vars
      return 'ended';
    })();
    receiver.close();
    assert.strictEqual(await loop, 'ended');
  });
});
