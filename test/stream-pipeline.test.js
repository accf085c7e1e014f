'use strict';
// stream.pipeline() over a one-to-one socket, end to end: a 50 MiB file piped into a socket, a
// server piping its connection into a file. The copy is byte-identical, and backpressure holds
// all the way: while the receiver's writer is slow, the sender stops reading the file and neither
// process buffers the difference (memory stays flat). Sender and receiver are processes of their
// own (test/fixtures/pipeline-sender.js, pipeline-receiver.js) so each one's memory is its own.
const assert = require('assert');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnJson, fixture } = require('./helpers');

const MiB = 1024 * 1024;
const SIZE = 50 * MiB;
// The receiver's writer holds each chunk SLOW_MS until SLOW_BYTES have passed: at 64 KiB chunks,
// 64 chunks over at least 3.2 s, time in which a sender without backpressure would send most of the file.
const SLOW_BYTES = 4 * MiB;
const SLOW_MS = 50;
// How far the sender may be ahead of the receiver's writer: what the kernel holds (SO_SNDBUF and
// SO_RCVBUF, 208 KiB each by default), the receiver's readable buffer (16 messages of 64 KiB:
// readableObjectMode's high-water mark), a chunk or two in the Transform and the file writer:
// about 1.5 MiB. 8 MiB leaves margin; a broken chain lets the sender run tens of MiB ahead.
const MAX_AHEAD = 8 * MiB;
// Memory growth over each process's own baseline. What stays buffered is about 1-2 MiB in each
// (the sender: the read stream's 64 KiB chunk and the socket's 1 MiB writable high-water mark,
// sendHighWaterMark; the receiver: the 1 MiB readable buffer above). "live" is measured after a
// full gc(): 8 MiB leaves margin and is far below the ~46 MiB a process would hold if it buffered
// what the slow writer had not taken. "raw" (no gc(): garbage collects when V8 decides) RSS gets
// more: 24 MiB, still less than half the file.
const MAX_LIVE_GROWTH = 8 * MiB;
const MAX_RSS_GROWTH = 24 * MiB;

const TMPFS_MAGIC = 0x01021994;
// A tmpfs directory: in the VM, os.tmpdir() is the host's disk over 9p (slow); /dev/shm is tmpfs.
function scratchDir() {
  let base = os.tmpdir();
  try {
    if (fs.statfsSync('/dev/shm').type === TMPFS_MAGIC) base = '/dev/shm';
  } catch { /* no /dev/shm: os.tmpdir() */ }
  return fs.mkdtempSync(path.join(base, 'sctp-pipeline-'));
}

// A file of `size` random bytes; resolves with its sha256.
function randomFile(file, size) {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'w');
  try {
    const block = Buffer.allocUnsafe(MiB);
    for (let done = 0; done < size; done += block.length) {
      crypto.randomFillSync(block);
      hash.update(block);
      fs.writeSync(fd, block);
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

const sha256 = (file) => new Promise((resolve, reject) => {
  const hash = crypto.createHash('sha256');
  fs.createReadStream(file).on('error', reject).on('data', (d) => hash.update(d))
    .on('end', () => resolve(hash.digest('hex')));
});

const mib = (n) => `${(n / MiB).toFixed(1)} MiB`;
const growth = (m, kind, key) => m.peak[kind][key] - m.baseline[key];

describe('stream.pipeline() over a one-to-one socket', () => {
  let dir;
  before(() => { dir = scratchDir(); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a 50 MiB file, file to socket to file: identical copy, backpressure end to end, flat memory', async function () {
    this.timeout(600000);
    const input = path.join(dir, 'input');
    const output = path.join(dir, 'output');
    const t0 = Date.now();
    const sent = randomFile(input, SIZE);
    const tCreated = Date.now();

    const receiver = spawnJson(process.execPath, ['--expose-gc', fixture('pipeline-receiver.js'), output, SLOW_BYTES, SLOW_MS]);
    const { port } = await receiver.waitFor((l) => l.listening);
    const sender = spawnJson(process.execPath, ['--expose-gc', fixture('pipeline-sender.js'), port, input]);
    const [r, s] = await Promise.all([receiver.waitFor((l) => l.done, 540000), sender.waitFor((l) => l.done, 540000)]);
    assert.deepStrictEqual(await Promise.all([receiver.exited, sender.exited]), [0, 0], 'a fixture did not exit cleanly');
    const tTransferred = Date.now();

    // The copy: every byte, in order.
    assert.strictEqual(s.pipelineError, null);
    assert.strictEqual(r.pipelineError, null);
    assert.strictEqual(s.fileRead, SIZE);
    assert.strictEqual(s.bytesWritten, SIZE);
    assert.strictEqual(r.bytesRead, SIZE);
    assert.strictEqual(r.processed, SIZE);
    assert.strictEqual(fs.statSync(output).size, SIZE);
    assert.strictEqual(await sha256(output), sent, 'the received file differs from the sent one');
    const tChecked = Date.now();
    // Both ends: a clean end. The sender's end() (by pipeline) delivered everything, then closed.
    assert.deepStrictEqual(s.events, ['connect', 'pipeline', 'end', 'close:false']);
    assert.deepStrictEqual(r.events, ['end', 'pipeline', 'close:false']);

    // Backpressure, sender side: the socket asked the pipeline to wait, and the pipeline waited.
    assert.ok(s.falses > 0 && s.drains > 0, `write() returned false ${s.falses} times, 'drain' ${s.drains}`);
    // End to end: until the slow writer had taken SLOW_BYTES, the sender stayed within MAX_AHEAD of it.
    const slowEnd = receiver.lines.find((l) => l.slowEnd);
    assert.ok(slowEnd, 'the receiver never ended its slow phase');
    const before = sender.lines.filter((l) => l.progress && l.t <= slowEnd.t);
    assert.ok(before.length >= 10, `only ${before.length} sender samples in the slow phase`);
    const ahead = Math.max(...before.map((l) => l.bytesWritten)) - slowEnd.processed;
    assert.ok(ahead <= MAX_AHEAD, `the sender sent ${mib(ahead)} more than the slow writer took`);
    const fileAhead = Math.max(...before.map((l) => l.fileRead)) - slowEnd.processed;
    assert.ok(fileAhead <= MAX_AHEAD + 2 * MiB, `the sender read ${mib(fileAhead)} of the file more than the writer took`);
    // Receiver side: the socket stopped reading from the kernel while the writer was behind.
    assert.ok(slowEnd.bytesRead - slowEnd.processed <= 4 * MiB,
      `the receiver read ${mib(slowEnd.bytesRead - slowEnd.processed)} ahead of its writer`);

    // Memory: flat in both processes.
    for (const [name, m] of [['sender', s.memory], ['receiver', r.memory]]) {
      assert.ok(m.samples >= 10, `${name}: ${m.samples} samples`);
      const live = growth(m, 'live', 'arrayBuffers');
      const liveRss = growth(m, 'live', 'rss');
      const rawRss = growth(m, 'raw', 'rss');
      assert.ok(live < MAX_LIVE_GROWTH, `${name}: live arrayBuffers grew by ${mib(live)}`);
      assert.ok(liveRss < MAX_LIVE_GROWTH * 2, `${name}: RSS after gc() grew by ${mib(liveRss)}`);
      assert.ok(rawRss < MAX_RSS_GROWTH, `${name}: RSS grew by ${mib(rawRss)}`);
    }

    if (process.env.PIPELINE_VERBOSE) {
      const summary = (m) => ['live', 'raw'].map((k) => `${k}: rss +${mib(growth(m, k, 'rss'))}, ` +
        `arrayBuffers +${mib(growth(m, k, 'arrayBuffers'))}`).join('; ');
      console.log(`file ${tCreated - t0} ms; transfer ${tTransferred - tCreated} ms (receiver ${r.ms} ms, slow ` +
        `phase ${r.slowMs} ms; sender pipeline ${s.pipelineMs} ms); check ${tChecked - tTransferred} ms`);
      console.log(`sender ahead ${mib(ahead)} (file ${mib(fileAhead)}), receiver read ahead ` +
        `${mib(slowEnd.bytesRead - slowEnd.processed)}, falses ${s.falses}, drains ${s.drains}`);
      console.log(`sender ${summary(s.memory)} (${s.memory.samples} samples)`);
      console.log(`receiver ${summary(r.memory)} (${r.memory.samples} samples)`);
    }
  });
});
