'use strict';
// One end of a `npm run bench` measurement, in Node, over one of the APIs:
//   node peer.js API recv PORT COUNT WARM [SAMPLES] -> {"received","seconds","rss":[...]}
//   node peer.js API send PORT SIZE COUNT
//   node peer.js API pong PORT
//   node peer.js API ping PORT SIZE COUNT WARM      -> {"rtts":[microseconds...]}
// API: open (the original's call), socket (createSocket), dgram (Node's UDP, for comparison).
// recv times from message WARM to COUNT; with dgram, which drops, it also stops after 2 s of quiet.
const dgram = require('dgram');
const sctp = require('..');

const [api, role, ...rest] = process.argv.slice(2);
const args = rest.map(Number);
const HOST = '127.0.0.1';
const MAX = 1 << 20;

// An endpoint with one shape for every API: onMessage(fn(msg, address, port)), send(buf, port,
// address) -> true | false (false: full, try again after ready(callback)).
function endpoint(port, onMessage) {
  if (api === 'open') {
    const handle = sctp.open(HOST, port, MAX, (r) => {
      if (Array.isArray(r)) onMessage(r[0], r[1], r[2]);
    });
    return {
      send(buf, to, address) {
        try {
          handle.send(buf, address, to);
          return true;
        } catch (err) {
          if (err.code !== 'EAGAIN') throw err;
          return false;
        }
      },
      ready: (callback) => setTimeout(callback, 1), // open() has no writable event
      close: () => handle.close(),
    };
  }
  if (api === 'socket') {
    const s = sctp.createSocket({ type: 'sctp4', maxMessageSize: MAX });
    s.on('message', (msg, rinfo) => onMessage(msg, rinfo.address, rinfo.port));
    s.bind(port, HOST);
    return {
      send: (buf, to, address) => s.send(buf, to, address),
      ready: (callback) => s.once('drain', callback),
      close: () => s.close(),
    };
  }
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  s.on('message', (msg, rinfo) => onMessage(msg, rinfo.address, rinfo.port));
  s.bind(port, HOST);
  let pending = 0;
  return {
    send(buf, to, address) {
      pending++;
      s.send(buf, to, address, () => pending--);
      return pending < 64;
    },
    ready: (callback) => setImmediate(callback),
    close: () => s.close(),
  };
}

const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const now = () => Number(process.hrtime.bigint()) / 1e9;

if (role === 'recv') {
  const [port, count, warm, samples = 0] = args;
  let got = 0;
  let start = 0;
  let last = 0;
  const rss = [];
  const every = samples ? Math.floor((count - warm) / samples) : 0;
  let quiet = null;
  const finish = () => {
    print({ received: got - warm, seconds: last - start, rss });
    process.exit(0);
  };
  endpoint(port, () => {
    got++;
    last = now();
    if (got === warm) {
      start = last;
      if (every) rss.push(process.memoryUsage.rss());
    } else if (every && got > warm && (got - warm) % every === 0) {
      rss.push(process.memoryUsage.rss());
    }
    if (got === count) finish();
    if (api === 'dgram') {
      clearTimeout(quiet);
      quiet = setTimeout(finish, 2000);
    }
  });
  setTimeout(() => print('ready'), 0);
} else if (role === 'send') {
  const [port, size, count] = args;
  const buf = Buffer.alloc(size, 'x');
  const ep = endpoint(0, () => {});
  let sent = 0;
  const pump = () => {
    while (sent < count) {
      if (!ep.send(buf, port, HOST)) {
        if (api !== 'open') sent++; // queued: it goes when the socket drains
        return ep.ready(pump);
      }
      sent++;
    }
    setTimeout(() => process.exit(0), 1000); // let the last messages leave
  };
  pump();
} else if (role === 'pong') {
  const [port] = args;
  const ep = endpoint(port, (msg, address, from) => ep.send(msg, from, address));
  setTimeout(() => print('ready'), 0);
} else if (role === 'ping') {
  const [port, size, count, warm] = args;
  const buf = Buffer.alloc(size, 'x');
  const rtts = [];
  let t = 0;
  let i = 0;
  const ep = endpoint(0, () => {
    if (i++ >= warm) rtts.push(Math.round((now() - t) * 1e7) / 10);
    if (i === count + warm) {
      print({ rtts });
      process.exit(0);
    }
    t = now();
    ep.send(buf, port, HOST);
  });
  t = now();
  ep.send(buf, port, HOST);
}
