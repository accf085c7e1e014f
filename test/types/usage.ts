// Type test: `npm test` compiles this with tsc against index.d.ts (it is never run).
import sctp = require('../..');
import {
  createSocket, open, Socket, RemoteInfo, SocketOptions, StreamSocket, Server, createServer, connect, createConnection,
} from '../..';

const handle = open('127.0.0.1', 5000, 1024, function (result) {
  if (typeof result === 'string') return;
  const [data, host, port]: [Buffer, string, number] = result;
  const sent: number = this.send(data, host, port);
  void sent;
});
handle.close();
// @ts-expect-error: the port is a number
open('127.0.0.1', '5000', 1024, () => {});
const bound: { address: string; family: 'IPv4' | 'IPv6'; port: number } = handle.address();
handle.unref().ref();
void bound;
// @ts-expect-error: send takes bytes, not a string
handle.send('text', '127.0.0.1', 5000);

const options: SocketOptions = {
  type: 'sctp6',
  ipv6Only: false,
  rtoInfo: { initial: 250 },
  initMsg: { outStreams: 10, maxInStreams: 10 },
  maxMessageSize: 1 << 20,
  sendHighWaterMark: 1 << 16,
  defaults: { stream: 1, ppid: 46, unordered: false, ttl: 0 },
  signal: new AbortController().signal,
};
const sock: Socket = createSocket(options);
sock.bind(0, '::', () => {
  const { address, family, port } = sock.address();
  const f: 'IPv4' | 'IPv6' = family;
  void [address, f, port];
});
sock.bind({ port: 0 });
sock.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
  const n: number = rinfo.ppid + rinfo.stream + rinfo.assocId + rinfo.tsn + rinfo.ssn;
  const u: boolean = rinfo.unordered;
  void [msg, n, u];
});
sock.on('error', (err) => void err.code);
const ok: boolean = sock.send(['a', Buffer.from('b')], 5000, '::1', { ppid: 1 }, (err, bytes) => {
  void [err, bytes];
});
sock.send('x', 5000, (err) => {
  // A stream beyond what the peer accepts: EINVAL with the stream and the association's count.
  if (err && err.outStreams !== undefined) void [err.code, err.errno, err.stream, err.outStreams];
});
sock.on('error', (err) => void [err.stream, err.outStreams, err.syscall]);
sock.send(new Uint8Array(2), 5000, { stream: 2 });
// @ts-expect-error: no such send option
sock.send('x', 5000, '::1', { priority: 1 });
// @ts-expect-error: type is required
createSocket({});
sctp.createSocket('sctp4').ref().unref().close();

// Associations and multi-homing.
const multi = createSocket({ type: 'sctp4', heartbeatInterval: 1000, pathMaxRetrans: 3 });
multi.bind({ port: 0, addresses: ['127.0.0.1', '127.0.0.2'] });
multi.on('association', (a) => {
  const state: 'up' | 'lost' | 'restart' | 'shutdown' | 'cant-start' = a.state;
  void state;
});
multi.on('peeraddrchange', (p) => void p.state);
multi.on('sendfailed', (f) => void (f.data.length + f.size + (f.truncated ? 1 : 0)));
multi.on('oversize', ({ size, limit, address, port, assocId }) => void [size + limit + port + assocId, address]);
multi.on('association', ({ error, reason }) => void `${error} ${reason}`);
multi.on('remoteerror', ({ cause, reason }) => void `${cause} ${reason}`);
const tuned = createSocket({
  type: 'sctp4', delayedSack: { delay: 100, frequency: 1 }, maxSegment: 1200, pathMtu: 1400, autoClose: 30, adaptationLayer: 7, interleave: true, scheduler: 'rr', udpEncapsPort: 9899,
});
tuned.on('association', ({ adaptation }) => void (adaptation ?? 0));
createSocket({ type: 'sctp6', auth: { chunks: ['data', 'sack', 130], key: 'secret' } });
createSocket({ type: 'sctp4', auth: false });
// @ts-expect-error: a chunk name that is not one
createSocket({ type: 'sctp4', auth: { chunks: ['init'] } });
multi.on('abandoned', ({ assocId, count }) => void (assocId + count));
async function associate(): Promise<void> {
  const { assocId } = await multi.connect(3868, ['127.0.0.1', '127.0.0.2'], { timeout: 5000 });
  const st = multi.status(assocId);
  const srtt: number = st.primary.srtt;
  const rtxSent: number = multi.streamStatus(assocId, 1).abandoned.rtx.sent + (st.abandoned?.prio.unsent ?? 0);
  multi.send('once', { assocId, rtx: 0 }).valueOf();
  multi.send('urgent', { assocId, prio: 0 });
  void [rtxSent, srtt, st.abandoned?.sent, multi.peerAddresses(assocId)[0].address, multi.associations()[0].addresses];
  const primary: boolean = multi.paths(assocId).filter((p) => p.primary && p.state === 'active')[0].primary;
  const stats = multi.stats(assocId);
  void [primary, multi.paths(assocId)[0].rto, stats?.orderedChunksSent, stats?.maxRtoAddress.address];
  // @ts-expect-error: stats() is null where the kernel lacks it
  void multi.stats(assocId).packetsSent;
  multi.send('on the association', { assocId, ppid: 46 }, (err) => void err);
  multi.setPrimary(assocId, '127.0.0.2').addAddress('127.0.0.3').removeAddress('127.0.0.3');
  multi.setPeerParams(assocId, { address: '127.0.0.2', pathMtu: 1280, heartbeatNow: true }).setPeerParams(assocId, { heartbeatInterval: 0, udpEncapsPort: 0 }).setStreamPriority(assocId, 1, 2);
  multi.resetStreams(assocId, [1, 2], { outgoing: true }).resetAssociation(assocId).addStreams(assocId, { out: 2 });
  multi.on('streamreset', ({ streams, incoming, denied }) => void [streams[0], incoming, denied]);
  multi.setAuthKey(2, 'next', assocId).useAuthKey(2).deleteAuthKey(1, assocId).setAuthKey(3, Buffer.from('x'));
  multi.on('authentication', ({ keyNumber, indication }) => void [keyNumber, indication === 'no-auth']);
  multi.on('streamchange', ({ inStreams, outStreams }) => void (inStreams + outStreams));
  multi.on('assocreset', ({ localTsn, failed }) => void [localTsn, failed]);
  // @ts-expect-error: no such path parameter
  multi.setPeerParams(assocId, { mtu: 1 });
  const branch: StreamSocket = multi.peeloff(assocId);
  branch.send('one-to-one');
  branch.on('error', (err) => void `${err.code} ${err.reason ?? ''}`);
  multi.eof(assocId).abort(assocId, 'reason');
  // @ts-expect-error: connect needs an address
  await multi.connect(3868);
}
void associate;

async function iterate(s: Socket): Promise<number> {
  let total = 0;
  for await (const { msg, rinfo } of s) total += msg.length + rinfo.size;
  s.cork();
  s.uncork();
  await s[Symbol.asyncDispose]();
  return total + s.getSendQueueSize() + s.getSendQueueCount() + (ok ? 1 : 0);
}
void iterate;

// The one-to-one socket, as net's.
const server: Server = createServer({ defaults: { ppid: 46 }, pauseOnConnect: false }, (socket: StreamSocket) => {
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('message', (msg, rinfo) => void (msg.length + rinfo.stream));
  socket.on('close', (hadError: boolean) => void hadError);
});
server.listen({ port: 3868, addresses: ['127.0.0.1', '127.0.0.2'], backlog: 16 }, () => {
  const at = server.address();
  void (at && at.port);
});
server.listen(3868, '127.0.0.1', 511, () => {});
// Every core: reusePort on servers and one-to-many sockets, not on connect().
createServer({ reusePort: true }).listen({ port: 3868, reusePort: true });
createSocket({ type: 'sctp4', reusePort: true }).bind(3868);
// @ts-expect-error: a client has no port to share
connect({ port: 3868, reusePort: true });
server.maxConnections = 10;
server.getConnections((err, count: number) => void [err, count]);
server.on('error', (err) => void `${err.code} ${err.syscall}`);
server.on('error', (err) => void (err.code === 'ERR_SCTP_AUTH_KEY_SPENT' && err.errno === undefined));
const client: StreamSocket = connect({ port: 3868, host: 'localhost', localPort: 0, timeout: 1000, nodelay: true }, () => {
  client.write('hello');
  const queued: boolean = client.send(Buffer.from('tagged'), { stream: 1, ppid: 46 }, (err) => void err?.outStreams);
  void queued;
  client.setNoDelay().setKeepAlive(true, 1000).setTimeout(5000, () => client.end());
  const st = client.status();
  void [st.state, client.remoteAddress, client.remotePort, client.bytesRead, client.readyState, client.assocId];
  client.setPrimary('127.0.0.2');
  client.setPeerParams({ pathMtu: 1280 }).setStreamPriority(1, 2);
  client.send('x', { rtx: 2 });
  client.resetStreams([0]).addStreams({ in: 1 }).resetAssociation();
  client.on('streamreset', ({ streams }) => void streams.length);
  client.setAuthKey(2, new Uint8Array(4)).useAuthKey(2).deleteAuthKey(1);
  client.on('authentication', ({ assocId, indication }) => void [assocId, indication]);
  void client.streamStatus(0).abandoned.ttl.sent;
  void [client.peerAddresses(), client.localAddresses()];
  void [client.paths()[0].mtu, client.stats()?.maxRto];
});
client.on('error', (err) => void err.errno);
// @ts-expect-error: a one-to-one socket's send names no association
client.send('x', { assocId: 1 });
createConnection(3868, '::1').destroy();
void new StreamSocket().connect({ port: 1, addresses: ['127.0.0.1'] });
void connect({ port: 1, maxSegment: 1200, adaptationLayer: 1, delayedSack: { frequency: 1 }, auth: { key: Buffer.from('k') } });
// @ts-expect-error: autoClose is for one-to-many sockets
void connect({ port: 1, autoClose: 5 });
void server.close((err) => void err);

// diagnostics_channel: the channel names, and a message's type by name.
import diagnostics_channel = require('diagnostics_channel');
const upName: 'sctp-napi.association.up' = sctp.channels.associationUp;
diagnostics_channel.subscribe(upName, (message) => {
  const up = message as sctp.DiagnosticsMessages[typeof upName];
  const where: string = `${up.address}:${up.port} ${up.assocId}`;
  void where;
});
// @ts-expect-error: the names are read-only
sctp.channels.socketCreated = 'x';
