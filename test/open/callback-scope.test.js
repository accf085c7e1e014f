'use strict';
// Regression 5: onRecv runs as a proper async callback (HandleScope + CallbackScope), so
// process.nextTick and promise jobs it queues run before the next message is delivered, and an
// exception it throws is an uncaught exception (and the socket keeps delivering).
const assert = require('assert');
const { AsyncLocalStorage, createHook, executionAsyncId } = require('async_hooks');
const { open, socket, once, port, block, sleep, run, fixture } = require('../helpers');

// regression 5 of the original (docs/api/open.md)
describe('onRecv callback scope', () => {
  it('nextTick and promise jobs queued in onRecv run before the next message', async () => {
    const serverPort = port();
    const log = [];
    let n = 0;
    open('127.0.0.1', serverPort, 64, () => {
      const i = n++;
      log.push(`recv ${i}`);
      process.nextTick(() => log.push(`tick ${i}`));
      Promise.resolve().then(() => log.push(`promise ${i}`));
    });
    const client = open('127.0.0.1', port(), 64, () => {});
    for (let i = 0; i < 5; i++) client.send(Buffer.from('x'), '127.0.0.1', serverPort);
    block(1000); // the five wait in the kernel and are read in one poll callback
    while (n < 5) await sleep(50);
    const expected = [];
    for (let i = 0; i < 5; i++) expected.push(`recv ${i}`, `tick ${i}`, `promise ${i}`);
    assert.deepStrictEqual(log, expected);
  });

  // A garbage collection between open() and the message must not lose the context: the async
  // resource the callbacks run in is held for as long as the socket is open.
  it('onRecv runs in the async context of open(), after a garbage collection too', async () => {
    const als = new AsyncLocalStorage();
    const serverPort = port();
    const seen = [];
    als.run('opened here', () => open('127.0.0.1', serverPort, 64, () => seen.push(als.getStore())));
    const client = open('127.0.0.1', port(), 64, () => {});
    client.send(Buffer.from('x'), '127.0.0.1', serverPort);
    while (seen.length < 1) await sleep(20);
    global.gc();
    client.send(Buffer.from('y'), '127.0.0.1', serverPort);
    while (seen.length < 2) await sleep(20);
    assert.deepStrictEqual(seen, ['opened here', 'opened here']);
  });

  it('onRecv runs as an async resource of type SCTP_NAPI, as the original\'s (createSocket(): SCTP_SOCKET)', async () => {
    const types = new Map();
    const hook = createHook({ init(id, type) { types.set(id, type); } }).enable();
    const seen = [];
    try {
      const serverPort = port();
      open('127.0.0.1', serverPort, 64, () => seen.push(types.get(executionAsyncId())));
      const server = socket({ type: 'sctp4' });
      server.on('message', () => seen.push(types.get(executionAsyncId())));
      server.bind(0, '127.0.0.1');
      await once(server, 'listening');
      const client = open('127.0.0.1', port(), 64, () => {});
      client.send(Buffer.from('x'), '127.0.0.1', serverPort);
      while (seen.length < 1) await sleep(20);
      client.send(Buffer.from('y'), '127.0.0.1', server.address().port);
      while (seen.length < 2) await sleep(20);
    } finally {
      hook.disable();
    }
    assert.deepStrictEqual(seen, ['SCTP_NAPI', 'SCTP_SOCKET']);
  });

  it("createSocket(): 'message' runs in the async context that made the socket, as with dgram", async () => {
    const als = new AsyncLocalStorage();
    const seen = [];
    const server = als.run('made here', () => {
      const s = socket({ type: 'sctp4' });
      s.on('message', () => seen.push(als.getStore()));
      return s;
    });
    server.bind(0, '127.0.0.1');
    await once(server, 'listening');
    const client = socket({ type: 'sctp4' });
    client.send('x', server.address().port, '127.0.0.1');
    while (seen.length < 1) await sleep(20);
    global.gc();
    client.send('y', server.address().port, '127.0.0.1');
    while (seen.length < 2) await sleep(20);
    assert.deepStrictEqual(seen, ['made here', 'made here']);
  });

  it('a throwing onRecv reaches uncaughtException and the socket keeps delivering', async () => {
    const res = await run([fixture('throwing-onrecv.js'), String(port())]);
    assert.strictEqual(res.code, 0, res.stderr);
    assert.deepStrictEqual(JSON.parse(res.stdout), {
      uncaught: ['boom 0', 'boom 1'],
      received: ['m0', 'm1', 'm2'],
    });
  });

  it('without an uncaughtException handler the process dies with the error, like Node', async () => {
    const res = await run([fixture('throwing-onrecv.js'), String(port()), 'no-handler']);
    assert.strictEqual(res.code, 1);
    assert.match(res.stderr, /Error: boom 0/);
  });
});
