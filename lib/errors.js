'use strict';
// The errors the native handle's codes become. Every SocketHandle method returns 0 or a negative
// errno (src/socket_handle.h); this turns one into an Error shaped as Node's own system errors, as
// lib/internal/errors.js's errnoException() does for dgram and net.
const util = require('util');
const binding = require('./binding');
const { unavailable, retitle, unsupportedError } = require('./unsupported');

// An Error like Node's: message "<syscall> <CODE>[ <address>[:<port>]]", and code ('EAGAIN'), errno
// (negative), syscall, and address and port when given. err: a negative errno.
// 'EAGAIN' for -11: libuv's name, as Node gives it ("Unknown system error -N" for one it does not know).
const errnoName = (err) => util.getSystemErrorName(err);

function errnoException(err, syscall, address, port) {
  const code = errnoName(err);
  const at = typeof address === 'string' && address !== '';
  const hasPort = typeof port === 'number' && port >= 0;
  const error = new Error(`${syscall} ${code}${at ? ` ${address}${hasPort ? `:${port}` : ''}` : ''}`);
  error.errno = err;
  error.code = code;
  error.syscall = syscall;
  if (at) error.address = address;
  if (hasPort) error.port = port;
  Error.captureStackTrace(error, errnoException);
  return error;
}

// The error for a failed socket() (or the SCTP_EVENT subscription every socket makes): when the
// kernel has no SCTP, or one older than Linux 5.0, ERR_SCTP_UNSUPPORTED saying what to do on this
// machine (lib/unsupported.js); else a system error. err: a negative errno.
function socketError(err) {
  if (binding.unsupported) return unsupportedError(binding.unsupported); // not Linux, or not Node.js
  const name = errnoName(err);
  const why = unavailable(name) || (name === 'ENOPROTOOPT' // setsockopt(SCTP_EVENT), which came with Linux 5.0
    ? `This kernel's SCTP is too old (setsockopt SCTP_EVENT ${name}): sctp-napi needs Linux 5.0 or later` : null);
  const error = errnoException(err, 'socket');
  if (!why) return error;
  error.code = 'ERR_SCTP_UNSUPPORTED';
  return retitle(error, why);
}

module.exports = { errnoName, errnoException, socketError };
