'use strict';
// peeloff(): one association branched off into a one-to-one socket of its own (the Duplex that
// connect() and createServer() give), delivering both ways.
const assert = require('assert');
const helpers = require('../helpers');

const { track, once, messages, inNamespace } = helpers;
const internals = Symbol.for('sctp-napi.internals');

// A server, a client, and the client's association peeled off the server into `peer`.
async function peeled() {
  const server = await bound();
  const client = await bound();
  const [association, { assocId: clientAssoc }] = await Promise.all([
    once(server, 'association').then(([info]) => info),
    client.connect(server.address().port, '127.0.0.1'),
  ]);
  const peer = track(server.peeloff(association.assocId));
  return { server, client, peer, clientAssoc, assocId: association.assocId };
}

// The events a peeled socket emits, in order, until it closes. Without an 'error' listener an
// 'error' would be thrown, an uncaught exception that fails the test.
function record(peer, events = ['association', 'end', 'close']) {
  const log = [];
  for (const event of events) peer.on(event, (arg) => log.push([event, arg]));
  peer.done = new Promise((resolve) => peer.once('close', resolve));
  peer.resume(); // read to the end
  return log;
}
const names = (log) => log.map(([event]) => event).filter((e) => e !== 'association');

const bound = () => helpers.bound({ defaults: { unordered: false, ttl: 0 } });

describe('createSocket(): peeloff', () => {
  it('a peeled-off association delivers both ways; the parent no longer sees it', async () => {
    const server = await bound();
    const client = await bound();
    const [association] = await Promise.all([
      once(server, 'association').then(([info]) => info),
      client.connect(server.address().port, '127.0.0.1'),
    ]);
    const peer = track(server.peeloff(association.assocId));
    assert.ok(peer instanceof require('../..').StreamSocket);
    assert.deepStrictEqual(server.associations(), []);
    assert.strictEqual(peer.address().port, server.address().port);
    assert.strictEqual(peer.remotePort, client.address().port);
    assert.strictEqual(peer.status().state, 'established');

    let parentGot = 0;
    server.on('message', () => parentGot++);
    const atPeer = messages(peer, 2);
    client.send('one', server.address().port, '127.0.0.1');
    client.send('two', server.address().port, '127.0.0.1', { ppid: 9 });
    const got = await atPeer;
    assert.deepStrictEqual(got.map(([m, r]) => [m.toString(), r.ppid, r.port]),
      [['one', 0, client.address().port], ['two', 9, client.address().port]]);

    // The parent's maxMessageSize (256 KiB by default) holds on the peeled-off socket too.
    const big = messages(peer, 1);
    client.send(Buffer.alloc(100 * 1024, 7), server.address().port, '127.0.0.1');
    assert.strictEqual((await big)[0][0].length, 100 * 1024);

    const atClient = messages(client, 2);
    assert.strictEqual(peer.send('back'), true);
    await new Promise((resolve, reject) => peer.send(Buffer.from('again'), { ppid: 3 }, (err) => (err ? reject(err) : resolve())));
    const back = await atClient;
    assert.deepStrictEqual(back.map(([m, r]) => [m.toString(), r.ppid]), [['back', 0], ['again', 3]]);
    assert.strictEqual(parentGot, 0);

    // Ending it from the client: the peeled socket sees the shutdown, 'end', then closes.
    const ended = once(peer, 'end');
    const closed = once(peer, 'close');
    client.eof(back[0][1].assocId);
    await ended;
    assert.deepStrictEqual(await closed, [false]);
  });

  // Issue 10, item 2: the kernel sets a peeled (one-to-one) socket's error when its association
  // is aborted or fails; that came out as an 'error' with no listener: an uncaught exception.
  it('a peer\'s ABORT: \'error\' ECONNRESET with its cause to who listens, then \'close\' (hadError)', async () => {
    const { client, peer, clientAssoc } = await peeled();
    const log = record(peer, ['association', 'end', 'error', 'close']);
    client.abort(clientAssoc, 'bye');
    await peer.done;
    assert.deepStrictEqual(names(log), ['error', 'close']);
    const [, err] = log.find(([event]) => event === 'error');
    assert.strictEqual(err.code, 'ECONNRESET');
    assert.strictEqual(err.reason, 'user-initiated-abort');
    assert.strictEqual(log.find(([event]) => event === 'close')[1], true);
  });

  it('a peer\'s ABORT with no \'error\' listener: nothing thrown, \'close\' (hadError)', async () => {
    const { client, peer, clientAssoc } = await peeled();
    const log = record(peer);
    client.abort(clientAssoc, 'bye');
    await peer.done;
    assert.deepStrictEqual(log.filter(([event]) => event !== 'association'), [['close', true]]);
  });

  it('destroy() aborts the association: the other end sees it lost, with the user-abort cause', async () => {
    const { client, peer, clientAssoc } = await peeled();
    const lost = new Promise((resolve) => client.on('association', (info) => info.assocId === clientAssoc && resolve(info)));
    const log = record(peer);
    peer.destroy();
    await peer.done;
    assert.deepStrictEqual(names(log), ['close']);
    const info = await lost;
    assert.strictEqual(info.state, 'lost');
    assert.strictEqual(info.reason, 'user-initiated-abort');
  });

  it('a graceful shutdown: \'end\', then \'close\' without error', async () => {
    const { client, peer, clientAssoc } = await peeled();
    const log = record(peer);
    client.eof(clientAssoc);
    await peer.done;
    assert.deepStrictEqual(log.filter(([event]) => event !== 'association'), [['end', undefined], ['close', false]]);
  });

  it('a peer that stops answering: the peeled socket fails with ETIMEDOUT and closes', async function () {
    const result = await inNamespace('peel-timeout', 'peel-timeout.js');
    if (result === null) this.skip(); // needs root and ip/tc (the VM has them)
    assert.deepStrictEqual(result, { events: ['error', 'close'], code: 'ETIMEDOUT', hadError: true, uncaught: 0 });
  });

  // Issue 10, item 4: the parent kept the peeled association's addresses in its peer table for
  // ever, so its next send with a TTL to that peer was taken for one on a live association, and
  // the kernel dropped that first message of the new association.
  it('the parent forgets a peeled association: its next TTL\'d send to that peer arrives', async () => {
    const { server, client, peer, clientAssoc } = await peeled();
    const closed = once(peer, 'close');
    peer.resume(); // read to the end
    client.eof(clientAssoc);
    await closed;
    const got = messages(client, 1, 20000);
    server.send('first of a new association', client.address().port, '127.0.0.1', { ttl: 5000 });
    assert.strictEqual((await got)[0][0].toString(), 'first of a new association');
    client.eof((await got)[0][1].assocId);
    await new Promise((resolve) => server.on('association', (info) => info.state === 'shutdown' && resolve()));
    assert.deepStrictEqual( // nothing of either association is left in the parent's peer table
      [server[internals]().peerAddresses, server[internals]().peerAssociations], [0, 0]);
  });

  // Issue 10, item 12: sctp_peeloff_flags(), not fcntl() afterwards.
  it('the peeled-off descriptor is non-blocking and close-on-exec', async () => {
    const fs = require('fs');
    const sockets = () => new Map(fs.readdirSync('/proc/self/fd').map((fd) => {
      try { return [fs.readlinkSync(`/proc/self/fd/${fd}`), Number(fd)]; } catch { return [null, fd]; }
    }).filter(([link]) => link && link.startsWith('socket:')));
    const server = await bound();
    const client = await bound();
    const [association] = await Promise.all([
      once(server, 'association').then(([info]) => info),
      client.connect(server.address().port, '127.0.0.1'),
    ]);
    const before = sockets();
    const peer = track(server.peeloff(association.assocId));
    const added = [...sockets()].filter(([link]) => !before.has(link));
    assert.strictEqual(added.length, 1);
    const flags = parseInt(/flags:\s+(\d+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${added[0][1]}`, 'utf8'))[1], 8);
    assert.ok(flags & 0o4000, 'O_NONBLOCK');
    assert.ok(flags & 0o2000000, 'O_CLOEXEC');
    peer.destroy();
  });

  it('peeloff() of an unknown association throws a system error', async () => {
    const server = await bound();
    assert.throws(() => server.peeloff(12345), { syscall: 'sctp_peeloff', code: 'EINVAL' });
    assert.throws(() => server.peeloff(0), { code: 'ERR_OUT_OF_RANGE' });
  });
});
