'use strict';
// Regression 8: the addon is context-aware. Sockets in two workers work at once, and a worker or
// process that ends with an open socket closes it (environment cleanup hook) without crashing.
const assert = require('assert');
const { Worker } = require('worker_threads');
const { port, openFds, openSockets, sleep, run, fixture } = require('../helpers');

function start(args) {
  const worker = new Worker(fixture('worker-peer.js'), { workerData: args });
  const messages = [];
  worker.on('message', (m) => messages.push(m));
  worker.next = async (pred) => {
    for (;;) {
      const i = messages.findIndex(pred);
      if (i >= 0) return messages.splice(i, 1)[0];
      await sleep(20);
    }
  };
  worker.done = new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('exit', resolve);
  });
  return worker;
}

// regression 8 of the original (docs/api/open.md)
describe('worker threads', () => {
  it('sockets in two workers exchange messages at the same time', async () => {
    const [p1, p2] = [port(), port()];
    const a = start({ own: p1, peer: p2, count: 50 });
    const b = start({ own: p2, peer: p1, count: 50 });
    await Promise.all([a.next((m) => m === 'ready'), b.next((m) => m === 'ready')]);
    a.postMessage('go');
    b.postMessage('go');
    const [ra, rb] = await Promise.all([a.next((m) => m.received), b.next((m) => m.received)]);
    assert.strictEqual(ra.received, 50);
    assert.strictEqual(rb.received, 50);
    assert.strictEqual(await a.done, 0);
    assert.strictEqual(await b.done, 0);
  });

  for (const how of ['terminate', 'process.exit']) {
    it(`a worker ended by ${how}() with an open socket: no crash, the fd is closed`, async () => {
      const fds = openFds();
      const sockets = openSockets();
      const w = start({ own: port(), stay: true });
      await w.next((m) => m === 'ready');
      assert.strictEqual(openSockets(), sockets + 1); // the worker's socket, in this process
      if (how === 'terminate') await w.terminate();
      else w.postMessage('exit');
      await w.done;
      await sleep(100);
      assert.strictEqual(openSockets(), sockets);
      assert.strictEqual(openFds(), fds);
    });
  }

  // Issue 10, item 1: a stop while a poll callback is delivering a batch used to abort the whole
  // process (node-addon-api's fatal error, creating an Error once the worker could not run JS).
  for (const api of ['open', 'socket']) {
    for (const how of ['exit', 'terminate']) {
      it(`${api}(): a worker stopped by ${how === 'exit' ? 'process.exit()' : 'terminate()'} mid-batch; the process lives`, async () => {
        const res = await run([fixture('worker-batch.js'), api, how]);
        assert.strictEqual(res.signal, null, res.stderr);
        assert.strictEqual(res.code, 0, res.stderr);
        assert.match(res.stdout, /^alive \(worker exit \d+\)$/m);
      });
    }
  }

  it('a process that exits with open sockets exits cleanly', async () => {
    const res = await run([fixture('exit-with-open-socket.js'), String(port())]);
    assert.strictEqual(res.signal, null, res.stderr);
    assert.strictEqual(res.code, 0, res.stderr);
    assert.strictEqual(res.stdout.trim(), 'exiting with 2 open sockets');
  });
});
