'use strict';
// Regression 2: a message carrying SCTP_PRINFO (the TTL) to a peer with no association yet was
// dropped by the kernel, so the first message to every new peer was silently lost.
const assert = require('assert');
const { open, port, inbox, pythonPeer } = require('../helpers');

// regression 2 of the original (docs/api/open.md): the first message to a new peer was silently lost
describe('open(): the first message to a new peer is not lost', () => {
  it('100 fresh client sockets each send one message: 100 arrive', async () => {
    const serverPort = port();
    const server = inbox();
    open('127.0.0.1', serverPort, 256, server);
    for (let i = 0; i < 100; i++) {
      const client = open('127.0.0.1', port(), 256, () => {});
      client.send(Buffer.from(`client ${i}`), '127.0.0.1', serverPort);
    }
    const got = await server.wait(100);
    assert.deepStrictEqual(got.map((r) => r[0].toString()).sort(),
      Array.from({ length: 100 }, (_, i) => `client ${i}`).sort());
  });

  it('later messages to a known peer still arrive (they carry the 30 s TTL)', async () => {
    const serverPort = port();
    const server = inbox();
    open('127.0.0.1', serverPort, 256, server);
    const client = open('127.0.0.1', port(), 256, () => {});
    client.send(Buffer.from('opening'), '127.0.0.1', serverPort);
    await server.wait(1);
    for (let i = 0; i < 20; i++) client.send(Buffer.from(`m${i}`), '127.0.0.1', serverPort);
    assert.strictEqual((await server.wait(21)).length, 21);
  });

  it('a Python kernel-SCTP receiver gets the very first message', async () => {
    const pyPort = port();
    const py = pythonPeer('recv', '127.0.0.1', pyPort, 5);
    await py.waitLines(1);
    const us = port();
    const client = open('127.0.0.1', us, 256, () => {});
    for (let i = 0; i < 5; i++) client.send(Buffer.from(`to python ${i}`), '127.0.0.1', pyPort);
    const lines = (await py.waitLines(6)).slice(1);
    assert.deepStrictEqual(lines.map((l) => l.data).sort(),
      [0, 1, 2, 3, 4].map((i) => `to python ${i}`));
    for (const l of lines) assert.deepStrictEqual([l.host, l.port], ['127.0.0.1', us]);
    await py.exited;
  });
});
