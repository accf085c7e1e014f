// Decode(): each type's fields, every record cut short of its fixed part rejected (the bytes are
// copied to an allocation of exactly that length, so the sanitizer sees any read past it), an
// unknown type passed on as unknown.
#include <arpa/inet.h>

#include <cstring>
#include <memory>
#include <string>

#include "../../src/notification.h"
#include "harness.h"

using sctp::Decode;
using sctp::Notification;

namespace {

// A record: the struct's bytes (its header filled in), then `tail`.
template <typename T>
std::string Record(uint16_t type, uint16_t flags, T body, const std::string& tail = "") {
  std::string bytes(reinterpret_cast<const char*>(&body), sizeof body);
  bytes += tail;
  sctp_notification header{};
  header.sn_header.sn_type = type;
  header.sn_header.sn_flags = flags;
  header.sn_header.sn_length = static_cast<uint32_t>(bytes.size());
  std::memcpy(&bytes[0], &header.sn_header, sizeof header.sn_header);
  return bytes;
}

// Decodes the first `length` bytes of `bytes` from an allocation of exactly that size.
bool DecodeExact(const std::string& bytes, size_t length, Notification* out) {
  std::unique_ptr<char[]> exact(new char[length == 0 ? 1 : length]);
  std::memcpy(exact.get(), bytes.data(), length);
  bool ok = Decode(exact.get(), length, out);
  if (ok && out->dataLength > 0) {  // data points into the record: check it is within it
    CHECK(out->data >= exact.get() && out->data + out->dataLength <= exact.get() + length);
  }
  if (ok) out->data = nullptr;  // the allocation goes now
  return ok;
}

Notification Decoded(const std::string& bytes) {
  Notification n;
  CHECK(DecodeExact(bytes, bytes.size(), &n));
  CHECK(n.known);
  return n;
}

// Every prefix shorter than the type's fixed part is rejected.
void CheckShortRejected(const std::string& bytes, size_t fixed) {
  for (size_t length = 0; length < fixed; length++) {
    Notification n;
    if (DecodeExact(bytes, length, &n)) {
      std::fprintf(stderr, "    a record of %zu bytes (of %zu) was decoded\n", length, fixed);
      harness::Failures()++;
    }
  }
}

}  // namespace

TEST("decoder: SCTP_ASSOC_CHANGE") {
  sctp_assoc_change c{};
  c.sac_state = SCTP_COMM_LOST;
  c.sac_error = htons(12);
  c.sac_inbound_streams = 7;
  c.sac_outbound_streams = 9;
  c.sac_assoc_id = 42;
  std::string bytes = Record(SCTP_ASSOC_CHANGE, 0, c, "info");
  Notification n = Decoded(bytes);
  CHECK_EQ(n.type, SCTP_ASSOC_CHANGE);
  CHECK_EQ(n.assoc, 42);
  CHECK_EQ(n.assocChange.state, SCTP_COMM_LOST);
  CHECK_EQ(n.assocChange.error, 12);
  CHECK_EQ(n.assocChange.inStreams, 7);
  CHECK_EQ(n.assocChange.outStreams, 9);
  CheckShortRejected(bytes, sizeof c);
}

TEST("decoder: SCTP_PEER_ADDR_CHANGE") {
  sctp_paddr_change c{};
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_port = htons(5000);
  addr.sin6_addr.s6_addr[15] = 1;
  std::memcpy(&c.spc_aaddr, &addr, sizeof addr);
  c.spc_state = SCTP_ADDR_ADDED;
  c.spc_error = 3;
  c.spc_assoc_id = 5;
  std::string bytes = Record(SCTP_PEER_ADDR_CHANGE, 0, c);
  Notification n = Decoded(bytes);
  CHECK_EQ(n.assoc, 5);
  CHECK_EQ(n.peerAddrChange.state, SCTP_ADDR_ADDED);
  CHECK_EQ(n.peerAddrChange.error, 3);
  const auto* got = reinterpret_cast<const sockaddr_in6*>(&n.peerAddrChange.address);
  CHECK_EQ(got->sin6_family, AF_INET6);
  CHECK_EQ(ntohs(got->sin6_port), 5000);
  CHECK_EQ(got->sin6_addr.s6_addr[15], 1);
  CheckShortRejected(bytes, sizeof c);
}

TEST("decoder: SCTP_SEND_FAILED_EVENT, whole and cut short") {
  sctp_send_failed_event f{};
  f.ssf_error = 110;
  f.ssfe_info.snd_sid = 3;
  f.ssfe_info.snd_ppid = htonl(0x01020304);
  f.ssfe_info.snd_context = 77;
  f.ssf_assoc_id = 8;
  std::string bytes = Record(SCTP_SEND_FAILED_EVENT, SCTP_DATA_SENT, f, "hello");
  // Record() set the header's length; the kernel's ssf_length is the same field.
  Notification n = Decoded(bytes);
  CHECK_EQ(n.flags, SCTP_DATA_SENT);
  CHECK_EQ(n.assoc, 8);
  CHECK_EQ(n.sendFailed.error, 110u);
  CHECK_EQ(n.sendFailed.stream, 3);
  CHECK_EQ(n.sendFailed.ppid, 0x01020304u);
  CHECK_EQ(n.sendFailed.context, 77u);
  CHECK_EQ(n.sendFailed.size, 5u);
  CHECK_EQ(n.dataLength, 5u);
  // Longer than the limit: only the first bytes are here; the size is still the whole message's.
  Notification cut;
  CHECK(DecodeExact(bytes, sizeof f + 2, &cut));
  CHECK_EQ(cut.sendFailed.size, 5u);
  CHECK_EQ(cut.dataLength, 2u);
  CheckShortRejected(bytes, sizeof f);
}

TEST("decoder: SCTP_SHUTDOWN_EVENT and SCTP_SENDER_DRY_EVENT") {
  sctp_shutdown_event s{};
  s.sse_assoc_id = 11;
  std::string shutdown = Record(SCTP_SHUTDOWN_EVENT, 0, s);
  CHECK_EQ(Decoded(shutdown).assoc, 11);
  CheckShortRejected(shutdown, sizeof s);
  sctp_sender_dry_event d{};
  d.sender_dry_assoc_id = 12;
  std::string dry = Record(SCTP_SENDER_DRY_EVENT, 0, d);
  CHECK_EQ(Decoded(dry).assoc, 12);
  CheckShortRejected(dry, sizeof d);
}

TEST("decoder: SCTP_REMOTE_ERROR") {
  sctp_remote_error r{};
  r.sre_error = htons(0x0102);
  r.sre_assoc_id = 13;
  std::string bytes = Record(SCTP_REMOTE_ERROR, 0, r, std::string("\x00\x01\x00\x04", 4));
  Notification n = Decoded(bytes);
  CHECK_EQ(n.assoc, 13);
  CHECK_EQ(n.remoteErrorCause, 0x0102);
  CHECK_EQ(n.dataLength, 4u);
  CheckShortRejected(bytes, sizeof r);
}

TEST("decoder: SCTP_STREAM_RESET_EVENT, its list bounded by the record") {
  sctp_stream_reset_event r{};
  r.strreset_assoc_id = 14;
  const uint16_t list[] = {1, 2, 300};
  std::string bytes = Record(SCTP_STREAM_RESET_EVENT, SCTP_STREAM_RESET_INCOMING_SSN, r,
                             std::string(reinterpret_cast<const char*>(list), sizeof list));
  Notification n = Decoded(bytes);
  CHECK_EQ(n.assoc, 14);
  CHECK_EQ(n.flags, SCTP_STREAM_RESET_INCOMING_SSN);
  CHECK_EQ(n.resetStreams.size(), 3u);
  if (n.resetStreams.size() == 3) CHECK_EQ(n.resetStreams[2], 300);
  // Cut short: the streams that are here.
  Notification cut;
  CHECK(DecodeExact(bytes, sizeof r + 3, &cut));
  CHECK_EQ(cut.resetStreams.size(), 1u);
  // A length field shorter than the struct: no list, and no wrap-around.
  std::string odd = bytes;
  uint32_t small = 2;
  std::memcpy(&odd[4], &small, sizeof small);
  CHECK_EQ(Decoded(odd).resetStreams.size(), 0u);
  CheckShortRejected(bytes, sizeof r);
}

TEST("decoder: SCTP_ASSOC_RESET_EVENT and SCTP_STREAM_CHANGE_EVENT") {
  sctp_assoc_reset_event r{};
  r.assocreset_assoc_id = 15;
  r.assocreset_local_tsn = 1000;
  r.assocreset_remote_tsn = 2000;
  std::string reset = Record(SCTP_ASSOC_RESET_EVENT, SCTP_ASSOC_RESET_DENIED, r);
  Notification n = Decoded(reset);
  CHECK_EQ(n.assoc, 15);
  CHECK_EQ(n.flags, SCTP_ASSOC_RESET_DENIED);
  CHECK_EQ(n.assocReset.localTsn, 1000u);
  CHECK_EQ(n.assocReset.remoteTsn, 2000u);
  CheckShortRejected(reset, sizeof r);
  sctp_stream_change_event c{};
  c.strchange_assoc_id = 16;
  c.strchange_instrms = 20;
  c.strchange_outstrms = 30;
  std::string change = Record(SCTP_STREAM_CHANGE_EVENT, SCTP_STREAM_CHANGE_DENIED, c);
  Notification m = Decoded(change);
  CHECK_EQ(m.assoc, 16);
  CHECK_EQ(m.flags, SCTP_STREAM_CHANGE_DENIED);
  CHECK_EQ(m.streamChange.inStreams, 20);
  CHECK_EQ(m.streamChange.outStreams, 30);
  CheckShortRejected(change, sizeof c);
}

TEST("decoder: SCTP_AUTHENTICATION_EVENT") {
  sctp_authkey_event a{};
  a.auth_assoc_id = 17;
  a.auth_keynumber = 4;
  a.auth_indication = SCTP_AUTH_FREE_KEY;
  std::string bytes = Record(SCTP_AUTHENTICATION_EVENT, 0, a);
  Notification n = Decoded(bytes);
  CHECK_EQ(n.assoc, 17);
  CHECK_EQ(n.authentication.keyNumber, 4);
  CHECK_EQ(n.authentication.indication, static_cast<uint32_t>(SCTP_AUTH_FREE_KEY));
  CheckShortRejected(bytes, sizeof a);
}

TEST("decoder: SCTP_PARTIAL_DELIVERY_EVENT") {
  sctp_pdapi_event p{};
  p.pdapi_indication = SCTP_PARTIAL_DELIVERY_ABORTED;
  p.pdapi_assoc_id = 18;
  p.pdapi_stream = 6;
  p.pdapi_seq = 0x10005;
  std::string bytes = Record(SCTP_PARTIAL_DELIVERY_EVENT, SCTP_UNORDERED, p);
  Notification n = Decoded(bytes);
  CHECK_EQ(n.assoc, 18);
  CHECK_EQ(n.flags, SCTP_UNORDERED);
  CHECK_EQ(n.partialDelivery.indication, static_cast<uint32_t>(SCTP_PARTIAL_DELIVERY_ABORTED));
  CHECK_EQ(n.partialDelivery.stream, 6u);
  CHECK_EQ(n.partialDelivery.sequence, 0x10005u);
  CheckShortRejected(bytes, sizeof p);
}

TEST("decoder: SCTP_ADAPTATION_INDICATION") {
  sctp_adaptation_event a{};
  a.sai_adaptation_ind = 0xdeadbeef;
  a.sai_assoc_id = 19;
  std::string bytes = Record(SCTP_ADAPTATION_INDICATION, 0, a);
  Notification n = Decoded(bytes);
  CHECK_EQ(n.assoc, 19);
  CHECK_EQ(n.adaptation, 0xdeadbeefu);
  CheckShortRejected(bytes, sizeof a);
}

TEST("decoder: an unknown type is passed on as unknown; shorter than a header, rejected") {
  struct {
    uint64_t header;
    uint32_t more;
  } body{};
  std::string bytes = Record(0x9abc, 7, body);
  Notification n;
  CHECK(DecodeExact(bytes, bytes.size(), &n));
  CHECK(!n.known);
  CHECK_EQ(n.type, 0x9abc);
  CHECK_EQ(n.flags, 7);
  CHECK_EQ(n.assoc, 0);
  CheckShortRejected(bytes, 8);
  CHECK(!Decode(nullptr, 0, &n));
}
