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
const { spawnJson, fixture } = require('../helpers');

const MiB = 1024 * 1024;
const SIZE = 50 * MiB;
// The receiver's writer holds each chunk SLOW_MS until SLOW_BYTES have passed: at 64 KiB chunks,
// 64 chunks over at least 6.4 s, time in which a sender without backpressure sends much of the file.
const SLOW_BYTES = 4 * MiB;
const SLOW_MS = 100;
// Socket buffers (SO_RCVBUF, SO_SNDBUF) of 1 MiB on both ends. With the kernel's default (208 KiB)
// one-to-one SCTP moves 64 KiB messages over loopback at 0.3-0.5 MiB/s in the VM, kernel-bound (a
// plain Python SCTP socket pair does the same): 50 MiB would take minutes. 1 MiB: about 10 MiB/s.
// Needs net.core.rmem_max/wmem_max raised (root, as in the VM); without, the kernel caps the sizes.
const BUFFER_SIZE = MiB;
// How far the sender may be ahead of the receiver's writer: what the kernel holds (the two socket
// buffers, which it doubles: 2 MiB each), the receiver's readable buffer (16 messages of 64 KiB:
// readableObjectMode's high-water mark), a chunk or two in the Transform and the file writer:
// about 5.5 MiB. 12 MiB leaves margin; a broken chain lets the sender run tens of MiB ahead (at up
// to 10 MiB/s for the 6 s and more of the slow phase).
const MAX_AHEAD = 12 * MiB;
// Memory growth over each process's own baseline. What stays buffered is 1-2 MiB in each (the
// sender: the read stream's 64 KiB chunk and the socket's 1 MiB writable high-water mark,
// sendHighWaterMark; the receiver: the 1 MiB readable buffer above); kernel buffers are not the
// process's. "live" is measured after a full gc(): arrayBuffers (the chunks held) < 8 MiB leaves
// margin and is well below what a process holds if it buffers what the slow writer has not taken
// (tens of MiB). RSS also counts the heap, and pages the allocator keeps (it crept up to +11 MiB
// in the slowest runs, on a loaded machine): < 24 MiB, under half the file.
const MAX_LIVE_GROWTH = 8 * MiB;
const MAX_RSS_GROWTH = 24 * MiB;
// SO_RCVBUF/SO_SNDBUF are capped at these: raised to BUFFER_SIZE for this file where we may.
const CORE = '/proc/sys/net/core/';
const MAXIMA = ['rmem_max', 'wmem_max'];

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
  const saved = {};
  before(() => {
    dir = scratchDir();
    for (const name of MAXIMA) { // let SO_RCVBUF/SO_SNDBUF reach BUFFER_SIZE, where we may (root)
      try {
        const value = fs.readFileSync(CORE + name, 'utf8');
        if (Number(value) < BUFFER_SIZE) {
          fs.writeFileSync(CORE + name, String(BUFFER_SIZE));
          saved[name] = value;
        }
      } catch { /* not root: the kernel's cap stands (slower, same assertions) */ }
    }
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) fs.writeFileSync(CORE + name, value);
  });

  it('a 50 MiB file, file to socket to file: identical copy, backpressure end to end, flat memory', async function () {
    this.timeout(600000);
    const input = path.join(dir, 'input');
    const output = path.join(dir, 'output');
    const t0 = Date.now();
    const sent = randomFile(input, SIZE);
    const tCreated = Date.now();

    const receiver = spawnJson(process.execPath,
      ['--expose-gc', fixture('pipeline-receiver.js'), output, SLOW_BYTES, SLOW_MS, BUFFER_SIZE]);
    const { port } = await receiver.waitFor((l) => l.listening);
    const sender = spawnJson(process.execPath, ['--expose-gc', fixture('pipeline-sender.js'), port, input, BUFFER_SIZE]);
    const [r, s] = await Promise.all([receiver, sender].map((child) => child.waitFor((l) => l.done, 540000)));
    const codes = await Promise.all([receiver.exited, sender.exited]);
    const tTransferred = Date.now();
    const received = await sha256(output);
    const tChecked = Date.now();

    // How far ahead of the slow writer the sender got, from the sender's samples taken before the
    // writer's slow phase ended (bytesWritten is what the sender's kernel took; fileRead what the
    // read stream read).
    const slowEnd = receiver.lines.find((l) => l.slowEnd);
    assert.ok(slowEnd, 'the receiver never ended its slow phase');
    const before = sender.lines.filter((l) => l.progress && l.t <= slowEnd.t);
    const ahead = Math.max(0, ...before.map((l) => l.bytesWritten)) - slowEnd.processed;
    const fileAhead = Math.max(0, ...before.map((l) => l.fileRead)) - slowEnd.processed;
    const readAhead = slowEnd.bytesRead - slowEnd.processed;
    if (process.env.PIPELINE_VERBOSE) {
      const summary = (m) => ['live', 'raw'].map((k) => `${k}: rss +${mib(growth(m, k, 'rss'))}, ` +
        `arrayBuffers +${mib(growth(m, k, 'arrayBuffers'))}`).join('; ');
      console.log(`file ${tCreated - t0} ms; transfer ${tTransferred - tCreated} ms (receiver ${r.ms} ms, slow ` +
        `phase ${r.slowMs} ms; sender pipeline ${s.pipelineMs} ms); check ${tChecked - tTransferred} ms`);
      console.log(`sender ahead ${mib(ahead)} (file ${mib(fileAhead)}; ${before.length} samples), receiver read ` +
        `ahead ${mib(readAhead)}, falses ${s.falses}, drains ${s.drains}`);
      console.log(`sender ${summary(s.memory)} (${s.memory.samples} samples)`);
      console.log(`receiver ${summary(r.memory)} (${r.memory.samples} samples)`);
    }
    assert.deepStrictEqual(codes, [0, 0], 'a fixture did not exit cleanly');

    // The copy: every byte, in order.
    assert.strictEqual(s.pipelineError, null);
    assert.strictEqual(r.pipelineError, null);
    assert.strictEqual(s.fileRead, SIZE);
    assert.strictEqual(s.bytesWritten, SIZE);
    assert.strictEqual(r.bytesRead, SIZE);
    assert.strictEqual(r.processed, SIZE);
    assert.strictEqual(fs.statSync(output).size, SIZE);
    assert.strictEqual(received, sent, 'the received file differs from the sent one');
    // Both ends: a clean end. The sender's end() (by pipeline) delivered everything, then closed;
    // the receiver's socket ended, then closed (before or after its file writer finished).
    assert.deepStrictEqual(s.events, ['connect', 'pipeline', 'end', 'close:false']);
    assert.strictEqual(r.events[0], 'end');
    assert.deepStrictEqual(r.events.slice(1).sort(), ['close:false', 'pipeline']);

    // Backpressure, sender side: the socket asked the pipeline to wait, and the pipeline waited.
    assert.ok(s.falses > 0 && s.drains > 0, `write() returned false ${s.falses} times, 'drain' ${s.drains}`);
    // End to end: until the slow writer had taken SLOW_BYTES, the sender stayed within MAX_AHEAD of it.
    assert.ok(before.length >= 10, `only ${before.length} sender samples in the slow phase`);
    assert.ok(ahead <= MAX_AHEAD, `the sender sent ${mib(ahead)} more than the slow writer took`);
    assert.ok(fileAhead <= MAX_AHEAD + 2 * MiB,
      `the sender read ${mib(fileAhead)} of the file more than the writer took`);
    // Receiver side: the socket stopped reading from the kernel while the writer was behind (its
    // readable buffer, 1 MiB, and a chunk or two downstream; 4 MiB leaves margin).
    assert.ok(readAhead <= 4 * MiB, `the receiver read ${mib(readAhead)} ahead of its writer`);

    // Memory: flat in both processes.
    for (const [name, m] of [['sender', s.memory], ['receiver', r.memory]]) {
      assert.ok(m.samples >= 10, `${name}: ${m.samples} samples`);
      const live = growth(m, 'live', 'arrayBuffers');
      const rawRss = growth(m, 'raw', 'rss');
      assert.ok(live < MAX_LIVE_GROWTH, `${name}: live arrayBuffers grew by ${mib(live)}`);
      // Under AddressSanitizer (npm run test:asan preloads libasan) freed memory sits in its
      // quarantine, so RSS grows whatever the code does: there only the live buffers count.
      if (!/libasan/.test(process.env.LD_PRELOAD || '')) {
        assert.ok(rawRss < MAX_RSS_GROWTH, `${name}: RSS grew by ${mib(rawRss)}`);
      }
    }
  });
});
