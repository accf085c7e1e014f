// The layout of a tick's messages for one call into JS: rows, and which ArrayBuffer holds what.
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "../../src/receive_batch.h"
#include "harness.h"

using sctp::ReceiveBatch;

namespace {

sockaddr_in Peer(uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sa;
}

const sockaddr* Sa(const sockaddr_in& sa) { return reinterpret_cast<const sockaddr*>(&sa); }

}  // namespace

TEST("small messages share an ArrayBuffer, eight at most; a large one has its own") {
  std::vector<uint32_t> fields(ReceiveBatch::kFields);
  ReceiveBatch batch;
  batch.Attach(fields.data());
  fields[ReceiveBatch::kLimit] = ReceiveBatch::kMax;
  sockaddr_in peer = Peer(5000);
  std::string small(64, 'a'), large(ReceiveBatch::kShareBelow, 'b');
  for (int i = 0; i < 9; i++) {
    auto placed = batch.Add(small.data(), small.size(), Sa(peer), nullptr);
    CHECK(!placed.own);
    CHECK_EQ(placed.buffer, i < 8 ? 0u : 1u);
    CHECK_EQ(placed.newAddress, i == 0);
  }
  auto own = batch.Add(large.data(), large.size(), Sa(peer), nullptr);
  CHECK(own.own);
  CHECK_EQ(own.buffer, 2u);
  auto after = batch.Add(small.data(), small.size(), Sa(peer), nullptr);  // a new group after it
  CHECK_EQ(after.buffer, 3u);
  CHECK_EQ(batch.count(), 11u);
  CHECK_EQ(batch.buffers(), 4u);
  CHECK_EQ(batch.groups().size(), 3u);
  CHECK_EQ(batch.groups()[0].size, 8 * 64u);
  CHECK_EQ(batch.groups()[1].size, 64u);
  CHECK_EQ(fields[8 * ReceiveBatch::kRow + ReceiveBatch::kOffset], 0u);  // the second group's first
  CHECK_EQ(fields[7 * ReceiveBatch::kRow + ReceiveBatch::kOffset], 7 * 64u);
  CHECK_EQ(fields[9 * ReceiveBatch::kRow + ReceiveBatch::kLength], static_cast<uint32_t>(large.size()));
  CHECK_EQ(fields[0 * ReceiveBatch::kRow + ReceiveBatch::kPort], 5000u);
}

TEST("a group holds at most kGroupBytes; senders are indexed as they change") {
  std::vector<uint32_t> fields(ReceiveBatch::kFields);
  ReceiveBatch batch;
  batch.Attach(fields.data());
  fields[ReceiveBatch::kLimit] = ReceiveBatch::kMax;
  sockaddr_in a = Peer(1), b = Peer(2);
  std::string m(ReceiveBatch::kShareBelow - 1, 'x');
  size_t perGroup = ReceiveBatch::kGroupBytes / m.size();
  for (size_t i = 0; i <= perGroup; i++) batch.Add(m.data(), m.size(), Sa(i % 2 ? b : a), nullptr);
  CHECK_EQ(batch.groups().size(), 2u);
  CHECK(batch.groups()[0].size <= ReceiveBatch::kGroupBytes);
  CHECK_EQ(fields[1 * ReceiveBatch::kRow + ReceiveBatch::kAddress], 1u);
  CHECK_EQ(fields[2 * ReceiveBatch::kRow + ReceiveBatch::kAddress], 2u);
  // The staged bytes are the messages'.
  CHECK(std::string(batch.staged(), m.size()) == m);
}

TEST("rcvinfo fields, the limit JS sets, and Clear") {
  std::vector<uint32_t> fields(ReceiveBatch::kFields);
  ReceiveBatch batch;
  batch.Attach(fields.data());
  fields[ReceiveBatch::kLimit] = 2;
  sockaddr_in peer = Peer(9);
  sctp_rcvinfo info{};
  info.rcv_sid = 3;
  info.rcv_ppid = htonl(46);
  info.rcv_assoc_id = 7;
  info.rcv_flags = SCTP_UNORDERED;
  info.rcv_tsn = 99;
  batch.Add("hi", 2, Sa(peer), &info);
  CHECK(!batch.full());
  batch.Add("yo", 2, Sa(peer), &info);
  CHECK(batch.full());
  CHECK_EQ(fields[ReceiveBatch::kRow + ReceiveBatch::kPpid], 46u);
  CHECK_EQ(fields[ReceiveBatch::kRow + ReceiveBatch::kStream], 3u);
  CHECK_EQ(fields[ReceiveBatch::kRow + ReceiveBatch::kAssoc], 7u);
  CHECK_EQ(fields[ReceiveBatch::kRow + ReceiveBatch::kTsn], 99u);
  CHECK_EQ(fields[ReceiveBatch::kRow + ReceiveBatch::kFlags], static_cast<uint32_t>(SCTP_UNORDERED));
  fields[ReceiveBatch::kNext] = 2;
  batch.Clear();
  CHECK_EQ(batch.count(), 0u);
  CHECK_EQ(fields[ReceiveBatch::kNext], 0u);
  CHECK(batch.Add("z", 1, Sa(peer), nullptr).newAddress);  // a new call's addresses start again
}

TEST("messages of different associations never share an ArrayBuffer; a closed handle's kStop stays") {
  std::vector<uint32_t> fields(ReceiveBatch::kFields);
  ReceiveBatch batch;
  batch.Attach(fields.data());
  fields[ReceiveBatch::kLimit] = ReceiveBatch::kMax;
  sockaddr_in peer = Peer(9);
  sctp_rcvinfo one{}, two{};
  one.rcv_assoc_id = 1;
  two.rcv_assoc_id = 2;
  batch.Add("a", 1, Sa(peer), &one);
  batch.Add("b", 1, Sa(peer), &one);  // joins the first
  batch.Add("c", 1, Sa(peer), &two);  // another association: a group of its own
  batch.Add("d", 1, Sa(peer), &one);  // and back: a new group again
  CHECK_EQ(batch.groups().size(), 3u);
  CHECK_EQ(fields[1 * ReceiveBatch::kRow + ReceiveBatch::kBuffer], 0u);
  CHECK_EQ(fields[2 * ReceiveBatch::kRow + ReceiveBatch::kBuffer], 1u);
  CHECK_EQ(fields[3 * ReceiveBatch::kRow + ReceiveBatch::kBuffer], 2u);
  fields[ReceiveBatch::kNext] = ReceiveBatch::kStop;  // the handle closed during the call
  batch.Clear();
  CHECK_EQ(fields[ReceiveBatch::kNext], ReceiveBatch::kStop);
}
