'use strict';
// Issue 25: `sctp-napi send` to a receiver written with Python's socket module (no one here wrote
// its SCTP): the stream, PPID (by number and by name) and ordering arrive as given, messages from
// the arguments, stdin (a line each, or --raw whole) and a file; failures exit non-zero.
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { cli, cliListen, spawnJson, python, fixture, bound, CLI } = require('../helpers');

// A Python receiver of `count` messages: resolves with it once it is bound ({ port }).
async function receiver(count) {
  const child = spawnJson(python, [fixture('cli-receiver.py'), '127.0.0.1', count]);
  const [{ port }] = await child.waitLines(1);
  child.port = port;
  child.messages = () => child.waitLines(count + 1).then((l) => l.slice(1));
  return child;
}

describe('sctp-napi send', () => {
  it('arguments: on the stream, with the PPID (a name) and ordering given; --json reports each message and a summary', async () => {
    const py = await receiver(2);
    const r = await cli(['send', '127.0.0.1', py.port, 'hello', 'world', '--stream', '3', '--ppid', 'diameter', '--json']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual((await py.messages()).map((m) => [m.data, m.stream, m.ppid, m.unordered, m.eor]),
      [['hello', 3, 46, false, true], ['world', 3, 46, false, true]]);
    const types = r.records.map((x) => x.type);
    assert.deepStrictEqual(types, ['connected', 'sent', 'sent', 'event', 'summary']);
    assert.deepStrictEqual([r.records[3].event, r.records[3].state], ['association', 'shutdown']); // ours, once all was taken
    const summary = r.records[4];
    assert.deepStrictEqual([summary.sent, summary.bytes, summary.failed, summary.abandoned], [2, 10, 0, 0]);
    assert.deepStrictEqual(r.records[1], { type: 'sent', seq: 1, size: 5, stream: 3, ppid: 46 });
  });

  it('stdin: a message per line (empty lines skipped), unordered, PPID by number; --raw: all of it one message', async () => {
    const py = await receiver(4);
    const lines = await cli(['send', '127.0.0.1', py.port, '--unordered', '--ppid', '60'], { input: 'one\n\ntwo\nthree\n' });
    assert.strictEqual(lines.code, 0, lines.stderr);
    assert.match(lines.stdout, /^sent 3 messages \(11 B\) in [\d.]+ s \(\d+ msg\/s\); 0 failed, 0 abandoned \(PR-SCTP\), 0 replies$/m);
    const raw = await cli(['send', '127.0.0.1', py.port, '--raw', '--stream', '1'], { input: 'a\nb\n' });
    assert.strictEqual(raw.code, 0, raw.stderr);
    assert.deepStrictEqual((await py.messages()).map((m) => [m.data, m.stream, m.ppid, m.unordered]),
      [['one', 0, 60, true], ['two', 0, 60, true], ['three', 0, 60, true], ['a\nb\n', 1, 0, false]]);
  });

  it('--file, --count N sends the set N times in order', async () => {
    const file = path.join(os.tmpdir(), `sctp-napi-send-${process.pid}.txt`);
    fs.writeFileSync(file, 'x\ny\n');
    try {
      const py = await receiver(6);
      const r = await cli(['send', '127.0.0.1', py.port, '--file', file, '--count', '3', '--ppid', 'm3ua']);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.deepStrictEqual((await py.messages()).map((m) => m.data + m.ppid), ['x3', 'y3', 'x3', 'y3', 'x3', 'y3']);
    } finally {
      fs.unlinkSync(file);
    }
  });

  it('--ttl to a peer that stalls: the messages PR-SCTP abandoned are reported, with their data, and exit 1', async () => {
    const py = await receiver(0); // reads nothing: its window closes, and the messages behind wait past their ttl
    const r = await cli(['send', '127.0.0.1', py.port, 'z'.repeat(1000), '--count', '200', '--ttl', '1', '--context', '7', '--json', '--timeout', '15000']);
    assert.strictEqual(r.code, 1, r.stdout.slice(-2000) + r.stderr);
    const failed = r.records.filter((x) => x.type === 'event' && x.event === 'sendfailed');
    const summary = r.records.find((x) => x.type === 'summary');
    assert(failed.length > 0, JSON.stringify(summary));
    assert.strictEqual(summary.failed, failed.length);
    assert(summary.abandoned >= failed.length, JSON.stringify(summary)); // the kernel's counters count them too
    for (const f of failed) {
      assert.deepStrictEqual([f.context, f.stream, f.ppid], [7, 0, 0]);
      assert.strictEqual(Buffer.from(f.data, 'hex').toString(), 'z'.repeat(f.data.length / 2));
    }
  });

  it('a peer that goes silent (all packets lost): exit 1, saying how much it had not acknowledged', async function () {
    const { execFileSync } = require('child_process');
    const ns = `sctp-cli-loss-${process.pid}`;
    try { execFileSync('ip', ['netns', 'add', ns]); } catch { this.skip(); } // (not root: no namespace)
    try {
      execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      const inNs = (args) => ['netns', 'exec', ns, process.execPath, CLI, ...args];
      const listen = spawnJson('ip', inNs(['listen', '--json', '--host', '127.0.0.1']));
      const { port } = await listen.waitFor((l) => l.type === 'listening');
      const send = spawnJson('ip', inNs(['send', '127.0.0.1', port, 'x', '--count', '40', '--rate', '10', '--timeout', '4000', '--json']));
      await send.waitFor((l) => l.type === 'sent' && l.seq === 5);
      execFileSync('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'loss', '100%']);
      assert.strictEqual(await send.exited, 1);
      const summary = send.lines.find((l) => l.type === 'summary');
      assert.strictEqual(summary.complete, false);
      assert(summary.unacknowledged > 0, JSON.stringify(summary));
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });

  it('a peer that aborts mid-send: the sending stops, the rest counted once, exit 1', async () => {
    const server = await bound();
    let got = 0;
    server.on('message', (msg, rinfo) => { if (++got === 20) server.abort(rinfo.assocId); });
    const r = await cli(['send', '127.0.0.1', server.address().port, 'y'.repeat(100), '--count', '3000', '--json']);
    assert.strictEqual(r.code, 1);
    const summary = r.records.find((x) => x.type === 'summary');
    assert(summary.failed > 0, JSON.stringify(summary));
    assert.strictEqual(summary.sent + summary.failed + summary.unsent, 3000, JSON.stringify(summary));
    const once = r.records.filter((x) => x.type === 'event' && x.event === 'error' && x.count);
    assert(once.length >= 1 && once.every((x) => /^\d+ more messages? failed with E/.test(x.message)), JSON.stringify(once));
    assert(r.records.find((x) => x.type === 'event' && x.event === 'association' && x.state === 'lost'));
    assert(r.records.length < 3000 + 200, `${r.records.length} records`); // not a line per message it could not send
  });

  it('SIGINT while it waits for stdin: it stops at once, says so, exit 1', async () => {
    const py = await receiver(1);
    const send = spawnJson(process.execPath, [CLI, 'send', '127.0.0.1', py.port, '--json']); // stdin: open, silent
    await send.waitFor((l) => l.type === 'connected');
    send.stdin.write('one\n');
    await send.waitFor((l) => l.type === 'sent');
    send.kill('SIGINT');
    assert.strictEqual(await send.exited, 1);
    const summary = send.lines.find((l) => l.type === 'summary');
    assert.deepStrictEqual([summary.sent, summary.complete], [1, false]);
    assert.deepStrictEqual((await py.messages()).map((m) => m.data), ['one']);
  });

  it('HOST as a name (localhost) or an IPv6 address in brackets', async () => {
    const listen = await cliListen('--host', '::'); // IPv4 and IPv6 peers both
    const named = await cli(['send', 'localhost', listen.port, 'by-name']);
    assert.strictEqual(named.code, 0, named.stderr);
    const bracketed = await cli(['send', '[::1]', listen.port, 'bracketed']);
    assert.strictEqual(bracketed.code, 0, bracketed.stderr);
    assert.match(bracketed.stdout, /^connected to \[::1\]:\d+, association \d+/m);
    const got = listen.lines.filter((l) => l.type === 'message').map((m) => m.text);
    assert.deepStrictEqual(got.sort(), ['bracketed', 'by-name']);
  });

  it('a peer that refuses exits 1 with the system error; a bad command line exits 2', async () => {
    const refused = await cli(['send', '127.0.0.1', '9', 'hi', '--json']);
    assert.strictEqual(refused.code, 1);
    const error = refused.records.find((x) => x.type === 'error');
    assert.deepStrictEqual([error.code, error.syscall], ['ECONNREFUSED', 'connect']);
    const bad = await cli(['send', '127.0.0.1', '9', 'hi', '--ttl', '5', '--rtx', '1']);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /give one PR-SCTP policy, not --ttl and --rtx/);
  });
});
