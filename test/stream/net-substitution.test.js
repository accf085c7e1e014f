'use strict';
// A library written against `net` works unchanged when given this module in place of `net`.
// test/fixtures/netsub-lib.js is such a library (a length-prefixed request/response protocol
// using only net's API as real code does, reassembling frames from whatever chunks arrive). It
// runs first over Node's own `net` (so the test shows it is genuine net code, TCP and all) and
// then over sctp-napi, on both ends, with the same workload and the same assertions.
const assert = require('assert');
const crypto = require('crypto');
const net = require('net');
const netsubLib = require('../fixtures/netsub-lib');

const HOST = '127.0.0.1';
const CONNECTIONS = 5;
const REQUESTS = 200;
const LARGE = new Set([17, 99, 150, 151]); // these requests carry a 100 KiB body
const ONE_SHOT = 3; // requests made with request(): a connection each

// The server's reply: the body's sha256 then the body, byte-reversed (reply i is only right for request i).
const reply = (body) => Buffer.concat([crypto.createHash('sha256').update(body).digest(), Buffer.from(body).reverse()]);

function body(i) {
  const size = LARGE.has(i) ? 100 * 1024 : 1 + ((i * 7919) % 3000);
  const b = crypto.randomBytes(size);
  b.write(`request ${i} `.slice(0, size));
  return b;
}

const sum = (list, f) => list.reduce((n, x) => n + f(x), 0);

for (const [name, transport] of [['net (TCP)', net], ['sctp-napi', require('../..')]]) {
  describe(`a net library over ${name}`, () => {
    it(`${REQUESTS} pipelined requests on ${CONNECTIONS} connections, 100 KiB frames, one-shot requests, ` +
      'clean ends', async () => {
      const lib = netsubLib(transport);
      const server = lib.createServer(reply);
      const address = await server.listen(0, HOST);
      assert.strictEqual(address.address, HOST);
      assert.ok(Number.isInteger(address.port) && address.port > 0, `port ${address.port}`);

      const clients = Array.from({ length: CONNECTIONS }, () => lib.connect(address.port, HOST));
      const bodies = Array.from({ length: REQUESTS }, (_, i) => body(i));
      // Every request at once: each connection gets its share written back to back, no reply awaited.
      const replies = bodies.map((b, i) => clients[i % CONNECTIONS].request(b));
      assert.ok(clients.every((c) => c.pending === REQUESTS / CONNECTIONS),
        'the requests were not all pending at once');
      const oneShotBodies = Array.from({ length: ONE_SHOT }, (_, i) => body(1000 + i));
      const oneShots = oneShotBodies.map((b) => lib.request(address.port, HOST, b));

      const got = await Promise.all(replies);
      for (let i = 0; i < REQUESTS; i++) {
        assert.ok(got[i].equals(reply(bodies[i])), `reply ${i} (${got[i].length} bytes) is not request ${i}'s`);
      }
      for (const [i, result] of (await Promise.all(oneShots)).entries()) {
        assert.ok(result.reply.equals(reply(oneShotBodies[i])), `one-shot reply ${i} is wrong`);
        assert.deepStrictEqual(result.events, ['connect', 'end', 'close:false'], `one-shot ${i}`);
      }

      // close() now: it stops accepting, and calls back only once every connection has closed.
      let serverClosed = false;
      const closing = server.close().then(() => { serverClosed = true; });
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.strictEqual(serverClosed, false, 'server.close() called back with connections still open');

      const hadErrors = await Promise.all(clients.map((c) => c.end()));
      assert.deepStrictEqual(hadErrors, clients.map(() => false));
      for (const [i, c] of clients.entries()) {
        assert.deepStrictEqual(c.events, ['connect', 'end', 'close:false'], `client ${i}`);
      }
      await closing;
      assert.deepStrictEqual(server.errors, []);

      // The server saw every connection, each ended by its client and closed without error.
      assert.strictEqual(server.connections.length, CONNECTIONS + ONE_SHOT);
      for (const [i, c] of server.connections.entries()) {
        assert.deepStrictEqual(c.events, ['end', 'close:false'], `server connection ${i}`);
      }
      const requestBytes = sum([...bodies, ...oneShotBodies], (b) => 4 + b.length);
      const served = server.connections.map((c) => c.stats);
      assert.strictEqual(sum(served, (s) => s.frames), REQUESTS + ONE_SHOT);
      assert.strictEqual(sum(served, (s) => s.bytesIn), requestBytes);
      assert.strictEqual(sum(clients, (c) => c.stats.frames), REQUESTS);
      assert.strictEqual(sum(clients, (c) => c.stats.bytesIn), sum(bodies, (b) => 4 + 32 + b.length));
      // The library's reassembly was exercised both ways: a 100 KiB frame cannot come in one chunk
      // of either transport (TCP reads 64 KiB at a time; an SCTP message is a write and the header
      // is a write of its own).
      assert.ok(sum(served, (s) => s.reassembled) >= LARGE.size, 'the server never reassembled a frame');
      assert.ok(sum(clients, (c) => c.stats.reassembled) >= LARGE.size, 'the clients never reassembled a frame');
    });
  });
}
