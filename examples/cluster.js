'use strict';
// Every core with cluster: each worker process listens with reusePort on the same address and port
// (no handle passes through the primary: the kernel gives each new association to one worker). The
// primary plays 40 peers; each greeting says which worker answered. Then a graceful shutdown: each
// worker stops listening, ends its associations and exits.
//   node examples/cluster.js   (or: npm run vm -- node examples/cluster.js)
const cluster = require('cluster');
const sctp = require('..'); // in your project: require('sctp-napi')

const WORKERS = 2; // in production: os.availableParallelism()
const PEERS = 40;

if (cluster.isWorker) {
  const id = cluster.worker.id;
  const connections = new Set();
  const server = sctp.createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.end(`worker ${id}`); // the greeting, then a graceful SHUTDOWN
  });
  server.listen({ port: Number(process.env.PORT), host: '127.0.0.1', reusePort: true }, () => {
    process.send(server.address().port);
  });
  process.on('message', (command) => {
    if (command !== 'shutdown') return;
    server.close(() => process.disconnect()); // 'close' once its connections have closed too
    for (const socket of connections) socket.end();
  });
} else {
  main();
}

async function main() {
  cluster.setupPrimary({ silent: false });
  const start = (port) => new Promise((resolve) => {
    const worker = cluster.fork({ PORT: String(port) });
    worker.once('message', (bound) => resolve({ worker, port: bound }));
  });
  const first = await start(0); // the first listens on an ephemeral port; the others join it
  const workers = [first.worker];
  for (let i = 2; i <= WORKERS; i++) workers.push((await start(first.port)).worker);
  console.log(`${WORKERS} cluster workers listen on one port on 127.0.0.1`);

  const answeredBy = new Set();
  await Promise.all(Array.from({ length: PEERS }, () => new Promise((resolve, reject) => {
    const peer = sctp.connect(first.port, '127.0.0.1');
    peer.on('data', (greeting) => answeredBy.add(String(greeting)));
    peer.on('error', reject);
    peer.on('close', resolve);
  })));
  console.log(`${PEERS} peers greeted by ${answeredBy.size} workers`);

  await Promise.all(workers.map((worker) => {
    worker.send('shutdown');
    return new Promise((resolve) => worker.once('exit', resolve));
  }));
  console.log('every worker closed its server and exited');
}
