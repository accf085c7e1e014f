'use strict';
// createSocket(): a server that acknowledges on the stream and PPID it was sent on, and a client
// that reads the acknowledgements with for await.
//   node examples/socket.js   (or: npm run vm -- node examples/socket.js)
const { createSocket } = require('..'); // in your project: require('sctp-napi')

const streams = { outStreams: 4, maxInStreams: 4 };
const reliable = { unordered: false, ttl: 0 }; // ordered, fully reliable (the default is the original's)

const server = createSocket({ type: 'sctp4', initMsg: streams, defaults: reliable });
server.on('message', (msg, rinfo) => {
  console.log(`server: "${msg}" from ${rinfo.address}, stream ${rinfo.stream}, ppid ${rinfo.ppid}`);
  server.send(`ack ${msg}`, rinfo.port, rinfo.address, { stream: rinfo.stream, ppid: rinfo.ppid });
});

server.bind(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const client = createSocket({ type: 'sctp4', initMsg: streams, defaults: reliable });
  client.send('hello', port, '127.0.0.1', { stream: 3, ppid: 46 });
  client.send('world', port, '127.0.0.1', { stream: 3, ppid: 47 });
  let count = 0;
  for await (const { msg, rinfo } of client) {
    console.log(`client: "${msg}" on stream ${rinfo.stream}, ppid ${rinfo.ppid}`);
    if (++count === 2) break;
  }
  client.close();
  server.close();
});
