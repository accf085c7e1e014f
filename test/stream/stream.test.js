'use strict';
// The one-to-one socket (connect() / createServer(): SOCK_STREAM), as net users touch it: one
// write is one message, one 'data' chunk one message, end() a graceful SHUTDOWN, the net.Socket
// properties, and the SCTP extras on the same object.
const assert = require('assert');
const sctp = require('../..');
const helpers = require('../helpers');

const { track, once, closed, listening, pair, chunks } = helpers;

describe('one-to-one: connect() and createServer()', () => {
  it('each write() is one message and each \'data\' chunk one whole message, both ways', async () => {
    const { client, peer } = await pair();
    const atPeer = chunks(peer, 3);
    client.write('one');
    client.write(Buffer.from('two'));
    client.write(new Uint8Array([116, 104, 114, 101, 101]));
    assert.deepStrictEqual((await atPeer).map(String), ['one', 'two', 'three']);
    const atClient = chunks(client, 2);
    peer.write(Buffer.alloc(100 * 1024, 1));
    peer.write('x');
    const back = await atClient;
    assert.deepStrictEqual(back.map((b) => b.length), [100 * 1024, 1]);
    assert.ok(back[0].every((b) => b === 1));
    assert.strictEqual(client.bytesWritten, 11);
    assert.strictEqual(peer.bytesRead, 11);
    assert.strictEqual(client.bytesRead, 100 * 1024 + 1);
  });

  it('read() returns one message at a time', async () => {
    const { client, peer } = await pair();
    client.write('alpha');
    client.write('beta');
    await once(peer, 'readable');
    await new Promise((resolve) => setTimeout(resolve, 200)); // both arrived
    assert.strictEqual(String(peer.read()), 'alpha');
    assert.strictEqual(String(peer.read()), 'beta');
  });

  it('connect\'s properties: remote and local address, family, readyState, connecting, pending', async () => {
    const server = await listening();
    const client = track(sctp.connect(server.address().port, '127.0.0.1'));
    assert.strictEqual(client.connecting, true);
    assert.strictEqual(client.pending, true);
    assert.strictEqual(client.readyState, 'opening');
    const order = [];
    client.on('connect', () => order.push('connect'));
    client.on('ready', () => order.push('ready'));
    await once(client, 'ready');
    assert.deepStrictEqual(order, ['connect', 'ready']);
    assert.strictEqual(client.connecting, false);
    assert.strictEqual(client.pending, false);
    assert.strictEqual(client.readyState, 'open');
    assert.strictEqual(client.remoteAddress, '127.0.0.1');
    assert.strictEqual(client.remotePort, server.address().port);
    assert.strictEqual(client.remoteFamily, 'IPv4');
    assert.strictEqual(client.localAddress, '127.0.0.1');
    assert.ok(client.localPort > 0);
    assert.deepStrictEqual(client.address(), { address: '127.0.0.1', family: 'IPv4', port: client.localPort });
    assert.ok(client.assocId > 0);
  });

  it('send() carries its own stream, ppid and context; \'message\' gives the receive info beside \'data\'', async () => {
    const { client, peer } = await pair({ initMsg: { outStreams: 4 } }, { initMsg: { maxInStreams: 4 } });
    const infos = [];
    peer.on('message', (msg, rinfo) => infos.push([String(msg), rinfo]));
    const data = chunks(peer, 3);
    client.write('plain');
    assert.strictEqual(client.send('tagged', { stream: 2, ppid: 46 }), true);
    await new Promise((resolve, reject) => client.send(Buffer.from('last'), (err) => (err ? reject(err) : resolve())));
    assert.deepStrictEqual((await data).map(String), ['plain', 'tagged', 'last']);
    assert.deepStrictEqual(infos.map(([m, r]) => [m, r.stream, r.ppid, r.unordered]),
      [['plain', 0, 0, false], ['tagged', 2, 46, false], ['last', 0, 0, false]]);
    assert.strictEqual(infos[0][1].address, '127.0.0.1');
    assert.strictEqual(infos[0][1].port, client.localPort);
    assert.strictEqual(infos[0][1].assocId, peer.assocId);
  });

  it('a \'message\' listener alone reads every message (the socket flows)', async () => {
    const { client, peer } = await pair();
    const got = helpers.messages(peer, 40);
    for (let i = 0; i < 40; i++) client.write(`m${i}`);
    assert.deepStrictEqual((await got).map(([m]) => String(m)), Array.from({ length: 40 }, (_, i) => `m${i}`));
  });

  it('setEncoding(): each message as a string', async () => {
    const { client, peer } = await pair();
    peer.setEncoding('utf8');
    const got = chunks(peer, 2);
    client.write('héllo');
    client.write('wörld');
    assert.deepStrictEqual(await got, ['héllo', 'wörld']);
  });

  it('end(): what was written arrives, then the peer sees \'end\'; both close without error', async () => {
    const { client, peer } = await pair();
    const received = [];
    peer.on('data', (d) => received.push(String(d)));
    const peerEnd = once(peer, 'end');
    const peerClose = closed(peer);
    const clientClose = closed(client);
    for (let i = 0; i < 100; i++) client.write(`n${i}`);
    client.end('last');
    await peerEnd;
    assert.strictEqual(received.length, 101);
    assert.strictEqual(received[100], 'last');
    assert.deepStrictEqual(await peerClose, [false]);
    client.resume();
    assert.deepStrictEqual(await clientClose, [false]);
    assert.strictEqual(client.readyState, 'closed');
  });

  it('destroy(): an ABORT; the peer gets \'close\' (hadError), and \'error\' ECONNRESET if it listens', async () => {
    const { client, peer } = await pair();
    const errors = [];
    peer.on('error', (err) => errors.push(err));
    const peerClosed = closed(peer);
    client.destroy();
    assert.deepStrictEqual(await peerClosed, [true]);
    assert.strictEqual(errors.length, 1);
    assert.strictEqual(errors[0].code, 'ECONNRESET');
    assert.strictEqual(errors[0].reason, 'user-initiated-abort');
  });

  it('destroy(err) emits that error, then \'close\' (hadError)', async () => {
    const { client } = await pair();
    const seen = [];
    client.on('error', (err) => seen.push(err.message));
    client.on('close', (hadError) => seen.push(hadError));
    client.destroy(new Error('mine'));
    await closed(client);
    assert.deepStrictEqual(seen, ['mine', true]);
  });

  it('writes made before the connect go out once it is up, in order', async () => {
    let accepted;
    const got = new Promise((resolve) => { accepted = resolve; });
    const server = await listening((s) => accepted(track(s)));
    const client = track(sctp.connect(server.address().port, '127.0.0.1'));
    client.write('early 1');
    client.write('early 2');
    client.end('early 3');
    const peer = await got;
    const data = [];
    peer.on('data', (d) => data.push(String(d)));
    await once(peer, 'end');
    assert.deepStrictEqual(data, ['early 1', 'early 2', 'early 3']);
  });

  it('connect() to a port with no listener: \'error\' ECONNREFUSED to who listens, then \'close\' (true)', async () => {
    const free = await listening();
    const port = free.address().port;
    await new Promise((resolve) => free.close(resolve));
    const client = track(sctp.connect(port, '127.0.0.1'));
    const errors = [];
    client.on('error', (err) => errors.push(err));
    assert.deepStrictEqual(await closed(client), [true]);
    assert.strictEqual(errors.length, 1);
    assert.strictEqual(errors[0].code, 'ECONNREFUSED');
    assert.strictEqual(errors[0].syscall, 'connect');
    assert.strictEqual(errors[0].address, '127.0.0.1');
    assert.strictEqual(errors[0].port, port);
  });

  it('connect() with no \'error\' listener to a closed port: nothing thrown, \'close\' (true)', async () => {
    const free = await listening();
    const port = free.address().port;
    await new Promise((resolve) => free.close(resolve));
    const client = track(sctp.connect(port, '127.0.0.1'));
    assert.deepStrictEqual(await closed(client), [true]);
  });

  it('a host name is resolved with dns.lookup (\'lookup\' event); the address used is reported', async () => {
    const server = await listening();
    const client = track(sctp.createConnection({ port: server.address().port, host: 'localhost', family: 4 }));
    const [err, address, family, host] = await once(client, 'lookup');
    assert.deepStrictEqual([err, address, family, host], [null, '127.0.0.1', 4, 'localhost']);
    await once(client, 'connect');
    assert.strictEqual(client.remoteAddress, '127.0.0.1');
  });

  it('IPv6: a server on ::1 and a client to it', async () => {
    let accepted;
    const got = new Promise((resolve) => { accepted = resolve; });
    const server = await listening((s) => accepted(track(s)), {}, '::1');
    assert.deepStrictEqual(server.address(), { address: '::1', family: 'IPv6', port: server.address().port });
    const client = track(sctp.connect(server.address().port, '::1'));
    await once(client, 'connect');
    assert.strictEqual(client.remoteFamily, 'IPv6');
    const peer = await got;
    // The accepting side's kernel gives the peer's ::1 a scope: not shown for a non-link-local address.
    assert.strictEqual(peer.remoteAddress, '::1');
    const addresses = peer.peerAddresses().map((a) => a.address); // the client's '::' binds its IPv4 too
    assert.ok(addresses.includes('::1') && !addresses.some((a) => a.includes('%')), addresses.join());
    const data = chunks(peer, 1);
    client.write('over v6');
    assert.strictEqual(String((await data)[0]), 'over v6');
  });

  it('listen() with no host takes both IPv4 and IPv6 (\'::\', dual stack)', async () => {
    const server = track(sctp.createServer((s) => s.end()));
    server.listen(0);
    await once(server, 'listening');
    assert.strictEqual(server.address().address, '::');
    for (const host of ['127.0.0.1', '::1']) {
      const client = track(sctp.connect(server.address().port, host));
      await once(client, 'connect');
    }
  });

  it('localAddress and localPort bind the client before it connects', async () => {
    const server = await listening();
    const localPort = helpers.port();
    const client = track(sctp.connect({ port: server.address().port, host: '127.0.0.1', localAddress: '127.0.0.1', localPort }));
    await once(client, 'connect');
    assert.strictEqual(client.localPort, localPort);
  });

  it('multi-homing: listen({ addresses }) and connect({ addresses }), the association sees both', async () => {
    let accepted;
    const got = new Promise((resolve) => { accepted = resolve; });
    const server = track(sctp.createServer((s) => accepted(track(s))));
    server.listen({ port: 0, addresses: ['127.0.0.1', '127.0.0.2'] });
    await once(server, 'listening');
    const { port } = server.address();
    const client = track(sctp.connect({ port, addresses: ['127.0.0.1', '127.0.0.2'] }));
    await once(client, 'connect');
    const peer = await got;
    const addresses = (list) => list.map((a) => a.address).sort();
    assert.deepStrictEqual(addresses(client.peerAddresses()), ['127.0.0.1', '127.0.0.2']);
    assert.deepStrictEqual(addresses(peer.localAddresses()), ['127.0.0.1', '127.0.0.2']);
    client.setPrimary('127.0.0.2');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.strictEqual(client.status().primary.address, '127.0.0.2');
  });

  it('status(): the association\'s state, streams and primary path', async () => {
    const { client, peer } = await pair();
    const st = client.status();
    assert.strictEqual(st.state, 'established');
    assert.strictEqual(st.assocId, client.assocId);
    assert.strictEqual(st.primary.address, '127.0.0.1');
    assert.strictEqual(st.primary.port, peer.localPort);
    assert.ok(st.outStreams >= 1);
  });

  it('setTimeout(): \'timeout\' after the idle time; activity pushes it back; 0 turns it off', async () => {
    const { client, peer } = await pair();
    const started = Date.now();
    client.setTimeout(300);
    const keepBusy = setInterval(() => peer.write('tick'), 100);
    client.resume();
    await new Promise((resolve) => setTimeout(resolve, 700));
    clearInterval(keepBusy);
    let fired = 0;
    client.on('timeout', () => fired++);
    await once(client, 'timeout');
    assert.ok(Date.now() - started >= 900, 'no timeout while messages arrive');
    assert.strictEqual(client.destroyed, false); // as in net: 'timeout' only tells
    client.setTimeout(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.strictEqual(fired, 1);
    assert.strictEqual(client.timeout, undefined);
  });

  it('setNoDelay() and setKeepAlive() set SCTP_NODELAY and heartbeats and return the socket', async () => {
    const { client } = await pair();
    assert.strictEqual(client.setNoDelay(false), client);
    assert.strictEqual(client.setNoDelay(), client);
    assert.strictEqual(client.setKeepAlive(true, 1000), client);
    assert.strictEqual(client.setKeepAlive(false), client);
  });

  it('backpressure: write() returns false past the writable high-water mark, then \'drain\'', async () => {
    const { client, peer } = await pair({ sendBufferSize: 64 * 1024 }, { recvBufferSize: 64 * 1024 });
    peer.pause();
    const chunk = Buffer.alloc(8 * 1024, 7);
    let writes = 0;
    while (client.write(chunk)) writes++;
    assert.ok(writes < 1000, `write() returned false after ${writes} writes`);
    const drained = once(client, 'drain');
    let received = 0;
    peer.on('data', (d) => { received += d.length; });
    peer.resume();
    await drained;
    assert.ok(received > 0);
  });

  it('the server: getConnections(), maxConnections (\'drop\'), close() waits for open connections', async () => {
    const sockets = [];
    const server = await listening((s) => sockets.push(s.resume())); // read (to the end)
    server.maxConnections = 2;
    const port = server.address().port;
    const clients = [];
    for (let i = 0; i < 2; i++) {
      const c = track(sctp.connect(port, '127.0.0.1'));
      clients.push(c);
      await once(c, 'connect');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepStrictEqual(await new Promise((resolve) => server.getConnections((...args) => resolve(args))), [null, 2]);
    const dropped = once(server, 'drop');
    const third = track(sctp.connect(port, '127.0.0.1'));
    const thirdClosed = closed(third);
    await dropped;
    await thirdClosed;
    let serverClosed = false;
    server.close(() => { serverClosed = true; });
    assert.strictEqual(server.listening, false);
    // Still open: a connection made before close() keeps working.
    const echo = chunks(clients[0], 1);
    sockets[0].write('still here');
    assert.strictEqual(String((await echo)[0]), 'still here');
    assert.strictEqual(serverClosed, false);
    for (const s of sockets) s.end();
    for (const c of clients) c.resume();
    await new Promise((resolve) => server.once('close', resolve));
    assert.strictEqual(serverClosed, true);
  });

  it('listen() on a port in use: \'error\' EADDRINUSE shaped as net\'s (listen EADDRINUSE 127.0.0.1:port)', async () => {
    const first = await listening();
    const { port } = first.address();
    const second = track(sctp.createServer());
    second.listen(port, '127.0.0.1');
    const [err] = await once(second, 'error').catch((e) => [e]);
    assert.strictEqual(err.code, 'EADDRINUSE');
    assert.strictEqual(err.syscall, 'listen');
    assert.strictEqual(err.message, `listen EADDRINUSE 127.0.0.1:${port}`);
    assert.strictEqual(err.address, '127.0.0.1');
    assert.strictEqual(err.port, port);
    assert.strictEqual(second.listening, false);
    const third = track(sctp.createServer());
    assert.throws(() => first.listen(0), { code: 'ERR_SERVER_ALREADY_LISTEN' });
    third.close((e) => assert.strictEqual(e.code, 'ERR_SERVER_NOT_RUNNING'));
  });

  it('new StreamSocket() then connect(), as with net.Socket', async () => {
    const server = await listening();
    const socket = track(new sctp.StreamSocket());
    assert.ok(socket instanceof require('stream').Duplex);
    assert.deepStrictEqual(socket.address(), {});
    socket.connect({ port: server.address().port, host: '127.0.0.1' }, () => socket.emit('connected-by-callback'));
    await once(socket, 'connected-by-callback');
    assert.throws(() => socket.connect(1, '127.0.0.1'), { code: 'ERR_SOCKET_CONNECTING' });
  });

  it('signal: aborting destroys the socket with an AbortError', async () => {
    const { server } = await pair();
    const controller = new AbortController();
    const client = track(sctp.connect({ port: server.address().port, host: '127.0.0.1', signal: controller.signal }));
    await once(client, 'connect');
    const failed = once(client, 'error').catch((e) => [e]);
    controller.abort();
    const [err] = await failed;
    assert.strictEqual(err.name, 'AbortError');
    assert.strictEqual(client.destroyed, true);
  });

  it('Symbol.asyncDispose closes the server and the socket', async () => {
    const { server, client } = await pair();
    await client[Symbol.asyncDispose]();
    assert.strictEqual(client.destroyed, true);
    await server[Symbol.asyncDispose]();
    assert.strictEqual(server.listening, false);
  });

  it('unref(): a connected pair alone does not keep the process alive', async () => {
    const res = await helpers.run([helpers.fixture('stream-unref.js')]);
    assert.strictEqual(res.stderr, '');
    assert.strictEqual(res.stdout, 'connected\n');
    assert.strictEqual(res.code, 0);
  });

  it('the module has net\'s names: createConnection is connect, Server and StreamSocket are exported', () => {
    assert.strictEqual(sctp.createConnection, sctp.connect);
    assert.ok(sctp.createServer() instanceof sctp.Server);
    assert.ok(new sctp.StreamSocket() instanceof require('stream').Duplex);
  });
});
