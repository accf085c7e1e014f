'use strict';
// A multi-homed pair: two network namespaces joined by two veth pairs (two paths), a server in
// one and a client in the other, one association over both paths. Path 1 goes down and comes
// back while messages flow. Needs root and iproute2: run it in the VM.
//   npm run vm -- node examples/multihomed.js
const { execFileSync, spawn } = require('child_process');
const { createSocket } = require('..'); // in your project: require('sctp-napi')

const [role, port] = process.argv.slice(2);
const A = ['198.18.1.1', '198.18.2.1']; // the client's two addresses (a benchmarking range,
const B = ['198.18.1.2', '198.18.2.2']; // used inside the namespaces only)
const fast = { heartbeatInterval: 300, pathMaxRetrans: 2, rtoInfo: { initial: 200, min: 100, max: 400 } };

if (role === 'server') {
  const server = createSocket({ type: 'sctp4', ...fast });
  let next = 0;
  let inOrder = true;
  server.on('message', (msg) => {
    if (msg.readUInt32BE(0) !== next++) inOrder = false;
  });
  server.bind({ port: 0, addresses: B }, () => console.log(server.address().port));
  process.stdin.on('end', () => {
    console.log(`server received ${next} messages, ${inOrder ? 'in order' : 'OUT OF ORDER'}`);
    server.close();
  }).resume();
} else if (role === 'client') {
  const client = createSocket({ type: 'sctp4', ...fast, defaults: { unordered: false, ttl: 0 } });
  client.on('peeraddrchange', ({ address, state }) => console.log(`path to ${address}: ${state}`));
  client.bind({ port: 0, addresses: A }, async () => {
    const { assocId } = await client.connect(Number(port), B);
    const peers = client.peerAddresses(assocId).map((p) => p.address).sort();
    console.log(`association up, peer addresses ${peers.join(', ')}`);
    let sent = 0;
    const timer = setInterval(() => {
      const msg = Buffer.alloc(64);
      msg.writeUInt32BE(sent++);
      client.send(msg, { assocId });
    }, 20);
    process.stdin.on('end', () => {
      clearInterval(timer);
      console.log(`client sent ${sent} messages`);
      client.eof(assocId);
      client.on('association', () => client.close());
    }).resume();
  });
} else {
  const ip = (...args) => execFileSync('ip', args);
  const run = (ns, ...args) => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, __filename, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.lines = [];
    child.stdout.on('data', (d) => child.lines.push(...String(d).split('\n').filter(Boolean)));
    return child;
  };
  const until = async (predicate) => { while (!predicate()) await new Promise((r) => setTimeout(r, 50)); };
  const [nsA, nsB] = [`mh-example-a-${process.pid}`, `mh-example-b-${process.pid}`];
  (async () => {
    ip('netns', 'add', nsA);
    ip('netns', 'add', nsB);
    try {
      for (const n of [1, 2]) {
        ip('link', 'add', `ex${n}a`, 'type', 'veth', 'peer', 'name', `ex${n}b`);
        ip('link', 'set', `ex${n}a`, 'netns', nsA, 'name', `a${n}`);
        ip('link', 'set', `ex${n}b`, 'netns', nsB, 'name', `b${n}`);
        ip('-n', nsA, 'addr', 'add', `${A[n - 1]}/24`, 'dev', `a${n}`);
        ip('-n', nsB, 'addr', 'add', `${B[n - 1]}/24`, 'dev', `b${n}`);
        ip('-n', nsA, 'link', 'set', `a${n}`, 'up');
        ip('-n', nsB, 'link', 'set', `b${n}`, 'up');
      }
      const server = run(nsB, 'server');
      await until(() => server.lines.length);
      const client = run(nsA, 'client', server.lines.shift());
      const show = () => { while (client.lines.length) console.log(client.lines.shift()); };
      await until(() => client.lines.length);
      show();
      await new Promise((r) => setTimeout(r, 1000));
      console.log('-- taking path 1 down');
      ip('-n', nsA, 'link', 'set', 'a1', 'down');
      await until(() => client.lines.some((l) => l.endsWith('unreachable')));
      show();
      await new Promise((r) => setTimeout(r, 1000));
      console.log('-- bringing path 1 back');
      ip('-n', nsA, 'link', 'set', 'a1', 'up');
      await until(() => client.lines.some((l) => l.endsWith('available')));
      show();
      client.stdin.end();
      await new Promise((r) => client.on('exit', r));
      const sent = Number(client.lines.find((l) => l.startsWith('client sent')).split(' ')[2]);
      server.stdin.end();
      await new Promise((r) => server.on('exit', r));
      const received = server.lines.find((l) => l.startsWith('server received'));
      console.log(received === `server received ${sent} messages, in order`
        ? 'every message arrived, in order' : `lost or reordered: sent ${sent}; ${received}`);
    } finally {
      ip('netns', 'del', nsA);
      ip('netns', 'del', nsB);
    }
  })();
}
