#include "notification.h"

#include <algorithm>
#include <cstring>

namespace sctp {

namespace {

// The record's first sizeof(T) bytes as a T (copied: the bytes need not be aligned), if it has them.
template <typename T>
bool Read(const char* data, size_t length, T* out) {
  if (length < sizeof(T)) return false;
  std::memcpy(out, data, sizeof(T));
  return true;
}

// The bytes after a fixed part of `offset` bytes, within the record.
void Tail(const char* data, size_t length, size_t offset, Notification* out) {
  out->data = data + std::min(offset, length);
  out->dataLength = length > offset ? length - offset : 0;
}

bool DecodeKnown(const char* data, size_t length, Notification* n) {
  switch (n->type) {
    case SCTP_ASSOC_CHANGE: {
      sctp_assoc_change c;
      if (!Read(data, length, &c)) return false;
      n->assoc = c.sac_assoc_id;
      n->assocChange = {c.sac_state, ntohs(c.sac_error), c.sac_inbound_streams, c.sac_outbound_streams};
      return true;
    }
    case SCTP_PEER_ADDR_CHANGE: {
      sctp_paddr_change c;
      if (!Read(data, length, &c)) return false;
      n->assoc = c.spc_assoc_id;
      std::memcpy(&n->peerAddrChange.address, &c.spc_aaddr, sizeof c.spc_aaddr);
      n->peerAddrChange.state = c.spc_state;
      n->peerAddrChange.error = c.spc_error;
      return true;
    }
    case SCTP_SEND_FAILED_EVENT: {
      sctp_send_failed_event f;
      if (!Read(data, length, &f)) return false;
      constexpr size_t header = offsetof(sctp_send_failed_event, ssf_data);
      n->assoc = f.ssf_assoc_id;
      n->sendFailed = {f.ssf_error, f.ssfe_info.snd_sid, ntohl(f.ssfe_info.snd_ppid),
                       f.ssfe_info.snd_context, f.ssf_length > header ? f.ssf_length - header : 0};
      Tail(data, length, header, n);
      return true;
    }
    case SCTP_SHUTDOWN_EVENT: {
      sctp_shutdown_event s;
      if (!Read(data, length, &s)) return false;
      n->assoc = s.sse_assoc_id;
      return true;
    }
    case SCTP_REMOTE_ERROR: {
      sctp_remote_error r;
      if (!Read(data, length, &r)) return false;
      n->assoc = r.sre_assoc_id;
      n->remoteErrorCause = ntohs(r.sre_error);
      Tail(data, length, offsetof(sctp_remote_error, sre_data), n);
      return true;
    }
    case SCTP_SENDER_DRY_EVENT: {
      sctp_sender_dry_event d;
      if (!Read(data, length, &d)) return false;
      n->assoc = d.sender_dry_assoc_id;
      return true;
    }
    case SCTP_STREAM_RESET_EVENT: {
      sctp_stream_reset_event r;
      if (!Read(data, length, &r)) return false;
      n->assoc = r.strreset_assoc_id;
      // The list as long as the record says, but never past the bytes here.
      size_t end = std::min<size_t>(length, r.strreset_length);
      size_t count = end > sizeof r ? (end - sizeof r) / sizeof(uint16_t) : 0;
      n->resetStreams.resize(count);
      if (count > 0) std::memcpy(n->resetStreams.data(), data + sizeof r, count * sizeof(uint16_t));
      return true;
    }
    case SCTP_ASSOC_RESET_EVENT: {
      sctp_assoc_reset_event r;
      if (!Read(data, length, &r)) return false;
      n->assoc = r.assocreset_assoc_id;
      n->assocReset = {r.assocreset_local_tsn, r.assocreset_remote_tsn};
      return true;
    }
    case SCTP_STREAM_CHANGE_EVENT: {
      sctp_stream_change_event c;
      if (!Read(data, length, &c)) return false;
      n->assoc = c.strchange_assoc_id;
      n->streamChange = {c.strchange_instrms, c.strchange_outstrms};
      return true;
    }
    case SCTP_AUTHENTICATION_EVENT: {  // Linux leaves auth_altkeynumber 0
      sctp_authkey_event a;
      if (!Read(data, length, &a)) return false;
      n->assoc = a.auth_assoc_id;
      n->authentication = {a.auth_keynumber, a.auth_indication};
      return true;
    }
    case SCTP_PARTIAL_DELIVERY_EVENT: {
      sctp_pdapi_event p;
      if (!Read(data, length, &p)) return false;
      n->assoc = p.pdapi_assoc_id;
      n->partialDelivery = {p.pdapi_indication, p.pdapi_stream, p.pdapi_seq};
      return true;
    }
    case SCTP_ADAPTATION_INDICATION: {
      sctp_adaptation_event a;
      if (!Read(data, length, &a)) return false;
      n->assoc = a.sai_assoc_id;
      n->adaptation = a.sai_adaptation_ind;
      return true;
    }
    default:
      n->known = false;
      return true;
  }
}

}  // namespace

bool Decode(const char* data, size_t length, Notification* out) {
  *out = Notification{};
  struct {
    uint16_t type;
    uint16_t flags;
    uint32_t length;
  } header;
  static_assert(sizeof header == sizeof(sctp_notification{}.sn_header));
  if (data == nullptr || !Read(data, length, &header)) return false;
  out->type = header.type;
  out->flags = header.flags;
  out->known = true;
  return DecodeKnown(data, length, out);
}

}  // namespace sctp
