// The reassembler as the kernel drives it: each piece the kernel holds is read into Room() as far
// as it fits (the rest on the next read, MSG_EOR on the last), then handed to Add().
#include <cstring>
#include <string>
#include <vector>

#include "../../src/reassembler.h"
#include "harness.h"

using sctp::Notification;
using sctp::Reassembler;

namespace {

constexpr size_t KiB = 1024, MiB = 1024 * KiB;

// A piece of a message as the kernel delivers it (partial delivery): its bytes and rcvinfo.
struct Piece {
  std::string bytes;
  bool end = true;  // MSG_EOR after its last byte
  sctp_assoc_t assoc = 1;
  uint16_t stream = 0;
  uint16_t mid = 0;  // rcv_ssn: the SSN, or with I-DATA the low 16 bits of the MID
  bool unordered = false;
  uint32_t ppid = 0;  // with I-DATA a later piece's PPID field is its fragment number
  uint32_t tsn = 0;
  bool notification = false;
};

// What came out, copied.
struct Out {
  Reassembler::Record::Kind kind;
  std::string data;
  size_t length;
  bool hasInfo;
  sctp_rcvinfo info;
  bool truncated;
};

struct Kernel {
  Reassembler r;
  std::vector<Out> out;
  std::vector<sctp_assoc_t> aborted;
  bool noMemory = false;

  Kernel(size_t limit, bool interleave) {
    r.SetLimit(limit);
    r.SetInterleave(interleave);
    CHECK(r.Start());
  }

  void Feed(const Piece& p) {
    sctp_rcvinfo info{};
    info.rcv_assoc_id = p.assoc;
    info.rcv_sid = p.stream;
    info.rcv_ssn = p.mid;
    info.rcv_flags = p.unordered ? SCTP_UNORDERED : 0;
    info.rcv_ppid = p.ppid;
    info.rcv_tsn = p.tsn;
    size_t offset = 0;
    do {
      Reassembler::Span room = r.Room();
      if (room.data == nullptr) {
        noMemory = true;
        return;
      }
      size_t n = std::min(room.size, p.bytes.size() - offset);
      std::memcpy(room.data, p.bytes.data() + offset, n);
      offset += n;
      bool end = p.end && offset == p.bytes.size();
      Reassembler::Record record = r.Add(n, p.notification, end, p.notification ? nullptr : &info);
      if (record.abort) aborted.push_back(record.abortAssoc);
      if (record.kind == Reassembler::Record::kNone) continue;
      Out o{record.kind, record.data ? std::string(record.data, record.length) : std::string(),
            record.length, record.info != nullptr, record.info ? *record.info : sctp_rcvinfo{},
            record.truncated};
      out.push_back(o);
    } while (offset < p.bytes.size());
  }
};

std::string Bytes(size_t n, char c) { return std::string(n, c); }

// A message of `total` bytes of `c` in pieces of `piece` (only the last ends it).
std::vector<Piece> Split(size_t total, size_t piece, Piece shape, char c) {
  std::vector<Piece> pieces;
  for (size_t done = 0; done < total; done += piece) {
    Piece p = shape;
    p.bytes = Bytes(std::min(piece, total - done), c);
    p.end = done + piece >= total;
    if (done > 0) p.ppid = static_cast<uint32_t>(done / piece), p.tsn = shape.tsn + static_cast<uint32_t>(done / piece);
    pieces.push_back(p);
  }
  return pieces;
}

Piece Part(const std::string& bytes, bool end, sctp_assoc_t assoc, uint16_t stream, uint16_t mid,
           uint32_t ppid = 0, uint32_t tsn = 0, bool unordered = false) {
  Piece p;
  p.bytes = bytes;
  p.end = end;
  p.assoc = assoc;
  p.stream = stream;
  p.mid = mid;
  p.ppid = ppid;
  p.tsn = tsn;
  p.unordered = unordered;
  return p;
}

}  // namespace

TEST("reassembler: a message in one piece") {
  Kernel k(64 * KiB, false);
  Piece p = Part("hello", true, 3, 2, 0, 99, 1000);
  k.Feed(p);
  CHECK_EQ(k.out.size(), 1u);
  CHECK(k.out[0].kind == Reassembler::Record::kMessage);
  CHECK(k.out[0].data == "hello");
  CHECK(k.out[0].hasInfo);
  CHECK_EQ(k.out[0].info.rcv_assoc_id, 3);
  CHECK_EQ(k.out[0].info.rcv_sid, 2);
  CHECK_EQ(k.out[0].info.rcv_ppid, 99u);
  CHECK_EQ(k.r.PartialBytes(), 0u);
}

TEST("reassembler: a message in many pieces, and one piece larger than the buffer") {
  Kernel k(256 * KiB, false);
  Piece shape = Part("", true, 1, 0, 0, 7, 500);
  for (const Piece& p : Split(10000, 1000, shape, 'x')) k.Feed(p);
  Piece big = Part(Bytes(200 * KiB, 'y'), true, 1, 0, 1, 8, 600);
  k.Feed(big);  // read in reads as large as the buffer grows to
  CHECK_EQ(k.out.size(), 2u);
  if (k.out.size() != 2) return;
  CHECK(k.out[0].kind == Reassembler::Record::kMessage);
  CHECK(k.out[0].data == Bytes(10000, 'x'));
  CHECK_EQ(k.out[0].info.rcv_ppid, 7u);
  CHECK(k.out[1].data == Bytes(200 * KiB, 'y'));
  CHECK_EQ(k.r.PartialBytes(), 0u);
}

TEST("reassembler: over the limit: reported too large, its total length, its first piece's rcvinfo") {
  Kernel k(10000, false);
  Piece shape = Part("", true, 4, 1, 0, 7, 100);
  for (const Piece& p : Split(30000, 1000, shape, 'z')) k.Feed(p);
  k.Feed(Part("after", true, 4, 1, 1, 9, 200));
  CHECK_EQ(k.out.size(), 2u);
  if (k.out.size() != 2) return;
  CHECK(k.out[0].kind == Reassembler::Record::kTooLarge);
  CHECK_EQ(k.out[0].length, 30000u);
  CHECK_EQ(k.out[0].info.rcv_ppid, 7u);
  CHECK_EQ(k.out[0].info.rcv_tsn, 100u);
  CHECK_EQ(k.out[0].info.rcv_assoc_id, 4);
  CHECK(k.out[1].kind == Reassembler::Record::kMessage);
  CHECK(k.out[1].data == "after");
  // Over the limit but within the smallest buffer: gathered, then reported.
  Kernel small(1000, false);
  small.Feed(Part(Bytes(2000, 's'), true, 1, 0, 0, 3));
  CHECK_EQ(small.out.size(), 1u);
  if (small.out.size() == 1) {
    CHECK(small.out[0].kind == Reassembler::Record::kTooLarge);
    CHECK_EQ(small.out[0].length, 2000u);
  }
}

TEST("reassembler: interleaved pieces of two messages of different streams") {
  Kernel k(64 * KiB, true);
  k.Feed(Part("a1", false, 1, 1, 0, 11, 1));
  k.Feed(Part("b1", false, 1, 2, 0, 22, 2));
  k.Feed(Part("a2", true, 1, 1, 0, 1, 3));  // I-DATA: a later piece's PPID is its fragment number
  k.Feed(Part("b2", true, 1, 2, 0, 1, 4));
  CHECK_EQ(k.out.size(), 2u);
  if (k.out.size() != 2) return;
  CHECK(k.out[0].data == "a1a2");
  CHECK_EQ(k.out[0].info.rcv_sid, 1);
  CHECK_EQ(k.out[0].info.rcv_ppid, 11u);  // the first piece's PPID and TSN (issue 20 item 9)
  CHECK_EQ(k.out[0].info.rcv_tsn, 1u);
  CHECK(k.out[1].data == "b1b2");
  CHECK_EQ(k.out[1].info.rcv_ppid, 22u);
  CHECK_EQ(k.out[1].info.rcv_tsn, 2u);
  CHECK_EQ(k.r.PartialBytes(), 0u);
}

TEST("reassembler: interleaved unordered messages of one stream, keyed by MID (issue 20 item 8)") {
  Kernel k(64 * KiB, true);
  k.Feed(Part("m5-a", false, 1, 3, 5, 55, 10, true));
  k.Feed(Part("m6", true, 1, 3, 6, 66, 20, true));  // whole, between the pieces of MID 5
  k.Feed(Part("m7-a", false, 1, 3, 7, 77, 30, true));
  k.Feed(Part("-b", true, 1, 3, 5, 1, 11, true));
  k.Feed(Part("-b", true, 1, 3, 7, 1, 31, true));
  CHECK_EQ(k.out.size(), 3u);
  if (k.out.size() != 3) return;
  CHECK(k.out[0].data == "m6");
  CHECK_EQ(k.out[0].info.rcv_ppid, 66u);
  CHECK(k.out[1].data == "m5-a-b");
  CHECK_EQ(k.out[1].info.rcv_ppid, 55u);
  CHECK_EQ(k.out[1].info.rcv_tsn, 10u);
  CHECK(k.out[2].data == "m7-a-b");
  CHECK_EQ(k.out[2].info.rcv_ppid, 77u);
}

TEST("reassembler: without interleaving a piece of another association drops the one in progress") {
  Kernel k(64 * KiB, false);
  k.Feed(Part("cut", false, 1, 0, 0));
  k.Feed(Part("whole", true, 2, 0, 0));
  CHECK_EQ(k.out.size(), 1u);
  if (k.out.size() == 1) CHECK(k.out[0].data == "whole");
  CHECK(!k.r.HoldsPartOf(1));
}

TEST("reassembler: a notification, whole and over the limit (truncated, never reported too large)") {
  Kernel k(100, false);
  Piece n;
  n.bytes = Bytes(40, 'n');
  n.notification = true;
  k.Feed(n);
  n.bytes = Bytes(10000, 't');
  k.Feed(n);
  CHECK_EQ(k.out.size(), 2u);
  if (k.out.size() != 2) return;
  CHECK(k.out[0].kind == Reassembler::Record::kNotification);
  CHECK_EQ(k.out[0].length, 40u);
  CHECK(!k.out[0].truncated);
  CHECK(k.out[1].kind == Reassembler::Record::kNotification);
  CHECK_EQ(k.out[1].length, Reassembler::kMinBuffer);
  CHECK(k.out[1].truncated);
  CHECK(!k.out[1].hasInfo);
}

TEST("reassembler: PARTIAL_DELIVERY_EVENT aborts drop the partial") {
  Notification abort;
  abort.type = SCTP_PARTIAL_DELIVERY_EVENT;
  abort.assoc = 1;
  abort.partialDelivery.indication = SCTP_PARTIAL_DELIVERY_ABORTED;
  abort.partialDelivery.stream = 1;
  abort.partialDelivery.sequence = 3;
  {  // I-DATA: the message named (stream 1, MID 3) goes; MID 4 of that stream stays
    Kernel k(64 * KiB, true);
    k.Feed(Part("s1m3", false, 1, 1, 3));
    k.Feed(Part("s1m4", false, 1, 1, 4));
    k.Feed(Part("s2", false, 1, 2, 0));
    k.r.Forget(abort, true);
    CHECK_EQ(k.r.PartialBytes(), 6u);  // "s1m4" put aside, "s2" in progress
    k.Feed(Part("-end", true, 1, 1, 4));
    CHECK_EQ(k.out.size(), 1u);
    if (k.out.size() == 1) CHECK(k.out[0].data == "s1m4-end");
  }
  {  // The id named is none held (after an I-FORWARD-TSN): every one of that stream and ordering goes
    Kernel k(64 * KiB, true);
    k.Feed(Part("s1m4", false, 1, 1, 4));
    k.Feed(Part("s1m5", false, 1, 1, 5));
    k.Feed(Part("s2", false, 1, 2, 0));
    k.r.Forget(abort, true);
    CHECK_EQ(k.r.PartialBytes(), 2u);
  }
  {  // DATA: one partial delivery per association at a time, so all of the association's go
    Kernel k(64 * KiB, true);
    k.Feed(Part("a1", false, 1, 1, 0));
    k.Feed(Part("a2", false, 1, 2, 0));
    k.Feed(Part("b1", false, 2, 1, 0));
    k.r.Forget(abort, false);
    CHECK_EQ(k.r.PartialBytes(), 2u);  // association 2's, in progress
    CHECK(!k.r.HoldsPartOf(1));
    CHECK(k.r.HoldsPartOf(2));
  }
}

TEST("reassembler: an association gone drops its partials") {
  Kernel k(64 * KiB, true);
  k.Feed(Part("a1", false, 1, 1, 0));
  k.Feed(Part("b1", false, 2, 1, 0));
  k.Feed(Part("a2", false, 1, 2, 0));
  CHECK(k.r.HoldsPartOf(1));
  Notification up;
  up.type = SCTP_ASSOC_CHANGE;
  up.assoc = 1;
  up.assocChange.state = SCTP_COMM_UP;
  k.r.Forget(up, false);  // not an end
  CHECK_EQ(k.r.PartialBytes(), 6u);
  Notification lost = up;
  lost.assocChange.state = SCTP_COMM_LOST;
  k.r.Forget(lost, false);
  // What was put aside of association 1 goes; its piece in progress goes when the next record
  // (the notification itself, in the socket) arrives.
  CHECK_EQ(k.r.PartialBytes(), 4u);
  k.Feed(Part("-end", true, 2, 1, 0));
  CHECK_EQ(k.out.size(), 1u);
  if (k.out.size() == 1) CHECK(k.out[0].data == "b1-end");
}

TEST("reassembler: over the memory bound the association holding the most loses its largest") {
  Kernel k(1 * MiB, true);  // the bound: 4 MiB of messages put aside
  // Association 1 puts aside three messages (about 1 MiB of buffer each), association 2 two, and
  // a third in progress: putting its second aside passes the bound.
  k.Feed(Part(Bytes(900 * KiB, 'a'), false, 1, 1, 0));
  k.Feed(Part(Bytes(900 * KiB, 'b'), false, 1, 2, 0));
  k.Feed(Part(Bytes(1000 * KiB, 'c'), false, 1, 3, 0));
  k.Feed(Part(Bytes(900 * KiB, 'd'), false, 2, 1, 0));
  k.Feed(Part(Bytes(900 * KiB, 'e'), false, 2, 2, 0));
  k.Feed(Part(Bytes(900 * KiB, 'f'), false, 2, 3, 0));
  CHECK(k.r.BufferBytes() <= 5 * MiB);  // the bound, and the buffer in progress
  const uint16_t order[][2] = {{2, 3}, {2, 1}, {2, 2}, {1, 1}, {1, 2}, {1, 3}};
  for (const auto& [assoc, stream] : order) k.Feed(Part("!", true, assoc, stream, 0));
  CHECK_EQ(k.out.size(), 6u);
  if (k.out.size() != 6) return;
  for (size_t i = 0; i < 6; i++) {
    bool dropped = i == 3;  // association 1's largest buffer, the first of them: a
    CHECK(k.out[i].kind == (dropped ? Reassembler::Record::kTooLarge : Reassembler::Record::kMessage));
    CHECK_EQ(k.out[i].info.rcv_assoc_id, order[i][0]);
    CHECK_EQ(k.out[i].info.rcv_sid, order[i][1]);
    CHECK_EQ(k.out[i].length, (i == 5 ? 1000 : 900) * KiB + 1);  // a dropped one: its total length
  }
  CHECK(k.out[0].data == Bytes(900 * KiB, 'f') + "!");
  CHECK_EQ(k.r.PartialBytes(), 0u);
}

TEST("reassembler: more unfinished messages than kMaxPartialsPerAssoc: abort the association") {
  Kernel k(64 * KiB, true);
  size_t first = 0;
  for (size_t i = 0; i < 300 && k.aborted.empty(); i++) {
    k.Feed(Part("p", false, 5, static_cast<uint16_t>(i), 0));
    first = i;
  }
  CHECK_EQ(k.aborted.size(), 1u);
  if (!k.aborted.empty()) CHECK_EQ(k.aborted[0], 5);
  // Put aside: every one before the one in progress; the abort comes with the 257th put aside.
  CHECK_EQ(first, Reassembler::kMaxPartialsPerAssoc + 1);
  Kernel other(64 * KiB, true);  // as many from many associations: no abort
  for (size_t i = 0; i < 300; i++) other.Feed(Part("p", false, static_cast<sctp_assoc_t>(i + 1), 0, 0));
  CHECK(other.aborted.empty());
}

TEST("reassembler: after a batch the buffer shrinks back to what the batch needed") {
  Kernel k(1 * MiB, false);
  k.r.StartBatch();
  k.Feed(Part(Bytes(100 * KiB, 'q'), true, 1, 0, 0));
  k.r.EndBatch();
  CHECK_EQ(k.r.BufferBytes(), 128 * KiB);
  k.r.StartBatch();
  k.Feed(Part("small", true, 1, 0, 1));
  k.r.EndBatch();
  CHECK_EQ(k.r.BufferBytes(), Reassembler::kMinBuffer);
  k.r.Clear();
  CHECK_EQ(k.r.BufferBytes(), 0u);
  CHECK(k.r.Start());
  CHECK_EQ(k.r.BufferBytes(), Reassembler::kMinBuffer);
}

// PartialsOf(0xffffffff) once computed its end as lower_bound({0, 0}) (the association id + 1
// wraps to 0): a range that ran backwards, iterated past end(). Latent: the kernel's assoc ids are
// positive, so only a notification naming -1 reaches it.
TEST("Forget() of association -1 with partials of others put aside") {
  Kernel k(64 * KiB, true);
  k.Feed(Part("a1", false, 1, 1, 0));
  k.Feed(Part("a2", false, 1, 2, 0));
  Notification lost;
  lost.type = SCTP_ASSOC_CHANGE;
  lost.assoc = -1;
  lost.assocChange.state = SCTP_COMM_LOST;
  k.r.Forget(lost, false);
  CHECK_EQ(k.r.PartialBytes(), 4u);
}
