'use strict';
// SCTP-AUTH (RFC 4895): shared keys, the chunk types a peer must authenticate, the 'authentication'
// event. All with net.sctp.auth_enable=0, the kernel's default: the auth option is all it takes.
const assert = require('assert');
const fs = require('fs');
const sctp = require('../..');
const {
  bound, once, messages, track, sleep, spawnJson, fixture, python, chunks,
} = require('../helpers');

const SYSCTL = '/proc/sys/net/sctp/auth_enable';
const reliable = { defaults: { unordered: false, ttl: 0 } };
// A short retransmission timeout: a message held back is sent again soon.
const quick = { rtoInfo: { initial: 200, min: 200, max: 1000 } };

// `listen(server, client)`: before the association comes up (its first events follow at once).
async function pair(serverOptions, clientOptions, listen = () => {}) {
  const server = await bound({ ...reliable, ...serverOptions });
  const client = await bound({ ...reliable, ...quick, ...clientOptions });
  listen(server, client);
  const up = once(server, 'association');
  const { assocId } = await client.connect(server.address().port, '127.0.0.1');
  const [{ assocId: serverAssocId }] = await up;
  return { server, client, assocId, serverAssocId };
}

// The 'message's a socket gets within ms.
async function arrivals(socket, ms) {
  const got = [];
  const on = (msg) => got.push(msg.toString());
  socket.on('message', on);
  await sleep(ms);
  socket.off('message', on);
  return got;
}

// Resolves with the first 'authentication' event that matches.
const authEvent = (socket, indication) => new Promise((resolve) => {
  socket.on('authentication', function on(event) {
    if (event.indication !== indication) return;
    socket.off('authentication', on);
    resolve(event);
  });
});

const pythonPeer = (...args) => spawnJson(python, [fixture('auth-peer.py'), ...args]);

async function acknowledged(socket, assocId) {
  while (socket.status(assocId).unackData > 0) await sleep(50);
}

describe('SCTP-AUTH (RFC 4895)', () => {
  let saved = null;
  before(() => { // the auth option must do without the sysctl
    saved = fs.readFileSync(SYSCTL, 'utf8').trim();
    fs.writeFileSync(SYSCTL, '0');
  });
  after(() => {
    if (saved !== null) fs.writeFileSync(SYSCTL, saved);
  });

  const server = { auth: { chunks: ['data'], key: 'secret' } };

  it('the same key at both ends: authenticated DATA arrives, and a peer is told to authenticate it', async () => {
    const { server: s, client, assocId } = await pair(server, { auth: { key: 'secret' } });
    const got = messages(s, 2);
    client.send('a', { assocId });
    client.send('b', { assocId });
    assert.deepStrictEqual((await got).map(([m]) => m.toString()), ['a', 'b']);
    // A Python peer with the key: our INIT ACK asked it to authenticate DATA (type 0).
    const peer = pythonPeer('key', s.address().port, 2, 'secret');
    const fromPython = messages(s, 2);
    assert.deepStrictEqual(await peer.waitFor((l) => l.peerChunks), { peerChunks: [0] });
    assert.deepStrictEqual((await fromPython).map(([m]) => m.toString()), ['py0', 'py1']);
  });

  it('different keys: no DATA arrives until the key is put right on the live association', async () => {
    const { server: s, client, assocId, serverAssocId } = await pair(server, { auth: { key: 'other' } });
    client.send('held back', { assocId });
    assert.deepStrictEqual(await arrivals(s, 3000), []);
    assert.ok(client.status(assocId).unackData > 0, 'the sender is still waiting for its SACK');
    // Not a dead association: with the key the client signs with, its retransmission gets in.
    const got = messages(s, 1);
    s.setAuthKey(1, 'other', serverAssocId);
    assert.strictEqual((await got)[0][0].toString(), 'held back');
  });

  it('a peer that signs with the empty key #0 (no key of its own) or another key gets nothing in', async () => {
    const { server: s, client, assocId } = await pair(server, { auth: true });
    const heard = arrivals(s, 5000);
    client.send('unkeyed', { assocId });
    const peer = pythonPeer('key', s.address().port, 1, 'wrong');
    assert.deepStrictEqual(await peer.waitFor((l) => l.peerChunks), { peerChunks: [0] });
    assert.deepStrictEqual(await heard, []);
  });

  it("'no-auth' when the peer has no AUTH (ours with auth: false, or Python's); its DATA is not authenticated", async () => {
    let events;
    const { server: s, client, assocId } = await pair(server, { auth: false },
      (a, b) => { events = [authEvent(a, 'no-auth'), authEvent(b, 'no-auth')]; });
    const [theirs] = await Promise.all(events);
    assert.strictEqual(theirs.keyNumber, 0);
    const got = messages(s, 1);
    client.send('plain', { assocId });
    assert.strictEqual((await got)[0][0].toString(), 'plain');
    // Key calls for every association pass over this one (its peer has no AUTH: EACCES for it).
    s.setAuthKey(2, 'next').useAuthKey(2).deleteAuthKey(1);
    const event = authEvent(s, 'no-auth');
    const peer = pythonPeer('off', s.address().port, 1);
    const fromPython = messages(s, 1);
    assert.strictEqual((await event).indication, 'no-auth');
    assert.strictEqual((await fromPython)[0][0].toString(), 'py0');
    await peer.exited;
  });

  it("key rotation on a live association: 'new-key' for the peer's new key, 'free-key' once the old one is deleted", async () => {
    const { server: s, client, assocId, serverAssocId } = await pair(server, { auth: { key: 'secret' } });
    let got = messages(s, 1);
    client.send('with #1', { assocId });
    await got;
    for (const end of [s, client]) end.setAuthKey(2, 'next');
    client.useAuthKey(2);
    const newKey = authEvent(s, 'new-key');
    got = messages(s, 1);
    client.send('with #2', { assocId });
    assert.deepStrictEqual(await newKey, { assocId: serverAssocId, keyNumber: 2, indication: 'new-key' });
    assert.strictEqual((await got)[0][0].toString(), 'with #2');
    s.useAuthKey(2); // every association's, and those to come
    await acknowledged(client, assocId);
    const freed = [authEvent(s, 'free-key'), authEvent(client, 'free-key')];
    s.deleteAuthKey(1);
    client.deleteAuthKey(1, assocId);
    assert.deepStrictEqual((await Promise.all(freed)).map((e) => [e.assocId, e.keyNumber]),
      [[serverAssocId, 1], [assocId, 1]]);
    got = messages(s, 1);
    client.send('after', { assocId });
    assert.strictEqual((await got)[0][0].toString(), 'after');
    // The active key cannot go, and a key that is not there cannot either.
    assert.throws(() => client.deleteAuthKey(2, assocId), (err) => err.code === 'EINVAL' &&
      err.syscall === 'setsockopt SCTP_AUTH_DEACTIVATE_KEY' && /useAuthKey\(\) another first/.test(err.message));
    assert.throws(() => client.useAuthKey(1, assocId), { code: 'EINVAL' });
  });

  it('the one-to-one socket: the auth option on createServer() and connect(), a key mismatch, keys rotated', async () => {
    const srv = track(sctp.createServer(server));
    const accepted = [];
    srv.on('connection', (socket) => accepted.push(track(socket)));
    await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const port = srv.address().port;
    const wrong = track(sctp.connect({ port, host: '127.0.0.1', auth: { key: 'other' }, ...quick }));
    await once(wrong, 'connect');
    wrong.write('held back');
    const client = track(sctp.connect({ port, host: '127.0.0.1', auth: { key: 'secret' } }));
    await once(client, 'connect');
    while (accepted.length < 2) await sleep(20);
    const peer = accepted.find((p) => p.remotePort === client.localPort);
    const other = accepted.find((p) => p !== peer);
    const heard = [];
    other.on('data', (d) => heard.push(d.toString()));
    let got = chunks(peer, 1);
    client.write('a');
    assert.strictEqual((await got)[0].toString(), 'a');
    for (const end of [peer, client]) end.setAuthKey(2, 'next');
    client.useAuthKey(2);
    const newKey = authEvent(peer, 'new-key');
    got = chunks(peer, 1);
    client.write('b');
    assert.strictEqual((await newKey).keyNumber, 2);
    assert.strictEqual((await got)[0].toString(), 'b');
    peer.useAuthKey(2);
    await acknowledged(client);
    const freed = authEvent(client, 'free-key');
    client.deleteAuthKey(1);
    assert.strictEqual((await freed).keyNumber, 1);
    assert.deepStrictEqual(heard, [], 'the client with the other key got nothing in');
  });

  it('validation: the auth option and the key calls', async () => {
    const bad = (auth) => () => sctp.createSocket({ type: 'sctp4', auth });
    assert.throws(bad('yes'), { code: 'ERR_INVALID_ARG_TYPE', message: /options\.auth/ });
    assert.throws(bad({ chunks: 'data' }), { code: 'ERR_INVALID_ARG_TYPE', message: /options\.auth\.chunks/ });
    assert.throws(bad({ chunks: ['init'] }), { code: 'ERR_INVALID_ARG_VALUE', message: /options\.auth\.chunks\[0\].*one of data, sack/ });
    for (const type of [1, 2, 14, 15]) {
      assert.throws(bad({ chunks: [0, type] }), { code: 'ERR_INVALID_ARG_VALUE', message: /chunks\[1\]' cannot be authenticated/ });
    }
    assert.throws(bad({ chunks: [256] }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(bad({ chunks: [1.5] }), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(bad({ key: '' }), { code: 'ERR_INVALID_ARG_VALUE', message: /options\.auth\.key' must be 1 to 65535 bytes/ });
    assert.throws(bad({ key: 7 }), { code: 'ERR_INVALID_ARG_TYPE', message: /options\.auth\.key/ });
    assert.throws(bad({ keys: 'x' }), { code: 'ERR_INVALID_ARG_VALUE', message: /unknown property 'keys'/ });
    assert.throws(() => sctp.connect({ port: 1, auth: { chunks: [15] } }), { code: 'ERR_INVALID_ARG_VALUE' });
    assert.throws(() => sctp.createServer({ auth: 1 }), { code: 'ERR_INVALID_ARG_TYPE' });

    const s = await bound({ auth: { chunks: ['data', 'sack', 130], key: Buffer.from([1, 2, 3]) } });
    assert.throws(() => s.setAuthKey(65536, 'x'), { code: 'ERR_OUT_OF_RANGE', message: /keyNumber/ });
    assert.throws(() => s.setAuthKey(1, ''), { code: 'ERR_INVALID_ARG_VALUE', message: /secret/ });
    assert.throws(() => s.setAuthKey(1, null), { code: 'ERR_INVALID_ARG_TYPE', message: /secret/ });
    assert.throws(() => s.setAuthKey(1, 'x', 0), { code: 'ERR_OUT_OF_RANGE', message: /assocId/ });
    assert.throws(() => s.useAuthKey('1'), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => s.deleteAuthKey(-1), { code: 'ERR_OUT_OF_RANGE' });
    assert.throws(() => s.useAuthKey(9), { code: 'EINVAL' }); // no key 9
    s.setAuthKey(9, new Uint8Array([9])).useAuthKey(9).deleteAuthKey(1); // with no association: the socket's
    assert.throws(() => s.setAuthKey(3, 'x', 12345), { code: 'EINVAL' }); // no such association

    // Without the option (and net.sctp.auth_enable=0), a key call says what to set.
    const off = await bound();
    assert.throws(() => off.setAuthKey(1, 'x'), (err) => err.code === 'EACCES' && err.syscall === 'setsockopt SCTP_AUTH_KEY' &&
      /auth option/.test(err.message) && /net\.sctp\.auth_enable=1/.test(err.message));
    off.close();
    assert.throws(() => off.setAuthKey(1, 'x'), { code: 'ERR_SOCKET_CLOSED' });
    const stream = sctp.connect({ port: 1, host: '127.0.0.1' });
    stream.on('error', () => {});
    assert.throws(() => stream.setAuthKey(1, 'x'), { code: 'ERR_SOCKET_NOT_CONNECTED' });
    stream.destroy();
  });
});
