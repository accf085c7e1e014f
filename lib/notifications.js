'use strict';
// SCTP notifications as event payloads, and the errors an association's end or failure becomes:
// what both socket kinds report the same way.
const { errno: E } = require('os').constants;
const { performance } = require('perf_hooks');
const binding = require('./binding');
const { errnoException } = require('./errors');
const D = require('./diagnostics');

const { constants: C } = binding;

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
const AUTH_INDICATIONS = {
  [C.SCTP_AUTH_NEW_KEY]: 'new-key', [C.SCTP_AUTH_FREE_KEY]: 'free-key', [C.SCTP_AUTH_NO_AUTH]: 'no-auth',
};

const causeName = (code) => (code ? CAUSES[code] || `cause-${code}` : '');

// Send errors that mean the association was ended by its peer (or is ending) before the send
// (ESRCH: it is gone, its end not yet read).
const PEER_CAUSED = new Set(['EPIPE', 'ESHUTDOWN', 'ECONNRESET', 'ENOTCONN', 'ECONNABORTED', 'ESRCH']);

// A send on a stream the association does not have. Its outbound streams are min(our own
// outStreams, what the peer's INIT accepts): a stream beyond our own is the app's bug (a plain
// EINVAL, saying so); one within ours but beyond the association's, the peer decides. That error
// says so (code EINVAL, with `stream` and `outStreams`) and counts as peer-caused. assocId: 0 on a
// one-to-one socket.
function streamError(err, handle, assocId, stream) {
  if (err.code !== 'EINVAL' || !(stream > 0)) return err;
  const own = {}; // the kernel's: accepted and peeled-off sockets inherit the endpoint's
  if (handle.initMsg(own)) return err;
  if (stream >= own.outStreams) {
    err.message += ` (stream ${stream} is beyond this socket's ${own.outStreams} outbound streams: initMsg.outStreams)`;
    return err;
  }
  if (assocId === undefined) return err;
  const st = {};
  if (handle.status(assocId, st) || stream < st.outStreams) return err;
  err.message += ` (stream ${stream} is not one of the association's ${st.outStreams} outbound streams: ` +
    'the peer accepts no more)';
  return Object.assign(err, { stream, outStreams: st.outStreams });
}

// Whether a send's error was the peer's doing: not thrown at an app that did not listen for 'error'.
const peerCaused = (err) => PEER_CAUSED.has(err.code) || err.outStreams !== undefined;

// An ABORT's cause, when there was one, on the error it led to.
const withCause = (err, info) => (info.error ? Object.assign(err, { sctpCause: info.error, reason: info.reason }) : err);

// The 'association' event's payload; `known` ({ address, port }) fills in what the kernel left
// out (an association that ended has no address in its notification). `adaptation`: the peer's
// adaptation layer indication (SCTP_ADAPTATION_LAYER) on an association coming up, -1 for none.
function associationInfo(known, assocId, state, error, address, port, inStreams, outStreams, adaptation) {
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
  if (adaptation >= 0) info.adaptation = adaptation;
  return info;
}

const isUp = (state) => state === 'up' || state === 'restart';

// The 'message' event's rinfo, from onmessage's arguments after the message.
function receiveInfo(msg, address, port, assocId, stream, ppid, flags, ssn, tsn, context) {
  return {
    address,
    family: address.includes(':') ? 'IPv6' : 'IPv4', // numeric, from the kernel
    port,
    size: msg.length,
    assocId,
    stream,
    ppid,
    unordered: (flags & C.SCTP_UNORDERED) !== 0,
    ssn,
    tsn,
    context,
  };
}

// A reconfiguration request's outcome: refused by the peer, or failed (no answer, or a bad one).
const outcome = (flags) => ({
  denied: (flags & C.SCTP_STREAM_RESET_DENIED) !== 0, failed: (flags & C.SCTP_STREAM_RESET_FAILED) !== 0,
});

// The native callbacks of the notifications both socket kinds pass on as they are. Each is given
// to the handle whether or not the app listens (so each is subscribed, and a send failure reaches
// the diagnostics channel without a 'sendfailed' listener); an event nobody listens to is dropped.
function relayed(emitter) {
  return {
    onpeeraddrchange(assocId, state, error, address, port) {
      emitter.emit('peeraddrchange', { assocId, address, port, state, error });
    },
    onsendfailed(assocId, error, sent, stream, ppid, context, data, size) {
      D.publish(D.channels.sendFailed, () => ({ socket: emitter, assocId, error, sent, stream, ppid, context, size }));
      emitter.emit('sendfailed', { assocId, error, sent, data, size, truncated: data.length < size, stream, ppid, context });
    },
    onshutdown(assocId) {
      emitter.emit('shutdown', { assocId });
    },
    onremoteerror(assocId, cause, data) {
      emitter.emit('remoteerror', { assocId, cause, reason: causeName(cause), data });
    },
    // Stream reconfiguration (RFC 6525): a request of ours answered, or the peer's carried out.
    onstreamreset(assocId, flags, streams) {
      emitter.emit('streamreset', {
        assocId, streams, incoming: (flags & C.SCTP_STREAM_RESET_INCOMING) !== 0,
        outgoing: (flags & C.SCTP_STREAM_RESET_OUTGOING) !== 0, ...outcome(flags),
      });
    },
    onassocreset(assocId, flags, localTsn, remoteTsn) {
      emitter.emit('assocreset', { assocId, localTsn, remoteTsn, ...outcome(flags) });
    },
    onstreamchange(assocId, flags, inStreams, outStreams) {
      emitter.emit('streamchange', { assocId, inStreams, outStreams, ...outcome(flags) });
    },
    // SCTP-AUTH (RFC 4895): the peer signed with another key than our active one ('new-key'), a
    // deleted key of ours is no longer in use ('free-key'), or the peer has no AUTH ('no-auth').
    onauthentication(assocId, keyNumber, indication) {
      emitter.emit('authentication', { assocId, keyNumber, indication: AUTH_INDICATIONS[indication] || `indication-${indication}` });
    },
  };
}

// Why a connect failed: the peer refused (an ABORT, with its cause), or no INIT ACK came back
// before the kernel gave up (which takes all of the INIT retransmission timeouts). `started`: when
// the connect began (performance.now()).
function connectError(handle, started, info) {
  const timedOut = info.state === 'cant-start' && !info.error &&
    performance.now() - started >= 0.9 * handle.initFailureTime();
  const err = errnoException(timedOut ? -E.ETIMEDOUT : -E.ECONNREFUSED, 'connect', info.address, info.port);
  return withCause(err, info);
}

// A one-to-one socket's association failed or was aborted: the kernel's socket error says how
// (ECONNRESET: the peer aborted; ECONNABORTED: we did; ETIMEDOUT: the peer stopped answering).
function lostError(handle, info) {
  const errno = handle ? handle.takeError() : 0;
  const err = errnoException(errno || -E.ECONNRESET, 'recvmsg', info.address, info.port);
  return withCause(err, info);
}

function abortError(signal) {
  const err = new Error('The operation was aborted', { cause: signal.reason });
  err.name = 'AbortError';
  err.code = 'ABORT_ERR';
  return err;
}

module.exports = {
  CAUSES, causeName, PEER_CAUSED, streamError, peerCaused, withCause, associationInfo, isUp, receiveInfo, relayed, connectError,
  lostError, abortError,
};
