'use strict';
// The numbers of one outgoing message as the native send() and sendBatch() take them: one row of a
// Uint32Array. Mirrors src/send_fields.h, index for index. The values come checked (lib/options.js,
// the callers' port and address checks): storing them in a Uint32Array converts without a word
// what native code would have refused.
const { constants: C } = require('./binding');

const STREAM = 0;
const PPID = 1;
const CONTEXT = 2;
const PR_VALUE = 3; // the PR-SCTP policy's value: ttl (ms), rtx (retransmissions) or prio
const UNORDERED = 4;
const ASSOC_ID = 5; // with no host: the association to send on
const PORT = 6;
const HOST = 7; // sendBatch(): an index into its hosts; NO_HOST: assocId says where
const POLICY = 8; // SCTP_PR_SCTP_TTL, _RTX or _PRIO
const FLAGS = 9; // SCTP_EOF, SCTP_ABORT
const FIELDS = 10;
const NO_HOST = 0xffffffff;

// Row `row` of fields: a message with send options `info` ({ stream, ppid, context, ttl, unordered,
// assocId, policy }) to port on hosts[host] (or NO_HOST), with flags.
function putFields(fields, row, info, port, host, flags = 0) {
  const k = row * FIELDS;
  fields[k + STREAM] = info.stream;
  fields[k + PPID] = info.ppid;
  fields[k + CONTEXT] = info.context;
  fields[k + PR_VALUE] = info.ttl;
  fields[k + UNORDERED] = info.unordered ? 1 : 0;
  fields[k + ASSOC_ID] = info.assocId || 0;
  fields[k + PORT] = port;
  fields[k + HOST] = host;
  fields[k + POLICY] = info.policy ?? C.SCTP_PR_SCTP_TTL;
  fields[k + FLAGS] = flags;
}

module.exports = { FIELDS, NO_HOST, PORT, putFields };
