'use strict';
// Regression 7: a message longer than recvMaxlen is never delivered as if it were whole (the
// original delivered its pieces as separate messages): it is discarded and reported.
const assert = require('assert');
const { open, port, inbox, pythonPeer } = require('../helpers');

// regression 7 of the original (docs/api/open.md)
describe('open(): messages longer than recvMaxlen', () => {
  for (const size of [101, 5000, 200 * 1024]) { // 200 KiB: below the default send buffer
    it(`a ${size}-byte message with recvMaxlen 100: one error string, then normal delivery`, async () => {
      const serverPort = port();
      const server = inbox();
      open('127.0.0.1', serverPort, 100, server);
      const client = open('127.0.0.1', port(), 64, () => {});
      client.send(Buffer.from('before'), '127.0.0.1', serverPort);
      await server.wait(1);
      client.send(Buffer.alloc(size, 'z'), '127.0.0.1', serverPort);
      const [, report] = await server.wait(2);
      assert.strictEqual(report,
        `message of ${size} bytes exceeds recvMaxlen (100 bytes); discarded`);
      client.send(Buffer.alloc(100, 'a'), '127.0.0.1', serverPort);
      const [, , exact] = await server.wait(3);
      assert.strictEqual(exact[0].toString(), 'a'.repeat(100));
      assert.strictEqual(server.results.length, 3);
    });
  }

  it('a 1 MiB message with recvMaxlen 2 MiB arrives whole (partial delivery reassembled)', async function () {
    // open() has the original's default send buffer (too small for 1 MiB): Python sends it.
    const serverPort = port();
    const server = inbox();
    open('127.0.0.1', serverPort, 2 * 1024 * 1024, server);
    const py = pythonPeer('big', '127.0.0.1', port(), '127.0.0.1', serverPort, 1024 * 1024);
    const [first] = await py.waitLines(1);
    if (first.error) this.skip(); // SO_SNDBUFFORCE needs root (the VM runs as root)
    const [[data]] = await server.wait(1);
    assert.strictEqual(data.length, 1024 * 1024);
    for (let i = 0; i < data.length; i += 4) {
      if (data.readUInt32LE(i) !== i) assert.fail(`byte ${i} differs`);
    }
    await py.exited;
  });
});
