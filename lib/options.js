'use strict';
// SCTP socket options and send options, for every socket kind: defaults, validation, and applying
// them to a native handle. Adding an option touches this file, index.d.ts and a test.
const binding = require('./binding');
const { errnoException } = require('./errors');
const {
  coded, invalidArgType, invalidArgValue, validateInteger, validateBoolean, validateObject, validateAbortSignal,
} = require('./validators');

const { constants: C } = binding;
const U32 = 0xffffffff;

// Defaults: the original SCTP_NAPI's fixed behaviour where it had one.
const DEFAULTS = {
  reuseAddr: true,
  reusePort: false,
  nodelay: true,
  ipv6Only: false,
  rtoInfo: { initial: 250, min: 200, max: 5000 },
  maxMessageSize: 256 * 1024,
  sendHighWaterMark: 1024 * 1024,
  defaults: { stream: 0, ppid: 0, unordered: true, ttl: 30000, policy: C.SCTP_PR_SCTP_TTL, context: 0 },
};
// The one-to-one socket's send defaults: in order and fully reliable, as a byte stream is.
const STREAM_SEND_DEFAULTS = { stream: 0, ppid: 0, unordered: false, ttl: 0, policy: C.SCTP_PR_SCTP_TTL, context: 0 };

// The PR-SCTP policies (RFC 3758, RFC 7496): a message has one, given as `ttl` (ms of lifetime; 0:
// fully reliable), `rtx` (retransmissions at most) or `prio` (a priority: when the send buffer is
// full, queued messages of a larger value are dropped for it). Internally `policy` and `ttl`, its
// value, as the kernel's SCTP_PRINFO has them.
const POLICIES = { ttl: C.SCTP_PR_SCTP_TTL, rtx: C.SCTP_PR_SCTP_RTX, prio: C.SCTP_PR_SCTP_PRIO };

// The stream schedulers (SCTP_STREAM_SCHEDULER; RFC 8260): which stream's message goes next.
const SCHEDULERS = { fcfs: 0, priority: 1, rr: 2, fc: 3, wfq: 4 };

// { stream, ppid, context, ttl | rtx | prio, unordered } (and on a one-to-many socket's send(),
// assocId) over `base`; `name` is what errors call the object.
function validateSendOptions(opts, name, base, allowAssocId = false) {
  validateObject(opts, name);
  const out = { ...base };
  if (Object.keys(POLICIES).filter((k) => opts[k] !== undefined).length > 1) {
    throw invalidArgValue(name, opts, "can have only one of 'ttl', 'rtx' and 'prio' (a message has one PR-SCTP policy)");
  }
  for (const key of Object.keys(opts)) {
    const value = opts[key];
    if (value === undefined) continue;
    switch (key) {
      case 'stream': out.stream = validateInteger(value, `${name}.stream`, 0, 65535); break;
      case 'ppid': out.ppid = validateInteger(value, `${name}.ppid`, 0, U32); break;
      case 'context': out.context = validateInteger(value, `${name}.context`, 0, U32); break;
      case 'ttl': case 'rtx': case 'prio':
        out.ttl = validateInteger(value, `${name}.${key}`, 0, U32);
        out.policy = POLICIES[key];
        break;
      case 'unordered': out.unordered = validateBoolean(value, `${name}.unordered`); break;
      case 'assocId':
        if (!allowAssocId) throw invalidArgValue(name, opts, "cannot set 'assocId'");
        out.assocId = validateInteger(value, `${name}.assocId`, 1, 2 ** 31 - 1);
        break;
      default: throw invalidArgValue(name, opts, `has an unknown property '${key}'`);
    }
  }
  return out;
}

// The SCTP options of `options` over DEFAULTS (send options over `sendDefaults`). A key in `own`
// is the caller's to read (skipped here); any other key is an error.
function validateOptions(options, own = new Set(), sendDefaults = DEFAULTS.defaults) {
  const o = { ...DEFAULTS, defaults: sendDefaults };
  for (const key of Object.keys(options)) {
    const value = options[key];
    if (value === undefined || own.has(key)) continue;
    const name = `options.${key}`;
    switch (key) {
      case 'reuseAddr': case 'reusePort': case 'nodelay': case 'ipv6Only':
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
      case 'pathMtu': // bytes; 0: path MTU discovery (the kernel's default)
        o[key] = validatePathMtu(value, name);
        break;
      case 'maxSegment': // SCTP_MAXSEG: the largest DATA chunk; 0: what the path MTU allows
        o[key] = value === 0 ? 0 : validateInteger(value, name, 512, 65519);
        break;
      case 'autoClose': // s; 0: never. A one-to-one socket's association ends with the socket.
        if (sendDefaults === STREAM_SEND_DEFAULTS) {
          throw invalidArgValue(name, value, 'applies to one-to-many sockets (createSocket()) only');
        }
        o[key] = validateInteger(value, name, 0, 2 ** 31 - 1);
        break;
      case 'adaptationLayer': // the indication our INIT and INIT ACK carry (RFC 5061); 0: none
        o[key] = validateInteger(value, name, 0, U32);
        break;
      case 'streamReset': // RFC 6525 stream reconfiguration, offered to peers and allowed
      case 'interleave': // RFC 8260 I-DATA: messages of different streams interleaved
        o[key] = validateBoolean(value, name);
        break;
      case 'scheduler':
        if (!Object.hasOwn(SCHEDULERS, value)) {
          throw invalidArgValue(name, value, `must be one of ${Object.keys(SCHEDULERS).map((k) => `'${k}'`).join(', ')}`);
        }
        o[key] = value;
        break;
      case 'udpEncapsPort': // RFC 6951: the peers' UDP port, for the associations to come; 0: none
        o[key] = validateInteger(value, name, 0, 65535);
        break;
      case 'auth':
        o.auth = validateAuth(value, name);
        break;
      case 'delayedSack': {
        validateObject(value, name);
        const d = { delay: 0, frequency: 0 }; // 0: the kernel's (200 ms, every 2nd packet)
        if (value.delay !== undefined) d.delay = validateInteger(value.delay, `${name}.delay`, 1, 500);
        if (value.frequency !== undefined) d.frequency = validateInteger(value.frequency, `${name}.frequency`, 1, U32);
        o.delayedSack = d;
        break;
      }
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
        o.defaults = validateSendOptions(value, name, sendDefaults);
        break;
      case 'signal':
        o.signal = validateAbortSignal(value, name);
        break;
      default:
        throw invalidArgValue('options', options, `has an unknown property '${key}'`);
    }
  }
  return o;
}

// SCTP-AUTH (RFC 4895): the chunk types a peer must authenticate, by number or by name. INIT,
// INIT ACK, SHUTDOWN COMPLETE and AUTH itself never can be.
const CHUNK_TYPES = {
  'data': 0, 'sack': 3, 'heartbeat': 4, 'heartbeat-ack': 5, 'abort': 6, 'shutdown': 7, 'shutdown-ack': 8,
  'error': 9, 'cookie-echo': 10, 'cookie-ack': 11, 'ecne': 12, 'cwr': 13, 'i-data': 64, 'asconf-ack': 128,
  'reconfig': 130, 'pad': 132, 'forward-tsn': 192, 'asconf': 193, 'i-forward-tsn': 194,
};
const NEVER_AUTHENTICATED = new Set([1, 2, 14, 15]);

function validateChunkType(value, name) {
  if (typeof value === 'string') {
    if (!Object.hasOwn(CHUNK_TYPES, value)) {
      throw invalidArgValue(name, value, `must be a chunk type number or one of ${Object.keys(CHUNK_TYPES).join(', ')}`);
    }
    return CHUNK_TYPES[value];
  }
  if (NEVER_AUTHENTICATED.has(validateInteger(value, name, 0, 255))) {
    throw invalidArgValue(name, value, 'cannot be authenticated (INIT, INIT ACK, SHUTDOWN COMPLETE and AUTH never are)');
  }
  return value;
}

// A shared key's secret: a non-empty string (UTF-8) or bytes.
function validateSecret(value, name) {
  const secret = toBuffer(value, name);
  if (secret.length === 0 || secret.length > 65535) {
    throw invalidArgValue(name, value, 'must be 1 to 65535 bytes long');
  }
  // Our own copy (the caller may wipe or reuse its own before it is set), which the caller of
  // this fills with zeros once the kernel has it.
  return typeof value === 'string' ? secret : Buffer.from(secret);
}

// auth: true | false | { chunks, key } -> false | { chunks: [type], key: Buffer | null }
function validateAuth(value, name) {
  if (value === true || value === false) return value && { chunks: [], key: null };
  validateObject(value, name);
  const auth = { chunks: [], key: null };
  for (const key of Object.keys(value)) {
    if (value[key] === undefined) continue;
    if (key === 'chunks') {
      if (!Array.isArray(value.chunks)) throw invalidArgType(`${name}.chunks`, 'an instance of Array', value.chunks);
      // Array.from: a hole is undefined (and refused), where map() would skip it.
      auth.chunks = Array.from(value.chunks, (c, i) => validateChunkType(c, `${name}.chunks[${i}]`));
    } else if (key === 'key') {
      auth.key = validateSecret(value.key, `${name}.key`);
    } else {
      throw invalidArgValue(name, value, `has an unknown property '${key}'`);
    }
  }
  return auth;
}

const validatePathMtu = (value, name) => (value === 0 ? 0 : validateInteger(value, name, 512, 65535));

// What an error of a kernel feature means: by errno, the advice added to its message.
const ADVICE = {
  SCTP_INTERLEAVING_SUPPORTED: { EPERM: 'message interleaving is off in this network namespace: set the sysctl net.sctp.intl_enable=1 (Linux 4.16 or later)' },
  SCTP_STREAM_SCHEDULER: { EINVAL: "the schedulers 'fc' and 'wfq' need Linux 6.2 or later" },
  SCTP_REMOTE_UDP_ENCAPS_PORT: { ENOPROTOOPT: 'UDP encapsulation needs Linux 5.11 or later' },
};

// A system error of setsockopt `what`, with what to do about it where ADVICE knows.
function optionError(err, what, ...at) {
  const error = errnoException(err, `setsockopt ${what}`, ...at);
  const advice = ADVICE[what] && ADVICE[what][error.code];
  if (advice) error.message += ` (${advice})`;
  return error;
}

// The system error of a bind() or listen() (syscall) that failed, saying why where reusePort
// explains it. Sockets with reusePort form a group at listen() when bound to the same address set
// (the kernel balances new associations across the group); EEXIST, at listen(): this set overlaps a
// group's without being the same; EADDRINUSE, at bind(): a socket on the port lacks reusePort or is
// another user's.
function bindError(err, syscall, address, port, reusePort) {
  const error = errnoException(err, syscall, address, port);
  if (reusePort && error.code === 'EEXIST') {
    error.message += ' (reusePort: this address set overlaps that of a group on this port; every socket of a ' +
      'group must be bound to exactly the same addresses, in the same order)';
  } else if (reusePort && error.code === 'EADDRINUSE') {
    error.message += ' (reusePort: a socket on this port lacks reusePort, or belongs to another user)';
  }
  return error;
}

// RFC 6951 carries SCTP in UDP only from sockets made while the sysctl net.sctp.udp_port (this
// end's UDP port) is set in their network namespace; otherwise the kernel ignores the option.
function checkUdpPort(name) {
  let port = 0;
  try {
    port = Number(require('fs').readFileSync('/proc/sys/net/sctp/udp_port', 'utf8'));
  } catch { /* no such sysctl: the setsockopt says what the kernel lacks */ return; }
  if (port === 0) {
    const error = new Error(`${name}: UDP encapsulation is off in this network namespace: set the sysctl ` +
      'net.sctp.udp_port (this end\'s UDP port, e.g. 9899) before creating the socket');
    error.code = 'ERR_SCTP_UDP_PORT_UNSET';
    throw error;
  }
}

// Sets the validated options `o` on an open handle of `family` (4 | 6). On failure the handle is
// closed and a system error thrown.
// keepKey: the auth key's copy stays for another socket (a Server's next listen() after one that
// failed) until spendAuthKey(); otherwise it is wiped once this socket has it.
function applyOptions(handle, o, family, keepKey = false) {
  try {
    setOptions(handle, o, family);
  } catch (error) {
    handle.close();
    throw error;
  } finally {
    if (!keepKey) spendAuthKey(o);
  }
}

// Kept no longer than the kernel needs it: wiped, and gone from the options (shared by copies).
function spendAuthKey(o) {
  if (!o.auth || !o.auth.key) return;
  o.auth.key.fill(0);
  o.auth.key = null;
  o.auth.spent = true;
}

function setOptions(handle, o, family) {
  const check = (err, what) => {
    if (err) throw optionError(err, what);
  };
  check(handle.setInt(C.SOL_SOCKET, C.SO_REUSEADDR, o.reuseAddr ? 1 : 0), 'SO_REUSEADDR');
  if (o.reusePort) check(handle.setInt(C.SOL_SOCKET, C.SO_REUSEPORT, 1), 'SO_REUSEPORT');
  check(handle.setInt(C.IPPROTO_SCTP, C.SCTP_NODELAY, o.nodelay ? 1 : 0), 'SCTP_NODELAY');
  if (family === 6) check(handle.setInt(C.IPPROTO_IPV6, C.IPV6_V6ONLY, o.ipv6Only ? 1 : 0), 'IPV6_V6ONLY');
  if (o.recvBufferSize) check(handle.setInt(C.SOL_SOCKET, C.SO_RCVBUF, o.recvBufferSize), 'SO_RCVBUF');
  if (o.sendBufferSize) check(handle.setInt(C.SOL_SOCKET, C.SO_SNDBUF, o.sendBufferSize), 'SO_SNDBUF');
  const { initial, min, max } = o.rtoInfo;
  check(handle.setRtoInfo(initial, min, max), 'SCTP_RTOINFO');
  if (o.initMsg) {
    const i = o.initMsg;
    check(handle.setInitMsg(i.outStreams, i.maxInStreams, i.maxAttempts, i.maxInitTimeout), 'SCTP_INITMSG');
  }
  handle.setMaxMessageSize(o.maxMessageSize);
  if (o.heartbeatInterval !== undefined || o.pathMaxRetrans !== undefined || o.pathMtu !== undefined) {
    check(handle.setPeerParams(o.heartbeatInterval ?? -1, o.pathMaxRetrans ?? -1, o.pathMtu ?? -1), 'SCTP_PEER_ADDR_PARAMS');
  }
  if (o.maxSegment !== undefined) check(handle.setAssocValue(C.SCTP_MAXSEG, 0, o.maxSegment), 'SCTP_MAXSEG');
  if (o.autoClose !== undefined) check(handle.setInt(C.IPPROTO_SCTP, C.SCTP_AUTOCLOSE, o.autoClose), 'SCTP_AUTOCLOSE');
  if (o.adaptationLayer !== undefined) {
    check(handle.setInt(C.IPPROTO_SCTP, C.SCTP_ADAPTATION_LAYER, o.adaptationLayer), 'SCTP_ADAPTATION_LAYER');
  }
  if (o.streamReset !== undefined) {
    const all = C.SCTP_ENABLE_RESET_STREAM_REQ | C.SCTP_ENABLE_RESET_ASSOC_REQ | C.SCTP_ENABLE_CHANGE_ASSOC_REQ;
    check(handle.setAssocValue(C.SCTP_RECONFIG_SUPPORTED, 0, o.streamReset ? 1 : 0), 'SCTP_RECONFIG_SUPPORTED');
    check(handle.setAssocValue(C.SCTP_ENABLE_STREAM_RESET, 0, o.streamReset ? all : 0), 'SCTP_ENABLE_STREAM_RESET');
  }
  if (o.auth !== undefined) { // SCTP_AUTH_SUPPORTED first: with it, the others need no net.sctp.auth_enable
    check(handle.setAssocValue(C.SCTP_AUTH_SUPPORTED, 0, o.auth ? 1 : 0), 'SCTP_AUTH_SUPPORTED');
    for (const type of o.auth ? o.auth.chunks : []) check(handle.setAuthChunk(type), 'SCTP_AUTH_CHUNK');
    if (o.auth && o.auth.spent) {
      throw coded(Error, 'ERR_SCTP_AUTH_KEY_SPENT', 'The auth key was wiped once the server listened with it: ' +
        'give it again (a new createServer({ auth: { key } })) to listen again');
    }
    if (o.auth && o.auth.key) {
      check(handle.setAuthKey(C.SCTP_AUTH_KEY, 0, 1, o.auth.key), 'SCTP_AUTH_KEY');
      check(handle.setAuthKey(C.SCTP_AUTH_ACTIVE_KEY, 0, 1), 'SCTP_AUTH_ACTIVE_KEY');
      // The built-in empty key #0 goes: a peer that signs with it must not pass for one with ours.
      check(handle.setAuthKey(C.SCTP_AUTH_DELETE_KEY, 0, 0), 'SCTP_AUTH_DELETE_KEY');
    }
  }
  if (o.delayedSack) check(handle.setDelayedSack(o.delayedSack.delay, o.delayedSack.frequency), 'SCTP_DELAYED_SACK');
  if (o.interleave !== undefined) {
    // Pieces of messages of different streams (and associations) may come between each other's:
    // the handle gathers each message on its own. Off, fragment interleave 0 turns I-DATA off too.
    check(handle.setInterleave(o.interleave), 'SCTP_FRAGMENT_INTERLEAVE');
    if (o.interleave) check(handle.setAssocValue(C.SCTP_INTERLEAVING_SUPPORTED, 0, 1), 'SCTP_INTERLEAVING_SUPPORTED');
  }
  if (o.scheduler !== undefined) {
    check(handle.setAssocValue(C.SCTP_STREAM_SCHEDULER, 0, SCHEDULERS[o.scheduler]), 'SCTP_STREAM_SCHEDULER');
  }
  if (o.udpEncapsPort) {
    checkUdpPort('options.udpEncapsPort');
    check(handle.setUdpEncaps(o.udpEncapsPort, 0, null, 0), 'SCTP_REMOTE_UDP_ENCAPS_PORT');
  }
}

// Per-path parameters of an association (SCTP_PEER_ADDR_PARAMS): `params` { address, heartbeatInterval,
// pathMaxRetrans, pathMtu, heartbeatNow }; without address, every path of the association.
function validatePeerParams(params, name = 'params') {
  validateObject(params, name);
  const p = { address: null, heartbeatInterval: -1, pathMaxRetrans: -1, pathMtu: -1, heartbeatNow: false, udpEncapsPort: -1 };
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (value === undefined) continue;
    const field = `${name}.${key}`;
    switch (key) {
      case 'address': p.address = value; break; // validated by the caller, which knows the socket's type
      case 'heartbeatInterval': p.heartbeatInterval = validateInteger(value, field, 0, 2 ** 31 - 1); break;
      case 'pathMaxRetrans': p.pathMaxRetrans = validateInteger(value, field, 1, 65535); break;
      case 'pathMtu': p.pathMtu = validatePathMtu(value, field); break;
      case 'heartbeatNow': p.heartbeatNow = validateBoolean(value, field); break;
      case 'udpEncapsPort': p.udpEncapsPort = validateInteger(value, field, 0, 65535); break;
      default: throw invalidArgValue(name, params, `has an unknown property '${key}'`);
    }
  }
  return p;
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

// A message to send: not empty (an SCTP message carries at least one byte).
function toMessage(msg) {
  const data = toBuffer(msg);
  if (data.length === 0) {
    throw invalidArgValue('msg', msg, 'must not be empty: an SCTP message carries at least one byte');
  }
  return data;
}

module.exports = {
  optionError, bindError, checkUdpPort, DEFAULTS, STREAM_SEND_DEFAULTS, validateSendOptions, validateOptions, applyOptions, validatePeerParams, toBuffer, toMessage,
  validateSecret, spendAuthKey,
};
