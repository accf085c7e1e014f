'use strict';
// The native addon: a prebuild from prebuilds/ when one matches, else build/Release/sctp_dgram.node.
// On a platform without kernel SCTP the package still loads; using it throws ERR_SCTP_UNSUPPORTED.
const path = require('path');
const { explain } = require('./unsupported');

function unsupported() {
  const err = new Error(`SCTP is not available: sctp-napi needs Linux's kernel SCTP (this is ${process.platform})`);
  err.code = 'ERR_SCTP_UNSUPPORTED';
  throw err;
}

// SCTP_NAPI_BINDING names another build of the addon (the AddressSanitizer run uses it).
const native = process.env.SCTP_NAPI_BINDING ? require(process.env.SCTP_NAPI_BINDING)
  : process.platform === 'linux' ? require('node-gyp-build')(path.join(__dirname, '..'))
  : null;

// Where this kernel has no SCTP, the error (from open(), or socketError() after a failed socket())
// says what to do on this machine: lib/unsupported.js.
module.exports = native ? Object.create(native, {
  open: {
    value: function open(...args) {
      try { return native.open(...args); } catch (e) { throw explain(e); }
    },
  },
  socketError: { value: (err) => explain(native.socketError(err)) },
}) : { open: unsupported, SocketHandle: unsupported, constants: {} };
