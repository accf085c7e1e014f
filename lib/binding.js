'use strict';
// The native addon: a prebuild from prebuilds/ when one matches, else build/Release/sctp_dgram.node.
// On a platform without kernel SCTP, or a runtime that is not Node.js, the package still loads; using
// it throws ERR_SCTP_UNSUPPORTED. A binary that is missing or cannot load here throws that on require.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { unsupportedError } = require('./unsupported');

// Where sctp-napi cannot work: a handle's open() fails as on a kernel without SCTP, and the error for
// that (lib/errors.js socketError(), which reads `unsupported`) says why, so open() and createSocket()
// throw it and connect() and listen() emit it.
const unsupported = (message) => ({
  SocketHandle: class SocketHandle { open() { return -os.constants.errno.EPROTONOSUPPORT; } },
  unsupported: message,
  constants: {},
});

// Bun and Deno load Node-API addons but not libuv's poll as the addon uses it (Bun has no libuv loop
// to give it; Deno's poll stops after one callback): a socket there would abort or hang.
const runtime = process.versions.bun ? `Bun ${process.versions.bun}`
  : process.versions.deno ? `Deno ${process.versions.deno}` : null;

// The prebuild for this platform, or the binary built here; what to do when there is none that loads.
function load() {
  const libc = process.env.LIBC || (fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc'); // as node-gyp-build
  const todo = libc === 'musl'
    ? "there is no prebuild for musl (Alpine): install a compiler and libsctp's headers " +
      "('apk add lksctp-tools-dev build-base python3'), then build it: 'npm rebuild sctp-napi'"
    : "build it from source: 'npm rebuild sctp-napi' (this needs a C++ compiler, make, python3 and " +
      "libsctp's headers: 'apt-get install build-essential python3 libsctp-dev', or 'dnf install " +
      "gcc-c++ make python3 lksctp-tools-devel')";
  let file;
  try { file = require('node-gyp-build').resolve(path.join(__dirname, '..')); } catch (e) {
    throw unsupportedError(`sctp-napi has no native binary for linux-${process.arch} (${libc}) and none was built ` +
      `(were install scripts off, as pnpm and Bun have them by default?): ${todo}`, e);
  }
  try { return require(file); } catch (e) {
    throw unsupportedError(`sctp-napi's native binary ${file} cannot be loaded here ` +
      `(${String(e.message).split('\n')[0]}): ${todo}`, e);
  }
}

// SCTP_NAPI_BINDING names another build of the addon (the AddressSanitizer run uses it).
const native = runtime ? null
  : process.env.SCTP_NAPI_BINDING ? require(process.env.SCTP_NAPI_BINDING)
  : process.platform === 'linux' ? load()
  : null;

module.exports = native || unsupported(runtime
  ? `sctp-napi does not work under ${runtime}: its native addon needs Node.js's libuv event loop, which ` +
    `${runtime.split(' ')[0]} does not provide as the addon uses it; run it under Node.js 20 or later`
  : `SCTP is not available: sctp-napi needs Linux's kernel SCTP (this is ${process.platform})`);
