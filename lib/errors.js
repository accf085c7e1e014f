'use strict';
// The errors the native handle's codes become. Every SocketHandle method returns 0 or a negative
// errno (src/socket_handle.h); this turns one into an Error shaped as Node's own system errors, as
// lib/internal/errors.js's errnoException() does for dgram and net.
const util = require('util');
const binding = require('./binding');
const { advice, platform, unsupportedError } = require('./unsupported');

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
  let why;
  if (name === 'EPROTONOSUPPORT' || name === 'ESOCKTNOSUPPORT') {
    why = `SCTP is not available (socket ${name}): ${advice(platform())}`;
  } else if (name === 'ENOPROTOOPT') { // setsockopt(SCTP_EVENT), which came with Linux 5.0
    why = `This kernel's SCTP is too old (setsockopt SCTP_EVENT ${name}): sctp-napi needs Linux 5.0 or later`;
  } else {
    return errnoException(err, 'socket');
  }
  const error = errnoException(err, 'socket');
  error.message = why;
  error.code = 'ERR_SCTP_UNSUPPORTED';
  error.stack = error.stack.replace(/^.*/, () => `Error: ${why}`); // its first line
  return error;
}

module.exports = { errnoName, errnoException, socketError };
