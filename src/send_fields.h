// The numbers of one outgoing message, as send() and sendBatch() take them: one row of a
// Uint32Array (sendBatch: row i of count). Mirrored, index for index, by lib/send-fields.js.
#pragma once

#include <cstdint>

#include "endpoint.h"  // SendInfo

namespace sctp {

enum SendField : uint32_t {
  kFieldStream,     // stream number
  kFieldPpid,       // payload protocol identifier (host byte order)
  kFieldContext,    // the context a failed send reports back
  kFieldPrValue,    // the PR-SCTP policy's value: TTL ms (0: reliable), retransmissions or priority
  kFieldUnordered,  // 1: SCTP_UNORDERED
  kFieldAssocId,    // with no host: the association to send on
  kFieldPort,       // the destination's port
  kFieldHost,       // sendBatch: an index into its hosts[]; kNoHost: assocId says where
  kFieldPolicy,     // SCTP_PR_SCTP_TTL, _RTX or _PRIO
  kFieldFlags,      // SCTP_EOF, SCTP_ABORT (a message with no data, or an abort reason)
  kSendFields
};

constexpr uint32_t kNoHost = 0xffffffff;

// SendInfo of one row. The values come checked by lib/: no range check here.
inline SendInfo SendInfoOf(const uint32_t* f) {
  SendInfo send;
  send.stream = static_cast<uint16_t>(f[kFieldStream]);
  send.ppid = f[kFieldPpid];
  send.context = f[kFieldContext];
  send.ttl = f[kFieldPrValue];
  send.unordered = f[kFieldUnordered] != 0;
  send.assoc = static_cast<sctp_assoc_t>(f[kFieldAssocId]);
  send.policy = static_cast<uint16_t>(f[kFieldPolicy]);
  send.flags = static_cast<uint16_t>(f[kFieldFlags]);
  return send;
}

}  // namespace sctp
