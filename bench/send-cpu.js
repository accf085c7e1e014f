'use strict';
// The sender's CPU per message of plain createSocket().send(), beside wall time: far steadier than
// messages/s on a noisy host. node bench/send-cpu.js CHECKOUT PORT COUNT sends COUNT 64-byte
// messages to 127.0.0.1:PORT (a raw C receiver: build/bench-raw recv) with CHECKOUT's lib/ and addon,
// and prints user and system µs per message, measured around the send loop (process.cpuUsage()).
// bench/send-cpu.sh runs it interleaved for several checkouts in one VM run.
const path = require('path');
const [checkout, port, count] = [path.resolve(process.argv[2]), Number(process.argv[3]), Number(process.argv[4])];
const sctp = require(checkout);
const s = sctp.createSocket({ type: 'sctp4', sendBufferSize: 4 << 20 });
const msg = Buffer.alloc(64, 1);
const drained = () => new Promise((resolve) => s.once('drain', resolve));
s.bind(0, '127.0.0.1', async () => {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < count; i++) if (!s.send(msg, port, '127.0.0.1')) await drained();
  while (s.getSendQueueCount()) await drained();
  const cpu = process.cpuUsage(c0);
  const per = (us) => Number((us / count).toFixed(2));
  console.log(JSON.stringify({ checkout: path.basename(checkout), userUs: per(cpu.user), systemUs: per(cpu.system),
    wallUs: per(Number(process.hrtime.bigint() - t0) / 1e3) }));
  setTimeout(() => s.close(), 200);
});
