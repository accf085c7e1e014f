'use strict';
// npm install: on Linux, load a matching prebuild or build from source (node-gyp-build).
// Elsewhere there is no kernel SCTP to bind to: nothing is built, the package still loads, and
// opening a socket throws ERR_SCTP_UNSUPPORTED.
const { spawnSync } = require('child_process');

if (process.platform !== 'linux') {
  console.warn(`sctp-napi: SCTP sockets need Linux; nothing built on ${process.platform}.`);
  process.exit(0);
}
const bin = require.resolve('node-gyp-build/bin.js');
const result = spawnSync(process.execPath, [bin], { stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
