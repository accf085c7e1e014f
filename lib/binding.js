'use strict';
// The native addon: a prebuild from prebuilds/ when one matches, else build/Release/sctp_dgram.node.
module.exports = require('node-gyp-build')(require('path').join(__dirname, '..'));
