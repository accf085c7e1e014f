'use strict';
// A one-to-one socket whose reading is paused (its readable side full: `s.pipe(s)` under
// backpressure, or nobody reading) still learns that its association died. Before, the poll's error
// was dropped while reading was paused: no 'close', no write callback, the descriptor held forever.
// Now an ABORT ends a waiting write with ECONNRESET and closes the socket (as net does with a
// reset), while a graceful end waits for the reader, which gets every message and then 'end'.
const assert = require('assert');
const { pair, sleep, closed } = require('../helpers');

const within = (promise, ms, what) => Promise.race([
  promise, sleep(ms).then(() => { throw new Error(`no ${what} within ${ms} ms`); }),
]);

// The client sends `n` messages of 1 KiB that the server's side leaves unread: 16 wait in its
// readable side, which then stops reading, and the rest in its kernel.
async function unread(client, n = 40) {
  for (let i = 0; i < n; i++) client.write(Buffer.alloc(1024, i));
  await sleep(300);
}

// Writes 100 messages of 4 KiB on s, more than the kernel takes (the client reads nothing); resolves,
// once some wait for room, with the outcomes of all (their callbacks' errors, in order).
async function fill(s) {
  let written = 0;
  const outcomes = Array.from({ length: 100 }, (_, i) => new Promise((resolve) => {
    s.write(Buffer.alloc(4096, i), (err) => { written++; resolve(err); });
  }));
  await sleep(500);
  assert.ok(written < 100, 'writes wait for room');
  return Promise.all(outcomes);
}

describe('a one-to-one socket with its reading paused learns that its association died', () => {
  it("s.pipe(s) under backpressure: the peer's ABORT closes s, with ECONNRESET to its 'error' listener", async () => {
    const { client, peer: s } = await pair({ recvBufferSize: 4096 }, { sendBufferSize: 8192, sendHighWaterMark: 1024 });
    const errors = [];
    s.on('error', (err) => errors.push(err.code));
    s.pipe(s); // an echo; the client reads none of it
    await unread(client, 200);
    assert.ok(s.writableLength > 0 || s.isPaused(), 'the echo is held back');
    const gone = closed(s);
    client.on('error', () => {});
    client.destroy(); // an ABORT
    const [hadError] = await within(gone, 10000, "'close' on the echoing socket");
    assert.deepStrictEqual({ hadError, errors }, { hadError: true, errors: ['ECONNRESET'] });
  });

  it("a paused reader with a write waiting: the peer's ABORT gives the write ECONNRESET; 'close' follows, nothing thrown (no 'error' listener)", async () => {
    const { client, peer: s } = await pair({ recvBufferSize: 4096 }, { sendBufferSize: 8192 });
    await unread(client);
    const outcomes = fill(s);
    await sleep(500);
    const gone = closed(s);
    client.on('error', () => {});
    client.destroy();
    const errors = (await within(outcomes, 10000, 'write callbacks')).filter(Boolean);
    assert.strictEqual(errors[0].code, 'ECONNRESET', 'the first write that failed says why'); // the rest: ERR_STREAM_DESTROYED
    const [hadError] = await within(gone, 10000, "'close'");
    assert.strictEqual(hadError, true);
  });

  it("a paused reader with nothing to write: the peer's ABORT closes it, ECONNRESET to an 'error' listener", async () => {
    const { client, peer: s } = await pair();
    const errors = [];
    s.on('error', (err) => errors.push(err.code));
    await unread(client);
    const gone = closed(s);
    client.on('error', () => {});
    client.destroy();
    const [hadError] = await within(gone, 10000, "'close'");
    assert.deepStrictEqual({ hadError, errors }, { hadError: true, errors: ['ECONNRESET'] });
  });

  it("a paused reader whose peer ends gracefully: nothing is lost, no busy loop; resumed, it reads every message, then 'end'", async () => {
    const { client, peer: s } = await pair();
    await unread(client);
    client.end(); // a SHUTDOWN: it completes while s is paused (the kernel has acknowledged it all)
    await closed(client);
    const cpu = process.cpuUsage();
    await sleep(1000);
    const { user, system } = process.cpuUsage(cpu);
    assert.ok(user + system < 500000, `the loop idled while paused (${(user + system) / 1000} ms of CPU in 1 s)`);
    assert.strictEqual(s.destroyed, false);
    let got = 0;
    s.on('data', () => got++);
    const [hadError] = await within(closed(s), 10000, "'close'");
    assert.deepStrictEqual({ got, hadError, ended: s.readableEnded }, { got: 40, hadError: false, ended: true });
  });
});
