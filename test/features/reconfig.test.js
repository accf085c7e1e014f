'use strict';
// Stream reconfiguration (RFC 6525): streams reset mid-conversation (their SSNs start again at 0),
// the association reset, streams added beyond initMsg; the peer's and our events; the error when
// an end has it off.
const assert = require('assert');
const sctp = require('../..');
const { bound, once, messages, track } = require('../helpers');

const reliable = { defaults: { unordered: false, ttl: 0 } };
const on = { streamReset: true, ...reliable };

async function pair(serverOptions = on, clientOptions = on) {
  const server = await bound(serverOptions);
  const client = await bound(clientOptions);
  const up = once(server, 'association');
  const { assocId } = await client.connect(server.address().port, '127.0.0.1');
  await up;
  return { server, client, assocId };
}

// Sends each [stream, text] and resolves with the receiver's [stream, ssn] of each.
async function exchange(client, server, assocId, list) {
  const got = messages(server, list.length);
  for (const [stream, text] of list) client.send(text, { assocId, stream });
  return (await got).map(([, rinfo]) => [rinfo.stream, rinfo.ssn]);
}

describe('stream reconfiguration (RFC 6525)', () => {
  it('resetStreams(): the reset stream\'s SSNs start again at 0, the other streams\' go on; both ends are told', async () => {
    const { server, client, assocId } = await pair();
    assert.deepStrictEqual(await exchange(client, server, assocId, [[1, 'a'], [1, 'b'], [2, 'c'], [1, 'd']]),
      [[1, 0], [1, 1], [2, 0], [1, 2]]);
    const ours = once(client, 'streamreset');
    const theirs = once(server, 'streamreset');
    client.resetStreams(assocId, [1], { outgoing: true });
    const [[a], [b]] = await Promise.all([ours, theirs]);
    assert.deepStrictEqual(a, { assocId, streams: [1], incoming: false, outgoing: true, denied: false, failed: false });
    assert.deepStrictEqual({ ...b, assocId: 0 },
      { assocId: 0, streams: [1], incoming: true, outgoing: false, denied: false, failed: false });
    assert.deepStrictEqual(await exchange(client, server, assocId, [[1, 'e'], [2, 'f'], [1, 'g']]),
      [[1, 0], [2, 1], [1, 1]]);
  });

  it('resetAssociation(): every stream starts again at SSN 0', async () => {
    const { server, client, assocId } = await pair();
    await exchange(client, server, assocId, [[0, 'a'], [1, 'b'], [1, 'c']]);
    const ours = once(client, 'assocreset');
    const theirs = once(server, 'assocreset');
    client.resetAssociation(assocId);
    const [[a], [b]] = await Promise.all([ours, theirs]);
    assert.strictEqual(a.assocId, assocId);
    assert.deepStrictEqual([a.denied, a.failed, b.denied, b.failed], [false, false, false, false]);
    assert.strictEqual(typeof a.localTsn, 'number');
    assert.deepStrictEqual(await exchange(client, server, assocId, [[1, 'd'], [0, 'e']]), [[1, 0], [0, 0]]);
  });

  it('addStreams(): outbound streams beyond initMsg, usable at once', async () => {
    const { server, client, assocId } = await pair(on, { ...on, initMsg: { outStreams: 2 } });
    assert.strictEqual(client.status(assocId).outStreams, 2);
    const refused = await new Promise((resolve) => client.send('x', { assocId, stream: 4 }, resolve));
    assert.strictEqual(refused && refused.code, 'EINVAL');
    const ours = once(client, 'streamchange');
    const theirs = once(server, 'streamchange');
    client.addStreams(assocId, { out: 3 });
    const [[a], [b]] = await Promise.all([ours, theirs]);
    console.log(`      (${JSON.stringify([a, b])})`);
    // Linux's event gives the number of streams added, the association's status the new count.
    assert.deepStrictEqual([a.inStreams, a.outStreams, a.denied, a.failed], [0, 3, false, false]);
    assert.deepStrictEqual([b.inStreams, b.outStreams], [3, 0]);
    assert.strictEqual(client.status(assocId).outStreams, 5);
    assert.deepStrictEqual(await exchange(client, server, assocId, [[4, 'on a new stream']]), [[4, 0]]);
  });

  it('off at one end: the call fails ENOPROTOOPT, saying what to set', async () => {
    const { client, assocId } = await pair({ ...reliable, streamReset: false }, on);
    assert.throws(() => client.resetStreams(assocId, [1], { outgoing: true }), (err) =>
      err.code === 'ENOPROTOOPT' && err.syscall === 'setsockopt SCTP_RESET_STREAMS' && /streamReset/.test(err.message) &&
      /net\.sctp\.reconf_enable/.test(err.message));
    assert.throws(() => client.addStreams(assocId, { out: 1 }), { code: 'ENOPROTOOPT' });
    assert.throws(() => client.resetAssociation(assocId), { code: 'ENOPROTOOPT' });
  });

  it('the one-to-one socket: resetStreams() and addStreams()', async () => {
    const server = track(sctp.createServer({ streamReset: true }));
    const accepted = once(server, 'connection');
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = track(sctp.connect({ port: server.address().port, host: '127.0.0.1', streamReset: true }));
    await once(client, 'connect');
    const [peer] = await accepted;
    const got = messages(peer, 2);
    client.write('a');
    client.write('b');
    assert.deepStrictEqual((await got).map(([, r]) => r.ssn), [0, 1]);
    const reset = once(peer, 'streamreset');
    client.resetStreams([0], { outgoing: true });
    assert.deepStrictEqual((await reset)[0].streams, [0]);
    const next = messages(peer, 1);
    client.write('c');
    assert.strictEqual((await next)[0][1].ssn, 0);
    const change = once(client, 'streamchange');
    const before = client.status().outStreams;
    client.addStreams({ out: 1 });
    assert.strictEqual((await change)[0].outStreams, 1);
    assert.strictEqual(client.status().outStreams, before + 1);
  });
});
