'use strict';
// The one-to-one SCTP socket, shaped like net.Socket: a Duplex over one association (SOCK_STREAM
// from connect() or a Server, or an association peeled off a one-to-many socket). One write() is
// one SCTP message, one 'data' chunk one whole message. SCTP extras on the same object: send()
// with per-message options, 'message' with the receive info, the association's events and calls.
const { Duplex } = require('stream');
const dns = require('dns');
const net = require('net');
const { errno: E } = require('os').constants;
const { performance } = require('perf_hooks');
const binding = require('./binding');
const { errnoException, socketError } = require('./errors');
const {
  coded, invalidArgType, invalidArgValue, validateInteger, validatePort, validateBoolean, validateFunction, validateObject,
  validateAbortSignal,
} = require('./validators');
const {
  STREAM_SEND_DEFAULTS, validateSendOptions, validateOptions, applyOptions, validatePeerParams, toMessage,
} = require('./options');
const {
  streamError, peerCaused, associationInfo, isUp, receiveInfo, relayed, connectError, lostError, abortError,
} = require('./notifications');
const A = require('./associations');
const { sendBatch } = require('./batch');
const D = require('./diagnostics');

const { constants: C } = binding;
const kAdopt = Symbol('adopt'); // the constructor's private second argument
const asyncDispose = Symbol.asyncDispose || Symbol.for('nodejs.asyncDispose');
const DEFAULT_HEARTBEAT = 30000; // ms: Linux's default heartbeat interval, for setKeepAlive(true)

// Options of net.Socket / net.connect() read here rather than by validateOptions(); those net has
// and SCTP does not need are accepted and ignored (a module handed in place of net gets them).
const NET_OPTIONS = new Set([
  'port', 'host', 'addresses', 'localAddress', 'localAddresses', 'localPort', 'family', 'hints', 'lookup',
  'timeout', 'noDelay', 'keepAlive', 'keepAliveInitialDelay', 'allowHalfOpen', 'readable', 'writable',
  'autoSelectFamily', 'autoSelectFamilyAttemptTimeout', 'highWaterMark', 'readableHighWaterMark',
  'writableHighWaterMark', 'blockList', 'onread', 'fd', 'path', 'signal',
]);

// connect(options[, cb]) | connect(port[, host][, cb]) -> [options, cb], as net normalizes them.
function normalizeConnectArgs(args) {
  if (args.length === 0) return [{}, undefined];
  const last = args[args.length - 1];
  const cb = typeof last === 'function' ? last : undefined;
  const first = args[0];
  if (first !== null && typeof first === 'object') return [first, cb];
  const options = { port: first };
  if (typeof args[1] === 'string') options.host = args[1];
  return [options, cb];
}

class StreamSocket extends Duplex {
  #handle = null;
  #options; // validated SCTP options
  #connecting = false;
  #upPublished = false; // association.up went out, its down not yet
  #connected = false;
  #started = 0; // performance.now() when the connect began
  #remote = null; // { address, port }
  #assocId = 0;
  #eof = false; // the association is over (end of file read)
  #shutdown = false; // end(): our SHUTDOWN was asked for
  #lost = null; // the error that ended the association, emitted or not
  #paused = false; // reading stopped: the readable side is full
  #waiting = null; // a write waiting for the socket to take more (EAGAIN) or for the connect
  #final = null; // _final's callback, waiting for the connect
  #sendInfos = new WeakMap(); // a send()'s buffer -> its own options
  #timeout = 0;
  #timer = null;
  #bytesRead = 0;
  #bytesWritten = 0;
  #refed = true;
  #onAbort = null;

  // new StreamSocket([options]) then connect(), as with net.Socket. (A Server or peeloff() passes
  // validated options, kAdopt and open(handle) -> errno, which gives the handle its association.)
  constructor(options = {}, adopt, open, syscall) {
    const internal = adopt === kAdopt;
    if (!internal) validateObject(options, 'options');
    const o = internal ? options : validateOptions(options, NET_OPTIONS, STREAM_SEND_DEFAULTS);
    if (!internal && o.reusePort) { // a group shares a listening port: nothing for a client to share
      throw invalidArgValue('options.reusePort', true, 'applies to createServer() and createSocket() only');
    }
    super({
      allowHalfOpen: false, // SCTP has no half-open association: a SHUTDOWN ends both ways
      emitClose: false, // 'close' (hadError) is emitted once the handle is closed, as net does
      readableObjectMode: true, // a chunk is a message, read() included
      writableHighWaterMark: internal ? o.sendHighWaterMark : options.writableHighWaterMark ?? o.sendHighWaterMark,
      readable: internal ? true : options.readable !== false,
      writable: internal ? true : options.writable !== false,
    });
    this.#options = o;
    if (internal) {
      this.#handle = new binding.SocketHandle(this.#callbacks());
      const err = open(this.#handle);
      if (err) {
        this.#handle = null;
        throw errnoException(err, syscall);
      }
      this.#handle.setMaxMessageSize(o.maxMessageSize);
      D.publish(D.channels.socketCreated, () => ({ socket: this, kind: 'one-to-one' }));
      this.#up();
      return;
    }
    if (options.noDelay !== undefined) o.nodelay = validateBoolean(options.noDelay, 'options.noDelay');
    if (options.keepAlive) {
      o.heartbeatInterval = validateInteger(options.keepAliveInitialDelay || DEFAULT_HEARTBEAT,
        'options.keepAliveInitialDelay', 1, 2 ** 31 - 1);
    }
    if (options.signal !== undefined) this.#watch(validateAbortSignal(options.signal, 'options.signal'));
    D.publish(D.channels.socketCreated, () => ({ socket: this, kind: 'one-to-one' }));
  }

  // An aborted signal destroys the socket with an AbortError.
  #watch(signal) {
    if (signal.aborted) {
      process.nextTick(() => this.destroy(abortError(signal)));
      return;
    }
    this.#onAbort = () => this.destroy(abortError(signal));
    this.#options = { ...this.#options, signal };
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  // connect(port[, host][, connectListener]) | connect(options[, connectListener])
  connect(...args) {
    const [options, cb] = normalizeConnectArgs(args);
    validateObject(options, 'options');
    if (options.path !== undefined) throw invalidArgValue('options.path', options.path, 'is not an SCTP address (IPC paths are not supported)');
    if (this.#handle || this.#connecting) {
      throw coded(Error, 'ERR_SOCKET_CONNECTING', 'Socket is already connecting or connected');
    }
    if (this.destroyed) throw coded(Error, 'ERR_SOCKET_CLOSED', 'Socket is closed');
    if (options.port === undefined) {
      throw coded(TypeError, 'ERR_MISSING_ARGS', 'The "options" or "port" argument must be specified');
    }
    const port = validatePort(options.port, 'Port', false);
    let remote;
    if (options.addresses !== undefined) {
      if (options.host !== undefined) throw invalidArgValue('options', options, "cannot have both 'host' and 'addresses'");
      remote = A.validateAddresses(options.addresses, 'options.addresses');
    }
    const local = options.localAddresses !== undefined
      ? A.validateAddresses(options.localAddresses, 'options.localAddresses')
      : options.localAddress !== undefined ? [A.validateAddress(options.localAddress, 'options.localAddress')] : null;
    const localPort = options.localPort === undefined ? 0 : validatePort(options.localPort, 'options.localPort');
    const family = options.family === undefined ? 0 : options.family;
    if (family !== 0 && family !== 4 && family !== 6) {
      throw invalidArgValue('options.family', family, 'must be 0, 4 or 6');
    }
    const lookup = options.lookup === undefined ? dns.lookup : validateFunction(options.lookup, 'options.lookup');
    const host = options.host === undefined ? 'localhost' : options.host;
    if (remote === undefined && typeof host !== 'string') throw invalidArgType('options.host', 'of type string', host);
    if (options.timeout !== undefined) this.setTimeout(options.timeout);
    if (options.signal !== undefined && !this.#onAbort) this.#watch(validateAbortSignal(options.signal, 'options.signal'));
    if (cb) this.once('connect', cb);
    this.#connecting = true;
    if (remote === undefined && net.isIP(host) === 0) {
      lookup(host, { family }, (err, address, addressFamily) => {
        this.emit('lookup', err, address, addressFamily, host);
        if (this.destroyed) return;
        if (err) return this.destroy(err);
        this.#start([address], port, local, localPort);
      });
    } else {
      const list = remote || [host];
      process.nextTick(() => { if (!this.destroyed) this.#start(list, port, local, localPort); });
    }
    return this;
  }

  // Opens the socket and starts the association: 'connect' when it is up.
  #start(addresses, port, local, localPort) {
    const family = [...addresses, ...local || []].some((a) => net.isIPv6(a.split('%')[0])) ? 6 : 4;
    const handle = new binding.SocketHandle(this.#callbacks());
    const openErr = handle.open(family, true);
    if (openErr) return this.destroy(socketError(openErr));
    this.#handle = handle;
    try {
      applyOptions(handle, this.#options, family);
    } catch (err) {
      this.#handle = null;
      return this.destroy(err);
    }
    if (!this.#refed) handle.unref();
    let syscall = 'bind';
    let err = 0;
    if (local && local.length > 1) err = handle.bindx(local, localPort, false);
    else if (local || localPort) err = handle.bind(local ? local[0] : family === 6 ? '::' : '0.0.0.0', localPort);
    if (!err) {
      syscall = 'connect';
      err = handle.read();
    }
    if (!err) {
      this.#started = performance.now();
      err = handle.connect(addresses, port, {});
    }
    this.#remote = { address: addresses[0], port };
    if (err) this.destroy(errnoException(err, syscall, syscall === 'connect' ? addresses[0] : local && local[0], syscall === 'connect' ? port : localPort));
  }

  // The association is up (connected, accepted, or peeled off): where it goes, then 'connect'.
  #up() {
    this.#connecting = false;
    this.#connected = true;
    let up = null;
    try {
      const { primary, assocId, inStreams, outStreams } = A.status(this.#handle, 0);
      this.#remote = { address: primary.address, port: primary.port };
      this.#assocId = assocId;
      up = { assocId, state: 'up', ...this.#remote, inStreams, outStreams };
    } catch { /* ended already: its end follows */ }
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting) this.#transmit(waiting.messages, waiting.callback, waiting.from);
    if (this.#final) this._final(this.#final);
    // Last: a subscriber may destroy the socket.
    if (up) {
      this.#upPublished = true;
      D.publishAssociation(this, up);
    }
  }

  #callbacks() {
    return {
      ...relayed(this),
      onmessage: (msg, address, port, assocId, stream, ppid, flags, ssn, tsn, context) => {
        this.#bytesRead += msg.length;
        if (this.#timer) this.#timer.refresh();
        if (this.listenerCount('message') > 0) {
          this.emit('message', msg, receiveInfo(msg, address, port, assocId, stream, ppid, flags, ssn, tsn, context));
        }
        if (!this.push(msg) && this.#handle) {
          this.#paused = true;
          this.#handle.setReading(false);
        }
      },
      onwritable: () => {
        const waiting = this.#waiting;
        this.#waiting = null;
        if (waiting) this.#transmit(waiting.messages, waiting.callback, waiting.from);
      },
      onoversize: (size, address, port, assocId) => {
        this.emit('oversize', { size, limit: this.#options.maxMessageSize, address, port, assocId });
      },
      onerror: (errno, syscall) => this.#lose(errnoException(-errno, this.#connecting ? 'connect' : syscall,
        this.#remote?.address, this.#remote?.port)),
      onend: () => this.#onEnd(),
      onassociation: (assocId, state, ...rest) => {
        const info = associationInfo(this.#remote, assocId, state, ...rest);
        if (isUp(state) && this.#connecting) {
          this.#up();
          if (this.destroyed) return; // by a diagnostics subscriber
          this.emit('connect');
          this.emit('ready');
        }
        if (state !== 'up') { // 'up': #up()
          if (!isUp(state)) this.#upPublished = false;
          D.publishAssociation(this, { ...info, assocId: this.#assocId || assocId });
        }
        this.emit('association', info);
        if (isUp(state)) return;
        // The side that began the SHUTDOWN reads no end of file: its completion is the end.
        if (state === 'shutdown') return this.#onEnd();
        return this.#lose(this.#connecting ? connectError(this.#handle, this.#started, info) : lostError(this.#handle, info));
      },
    };
  }

  // End of file: the association is over. If it never came up, the connect failed.
  #onEnd() {
    if (this.#eof) return;
    this.#eof = true;
    if (this.#connecting) {
      this.#lose(errnoException(-E.ECONNREFUSED, 'connect', this.#remote.address, this.#remote.port));
      return;
    }
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting) waiting.callback(this.#writeError(-E.EPIPE, waiting.messages[waiting.from || 0]));
    this.push(null);
    this.read(0); // 'end' now if nothing is left unread (as net does), even with no reader
  }

  // The association failed or was ended by the peer: a peer's doing, so 'error' only for those
  // who listen for it; 'close' (hadError: true) either way.
  #lose(err) {
    if (this.destroyed) return;
    this.#eof = true;
    this.#lost = err;
    this.destroy(this.listenerCount('error') > 0 ? err : undefined);
  }

  // A write that failed (message: the first one not taken): the error for its callback. One the
  // peer caused (the association is over, or the peer accepts fewer streams than the message's) destroys the socket first when nothing
  // listens for 'error', so it is not thrown.
  #writeError(errno, message) {
    const stream = message && message.info.stream;
    let err = errnoException(errno, 'send', this.#remote?.address, this.#remote?.port);
    if (this.#handle) err = streamError(err, this.#handle, 0, stream);
    if (message) D.publishSendError(this, this.#assocId, err, message.info, message.data.length);
    if (peerCaused(err) && this.listenerCount('error') === 0) {
      this.#lost = this.#lost || err;
      this.destroy();
    }
    return err;
  }

  // Sends messages[from...] in order, up to 64 per system call; callback() once the kernel took
  // them all, or with the first error. On EAGAIN the rest wait until the socket is writable.
  #transmit(messages, callback, from = 0) {
    if (this.destroyed) return callback(coded(Error, 'ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed'));
    while (from < messages.length) {
      const taken = sendBatch(this.#handle, messages, from);
      if (taken === -C.EAGAIN) {
        this.#waiting = { messages, from, callback };
        this.#handle.watchWritable();
        return undefined;
      }
      if (taken < 0) return callback(this.#writeError(taken, messages[from]));
      for (let i = from; i < from + taken; i++) this.#bytesWritten += messages[i].data.length;
      from += taken;
      if (this.#timer) this.#timer.refresh();
    }
    return callback();
  }

  // Buffers to write -> the messages #transmit() sends: each with its send()'s options, if any.
  // An empty one is no message (as on TCP, nothing is sent).
  #messages(buffers) {
    return buffers.filter((data) => data.length > 0).map((data) => ({
      data, address: null, port: 0, info: this.#sendInfos.get(data) || this.#options.defaults,
    }));
  }

  _write(data, encoding, callback) {
    this.#write(this.#messages([data]), callback);
  }

  // Writes held back by cork() or by a wait: one system call per 64 messages (sendmmsg).
  _writev(chunks, callback) {
    this.#write(this.#messages(chunks.map(({ chunk }) => chunk)), callback);
  }

  #write(messages, callback) {
    if (!this.#connected) {
      this.#waiting = { messages, callback };
      return;
    }
    this.#transmit(messages, callback);
  }

  _read() {
    if (this.#paused && this.#handle) {
      this.#paused = false;
      this.#handle.setReading(true);
    }
  }

  // end(): after every write was taken, a graceful SHUTDOWN (the kernel sends what is queued first).
  _final(callback) {
    if (!this.#handle) return callback(); // destroyed meanwhile: nothing left to shut down
    if (!this.#connected) {
      this.#final = callback;
      return;
    }
    this.#final = null;
    this.#shutdown = true;
    const err = this.#eof ? 0 : this.#handle.shutdown();
    // Refused because the association is over (its end, or the peer's ABORT, is on its way to
    // us): nothing to shut down.
    const over = [E.ENOTCONN, E.EPIPE, E.ECONNRESET, E.ESHUTDOWN].includes(-err);
    callback(err && !over ? errnoException(err, 'shutdown') : undefined);
  }

  // destroy([err]): an ABORT, unless the association ended or end() began its SHUTDOWN already.
  _destroy(err, callback) {
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#connecting = false;
    if (this.#onAbort) this.#options.signal.removeEventListener('abort', this.#onAbort);
    if (this.#handle) this.#handle.close(!this.#eof && !this.#shutdown);
    this.#handle = null;
    if (this.#upPublished) { // ended here, not by an event: its down says so
      this.#upPublished = false;
      D.publishAssociation(this, { assocId: this.#assocId, state: 'closed', error: 0, reason: '' });
    }
    const waiting = this.#waiting;
    this.#waiting = null;
    if (waiting) waiting.callback(err || this.#lost || coded(Error, 'ERR_SOCKET_CLOSED', 'Socket closed before the message was sent'));
    const hadError = Boolean(err || this.#lost);
    callback(err);
    process.nextTick(() => {
      D.publish(D.channels.socketClosed, () => ({ socket: this }));
      this.emit('close', hadError);
    });
  }

  // send(msg[, options][, callback]): one message with its own send options (stream, ppid,
  // unordered, ttl, context), in order with write()s. Returns write()'s value.
  send(msg, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = undefined;
    }
    const view = toMessage(msg);
    const info = options === undefined ? this.#options.defaults
      : validateSendOptions(options, 'options', this.#options.defaults);
    if (callback !== undefined) validateFunction(callback, 'callback');
    const data = Buffer.from(view.buffer, view.byteOffset, view.length); // this send's own object
    if (info !== this.#options.defaults) this.#sendInfos.set(data, info);
    return this.write(data, callback);
  }

  // A 'message' listener reads as a 'data' listener does: the socket starts flowing.
  on(event, listener) {
    super.on(event, listener);
    if (event === 'message' && this.readableFlowing === null) this.resume();
    return this;
  }

  prependListener(event, listener) {
    super.prependListener(event, listener);
    if (event === 'message' && this.readableFlowing === null) this.resume();
    return this;
  }

  // As net's: end(), then destroy() once what was written has gone.
  destroySoon() {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  setTimeout(ms, callback) {
    validateInteger(ms, 'msecs', 0, 2 ** 31 - 1);
    this.#timeout = ms;
    clearTimeout(this.#timer);
    this.#timer = null;
    if (ms > 0 && !this.destroyed) {
      this.#timer = setTimeout(() => this.emit('timeout'), ms);
      this.#timer.unref();
    }
    if (callback !== undefined) {
      validateFunction(callback, 'callback');
      if (ms === 0) this.off('timeout', callback);
      else this.once('timeout', callback);
    }
    return this;
  }

  get timeout() { return this.#timeout || undefined; }

  setNoDelay(noDelay = true) {
    const on = Boolean(noDelay);
    this.#options = { ...this.#options, nodelay: on };
    if (this.#handle) this.#check(this.#handle.setInt(C.IPPROTO_SCTP, C.SCTP_NODELAY, on ? 1 : 0), 'setsockopt SCTP_NODELAY');
    return this;
  }

  // Heartbeats: SCTP's keep-alive, every initialDelay ms (Linux's 30 s when 0), or off.
  setKeepAlive(enable = false, initialDelay = 0) {
    validateInteger(initialDelay, 'initialDelay', 0, 2 ** 31 - 1);
    const interval = enable ? initialDelay || DEFAULT_HEARTBEAT : 0;
    this.#options = { ...this.#options, heartbeatInterval: interval };
    if (this.#handle) this.#check(this.#handle.setPeerParams(interval, -1), 'setsockopt SCTP_PEER_ADDR_PARAMS');
    return this;
  }

  #check(err, syscall) {
    if (err) throw errnoException(err, syscall);
  }

  address() {
    return this.#handle ? A.sockName(this.#handle) : {};
  }

  get remoteAddress() { return this.#remote && this.#connected ? this.#remote.address : undefined; }
  get remotePort() { return this.#remote && this.#connected ? this.#remote.port : undefined; }
  get remoteFamily() { return this.remoteAddress && A.familyOf(this.remoteAddress); }
  get localAddress() { return this.#handle ? this.address().address : undefined; }
  get localPort() { return this.#handle ? this.address().port : undefined; }
  get localFamily() { return this.#handle ? this.address().family : undefined; }
  get bytesRead() { return this.#bytesRead; }
  get bytesWritten() { return this.#bytesWritten; }
  get connecting() { return this.#connecting; }
  get pending() { return !this.#connected || this.destroyed; }
  get assocId() { return this.#assocId; }

  get readyState() {
    if (this.#connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable && !this.writable) return 'readOnly';
    if (!this.readable && this.writable) return 'writeOnly';
    return 'closed';
  }

  ref() {
    this.#refed = true;
    if (this.#handle) this.#handle.ref();
    return this;
  }

  unref() {
    this.#refed = false;
    if (this.#handle) this.#handle.unref();
    return this;
  }

  resetAndDestroy() {
    return this.destroy(coded(Error, 'ERR_SOCKET_CLOSED', 'Socket reset'));
  }

  // The association: its SCTP_STATUS, addresses, primary path.
  status() { return A.status(this.#connectedHandle(), 0); }
  streamStatus(stream) {
    validateInteger(stream, 'stream', 0, 65535);
    return A.streamStatus(this.#connectedHandle(), 0, stream);
  }
  peerAddresses() { return A.peerAddresses(this.#connectedHandle(), 0); }
  localAddresses() { return A.localAddresses(this.#connectedHandle(), 0); }
  paths() { return A.paths(this.#connectedHandle(), 0); }
  stats() {
    const stats = A.stats(this.#connectedHandle(), 0);
    if (stats) stats.assocId = this.#assocId; // (the kernel echoes the 0 it was given)
    return stats;
  }

  setPrimary(address) {
    A.validateAddress(address, 'address');
    A.setPrimary(this.#connectedHandle(), 0, address, this.#remote.port);
    return this;
  }

  // Per-path parameters (SCTP_PEER_ADDR_PARAMS): of params.address, or of every path.
  setPeerParams(params) {
    const p = validatePeerParams(params);
    if (p.address !== null) A.validateAddress(p.address, 'params.address');
    A.setPeerParams(this.#connectedHandle(), 0, p, this.#remote.port);
    return this;
  }

  setStreamPriority(stream, value) {
    A.setStreamPriority(this.#connectedHandle(), 0, stream, value);
    return this;
  }

  // Stream reconfiguration (RFC 6525), as on createSocket()'s socket.
  resetStreams(streams, options) {
    A.resetStreams(this.#connectedHandle(), 0, streams, options);
    return this;
  }

  resetAssociation() {
    A.resetAssociation(this.#connectedHandle(), 0);
    return this;
  }

  addStreams(streams) {
    A.addStreams(this.#connectedHandle(), 0, streams);
    return this;
  }

  // SCTP-AUTH (RFC 4895) shared keys of the association, as on createSocket()'s socket.
  setAuthKey(keyNumber, secret) {
    A.setAuthKey(this.#connectedHandle(), 0, keyNumber, secret);
    return this;
  }

  useAuthKey(keyNumber) {
    A.useAuthKey(this.#connectedHandle(), 0, keyNumber);
    return this;
  }

  deleteAuthKey(keyNumber) {
    A.deleteAuthKey(this.#connectedHandle(), 0, keyNumber);
    return this;
  }

  #connectedHandle() {
    if (this.destroyed) throw coded(Error, 'ERR_SOCKET_CLOSED', 'Socket is closed');
    if (!this.#connected) throw coded(Error, 'ERR_SOCKET_NOT_CONNECTED', 'Socket is not connected');
    return this.#handle;
  }

  [asyncDispose]() {
    if (this.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.once('close', resolve);
      this.destroy();
    });
  }
}

StreamSocket.prototype.addListener = StreamSocket.prototype.on;

// connect(port[, host][, connectListener]) | connect(options[, connectListener]) -> StreamSocket
function connect(...args) {
  const [options] = normalizeConnectArgs(args);
  return new StreamSocket(options).connect(...args);
}

module.exports = { StreamSocket, connect, kAdopt };
