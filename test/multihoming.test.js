'use strict';
// Multi-homing: two network namespaces joined by two veth pairs (addresses of the benchmarking
// range 198.18.0.0/15, inside the namespaces only). A two-address association keeps delivering
// when one path goes down, with 'peeraddrchange' unreachable -> available as it comes back.
// Needs root, ip and the veth module (the VM has them); skipped elsewhere.
const assert = require('assert');
const { execFileSync } = require('child_process');
const { spawnJson, fixture } = require('./helpers');

const A = `sctp-mh-a-${process.pid}`;
const B = `sctp-mh-b-${process.pid}`;
const ip = (...args) => execFileSync('ip', args, { stdio: 'pipe' });

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
    const { up } = await client.waitFor((l) => l.up);
    assert.deepStrictEqual(up, ['198.18.1.2', '198.18.2.2']);
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
