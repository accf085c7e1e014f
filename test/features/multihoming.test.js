'use strict';
// Multi-homing: two network namespaces joined by two veth pairs (addresses of the benchmarking
// range 198.18.0.0/15, inside the namespaces only). A two-address association keeps delivering
// when one path goes down, with 'peeraddrchange' unreachable -> available as it comes back.
// Needs root, ip and the veth module (the VM has them); skipped elsewhere.
const assert = require('assert');
const { execFileSync } = require('child_process');
const { spawnJson, fixture, socket, once } = require('../helpers');

const A = `sctp-mh-a-${process.pid}`;
const B = `sctp-mh-b-${process.pid}`;
const ip = (...args) => execFileSync('ip', args, { stdio: 'pipe' });

describe('multi-homing on loopback addresses', () => {
  it('bind({ addresses }), addAddress(), removeAddress(), localAddresses()', async () => {
    const s = socket({ type: 'sctp4' });
    s.bind({ port: 0, addresses: ['127.0.0.1', '127.0.0.2'] });
    await once(s, 'listening');
    const { port } = s.address();
    const local = () => s.localAddresses().map((a) => `${a.address}:${a.port}`).sort();
    assert.deepStrictEqual(local(), [`127.0.0.1:${port}`, `127.0.0.2:${port}`]);
    assert.strictEqual(s.addAddress('127.0.0.3'), s);
    assert.deepStrictEqual(local(), [`127.0.0.1:${port}`, `127.0.0.2:${port}`, `127.0.0.3:${port}`]);
    s.removeAddress('127.0.0.1');
    assert.deepStrictEqual(local(), [`127.0.0.2:${port}`, `127.0.0.3:${port}`]);
    assert.throws(() => s.removeAddress('127.0.0.9'), { syscall: 'sctp_bindx' });
    assert.throws(() => socket({ type: 'sctp4' }).addAddress('127.0.0.1'), { code: 'ERR_SOCKET_NOT_BOUND' });
  });

  it('a two-address peer: peerAddresses() and paths() list both; setPrimary() moves the primary path', async () => {
    const server = socket({ type: 'sctp4' });
    server.bind({ port: 0, addresses: ['127.0.0.1', '127.0.0.2'] });
    await once(server, 'listening');
    const { port } = server.address();
    const client = socket({ type: 'sctp4' });
    const { assocId } = await client.connect(port, ['127.0.0.1', '127.0.0.2']);
    assert.deepStrictEqual(client.peerAddresses(assocId).map((a) => a.address).sort(), ['127.0.0.1', '127.0.0.2']);
    const primaries = () => client.paths(assocId).filter((p) => p.primary).map((p) => p.address);
    assert.deepStrictEqual(client.paths(assocId).map((p) => `${p.address}:${p.port}`).sort(),
      [`127.0.0.1:${port}`, `127.0.0.2:${port}`]);
    assert.strictEqual(client.status(assocId).primary.address, '127.0.0.1');
    assert.deepStrictEqual(primaries(), ['127.0.0.1']);
    assert.strictEqual(client.setPrimary(assocId, '127.0.0.2'), client);
    assert.strictEqual(client.status(assocId).primary.address, '127.0.0.2');
    assert.deepStrictEqual(primaries(), ['127.0.0.2']);
    assert.throws(() => client.setPrimary(assocId, '127.0.0.7'), { code: 'EINVAL' });
  });
});

describe('multi-homing (two veth paths between two namespaces)', () => {
  before(function () {
    try {
      ip('netns', 'add', A);
    } catch {
      this.skip();
    }
    ip('netns', 'add', B);
    for (const n of [1, 2]) {
      ip('link', 'add', `mh${n}a${process.pid % 1000}`, 'type', 'veth', 'peer', 'name', `mh${n}b${process.pid % 1000}`);
      ip('link', 'set', `mh${n}a${process.pid % 1000}`, 'netns', A, 'name', `a${n}`);
      ip('link', 'set', `mh${n}b${process.pid % 1000}`, 'netns', B, 'name', `b${n}`);
      ip('-n', A, 'addr', 'add', `198.18.${n}.1/24`, 'dev', `a${n}`);
      ip('-n', B, 'addr', 'add', `198.18.${n}.2/24`, 'dev', `b${n}`);
      ip('-n', A, 'link', 'set', `a${n}`, 'up');
      ip('-n', B, 'link', 'set', `b${n}`, 'up');
    }
    ip('-n', A, 'link', 'set', 'lo', 'up');
    ip('-n', B, 'link', 'set', 'lo', 'up');
  });
  after(() => {
    for (const ns of [A, B]) {
      try { ip('netns', 'del', ns); } catch { /* not made */ }
    }
  });

  it('a path going down: unreachable, delivery goes on over the other; back up: available', async function () {
    this.timeout(240000);
    const server = spawnJson('ip', ['netns', 'exec', B, process.execPath, fixture('mh-server.js'),
      0, '198.18.1.2', '198.18.2.2']);
    const { listening: port } = await server.waitFor((l) => l.listening);
    const client = spawnJson('ip', ['netns', 'exec', A, process.execPath, fixture('mh-client.js'),
      port, '198.18.1.1', '198.18.2.1', '198.18.1.2', '198.18.2.2']);
    const { up, paths } = await client.waitFor((l) => l.up);
    assert.deepStrictEqual(up, ['198.18.1.2', '198.18.2.2']);
    assert.deepStrictEqual(paths.map((p) => p.address).sort(), up); // paths(): the same two, one primary
    assert.strictEqual(paths.filter((p) => p.primary).length, 1);
    for (const p of paths) assert.ok(p.mtu > 0 && p.rto >= 100 && p.rto <= 400, JSON.stringify(p)); // rtoInfo's bounds
    await client.waitFor((l) => l.sent >= 30);
    const received = () => server.lines.filter((l) => l.received).length;

    ip('-n', A, 'link', 'set', 'a1', 'down');
    await client.waitFor((l) => l.peeraddrchange && l.peeraddrchange[0] === '198.18.1.2' &&
      l.peeraddrchange[1] === 'unreachable');
    const before = received();
    await server.waitFor(() => received() >= before + 20); // still delivering, over 198.18.2.x

    ip('-n', A, 'link', 'set', 'a1', 'up');
    await client.waitFor((l) => l.peeraddrchange && l.peeraddrchange[0] === '198.18.1.2' &&
      l.peeraddrchange[1] === 'available');

    client.stdin.end();
    const { done } = await client.waitFor((l) => l.done !== undefined);
    const last = await server.waitFor((l) => l.received === done);
    assert.strictEqual(last.inOrder, true, 'messages arrived out of order');
    server.stdin.end();
    await Promise.all([client.exited, server.exited]);
  });
});
