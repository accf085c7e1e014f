'use strict';
// An echo server and a client on loopback, with the original open() API.
//   node examples/echo.js          (where the kernel has SCTP)
//   npm run vm -- node examples/echo.js   (where it does not: runs it in the VM)
const sctp = require('..'); // in your project: require('sctp-napi')

const server = sctp.open('127.0.0.1', 5000, 65536, function (result) {
  if (typeof result === 'string') return console.error('server error:', result);
  const [data, host, port] = result;
  console.log(`server got "${data}" from ${host}:${port}`);
  this.send(Buffer.concat([Buffer.from('echo: '), data]), host, port); // `this` is the handle
});

const client = sctp.open('127.0.0.1', 5001, 65536, (result) => {
  if (typeof result === 'string') return console.error('client error:', result);
  const [data, host, port] = result;
  console.log(`client got "${data}" from ${host}:${port}`);
  client.close();
  server.close(); // nothing left open: the process exits
});

const sent = client.send(Buffer.from('hello sctp'), '127.0.0.1', 5000);
console.log(`client sent ${sent} bytes`);
