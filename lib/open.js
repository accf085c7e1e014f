'use strict';
// open(bindHost, bindPort, recvMaxlen, onRecv) -> { send(buffer, host, port), close() }: the original
// SCTP_NAPI API (docs/api/open.md), kept as a thin layer over the native SocketHandle that
// createSocket() uses, as zeromq.js keeps its old API over its new core. Its fixed options are
// createSocket()'s defaults; its callbacks, onRecv([data, host, port]) or onRecv('<what failed>').
const binding = require('./binding');
const A = require('./associations');
const { errnoName, errnoException, socketError } = require('./errors');
const { DEFAULTS, applyOptions } = require('./options');
const { FIELDS, PORT, NO_HOST, putFields } = require('./send-fields');
const {
  coded, invalidArgType, invalidArgValue, integerError, validateInteger, validateFunction,
} = require('./validators');
const D = require('./diagnostics');
const { errno: E } = require('os').constants;

const { constants: C } = binding;
const MAX_RECV = 16 * 1024 * 1024;

// Open handles are not garbage, referenced or not, until close(): the app may drop the handle and
// still expect onRecv calls (the original's finalizer closed it: regression 3).
const live = new Set();

const kInternals = Symbol.for('sctp-napi.internals');
const { apply } = Reflect; // onRecv is called as the native side did, whatever its own `call` is

const closedError = () => coded(Error, 'ERR_SOCKET_CLOSED', 'Socket is closed');

class SctpHandle {
  #handle;
  #fields = new Uint32Array(FIELDS); // every send's: the original's unordered, 30 s PR-SCTP lifetime

  constructor(bindHost, bindPort, recvMaxlen, onRecv) {
    // Types and ranges first, then the address's form, as the original's checks went.
    if (typeof bindHost !== 'string') throw invalidArgType('bindHost', 'of type string', bindHost);
    validateInteger(bindPort, 'bindPort', 0, 65535);
    validateInteger(recvMaxlen, 'recvMaxlen', 1, MAX_RECV);
    validateFunction(onRecv, 'onRecv');
    A.validateAddress(bindHost, 'bindHost'); // a numeric address
    putFields(this.#fields, 0, DEFAULTS.defaults, 0, NO_HOST);

    // Each event is a new async callback in the context of open() (named SCTP_NAPI, as the
    // original's); `this` in onRecv is this handle; a throw is an uncaught exception.
    const handle = new binding.SocketHandle({
      onmessage: (data, host, port) => apply(onRecv, this, [[data, host, port]]),
      onoversize: (size) => apply(onRecv, this, [`message of ${size} bytes exceeds recvMaxlen (${recvMaxlen} bytes); discarded`]),
      onerror: (errno, syscall) => apply(onRecv, this, [`${syscall} ${errnoName(-errno)}`]),
    }, 'SCTP_NAPI');
    const family = A.familyOf(bindHost) === 'IPv6' ? 6 : 4;
    const err = handle.open(family, false);
    if (err) throw socketError(err);
    applyOptions(handle, { ...DEFAULTS, maxMessageSize: recvMaxlen }, family); // closes it on failure
    const bound = handle.bind(bindHost, bindPort);
    const code = bound || handle.listen(C.SOMAXCONN);
    if (code) {
      handle.close();
      // The address passed the numeric check: EINVAL before any bind(2) is its zone naming no interface.
      if (bound === -E.EINVAL) throw invalidArgValue('bindHost', bindHost, 'must be a numeric IPv4 or IPv6 address');
      throw bound ? errnoException(bound, 'bind', bindHost, bindPort) : errnoException(code, 'listen');
    }
    this.#handle = handle;
    live.add(this);
    D.publish(D.channels.socketCreated, () => ({ socket: this, kind: 'one-to-many' }));
  }

  // Bytes sent; a full send buffer throws EAGAIN (that message was not sent).
  send(buffer, host, port) {
    const handle = this.#handle;
    // The checks every send passes, inline (this is the original's hot path); sendError() says
    // which one failed.
    if (handle === undefined || typeof host !== 'string' || !Number.isInteger(port) || port < 1 ||
        port > 65535 || !ArrayBuffer.isView(buffer) || buffer.byteLength === 0) {
      throw this.#sendError(buffer, host, port);
    }
    this.#fields[PORT] = port;
    const sent = handle.send(buffer, host, this.#fields);
    if (sent >= 0) return sent;
    // The native side parses the host (and caches it): EINVAL, with no send(2), for one that is not
    // a numeric address. (A zone naming no interface gets the system error, as with createSocket().)
    if (sent === -E.EINVAL) A.validateAddress(host, 'host');
    throw errnoException(sent, 'send', host, port);
  }

  // The error of a send() whose arguments failed the inline checks, in the original's order.
  #sendError(buffer, host, port) {
    if (this.#handle === undefined) return closedError();
    if (!ArrayBuffer.isView(buffer)) {
      return invalidArgType('buffer', 'an instance of Buffer, TypedArray, or DataView', buffer);
    }
    if (buffer.byteLength === 0) { // a detached view too
      return invalidArgValue('buffer', buffer, 'must not be empty: an SCTP message carries at least one byte');
    }
    if (typeof host !== 'string') return invalidArgType('host', 'of type string', host);
    return integerError(port, 'port', 1, 65535);
  }

  // Idempotent; no onRecv call follows, even from inside onRecv.
  close() {
    if (this.#handle === undefined) return;
    this.#handle.close(false);
    this.#handle = undefined;
    live.delete(this);
    D.publish(D.channels.socketClosed, () => ({ socket: this }));
  }

  // -> { address, family, port }: the bound address, the real port after bindPort 0.
  address() {
    if (this.#handle === undefined) throw closedError();
    return A.sockName(this.#handle);
  }

  // For tests and diagnostics: what the native side keeps (as lib/socket.js's), and its counters.
  [kInternals]() {
    const out = {};
    if (this.#handle !== undefined) {
      this.#handle.tables(out);
      this.#handle.counters(out);
    }
    return out;
  }

  // As in dgram: an unref'd handle does not keep the event loop alive.
  ref() {
    if (this.#handle !== undefined) this.#handle.ref();
    return this;
  }

  unref() {
    if (this.#handle !== undefined) this.#handle.unref();
    return this;
  }
}

function open(bindHost, bindPort, recvMaxlen, onRecv) {
  return new SctpHandle(bindHost, bindPort, recvMaxlen, onRecv);
}

module.exports = { open, SctpHandle };
