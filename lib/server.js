'use strict';
// createServer(): a one-to-one SCTP listener shaped like net.Server. Each accepted association is
// a StreamSocket ('connection'); the SCTP options given here apply to every one of them.
const EventEmitter = require('events');
const dns = require('dns');
const net = require('net');
const { errno: E } = require('os').constants;
const binding = require('./binding');
const { errnoException, socketError } = require('./errors');
const {
  coded, invalidArgType, invalidArgValue, validateInteger, validatePort, validateBoolean, validateFunction, validateObject,
  validateAbortSignal,
} = require('./validators');
const { STREAM_SEND_DEFAULTS, validateOptions, applyOptions, spendAuthKey, bindError } = require('./options');
const A = require('./associations');
const { StreamSocket, kAdopt } = require('./stream');
const D = require('./diagnostics');

const asyncDispose = Symbol.asyncDispose || Symbol.for('nodejs.asyncDispose');
// net.createServer()'s own options (SCTP has no half-open association: allowHalfOpen is accepted
// and has no effect).
const SERVER_OPTIONS = new Set([
  'allowHalfOpen', 'pauseOnConnect', 'noDelay', 'keepAlive', 'keepAliveInitialDelay', 'highWaterMark',
  'blockList',
]);
// accept() out of descriptors or memory: the connection waits in the kernel; so do we, this long
// (doubling from the first up to the last), as libuv and net do rather than retry on every loop turn.
const ACCEPT_BACKOFF = [10, 1000];
const OUT_OF = new Set([-E.EMFILE, -E.ENFILE, -E.ENOBUFS, -E.ENOMEM]);
const LISTEN_OPTIONS = new Set(['port', 'host', 'addresses', 'backlog', 'exclusive', 'ipv6Only', 'signal',
  'readableAll', 'writableAll', 'reusePort']);

class Server extends EventEmitter {
  #handle = null;
  #options;
  #pauseOnConnect = false;
  #connections = new Set();
  #refed = true;
  #closing = false;
  #backoff = 0; // ms accept() waits after running out of descriptors; 0: it did not
  #backoffTimer = null;
  maxConnections = undefined;

  constructor(options, connectionListener) {
    super();
    if (typeof options === 'function') {
      connectionListener = options;
      options = {};
    }
    if (options === undefined) options = {};
    validateObject(options, 'options');
    const o = validateOptions(options, SERVER_OPTIONS, STREAM_SEND_DEFAULTS);
    if (options.pauseOnConnect !== undefined) {
      this.#pauseOnConnect = validateBoolean(options.pauseOnConnect, 'options.pauseOnConnect');
    }
    if (options.noDelay !== undefined) o.nodelay = validateBoolean(options.noDelay, 'options.noDelay');
    if (options.keepAlive) {
      o.heartbeatInterval = validateInteger(options.keepAliveInitialDelay || 30000, 'options.keepAliveInitialDelay',
        1, 2 ** 31 - 1);
    }
    this.#options = o;
    if (connectionListener !== undefined) this.on('connection', validateFunction(connectionListener, 'connectionListener'));
  }

  get listening() { return this.#handle !== null; }

  // listen(port[, host][, backlog][, callback]) | listen({ port, host, addresses, backlog }[, callback])
  listen(...args) {
    const cb = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    let options;
    if (args[0] !== null && typeof args[0] === 'object') {
      options = args[0];
      for (const key of Object.keys(options)) {
        if (!LISTEN_OPTIONS.has(key)) throw invalidArgValue('options', options, `has an unknown property '${key}'`);
      }
    } else {
      options = { port: args[0], host: typeof args[1] === 'string' ? args[1] : undefined };
      const backlog = typeof args[1] === 'number' ? args[1] : args[2];
      if (backlog !== undefined) options.backlog = backlog;
    }
    const port = options.port === undefined || options.port === null ? 0 : validatePort(options.port, 'options.port');
    const backlog = options.backlog === undefined ? 511 : validateInteger(options.backlog, 'options.backlog', 0, 2 ** 31 - 1);
    let addresses = null;
    if (options.addresses !== undefined) {
      if (options.host !== undefined) throw invalidArgValue('options', options, "cannot have both 'host' and 'addresses'");
      addresses = A.validateAddresses(options.addresses, 'options.addresses');
    } else if (options.host !== undefined && typeof options.host !== 'string') {
      throw invalidArgType('options.host', 'of type string', options.host);
    }
    const ipv6Only = options.ipv6Only === undefined ? false : validateBoolean(options.ipv6Only, 'options.ipv6Only');
    // As net: listen({ reusePort }) (Node 22.12), or createServer({ reusePort }) for every listen().
    const reusePort = options.reusePort === undefined ? this.#options.reusePort
      : validateBoolean(options.reusePort, 'options.reusePort');
    if (this.#handle) throw coded(Error, 'ERR_SERVER_ALREADY_LISTEN', 'Listen method has been called more than once without closing.');
    if (options.signal !== undefined) {
      const signal = validateAbortSignal(options.signal, 'options.signal');
      if (signal.aborted) process.nextTick(() => this.close());
      else signal.addEventListener('abort', () => this.close(), { once: true });
    }
    if (cb) this.once('listening', cb);
    this.#closing = false;
    const host = options.host;
    if (addresses || host === undefined || net.isIP(host.split('%')[0])) {
      this.#listen(addresses || (host === undefined ? null : [host]), port, backlog, { ipv6Only, reusePort });
    } else {
      dns.lookup(host, (err, address) => {
        if (err) this.emit('error', err);
        else this.#listen([address], port, backlog, { ipv6Only, reusePort });
      });
    }
    return this;
  }

  // Binds (no address: every address, IPv6 and IPv4 where the host has IPv6) and listens.
  #listen(addresses, port, backlog, own) {
    let family = addresses && !addresses.some((a) => net.isIPv6(a.split('%')[0])) ? 4 : 6;
    const handle = new binding.SocketHandle({
      onconnection: () => this.#accept(),
      onerror: (errno, syscall) => this.emit('error', errnoException(-errno, syscall)),
    });
    let err = handle.open(family, true);
    if (err === -E.EAFNOSUPPORT && !addresses) { // no IPv6 here: IPv4 only
      family = 4;
      err = handle.open(family, true);
    }
    if (err) {
      const error = socketError(err);
      process.nextTick(() => this.emit('error', error));
      return;
    }
    const fail = (error) => {
      handle.close();
      process.nextTick(() => this.emit('error', error));
    };
    try {
      applyOptions(handle, { ...this.#options, ...own }, family, true); // a failed listen() keeps the key for a retry
    } catch (error) {
      return fail(error); // applyOptions closed it
    }
    const list = addresses || [family === 6 ? '::' : '0.0.0.0'];
    err = list.length > 1 ? handle.bindx(list, port, false) : handle.bind(list[0], port);
    if (!err) err = handle.listen(backlog);
    // Reported as net does: the bind's failure (EADDRINUSE) is listen's.
    if (err) return fail(bindError(err, 'listen', list[0], port, own.reusePort));
    spendAuthKey(this.#options); // the listening socket has it (and gives it to the accepted ones)
    if (!this.#refed) handle.unref();
    this.#handle = handle;
    // As net publishes net.server.socket: at each listen(), so that each pairs with a 'close'.
    D.publish(D.channels.socketCreated, () => ({ socket: this, kind: 'server' }));
    process.nextTick(() => this.emit('listening'));
  }

  // Takes every connection waiting; over maxConnections each is refused ('drop').
  #accept() {
    while (this.#handle) {
      const refuse = this.maxConnections !== undefined && this.#connections.size >= this.maxConnections;
      const fd = this.#handle.accept(refuse);
      if (fd === -E.EAGAIN) { // none waiting: a backoff's episode, if any, is over
        this.#backoff = 0;
        return;
      }
      if (fd === -E.ECONNABORTED) continue;
      if (OUT_OF.has(fd)) return this.#backOff(fd);
      this.#backoff = 0;
      if (fd < 0) {
        this.emit('error', errnoException(fd, 'accept'));
        return;
      }
      if (refuse) {
        this.emit('drop', { localAddress: this.address().address, localPort: this.address().port });
        continue;
      }
      let socket;
      try {
        socket = new StreamSocket(this.#options, kAdopt, (handle) => handle.adopt(fd), 'accept');
      } catch (err) { // out of descriptors or memory: the connection was closed
        this.emit('error', err);
        continue;
      }
      this.#connections.add(socket);
      socket.once('close', () => {
        this.#connections.delete(socket);
        this.#maybeClosed();
      });
      if (this.#pauseOnConnect) socket.pause();
      this.emit('connection', socket);
    }
  }

  // Stops accepting for a while, then tries again. Reported once a run (the first time), as 'error'
  // to 'error' listeners only: connecting peers cause it, and the server goes on.
  #backOff(err) {
    if (this.#backoff === 0 && this.listenerCount('error') > 0) {
      this.emit('error', errnoException(err, 'accept'));
    }
    if (!this.#handle) return;
    this.#backoff = Math.min(this.#backoff ? this.#backoff * 2 : ACCEPT_BACKOFF[0], ACCEPT_BACKOFF[1]);
    this.#handle.setReading(false);
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = null;
      if (!this.#handle) return;
      this.#handle.setReading(true);
      this.#accept();
    }, this.#backoff);
    if (!this.#refed) this.#backoffTimer.unref();
  }

  address() {
    return this.#handle ? A.sockName(this.#handle) : null;
  }

  // Stops accepting; 'close' once every connection has closed too.
  close(callback) {
    if (callback !== undefined) validateFunction(callback, 'callback');
    if (!this.#handle) {
      if (callback) {
        process.nextTick(callback, coded(Error, 'ERR_SERVER_NOT_RUNNING', 'Server is not running.'));
      }
      return this;
    }
    if (callback) this.once('close', callback);
    this.#handle.close();
    this.#handle = null;
    clearTimeout(this.#backoffTimer);
    this.#backoffTimer = null;
    this.#backoff = 0;
    this.#closing = true;
    this.#maybeClosed();
    return this;
  }

  #maybeClosed() {
    if (!this.#closing || this.#connections.size > 0) return;
    this.#closing = false;
    process.nextTick(() => {
      D.publish(D.channels.socketClosed, () => ({ socket: this }));
      this.emit('close');
    });
  }

  getConnections(callback) {
    validateFunction(callback, 'callback');
    process.nextTick(callback, null, this.#connections.size);
    return this;
  }

  ref() {
    this.#refed = true;
    if (this.#handle) this.#handle.ref();
    if (this.#backoffTimer) this.#backoffTimer.ref();
    return this;
  }

  unref() {
    this.#refed = false;
    if (this.#handle) this.#handle.unref();
    if (this.#backoffTimer) this.#backoffTimer.unref();
    return this;
  }

  [asyncDispose]() {
    return new Promise((resolve) => {
      if (!this.#handle) resolve();
      else this.close(() => resolve());
    });
  }
}

function createServer(options, connectionListener) {
  return new Server(options, connectionListener);
}

module.exports = { Server, createServer };
