'use strict';
// Every core with worker_threads: each worker owns one socket of a reusePort group (the same address
// and port), and the kernel gives each new association to one of them. Here the main thread plays
// 40 peers; each reply says which worker answered. Then a graceful shutdown: each worker closes its
// socket (its own associations end with a SHUTDOWN) and exits.
//   node examples/workers.js   (or: npm run vm -- node examples/workers.js)
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const { createSocket } = require('..'); // in your project: require('sctp-napi')

const WORKERS = 2; // in production: os.availableParallelism()
const PEERS = 40;
const reliable = { defaults: { unordered: false, ttl: 0 } };

if (!isMainThread) {
  // A worker: one member of the group, answering each message on its association.
  const socket = createSocket({ type: 'sctp4', reusePort: true, ...reliable });
  socket.on('message', (msg, rinfo) => socket.send(`worker ${workerData.id}`, { assocId: rinfo.assocId }));
  socket.bind(workerData.port, '127.0.0.1', () => parentPort.postMessage(socket.address().port));
  parentPort.on('message', (command) => {
    if (command === 'close') socket.close(() => parentPort.close()); // nothing left: the worker exits
  });
} else {
  main();
}

async function main() {
  const start = (id, port) => new Promise((resolve) => {
    const worker = new Worker(__filename, { workerData: { id, port } });
    worker.once('message', (bound) => resolve({ worker, port: bound }));
  });
  const first = await start(1, 0); // the first binds an ephemeral port; the others join it
  const workers = [first.worker];
  for (let id = 2; id <= WORKERS; id++) workers.push((await start(id, first.port)).worker);
  console.log(`${WORKERS} workers share one port on 127.0.0.1`);

  // 40 peers, each a socket of its own: 40 associations.
  const answeredBy = new Set();
  await Promise.all(Array.from({ length: PEERS }, () => new Promise((resolve) => {
    const peer = createSocket({ type: 'sctp4', ...reliable });
    peer.on('message', (msg) => {
      answeredBy.add(String(msg));
      peer.close(resolve);
    });
    peer.send('hello', first.port, '127.0.0.1');
  })));
  console.log(`${PEERS} peers answered by ${answeredBy.size} workers`);

  await Promise.all(workers.map((worker) => {
    worker.postMessage('close');
    return new Promise((resolve) => worker.once('exit', resolve));
  }));
  console.log('every worker closed its socket and exited');
}
