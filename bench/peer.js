'use strict';
// One end of a `npm run bench` measurement, in Node, over one of the APIs:
//   node peer.js API recv PORT COUNT WARM [SAMPLES [SIZE]] -> {"received","seconds","rss":[...],"cpu"}
//   node peer.js API send PORT SIZE COUNT -> {"sent","cpu"} as it exits (or is ended with SIGTERM)
// cpu: { user, system }, this process's CPU time in µs (process.cpuUsage(); raw C: getrusage())
// over what was timed (recv: from message WARM; send: the whole run).
//   node peer.js API pong PORT
//   node peer.js API ping PORT SIZE COUNT WARM      -> {"rtts":[microseconds...]}
// API: open (the original's call), socket (createSocket), dgram (Node's UDP, for comparison),
// stream (connect()/createServer(), one-to-one: recv and pong listen, send and ping connect) and
// tcp (Node's net over TCP, for comparison: a byte stream, so recv counts bytes / SIZE as messages
// and ping waits for SIZE bytes per pong; setNoDelay(true) on both ends, as our sockets' nodelay).
// recv times from message WARM to COUNT; with dgram, which drops, it also stops after 2 s of quiet.
// Environment: BENCH_NODELAY=0 gives createSocket() nodelay: false (the kernel bundles small
// messages); BENCH_BATCH=K (> 1) makes the socket and stream senders cork(), send K, uncork().
const dgram = require('dgram');
const net = require('net');
const sctp = require('..');

const [api, role, ...rest] = process.argv.slice(2);
const args = rest.map(Number);
const HOST = '127.0.0.1';
const MAX = 1 << 20;
const CONNECTED = api === 'stream' || api === 'tcp';
const NODELAY = process.env.BENCH_NODELAY !== '0';
const BATCH = Number(process.env.BENCH_BATCH) || 1;

// An endpoint with one shape for every message API: onMessage(fn(msg, address, port)), send(buf, port,
// address) -> true | false (false: full, try again after ready(callback)); createSocket()'s also
// cork() and uncork().
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
    const s = sctp.createSocket({ type: 'sctp4', maxMessageSize: MAX, nodelay: NODELAY });
    s.on('message', (msg, rinfo) => onMessage(msg, rinfo.address, rinfo.port));
    s.bind(port, HOST);
    return {
      send: (buf, to, address) => s.send(buf, to, address),
      ready: (callback) => s.once('drain', callback),
      cork: () => s.cork(),
      uncork: () => s.uncork(),
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

// The connection APIs (stream, tcp), as a user of net would write them. A failure ends the process
// (recv and ping then print no result, which run.js reports).
const failed = (err) => {
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return; // the other end finished first and exited
  console.error(`bench peer ${api} ${role}:`, err);
  process.exit(1);
};

// listen(port, onSocket(socket)): a server; prints "ready" once it listens.
function listen(port, onSocket) {
  const server = api === 'tcp' ? net.createServer() : sctp.createServer({ maxMessageSize: MAX });
  server.on('connection', (socket) => {
    socket.on('error', failed);
    if (api === 'tcp') socket.setNoDelay(true); // our sockets default to nodelay: true (SCTP_NODELAY)
    onSocket(socket);
  });
  server.on('error', failed);
  server.listen(port, HOST, () => print('ready'));
}

// dial(port, onConnect(socket)) -> socket
function dial(port, onConnect) {
  const socket = api === 'tcp'
    ? net.connect({ port, host: HOST }) : sctp.connect({ port, host: HOST, maxMessageSize: MAX });
  socket.on('error', failed);
  socket.on('connect', () => {
    if (api === 'tcp') socket.setNoDelay(true);
    onConnect(socket);
  });
  return socket;
}

// onMessages(socket, size, fn(n)): fn(how many whole messages of `size` bytes just arrived). A
// stream 'data' chunk is one message (its length is checked); TCP's chunks are bytes, counted.
function onMessages(socket, size, fn) {
  if (api === 'stream') {
    socket.on('data', (msg) => {
      if (size && msg.length !== size) failed(new Error(`a message of ${msg.length} bytes, not ${size}`));
      fn(1);
    });
    return;
  }
  let bytes = 0;
  socket.on('data', (chunk) => {
    bytes += chunk.length;
    const n = Math.floor(bytes / size);
    bytes -= n * size;
    if (n) fn(n);
  });
}

// Sends count messages: send() -> false when full, then ready(callback) waits for room (a false from
// open() took nothing: that message is tried again; from the others it was queued). With BATCH > 1,
// cork() before each BATCH messages and uncork() after them. done() after the last.
function pump(count, { send, ready, cork, uncork }, done) {
  let sent = 0;
  const next = () => {
    while (sent < count) {
      if (BATCH > 1) cork();
      let room = true;
      for (const end = Math.min(count, sent + BATCH); room && sent < end;) {
        room = send();
        if (room || api !== 'open') sent++;
      }
      if (BATCH > 1) uncork();
      if (!room) return ready(next);
    }
    return done();
  };
  next();
}

const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

// A sender's CPU, printed as it exits: by itself, or when run.js ends it (SIGTERM) once the receiver
// has everything, so what waited in the socket's own queue after the last send() is counted too.
function reportCpuAtExit(count, cpu) {
  process.on('exit', () => print({ sent: count, cpu: process.cpuUsage(cpu) })); // (a pipe: written at once)
  process.on('SIGTERM', () => process.exit(0));
}
const now = () => Number(process.hrtime.bigint()) / 1e9;

if (role === 'recv') {
  const [port, count, warm, samples = 0, size = 0] = args;
  let got = 0;
  let start = 0;
  let last = 0;
  const rss = [];
  const every = samples ? Math.floor((count - warm) / samples) : 0;
  let quiet = null;
  let cpu = process.cpuUsage(); // from message WARM on (this process's user and system µs)
  const finish = () => {
    print({ received: got - warm, seconds: last - start, rss, cpu: process.cpuUsage(cpu) });
    process.exit(0);
  };
  // n messages arrived (TCP: n may be more than one, and pass WARM or a sample point at once)
  const arrived = (n) => {
    const before = got;
    got = Math.min(count, got + n);
    last = now();
    if (before < warm && got >= warm) {
      start = last;
      cpu = process.cpuUsage();
      if (every) rss.push(process.memoryUsage.rss());
    } else if (every && before >= warm && Math.floor((got - warm) / every) > Math.floor((before - warm) / every)) {
      rss.push(process.memoryUsage.rss());
    }
    if (got === count) finish();
    if (api === 'dgram') {
      clearTimeout(quiet);
      quiet = setTimeout(finish, 2000);
    }
  };
  if (CONNECTED) {
    if (api === 'tcp' && !size) throw new Error('tcp recv needs SIZE (to count bytes as messages)');
    listen(port, (socket) => onMessages(socket, size, arrived));
  } else {
    endpoint(port, () => arrived(1));
    setTimeout(() => print('ready'), 0);
  }
} else if (role === 'send' && CONNECTED) {
  // write() until it returns false, then wait for 'drain'; end() after the last message.
  const [port, size, count] = args;
  const buf = Buffer.alloc(size, 'x');
  const cpu = process.cpuUsage();
  const socket = dial(port, () => pump(count, {
    send: () => socket.write(buf),
    ready: (callback) => socket.once('drain', callback),
    cork: () => socket.cork(),
    uncork: () => socket.uncork(),
  }, () => socket.end()));
  reportCpuAtExit(count, cpu);
  socket.on('close', () => process.exit(0));
} else if (role === 'send') {
  const [port, size, count] = args;
  const buf = Buffer.alloc(size, 'x');
  const cpu = process.cpuUsage();
  const ep = endpoint(0, () => {});
  pump(count, { ...ep, send: () => ep.send(buf, port, HOST) },
    () => setTimeout(() => process.exit(0), 1000)); // let the last messages leave
  reportCpuAtExit(count, cpu);
} else if (role === 'pong') {
  const [port] = args;
  if (CONNECTED) {
    listen(port, (socket) => socket.on('data', (data) => socket.write(data))); // TCP: echoes the bytes as they come
  } else {
    const ep = endpoint(port, (msg, address, from) => ep.send(msg, from, address));
    setTimeout(() => print('ready'), 0);
  }
} else if (role === 'ping') {
  const [port, size, count, warm] = args;
  const buf = Buffer.alloc(size, 'x');
  const rtts = [];
  let t = 0;
  let i = 0;
  let send;
  const pong = () => {
    if (i++ >= warm) rtts.push(Math.round((now() - t) * 1e7) / 10);
    if (i === count + warm) {
      print({ rtts });
      process.exit(0);
    }
    t = now();
    send();
  };
  if (CONNECTED) {
    // one pong = one whole message (stream) or exactly `size` bytes (TCP)
    const socket = dial(port, () => {
      onMessages(socket, size, (n) => {
        for (let k = 0; k < n; k++) pong();
      });
      t = now();
      send();
    });
    send = () => socket.write(buf);
  } else {
    const ep = endpoint(0, pong);
    send = () => ep.send(buf, port, HOST);
    t = now();
    send();
  }
}
