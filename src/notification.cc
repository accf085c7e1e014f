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

// Reads the record as a T, then has `fill` copy its fields; false if it is shorter than a T.
template <typename T, typename Fill>
bool As(const char* data, size_t length, Fill fill) {
  T t;
  if (!Read(data, length, &t)) return false;
  fill(t);
  return true;
}

bool DecodeKnown(const char* data, size_t length, Notification* n) {
  switch (n->type) {
    case SCTP_ASSOC_CHANGE:
      return As<sctp_assoc_change>(data, length, [n](const auto& c) {
        n->assoc = c.sac_assoc_id;
        n->assocChange = {c.sac_state, ntohs(c.sac_error), c.sac_inbound_streams, c.sac_outbound_streams};
      });
    case SCTP_PEER_ADDR_CHANGE:
      return As<sctp_paddr_change>(data, length, [n](const auto& c) {
        n->assoc = c.spc_assoc_id;
        std::memcpy(&n->peerAddrChange.address, &c.spc_aaddr, sizeof c.spc_aaddr);
        n->peerAddrChange.state = c.spc_state;
        n->peerAddrChange.error = c.spc_error;
      });
    case SCTP_SEND_FAILED_EVENT:
      return As<sctp_send_failed_event>(data, length, [=](const auto& f) {
        constexpr size_t header = offsetof(sctp_send_failed_event, ssf_data);
        n->assoc = f.ssf_assoc_id;
        n->sendFailed = {f.ssf_error, f.ssfe_info.snd_sid, ntohl(f.ssfe_info.snd_ppid),
                         f.ssfe_info.snd_context, f.ssf_length > header ? f.ssf_length - header : 0};
        Tail(data, length, header, n);
      });
    case SCTP_SHUTDOWN_EVENT:
      return As<sctp_shutdown_event>(data, length, [n](const auto& s) { n->assoc = s.sse_assoc_id; });
    case SCTP_REMOTE_ERROR:
      return As<sctp_remote_error>(data, length, [=](const auto& r) {
        n->assoc = r.sre_assoc_id;
        n->remoteErrorCause = ntohs(r.sre_error);
        Tail(data, length, offsetof(sctp_remote_error, sre_data), n);
      });
    case SCTP_SENDER_DRY_EVENT:
      return As<sctp_sender_dry_event>(data, length, [n](const auto& d) { n->assoc = d.sender_dry_assoc_id; });
    case SCTP_STREAM_RESET_EVENT:
      return As<sctp_stream_reset_event>(data, length, [=](const auto& r) {
        n->assoc = r.strreset_assoc_id;
        // The list as long as the record says, but never past the bytes here.
        size_t end = std::min<size_t>(length, r.strreset_length);
        size_t count = end > sizeof r ? (end - sizeof r) / sizeof(uint16_t) : 0;
        n->resetStreams.resize(count);
        if (count > 0) std::memcpy(n->resetStreams.data(), data + sizeof r, count * sizeof(uint16_t));
      });
    case SCTP_ASSOC_RESET_EVENT:
      return As<sctp_assoc_reset_event>(data, length, [n](const auto& r) {
        n->assoc = r.assocreset_assoc_id;
        n->assocReset = {r.assocreset_local_tsn, r.assocreset_remote_tsn};
      });
    case SCTP_STREAM_CHANGE_EVENT:
      return As<sctp_stream_change_event>(data, length, [n](const auto& c) {
        n->assoc = c.strchange_assoc_id;
        n->streamChange = {c.strchange_instrms, c.strchange_outstrms};
      });
    case SCTP_AUTHENTICATION_EVENT:  // Linux leaves auth_altkeynumber 0
      return As<sctp_authkey_event>(data, length, [n](const auto& a) {
        n->assoc = a.auth_assoc_id;
        n->authentication = {a.auth_keynumber, a.auth_indication};
      });
    case SCTP_PARTIAL_DELIVERY_EVENT:
      return As<sctp_pdapi_event>(data, length, [n](const auto& p) {
        n->assoc = p.pdapi_assoc_id;
        n->partialDelivery = {p.pdapi_indication, p.pdapi_stream, p.pdapi_seq};
      });
    case SCTP_ADAPTATION_INDICATION:
      return As<sctp_adaptation_event>(data, length, [n](const auto& a) {
        n->assoc = a.sai_assoc_id;
        n->adaptation = a.sai_adaptation_ind;
      });
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
