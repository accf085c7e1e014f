'use strict';
// A one-to-one server out of descriptors (accept() failing with EMFILE) stops accepting for a
// moment and tries again (10 ms, doubling up to 1 s), rather than retrying on every loop turn;
// it reports it once, as 'error', only to an 'error' listener; and accepts again once fds are free.
const assert = require('assert');
const sctp = require('../..');
const { spawnJson, fixture, track, once, sleep } = require('../helpers');

const CLIENTS = 40; // more than the server's 40 descriptors leave room for

async function overload(args) {
  const child = spawnJson('sh', ['-c', `ulimit -n 40; exec "${process.execPath}" "${fixture('emfile-server.js')}" ${args}`]);
  const { port } = await child.waitFor((l) => l.port);
  const clients = [];
  for (let i = 0; i < CLIENTS; i++) {
    const c = track(sctp.connect({ port, host: '127.0.0.1' }));
    c.on('error', () => {});
    clients.push(c);
  }
  await Promise.all(clients.map((c) => once(c, 'connect'))); // the kernel accepts them all
  await sleep(1000); // the server takes what it can
  child.stdin.write('measure\n');
  const report = await child.waitFor((l) => l.cpu !== undefined, 120000);
  return { child, clients, report };
}

describe('createServer(): out of descriptors', () => {
  for (const args of ['listen', '']) {
    it(`backs off and accepts again once fds are free${args ? ' (an \'error\' listener)' : ' (no listener)'}`, async () => {
      const { child, clients, report } = await overload(args);
      assert.ok(report.accepted > 0 && report.accepted < CLIENTS, `accepted ${report.accepted}`);
      assert.ok(report.cpu < 500000, `${report.cpu} µs of CPU in a second while out of fds`);
      assert.deepStrictEqual(report.errors, args ? ['EMFILE'] : []);
      const before = report.accepted;
      for (const c of clients.slice(0, 10)) c.destroy(); // their fds at the server close
      await child.waitFor((l) => l.accepted >= before + 5, 120000);
      assert.strictEqual(child.exitCode, null);
    });
  }
});
