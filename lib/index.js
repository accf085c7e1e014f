'use strict';
const binding = require('./binding');

// open(bindHost, bindPort, recvMaxlen, onRecv) -> { send(buffer, host, port), close() }
// The original SCTP_NAPI API, unchanged; see README.md.
exports.open = binding.open;
