'use strict';
// sctp-napi listen: a server that prints every message (peer, association, stream, PPID and its
// name, flags, size, data) and every association event; --echo answers each on its stream and PPID.
// A reader of stdout slower than the peers holds the reading back (the kernel's window then holds
// the peers back), not this process's memory.
const { EXIT, UsageError, int, port, typeOf, interrupted, resolveHost, hostPort } = require('./common');

// The events a socket reports of its associations, printed as they come.
const EVENTS = ['association', 'peeraddrchange', 'shutdown', 'remoteerror', 'sendfailed', 'oversize',
  'streamreset', 'assocreset', 'streamchange', 'authentication'];

const options = {
  port: { type: 'string', short: 'p', value: 'PORT', help: 'port to listen on; 0 picks one, which the first line gives', default: 0 },
  host: { type: 'string', short: 'H', value: 'ADDRESS', multiple: true, help: 'local address or name (several: a multi-homed endpoint)', default: '0.0.0.0' },
  'one-to-one': { type: 'boolean', help: 'a one-to-one (SOCK_STREAM) server, a socket per association, instead of one one-to-many socket' },
  echo: { type: 'boolean', short: 'e', help: 'send each message back, on its stream with its PPID and ordering' },
  'max-size': { type: 'string', value: 'BYTES', help: 'the largest message taken; longer ones are reported as oversize', default: 262144 },
  streams: { type: 'string', value: 'N', help: 'outbound streams offered to each peer, and inbound streams allowed', default: 10 },
  count: { type: 'string', short: 'c', value: 'N', help: 'exit after N messages (0: run until interrupted)', default: 0 },
  hex: { type: 'boolean', help: 'print data as hex even when it is text' },
};

async function run(values, positionals, out) {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const config = {
    port: port(values.port, '--port', true),
    maxMessageSize: int(values['max-size'], '--max-size', 1, 256 * 1024 * 1024),
    streams: int(values.streams, '--streams', 1, 65535),
    count: int(values.count, '--count'),
  };
  const hosts = [];
  for (const h of [].concat(values.host)) hosts.push(...await resolveHost(h, '--host'));
  const type = typeOf(hosts[0]);
  if (hosts.some((h) => typeOf(h) !== type)) throw new UsageError('--host: give addresses of one family');
  const sctp = require('../index');
  const signal = interrupted();
  let received = 0;
  let done;
  const finished = new Promise((resolve) => { done = resolve; });
  signal.addEventListener('abort', () => done(EXIT.ok), { once: true });

  // Each message: printed, echoed, counted.
  const onMessage = (msg, rinfo, reply) => {
    out.message(msg, rinfo, values.hex);
    if (values.echo) reply(msg, { stream: rinfo.stream, ppid: rinfo.ppid, unordered: rinfo.unordered });
    if (config.count && ++received >= config.count) done(EXIT.ok);
  };
  const report = (emitter, extra = {}) => {
    for (const event of EVENTS) emitter.on(event, (payload) => out.event(event, { ...extra, ...payload }));
  };
  const socketOptions = {
    maxMessageSize: config.maxMessageSize, initMsg: { outStreams: config.streams, maxInStreams: config.streams },
  };
  const failed = (err) => out.event('error', { code: err.code, message: err.message });
  const where = hosts.length > 1 ? { port: config.port, addresses: hosts } : { port: config.port };

  let server;
  const accepted = new Set();
  if (values['one-to-one']) {
    server = sctp.createServer(socketOptions, (socket) => {
      const peer = { address: socket.remoteAddress, port: socket.remotePort };
      accepted.add(socket);
      out.event('connection', peer);
      report(socket, peer);
      socket.on('error', failed); // a peer's doing on this association: reported, the server goes on
      socket.on('message', (msg, rinfo) => {
        onMessage(msg, rinfo, (m, o) => socket.send(m, o));
        if (out.full) { // stdout is behind: stop taking messages until it has caught up
          socket.pause();
          out.room().then(() => socket.resume());
        }
      });
      socket.on('end', () => socket.end());
      socket.on('close', () => {
        accepted.delete(socket);
        out.event('close', peer);
      });
    });
    server.listen(hosts.length > 1 ? where : { ...where, host: hosts[0] });
  } else {
    server = sctp.createSocket({ type, ...socketOptions, defaults: { unordered: false, ttl: 0 } });
    report(server);
    server.bind(hosts.length > 1 ? where : { ...where, address: hosts[0] });
  }
  try {
    await new Promise((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    server.on('error', failed);
    const { port: bound } = server.address();
    const style = values['one-to-one'] ? 'one-to-one' : 'one-to-many';
    out.write({ type: 'listening', addresses: hosts, port: bound, style },
      `listening on ${hosts.map((h) => hostPort(h, bound)).join(', ')} (${style})`);
    if (!values['one-to-one']) {
      // The async iterator reads at most 16 messages ahead of this loop, which waits for stdout.
      (async () => {
        for await (const { msg, rinfo } of server) {
          // An echo to a peer that has gone fails in its callback: the association's event says why.
          onMessage(msg, rinfo, (m, o) => server.send(m, { assocId: rinfo.assocId, ...o }, () => {}));
          await out.room();
        }
      })().catch(failed);
    }
    return await finished;
  } finally {
    signal.release();
    for (const socket of accepted) socket.destroy(); // a one-to-one server's close() waits for them
    server.close();
  }
}

module.exports = {
  summary: 'print each message and association event a server gets (--echo: answer them)',
  usage: '[--port PORT] [--host ADDRESS ...] [--one-to-one] [--echo] [--max-size BYTES]',
  options,
  run,
};
