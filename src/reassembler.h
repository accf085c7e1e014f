// Partial delivery and interleaving: the pieces recvmsg() reads go in (with their rcvinfo and
// flags), whole messages, messages too large and notifications come out. No fd and no N-API: the
// Endpoint reads the socket into Room() and hands each piece to Add().
#pragma once

#include <netinet/in.h>  // before <netinet/sctp.h>
#include <netinet/sctp.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include "notification.h"

namespace sctp {

// A message may arrive in pieces (partial delivery); the pieces are gathered in one buffer, which
// grows as a message needs it up to the limit, until MSG_EOR. One longer than the limit is read to
// its end and discarded. After a batch the buffer shrinks back to what the batch's largest message
// needed: a socket at rest holds a few KiB.
//
// With interleaving on, the pieces of several messages (one per association, stream, ordering and
// message id) alternate: the one in progress is in the buffer, the others wait put aside, each up
// to the limit as well, and all of them (buffers and entries) at most 4 times the limit (at least
// 4 MiB) together; past that, the association holding the most has its largest ones discarded
// (reported too large when they end), its own one put aside last (MakeRoom()). A message that
// memory runs out for is discarded too; a discarded one has no buffer (its pieces go to sink_).
class Reassembler {
 public:
  // Notifications share the buffer with messages, so it never gets smaller than this.
  static constexpr size_t kMinBuffer = 4096;
  // An association with more unfinished messages than this at once is to be aborted.
  static constexpr size_t kMaxPartialsPerAssoc = 256;

  struct Span {
    char* data;
    size_t size;
  };
  // What a piece completed. data points into the buffer, valid until the next Room().
  struct Record {
    enum Kind { kNone, kMessage, kTooLarge, kNotification } kind = kNone;
    const char* data = nullptr;  // kMessage, kNotification
    size_t length = 0;           // kTooLarge: the whole message's
    // The rcvinfo of the message's first piece (a later one's PPID and TSN are not the message's:
    // with I-DATA its PPID field carries the fragment sequence number); null if it had none.
    const sctp_rcvinfo* info = nullptr;
    bool truncated = false;  // kNotification: longer than the limit; `length` bytes of it here
    // This association has more unfinished messages than kMaxPartialsPerAssoc: end it (its pieces
    // already here are read and dropped, its entries go with its end).
    bool abort = false;
    sctp_assoc_t abortAssoc = 0;
  };

  void SetLimit(size_t limit) { limit_ = limit; }  // the largest message delivered
  // On, pieces of messages of other streams and associations may come between a message's pieces
  // (SCTP_FRAGMENT_INTERLEAVE): each message is then gathered on its own.
  void SetInterleave(bool on) { interleave_ = on; }
  // Its first buffer (and the limit, if none was set: kMinBuffer); false if memory ran out.
  bool Start();
  void Clear();  // drops every message in progress and the buffer

  // Where the next piece is to be read. {nullptr, 0}: no message is in progress and there is no
  // memory for the next one (try later).
  Span Room();
  // The piece of n bytes just read into Room()'s span, with its recvmsg() flags and rcvinfo.
  Record Add(size_t n, bool notification, bool end, const sctp_rcvinfo* info);
  // Drops what was put aside of the messages a notification says will never end: an association
  // gone (ASSOC_CHANGE lost, shutdown or restart), a partial delivery aborted. idata: the
  // association uses I-DATA, so the abort names the message's stream, ordering and id.
  void Forget(const Notification& n, bool idata);
  bool HasPutAside() const { return !parked_.empty(); }
  // Whether part of a message of this association is here (or being discarded).
  bool HoldsPartOf(sctp_assoc_t id) const;

  // A batch of reads: at its end (the socket drained) the buffer shrinks back to what the batch's
  // largest record needed.
  void StartBatch() { largest_ = 0; }
  void EndBatch();

  size_t BufferBytes() const;   // the buffers' capacity (with those of messages put aside)
  size_t PartialBytes() const;  // bytes of messages still being received

 private:
  // Which message a piece is of (KeyOf() in reassembler.cc): its association, stream and ordering
  // (first), and with interleaving the low 16 bits of its message id (second).
  using Key = std::pair<uint64_t, uint16_t>;
  struct Partial {
    std::unique_ptr<char[]> buffer;
    size_t capacity = 0;
    size_t filled = 0;
    bool discarding = false;
    size_t discarded = 0;
    sctp_rcvinfo info{};  // of its first piece
    size_t Cost() const;  // what it holds, counted against the bound
    void Drop();  // read to its end and reported too large: its buffer goes
  };
  using Parked = std::map<Key, Partial>;

  bool Resize(size_t capacity);  // keeps the filled_ bytes; false if memory ran out
  size_t Cap() const { return std::max(limit_, kMinBuffer); }
  // Interleaving: the piece of n bytes just read (at `piece`, in buffer_) is of message `key`, not
  // of the one in progress: that one is put aside, `key`'s taken up (or begun), the piece added.
  void SwitchPartial(const Key& key, const char* piece, size_t n, Record* out);
  bool MakeRoom(sctp_assoc_t assoc, size_t cost);
  std::pair<Parked::iterator, Parked::iterator> PartialsOf(sctp_assoc_t id);

  size_t limit_ = 0;
  bool interleave_ = false;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t filled_ = 0;
  char* into_ = nullptr;  // Room()'s span
  Key partialKey_{};  // what the pieces in buffer_ (or being discarded) are: KeyOf()
  sctp_rcvinfo info_{};  // of the first piece of the message in buffer_ (or being discarded)
  bool discarding_ = false;
  size_t discarded_ = 0;
  size_t largest_ = 0;  // of this batch's records
  Parked parked_;
  size_t parkedBytes_ = 0;
  char sink_[kMinBuffer];  // where the pieces of a message being dropped that has no buffer go
};

}  // namespace sctp
