'use strict';
// Issue 25: `sctp-napi listen` prints what peers no one here wrote (ncat --sctp, socat) and our own
// sockets send it: each message with its peer, association, stream, PPID and name, flags and data,
// and each association event; --echo answers on the same stream and PPID.
const assert = require('assert');
const sctp = require('../..');
const fs = require('fs');
const { cliListen, cli, need, command, once, track, sleep, CLI } = require('../helpers');

const messagesOf = (child, n) => child.waitFor(() => child.lines.filter((l) => l.type === 'message').length >= n)
  .then(() => child.lines.filter((l) => l.type === 'message'));
const eventOf = (child, event, state) => child.waitFor((l) => l.type === 'event' && l.event === event && (!state || l.state === state));

describe('sctp-napi listen', () => {
  it('prints a message from ncat --sctp, and the association coming up and ending', async () => {
    const ncat = need('ncat', 'ncat');
    const listen = await cliListen();
    await command(ncat, ['--sctp', '--send-only', '127.0.0.1', listen.port], { input: 'hello from ncat\n' })
      .catch(() => {}); // (ncat's exit status after the peer's SHUTDOWN is not what is tested)
    const [m] = await messagesOf(listen, 1);
    assert.strictEqual(m.text, 'hello from ncat\n');
    assert.strictEqual(m.hex, undefined); // text, or hex when it is not
    assert.deepStrictEqual([m.address, m.stream, m.ppid, m.ppidName, m.unordered, m.size], ['127.0.0.1', 0, 0, 'not specified', false, 16]);
    const up = await eventOf(listen, 'association', 'up');
    const down = await eventOf(listen, 'association', 'shutdown');
    assert.strictEqual(up.assocId, m.assocId);
    assert.strictEqual(down.assocId, m.assocId);
    assert.strictEqual(up.port, m.port);
  });

  it('prints what socat sends, on a one-to-many and on a one-to-one (--one-to-one) server', async () => {
    const socat = need('socat', 'socat');
    for (const style of [[], ['--one-to-one']]) {
      const listen = await cliListen(...style);
      await command(socat, ['-u', '-', `SCTP4-CONNECT:127.0.0.1:${listen.port}`], { input: 'from socat' }).catch(() => {});
      const [m] = await messagesOf(listen, 1);
      assert.strictEqual(m.text, 'from socat', style.join(''));
      assert.strictEqual(m.stream, 0);
      await eventOf(listen, 'association', 'shutdown');
      listen.kill();
    }
  });

  it('--echo answers on the stream, with the PPID and ordering, of each message; prints the PPID by name', async () => {
    const listen = await cliListen('--echo');
    const client = track(sctp.createSocket({ type: 'sctp4', defaults: { unordered: false, ttl: 0 } }));
    const replies = [];
    client.on('message', (msg, rinfo) => replies.push([String(msg), rinfo.stream, rinfo.ppid, rinfo.unordered]));
    client.send('diameter', listen.port, '127.0.0.1', { stream: 3, ppid: 46 });
    client.send(Buffer.from([0, 1, 2, 0xff]), listen.port, '127.0.0.1', { stream: 1, ppid: 60, unordered: true });
    const got = await messagesOf(listen, 2);
    assert.deepStrictEqual(got.map((m) => [m.stream, m.ppid, m.ppidName, m.unordered, m.text]),
      [[3, 46, 'Diameter', false, 'diameter'], [1, 60, 'NGAP', true, undefined]]);
    assert.strictEqual(got[1].hex, '000102ff');
    while (replies.length < 2) await once(client, 'message');
    assert.deepStrictEqual(replies.sort(), [['diameter', 3, 46, false], ['\u0000\u0001\u0002\ufffd', 1, 60, true]].sort());
  });

  it('--one-to-one --echo answers over a one-to-one association, and prints its events', async () => {
    const listen = await cliListen('--one-to-one', '--echo');
    const client = track(sctp.connect({ port: listen.port, host: '127.0.0.1' }));
    await once(client, 'connect');
    client.send('one-to-one', { stream: 2, ppid: 3 });
    const [msg, rinfo] = await once(client, 'message');
    assert.deepStrictEqual([String(msg), rinfo.stream, rinfo.ppid], ['one-to-one', 2, 3]);
    const [m] = await messagesOf(listen, 1);
    assert.deepStrictEqual([m.ppidName, m.stream], ['M3UA', 2]);
    await listen.waitFor((l) => l.type === 'event' && l.event === 'connection' && l.port === client.localPort);
    client.end();
    await listen.waitFor((l) => l.type === 'event' && l.event === 'close');
  });

  it('human output: one line per message and event; --count N exits 0 after N messages; --max-size reports oversize', async () => {
    const { spawnText } = require('../helpers');
    const child = spawnText(process.execPath, [require('../helpers').CLI, 'listen', '--host', '127.0.0.1', '--count', '2', '--max-size', '8']);
    const [, port] = await child.waitFor(/listening on 127\.0\.0\.1:(\d+) \(one-to-many\)/);
    const client = track(sctp.createSocket({ type: 'sctp4', defaults: { unordered: false, ttl: 0 } }));
    client.send('0123456789', Number(port), '127.0.0.1'); // 10 bytes: over --max-size 8
    client.send('short', Number(port), '127.0.0.1', { stream: 4, ppid: 18 });
    client.send(Buffer.from([1, 2, 3]), Number(port), '127.0.0.1');
    assert.strictEqual(await child.exited, 0);
    const lines = child.output.trim().split('\n');
    assert(lines.some((l) => /^-- oversize assoc \d+ 127\.0\.0\.1:\d+: size 10, limit 8$/.test(l)), child.output);
    assert(lines.some((l) => /^127\.0\.0\.1:\d+ assoc \d+ stream 4 ppid 18 \(S1AP\) 5 B: "short"$/.test(l)), child.output);
    assert(lines.some((l) => /^127\.0\.0\.1:\d+ assoc \d+ stream 0 ppid 0 \(not specified\) 3 B: hex 010203$/.test(l)), child.output);
    assert(lines.some((l) => /^-- association up assoc \d+ 127\.0\.0\.1:\d+: inStreams 10, outStreams 10$/.test(l)), child.output);
  });

  it('--json shows at most 64 KiB of a message, saying so; its size is the whole message\'s', async () => {
    const listen = await cliListen();
    const client = track(sctp.createSocket({ type: 'sctp4', defaults: { unordered: false, ttl: 0 } }));
    client.send('L'.repeat(70000), listen.port, '127.0.0.1');
    const [m] = await messagesOf(listen, 1);
    assert.deepStrictEqual([m.size, m.truncated, m.text.length], [70000, true, 65536]);
  });

  it('a reader of stdout slower than the peer holds the peer back, not memory; nothing lost or reordered', async () => {
    const { spawn } = require('child_process');
    const child = spawn(process.execPath, [CLI, 'listen', '--json', '--host', '127.0.0.1', '--count', '4000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    const first = await new Promise((resolve) => child.stdout.once('data', (d) => { text += d; resolve(JSON.parse(String(d).split('\n')[0])); }));
    child.stdout.pause(); // a reader that reads nothing, for now
    const client = track(sctp.createSocket({ type: 'sctp4', defaults: { unordered: false, ttl: 0 } }));
    const body = 'm'.repeat(1000);
    let handed = 0;
    for (let i = 0; i < 4000; i++) client.send(`${String(i).padStart(4, '0')}${body}`, first.port, '127.0.0.1', () => { handed++; });
    await sleep(8000);
    const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;
    const heldBack = 4000 - handed; // what the kernel had not taken from our sender yet: listen stopped reading
    child.stdout.on('data', (d) => { text += d; });
    child.stdout.resume();
    const code = await new Promise((resolve) => child.on('exit', resolve));
    const messages = text.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.type === 'message');
    assert.strictEqual(code, 0);
    assert.deepStrictEqual(messages.map((m) => Number(m.text.slice(0, 4))), [...Array(4000).keys()]);
    assert(heldBack > 0, 'the sender was never held back');
    assert(rss < 120 * 1024 * 1024, `listen's RSS ${rss} B while its stdout was not read`); // 4 MB of messages, ~12 MB as JSON
  });

  it('--one-to-one --count N exits after N messages while the peer stays connected', async () => {
    const listen = await cliListen('--one-to-one', '--count', '1');
    const client = track(sctp.connect({ port: listen.port, host: '127.0.0.1' }));
    client.on('error', () => {});
    await once(client, 'connect');
    client.send('one');
    assert.strictEqual(await Promise.race([listen.exited, sleep(30000).then(() => 'still running')]), 0);
  });

  it('--host takes an IPv6 address in brackets and a name; the peer\'s address is printed in brackets', async () => {
    const listen = await cliListen('--host', '[::1]');
    const client = track(sctp.createSocket({ type: 'sctp6' }));
    client.send('v6', listen.port, '::1');
    const [m] = await messagesOf(listen, 1);
    assert.deepStrictEqual([m.address, m.text], ['::1', 'v6']);
    const named = await cli(['listen', '--host', 'no-such-host.invalid']);
    assert.strictEqual(named.code, 2);
    assert.match(named.stderr, /--host 'no-such-host\.invalid' is not an address, and looking it up failed/);
  });

  it('a bad command line exits 2 and says what is wrong', async () => {
    const r = await cli(['listen', '--port', '70000']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /--port must be a whole number from 0 to 65535, not '70000'/);
    const unknown = await cli(['listen', '--nope']);
    assert.strictEqual(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--nope'/);
    const mixed = await cli(['listen', '--host', '127.0.0.1', '--host', '::1']);
    assert.strictEqual(mixed.code, 2);
    assert.match(mixed.stderr, /addresses of one family/);
  });
});
