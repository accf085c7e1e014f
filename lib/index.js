'use strict';
const { open } = require('./open');
const { Socket, createSocket } = require('./socket');
const { StreamSocket, connect } = require('./stream');
const { Server, createServer } = require('./server');

// open(bindHost, bindPort, recvMaxlen, onRecv) -> { send(buffer, host, port), close() }
// The original SCTP_NAPI API, unchanged; see docs/api/open.md.
exports.open = open;

// createSocket({ type: 'sctp4' | 'sctp6', ...options }) -> Socket: the dgram-shaped one-to-many API.
exports.createSocket = createSocket;
exports.Socket = Socket;

// The net-shaped one-to-one API: createServer() -> Server, connect() -> StreamSocket (a Duplex).
exports.createServer = createServer;
exports.connect = connect;
exports.createConnection = connect;
exports.Server = Server;
exports.StreamSocket = StreamSocket;

// The names of the diagnostics_channel channels the sockets publish on (docs/diagnostics.md).
exports.channels = require('./diagnostics').names;
