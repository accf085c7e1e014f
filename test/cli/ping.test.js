'use strict';
// Issue 25: `sctp-napi ping` against `sctp-napi listen --echo` and against socat's echo (a peer no
// one here wrote): RTT per reply and min/avg/p50/p99/max, the kernel's view of each path; a peer
// that does not answer exits 1.
const assert = require('assert');
const { cliListen, cli, need, spawnText, spawnJson, sleep, CLI } = require('../helpers');

describe('sctp-napi ping', () => {
  it('against listen --echo: a reply per ping, in order, the statistics and the path the kernel measured', async () => {
    const listen = await cliListen('--echo');
    const r = await cli(['ping', '127.0.0.1', listen.port, '--count', '4', '--interval', '0', '--size', '100', '--ppid', 'diameter', '--json']);
    assert.strictEqual(r.code, 0, r.stderr);
    const replies = r.records.filter((x) => x.type === 'reply');
    assert.deepStrictEqual(replies.map((x) => [x.seq, x.size]), [[1, 100], [2, 100], [3, 100], [4, 100]]);
    const s = r.records.find((x) => x.type === 'summary');
    assert.deepStrictEqual([s.sent, s.received, s.loss], [4, 4, 0]);
    assert(s.min > 0 && s.min <= s.p50 && s.p50 <= s.p99 && s.p99 <= s.max && s.avg >= s.min && s.avg <= s.max, JSON.stringify(s));
    assert.strictEqual(s.paths.length, 1);
    const [path] = s.paths;
    assert.deepStrictEqual([path.address, path.port, path.state, path.primary], ['127.0.0.1', listen.port, 'active', true]);
    assert(path.rto > 0 && path.mtu > 0 && path.cwnd > 0 && path.srtt >= 0, JSON.stringify(path));
    // The echo server saw them on the default stream with the PPID given.
    const got = listen.lines.filter((l) => l.type === 'message');
    assert.deepStrictEqual(got.map((m) => [m.ppid, m.size, m.text.slice(0, 7)]),
      [[46, 100, 'PING 1 '], [46, 100, 'PING 2 '], [46, 100, 'PING 3 '], [46, 100, 'PING 4 ']]);
  });

  it('against socat SCTP-LISTEN with PIPE (an echo no one here wrote): ping-style text', async () => {
    const socat = need('socat', 'socat');
    const port = 20000 + (process.pid % 1000) * 7 % 30000;
    const echo = spawnText(socat, [`SCTP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, 'PIPE']);
    for (let i = 0; i < 50 && !require('fs').readFileSync('/proc/net/sctp/eps', 'utf8').includes(` ${port} `); i++) await sleep(100);
    const r = await cli(['ping', '127.0.0.1', port, '-c', '3', '-i', '50']);
    echo.kill();
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^PING 127\.0\.0\.1:\d+ \(association \d+\): 64 bytes, stream 0, ppid 38$/m);
    assert.strictEqual(r.stdout.match(/^64 bytes from 127\.0\.0\.1:\d+: seq=\d time=[\d.]+ ms$/mg).length, 3, r.stdout);
    assert.match(r.stdout, /^3 sent, 3 received, 0% loss, time \d+ ms$/m);
    assert.match(r.stdout, /^rtt min\/avg\/p50\/p99\/max = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/m);
    assert.match(r.stdout, /^kernel: path 127\.0\.0\.1 active, srtt \d+ ms, rto \d+ ms, cwnd \d+ B, mtu \d+$/m);
  });

  it('a peer that goes away mid-run: the statistics still printed, exit 1', async () => {
    const listen = await cliListen('--echo');
    const ping = spawnJson(process.execPath, [CLI, 'ping', '127.0.0.1', listen.port, '--count', '50', '--interval', '200', '--json']);
    await ping.waitFor((l) => l.type === 'reply' && l.seq === 2);
    listen.kill(); // its socket closes: the association ends
    assert.strictEqual(await ping.exited, 1);
    const summary = ping.lines.find((l) => l.type === 'summary');
    assert(summary && summary.received >= 2 && summary.sent < 50, JSON.stringify(summary));
    assert(ping.lines.some((l) => l.type === 'event' && l.event === 'association'));
  });

  it('--stream beyond the peer\'s streams: exit 1, saying so', async () => {
    const listen = await cliListen('--echo', '--streams', '4');
    const r = await cli(['ping', '127.0.0.1', listen.port, '--stream', '6', '-c', '1']);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /--stream 6: the peer accepts 4 streams \(0-3\)/);
  });

  it('a peer that does not answer: each ping times out, 100% loss, exit 1', async () => {
    const listen = await cliListen(); // no --echo
    const r = await cli(['ping', '127.0.0.1', listen.port, '--count', '2', '--interval', '0', '--timeout', '300']);
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^seq=1: no reply within 300 ms$/m);
    assert.match(r.stdout, /^2 sent, 0 received, 100% loss/m);
    assert.strictEqual(listen.lines.filter((l) => l.type === 'message').length, 2);
  });
});
