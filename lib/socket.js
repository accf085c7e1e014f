'use strict';
// createSocket(): a dgram-shaped SCTP one-to-many socket. The native SocketHandle is dumb (it
// returns errnos); validation, the send queue, error shaping and events live here, as in Node's
// lib/dgram.js. Options, notifications and the association calls are shared with the one-to-one
// socket (lib/stream.js), which peeloff() returns.
const EventEmitter = require('events');
const binding = require('./binding');
const { errnoException, socketError } = require('./errors');
const {
  coded, invalidArgValue, validateInteger, validateFunction, validateObject, validateAbortSignal,
} = require('./validators');
const {
  STREAM_SEND_DEFAULTS, validateSendOptions, validateOptions, applyOptions, validatePeerParams, toBuffer, toMessage,
  bindError,
} = require('./options');
const {
  streamError, peerCaused, associationInfo, isUp, receiveInfo, relayed, connectError, abortError,
} = require('./notifications');
const A = require('./associations');
const { sendOne, SendQueue } = require('./batch');
const { StreamSocket, kAdopt } = require('./stream');
const D = require('./diagnostics');

const { constants: C } = binding;
const { errno: E } = require('os').constants;
const { performance } = require('perf_hooks');

const asyncDispose = Symbol.asyncDispose || Symbol.for('nodejs.asyncDispose');
const kInternals = Symbol.for('sctp-napi.internals');
const ITERATOR_HIGH_WATER = 16; // messages an async iterator holds before reading pauses
const kLoop = Symbol('sctp-napi.loop'); // marks an async iterator's own listeners: not the app's
const OWN_OPTIONS = new Set(['type']); // read by the constructor, not validateOptions()
// The send options of a data-less SCTP_EOF or SCTP_ABORT (or one with an abort reason).
const CONTROL = { stream: 0, ppid: 0, context: 0, ttl: 0, unordered: false, policy: C.SCTP_PR_SCTP_TTL };
const tables = (handle) => {
  const out = {};
  handle.tables(out);
  return out;
};

class Socket extends EventEmitter {
  #handle;
  #options;
  #streamDefaults; // a peeled-off socket's send defaults: in order and fully reliable, under the app's
  #bound = false;
  #closed = false;
  #queue = new SendQueue();
  #onAbort = null;
  #associations = new Map(); // assocId -> { assocId, address, port }
  #connecting = new Map(); // assocId -> settle(err, info)
  #lastAddress = null; // the last address #validateAddress accepted (sends repeat it)
  #abandonedSent = null; // assocId -> abandoned.sent last reported; a Map while 'abandoned' is listened to
  #pauses = 0; // async iterators holding reading paused
  #unread = []; // { msg, rinfo }s a loop left (break) that no one else saw: the next reader's, first
  #handingBack = false; // #handBack() has a tick coming
  #corked = 0; // cork() calls not yet undone by uncork(): sends wait in the queue
  #owesDrain = false; // the queue waited for room (EAGAIN) or send() returned false: 'drain' when it empties
  #dry = false; // SCTP_SENDER_DRY_EVENT is on: 'abandoned' is listened to, or a destination waits for room
  #opening = new Map(); // with interleave: 'address port' -> the sends waiting for the association to it (#holdUntilUp)
  #byPeer = new Map(); // with interleave: 'address port' -> assocId, of the associations that came up
  #peerKey = new Map(); // and back: assocId -> its key in #byPeer (#knowPeer, #forgetPeer)
  #held = { count: 0, bytes: 0 }; // the sends in #opening
  #drainTick = false; // a 'drain' is to be emitted on the next tick

  constructor(options) {
    super();
    validateObject(options, 'options');
    const { type } = options;
    if (type !== 'sctp4' && type !== 'sctp6') {
      throw invalidArgValue('options.type', type, "must be 'sctp4' or 'sctp6'");
    }
    const o = { ...validateOptions(options, OWN_OPTIONS), type };
    if (o.ipv6Only && type !== 'sctp6') {
      throw invalidArgValue('options.ipv6Only', true, "applies to type 'sctp6' only");
    }
    this.#options = o;
    this.#streamDefaults = options.defaults === undefined ? STREAM_SEND_DEFAULTS
      : validateSendOptions(options.defaults, 'options.defaults', STREAM_SEND_DEFAULTS);
    const handle = new binding.SocketHandle(this.#callbacks());
    const family = type === 'sctp6' ? 6 : 4;
    const openErr = handle.open(family, false);
    if (openErr) throw socketError(openErr);
    applyOptions(handle, o, family);
    this.#handle = handle;

    if (o.signal) {
      if (o.signal.aborted) {
        process.nextTick(() => this.close());
      } else {
        this.#onAbort = () => this.close();
        o.signal.addEventListener('abort', this.#onAbort, { once: true });
      }
    }
    D.publish(D.channels.socketCreated, () => ({ socket: this, kind: 'one-to-many' }));
  }

  // The native handle's callbacks: set once, each a named event of the socket.
  #callbacks() {
    return {
      ...relayed(this),
      onmessage: (msg, address, port, assocId, stream, ppid, flags, ssn, tsn, context) => {
        const rinfo = receiveInfo(msg, address, port, assocId, stream, ppid, flags, ssn, tsn, context);
        if (this.#unread.length && this.listenerCount('message') > 0) { // behind what a loop left
          this.#unread.push({ msg, rinfo });
          this.#handBack();
        } else {
          this.emit('message', msg, rinfo); // (with no listener: dropped, as dgram's)
        }
      },
      onwritable: () => {
        if (this.#corked === 0) this.#flush();
      },
      onoversize: (size, address, port, assocId) => { // a peer's doing: reported to who listens, never thrown
        this.emit('oversize', { size, limit: this.#options.maxMessageSize, address, port, assocId });
      },
      onerror: (errno, syscall) => this.emit('error', errnoException(-errno, syscall)),
      onassociation: (...args) => this.#onAssociation(...args),
      onsenderdry: (assocId) => this.#onSenderDry(assocId),
    };
  }

  get type() { return this.#options.type; }

  // As Node's Readable does for 'data': the first 'abandoned' listener turns the reports on, and
  // removing the last turns them off.
  on(event, listener) {
    super.on(event, listener);
    if (event === 'abandoned') this.#watchAbandoned();
    if (event === 'message') this.#handBack();
    return this;
  }

  addListener(event, listener) {
    return this.on(event, listener);
  }

  prependListener(event, listener) {
    super.prependListener(event, listener);
    if (event === 'abandoned') this.#watchAbandoned();
    if (event === 'message') this.#handBack();
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
    this.#abandonedSent = new Map();
    const err = this.#watchDry();
    if (err) {
      this.#abandonedSent = null;
      throw errnoException(err, 'setsockopt SCTP_EVENT');
    }
  }

  #unwatchAbandoned() {
    if (!this.#abandonedSent || this.listenerCount('abandoned') > 0) return;
    this.#abandonedSent = null;
    this.#watchDry();
  }

  // SCTP_SENDER_DRY_EVENT on while 'abandoned' is listened to or a destination waits for room (see
  // #flush()), off otherwise -> 0 | -errno.
  #watchDry() {
    const on = this.#abandonedSent !== null || this.#queue.waiting > 0;
    if (on === this.#dry || this.#closed) return 0;
    const err = this.#handle.subscribe(C.SCTP_SENDER_DRY_EVENT, on);
    if (!err) this.#dry = on;
    return err;
  }

  #onSenderDry(assocId) {
    if (this.#queue.waiting && this.#corked === 0) this.#flush(); // an association has room again
    if (!this.#abandonedSent || this.#closed) return;
    const status = {};
    if (this.#handle.status(assocId, status) || !status.abandoned) return;
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
    let syscall = addresses ? 'sctp_bindx' : 'bind';
    let err = addresses ? this.#handle.bindx(addresses, port, false) : this.#handle.bind(address, port);
    if (!err) {
      syscall = 'listen';
      err = this.#handle.listen(C.SOMAXCONN);
    }
    if (err) {
      const error = bindError(err, syscall, address, port, this.#options.reusePort);
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
    const err = this.#handle.bind(this.type === 'sctp6' ? '::' : '0.0.0.0', 0) || this.#handle.read();
    if (err) throw errnoException(err, 'bind');
    this.#bound = true;
    process.nextTick(() => this.emit('listening')); // bound, as dgram says it
  }

  address() {
    this.#healthCheck();
    if (!this.#bound) throw coded(Error, 'ERR_SOCKET_NOT_BOUND', 'Socket is not bound');
    return A.sockName(this.#handle);
  }

  // send(msg, port[, address][, options][, callback]) -> false while the queue is over the mark.
  // send(msg, { assocId, ... }[, callback]) sends on an association.
  send(msg, port, address, options, callback) {
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
    const data = toMessage(msg);
    const info = options === undefined
      ? this.#options.defaults
      : validateSendOptions(options, 'options', this.#options.defaults, true);
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
    if (!(this.#options.interleave && !info.assocId && this.#holdUntilUp(request))) this.#submit(request);
    return this.#belowMark();
  }

  #submit(request) {
    if (this.#corked === 0 && this.#queue.isClear(request)) {
      const result = sendOne(this.#handle, request);
      if (result !== -C.EAGAIN) { // a success with no callback needs nothing more
        if (request.callback || result < 0) process.nextTick(() => this.#complete(request, result));
        return;
      }
      this.#queue.push(request);
      this.#queue.stall(); // its destination is full: later messages to others need not wait
      this.#waitForRoom();
    } else {
      this.#queue.push(request);
    }
  }

  // What send() returns: as a Writable, false while what waits (queued or held) is over the mark,
  // and 'drain' once it is under it again (#drainIfOwed).
  #belowMark() {
    if (this.#queue.bytes + this.#held.bytes <= this.#options.sendHighWaterMark) return true;
    this.#owesDrain = true;
    return false;
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
      const out = {};
      const err = this.#handle.connect(list, port, out);
      if (err) return Promise.reject(errnoException(err, 'connect', list[0], port));
      const { assocId } = out;
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
          timer = setTimeout(() => fail(errnoException(-E.ETIMEDOUT, 'connect', list[0], port)), timeout);
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
    return [...this.#associations.values()].map((a) => ({
      ...a, addresses: A.peerAddressesIfAny(this.#handle, a.assocId) || [],
    }));
  }

  // SCTP_STATUS of one association: state, windows, streams and the primary path.
  status(assocId) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    return A.status(this.#handle, assocId);
  }

  // PR-SCTP messages abandoned on one outbound stream of an association (SCTP_PR_STREAM_STATUS).
  streamStatus(assocId, stream) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    validateInteger(stream, 'stream', 0, 65535);
    this.#healthCheck();
    return A.streamStatus(this.#handle, assocId, stream);
  }

  peerAddresses(assocId) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    return A.peerAddresses(this.#handle, assocId);
  }

  // Each peer address (path) of one association: its state, cwnd, srtt, rto, mtu, and whether it
  // is the primary path.
  paths(assocId) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    return A.paths(this.#handle, assocId);
  }

  // SCTP_GET_ASSOC_STATS of one association, or null where the kernel lacks it.
  stats(assocId) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    return A.stats(this.#handle, assocId);
  }

  localAddresses(assocId = 0) {
    validateInteger(assocId, 'assocId', 0, 2 ** 31 - 1);
    this.#healthCheck();
    return A.localAddresses(this.#handle, assocId);
  }

  // Branches one association off into a one-to-one socket of its own (sctp_peeloff): the same
  // class connect() and createServer() give, a Duplex with this socket's options; its send defaults
  // are the one-to-one socket's (in order, fully reliable) with the `defaults` given here over them.
  peeloff(assocId) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    try {
      return new StreamSocket({ ...this.#options, defaults: this.#streamDefaults }, kAdopt,
        (handle) => handle.peeloff(this.#handle, assocId), 'sctp_peeloff');
    } finally { // unless it is still here (the peeloff failed before the kernel's part), it is gone
      if (A.peerAddressesIfAny(this.#handle, assocId) === null) {
        if (this.#associations.has(assocId)) { // its up went out here; the new socket publishes its own
          D.publishAssociation(this, { assocId, state: 'peeled-off', error: 0, reason: '' });
        }
        this.#associations.delete(assocId);
        if (this.#abandonedSent) this.#abandonedSent.delete(assocId);
        const peeled = () => coded(Error, 'ERR_SCTP_PEELED_OFF', 'The association was peeled off before it was up');
        const settle = this.#connecting.get(assocId); // its COMM_UP goes to the peeled-off socket
        if (settle) settle(peeled());
        this.#forgetPeer(assocId);
        for (const [key, waiting] of this.#opening) {
          if (waiting.assocId === assocId) this.#failHeld(key, waiting, peeled());
        }
      }
    }
  }

  // Multi-homing: adds or removes a local address of the bound socket (sctp_bindx).
  addAddress(address) {
    return this.#bindx(address, false);
  }

  removeAddress(address) {
    return this.#bindx(address, true);
  }

  // Makes address (one of the peer's) the primary path of an association.
  setPrimary(assocId, address) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#validateAddress(address, 'address');
    this.#healthCheck();
    const known = this.#associations.get(assocId);
    A.setPrimary(this.#handle, assocId, address, known ? known.port : 0);
    return this;
  }

  // Per-path parameters of an association (SCTP_PEER_ADDR_PARAMS): of params.address, or of every
  // path when there is none.
  setPeerParams(assocId, params) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    const p = validatePeerParams(params);
    if (p.address !== null) this.#validateAddress(p.address, 'params.address');
    this.#healthCheck();
    const known = this.#associations.get(assocId);
    A.setPeerParams(this.#handle, assocId, p, known ? known.port : 0);
    return this;
  }

  // The stream's priority (scheduler 'priority': lower goes first) or weight (scheduler 'wfq').
  setStreamPriority(assocId, stream, value) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    A.setStreamPriority(this.#handle, assocId, stream, value);
    return this;
  }

  // Stream reconfiguration (RFC 6525; the streamReset option at both ends): 'streamreset',
  // 'assocreset' and 'streamchange' tell the outcome.
  resetStreams(assocId, streams, options) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    A.resetStreams(this.#handle, assocId, streams, options);
    return this;
  }

  resetAssociation(assocId) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    A.resetAssociation(this.#handle, assocId);
    return this;
  }

  addStreams(assocId, streams) {
    validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    A.addStreams(this.#handle, assocId, streams);
    return this;
  }

  // SCTP-AUTH (RFC 4895) shared keys: of one association, or with no assocId of every association,
  // those to come included. Both ends need the same secret under the same key number.
  setAuthKey(keyNumber, secret, assocId) {
    A.setAuthKey(this.#authHandle(assocId), assocId ?? C.SCTP_ALL_ASSOC, keyNumber, secret);
    return this;
  }

  // The key our packets are signed with.
  useAuthKey(keyNumber, assocId) {
    A.useAuthKey(this.#authHandle(assocId), assocId ?? C.SCTP_ALL_ASSOC, keyNumber);
    return this;
  }

  deleteAuthKey(keyNumber, assocId) {
    A.deleteAuthKey(this.#authHandle(assocId), assocId ?? C.SCTP_ALL_ASSOC, keyNumber);
    return this;
  }

  #authHandle(assocId) {
    if (assocId !== undefined) validateInteger(assocId, 'assocId', 1, 2 ** 31 - 1);
    this.#healthCheck();
    return this.#handle;
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
    for (const assocId of this.#associations.keys()) { // ended here, not by an event: their down says so
      D.publishAssociation(this, { assocId, state: 'closed', error: 0, reason: '' });
    }
    this.#associations.clear();
    this.#abandonedSent = null;
    this.#unread = [];
    const unsent = [...this.#queue.clear(), ...[...this.#opening.values()].flat()];
    this.#opening.clear();
    this.#held = { count: 0, bytes: 0 };
    process.nextTick(() => {
      for (const request of unsent) {
        if (request.callback) {
          request.callback(coded(Error, 'ERR_SOCKET_CLOSED', 'Socket closed before the message was sent'));
        }
      }
      D.publish(D.channels.socketClosed, () => ({ socket: this }));
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

  // cork(): the sends that follow wait in the queue until as many uncork() calls; then they go in
  // order, up to 64 per system call (sendmmsg), as Writable's cork()/uncork() batch writes.
  cork() {
    this.#corked++;
  }

  uncork() {
    if (this.#corked === 0) return;
    this.#corked--;
    if (this.#corked === 0 && !this.#closed && this.#queue.length) this.#flush();
  }

  getSendQueueSize() { return this.#queue.bytes + this.#held.bytes; }
  getSendQueueCount() { return this.#queue.length + this.#held.count; }

  // for await (const { msg, rinfo } of socket): ends when the socket closes; an 'error' is thrown
  // (one a peer caused only if the app listens for 'error' too: the loop's listener does not count).
  // While more than a few messages wait unread, the socket stops reading (the kernel's receive
  // window then pushes back on the senders) until the loop catches up. A loop left early (break)
  // hands back the messages it held that no other listener saw: to the next loop, or as 'message'
  // to the listeners there are then or the next one added, before anything read after. Reading goes
  // on meanwhile; what arrives while no one listens is dropped, as dgram's.
  [Symbol.asyncIterator]() {
    const buffered = [];
    const seen = new WeakSet(); // of buffered: also given to another 'message' listener
    const waiting = []; // next() calls not yet settled, in order
    let failure = null;
    let done = this.#closed;
    let paused = false;
    let listening = false;
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
      const entry = { msg, rinfo };
      if (this.listenerCount('message') > 1) seen.add(entry);
      buffered.push(entry);
      if (buffered.length >= ITERATOR_HIGH_WATER) pause(true);
      settle();
    };
    const cleanup = () => {
      if (!listening) return;
      listening = false;
      this.off('message', onMessage);
      this.off('error', onError);
      this.off('close', onClose);
      pause(false);
    };
    const onError = (err) => { failure = err; cleanup(); settle(); };
    const onClose = () => { done = true; cleanup(); settle(); };
    onMessage[kLoop] = onError[kLoop] = true;
    if (!done) {
      buffered.push(...this.#unread.splice(0));
      if (buffered.length >= ITERATOR_HIGH_WATER) pause(true);
      listening = true;
      super.on('message', onMessage); // (not this.on(): that hands back what is unread)
      this.on('error', onError);
      this.on('close', onClose);
    }
    return {
      next: () => new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        settle();
      }),
      return: async () => {
        const wasListening = listening;
        done = true;
        failure = null;
        cleanup();
        if (wasListening) this.#unread.push(...buffered.filter((entry) => !seen.has(entry)));
        buffered.length = 0;
        if (this.listenerCount('message') > 0) this.#handBack();
        settle(); // a next() still waiting ends too
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() { return this; },
    };
  }

  // What a loop left goes to the 'message' listeners, in order, one message at a time while there
  // are any (a once() listener takes one; the rest wait for the next listener or loop).
  #handBack() {
    if (this.#unread.length === 0 || this.#handingBack) return;
    this.#handingBack = true;
    process.nextTick(() => {
      this.#handingBack = false;
      while (this.#unread.length && this.listenerCount('message') > 0 && !this.#closed) {
        const { msg, rinfo } = this.#unread.shift();
        this.emit('message', msg, rinfo);
      }
    });
  }

  // The app's listeners for event, not an async iterator's own.
  #appListeners(event) {
    return this.listeners(event).filter((listener) => !listener[kLoop]).length;
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
        : tables(this.#handle)),
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

  // Validates as A.validateAddress() does; sends to one address over and over check it once.
  #validateAddress(address, name, fallback) {
    if (address !== null && address === this.#lastAddress) return address; // (null: not yet)
    A.validateAddress(address, name, this.type, fallback);
    if (address === undefined || address === null) return fallback;
    this.#lastAddress = address;
    return address;
  }

  #validateAddresses(addresses, name) {
    return A.validateAddresses(addresses, name, this.type);
  }

  #bindx(address, remove) {
    this.#validateAddress(address, 'address');
    this.#healthCheck();
    if (!this.#bound) throw coded(Error, 'ERR_SOCKET_NOT_BOUND', 'Socket is not bound');
    // The kernel would take the change but never regroup: new associations to an added address
    // would still go to members not bound to it (docs/features.md#using-every-core-reuseport).
    if (this.#options.reusePort) {
      throw coded(Error, 'ERR_INVALID_STATE', 'Invalid state: a reusePort socket keeps the address set its ' +
        'group was formed with (bind() every member with the new set instead)');
    }
    A.bindx(this.#handle, [address], this.address().port, remove);
    return this;
  }

  // A data-less (or reason-only) message with SCTP_EOF or SCTP_ABORT on one association.
  #control(assocId, flag, data, throws = false) {
    if (throws) this.#healthCheck();
    const r = sendOne(this.#handle, { data, address: null, port: 0, info: { ...CONTROL, assocId } }, flag);
    if (r < 0 && throws) throw errnoException(r, flag === C.SCTP_EOF ? 'eof' : 'abort');
  }

  #onAssociation(assocId, state, ...rest) {
    const info = associationInfo(this.#associations.get(assocId), assocId, state, ...rest);
    if (isUp(state)) {
      this.#associations.set(assocId, { assocId, address: info.address, port: info.port });
    } else {
      this.#associations.delete(assocId);
      if (this.#abandonedSent) this.#abandonedSent.delete(assocId);
    }
    const settle = this.#connecting.get(assocId);
    if (settle) settle(isUp(state) ? null : connectError(this.#handle, settle.started, info), info);
    if (this.#options.interleave) this.#opened(assocId, state, info);
    if (!isUp(state) && this.#queue.waiting && this.#corked === 0) this.#flush(); // what waited for it fails
    D.publishAssociation(this, info);
    this.emit('association', info);
  }

  // With interleave, Linux's sendmsg() to a peer with no association waits in the kernel until the
  // handshake ends, whatever O_NONBLOCK says (net/sctp/socket.c, sctp_sendmsg_to_asoc(): whether
  // its chunks are DATA or I-DATA is known then): minutes for a peer that does not answer. Such a
  // message waits here instead, with those sent to that peer after it: the association is opened
  // as connect() does, and once it is up they go, in order. If it cannot start, each fails as
  // connect() would (a peer's doing: told to a callback or an 'error' listener, never thrown).
  #holdUntilUp(request) {
    const key = `${request.address} ${request.port}`;
    const waiting = this.#opening.get(key);
    if (waiting) return this.#hold(waiting, request);
    const known = this.#byPeer.get(key);
    if (this.#associations.has(known)) { // sent on it, not to the address (#reopen)
      request.named = { address: request.address, port: request.port, info: request.info };
      request.address = null;
      request.port = 0;
      request.info = { ...request.info, assocId: known };
      return false;
    }
    const started = performance.now();
    const out = {};
    const err = this.#handle.connect([request.address], request.port, out);
    if (err === -E.EISCONN) return false; // up, and known by another of the peer's addresses
    if (err && err !== -E.EALREADY) return false; // sendmsg() says why (EALREADY: connect() opens it)
    const list = Object.assign([], { assocId: err ? this.#settingUp(request) : out.assocId, started, request });
    this.#opening.set(key, list);
    return this.#hold(list, request);
  }

  // Held sends count in getSendQueueSize() and in send()'s false, as queued ones do.
  #hold(list, request) {
    list.push(request);
    this.#held.count++;
    this.#held.bytes += request.data.length;
    return true;
  }

  // A send to a peer's address whose association is up goes on that association (#holdUntilUp):
  // if the association has ended at the kernel before its end was read here, sendmsg() to the
  // address would open a new one and wait for it in the kernel; on the association it says EPIPE,
  // and the message is held as one to a new peer (as a send to the address would have opened one).
  #reopen(request) {
    const { address, port, info } = request.named;
    this.#forgetPeer(request.info.assocId);
    const again = { data: request.data, address, port, info, callback: request.callback };
    if (!this.#holdUntilUp(again)) this.#submit(again);
  }

  #opened(assocId, state, info) {
    if (isUp(state)) this.#knowPeer(assocId, `${info.address} ${info.port}`);
    else this.#forgetPeer(assocId);
    for (const [key, waiting] of this.#opening) {
      if (waiting.assocId ? waiting.assocId !== assocId : !this.#isPeer(assocId, info, waiting.request)) continue;
      // (every key that names this peer: a send may have named another address)
      if (!isUp(state)) {
        this.#failHeld(key, waiting, connectError(this.#handle, waiting.started, info));
        continue;
      }
      this.#unhold(key, waiting);
      for (const request of waiting) this.#submit(request);
    }
    this.#drainIfOwed();
  }

  #unhold(key, waiting) {
    this.#opening.delete(key);
    this.#held.count -= waiting.length;
    for (const request of waiting) this.#held.bytes -= request.data.length;
  }

  // Held sends whose association will not come up here fail as connect() would: to their callbacks,
  // or an 'error' listener of the app's (a peer's doing is never thrown at an app that did not listen).
  #failHeld(key, waiting, error) {
    this.#unhold(key, waiting);
    process.nextTick(() => {
      if (error.syscall) for (const r of waiting) D.publishSendError(this, 0, error, r.info, r.data.length);
      for (const request of waiting) if (request.callback) request.callback(error);
      if (waiting.some((r) => !r.callback) && this.#appListeners('error') > 0) this.emit('error', error);
    });
  }

  // The association being set up that a send's address is one of (connect() said EALREADY): the
  // app's own connect() or another held send's, to several of the peer's addresses. Its end then
  // fails the send even when its event names another of them. 0: none known (matched by address).
  #settingUp(request) {
    const ids = [...this.#connecting.keys(), ...[...this.#opening.values()].map((w) => w.assocId)];
    return ids.find((id) => id && this.#isPeer(id, { address: null, port: request.port }, request)) || 0;
  }

  // #byPeer follows each association's primary address as its events name it, and forgets the
  // association once it is gone (ended, or peeled off) whatever address it had then.
  #knowPeer(assocId, key) {
    const old = this.#peerKey.get(assocId);
    if (old !== undefined && old !== key && this.#byPeer.get(old) === assocId) this.#byPeer.delete(old);
    this.#byPeer.set(key, assocId);
    this.#peerKey.set(assocId, key);
  }

  #forgetPeer(assocId) {
    const key = this.#peerKey.get(assocId);
    if (key === undefined) return;
    this.#peerKey.delete(assocId);
    if (this.#byPeer.get(key) === assocId) this.#byPeer.delete(key);
  }

  // Whether the association (its event's info) is with the address and port a send named: by any of
  // the peer's addresses, an IPv4-mapped one as the IPv4 one, letter case aside.
  #isPeer(assocId, info, { address, port }) {
    if (info.port !== port) return false;
    const bare = (a) => String(a).toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
    const addresses = [info.address, ...(A.peerAddressesIfAny(this.#handle, assocId) || []).map((p) => p.address)];
    return addresses.some((a) => bare(a) === bare(address));
  }

  #complete(request, result) {
    if (result === -E.EPIPE && request.named && !this.#closed) {
      this.#reopen(request);
      return;
    }
    const error = result < 0 ? this.#sendError(request, result) : null;
    if (error) D.publishSendError(this, request.info.assocId, error, request.info, request.data.length);
    if (request.callback) request.callback(error, error ? undefined : result);
    else if (error && !(peerCaused(error) && this.#appListeners('error') === 0)) {
      this.emit('error', error);
    }
    // else: the association ended (its peer shut it down or aborted it) before this message went
    // out, or the peer accepts fewer streams than the one it was sent on. A peer's doing is not
    // thrown at an app that did not listen for 'error'; the 'association' event says what happened.
  }

  #sendError(request, err) {
    const { address, port } = request.named || request;
    const { info } = request;
    const error = errnoException(err, 'send', address || `association ${info.assocId}`,
      address ? port : undefined);
    if (this.#closed || err !== -E.EINVAL || !(info.stream > 0)) return error;
    let { assocId } = info;
    if (!assocId) { // sent to an address: the association with it (a peer may have several addresses)
      const found = [...this.#associations.values()].find((a) => this.#isPeer(a.assocId, a, { address, port }));
      assocId = found && found.assocId;
    }
    return streamError(error, this.#handle, assocId, info.stream);
  }

  // Sends what is queued, in batches: first what waits for a destination that was full (each
  // destination's in order), then the rest. A destination full again (EAGAIN) steps aside, its
  // messages waiting until the socket is writable (POLLOUT) or an association has nothing left
  // unacknowledged (SCTP_SENDER_DRY_EVENT): with net.sctp.sndbuf_policy=1 a peer may have room while
  // the socket, whose POLLOUT counts every association's (net/sctp/socket.c sctp_writeable()), has
  // none. Each completion runs on a tick of its own: a callback that throws cannot stop the queue.
  #flush() {
    for (const [key, fifo] of this.#queue.queues()) {
      while (this.#sendFrom(key, fifo) && key === null) this.#queue.stall();
      if (this.#closed) return;
    }
    if (this.#queue.waiting) {
      this.#waitForRoom();
      return;
    }
    this.#watchDry();
    this.#drainIfOwed();
  }

  // 'drain' once nothing is queued and what is held for associations being set up is under the
  // mark (a peer that does not answer holds its sends for as long as its INIT is retried: it must
  // not hold back the 'drain' of sends to everyone else), if send() said false or the queue waited
  // for room (a corked batch that went at once, never over the mark, owes none). Checked again on
  // the tick: what a listener sent meanwhile keeps it owed, for the flush or COMM_UP that sends it.
  #drainIfOwed() {
    if (!this.#owesDrain || this.#drainTick || !this.#drained()) return;
    this.#drainTick = true;
    process.nextTick(() => {
      this.#drainTick = false;
      if (this.#closed || !this.#owesDrain || !this.#drained()) return;
      this.#owesDrain = false;
      this.emit('drain');
    });
  }

  #drained() {
    return this.#queue.length === 0 && this.#held.bytes <= this.#options.sendHighWaterMark;
  }

  // Sends from one of the queue's queues until it is empty (false) or the kernel says EAGAIN (true).
  #sendFrom(key, fifo) {
    let max; // after a refusal, one at a time until one goes: a dead association refuses them all
    while (fifo.length && !this.#closed) {
      const taken = this.#queue.send(this.#handle, fifo, max);
      if (taken === -C.EAGAIN) return true;
      max = taken > 0 ? undefined : 1;
      // Taken: each whole. Refused (another error): the first one fails, the rest are tried next.
      for (const request of this.#queue.take(key, fifo, taken > 0 ? taken : 1)) {
        const result = taken > 0 ? request.data.length : taken;
        if (request.callback || result < 0) process.nextTick(() => this.#complete(request, result));
      }
    }
    return false;
  }

  #waitForRoom() {
    this.#owesDrain = true;
    this.#handle.watchWritable();
    this.#watchDry();
  }
}

Socket.prototype.addListener = Socket.prototype.on;

function createSocket(options, callback) {
  if (typeof options === 'string') options = { type: options };
  const socket = new Socket(options);
  if (callback !== undefined) socket.on('message', validateFunction(callback, 'callback'));
  return socket;
}

module.exports = { Socket, createSocket };
