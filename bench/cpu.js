'use strict';
// CPU per message of one API, beside wall time: far steadier than messages/s on a noisy host.
//   node bench/cpu.js CHECKOUT PORT COUNT [API [ROLE]]
// API: socket (createSocket(), the default) or open; ROLE: send (the default: COUNT 64-byte
// messages to 127.0.0.1:PORT, where a raw C receiver waits: build/bench-raw recv) or recv (bound to
// PORT, it receives COUNT messages from a raw C sender: build/bench-raw send). With CHECKOUT's lib/
// and addon; prints user and system µs per message (process.cpuUsage() around the loop, from the
// first message on when receiving; and then perWakeup: the messages each loop wakeup delivered, on
// average). bench/cpu.sh runs it interleaved for several checkouts.
// DIAG=1 subscribes to every diagnostics channel the checkout has first (none before they were added).
const path = require('path');
const [checkout, port, count] = [path.resolve(process.argv[2]), Number(process.argv[3]), Number(process.argv[4])];
const [api = 'socket', role = 'send'] = process.argv.slice(5);
const sctp = require(checkout);
const msg = Buffer.alloc(64, 1);
const diag = process.env.DIAG === '1';
let published = 0;
if (diag) {
  const dc = require('diagnostics_channel');
  for (const name of Object.values(sctp.channels || {})) dc.subscribe(name, () => { published++; });
}

let c0;
let t0;
function done() {
  const cpu = process.cpuUsage(c0);
  const per = (us) => Number((us / count).toFixed(2));
  console.log(JSON.stringify({ checkout: path.basename(checkout), api, role, diag, published, userUs: per(cpu.user),
    systemUs: per(cpu.system), wallUs: per(Number(process.hrtime.bigint() - t0) / 1e3),
    ...(role === 'recv' ? { perWakeup: Number((count / Math.max(1, ticks + (counting ? 1 : 0))).toFixed(1)) } : {}) }));
}
const start = () => { t0 = process.hrtime.bigint(); c0 = process.cpuUsage(); };

// Receiving: how many messages each wakeup of the loop delivered (counted between two check
// phases: setImmediate runs once after each poll phase that delivered something).
let ticks = 0;
let counting = false;
const tick = () => {
  if (counting) return;
  counting = true;
  setImmediate(() => { ticks++; counting = false; });
};

if (role === 'recv') {
  let received = 0;
  const got = () => {
    if (received++ === 0) start();
    tick();
    return received === count;
  };
  if (api === 'open') {
    const handle = sctp.open('127.0.0.1', port, 1 << 16, (r) => {
      if (Array.isArray(r) && got()) { done(); handle.close(); }
    });
  } else {
    const s = sctp.createSocket({ type: 'sctp4', recvBufferSize: 4 << 20 });
    s.on('message', () => { if (got()) { done(); s.close(); } });
    s.bind(port, '127.0.0.1');
  }
  console.log('ready');
} else if (api === 'open') {
  const handle = sctp.open('127.0.0.1', 0, 1 << 16, () => {});
  (async () => {
    start();
    for (let i = 0; i < count; i++) {
      for (;;) {
        try { handle.send(msg, '127.0.0.1', port); break; } catch (err) {
          if (err.code !== 'EAGAIN') throw err;
          await new Promise((resolve) => setTimeout(resolve, 1)); // open() has no writable event
        }
      }
    }
    done();
    setTimeout(() => handle.close(), 200);
  })();
} else {
  const s = sctp.createSocket({ type: 'sctp4', sendBufferSize: 4 << 20 });
  const drained = () => new Promise((resolve) => s.once('drain', resolve));
  s.bind(0, '127.0.0.1', async () => {
    start();
    for (let i = 0; i < count; i++) if (!s.send(msg, port, '127.0.0.1')) await drained();
    while (s.getSendQueueCount()) await drained();
    done();
    setTimeout(() => s.close(), 200);
  });
}
