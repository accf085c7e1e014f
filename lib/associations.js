'use strict';
// What both socket kinds do with addresses and associations: validating numeric addresses, and
// the association calls (status, addresses, primary path, local addresses added or removed).
// Each takes the native handle and an association id (0 on a one-to-one socket: its only one).
const net = require('net');
const binding = require('./binding');
const { errnoException } = require('./errors');
const { errno: E } = require('os').constants;
const { optionError, checkUdpPort, validateSecret } = require('./options');
const {
  invalidArgType, invalidArgValue, validateInteger, validateBoolean, validateObject,
} = require('./validators');

const { constants: C } = binding;

// A numeric IPv4 or IPv6 address (IPv4 only where type is 'sctp4'); `fallback` for none.
function validateAddress(address, name, type, fallback) {
  if (address === undefined || address === null) {
    if (fallback === undefined) throw invalidArgType(name, 'of type string', address);
    return fallback;
  }
  if (typeof address !== 'string') throw invalidArgType(name, 'of type string', address);
  const family = net.isIP(address.split('%')[0]);
  if (family === 0) throw invalidArgValue(name, address, 'must be a numeric IPv4 or IPv6 address');
  if (family === 6 && type === 'sctp4') {
    throw invalidArgValue(name, address, "must be an IPv4 address on an 'sctp4' socket");
  }
  return address;
}

// A string or a non-empty array of numeric addresses -> an array.
function validateAddresses(addresses, name, type) {
  const list = Array.isArray(addresses) ? addresses : [addresses];
  if (list.length === 0) throw invalidArgValue(name, addresses, 'must not be empty');
  list.forEach((a, i) => {
    const item = Array.isArray(addresses) ? `${name}[${i}]` : name;
    if (typeof a !== 'string') throw invalidArgType(item, 'of type string', a);
    validateAddress(a, item, type);
  });
  return list;
}

const familyOf = (address) => (net.isIPv6(address.split('%')[0]) ? 'IPv6' : 'IPv4');

// A query of the handle's (status, getsockname, ...): its results, into a new object, or a system
// error of syscall thrown.
function query(handle, method, syscall, ...args) {
  const out = {};
  const err = handle[method](...args, out);
  if (err) throw errnoException(err, syscall);
  return out;
}

// getsockname(): { address, family, port }.
function sockName(handle) {
  const { address, port } = query(handle, 'getsockname', 'getsockname');
  return { address, family: familyOf(address), port };
}

// SCTP_STATUS of one association: state, windows, streams and the primary path.
const status = (handle, assocId) => query(handle, 'status', 'getsockopt SCTP_STATUS', assocId);

// SCTP_PR_STREAM_STATUS of one outbound stream: { stream, abandoned: { sent, unsent, ttl, rtx, prio } }.
function streamStatus(handle, assocId, stream) {
  return { stream, abandoned: query(handle, 'streamStatus', 'getsockopt SCTP_PR_STREAM_STATUS', assocId, stream) };
}

// [{ address, port }] of the association's peer, or of this end.
const peerAddresses = (handle, assocId) => query(handle, 'peerAddresses', 'sctp_getpaddrs', assocId).list;
const localAddresses = (handle, assocId) => query(handle, 'localAddresses', 'sctp_getladdrs', assocId).list;

// Each peer address of the association: [{ address, port, state, cwnd, srtt, rto, mtu, primary }]
// (SCTP_GET_PEER_ADDR_INFO; primary: the one SCTP_STATUS names). Its SCTP_STATUS and
// sctp_getpaddrs fail as that would, under the syscall of the whole.
const paths = (handle, assocId) => query(handle, 'paths', 'getsockopt SCTP_GET_PEER_ADDR_INFO', assocId).list;

// SCTP_GET_ASSOC_STATS of one association (Linux's counters; reading it starts a new maxRto
// period), or null where the kernel lacks it.
function stats(handle, assocId) {
  try {
    return query(handle, 'stats', 'getsockopt SCTP_GET_ASSOC_STATS', assocId);
  } catch (err) {
    if (err.errno === -E.ENOPROTOOPT || err.errno === -E.EOPNOTSUPP) return null;
    throw err;
  }
}

// The peer's addresses, or null when the association is gone (a peeled-off one included).
function peerAddressesIfAny(handle, assocId) {
  const out = {};
  return handle.peerAddresses(assocId, out) ? null : out.list;
}

function setPrimary(handle, assocId, address, port) {
  const err = handle.setPrimary(assocId, address, port);
  if (err) throw errnoException(err, 'setsockopt SCTP_PRIMARY_ADDR', address, port);
}

// SCTP_PEER_ADDR_PARAMS of one association: `p` from validatePeerParams(), its address checked.
function setPeerParams(handle, assocId, p, port) {
  const at = p.address ? [p.address, port] : [];
  if (p.udpEncapsPort > 0) checkUdpPort('params.udpEncapsPort'); // before any of it is set
  const err = handle.setPeerParams(p.heartbeatInterval, p.pathMaxRetrans, p.pathMtu, assocId, p.address, port,
    p.heartbeatNow);
  if (err) throw errnoException(err, 'setsockopt SCTP_PEER_ADDR_PARAMS', ...at);
  if (p.udpEncapsPort < 0) return;
  const udp = handle.setUdpEncaps(p.udpEncapsPort, assocId, p.address, port);
  if (udp) throw optionError(udp, 'SCTP_REMOTE_UDP_ENCAPS_PORT', ...at);
}

// Stream reconfiguration (RFC 6525). ENOPROTOOPT: the association has it off, at one end or both.
function reconfigure(err, what) {
  if (!err) return;
  const error = errnoException(err, `setsockopt ${what}`);
  if (err === -E.ENOPROTOOPT) {
    error.message += ' (stream reconfiguration is off on this association: give both ends the streamReset ' +
      'option, or set net.sctp.reconf_enable=1 and enable it with SCTP_ENABLE_STREAM_RESET)';
  }
  throw error;
}

// streams: stream numbers (none: every stream); options { incoming, outgoing }, outgoing by default.
function resetStreams(handle, assocId, streams, options = { outgoing: true }) {
  if (!Array.isArray(streams)) throw invalidArgType('streams', 'an instance of Array', streams);
  streams.forEach((s, i) => validateInteger(s, `streams[${i}]`, 0, 65535));
  validateObject(options, 'options');
  const incoming = options.incoming === undefined ? false : validateBoolean(options.incoming, 'options.incoming');
  const outgoing = options.outgoing === undefined ? false : validateBoolean(options.outgoing, 'options.outgoing');
  if (!incoming && !outgoing) throw invalidArgValue('options', options, "must have 'incoming' or 'outgoing' true");
  const flags = (incoming ? binding.constants.SCTP_STREAM_RESET_INCOMING : 0) |
    (outgoing ? binding.constants.SCTP_STREAM_RESET_OUTGOING : 0);
  reconfigure(handle.resetStreams(assocId, streams, flags), 'SCTP_RESET_STREAMS');
}

const resetAssociation = (handle, assocId) => reconfigure(handle.resetAssociation(assocId), 'SCTP_RESET_ASSOC');

// counts { in, out }: streams to add each way.
function addStreams(handle, assocId, counts) {
  validateObject(counts, 'streams');
  const n = (k) => (counts[k] === undefined ? 0 : validateInteger(counts[k], `streams.${k}`, 0, 65535));
  if (n('in') + n('out') === 0) throw invalidArgValue('streams', counts, "must add streams 'in' or 'out'");
  reconfigure(handle.addStreams(assocId, n('in'), n('out')), 'SCTP_ADD_STREAMS');
}

// A stream's value for the priority or wfq scheduler (SCTP_STREAM_SCHEDULER_VALUE): its priority
// (a lower value goes first) or its weight.
function setStreamPriority(handle, assocId, stream, value) {
  validateInteger(stream, 'stream', 0, 65535);
  validateInteger(value, 'value', 0, 65535);
  const err = handle.setStreamValue(assocId, stream, value);
  if (err) throw optionError(err, 'SCTP_STREAM_SCHEDULER_VALUE');
}

// SCTP-AUTH (RFC 4895) shared keys, of one association or (SCTP_ALL_ASSOC) of the socket: those to
// come and those it has. EACCES: AUTH is off, on the socket or, for an association, at its peer.
function authCall(err, what, keyNumber) {
  if (!err) return;
  const error = errnoException(err, `setsockopt ${what}`);
  if (err === -E.EACCES) {
    error.message += ' (SCTP-AUTH is off: give the socket the auth option, or set net.sctp.auth_enable=1; ' +
      'or the association\'s peer did not offer it)';
  } else if (err === -E.EINVAL && what === 'SCTP_AUTH_ACTIVE_KEY') {
    error.message += ` (no key ${keyNumber} there: setAuthKey() it first)`;
  } else if (err === -E.EINVAL && what !== 'SCTP_AUTH_KEY') {
    error.message += ` (no key ${keyNumber} there, or it is the active key: useAuthKey() another first)`;
  }
  throw error;
}

// One key operation (option: SCTP_AUTH_KEY, _ACTIVE_KEY, _DEACTIVATE_KEY, _DELETE_KEY). For every
// association (SCTP_ALL_ASSOC): the socket's, for those to come, must take it; then the live ones,
// where one whose peer has no AUTH refuses (EACCES) and is passed over.
function authOp(handle, assocId, option, what, keyNumber, secret) {
  if (assocId !== C.SCTP_ALL_ASSOC) {
    authCall(handle.setAuthKey(option, assocId, keyNumber, secret), what, keyNumber);
    return;
  }
  authCall(handle.setAuthKey(option, C.SCTP_FUTURE_ASSOC, keyNumber, secret), what, keyNumber);
  const err = handle.setAuthKey(option, C.SCTP_CURRENT_ASSOC, keyNumber, secret);
  if (err !== -E.EACCES) authCall(err, what, keyNumber);
}

function setAuthKey(handle, assocId, keyNumber, secret) {
  validateInteger(keyNumber, 'keyNumber', 0, 65535);
  const key = validateSecret(secret, 'secret');
  try {
    authOp(handle, assocId, C.SCTP_AUTH_KEY, 'SCTP_AUTH_KEY', keyNumber, key);
  } finally {
    key.fill(0); // the kernel has it (or refused it): no copy of ours stays
  }
}

function useAuthKey(handle, assocId, keyNumber) {
  validateInteger(keyNumber, 'keyNumber', 0, 65535);
  authOp(handle, assocId, C.SCTP_AUTH_ACTIVE_KEY, 'SCTP_AUTH_ACTIVE_KEY', keyNumber);
}

// Deactivated first, as RFC 6458 has it: an association's key no packet in flight holds is then
// reported free ('authentication' 'free-key'). One still held goes with its last packet, unreported
// (Linux reports it only while it is on the key list, which the delete takes it off). If the
// delete fails after the deactivation, the key stays, deactivated.
function deleteAuthKey(handle, assocId, keyNumber) {
  validateInteger(keyNumber, 'keyNumber', 0, 65535);
  authOp(handle, assocId, C.SCTP_AUTH_DEACTIVATE_KEY, 'SCTP_AUTH_DEACTIVATE_KEY', keyNumber);
  authOp(handle, assocId, C.SCTP_AUTH_DELETE_KEY, 'SCTP_AUTH_DELETE_KEY', keyNumber);
}

// Adds (or with remove, removes) local addresses of a bound socket (sctp_bindx).
function bindx(handle, addresses, port, remove = false) {
  const err = handle.bindx(addresses, port, remove);
  if (err) throw errnoException(err, 'sctp_bindx', addresses[0], port);
}

module.exports = {
  validateAddress, validateAddresses, familyOf, sockName, status, streamStatus, peerAddresses, localAddresses, peerAddressesIfAny,
  paths, stats,
  setPrimary, setPeerParams, setStreamPriority, resetStreams, resetAssociation, addStreams, setAuthKey, useAuthKey, deleteAuthKey,
  bindx,
};
