'use strict';
// One member of bench/reuseport.js's reusePort group, a process of its own (as a cluster worker):
// binds PORT (0: ephemeral) on 127.0.0.1, sends { port }, counts messages. 'start' zeroes the
// counters and the CPU clock; 'report' sends { count, peers, first, last, cpu } (first and last:
// when the first and last message came, ms on the clock every process shares; cpu: µs since 'start').
const { performance } = require('perf_hooks');
const sctp = require('..');

const clock = () => performance.timeOrigin + performance.now();
let count = 0;
let first = 0;
let last = 0;
let cpu = process.cpuUsage();
const peers = new Set();
const socket = sctp.createSocket({ type: 'sctp4', reusePort: true, recvBufferSize: 4 << 20 });
socket.on('message', (msg, rinfo) => {
  if (count++ === 0) first = clock();
  last = clock();
  peers.add(rinfo.port);
});
socket.bind(Number(process.env.PORT), '127.0.0.1', () => process.send({ port: socket.address().port }));
process.on('message', (m) => {
  if (m === 'start') {
    count = 0;
    peers.clear();
    cpu = process.cpuUsage();
  } else if (m === 'report') {
    const used = process.cpuUsage(cpu);
    process.send({ count, peers: peers.size, first, last, cpu: used.user + used.system });
  } else if (m === 'exit') {
    socket.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(1)); // the bench is gone
