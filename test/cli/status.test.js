'use strict';
// Issue 25: `sctp-napi status`: with HOST PORT, its association's state and paths from the kernel's
// socket options, checked against the kernel's own table (/proc/net/sctp/assocs); without, every
// association of this host from that table, checked against what our sockets say of theirs.
const assert = require('assert');
const fs = require('fs');
const { cliListen, cli, spawnJson, CLI, bound, socket } = require('../helpers');

// The /proc/net/sctp/assocs row of an association: { ASSOC-ID, LPORT, RPORT, INS, OUTS, ST, ... }.
function procRow(assocId, localPort) {
  const [header, ...rows] = fs.readFileSync('/proc/net/sctp/assocs', 'utf8').trim().split('\n');
  const names = header.trim().split(/\s+/).filter((n) => n !== '<->');
  for (const row of rows) {
    const [left, right] = row.split('<->');
    const head = left.trim().split(/\s+/);
    const [raddrs, tail] = right.split('\t');
    const fields = {};
    names.slice(0, 13).forEach((n, i) => { fields[n] = head[i]; });
    fields.LADDRS = head.slice(13);
    fields.RADDRS = raddrs.trim().split(/\s+/);
    names.slice(15).forEach((n, i) => { fields[n] = tail.trim().split(/\s+/)[i]; });
    if (Number(fields['ASSOC-ID']) === assocId && Number(fields.LPORT) === localPort) return fields;
  }
  return null;
}

describe('sctp-napi status', () => {
  it('HOST PORT --watch --json: what the kernel\'s socket options say, as /proc/net/sctp/assocs has it', async () => {
    const listen = await cliListen();
    const watch = spawnJson(process.execPath, [CLI, 'status', '127.0.0.1', listen.port, '--watch', '--interval', '200', '--json']);
    const [first, second] = await watch.waitLines(2);
    const row = procRow(first.assocId, first.local.port); // read while the association is up
    watch.kill('SIGINT');
    assert.strictEqual(await watch.exited, 0);
    assert(row, `association ${first.assocId} from port ${first.local.port} is not in /proc/net/sctp/assocs`);
    assert.strictEqual(first.type, 'status');
    assert.strictEqual(first.state, 'established');
    assert.strictEqual(row.ST, '3'); // SCTP_STATE_ESTABLISHED
    assert.strictEqual(Number(row.RPORT), listen.port);
    assert.strictEqual(Number(row.INS), first.inStreams);
    assert.strictEqual(Number(row.OUTS), first.outStreams);
    assert.deepStrictEqual(row.RADDRS, ['*127.0.0.1']); // '*': the primary path
    assert.deepStrictEqual(first.paths.map((p) => [p.address, p.port, p.state, p.primary]), [['127.0.0.1', listen.port, 'active', true]]);
    assert.strictEqual(first.primary.address, '127.0.0.1');
    assert(first.stats && first.stats.packetsSent > 0 && first.stats.packetsReceived > 0, JSON.stringify(first.stats));
    assert.strictEqual(second.assocId, first.assocId); // refreshed
    await listen.waitFor((l) => l.type === 'event' && l.event === 'association' && l.state === 'shutdown' && l.assocId !== undefined);
  });

  it('no arguments: every association on this host, from /proc/net/sctp, as our sockets see theirs', async () => {
    const server = await bound({ initMsg: { outStreams: 5, maxInStreams: 7 } });
    const client = socket({ type: 'sctp4', initMsg: { outStreams: 3 } });
    const info = await client.connect(server.address().port, '127.0.0.1');
    const r = await cli(['status', '--json']);
    assert.strictEqual(r.code, 0, r.stderr);
    const mine = r.records.find((a) => a.type === 'association' && a.assocId === info.assocId && a.remotePort === server.address().port);
    assert(mine, r.stdout);
    const st = client.status(info.assocId);
    assert.deepStrictEqual([mine.state, mine.inStreams, mine.outStreams, mine.localPort, mine.style],
      ['established', st.inStreams, st.outStreams, client.address().port, 'one-to-many']);
    assert.deepStrictEqual(mine.remoteAddresses, ['127.0.0.1']);
    assert.strictEqual(mine.primary, '127.0.0.1');
    assert.deepStrictEqual(mine.paths.map((p) => [p.address, p.state]), [['127.0.0.1', 'active']]);
    const text = await cli(['status']);
    assert.match(text.stdout, new RegExp(`^association ${info.assocId} \\(one-to-many, inode \\d+\\): 127\\.0\\.0\\.1:${client.address().port} <-> 127\\.0\\.0\\.1:${server.address().port} established, streams in ${st.inStreams} out ${st.outStreams}`, 'm'));
  });

  it('no arguments, an IPv6 association: its addresses in their short form, in brackets beside a port', async () => {
    const v6 = socket({ type: 'sctp6' });
    v6.bind(0, '::1');
    await require('events').once(v6, 'listening');
    const client = socket({ type: 'sctp6' });
    const info = await client.connect(v6.address().port, '::1');
    const r = await cli(['status', '--json']);
    const mine = r.records.find((a) => a.assocId === info.assocId && a.remotePort === v6.address().port);
    assert(mine, r.stdout);
    assert.deepStrictEqual([mine.remoteAddresses, mine.primary, mine.paths.map((p) => p.address)], [['::1'], '::1', ['::1']]);
    const text = await cli(['status']);
    assert.match(text.stdout, new RegExp(`<-> \\[::1\\]:${v6.address().port} established`));
  });

  it('a peer that refuses exits 1; a lone HOST exits 2', async () => {
    const refused = await cli(['status', '127.0.0.1', '9']);
    assert.strictEqual(refused.code, 1);
    assert.match(refused.stderr, /connect ECONNREFUSED 127\.0\.0\.1:9/);
    const half = await cli(['status', '127.0.0.1']);
    assert.strictEqual(half.code, 2);
  });
});
