'use strict';
// createSocket() lifecycle: close on next tick, ref/unref, async iteration, asyncDispose,
// AbortSignal, garbage collection.
const assert = require('assert');
const sctp = require('../..');
const { socket, once, messages, run, fixture, sleep, bound } = require('../helpers');

const asyncDispose = Symbol.asyncDispose || Symbol.for('nodejs.asyncDispose');

describe('createSocket(): lifecycle', () => {
  it('\'close\' is emitted on the next tick; close(cb) and a second close() call back', async () => {
    const s = await bound();
    let closed = false;
    s.on('close', () => { closed = true; });
    assert.strictEqual(s.close(), s);
    assert.strictEqual(closed, false);
    await new Promise((resolve) => process.nextTick(resolve));
    assert.strictEqual(closed, true);
    await new Promise((resolve) => s.close(resolve));
    assert.throws(() => s.send('x', 9, '127.0.0.1'), { code: 'ERR_SOCKET_CLOSED' });
    assert.throws(() => s.bind(0), { code: 'ERR_SOCKET_CLOSED' });
    assert.throws(() => s.address(), { code: 'ERR_SOCKET_CLOSED' });
    assert.strictEqual(s.ref(), s);
    assert.strictEqual(s.unref(), s);
  });

  it('close() inside a \'message\' listener: no further messages', async () => {
    const receiver = await bound();
    const sender = await bound();
    let count = 0;
    receiver.on('message', () => { count++; receiver.close(); });
    for (let i = 0; i < 10; i++) sender.send(`m${i}`, receiver.address().port, '127.0.0.1');
    await once(receiver, 'close');
    await sleep(500);
    assert.strictEqual(count, 1);
  });

  it('close() inside every other callback: send callback, \'listening\', \'drain\', \'error\'', async () => {
    const receiver = await bound();
    const to = receiver.address().port;

    const a = socket({ type: 'sctp4' });
    await new Promise((resolve) => a.send('x', to, '127.0.0.1', () => { a.close(resolve); }));

    const b = socket({ type: 'sctp4' });
    b.bind(0, () => b.close());
    await once(b, 'close');

    const c = socket({ type: 'sctp4', sendHighWaterMark: 1 });
    while (c.send(Buffer.alloc(32 * 1024), to, '127.0.0.1', { ttl: 0 })) { /* until queued */ }
    c.on('drain', () => c.close());
    await once(c, 'close');

    const d = socket({ type: 'sctp4' });
    const dClosed = new Promise((resolve) => d.on('close', resolve)); // events.once rejects on 'error'
    d.on('error', () => d.close());
    d.bind(0, '192.0.2.1');
    await dClosed;
  });

  it('close() during a send burst: every callback is called once, nothing after \'close\'', async () => {
    const receiver = await bound();
    const sender = await bound();
    const calls = new Map();
    let afterClose = 0;
    let closed = false;
    sender.on('close', () => { closed = true; });
    for (let i = 0; i < 2000; i++) {
      sender.send(Buffer.alloc(4096), receiver.address().port, '127.0.0.1', { ttl: 0 }, () => {
        calls.set(i, (calls.get(i) || 0) + 1);
        if (closed) afterClose++;
      });
      if (i === 1000) {
        sender.close();
        break;
      }
    }
    await sleep(300);
    assert.strictEqual(calls.size, 1001);
    assert.ok([...calls.values()].every((n) => n === 1));
    assert.strictEqual(afterClose, 0);
  });

  it('unref() lets the process exit; ref() keeps it running', async () => {
    const unrefd = await run([fixture('socket-ref.js'), 'unref']);
    assert.strictEqual(unrefd.code, 0, unrefd.stderr);
    assert.strictEqual(unrefd.stdout, 'bound\n');
    const refd = await run([fixture('socket-ref.js'), 'ref']);
    assert.strictEqual(refd.code, 0, refd.stderr);
    assert.strictEqual(refd.stdout, 'bound\nstill running after 2 s\n');
  });

  it('for await ... of yields { msg, rinfo } and ends when the socket closes', async () => {
    const receiver = await bound();
    const sender = await bound();
    for (let i = 0; i < 3; i++) {
      sender.send(`m${i}`, receiver.address().port, '127.0.0.1', { unordered: false, ttl: 0 });
    }
    const seen = [];
    for await (const { msg, rinfo } of receiver) {
      seen.push([msg.toString(), rinfo.port]);
      if (seen.length === 3) setTimeout(() => receiver.close(), 10);
    }
    const from = sender.address().port;
    assert.deepStrictEqual(seen, [['m0', from], ['m1', from], ['m2', from]]);
  });

  it('Symbol.asyncDispose closes the socket (await using)', async () => {
    const s = sctp.createSocket({ type: 'sctp4' });
    let closed = false;
    s.on('close', () => { closed = true; });
    await s[asyncDispose]();
    assert.strictEqual(closed, true);
    await s[asyncDispose](); // again: resolves
  });

  it('an AbortSignal closes the socket, also when it is already aborted', async () => {
    const controller = new AbortController();
    const s = sctp.createSocket({ type: 'sctp4', signal: controller.signal });
    s.bind(0);
    await once(s, 'listening');
    const closing = once(s, 'close');
    controller.abort();
    await closing;
    assert.throws(() => s.address(), { code: 'ERR_SOCKET_CLOSED' });
    const early = sctp.createSocket({ type: 'sctp6', signal: AbortSignal.abort() });
    await once(early, 'close');
  });

  it('an open socket nobody references keeps receiving; a closed one is collected', async function () {
    if (typeof global.gc !== 'function') this.skip();
    const sender = await bound();
    let port;
    let received;
    let weakClosed;
    await (async () => {
      const s = sctp.createSocket({ type: 'sctp4' });
      s.bind(0, '127.0.0.1');
      await once(s, 'listening');
      port = s.address().port;
      received = messages(s, 1).then(([[msg]]) => { s.close(); return msg.toString(); });
      const closed = sctp.createSocket({ type: 'sctp4' });
      closed.close();
      weakClosed = new WeakRef(closed);
    })();
    for (let i = 0; i < 4; i++) { global.gc(); await sleep(20); }
    sender.send('still here', port, '127.0.0.1');
    assert.strictEqual(await received, 'still here');
    for (let i = 0; i < 4; i++) { global.gc(); await sleep(20); }
    assert.strictEqual(weakClosed.deref(), undefined);
  });
});
