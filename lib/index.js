'use strict';
const binding = require('./binding');
const { Socket, createSocket } = require('./socket');

// open(bindHost, bindPort, recvMaxlen, onRecv) -> { send(buffer, host, port), close() }
// The original SCTP_NAPI API, unchanged; see README.md.
exports.open = binding.open;

// createSocket({ type: 'sctp4' | 'sctp6', ...options }) -> Socket: the dgram-shaped API.
exports.createSocket = createSocket;
exports.Socket = Socket;
