'use strict';
// createSocket(): a dgram-shaped SCTP one-to-many socket. The native SocketHandle is dumb (it
// returns errnos); validation, the send queue, error shaping and events live here, as in Node's
// lib/dgram.js.
const EventEmitter = require('events');
const net = require('net');
const { errno: E } = require('os').constants;
const { performance } = require('perf_hooks');
const binding = require('./binding');
const {
  coded, invalidArgType, invalidArgValue, validateInteger, validateBoolean, validateFunction,
  validateObject, validateAbortSignal,
} = require('./validators');

const { constants: C } = binding;
const U32 = 0xffffffff;
const kMessage = 0;
const kWritable = 1;
const kTooLarge = 2;
const kError = 3;
const kNotification = 4;
const kEnd = 5;
const kPeel = Symbol('peeloff'); // the constructor's private second argument

const asyncDispose = Symbol.asyncDispose || Symbol.for('nodejs.asyncDispose');
const kInternals = Symbol.for('sctp-napi.internals');
const ITERATOR_HIGH_WATER = 16; // messages an async iterator holds before reading pauses

// SCTP error cause codes (RFC 9260 section 3.3.10; RFC 5061; RFC 4895), as the ABORT or ERROR
// chunk carried them: the 'reason' of 'association' and 'remoteerror' events.
const CAUSES = {
  1: 'invalid-stream-identifier',
  2: 'missing-mandatory-parameter',
  3: 'stale-cookie',
  4: 'out-of-resource',
  5: 'unresolvable-address',
  6: 'unrecognized-chunk-type',
  7: 'invalid-mandatory-parameter',
  8: 'unrecognized-parameters',
  9: 'no-user-data',
  10: 'cookie-received-while-shutting-down',
  11: 'restart-with-new-addresses',
  12: 'user-initiated-abort',
  13: 'protocol-violation',
  0xa0: 'delete-last-remaining-address',
  0xa1: 'resource-shortage',
  0xa2: 'delete-source-address',
  0xa3: 'illegal-asconf-ack',
  0xa4: 'no-authorization',
  0x105: 'unsupported-hmac-identifier',
};
// Send errors that mean the association was ended by its peer (or is ending) before the send.
const PEER_CAUSED = new Set(['EPIPE', 'ESHUTDOWN', 'ECONNRESET', 'ENOTCONN', 'ECONNABORTED']);
// An ABORT's cause, when there was one, on the error it led to.
const withCause = (err, info) => (info.error ? Object.assign(err, { sctpCause: info.error, reason: info.reason }) : err);
const causeName = (code) => (code ? CAUSES[code] || `cause-${code}` : '');

// Defaults: the original SCTP_NAPI's fixed behaviour where it had one.
const DEFAULTS = {
  reuseAddr: true,
  nodelay: true,
  ipv6Only: false,
  rtoInfo: { initial: 250, min: 200, max: 5000 },
  maxMessageSize: 256 * 1024,
  sendHighWaterMark: 1024 * 1024,
  defaults: { stream: 0, ppid: 0, unordered: true, ttl: 30000, context: 0 },
};

function validateSendOptions(opts, name, base) {
  validateObject(opts, name);
  const out = { ...base };
  for (const key of Object.keys(opts)) {
    const value = opts[key];
    if (value === undefined) continue;
    switch (key) {
      case 'stream': out.stream = validateInteger(value, `${name}.stream`, 0, 65535); break;
      case 'ppid': out.ppid = validateInteger(value, `${name}.ppid`, 0, U32); break;
      case 'context': out.context = validateInteger(value, `${name}.context`, 0, U32); break;
      case 'ttl': out.ttl = validateInteger(value, `${name}.ttl`, 0, U32); break;
      case 'unordered': out.unordered = validateBoolean(value, `${name}.unordered`); break;
      case 'assocId':
        if (name !== 'options') throw invalidArgValue(name, opts, "cannot set 'assocId'");
        out.assocId = validateInteger(value, `${name}.assocId`, 1, 2 ** 31 - 1);
        break;
      default: throw invalidArgValue(name, opts, `has an unknown property '${key}'`);
    }
  }
  return out;
}

function validateOptions(options) {
  validateObject(options, 'options');
  const { type } = options;
  if (type !== 'sctp4' && type !== 'sctp6') {
    throw invalidArgValue('options.type', type, "must be 'sctp4' or 'sctp6'");
  }
  const o = { ...DEFAULTS, type };
  for (const key of Object.keys(options)) {
    const value = options[key];
    if (value === undefined || key === 'type') continue;
    const name = `options.${key}`;
    switch (key) {
      case 'reuseAddr': case 'nodelay': case 'ipv6Only':
        o[key] = validateBoolean(value, name);
        break;
      case 'recvBufferSize': case 'sendBufferSize':
        o[key] = validateInteger(value, name, 1, 0x7fffffff);
        break;
      case 'maxMessageSize':
        o[key] = validateInteger(value, name, 1, 256 * 1024 * 1024);
        break;
      case 'sendHighWaterMark':
        o[key] = validateInteger(value, name, 0, Number.MAX_SAFE_INTEGER);
        break;
      case 'heartbeatInterval': // ms; 0 turns heartbeats off
        o[key] = validateInteger(value, name, 0, 2 ** 31 - 1);
        break;
      case 'pathMaxRetrans':
        o[key] = validateInteger(value, name, 1, 65535);
        break;
      case 'rtoInfo': {
        validateObject(value, name);
        const r = { ...DEFAULTS.rtoInfo };
        for (const k of ['initial', 'min', 'max']) {
          if (value[k] !== undefined) r[k] = validateInteger(value[k], `${name}.${k}`, 1, U32);
        }
        if (r.min > r.max) throw invalidArgValue(name, value, 'must have min <= max');
        o.rtoInfo = r;
        break;
      }
      case 'initMsg': {
        validateObject(value, name);
        const i = { outStreams: 0, maxInStreams: 0, maxAttempts: 0, maxInitTimeout: 0 };
        for (const k of Object.keys(i)) {
          if (value[k] !== undefined) i[k] = validateInteger(value[k], `${name}.${k}`, 0, 65535);
        }
        o.initMsg = i;
        break;
      }
      case 'defaults':
        o.defaults = validateSendOptions(value, name, DEFAULTS.defaults);
        break;
      case 'signal':
        o.signal = validateAbortSignal(value, name);
        break;
      default:
        throw invalidArgValue('options', options, `has an unknown property '${key}'`);
    }
  }
  if (o.ipv6Only && type !== 'sctp6') {
    throw invalidArgValue('options.ipv6Only', true, "applies to type 'sctp6' only");
  }
  return o;
}

// msg: Buffer | TypedArray | DataView | string | an array of those -> one Buffer.
function toBuffer(msg, name = 'msg') {
  if (Buffer.isBuffer(msg)) return msg;
  if (typeof msg === 'string') return Buffer.from(msg);
  if (ArrayBuffer.isView(msg)) {
    // A detached view has no bytes (and its buffer cannot be viewed again).
    return msg.byteLength === 0 ? Buffer.alloc(0) : Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  }
  if (Array.isArray(msg) && name === 'msg') {
    return Buffer.concat(msg.map((part, i) => toBuffer(part, `msg[${i}]`)));
  }
  throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView' +
    (name === 'msg' ? ', or an array of those' : ''), msg);
}

class Socket extends EventEmitter {
  #handle;
  #options;
  #bound = false;
  #closed = false;
  #queue = [];
  #queueBytes = 0;
  #onAbort = null;
  #associations = new Map(); // assocId -> { assocId, address, port }
  #connecting = new Map(); // assocId -> settle(err, info)
  #peeled = 0; // the association of a socket made by peeloff()
  #lastAddress = null; // the last address #validateAddress accepted (sends repeat it)
  #abandonedSent = null; // assocId -> abandoned.sent last reported; a Map while 'abandoned' is listened to
  #pauses = 0; // async iterators holding reading paused

  constructor(options, peel) {
    super();
    if (peel && peel.token === kPeel) {
      this.#options = peel.options;
      const handle = new binding.SocketHandle(this.#onEvent.bind(this));
      const err = handle.peeloff(peel.handle, peel.assocId);
      if (err) throw binding.systemError(err, 'sctp_peeloff');
      handle.setMaxMessageSize(peel.options.maxMessageSize);
      handle.subscribe(C.SCTP_SENDER_DRY_EVENT, false); // the parent's, until 'abandoned' is listened to
      this.#handle = handle;
      this.#bound = true;
      this.#peeled = peel.assocId;
      return;
    }
    const o = validateOptions(options);
    this.#options = o;
    const handle = new binding.SocketHandle(this.#onEvent.bind(this));
    const family = o.type === 'sctp6' ? 6 : 4;
    const openErr = handle.open(family);
    if (openErr) throw binding.socketError(openErr);
    this.#handle = handle;
    const check = (err, what) => {
      if (!err) return;
      handle.close();
      throw binding.systemError(err, `setsockopt ${what}`);
    };
    check(handle.setInt(C.SOL_SOCKET, C.SO_REUSEADDR, o.reuseAddr ? 1 : 0), 'SO_REUSEADDR');
    check(handle.setInt(C.IPPROTO_SCTP, C.SCTP_NODELAY, o.nodelay ? 1 : 0), 'SCTP_NODELAY');
    if (family === 6) {
      check(handle.setInt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, o.ipv6Only ? 1 : 0), 'IPV6_V6ONLY');
    }
    if (o.recvBufferSize) check(handle.setInt(C.SOL_SOCKET, C.SO_RCVBUF, o.recvBufferSize), 'SO_RCVBUF');
    if (o.sendBufferSize) check(handle.setInt(C.SOL_SOCKET, C.SO_SNDBUF, o.sendBufferSize), 'SO_SNDBUF');
    const { initial, min, max } = o.rtoInfo;
    check(handle.setRtoInfo(initial, min, max), 'SCTP_RTOINFO');
    if (o.initMsg) {
      const i = o.initMsg;
      check(handle.setInitMsg(i.outStreams, i.maxInStreams, i.maxAttempts, i.maxInitTimeout),
        'SCTP_INITMSG');
    }
    handle.setMaxMessageSize(o.maxMessageSize);
    if (o.heartbeatInterval !== undefined || o.pathMaxRetrans !== undefined) {
      check(handle.setPeerParams(o.heartbeatInterval ?? -1, o.pathMaxRetrans ?? -1), 'SCTP_PEER_ADDR_PARAMS');
    }

    if (o.signal) {
      if (o.signal.aborted) {
        process.nextTick(() => this.close());
      } else {
        this.#onAbort = () => this.close();
        o.signal.addEventListener('abort', this.#onAbort, { once: true });
      }
    }
  }

  get type() { return this.#options.type; }

  // As Node's Readable does for 'data': the first 'abandoned' listener turns the reports on, and
  // removing the last turns them off.
  on(event, listener) {
    super.on(event, listener);
    if (event === 'abandoned') this.#watchAbandoned();
    return this;
  }

  prependListener(event, listener) {
    super.prependListener(event, listener);
    if (event === 'abandoned') this.#watchAbandoned();
    return this;
  }

  removeListener(event, listener) {
    super.removeListener(event, listener);
    if (event === 'abandoned') this.#unwatchAbandoned();
    return this;
  }

  off(event, listener) {
    return this.removeListener(event, listener);
  }

  removeAllListeners(event) {
    super.removeAllListeners(...arguments); // eslint-disable-line prefer-rest-params
    if (event === undefined || event === 'abandoned') this.#unwatchAbandoned();
    return this;
  }

  // Linux reports a message abandoned after transmission (PR-SCTP) only in a counter. Watching
  // SCTP_SENDER_DRY_EVENT (all data acknowledged or abandoned), we read it and report the increase:
  // 'abandoned' { assocId, count }. Costs a notification each time an association's queue empties.
  #watchAbandoned() {
    if (this.#abandonedSent || this.#closed) return;
    const err = this.#handle.subscribe(C.SCTP_SENDER_DRY_EVENT, true);
    if (err) throw binding.systemError(err, 'setsockopt SCTP_EVENT');
    this.#abandonedSent = new Map();
  }

  #unwatchAbandoned() {
    if (!this.#abandonedSent || this.listenerCount('abandoned') > 0) return;
    this.#abandonedSent = null;
    if (!this.#closed) this.#handle.subscribe(C.SCTP_SENDER_DRY_EVENT, false);
  }

  #onSenderDry(assocId) {
    if (!this.#abandonedSent) return;
    const status = this.#handle.status(assocId);
    if (typeof status === 'number' || !status.abandoned) return;
    const total = status.abandoned.sent;
    const before = this.#abandonedSent.get(assocId) || 0;
    if (total <= before) return;
    this.#abandonedSent.set(assocId, total);
    this.emit('abandoned', { assocId, count: total - before });
  }

  bind(port, address, callback) {
    this.#healthCheck();
    let addresses;
    if (port !== null && typeof port === 'object') {
      callback = address;
      ({ port, address, addresses } = port);
    } else if (typeof port === 'function') {
      callback = port;
      port = undefined;
    }
    if (typeof address === 'function') {
      callback = address;
      address = undefined;
    }
    if (this.#bound) throw coded(Error, 'ERR_SOCKET_ALREADY_BOUND', 'Socket is already bound');
    port = port === undefined ? 0 : validateInteger(port, 'port', 0, 65535);
    if (addresses !== undefined) { // multi-homing: sctp_bindx() of every address
      addresses = this.#validateAddresses(addresses, 'options.addresses');
      address = addresses[0];
    } else {
      address = this.#validateAddress(address, 'address', this.type === 'sctp6' ? '::' : '0.0.0.0');
    }
    if (callback !== undefined) this.once('listening', validateFunction(callback, 'callback'));
    // An explicit bind() accepts associations (listen()); see #bindImplicitly() for the other kind.
    const err = addresses ? this.#handle.bindx(addresses, port, 1) : this.#handle.bind(address, port, true);
    if (err) {
      const error = binding.systemError(err, addresses ? 'sctp_bindx' : 'bind', address, port);
      process.nextTick(() => this.emit('error', error));
      return this;
    }
    this.#bound = true;
    process.nextTick(() => this.emit('listening'));
    return this;
  }

  // A socket that sends or connects before bind() binds itself to an ephemeral port, like dgram,
  // but does not listen(): it hears its own associations only, and a stranger's INIT gets an
  // ABORT. Only a socket the app bound accepts associations.
  #bindImplicitly() {
    const err = this.#handle.bind(this.type === 'sctp6' ? '::' : '0.0.0.0', 0, false);
    if (err) throw binding.systemError(err, 'bind');
    this.#bound = true;
    process.nextTick(() => this.emit('listening')); // bound, as dgram says it
  }

  address() {
    this.#healthCheck();
    if (!this.#bound) throw coded(Error, 'ERR_SOCKET_NOT_BOUND', 'Socket is not bound');
    const result = this.#handle.getsockname();
    if (typeof result === 'number') throw binding.systemError(result, 'getsockname');
    const [address, port] = result;
    return { address, family: net.isIPv6(address) ? 'IPv6' : 'IPv4', port };
  }

  // send(msg, port[, address][, options][, callback]) -> false while the queue is over the mark.
  // On a socket from peeloff(): send(msg[, options][, callback]).
  send(msg, port, address, options, callback) {
    if (this.#peeled) {
      if (typeof port === 'function') return this.#send(msg, {}, port);
      return this.#send(msg, port === undefined ? {} : port, address);
    }
    return this.#send(msg, port, address, options, callback);
  }

  #send(msg, port, address, options, callback) {
    if (port !== null && typeof port === 'object') { // send(msg, { assocId, ... }[, callback])
      callback = address;
      options = port;
      port = address = undefined;
    } else if (typeof address === 'function') {
      callback = address;
      address = options = undefined;
    } else if (address !== null && typeof address === 'object') {
      callback = options;
      options = address;
      address = undefined;
    }
    if (typeof options === 'function') {
      callback = options;
      options = undefined;
    }
    const data = toBuffer(msg);
    if (data.length === 0) {
      throw invalidArgValue('msg', msg, 'must not be empty: an SCTP message carries at least one byte');
    }
    let info = options === undefined
      ? this.#options.defaults
      : validateSendOptions(options, 'options', this.#options.defaults);
    if (this.#peeled) info = { ...info, assocId: this.#peeled };
    if (info.assocId) {
      port = 0;
      address = null; // the association says where (a peeled-off socket has but one)
    } else {
      validateInteger(port, 'port', 1, 65535);
      address = this.#validateAddress(address, 'address', this.type === 'sctp6' ? '::1' : '127.0.0.1');
    }
    if (callback !== undefined) validateFunction(callback, 'callback');
    this.#healthCheck();
    if (!this.#bound) this.#bindImplicitly();

    const request = { data, port, address, info, callback };
    if (this.#queue.length === 0) {
      const result = this.#trySend(request);
      if (result !== -C.EAGAIN) { // a success with no callback needs nothing more
        if (request.callback || result < 0) process.nextTick(() => this.#complete(request, result));
        return true;
      }
      this.#handle.watchWritable();
    }
    this.#queue.push(request);
    this.#queueBytes += data.length;
    return this.#queueBytes <= this.#options.sendHighWaterMark;
  }

  // Opens an association to port on address (or several addresses of one peer: sctp_connectx).
  // Resolves with the 'association' event's info once it is up; rejects if it cannot start, on
  // timeout (ms) or when signal aborts (the association is aborted then).
  connect(port, addresses, options = {}) {
    try {
      validateInteger(port, 'port', 1, 65535);
      const list = this.#validateAddresses(addresses, 'addresses');
      validateObject(options, 'options');
      const { timeout, signal } = options;
      if (timeout !== undefined) validateInteger(timeout, 'options.timeout', 1, 2 ** 31 - 1);
      if (signal !== undefined) validateAbortSignal(signal, 'options.signal');
      this.#healthCheck();
      if (signal && signal.aborted) return Promise.reject(abortError(signal));
      if (!this.#bound) this.#bindImplicitly();
      const started = performance.now();
      const [err, assocId] = this.#handle.connect(list, port);
      if (err) return Promise.reject(binding.systemError(err, 'connect', list[0], port));
      return new Promise((resolve, reject) => {
        let timer = null;
        const onAbort = () => fail(abortError(signal));
        const settle = (error, info) => {
          this.#connecting.delete(assocId);
          clearTimeout(timer);
          if (signal) signal.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve(info);
        };
        const fail = (error) => {
          if (!this.#closed) this.#control(assocId, C.SCTP_ABORT, null);
          settle(error);
        };
        settle.started = started;
        this.#connecting.set(assocId, settle);
        if (timeout !== undefined) {
          timer = setTimeout(() => fail(binding.systemError(E.ETIMEDOUT, 'connect', list[0], port)), timeout);
        }
        if (signal) signal.addEventListener('abort', onAbort, { once: true });
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  // Ends one association gracefully (SHUTDOWN), after what was sent on it is delivered.
  eof(assocId) {
    this.#control(validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1), C.SCTP_EOF, null, true);
    return this;
  }

  // Ends one association at once (ABORT), with an optional reason for the peer.
  abort(assocId, reason) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    const data = reason === undefined ? null : toBuffer(reason, 'reason');
    this.#control(assocId, C.SCTP_ABORT, data && data.length ? data : null, true);
    return this;
  }

  // The associations that are up: [{ assocId, address, port, addresses }].
  associations() {
    this.#healthCheck();
    // One may have ended a moment ago, its notification not read yet: it has no addresses then.
    return [...this.#associations.values()].map((a) => {
      const addresses = this.#handle.peerAddresses(a.assocId);
      return { ...a, addresses: typeof addresses === 'number' ? [] : this.#addressList(addresses) };
    });
  }

  // SCTP_STATUS of one association: state, windows, streams and the primary path.
  status(assocId) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    const result = this.#handle.status(assocId);
    if (typeof result === 'number') throw binding.systemError(result, 'getsockopt SCTP_STATUS');
    return result;
  }

  peerAddresses(assocId) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    return this.#addressList(this.#handle.peerAddresses(assocId), 'sctp_getpaddrs');
  }

  localAddresses(assocId = 0) {
    validateInteger(assocId, 'assocId', 0, 2 ** 31 - 1);
    this.#healthCheck();
    return this.#addressList(this.#handle.localAddresses(assocId), 'sctp_getladdrs');
  }

  // Branches one association off into a socket of its own (sctp_peeloff), with the same message
  // API: send(msg[, options][, callback]), 'message', 'close'. Its 'end' is the association's.
  peeloff(assocId) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    try {
      return new Socket(undefined, { token: kPeel, handle: this.#handle, assocId, options: this.#options });
    } finally { // unless it is still here (the peeloff failed before the kernel's part), it is gone
      if (typeof this.#handle.peerAddresses(assocId) === 'number') {
        this.#associations.delete(assocId);
        if (this.#abandonedSent) this.#abandonedSent.delete(assocId);
      }
    }
  }

  // Multi-homing: adds or removes a local address of the bound socket (sctp_bindx).
  addAddress(address) {
    return this.#bindx(address, 2);
  }

  removeAddress(address) {
    return this.#bindx(address, 3);
  }

  // Makes address (one of the peer's) the primary path of an association.
  setPrimary(assocId, address) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#validateAddress(address, 'address');
    this.#healthCheck();
    const known = this.#associations.get(assocId);
    const port = known ? known.port : 0;
    const err = this.#handle.setPrimary(assocId, address, port);
    if (err) throw binding.systemError(err, 'setsockopt SCTP_PRIMARY_ADDR', address, port);
    return this;
  }

  // Stops receiving and closes. Messages still in this socket's queue (not yet taken by the
  // kernel) are not sent: each one's callback gets ERR_SOCKET_CLOSED. 'close' follows on the
  // next tick. Calling close() again does nothing but call the callback.
  close(callback) {
    if (callback !== undefined) validateFunction(callback, 'callback');
    if (this.#closed) {
      if (callback) process.nextTick(callback);
      return this;
    }
    if (callback) this.once('close', callback);
    this.#closed = true;
    this.#handle.close();
    if (this.#onAbort) this.#options.signal.removeEventListener('abort', this.#onAbort);
    for (const settle of this.#connecting.values()) {
      settle(coded(Error, 'ERR_SOCKET_CLOSED', 'Socket closed before the association was up'));
    }
    this.#associations.clear();
    this.#abandonedSent = null;
    const unsent = this.#queue;
    this.#queue = [];
    this.#queueBytes = 0;
    process.nextTick(() => {
      for (const request of unsent) {
        if (request.callback) {
          request.callback(coded(Error, 'ERR_SOCKET_CLOSED', 'Socket closed before the message was sent'));
        }
      }
      this.emit('close');
    });
    return this;
  }

  ref() {
    if (!this.#closed) this.#handle.ref();
    return this;
  }

  unref() {
    if (!this.#closed) this.#handle.unref();
    return this;
  }

  getSendQueueSize() { return this.#queueBytes; }
  getSendQueueCount() { return this.#queue.length; }

  // for await (const { msg, rinfo } of socket): ends when the socket closes; an 'error' is thrown.
  // While more than a few messages wait unread, the socket stops reading (the kernel's receive
  // window then pushes back on the senders) until the loop catches up.
  [Symbol.asyncIterator]() {
    const buffered = [];
    const waiting = []; // next() calls not yet settled, in order
    let failure = null;
    let done = this.#closed;
    let paused = false;
    const pause = (on) => {
      if (paused === on) return;
      paused = on;
      this.#pause(on);
    };
    const settle = () => {
      while (waiting.length && (buffered.length || failure || done)) {
        const { resolve, reject } = waiting.shift();
        if (buffered.length) {
          resolve({ value: buffered.shift(), done: false });
        } else if (failure) {
          reject(failure);
          failure = null;
          done = true;
        } else {
          resolve({ value: undefined, done: true });
        }
      }
      if (buffered.length < ITERATOR_HIGH_WATER / 2) pause(false);
    };
    const onMessage = (msg, rinfo) => {
      buffered.push({ msg, rinfo });
      if (buffered.length >= ITERATOR_HIGH_WATER) pause(true);
      settle();
    };
    const cleanup = () => {
      this.off('message', onMessage);
      this.off('error', onError);
      this.off('close', onClose);
      pause(false);
    };
    const onError = (err) => { failure = err; cleanup(); settle(); };
    const onClose = () => { done = true; cleanup(); settle(); };
    if (!done) {
      this.on('message', onMessage);
      this.on('error', onError);
      this.on('close', onClose);
    }
    return {
      next: () => new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        settle();
      }),
      return: async () => {
        done = true;
        failure = null;
        buffered.length = 0;
        cleanup();
        settle(); // a next() still waiting ends too
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() { return this; },
    };
  }

  // Reading stops while any async iterator holds it paused.
  #pause(on) {
    this.#pauses += on ? 1 : -1;
    if (!this.#closed && this.#pauses === (on ? 1 : 0)) this.#handle.setReading(!on);
  }

  // What the addon and this object hold, for diagnostics and tests: table sizes and buffer bytes.
  [kInternals]() {
    return {
      ...(this.#closed ? { peerAddresses: 0, peerAssociations: 0, bufferBytes: 0, partialBytes: 0 }
        : this.#handle.tables()),
      associations: this.#associations.size,
      connecting: this.#connecting.size,
      abandoned: this.#abandonedSent ? this.#abandonedSent.size : 0,
      watchingAbandoned: this.#abandonedSent !== null,
      queue: this.#queue.length,
    };
  }

  [asyncDispose]() {
    return new Promise((resolve) => this.close(resolve));
  }

  #healthCheck() {
    if (this.#closed) throw coded(Error, 'ERR_SOCKET_CLOSED', 'Socket is closed');
  }

  #validateAddress(address, name, fallback) {
    if (address !== null && address === this.#lastAddress) return address; // (null: not yet)
    if (address === undefined || address === null) {
      if (fallback === undefined) throw invalidArgType(name, 'of type string', address);
      return fallback;
    }
    if (typeof address !== 'string') throw invalidArgType(name, 'of type string', address);
    const family = net.isIP(address.split('%')[0]);
    if (family === 0) throw invalidArgValue(name, address, 'must be a numeric IPv4 or IPv6 address');
    if (family === 6 && this.type === 'sctp4') {
      throw invalidArgValue(name, address, "must be an IPv4 address on an 'sctp4' socket");
    }
    this.#lastAddress = address;
    return address;
  }

  #bindx(address, op) {
    this.#validateAddress(address, 'address');
    this.#healthCheck();
    if (!this.#bound) throw coded(Error, 'ERR_SOCKET_NOT_BOUND', 'Socket is not bound');
    const { port } = this.address();
    const err = this.#handle.bindx([address], port, op);
    if (err) throw binding.systemError(err, 'sctp_bindx', address, port);
    return this;
  }

  // A string or a non-empty array of numeric addresses -> an array.
  #validateAddresses(addresses, name) {
    const list = Array.isArray(addresses) ? addresses : [addresses];
    if (list.length === 0) throw invalidArgValue(name, addresses, 'must not be empty');
    list.forEach((a, i) => {
      const item = Array.isArray(addresses) ? `${name}[${i}]` : name;
      if (typeof a !== 'string') throw invalidArgType(item, 'of type string', a);
      this.#validateAddress(a, item);
    });
    return list;
  }

  #addressList(result, syscall) {
    if (typeof result === 'number') throw binding.systemError(result, syscall);
    return result.map(([address, port]) => ({ address, port }));
  }

  // A data-less (or reason-only) message with SCTP_EOF or SCTP_ABORT on one association.
  #control(assocId, flag, data, throws = false) {
    if (throws) this.#healthCheck();
    const r = this.#handle.send(data, null, 0, 0, 0, 0, 0, false, assocId, flag);
    if (r < 0 && throws) throw binding.systemError(-r, flag === C.SCTP_EOF ? 'eof' : 'abort');
  }

  #onNotification(type, args) {
    switch (type) {
      case 'association': {
        const [assocId, state, error, address, port, inStreams, outStreams] = args;
        const known = this.#associations.get(assocId);
        const info = {
          assocId,
          state,
          address: address || (known ? known.address : ''),
          port: port || (known ? known.port : 0),
          inStreams,
          outStreams,
          error, // the cause code of the ABORT that ended it, 0 if none
          reason: causeName(error),
        };
        if (state === 'up' || state === 'restart') {
          this.#associations.set(assocId, { assocId, address: info.address, port: info.port });
        } else {
          this.#associations.delete(assocId);
          if (this.#abandonedSent) this.#abandonedSent.delete(assocId);
        }
        const settle = this.#connecting.get(assocId);
        if (settle) {
          if (state === 'up' || state === 'restart') settle(null, info);
          else settle(this.#connectError(settle.started, info));
        }
        const over = this.#peeled && state !== 'up' && state !== 'restart';
        const reason = over && state !== 'shutdown' ? this.#lostError(info) : null;
        try {
          this.emit('association', info);
        } finally {
          if (over) this.#end(reason);
        }
        break;
      }
      case 'peeraddrchange': {
        const [assocId, state, error, address, port] = args;
        this.emit('peeraddrchange', { assocId, address, port, state, error });
        break;
      }
      case 'sendfailed': {
        const [assocId, error, sent, stream, ppid, context, data, size] = args;
        this.emit('sendfailed', {
          assocId, error, sent: sent === 'sent', data, size, truncated: data.length < size, stream, ppid, context,
        });
        break;
      }
      case 'shutdown':
        this.emit('shutdown', { assocId: args[0] });
        break;
      case 'senderdry':
        this.#onSenderDry(args[0]);
        break;
      case 'remoteerror': {
        const [assocId, cause, data] = args;
        this.emit('remoteerror', { assocId, cause, reason: causeName(cause), data });
        break;
      }
      default:
        break;
    }
  }

  // Why connect() failed: the peer refused (an ABORT, with its cause), or no INIT ACK came back
  // before the kernel gave up (which takes all of the INIT retransmission timeouts).
  #connectError(started, info) {
    const timedOut = info.state === 'cant-start' && !info.error &&
      performance.now() - started >= 0.9 * this.#handle.initFailureTime();
    const err = binding.systemError(timedOut ? E.ETIMEDOUT : E.ECONNREFUSED, 'connect', info.address, info.port);
    return withCause(err, info);
  }

  // A peeled-off socket's association failed or was aborted: the kernel's socket error says how
  // (ECONNRESET: the peer aborted; ECONNABORTED: we did; ETIMEDOUT: the peer stopped answering).
  #lostError(info) {
    const errno = this.#closed ? 0 : this.#handle.takeError();
    const err = binding.systemError(errno || E.ECONNRESET, 'recvmsg', info.address, info.port);
    return withCause(err, info);
  }

  // A peeled-off socket's association is over: 'end' (with null after a graceful shutdown, else
  // the error that ended it: never thrown, the peer caused it), then close.
  #end(reason = null) {
    if (this.#closed) return;
    try {
      this.emit('end', reason);
    } finally { // closed even if a listener throws
      this.close();
    }
  }

  #trySend({ data, port, address, info }) {
    return this.#handle.send(data, address, port, info.stream, info.ppid, info.context, info.ttl,
      info.unordered, this.#peeled ? 0 : info.assocId || 0, 0);
  }

  #complete(request, result) {
    const error = result < 0
      ? binding.systemError(-result, 'send', request.address || `association ${request.info.assocId}`,
        request.address ? request.port : undefined)
      : null;
    if (request.callback) request.callback(error, error ? undefined : result);
    else if (error && !(PEER_CAUSED.has(error.code) && (this.#peeled || this.listenerCount('error') === 0))) {
      this.emit('error', error);
    }
    // else: the association ended (its peer shut it down or aborted it) before this message went
    // out. A peer's doing is not thrown at an app that did not listen for 'error'; the
    // 'association' event (on a peeled socket, 'end') says what happened.
  }

  // Each completion runs on a tick of its own: a callback that throws cannot stop the queue.
  #flush() {
    while (this.#queue.length && !this.#closed) {
      const request = this.#queue[0];
      const result = this.#trySend(request);
      if (result === -C.EAGAIN) {
        this.#handle.watchWritable();
        return;
      }
      this.#queue.shift();
      this.#queueBytes -= request.data.length;
      process.nextTick(() => this.#complete(request, result));
    }
    process.nextTick(() => {
      if (!this.#closed && this.#queue.length === 0) this.emit('drain');
    });
  }

  // From the native handle: onevent(kind, ...up to 10 values), spelled out (no rest array).
  #onEvent(kind, a, b, c, d, e, f, g, h, i, j) {
    switch (kind) {
      case kMessage: { // msg, address, port, assocId, stream, ppid, flags, ssn, tsn, context
        const msg = a;
        const address = b;
        this.emit('message', msg, {
          address,
          family: address.includes(':') ? 'IPv6' : 'IPv4', // numeric, from the kernel
          port: c,
          size: msg.length,
          assocId: d,
          stream: e,
          ppid: f,
          unordered: (g & C.SCTP_UNORDERED) !== 0,
          ssn: h,
          tsn: i,
          context: j,
        });
        break;
      }
      case kWritable:
        this.#flush();
        break;
      case kTooLarge: // a peer's doing: reported to who listens, never thrown
        this.emit('oversize', {
          size: a, limit: this.#options.maxMessageSize, address: b, port: c, assocId: d,
        });
        break;
      case kError:
        if (this.#peeled) this.#end(binding.systemError(a, 'recvmsg'));
        else this.emit('error', binding.systemError(a, b));
        break;
      case kNotification:
        this.#onNotification(a, [b, c, d, e, f, g, h, i, j]);
        break;
      case kEnd: // end of file on a peeled-off socket
        this.#end();
        break;
      default:
        break;
    }
  }
}

Socket.prototype.addListener = Socket.prototype.on;

function abortError(signal) {
  const err = new Error('The operation was aborted', { cause: signal.reason });
  err.name = 'AbortError';
  err.code = 'ABORT_ERR';
  return err;
}

function createSocket(options, callback) {
  if (typeof options === 'string') options = { type: options };
  const socket = new Socket(options);
  if (callback !== undefined) socket.on('message', validateFunction(callback, 'callback'));
  return socket;
}

module.exports = { Socket, createSocket };
