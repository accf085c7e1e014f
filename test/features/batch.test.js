'use strict';
// Batched sends (sendmmsg): createSocket()'s cork()/uncork() and its queue after EAGAIN, the
// one-to-one socket's cork()/uncork() (_writev). A batch keeps every per-message promise: order,
// each message's own options and callback, an error that belongs to one message, close and EAGAIN
// in the middle.
const assert = require('assert');
const { bound, socket, messages, once, closed, pair, chunks } = require('../helpers');

const numbered = (i, size = 64) => {
  const msg = Buffer.alloc(size);
  msg.writeUInt32BE(i);
  return msg;
};
const range = (n) => Array.from({ length: n }, (_, i) => i);

// A sender whose association to a receiver is up with 4 outbound streams: a send on stream 9 is
// refused (EINVAL), by the kernel, for that message alone.
async function fourStreams() {
  const receiver = await bound();
  const sender = await bound({ initMsg: { outStreams: 4 } });
  const port = receiver.address().port;
  const got = messages(receiver, 1);
  sender.send(numbered(999), port, '127.0.0.1');
  await got;
  return { receiver, sender, port };
}

describe('batched sends: createSocket() cork()/uncork()', () => {
  it('corked sends wait; uncork() sends them in order, each with its own options, to each destination', async () => {
    const a = await bound();
    const b = await bound();
    const sender = await bound();
    const N = 300; // more than one batch of 64
    const gotA = messages(a, N / 2);
    const gotB = messages(b, N / 2);
    const results = [];
    let drains = 0;
    sender.on('drain', () => drains++);
    sender.cork();
    sender.cork(); // nested: the second uncork() sends
    for (let i = 0; i < N; i++) {
      const to = i % 2 ? b : a;
      sender.send(numbered(i), to.address().port, '127.0.0.1', { ppid: i, stream: i % 5, unordered: false, ttl: 0 },
        (err, bytes) => results.push([i, err, bytes]));
    }
    sender.uncork();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.strictEqual(sender.getSendQueueCount(), N, 'a corked message left before the last uncork()');
    assert.strictEqual(results.length, 0);
    sender.uncork();
    sender.uncork(); // one too many: nothing happens
    const [listA, listB] = await Promise.all([gotA, gotB]);
    for (const [list, parity] of [[listA, 0], [listB, 1]]) {
      const ids = list.map(([msg]) => msg.readUInt32BE(0));
      assert.deepStrictEqual(ids, range(N / 2).map((k) => 2 * k + parity));
      assert.ok(list.every(([msg, rinfo]) => rinfo.ppid === msg.readUInt32BE(0) &&
        rinfo.stream === msg.readUInt32BE(0) % 5 && !rinfo.unordered));
    }
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepStrictEqual(results, range(N).map((i) => [i, null, 64]));
    assert.strictEqual(sender.getSendQueueCount(), 0);
    assert.strictEqual(drains, 0, "'drain' after a batch that never waited for room");
  });

  it('one batch mixing destinations: by address, by assocId, another port of the same host, a bad address', async () => {
    // The native side takes each address once per run of messages to it: a run must not leak into
    // the next message's destination, port or options.
    const a = await bound();
    const b = await bound();
    const sender = socket({ type: 'sctp6', defaults: { unordered: false, ttl: 0 } });
    sender.bind(0, '::');
    await once(sender, 'listening');
    const [pa, pb] = [a.address().port, b.address().port];
    const { assocId } = await sender.connect(pa, '127.0.0.1');
    const toA = [0, 1, 2, 4, 5, 7, 9, 11];
    const gotA = messages(a, toA.length);
    const gotB = messages(b, 3);
    const results = [];
    const send = (i, ...to) => sender.send(numbered(i), ...to, (err) => results.push(`${i}:${err ? err.code : 'ok'}`));
    sender.cork();
    send(0, pa, '127.0.0.1', { ppid: 0 });
    send(1, { assocId, ppid: 1, rtx: 3 });
    send(2, pa, '127.0.0.1', { ppid: 2, prio: 1 });
    send(3, pb, '127.0.0.1', { ppid: 3, stream: 3 });
    send(4, pa, '127.0.0.1', { ppid: 4 });
    send(5, { assocId, ppid: 5 });
    send(6, pb, '127.0.0.1', { ppid: 6, stream: 3 });
    send(7, pa, '127.0.0.1', { ppid: 7, ttl: 5000 });
    send(8, pa, 'fe80::1%nosuchif0', { ppid: 8 }); // refused when its address is parsed, mid-batch
    send(9, pa, '127.0.0.1', { ppid: 9 });
    send(10, pb, '127.0.0.1', { ppid: 10, stream: 3 });
    send(11, { assocId, ppid: 11, stream: 1 });
    sender.uncork();
    const [listA, listB] = await Promise.all([gotA, gotB]);
    const seen = (list) => list.map(([msg, rinfo]) => [msg.readUInt32BE(0), rinfo.ppid, rinfo.stream]);
    assert.deepStrictEqual(seen(listA), toA.map((i) => [i, i, i === 11 ? 1 : 0]));
    assert.deepStrictEqual(seen(listB), [3, 6, 10].map((i) => [i, i, 3]));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepStrictEqual(results.sort((x, y) => parseInt(x, 10) - parseInt(y, 10)),
      range(12).map((i) => `${i}:${i === 8 ? 'EINVAL' : 'ok'}`));
  });

  it('corked sends past sendHighWaterMark: send() returns false, and \'drain\' comes after uncork()', async () => {
    const receiver = await bound();
    const sender = await bound({ sendHighWaterMark: 1000 });
    const got = messages(receiver, 100);
    const results = [];
    sender.cork();
    for (let i = 0; i < 100; i++) results.push(sender.send(numbered(i, 100), receiver.address().port, '127.0.0.1'));
    assert.deepStrictEqual(results, range(100).map((i) => (i + 1) * 100 <= 1000));
    const drained = once(sender, 'drain');
    sender.uncork();
    assert.strictEqual(sender.getSendQueueCount(), 0, 'the kernel did not take 10 KB at once');
    await drained; // a sender that waits for 'drain' after false goes on
    assert.deepStrictEqual((await got).map(([msg]) => msg.readUInt32BE(0)), range(100));
  });

  it('a run of refusals in a batch (100 on a stream the association lacks): each fails alone, the rest go', async () => {
    const { sender, port } = await fourStreams();
    const results = [];
    sender.cork();
    for (let i = 0; i < 300; i++) {
      sender.send(numbered(i), port, '127.0.0.1', { stream: i >= 100 && i < 200 ? 9 : 0 }, (err) => results.push(err ? err.code : 'ok'));
    }
    sender.uncork();
    assert.strictEqual(sender.getSendQueueCount(), 0);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepStrictEqual(results, range(300).map((i) => (i >= 100 && i < 200 ? 'EINVAL' : 'ok')));
  });

  it('an error that belongs to one message of a batch fails that message alone', async () => {
    const { receiver, sender, port } = await fourStreams();
    const rest = messages(receiver, 99);
    const results = [];
    sender.cork();
    for (let i = 0; i < 100; i++) {
      sender.send(numbered(i), port, '127.0.0.1', { stream: i === 50 ? 9 : 0, unordered: false, ttl: 0 },
        (err, bytes) => results.push(err ? `${i} ${err.code} ${err.syscall}` : bytes));
    }
    sender.uncork();
    const list = await rest;
    assert.deepStrictEqual(list.map(([msg]) => msg.readUInt32BE(0)), range(100).filter((i) => i !== 50));
    await new Promise((resolve) => setImmediate(resolve));
    assert.strictEqual(results.length, 100);
    assert.deepStrictEqual(results.filter((r) => typeof r === 'string'), ['50 EINVAL send']);
  });

  it('without a callback, that error is the socket\'s \'error\' (not a peer\'s doing)', async () => {
    const { sender, port } = await fourStreams();
    const error = once(sender, 'error');
    sender.cork();
    sender.send(numbered(1), port, '127.0.0.1');
    sender.send(numbered(2), port, '127.0.0.1', { stream: 9 });
    sender.uncork();
    const [err] = await error;
    assert.strictEqual(err.code, 'EINVAL');
    assert.strictEqual(err.port, port);
  });

  it('EAGAIN in the middle of a batch: the rest waits, then all arrive in order, then \'drain\'', async () => {
    const receiver = await bound();
    const sender = await bound();
    const N = 2000;
    const size = 8 * 1024; // 16 MiB in all: more than the kernel's send buffer takes at once
    const got = messages(receiver, N, 600000);
    let called = 0;
    sender.cork();
    for (let i = 0; i < N; i++) {
      sender.send(numbered(i, size), receiver.address().port, '127.0.0.1', { unordered: false, ttl: 0 }, () => called++);
    }
    const drained = once(sender, 'drain');
    sender.uncork();
    const left = sender.getSendQueueCount();
    assert.ok(left > 0 && left < N, `${left} of ${N} still queued after uncork(): no EAGAIN mid-way`);
    const list = await got;
    assert.deepStrictEqual(list.map(([msg]) => msg.readUInt32BE(0)), range(N));
    assert.ok(list.every(([msg]) => msg.length === size));
    await drained;
    assert.strictEqual(called, N);
  });

  it('close() in the middle of a batch: what the kernel took arrives, the rest get ERR_SOCKET_CLOSED', async () => {
    const receiver = await bound();
    const sender = await bound();
    const N = 1000;
    const results = [];
    sender.cork();
    for (let i = 0; i < N; i++) {
      sender.send(numbered(i, 16 * 1024), receiver.address().port, '127.0.0.1', { unordered: false, ttl: 0 },
        (err) => results.push(err ? err.code : 'sent'));
    }
    sender.uncork();
    const queued = sender.getSendQueueCount();
    assert.ok(queued > 0 && queued < N, `${queued} queued`);
    const taken = N - queued;
    const got = messages(receiver, taken, 600000);
    sender.close();
    await once(sender, 'close');
    assert.strictEqual(results.length, N, 'a callback was not called');
    assert.deepStrictEqual(results, [...Array(taken).fill('sent'), ...Array(queued).fill('ERR_SOCKET_CLOSED')]);
    const list = await got; // what the kernel took, it delivers
    assert.deepStrictEqual(list.map(([msg]) => msg.readUInt32BE(0)), range(taken));
  });
});

describe('batched sends: the one-to-one socket\'s cork()/uncork()', () => {
  it('corked write()s and send()s go in one batch, in order, each a message with its own options', async () => {
    const { client, peer } = await pair();
    const N = 200;
    const got = new Promise((resolve) => {
      const list = [];
      peer.on('message', (msg, rinfo) => {
        list.push([msg.readUInt32BE(0), msg.length, rinfo.ppid, rinfo.stream]);
        if (list.length === N) resolve(list);
      });
    });
    const callbacks = [];
    client.cork();
    for (let i = 0; i < N; i++) {
      const cb = (err) => callbacks.push(err ? err.code : i);
      if (i % 3 === 0) client.send(numbered(i, 100 + i), { ppid: i, stream: 1 }, cb);
      else client.write(numbered(i, 100 + i), cb);
      if (i === 10) client.write(Buffer.alloc(0)); // an empty write is no message, as on TCP
    }
    process.nextTick(() => client.uncork()); // as net's docs advise
    const list = await got;
    assert.deepStrictEqual(list, range(N).map((i) => [i, 100 + i, i % 3 === 0 ? i : 0, i % 3 === 0 ? 1 : 0]));
    assert.deepStrictEqual(callbacks, range(N));
    assert.strictEqual(client.bytesWritten, range(N).reduce((sum, i) => sum + 100 + i, 0));
  });

  it('EAGAIN in the middle of a corked batch: all arrive in order, every callback runs, then \'drain\'', async () => {
    const { client, peer } = await pair();
    const N = 2000;
    const got = chunks(peer, N);
    let called = 0;
    client.cork();
    let ok = true;
    for (let i = 0; i < N; i++) ok = client.write(numbered(i, 8 * 1024), () => called++);
    assert.strictEqual(ok, false, 'write() never returned false: the test shows nothing');
    const drained = once(client, 'drain');
    client.uncork();
    const list = await got;
    assert.deepStrictEqual(list.map((msg) => msg.readUInt32BE(0)), range(N));
    await drained;
    assert.strictEqual(called, N);
  });

  it('a message refused in a batch fails the write with that error; those before it arrive', async () => {
    const { client, peer } = await pair({ initMsg: { outStreams: 4 } });
    const got = chunks(peer, 5);
    const errors = [];
    client.on('error', (err) => errors.push(err.code));
    const gone = closed(client);
    const results = [];
    client.cork();
    for (let i = 0; i < 10; i++) {
      client.send(numbered(i), { stream: i === 5 ? 9 : 0 }, (err) => results.push(err ? err.code : 'ok'));
    }
    client.uncork();
    const list = await got;
    assert.deepStrictEqual(list.map((msg) => msg.readUInt32BE(0)), range(5));
    await gone;
    assert.deepStrictEqual(errors, ['EINVAL']);
    assert.strictEqual(results.length, 10, 'a write callback was not called');
    assert.ok(results.every((r) => r === 'EINVAL'), results.join()); // the batch's callback is each write's
  });

  it('destroy() while a corked batch waits for room: every callback runs, the socket closes', async () => {
    const { client } = await pair();
    const results = [];
    client.cork();
    for (let i = 0; i < 1000; i++) client.write(numbered(i, 16 * 1024), (err) => results.push(err ? err.code : 'ok'));
    client.uncork();
    await new Promise((resolve) => setImmediate(resolve));
    client.destroy();
    await closed(client);
    await new Promise((resolve) => setImmediate(resolve));
    assert.strictEqual(results.length, 1000);
    assert.ok(results.some((r) => r !== 'ok'), 'nothing was waiting: the test shows nothing');
  });
});
