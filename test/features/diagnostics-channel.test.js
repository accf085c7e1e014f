'use strict';
// diagnostics_channel: what each API publishes (lib/diagnostics.js, docs/diagnostics.md), over real
// associations, and nothing built while no one subscribes.
const assert = require('assert');
const dc = require('diagnostics_channel');
const sctp = require('../..');
const helpers = require('../helpers');

const { track, once } = helpers;
const NAMES = Object.values(sctp.channels);

const until = async (predicate, ms = 30000) => {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await helpers.sleep(20);
  }
};

// Every message published while subscribed, as [short name, message].
let log = [];
const record = (message, name) => log.push([name.replace('sctp-napi.', ''), message]);
const of = (socket, name) => log.filter(([n, m]) => n === name && m.socket === socket).map(([, m]) => m);

describe('diagnostics_channel', () => {
  beforeEach(() => {
    log = [];
    for (const name of NAMES) dc.subscribe(name, record);
  });
  afterEach(() => {
    for (const name of NAMES) dc.unsubscribe(name, record);
  });

  it('the channel names, frozen', () => {
    assert.deepStrictEqual(Object.keys(sctp.channels),
      ['socketCreated', 'socketClosed', 'associationUp', 'associationRestart', 'associationDown', 'sendFailed']);
    assert.deepStrictEqual(Object.values(sctp.channels), ['socket.created', 'socket.closed', 'association.up',
      'association.restart', 'association.down', 'send.failed'].map((name) => `sctp-napi.${name}`));
    assert.ok(Object.isFrozen(sctp.channels));
  });

  it('createSocket(): created, up on a first send, lost on the peer\'s ABORT, closed once', async () => {
    const server = await helpers.bound();
    const client = await helpers.bound();
    assert.deepStrictEqual(of(server, 'socket.created'), [{ socket: server, kind: 'one-to-many' }]);
    client.send('hello', server.address().port, '127.0.0.1');
    await until(() => of(client, 'association.up').length && of(server, 'association.up').length);
    const [up] = of(client, 'association.up');
    const [known] = client.associations();
    assert.deepStrictEqual(up, {
      socket: client, assocId: known.assocId, address: '127.0.0.1', port: server.address().port,
      inStreams: up.inStreams, outStreams: up.outStreams,
    });
    assert.ok(up.inStreams > 0 && up.outStreams > 0);
    // No 'association' listener on either: the channel still hears the peer's ABORT.
    client.abort(known.assocId, 'bye');
    await until(() => of(server, 'association.down').length);
    const [down] = of(server, 'association.down');
    assert.deepStrictEqual(down, {
      socket: server, assocId: of(server, 'association.up')[0].assocId, state: 'lost', error: 12,
      reason: 'user-initiated-abort',
    });
    client.close();
    client.close();
    await once(client, 'close');
    await helpers.sleep(50);
    assert.deepStrictEqual(of(client, 'socket.closed'), [{ socket: client }]);
  });

  it('createSocket(): eof() ends it with \'shutdown\' on both sides; a port with no listener: \'cant-start\'', async () => {
    const server = await helpers.bound();
    const client = await helpers.bound();
    const { assocId } = await client.connect(server.address().port, '127.0.0.1');
    client.eof(assocId);
    await until(() => of(client, 'association.down').length && of(server, 'association.down').length);
    assert.deepStrictEqual(of(client, 'association.down'), [{ socket: client, assocId, state: 'shutdown', error: 0, reason: '' }]);
    assert.strictEqual(of(server, 'association.down')[0].state, 'shutdown');

    const nobody = await helpers.bound(); // bound, then closed: its port has no listener
    const port = nobody.address().port;
    nobody.close();
    await once(nobody, 'close');
    await assert.rejects(client.connect(port, '127.0.0.1'), { code: 'ECONNREFUSED' });
    const refused = of(client, 'association.down').filter((m) => m.state === 'cant-start');
    assert.strictEqual(refused.length, 1);
    assert.ok(refused[0].assocId > 0);
  });

  it('send.failed: the kernel\'s SCTP_SEND_FAILED_EVENT with no \'sendfailed\' listener, and a send\'s system error', async () => {
    const server = await helpers.bound({ recvBufferSize: 16 * 1024 });
    const client = await helpers.bound({ sendBufferSize: 2 * 1024 * 1024 });
    const { assocId } = await client.connect(server.address().port, '127.0.0.1');
    const big = Buffer.alloc(100 * 1024, 'b');
    for (let i = 0; i < 3; i++) client.send(big, { assocId, stream: 1, ppid: 9, context: 7 });
    client.send('small', { assocId, stream: 1, ppid: 9, context: 8 });
    client.abort(assocId); // what the small receive window held back fails
    // The kernel's reports (error: its number), as the 'sendfailed' event would have had them; a
    // message that waited in the socket's own queue fails with the send's system error instead.
    const kernel = () => of(client, 'send.failed').filter((m) => typeof m.error === 'number');
    await until(() => kernel().length > 0 && client.getSendQueueCount() === 0);
    for (const m of kernel()) {
      assert.deepStrictEqual(m, {
        socket: client, assocId, error: m.error, sent: m.sent, stream: 1, ppid: 9, context: m.context, size: m.size,
      });
      assert.ok([7, 8].includes(m.context) && typeof m.sent === 'boolean' && m.size > 0, JSON.stringify(m));
    }
    for (const m of of(client, 'send.failed').filter((f) => typeof f.error !== 'number')) {
      assert.ok(m.error instanceof Error && m.sent === false && m.assocId === assocId, String(m.error));
    }

    // A system error: the association is gone.
    log = [];
    const err = await new Promise((resolve) => client.send('late', { assocId, stream: 2, ppid: 3 }, resolve));
    assert.ok(err && err.syscall === 'send', String(err));
    assert.deepStrictEqual(of(client, 'send.failed'), [
      { socket: client, assocId, error: err, sent: false, stream: 2, ppid: 3, context: 0, size: 4 },
    ]);
  });

  it('connect()/createServer(): created kinds, up with the socket\'s assocId, shutdown and lost, closed', async () => {
    const { server, client, peer } = await helpers.pair();
    assert.deepStrictEqual(of(server, 'socket.created'), [{ socket: server, kind: 'server' }]);
    assert.deepStrictEqual(of(client, 'socket.created'), [{ socket: client, kind: 'one-to-one' }]);
    assert.deepStrictEqual(of(peer, 'socket.created'), [{ socket: peer, kind: 'one-to-one' }]);
    for (const [socket, port] of [[client, server.address().port], [peer, client.localPort]]) {
      const ups = of(socket, 'association.up');
      assert.strictEqual(ups.length, 1);
      assert.deepStrictEqual(ups[0], {
        socket, assocId: socket.assocId, address: '127.0.0.1', port, inStreams: ups[0].inStreams,
        outStreams: ups[0].outStreams,
      });
      // created first
      assert.ok(log.findIndex(([, m]) => m.socket === socket) === log.findIndex(([n, m]) => n === 'socket.created' && m.socket === socket));
    }
    client.end(); // graceful: the side that began it reads the SHUTDOWN COMPLETE
    await helpers.closed(client);
    await helpers.closed(peer);
    await helpers.sleep(50);
    assert.deepStrictEqual(of(client, 'association.down'),
      [{ socket: client, assocId: client.assocId, state: 'shutdown', error: 0, reason: '' }]);
    assert.ok(of(peer, 'association.down').every((m) => m.state === 'shutdown'));
    assert.deepStrictEqual(of(client, 'socket.closed'), [{ socket: client }]);
    assert.deepStrictEqual(of(peer, 'socket.closed'), [{ socket: peer }]);

    // The peer's ABORT, on an accepted socket with no 'error' listener: published, never thrown.
    const other = track(sctp.connect({ port: server.address().port, host: '127.0.0.1' }));
    const [accepted] = await once(server, 'connection');
    track(accepted);
    await until(() => of(accepted, 'association.up').length === 1);
    other.destroy();
    await helpers.closed(accepted);
    const lost = of(accepted, 'association.down');
    assert.deepStrictEqual(lost.map((m) => [m.socket, m.assocId, m.state]), [[accepted, accepted.assocId, 'lost']]);
    server.close();
    await once(server, 'close');
    assert.deepStrictEqual(of(server, 'socket.closed'), [{ socket: server }]);
  });

  it('peeloff(): a one-to-one socket, up as it reports it', async () => {
    const server = await helpers.bound();
    const client = await helpers.bound();
    const [[association]] = await Promise.all([once(server, 'association'), client.connect(server.address().port, '127.0.0.1')]);
    const peer = track(server.peeloff(association.assocId));
    assert.deepStrictEqual(of(peer, 'socket.created'), [{ socket: peer, kind: 'one-to-one' }]);
    const [up] = of(peer, 'association.up');
    assert.strictEqual(up.assocId, peer.assocId);
    assert.strictEqual(up.port, client.address().port);
  });

  it('every up has its down: close() and destroy() publish \'closed\', peeloff() \'peeled-off\' on the parent', async () => {
    const server = await helpers.bound();
    const client = await helpers.bound();
    const [[association]] = await Promise.all([once(server, 'association'), client.connect(server.address().port, '127.0.0.1')]);
    const peer = track(server.peeloff(association.assocId));
    assert.deepStrictEqual(of(server, 'association.down').map((m) => [m.assocId, m.state]), [[association.assocId, 'peeled-off']]);
    const [mine] = client.associations();
    client.close();
    assert.deepStrictEqual(of(client, 'association.down').map((m) => [m.assocId, m.state]), [[mine.assocId, 'closed']]);
    await helpers.closed(peer); // the client's close() ended it: the peer's own event says how
    assert.strictEqual(of(peer, 'association.down').length, 1);
    const { client: stream } = await helpers.pair();
    stream.destroy();
    assert.deepStrictEqual(of(stream, 'association.down').map((m) => [m.assocId, m.state]), [[stream.assocId, 'closed']]);
    await helpers.closed(stream);
    assert.strictEqual(of(stream, 'association.down').length, 1); // once
  });

  it('a subscriber that destroys the socket on its up: nothing thrown, no \'connect\' after', async () => {
    const server = await helpers.listening();
    const client = track(sctp.connect({ port: server.address().port, host: '127.0.0.1' }));
    const destroy = ({ socket }) => { if (socket === client) socket.destroy(); };
    dc.subscribe(sctp.channels.associationUp, destroy);
    let connected = false;
    client.on('connect', () => { connected = true; });
    client.end(); // a shutdown waiting for the association: the case that threw
    try {
      await helpers.closed(client);
    } finally {
      dc.unsubscribe(sctp.channels.associationUp, destroy);
    }
    assert.strictEqual(connected, false);
    assert.deepStrictEqual(of(client, 'association.down').map((m) => m.state), ['closed']);
  });

  it('a server: created at each listen(), closed at each close()', async () => {
    const server = track(sctp.createServer());
    assert.deepStrictEqual(of(server, 'socket.created'), []); // not listening: nothing to pair
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    server.close();
    await once(server, 'close');
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    server.close();
    await once(server, 'close');
    assert.strictEqual(of(server, 'socket.created').length, 2);
    assert.strictEqual(of(server, 'socket.closed').length, 2);
  });

  it('open(): created with the handle it returns, closed once', () => {
    const handle = helpers.open('127.0.0.1', 0, 1024, () => {});
    assert.deepStrictEqual(of(handle, 'socket.created'), [{ socket: handle, kind: 'one-to-many' }]);
    handle.close();
    handle.close();
    assert.deepStrictEqual(of(handle, 'socket.closed'), [{ socket: handle }]);
  });

  it('with no subscriber nothing is built or published', async () => {
    for (const name of NAMES) dc.unsubscribe(name, record);
    const published = [];
    for (const name of NAMES) {
      const channel = dc.channel(name);
      assert.strictEqual(channel.hasSubscribers, false);
      channel.publish = (message) => published.push(message); // (an own property: called only past the check)
    }
    try {
      const server = await helpers.bound();
      const client = await helpers.bound();
      const { assocId } = await client.connect(server.address().port, '127.0.0.1');
      client.abort(assocId);
      await once(server, 'association');
      await new Promise((resolve) => client.send('x', { assocId }, resolve));
      sctp.open('127.0.0.1', 0, 1024, () => {}).close();
      client.close();
      await once(client, 'close');
    } finally {
      for (const name of NAMES) delete dc.channel(name).publish;
    }
    assert.deepStrictEqual(published, []);
  });

  it('a subscriber that throws: the socket goes on, the throw is an uncaught exception on a later tick', async () => {
    const r = await helpers.run([helpers.fixture('diagnostics-throw.js')]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.deepStrictEqual(JSON.parse(r.stdout), ['subscriber', 'association lost', 'uncaught subscriber threw', 'next tick']);
  });
});
