'use strict';
// Receiving a tick's messages in one call (lib/receive.js): what a kept message holds alive, and
// that each message is still delivered as if it had its own callback.
const assert = require('assert');
const { AsyncLocalStorage } = require('async_hooks');
const { MessageChannel } = require('worker_threads');
const { spawnSync } = require('child_process');
const { bound, once, pair, sleep, listening, track, python, run, fixture } = require('../helpers');

const SIZE = 64;

// Sends `total` messages of SIZE bytes to port in corked bursts of 64 (one sendmmsg each), so the
// receiver's ticks are full; resolves when the last burst was taken.
async function flood(sender, port, total) {
  const payload = Buffer.alloc(SIZE, 7);
  for (let sent = 0; sent < total;) {
    sender.cork();
    const last = [];
    for (let i = 0; i < 64 && sent < total; i++, sent++) {
      last.push(new Promise((resolve, reject) => sender.send(payload, port, '127.0.0.1', (err) => (err ? reject(err) : resolve()))));
    }
    sender.uncork();
    await Promise.all(last);
  }
}

// The first n messages' Buffers.
const messagesOf = (s, n) => new Promise((resolve) => {
  const got = [];
  s.on('message', (msg) => { if (got.push(msg) === n) resolve(got); });
});

describe('createSocket(): a tick\'s messages in one call', () => {
  it('a kept small message holds at most its group of eight alive, not its whole tick', async () => {
    const receiver = await bound();
    const sender = await bound();
    const TOTAL = 32000;
    const kept = [];
    let got = 0;
    let tick = 0;
    let mostInATick = 0;
    const watch = setInterval(() => {}, 1000);
    const checkPhase = () => { mostInATick = Math.max(mostInATick, tick); tick = 0; if (got < TOTAL) setImmediate(checkPhase); };
    global.gc();
    const before = process.memoryUsage().arrayBuffers;
    setImmediate(checkPhase);
    const done = new Promise((resolve) => receiver.on('message', (msg) => {
      tick++;
      if (got++ % 64 === 0) kept.push(msg);
      if (got === TOTAL) resolve();
    }));
    await flood(sender, receiver.address().port, TOTAL);
    await done;
    clearInterval(watch);
    global.gc();
    const held = process.memoryUsage().arrayBuffers - before;
    sender.close();
    receiver.close();
    assert.strictEqual(kept.length, TOTAL / 64);
    assert.ok(kept.every((m) => m.length === SIZE && m[0] === 7));
    // The bound means something only if ticks carried many messages.
    assert.ok(mostInATick >= 16, `at most ${mostInATick} messages in a tick`);
    const bound8 = kept.length * 8 * SIZE;
    assert.ok(held <= bound8 + 256 * 1024,
      `${kept.length} kept messages of ${SIZE} B hold ${held} bytes of ArrayBuffers (bound ${bound8})`);
  });

  it('nextTick and promise jobs queued by one message\'s handler run before the next message', async () => {
    const receiver = await bound();
    const sender = await bound();
    const order = [];
    const N = 200;
    const done = new Promise((resolve) => receiver.on('message', (msg) => {
      const i = msg.readUInt32BE(0);
      order.push(`m${i}`);
      process.nextTick(() => order.push(`t${i}`));
      Promise.resolve().then(() => order.push(`p${i}`));
      if (i === N - 1) setImmediate(resolve);
    }));
    sender.cork();
    for (let i = 0; i < N; i++) {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(i, 0);
      sender.send(b, receiver.address().port, '127.0.0.1');
    }
    sender.uncork();
    await done;
    sender.close();
    receiver.close();
    const expected = [];
    for (let i = 0; i < N; i++) expected.push(`m${i}`, `t${i}`, `p${i}`);
    assert.deepStrictEqual(order, expected);
  });

  it('a handler that throws is an uncaught exception; the messages after it still come, in order', async () => {
    const receiver = await bound();
    const sender = await bound();
    const N = 100;
    const seen = [];
    const caught = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const onUncaught = (err) => caught.push(err.message);
    process.on('uncaughtException', onUncaught);
    try {
      const done = new Promise((resolve) => receiver.on('message', (msg) => {
        const i = msg.readUInt32BE(0);
        seen.push(i);
        if (i === N - 1) resolve();
        if (i % 10 === 3) throw new Error(`boom ${i}`);
      }));
      sender.cork();
      for (let i = 0; i < N; i++) {
        const b = Buffer.alloc(4);
        b.writeUInt32BE(i, 0);
        sender.send(b, receiver.address().port, '127.0.0.1');
      }
      sender.uncork();
      await done;
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const l of listeners) process.on('uncaughtException', l);
    }
    sender.close();
    receiver.close();
    assert.deepStrictEqual(seen, Array.from({ length: N }, (_, i) => i));
    assert.deepStrictEqual(caught, Array.from({ length: 10 }, (_, i) => `boom ${i * 10 + 3}`));
  });

  // A small message shares its ArrayBuffer with others of its tick; transferring that (as the
  // Buffers of Node's own pool) would empty them.
  it('a small message\'s ArrayBuffer cannot be transferred away from the others it holds', async () => {
    const receiver = await bound();
    const sender = await bound();
    const got = messagesOf(receiver, 8);
    sender.cork();
    for (let i = 0; i < 8; i++) sender.send(Buffer.alloc(SIZE, i + 1), receiver.address().port, '127.0.0.1');
    sender.uncork();
    const msgs = await got;
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(msgs[0].buffer, [msgs[0].buffer]); // Node 20: copied; later lines: throws
    } catch (err) {
      assert.strictEqual(err.name, 'DataCloneError');
    }
    port1.close();
    port2.close();
    sender.close();
    receiver.close();
    assert.deepStrictEqual(msgs.map((m) => [m.length, m[0]]), Array.from({ length: 8 }, (_, i) => [SIZE, i + 1]));
  });

  it('close() from a handler: nothing more of that tick is delivered', async () => {
    const receiver = await bound();
    const sender = await bound();
    let count = 0;
    receiver.on('message', () => {
      count++;
      if (count === 5) receiver.close();
    });
    sender.cork();
    for (let i = 0; i < 50; i++) sender.send('x', receiver.address().port, '127.0.0.1');
    sender.uncork();
    await once(receiver, 'close');
    await new Promise((resolve) => setTimeout(resolve, 200));
    sender.close();
    assert.strictEqual(count, 5);
  });
});

// A pause taken during a tick (the iterator's bound: test/socket/iterator.test.js) holds the tick's
// rest until reading resumes.
describe('a pause taken mid-tick', () => {
  it('connect(): a full readable side (16 messages) takes no more of its tick; the rest comes in order on resume', async () => {
    const { client, peer } = await pair();
    const total = 2000;
    client.cork();
    for (let i = 0; i < total; i++) {
      const b = Buffer.alloc(SIZE);
      b.writeUInt32BE(i, 0);
      client.write(b);
    }
    client.uncork();
    await sleep(1500);
    assert.strictEqual(peer.readableLength, 16); // its readableHighWaterMark (object mode)
    const seen = [];
    for await (const msg of peer) {
      seen.push(msg.readUInt32BE(0));
      if (seen.length === total) break;
    }
    assert.deepStrictEqual(seen, Array.from({ length: total }, (_, i) => i));
  });

  it('close() while a tick\'s rest is held: nothing more is delivered, nothing is thrown', async () => {
    const receiver = await bound();
    const sender = await bound();
    let emitted = 0;
    receiver.on('message', () => emitted++);
    const it = receiver[Symbol.asyncIterator]();
    await flood(sender, receiver.address().port, 256);
    await sleep(500);
    assert.strictEqual(emitted, 16); // the iterator's bound: the rest of its tick is held
    receiver.close();
    await once(receiver, 'close');
    await sleep(200);
    assert.strictEqual(emitted, 16);
    assert.strictEqual((await it.next()).value.msg.length, SIZE); // what the iterator took, then the end
    sender.close();
  });

  // A notification read after held messages (the peer's SHUTDOWN) waits behind them.
  it("connect(): the peer's SHUTDOWN read in a tick whose rest is held: every message, then 'shutdown', then 'end'", async () => {
    // A Python client, run while this loop waits, so that its 40 messages and its SHUTDOWN are all
    // queued when the accepted socket first reads: one tick, in which the readable side (16) fills
    // and the rest is held; the SHUTDOWN notification, read in that tick, must wait behind it.
    const total = 40;
    const seen = [];
    let atShutdown = -1; // how many messages the socket had given its readable side at 'shutdown'
    let accepted;
    const connection = new Promise((resolve) => { accepted = resolve; });
    const server = await listening((s) => {
      s.on('shutdown', () => { atShutdown = seen.length + s.readableLength; });
      accepted(track(s));
    });
    const client = [
      'import socket, struct, sys',
      's = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 132)',
      's.connect(("127.0.0.1", int(sys.argv[1])))',
      `for i in range(${total}): s.send(struct.pack(">I", i) + bytes(${SIZE - 4}))`,
      's.close()', // (a graceful SHUTDOWN, once the peer has acknowledged every message)
    ].join('\n');
    const run = spawnSync(python, ['-S', '-c', client, String(server.address().port)], { encoding: 'utf8' });
    assert.strictEqual(run.status, 0, run.stderr);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // its SHUTDOWN arrives
    const peer = await connection;
    await sleep(500); // the tick: 16 in the readable side, 24 held, the SHUTDOWN behind them
    for await (const msg of peer) seen.push(msg.readUInt32BE(0));
    assert.deepStrictEqual(seen, Array.from({ length: total }, (_, i) => i));
    assert.strictEqual(atShutdown, total);
    assert.strictEqual(peer.readableEnded, true);
  });

  it('held messages are delivered in the async context of the socket, not of who resumed it', async () => {
    const als = new AsyncLocalStorage();
    const receiver = await als.run('receiver', () => bound());
    const sender = await bound();
    const stores = new Set();
    receiver.on('message', () => stores.add(als.getStore()));
    const it = receiver[Symbol.asyncIterator]();
    await flood(sender, receiver.address().port, 64);
    await sleep(500);
    let read = 0;
    await als.run('reader', async () => {
      while (read < 64) { await it.next(); read++; }
    });
    sender.close();
    receiver.close();
    assert.deepStrictEqual([...stores], ['receiver']);
  });
});

describe('what a message\'s handler queues', () => {
  it('a nextTick that throws reaches uncaughtException; every message still comes, straight from a tick or held', async () => {
    const { code, stdout, stderr } = await run([fixture('tick-throws.js')]);
    assert.strictEqual(code, 0, stderr);
    assert.deepStrictEqual(JSON.parse(stdout), {
      socket: { inOrder: true, seen: 60, caught: 6 },
      stream: { inOrder: true, seen: 400, caught: 40, readableLength: 16 },
    });
  });
});
