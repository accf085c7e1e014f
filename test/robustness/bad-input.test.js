'use strict';
// The bad-input catalogue: one table of what users get wrong across open(), send(),
// createSocket(), bind(), connect() and the association calls, each row the exact error it gets
// (a Node-style TypeError/RangeError code, a socket-state code, or a system error with errno and
// syscall). Nothing crashes, hangs or is half-done. fuzz.test.js throws random arguments at the same API.
const assert = require('assert');
const sctp = require('../..');
const { open, port, socket, bound, track } = require('../helpers');

const fn = () => {};
const TYPE = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };
const VALUE = { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' };
const RANGE = { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' };
const CLOSED = { name: 'Error', code: 'ERR_SOCKET_CLOSED' };
const system = (code, syscall) => ({ name: 'Error', code, syscall, errno: -require('os').constants.errno[code] });
const v4 = (more) => ({ type: 'sctp4', ...more });

function detachedView() {
  const ab = new ArrayBuffer(8);
  const view = new Uint8Array(ab);
  structuredClone(ab, { transfer: [ab] });
  return view;
}

// [label, call, expected]: call throws expected, or returns a promise that rejects with it.
const rows = [];

// open(bindHost, bindPort, recvMaxlen, onRecv): the original API.
for (const [args, expected] of [
  [[], TYPE], [[undefined, 0, 64, fn], TYPE], [[1, 0, 64, fn], TYPE], [[{}, 0, 64, fn], TYPE],
  [['localhost', 0, 64, fn], VALUE], [['', 0, 64, fn], VALUE], [['127.0.0.256', 0, 64, fn], VALUE],
  [['::1::2', 0, 64, fn], VALUE], [['fe80::1%nosuchif0', 0, 64, fn], VALUE],
  [['127.0.0.1', '0', 64, fn], TYPE], [['127.0.0.1', null, 64, fn], TYPE], [['127.0.0.1', 10n, 64, fn], TYPE],
  [['127.0.0.1', -1, 64, fn], RANGE], [['127.0.0.1', 65536, 64, fn], RANGE], [['127.0.0.1', 1.5, 64, fn], RANGE],
  [['127.0.0.1', NaN, 64, fn], RANGE], [['127.0.0.1', Infinity, 64, fn], RANGE],
  [['127.0.0.1', 2 ** 53, 64, fn], RANGE],
  [['127.0.0.1', 0, 0, fn], RANGE], [['127.0.0.1', 0, -5, fn], RANGE],
  [['127.0.0.1', 0, 16 * 1024 * 1024 + 1, fn], RANGE], [['127.0.0.1', 0, '64', fn], TYPE],
  [['127.0.0.1', 0, 64], TYPE], [['127.0.0.1', 0, 64, 'fn'], TYPE], [['127.0.0.1', 0, 64, {}], TYPE],
  [['192.0.2.1', 0, 64, fn], system('EADDRNOTAVAIL', 'bind')],
]) {
  rows.push([`open(${args.map(show).join(', ')})`, () => open(...args), expected]);
}

// handle.send(buffer, host, port)
for (const [args, expected] of [
  [[], TYPE], [['text', '127.0.0.1', 9], TYPE], [[[1, 2], '127.0.0.1', 9], TYPE],
  [[new ArrayBuffer(4), '127.0.0.1', 9], TYPE], [[Buffer.alloc(0), '127.0.0.1', 9], VALUE],
  [[detachedView(), '127.0.0.1', 9], VALUE], [[Buffer.from('x'), 9, 9], TYPE],
  [[Buffer.from('x'), 'example.com', 9], VALUE], [[Buffer.from('x'), '127.0.0.1', 0], RANGE],
  [[Buffer.from('x'), '127.0.0.1', 65536], RANGE], [[Buffer.from('x'), '127.0.0.1', '9'], TYPE],
  [[Buffer.from('x'), '127.0.0.1'], TYPE],
]) {
  rows.push([`handle.send(${args.map(show).join(', ')})`, () => open('127.0.0.1', port(), 64, fn).send(...args), expected]);
}
rows.push(['handle.send() after close()', () => {
  const handle = open('127.0.0.1', port(), 64, fn);
  handle.close();
  handle.send(Buffer.from('x'), '127.0.0.1', 9);
}, CLOSED]);

rows.push(['handle.address() after close()', () => {
  const handle = open('127.0.0.1', port(), 64, fn);
  handle.close();
  handle.address();
}, CLOSED]);

// createSocket(options)
for (const [options, expected] of [
  [undefined, TYPE], [null, TYPE], [42, TYPE], ['udp4', VALUE], [{}, VALUE], [{ type: 'sctp' }, VALUE],
  [v4({ bogus: 1 }), VALUE],
  [v4({ reuseAddr: 1 }), TYPE], [v4({ nodelay: 'yes' }), TYPE], [{ type: 'sctp6', ipv6Only: 0 }, TYPE],
  [v4({ ipv6Only: true }), VALUE],
  [v4({ recvBufferSize: '1' }), TYPE], [v4({ recvBufferSize: 0 }), RANGE], [v4({ recvBufferSize: 1.5 }), RANGE],
  [v4({ sendBufferSize: -1 }), RANGE], [v4({ sendBufferSize: 2 ** 31 }), RANGE], [v4({ sendBufferSize: NaN }), RANGE],
  [v4({ rtoInfo: 5 }), TYPE], [v4({ rtoInfo: { initial: 0 } }), RANGE], [v4({ rtoInfo: { min: '1' } }), TYPE],
  [v4({ rtoInfo: { min: 500, max: 100 } }), VALUE], [v4({ rtoInfo: { max: 2 ** 32 } }), RANGE],
  [v4({ initMsg: [] }), TYPE], [v4({ initMsg: { outStreams: 65536 } }), RANGE],
  [v4({ initMsg: { maxInStreams: -1 } }), RANGE], [v4({ initMsg: { maxAttempts: 1.1 } }), RANGE],
  [v4({ initMsg: { maxInitTimeout: '9' } }), TYPE],
  [v4({ maxMessageSize: 0 }), RANGE], [v4({ maxMessageSize: Infinity }), RANGE], [v4({ maxMessageSize: '1' }), TYPE],
  [v4({ maxMessageSize: 2 ** 28 + 1 }), RANGE],
  [v4({ sendHighWaterMark: -1 }), RANGE], [v4({ sendHighWaterMark: null }), TYPE],
  [v4({ heartbeatInterval: -1 }), RANGE], [v4({ pathMaxRetrans: 0 }), RANGE],
  [v4({ defaults: 1 }), TYPE], [v4({ defaults: { stream: 65536 } }), RANGE], [v4({ defaults: { ppid: -1 } }), RANGE],
  [v4({ defaults: { ppid: 2 ** 32 } }), RANGE], [v4({ defaults: { ttl: 'long' } }), TYPE],
  [v4({ defaults: { unordered: 1 } }), TYPE], [v4({ defaults: { context: 1.5 } }), RANGE],
  [v4({ defaults: { priority: 1 } }), VALUE], [v4({ defaults: { assocId: 1 } }), VALUE],
  [v4({ signal: {} }), TYPE], [v4({ signal: 'abort' }), TYPE],
  [v4({ defaults: { ttl: 1, prio: 1 } }), VALUE], [v4({ defaults: { rtx: 1.5 } }), RANGE],
  [v4({ streamReset: 1 }), TYPE],
  [v4({ auth: 'yes' }), TYPE], [v4({ auth: { chunks: 'data' } }), TYPE], [v4({ auth: { chunks: [15] } }), VALUE],
  [v4({ auth: { chunks: ['init'] } }), VALUE], [v4({ auth: { chunks: [256] } }), RANGE], [v4({ auth: { key: '' } }), VALUE],
  [v4({ auth: { key: 1 } }), TYPE], [v4({ auth: { keys: 'x' } }), VALUE],
  [v4({ auth: { chunks: [, 'data'] } }), TYPE], // eslint-disable-line no-sparse-arrays
  [v4({ delayedSack: true }), TYPE], [v4({ delayedSack: { delay: 501 } }), RANGE],
  [v4({ delayedSack: { delay: 0 } }), RANGE], [v4({ delayedSack: { frequency: 0 } }), RANGE],
  [v4({ delayedSack: { frequency: '2' } }), TYPE],
  [v4({ maxSegment: 511 }), RANGE], [v4({ maxSegment: 65520 }), RANGE], [v4({ maxSegment: '1000' }), TYPE],
  [v4({ pathMtu: 511 }), RANGE], [v4({ pathMtu: 65536 }), RANGE], [v4({ pathMtu: 1.5 }), RANGE],
  [v4({ autoClose: -1 }), RANGE], [v4({ autoClose: '5' }), TYPE], [v4({ autoClose: 2 ** 31 }), RANGE],
  [v4({ adaptationLayer: -1 }), RANGE], [v4({ adaptationLayer: 2 ** 32 }), RANGE], [v4({ adaptationLayer: null }), TYPE],
]) {
  rows.push([`createSocket(${JSON.stringify(options)})`, () => socket(options), expected]);
}
rows.push(["createSocket('sctp4', 'cb')", () => sctp.createSocket('sctp4', 'cb'), TYPE]);

// socket.send(msg, port[, address][, options][, callback])
for (const [args, expected] of [
  [[], TYPE], [[42, 9], TYPE], [[{}, 9], TYPE], [[['ok', 42], 9], TYPE], [[new ArrayBuffer(2), 9], TYPE],
  [['', 9], VALUE], [[Buffer.alloc(0), 9], VALUE], [[[], 9], VALUE], [[detachedView(), 9], VALUE],
  [['x'], TYPE], [['x', '9'], TYPE], [['x', 0], RANGE], [['x', 65536], RANGE], [['x', 9.5], RANGE],
  [['x', NaN], RANGE], [['x', -Infinity], RANGE],
  [['x', 9, 42], TYPE], [['x', 9, 'localhost'], VALUE], [['x', 9, '::1'], VALUE],
  [['x', 9, 'fe80::1%lo'], VALUE],
  [['x', 9, '127.0.0.1', { stream: -1 }], RANGE], [['x', 9, '127.0.0.1', { ppid: 'a' }], TYPE],
  [['x', 9, '127.0.0.1', { ttl: -5 }], RANGE], [['x', 9, '127.0.0.1', { ttl: 2 ** 32 }], RANGE],
  [['x', 9, '127.0.0.1', { unordered: 'no' }], TYPE],
  [['x', 9, '127.0.0.1', { nope: 1 }], VALUE], [['x', 9, '127.0.0.1', {}, 'cb'], TYPE],
  [['x', { assocId: 0 }], RANGE], [['x', { assocId: '1' }], TYPE],
  [['x', 9, '127.0.0.1', { rtx: -1 }], RANGE], [['x', 9, '127.0.0.1', { prio: '1' }], TYPE],
  [['x', 9, '127.0.0.1', { prio: 2 ** 32 }], RANGE], [['x', 9, '127.0.0.1', { ttl: 5, rtx: 1 }], VALUE],
  [['x', 9, '127.0.0.1', { rtx: 0, prio: 0 }], VALUE],
]) {
  rows.push([`socket.send(${args.map(show).join(', ')})`, () => socket(v4()).send(...args), expected]);
}
// A scoped IPv6 address whose interface does not exist gets the kernel's answer, as a system error.
rows.push(["socket.send('x', 9, 'fe80::1%nosuchif0') on sctp6", () => new Promise((resolve, reject) => {
  socket({ type: 'sctp6' }).send('x', 9, 'fe80::1%nosuchif0', (err) => (err ? reject(err) : resolve()));
}), system('EINVAL', 'send')]);
// Bigger than the socket's send buffer can ever hold: EMSGSIZE, to the callback.
rows.push(['socket.send(4 MiB) with sendBufferSize 64 KiB', () => new Promise((resolve, reject) => {
  socket(v4({ sendBufferSize: 65536, maxMessageSize: 8 << 20 }))
    .send(Buffer.alloc(4 << 20), 9, (err) => (err ? reject(err) : resolve()));
}), system('EMSGSIZE', 'send')]);

// bind()
for (const [args, expected] of [
  [[-1], RANGE], [['80'], TYPE], [[0, 'localhost'], VALUE], [[0, '::'], VALUE], [[0, 42], TYPE],
  [[0, '127.0.0.1', 'cb'], TYPE], [[{ port: 70000 }], RANGE], [[{ addresses: [] }], VALUE],
  [[{ addresses: ['127.0.0.1', 7] }], TYPE], [[{ addresses: ['127.0.0.1', 'example.com'] }], VALUE],
]) {
  rows.push([`socket.bind(${args.map(show).join(', ')})`, () => socket(v4()).bind(...args), expected]);
}
rows.push(['socket.bind() twice', () => socket(v4()).bind().bind(), { code: 'ERR_SOCKET_ALREADY_BOUND' }]);
rows.push(['socket.address() before bind()', () => socket(v4()).address(), { code: 'ERR_SOCKET_NOT_BOUND' }]);
rows.push(["socket.addAddress('127.0.0.2') before bind()", () => socket(v4()).addAddress('127.0.0.2'),
  { code: 'ERR_SOCKET_NOT_BOUND' }]);
rows.push(["socket.close('cb')", () => socket(v4()).close('cb'), TYPE]);

// connect() rejects rather than throws: it is promise-returning.
for (const [args, expected] of [
  [[0, '127.0.0.1'], RANGE], [[9, []], VALUE], [[9, 'localhost'], VALUE], [[9, ['127.0.0.1', null]], TYPE],
  [[9, '127.0.0.1', { timeout: 0 }], RANGE], [[9, '127.0.0.1', { signal: 1 }], TYPE], [[9, '127.0.0.1', 5], TYPE],
]) {
  rows.push([`socket.connect(${args.map(show).join(', ')})`, () => socket(v4()).connect(...args), expected]);
}

// The association calls.
for (const [label, call, expected] of [
  ['eof(0)', (s) => s.eof(0), RANGE], ["abort(1, 42)", (s) => s.abort(1, 42), TYPE],
  ['status(-1)', (s) => s.status(-1), RANGE], ['status(12345), no such association', (s) => s.status(12345),
    system('EINVAL', 'getsockopt SCTP_STATUS')],
  ['peerAddresses(null)', (s) => s.peerAddresses(null), TYPE], ['localAddresses(1.5)', (s) => s.localAddresses(1.5), RANGE],
  ['peeloff(12345), no such association', (s) => s.peeloff(12345), system('EINVAL', 'sctp_peeloff')],
  ["setPrimary(1, 'localhost')", (s) => s.setPrimary(1, 'localhost'), VALUE],
  ['streamStatus(1, -1)', (s) => s.streamStatus(1, -1), RANGE],
  ["streamStatus('1', 0)", (s) => s.streamStatus('1', 0), TYPE],
  ['streamStatus(12345, 0), no such association', (s) => s.streamStatus(12345, 0),
    system('EINVAL', 'getsockopt SCTP_PR_STREAM_STATUS')],
  ['resetStreams(1, 1)', (s) => s.resetStreams(1, 1), TYPE],
  ['resetStreams(1, [70000])', (s) => s.resetStreams(1, [70000]), RANGE],
  ['resetStreams(1, [1], {})', (s) => s.resetStreams(1, [1], {}), VALUE],
  ["resetStreams(1, [1], { incoming: 'yes' })", (s) => s.resetStreams(1, [1], { incoming: 'yes' }), TYPE],
  ['resetAssociation(0)', (s) => s.resetAssociation(0), RANGE],
  ['addStreams(1, {})', (s) => s.addStreams(1, {}), VALUE],
  ['addStreams(1, { out: -1 })', (s) => s.addStreams(1, { out: -1 }), RANGE],
  ['addStreams(1, 3)', (s) => s.addStreams(1, 3), TYPE],
  ["setAuthKey(70000, 'x')", (s) => s.setAuthKey(70000, 'x'), RANGE],
  ["setAuthKey(1, '')", (s) => s.setAuthKey(1, ''), VALUE],
  ['setAuthKey(1, 1)', (s) => s.setAuthKey(1, 1), TYPE],
  ['useAuthKey(1, 0)', (s) => s.useAuthKey(1, 0), RANGE],
  ["deleteAuthKey('1')", (s) => s.deleteAuthKey('1'), TYPE],
  ['resetAssociation(12345), no such association', (s) => s.resetAssociation(12345),
    system('EINVAL', 'setsockopt SCTP_RESET_ASSOC')],
  ['setPeerParams(0, {})', (s) => s.setPeerParams(0, {}), RANGE],
  ['setPeerParams(1)', (s) => s.setPeerParams(1), TYPE],
  ['setPeerParams(1, { pathMtu: 100 })', (s) => s.setPeerParams(1, { pathMtu: 100 }), RANGE],
  ["setPeerParams(1, { heartbeatNow: 'yes' })", (s) => s.setPeerParams(1, { heartbeatNow: 'yes' }), TYPE],
  ['setPeerParams(1, { mtu: 1000 })', (s) => s.setPeerParams(1, { mtu: 1000 }), VALUE],
  ["setPeerParams(1, { address: 'localhost' })", (s) => s.setPeerParams(1, { address: 'localhost' }), VALUE],
  ['setPeerParams(12345, { pathMtu: 1000 }), no such association', (s) => s.setPeerParams(12345, { pathMtu: 1000 }),
    system('EINVAL', 'setsockopt SCTP_PEER_ADDR_PARAMS')],
  ["addAddress('192.0.2.1'), not an address of this host", (s) => s.addAddress('192.0.2.1'),
    system('EADDRNOTAVAIL', 'sctp_bindx')],
]) {
  rows.push([`socket.${label}`, async () => call(await bound()), expected]);
}

// Calls after close(): ERR_SOCKET_CLOSED, never a use of a closed descriptor.
for (const [label, call] of [
  ['send', (s) => s.send('x', 9)], ['bind', (s) => s.bind()], ['address', (s) => s.address()],
  ['connect', (s) => s.connect(9, '127.0.0.1')], ['status', (s) => s.status(1)], ['eof', (s) => s.eof(1)],
  ['peeloff', (s) => s.peeloff(1)], ['associations', (s) => s.associations()],
  ['addAddress', (s) => s.addAddress('127.0.0.1')], ['setPrimary', (s) => s.setPrimary(1, '127.0.0.1')],
  ['peerAddresses', (s) => s.peerAddresses(1)], ['localAddresses', (s) => s.localAddresses()],
  ['setPeerParams', (s) => s.setPeerParams(1, {})], ['streamStatus', (s) => s.streamStatus(1, 0)],
  ['resetStreams', (s) => s.resetStreams(1, [])], ['addStreams', (s) => s.addStreams(1, { out: 1 })],
  ['setAuthKey', (s) => s.setAuthKey(1, 'x')],
]) {
  rows.push([`socket.${label}() after close()`, async () => call((await bound()).close()), CLOSED]);
}

// The one-to-one API: createServer(), listen(), connect(), and the socket's own calls.
const PORT = { name: 'RangeError', code: 'ERR_SOCKET_BAD_PORT' };
const coded = (name, code) => ({ name, code });
// The next 'error' of an emitter, as a rejection (a listen or connect fails asynchronously, as net's).
const failure = (emitter) => new Promise((resolve, reject) => {
  emitter.once('error', reject);
  emitter.once('close', () => resolve('closed without an error'));
});
const server = (options) => track(sctp.createServer(options));
const client = (options) => track(new sctp.StreamSocket(options));
for (const [label, call, expected] of [
  ['createServer(1)', () => server(1), TYPE],
  ["createServer({ nodelay: 'yes' })", () => server({ nodelay: 'yes' }), TYPE],
  ['createServer({ rtoInfo: { min: 10, max: 5 } })', () => server({ rtoInfo: { min: 10, max: 5 } }), VALUE],
  ['createServer({ bogus: 1 })', () => server({ bogus: 1 }), VALUE],
  ['createServer({ pauseOnConnect: 1 })', () => server({ pauseOnConnect: 1 }), TYPE],
  ['createServer({ autoClose: 5 }): one-to-many only', () => server({ autoClose: 5 }), VALUE],
  ['createServer({ maxSegment: 100 })', () => server({ maxSegment: 100 }), RANGE],
  ["createServer({}, 'listener')", () => track(sctp.createServer({}, 'listener')), TYPE],
  ['listen(-1)', () => server().listen(-1), PORT],
  ['listen(65536)', () => server().listen(65536), PORT],
  ["listen('http')", () => server().listen('http'), PORT],
  ['listen(1.5)', () => server().listen(1.5), PORT],
  ['listen(0, 5)', () => server().listen({ port: 0, host: 5 }), TYPE],
  ["listen(0, '127.0.0.1', -1), backlog", () => server().listen(0, '127.0.0.1', -1), RANGE],
  ['listen({ addresses: [] })', () => server().listen({ addresses: [] }), VALUE],
  ["listen({ addresses: ['localhost'] })", () => server().listen({ addresses: ['localhost'] }), VALUE],
  ["listen({ host: 'x', addresses: ['127.0.0.1'] })", () => server().listen({ host: 'x', addresses: ['127.0.0.1'] }), VALUE],
  ['listen({ bogus: 1 })', () => server().listen({ port: 0, bogus: 1 }), VALUE],
  ["listen({ ipv6Only: 'no' })", () => server().listen({ ipv6Only: 'no' }), TYPE],
  ['listen() twice', () => server().listen(0).listen(0), coded('Error', 'ERR_SERVER_ALREADY_LISTEN')],
  ["listen(0, '192.0.2.1'), not an address of this host", () => failure(server().listen(0, '192.0.2.1')),
    system('EADDRNOTAVAIL', 'listen')],
  ["getConnections('cb')", () => server().getConnections('cb'), TYPE],
  ["server.close('cb')", () => server().close('cb'), TYPE],
  ['connect()', () => track(sctp.connect()), coded('TypeError', 'ERR_MISSING_ARGS')],
  ['connect(0)', () => track(sctp.connect(0)), PORT],
  ['connect(-1)', () => track(sctp.connect(-1)), PORT],
  ["connect('x')", () => track(sctp.connect({ port: 'x' })), PORT],
  ['connect({ port: 9, host: 5 })', () => track(sctp.connect({ port: 9, host: 5 })), TYPE],
  ['connect({ port: 9, addresses: [] })', () => track(sctp.connect({ port: 9, addresses: [] })), VALUE],
  ["connect({ port: 9, addresses: ['localhost'] })", () => track(sctp.connect({ port: 9, addresses: ['localhost'] })), VALUE],
  ["connect({ port: 9, host, addresses })", () => track(sctp.connect({ port: 9, host: '::1', addresses: ['::1'] })), VALUE],
  ["connect({ port: 9, localAddress: 'here' })", () => track(sctp.connect({ port: 9, localAddress: 'here' })), VALUE],
  ['connect({ port: 9, localPort: 70000 })', () => track(sctp.connect({ port: 9, localPort: 70000 })), PORT],
  ['connect({ port: 9, family: 5 })', () => track(sctp.connect({ port: 9, family: 5 })), VALUE],
  ['connect({ port: 9, timeout: -1 })', () => track(sctp.connect({ port: 9, timeout: -1 })), RANGE],
  ['connect({ port: 9, signal: {} })', () => track(sctp.connect({ port: 9, signal: {} })), TYPE],
  ['connect({ port: 9, lookup: 5 })', () => track(sctp.connect({ port: 9, lookup: 5 })), TYPE],
  ["connect({ port: 9, path: '/tmp/s' })", () => track(sctp.connect({ port: 9, path: '/tmp/s' })), VALUE],
  ['connect({ port: 9, nodelay: 1 })', () => track(sctp.connect({ port: 9, nodelay: 1 })), TYPE],
  ['connect({ port: 9, defaults: { stream: -1 } })', () => track(sctp.connect({ port: 9, defaults: { stream: -1 } })), RANGE],
  ["connect({ port: 9, defaults: { assocId: 1 } })", () => track(sctp.connect({ port: 9, defaults: { assocId: 1 } })), VALUE],
  ['connect({ port: 9, bogus: 1 })', () => track(sctp.connect({ port: 9, bogus: 1 })), VALUE],
  ["connect(9, '127.0.0.1') twice", () => client().connect(9, '127.0.0.1').connect(9, '127.0.0.1'),
    coded('Error', 'ERR_SOCKET_CONNECTING')],
  ["connect({ localAddress: '192.0.2.1' }), not an address of this host",
    () => failure(client().connect({ port: 9, host: '127.0.0.1', localAddress: '192.0.2.1' })), system('EADDRNOTAVAIL', 'bind')],
  ['new StreamSocket(5)', () => client(5), TYPE],
  ["stream.send('')", () => client().send(''), VALUE],
  ['stream.send(5)', () => client().send(5), TYPE],
  ["stream.send('x', { stream: 70000 })", () => client().send('x', { stream: 70000 }), RANGE],
  ["stream.send('x', { assocId: 1 })", () => client().send('x', { assocId: 1 }), VALUE],
  ["stream.send('x', {}, 'cb')", () => client().send('x', {}, 'cb'), TYPE],
  ['stream.setTimeout(-1)', () => client().setTimeout(-1), RANGE],
  ["stream.setTimeout('1')", () => client().setTimeout('1'), TYPE],
  ["stream.setTimeout(1, 'cb')", () => client().setTimeout(1, 'cb'), TYPE],
  ['stream.setKeepAlive(true, -1)', () => client().setKeepAlive(true, -1), RANGE],
  ['stream.status() before connect', () => client().status(), coded('Error', 'ERR_SOCKET_NOT_CONNECTED')],
  ['stream.peerAddresses() after destroy()', () => client().destroy().peerAddresses(), CLOSED],
  ["stream.setPrimary('here')", () => client().setPrimary('here'), VALUE],
  ["stream.send('x', { rtx: 1, ttl: 1 })", () => client().send('x', { rtx: 1, ttl: 1 }), VALUE],
  ['stream.resetStreams([]) before connect', () => client().resetStreams([]), coded('Error', 'ERR_SOCKET_NOT_CONNECTED')],
  ["stream.setAuthKey(1, 'x') before connect", () => client().setAuthKey(1, 'x'), coded('Error', 'ERR_SOCKET_NOT_CONNECTED')],
  ['stream.streamStatus(70000)', () => client().streamStatus(70000), RANGE],
  ['stream.setPeerParams({ pathMtu: 1 })', () => client().setPeerParams({ pathMtu: 1 }), RANGE],
  ['stream.setPeerParams({}) before connect', () => client().setPeerParams({}), coded('Error', 'ERR_SOCKET_NOT_CONNECTED')],
  ["stream.write('x') after destroy()", () => new Promise((resolve, reject) => {
    const s = client();
    s.on('error', () => {}); // the callback is where this error is asserted
    s.destroy();
    s.write('x', (err) => (err ? reject(err) : resolve()));
  }), coded('Error', 'ERR_STREAM_DESTROYED')],
]) {
  rows.push([label, call, expected]);
}

describe('bad-input catalogue', () => {
  it(`has at least 40 rows (${rows.length})`, () => assert.ok(rows.length >= 40));

  for (const [label, call, expected] of rows) {
    it(`${label} → ${expected.code}`, async () => {
      let result;
      try {
        result = call();
      } catch (err) {
        assert.throws(() => { throw err; }, expected);
        return;
      }
      assert.ok(result instanceof Promise, `${label} returned ${show(result)} instead of throwing`);
      await assert.rejects(result, expected);
    });
  }

  it('re-entrant close: close() inside close() listeners and callbacks is a no-op', async () => {
    const s = socket(v4());
    let closes = 0;
    s.on('close', () => { closes++; s.close(); s.close(() => closes++); });
    s.close(() => s.close());
    s.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.strictEqual(closes, 2); // one 'close' event, one callback given after it was closed
    const handle = open('127.0.0.1', port(), 64, fn);
    handle.close();
    assert.strictEqual(handle.close(), undefined);
  });
});

function show(v) {
  if (typeof v === 'function') return 'fn';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  if (Buffer.isBuffer(v)) return `Buffer(${v.length})`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.byteLength})`;
  if (v instanceof ArrayBuffer) return 'ArrayBuffer';
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
