'use strict';
// The one-to-one socket's lifecycle, as for the other APIs: a peer killed, a connected socket
// nobody references, a closed one collected, workers and process exit with connections open.
const assert = require('assert');
const { spawn } = require('child_process');
const { Worker } = require('worker_threads');
const sctp = require('../..');
const helpers = require('../helpers');

const { track, once, sleep, fixture, run, openSockets, closed, listening } = helpers;

describe('one-to-one: lifecycle', () => {
  it('a peer killed with SIGKILL mid-conversation: the server\'s socket closes, nothing thrown', async () => {
    let accepted;
    const got = new Promise((resolve) => { accepted = resolve; });
    const server = await listening((s) => accepted(track(s)));
    // The child connects, writes, and keeps writing until it is killed.
    const child = spawn(process.execPath, [fixture('stream-writer.js'), String(server.address().port)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    const socket = await got;
    let received = 0;
    socket.on('data', () => { received++; });
    while (received < 10) await sleep(20);
    const done = closed(socket);
    child.kill('SIGKILL');
    const [hadError] = await done;
    // The kernel ends a killed process's associations: with SHUTDOWN when nothing was left unread
    // there, else with an ABORT. Either way: 'close', and 'error' only to who listens (nobody here).
    assert.strictEqual(typeof hadError, 'boolean');
    assert.ok(received >= 10);
  });

  it('a connected socket nobody references keeps working; a destroyed one is collected', async function () {
    if (typeof global.gc !== 'function') this.skip();
    let accepted;
    const got = new Promise((resolve) => { accepted = resolve; });
    const server = await listening((s) => accepted(track(s)));
    let echoed;
    let weakDestroyed;
    await (async () => {
      const client = sctp.connect(server.address().port, '127.0.0.1');
      await once(client, 'connect');
      echoed = new Promise((resolve) => client.once('data', (d) => { client.destroy(); resolve(String(d)); }));
      const gone = sctp.connect(server.address().port, '127.0.0.1');
      gone.on('error', () => {});
      gone.destroy();
      weakDestroyed = new WeakRef(gone);
    })();
    const peer = await got;
    for (let i = 0; i < 4; i++) { global.gc(); await sleep(20); }
    peer.write('still here');
    assert.strictEqual(await echoed, 'still here');
    for (let i = 0; i < 6; i++) { global.gc(); await sleep(20); }
    assert.strictEqual(weakDestroyed.deref(), undefined);
  });

  it('a worker that exits with a server and connections open: its sockets close, the process lives on', async () => {
    const before = openSockets();
    const worker = new Worker(fixture('stream-worker.js'));
    const [message] = await once(worker, 'message');
    assert.strictEqual(message, 'echoed');
    const [code] = await once(worker, 'exit');
    assert.strictEqual(code, 0);
    await sleep(100);
    assert.strictEqual(openSockets(), before);
  });

  it('a worker terminated with connections open: no crash', async () => {
    const worker = new Worker(fixture('stream-worker.js'), { workerData: { stay: true } });
    const [message] = await once(worker, 'message');
    assert.strictEqual(message, 'echoed');
    assert.strictEqual(await worker.terminate(), 1);
  });

  it('process.exit() with a server and connections open: exits cleanly', async () => {
    const res = await run([fixture('stream-worker.js'), 'exit']);
    assert.deepStrictEqual([res.code, res.signal, res.stderr], [0, null, '']);
    assert.strictEqual(res.stdout, 'echoed\n');
  });

  it('server.close() with connections open: they keep working, \'close\' after the last ends', async () => {
    const sockets = [];
    const server = await listening((s) => { sockets.push(s); s.on('data', (d) => s.write(d)); });
    const client = track(sctp.connect(server.address().port, '127.0.0.1'));
    await once(client, 'connect');
    const serverClosed = once(server, 'close');
    server.close();
    client.write('echo me');
    const [reply] = await once(client, 'data');
    assert.strictEqual(String(reply), 'echo me');
    assert.strictEqual(server.address(), null);
    client.end();
    client.resume();
    await serverClosed;
    assert.strictEqual(sockets.length, 1);
  });
});
