'use strict';
// paths() and stats(): each peer address of an association (SCTP_GET_PEER_ADDR_INFO) and the
// association's counters (SCTP_GET_ASSOC_STATS), on both socket kinds.
const assert = require('assert');
const helpers = require('../helpers');

const { messages, chunks, pair } = helpers;

const RTO = { initial: 300, min: 250, max: 4000 };

// Numbers the kernel reports for a loopback path; rto (ms) within the socket's rtoInfo.
function plausiblePath(path, port) {
  assert.strictEqual(path.address, '127.0.0.1');
  assert.strictEqual(path.port, port);
  assert.strictEqual(path.state, 'active');
  assert.strictEqual(path.primary, true);
  assert.ok(path.cwnd > 0, `cwnd ${path.cwnd}`);
  assert.ok(path.srtt >= 0 && path.srtt < 2000, `srtt ${path.srtt}`); // 0 is plausible on loopback
  assert.ok(path.rto >= RTO.min && path.rto <= RTO.max, `rto ${path.rto}`);
  assert.ok(path.mtu > 0, `mtu ${path.mtu}`);
}

const STATS = ['rtxChunks', 'gapCount', 'outOfSeqTsns', 'sacksSent', 'sacksReceived', 'packetsSent',
  'packetsReceived', 'controlChunksSent', 'controlChunksReceived', 'orderedChunksSent', 'orderedChunksReceived',
  'unorderedChunksSent', 'unorderedChunksReceived', 'dupChunksReceived', 'maxRto'];

function countsOf(stats) {
  assert.ok(stats, 'stats() is null: this kernel has SCTP_GET_ASSOC_STATS');
  assert.deepStrictEqual(Object.keys(stats).sort(), ['assocId', ...STATS, 'maxRtoAddress'].sort());
  for (const k of STATS) assert.ok(Number.isInteger(stats[k]) && stats[k] >= 0, `${k} ${stats[k]}`);
  return stats;
}

describe('paths() and stats()', () => {
  it('createSocket(): one active primary path; stats() count ordered and unordered chunks each way', async () => {
    const server = await helpers.bound({ rtoInfo: RTO });
    const client = await helpers.bound({ rtoInfo: RTO });
    const port = server.address().port;
    const { assocId } = await client.connect(port, '127.0.0.1');
    const N = 20;
    const got = messages(server, N + 5);
    for (let i = 0; i < N; i++) client.send(Buffer.alloc(100), { assocId, unordered: false });
    for (let i = 0; i < 5; i++) client.send(Buffer.alloc(100), { assocId, unordered: true });
    const [[, rinfo]] = await got;

    const paths = client.paths(assocId);
    assert.strictEqual(paths.length, 1);
    plausiblePath(paths[0], port);
    // status()'s primary is the same path, with the same fields
    const { primary, ...path } = paths[0];
    assert.deepStrictEqual(Object.keys(client.status(assocId).primary).sort(), Object.keys(path).sort());
    assert.strictEqual(server.paths(rinfo.assocId)[0].port, client.address().port);

    const sent = countsOf(client.stats(assocId));
    assert.strictEqual(sent.assocId, assocId);
    assert.ok(sent.orderedChunksSent >= N, `orderedChunksSent ${sent.orderedChunksSent}`);
    assert.ok(sent.unorderedChunksSent >= 5, `unorderedChunksSent ${sent.unorderedChunksSent}`);
    assert.ok(sent.packetsSent > 0 && sent.packetsReceived > 0 && sent.sacksReceived > 0);
    assert.ok(sent.controlChunksSent > 0); // the COOKIE ECHO at least
    const received = countsOf(server.stats(rinfo.assocId));
    assert.ok(received.orderedChunksReceived >= N, `orderedChunksReceived ${received.orderedChunksReceived}`);
    assert.ok(received.unorderedChunksReceived >= 5, `unorderedChunksReceived ${received.unorderedChunksReceived}`);
    assert.strictEqual(received.orderedChunksSent, 0);
    assert.ok(received.sacksSent > 0 && received.packetsReceived > 0);
    // An RTO was computed (the handshake's round trip): the largest, on the one path.
    assert.ok(sent.maxRto > 0, `maxRto ${sent.maxRto}`);
    assert.deepStrictEqual(sent.maxRtoAddress, { address: '127.0.0.1', port });
  });

  it('connect(): the StreamSocket\'s paths() and stats()', async () => {
    const { client, peer } = await pair({ rtoInfo: RTO });
    const N = 10;
    const got = chunks(peer, N + 3);
    for (let i = 0; i < N; i++) client.write(Buffer.alloc(100));
    for (let i = 0; i < 3; i++) client.send(Buffer.alloc(100), { unordered: true });
    await got;
    const paths = client.paths();
    assert.strictEqual(paths.length, 1);
    plausiblePath(paths[0], client.remotePort);
    const sent = countsOf(client.stats());
    assert.strictEqual(sent.assocId, client.assocId); // the association's, as status() gives it
    assert.ok(sent.orderedChunksSent >= N, `orderedChunksSent ${sent.orderedChunksSent}`);
    assert.ok(sent.unorderedChunksSent >= 3, `unorderedChunksSent ${sent.unorderedChunksSent}`);
    assert.ok(sent.packetsSent > 0);
    const received = countsOf(peer.stats());
    assert.ok(received.orderedChunksReceived >= N, `orderedChunksReceived ${received.orderedChunksReceived}`);
    assert.ok(received.unorderedChunksReceived >= 3, `unorderedChunksReceived ${received.unorderedChunksReceived}`);
    assert.strictEqual(peer.paths()[0].port, client.localPort);

    client.destroy();
    assert.throws(() => client.paths(), { code: 'ERR_SOCKET_CLOSED' });
    assert.throws(() => client.stats(), { code: 'ERR_SOCKET_CLOSED' });
  });

  it('a bad assocId: the errors status() gives; an unknown one: a system error; closed: ERR_SOCKET_CLOSED', async () => {
    const s = await helpers.bound();
    for (const bad of [-1, 0, 2 ** 31, 1.5, '1', undefined]) {
      let expected;
      assert.throws(() => s.status(bad), (err) => { expected = err.code; return true; });
      assert.throws(() => s.paths(bad), { code: expected });
      assert.throws(() => s.stats(bad), { code: expected });
    }
    assert.throws(() => s.status(12345), { code: 'EINVAL', syscall: 'getsockopt SCTP_STATUS' });
    assert.throws(() => s.paths(12345), { code: 'EINVAL', errno: -22, syscall: 'getsockopt SCTP_GET_PEER_ADDR_INFO' });
    assert.throws(() => s.stats(12345), { code: 'EINVAL', errno: -22, syscall: 'getsockopt SCTP_GET_ASSOC_STATS' });
    s.close();
    assert.throws(() => s.status(1), { code: 'ERR_SOCKET_CLOSED' });
    assert.throws(() => s.paths(1), { code: 'ERR_SOCKET_CLOSED' });
    assert.throws(() => s.stats(1), { code: 'ERR_SOCKET_CLOSED' });
  });
});
