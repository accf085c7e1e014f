'use strict';
// The one-to-one API: a server and a client shaped like net's, over SCTP associations. One
// write() is one message; each 'data' chunk is one whole message.
const sctp = require('..');

const server = sctp.createServer((socket) => {
  socket.on('message', (msg, rinfo) => {
    console.log(`server: "${msg}" on stream ${rinfo.stream}, ppid ${rinfo.ppid}`);
    socket.send(`ack ${msg}`, { stream: rinfo.stream, ppid: rinfo.ppid });
  });
  socket.on('end', () => console.log('server: the client ended the association'));
});

server.listen(0, '127.0.0.1', () => {
  const client = sctp.connect({ port: server.address().port, host: '127.0.0.1', initMsg: { outStreams: 4 } }, () => {
    client.write('hello'); // stream 0, ppid 0: the socket's defaults
    client.send('world', { stream: 2, ppid: 46 });
  });
  const replies = [];
  client.on('data', (reply) => {
    replies.push(String(reply));
    if (replies.length === 2) {
      console.log(`client: ${replies.join(', ')}`);
      client.end(); // a graceful SHUTDOWN, after both messages are delivered
    }
  });
  client.on('close', () => server.close());
});
