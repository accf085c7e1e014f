'use strict';
// Interop with a peer nobody here wrote: Python's socket module over the kernel's SCTP.
const assert = require('assert');
const { open, port, inbox, pythonPeer } = require('../helpers');

describe('interop with Python kernel SCTP', () => {
  for (const [family, host] of [['IPv4', '127.0.0.1'], ['IPv6', '::1']]) {
    it(`${family}: Python sends, the addon receives and replies, Python receives`, async () => {
      const ourPort = port();
      const pyPort = port();
      let handle;
      const got = inbox();
      handle = open(host, ourPort, 1024, (r) => {
        got(r);
        handle.send(Buffer.concat([Buffer.from('echo: '), r[0]]), r[1], r[2]);
      });
      const py = pythonPeer('send', host, pyPort, host, ourPort, 3, 'one', 'two', 'three');
      const lines = (await py.waitLines(4)).slice(1);
      assert.deepStrictEqual(lines.map((l) => l.data).sort(), ['echo: one', 'echo: three', 'echo: two']);
      for (const l of lines) assert.deepStrictEqual([l.host, l.port], [host, ourPort]);
      assert.deepStrictEqual(got.results.map((r) => [r[0].toString(), r[1], r[2]]).sort(),
        [['one', host, pyPort], ['three', host, pyPort], ['two', host, pyPort]]);
      assert.strictEqual(await py.exited, 0);
    });
  }
});
