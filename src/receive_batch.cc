#include "receive_batch.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace sctp {

namespace {
size_t AddressLength(const sockaddr* sa) {
  return sa->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}
}  // namespace

bool ReceiveBatch::full() const {
  size_t limit = fields_ == nullptr ? kMax : std::clamp<size_t>(fields_[kLimit], 1, kMax);
  return count_ >= limit;
}

ReceiveBatch::Placed ReceiveBatch::Add(const char* data, size_t length, const sockaddr* from,
                                       const sctp_rcvinfo* info) {
  Placed placed{};
  placed.own = length >= kShareBelow;
  if (placed.own) {
    placed.buffer = buffers_++;
  } else {
    sctp_assoc_t assoc = info ? info->rcv_assoc_id : 0;
    bool join = !groups_.empty() && groups_.back().buffer == buffers_ - 1 &&
                groups_.back().assoc == assoc && groupMessages_ < kGroupMessages &&
                groups_.back().size + length <= kGroupBytes;
    if (!join) {
      groups_.push_back({buffers_++, staged_.size(), 0, assoc});
      groupMessages_ = 0;
    }
    placed.buffer = groups_.back().buffer;
    groupMessages_++;
  }
  size_t fromLength = AddressLength(from);
  placed.newAddress = count_ == 0 || std::memcmp(&last_, from, fromLength) != 0;
  if (placed.newAddress) {
    last_ = {};
    std::memcpy(&last_, from, fromLength);
    addresses_++;
  }
  placed.address = addresses_ - 1;

  uint32_t offset = 0;
  if (!placed.own) {
    Group& group = groups_.back();
    offset = static_cast<uint32_t>(group.size);
    staged_.insert(staged_.end(), data, data + length);
    group.size += length;
  }
  if (fields_ != nullptr) {
    sctp_rcvinfo none{};
    if (info == nullptr) info = &none;
    uint32_t* row = fields_ + count_ * kRow;
    row[kBuffer] = placed.buffer;
    row[kOffset] = offset;
    row[kLength] = static_cast<uint32_t>(length);
    row[kAddress] = placed.address;
    row[kPort] = ntohs(reinterpret_cast<const sockaddr_in*>(from)->sin_port);  // same place in both
    row[kAssoc] = static_cast<uint32_t>(info->rcv_assoc_id);
    row[kStream] = info->rcv_sid;
    row[kPpid] = ntohl(info->rcv_ppid);
    row[kFlags] = info->rcv_flags;
    row[kSsn] = info->rcv_ssn;
    row[kTsn] = info->rcv_tsn;
    row[kContext] = info->rcv_context;
  }
  count_++;
  return placed;
}

void ReceiveBatch::Clear() {
  count_ = 0;
  buffers_ = 0;
  addresses_ = 0;
  groupMessages_ = 0;
  groups_.clear();
  staged_.clear();
  if (fields_ != nullptr && fields_[kNext] != kStop) fields_[kNext] = 0;  // (closed: it stays so)
}

}  // namespace sctp
