#include "reassembler.h"

#include <cstring>
#include <iterator>
#include <new>

namespace sctp {

namespace {
using Key = std::pair<uint64_t, uint16_t>;
const Key kNotification{~uint64_t{0}, 0};  // KeyOf() a notification

// Which message a piece is of. Interleaved: its association, stream and ordering (an ordered and
// an unordered message of one stream may interleave) and its message id: an unordered message may
// arrive whole between the pieces of another of its stream and ordering. With I-DATA the kernel
// puts the low 16 bits of the MID in rcv_ssn (struct sctp_ulpevent: union { mid; ssn; }), in every
// piece; with DATA the SSN. Otherwise its association (the kernel delivers one message at a time,
// and a piece of another association means the one in progress was aborted).
Key KeyOf(bool notification, const sctp_rcvinfo* info, bool interleaved) {
  if (notification) return kNotification;
  if (info == nullptr) return {};
  uint64_t key = uint64_t{static_cast<uint32_t>(info->rcv_assoc_id)} << 32;
  if (!interleaved) return {key, 0};
  key |= uint64_t{info->rcv_sid} << 1 | ((info->rcv_flags & SCTP_UNORDERED) ? 1 : 0);
  return {key, info->rcv_ssn};
}

sctp_assoc_t AssocOf(const Key& key) { return static_cast<sctp_assoc_t>(key.first >> 32); }
}  // namespace

bool Reassembler::Start() {
  if (limit_ == 0) limit_ = kMinBuffer;
  return capacity_ != 0 || Resize(kMinBuffer);
}

void Reassembler::Clear() {
  buffer_.reset();
  capacity_ = filled_ = 0;
  discarding_ = false;
  parked_.clear();
  parkedBytes_ = 0;
}

Reassembler::Span Reassembler::Room() {
  const size_t cap = Cap();
  if (!discarding_ && filled_ == capacity_ &&
      (filled_ >= cap || !Resize(std::min(cap, std::max(kMinBuffer, capacity_ * 2))))) {
    if (capacity_ == 0) return {nullptr, 0};  // no message in progress, and no memory for the next
    // At the limit (or out of memory) with the record going on: read it to its end, drop it.
    discarding_ = true;
    discarded_ = std::exchange(filled_, 0);
  }
  // A message being dropped is read into its buffer, or sink_ when it has none (interleaving).
  if (!discarding_) {
    into_ = buffer_.get() + filled_;
    return {into_, capacity_ - filled_};
  }
  into_ = buffer_ ? buffer_.get() : sink_;
  return {into_, buffer_ ? capacity_ : sizeof sink_};
}

Reassembler::Record Reassembler::Add(size_t n, bool notification, bool end, const sctp_rcvinfo* info) {
  Record out;
  Key key = KeyOf(notification, info, interleave_);
  bool inProgress = filled_ > 0 || discarding_;
  // The first piece of a message: its rcvinfo is the message's.
  bool first = (!inProgress || key != partialKey_) && (!interleave_ || parked_.count(key) == 0);
  if (interleave_ && (inProgress ? key != partialKey_ : parked_.count(key) > 0)) {
    // A piece of another message than the one in progress, or of one put aside.
    SwitchPartial(key, into_, n, &out);
  } else if (inProgress && key != partialKey_) {
    // A record of another kind or association while a message was in progress: its partial
    // delivery was aborted (the association went away). Its pieces are dropped, never joined
    // to this record.
    if (!discarding_) std::memmove(buffer_.get(), into_, n);
    filled_ = 0;
    discarding_ = false;
  }
  partialKey_ = key;
  if (first && info != nullptr) info_ = *info;
  if (info != nullptr) out.info = &info_;
  if (discarding_) {
    discarded_ += n;
    if (!end) return out;
    discarding_ = false;
    if (!notification) {
      out.kind = Record::kTooLarge;
      out.length = discarded_;
    }
    return out;
  }
  filled_ += n;
  if (!end && (filled_ < capacity_ || filled_ < Cap())) return out;  // more pieces follow
  size_t length = std::exchange(filled_, 0);
  largest_ = std::max(largest_, length);
  if (!end) {  // at the limit and it goes on: read it to its end, then drop it
    discarding_ = true;
    discarded_ = length;
  }
  if (notification) {  // one cut short is still delivered, as truncated
    out.kind = Record::kNotification;
    out.truncated = !end;
  } else if (end) {
    out.kind = length > limit_ ? Record::kTooLarge : Record::kMessage;
  }
  if (out.kind != Record::kNone) {
    out.data = out.kind == Record::kTooLarge ? nullptr : buffer_.get();
    out.length = length;
  }
  return out;
}

void Reassembler::EndBatch() {
  if (filled_ > 0 || discarding_) return;  // at rest only: keep what this batch needed
  size_t keep = kMinBuffer;
  while (keep < largest_) keep *= 2;
  if (keep < capacity_) Resize(std::max(std::min(keep, Cap()), kMinBuffer));
}

size_t Reassembler::BufferBytes() const {
  size_t bytes = capacity_;
  for (const auto& [key, partial] : parked_) bytes += partial.capacity;
  return bytes;
}

size_t Reassembler::PartialBytes() const {
  size_t bytes = discarding_ ? discarded_ : filled_;
  for (const auto& [key, partial] : parked_) bytes += partial.discarding ? partial.discarded : partial.filled;
  return bytes;
}

// The parked messages of association `id`: a range of parked_ (keys begin with the association).
std::pair<Reassembler::Parked::iterator, Reassembler::Parked::iterator> Reassembler::PartialsOf(sctp_assoc_t id) {
  uint64_t first = uint64_t{static_cast<uint32_t>(id)} << 32;
  auto end = static_cast<uint32_t>(id) == UINT32_MAX ? parked_.end()  // (first + 2^32 would wrap to 0)
                                                     : parked_.lower_bound({first + (uint64_t{1} << 32), 0});
  return {parked_.lower_bound({first, 0}), end};
}

bool Reassembler::HoldsPartOf(sctp_assoc_t id) const {
  if ((filled_ > 0 || discarding_) && partialKey_ != kNotification && AssocOf(partialKey_) == id) return true;
  auto it = parked_.lower_bound({uint64_t{static_cast<uint32_t>(id)} << 32, 0});
  return it != parked_.end() && it->first != kNotification && AssocOf(it->first) == id;
}

// What a parked message costs: its buffer, and the entry.
size_t Reassembler::Partial::Cost() const { return capacity + 128; }

void Reassembler::Partial::Drop() {
  if (!discarding) discarded = filled;
  discarding = true;
  buffer.reset();
  capacity = filled = 0;
}

// Over the bound for unfinished messages, the association holding the most pays: its largest ones
// put aside are dropped until one of `cost` fits, or `assoc` is the one holding the most (false:
// its own is dropped then). One peer cannot have another's messages come out as 'oversize'.
bool Reassembler::MakeRoom(sctp_assoc_t assoc, size_t cost) {
  const size_t bound = std::max<size_t>(4 * limit_, 4 << 20);
  while (parkedBytes_ + cost > bound) {
    std::map<sctp_assoc_t, size_t> held{{assoc, cost}};
    for (const auto& [key, partial] : parked_) {
      if (key != kNotification) held[AssocOf(key)] += partial.Cost();
    }
    auto most = std::max_element(held.begin(), held.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    if (most->first == assoc) return false;
    auto [first, last] = PartialsOf(most->first);
    auto largest = std::max_element(
        first, last, [](const auto& a, const auto& b) { return a.second.capacity < b.second.capacity; });
    if (largest == last || largest->second.capacity == 0) return false;  // nothing left to free there
    parkedBytes_ -= largest->second.capacity;
    largest->second.Drop();
  }
  return true;
}

void Reassembler::SwitchPartial(const Key& key, const char* piece, size_t n, Record* out) {
  const size_t cap = Cap();
  Partial next;
  if (auto it = parked_.find(key); it != parked_.end()) {
    next = std::move(it->second);
    parkedBytes_ -= next.Cost();
    parked_.erase(it);
  }
  // Past the limit: read to its end, dropped. (Add() counts the piece, as for any discarded one.)
  if (!next.discarding && next.filled + n > cap) next.Drop();
  // Room for the piece, at most the limit. A message dropped needs none: its pieces go to sink_.
  if (!next.discarding && next.capacity < next.filled + n) {
    size_t need = next.filled + n;
    size_t capacity = std::min(std::max({kMinBuffer, need, next.capacity * 2}), std::max(need, cap));
    std::unique_ptr<char[]> bigger(new (std::nothrow) char[capacity]);
    if (bigger) {
      if (next.filled > 0) std::memcpy(bigger.get(), next.buffer.get(), next.filled);
      next.buffer = std::move(bigger);
      next.capacity = capacity;
    } else {
      next.Drop();  // out of memory: dropped (and reported), never cut
    }
  }
  if (!next.discarding) std::memcpy(next.buffer.get() + next.filled, piece, n);
  if (filled_ > 0 || discarding_) {  // the one in progress waits for its next piece
    Partial current{std::move(buffer_), capacity_, filled_, discarding_, discarded_, info_};
    if (partialKey_ != kNotification) {
      auto [first, last] = PartialsOf(AssocOf(partialKey_));
      if (std::distance(first, last) >= static_cast<std::ptrdiff_t>(kMaxPartialsPerAssoc)) {
        out->abort = true;  // more unfinished messages than any peer needs: it is ended
        out->abortAssoc = AssocOf(partialKey_);
      }
    }
    if (current.discarding || !MakeRoom(AssocOf(partialKey_), current.Cost())) current.Drop();
    parkedBytes_ += current.Cost();
    parked_[partialKey_] = std::move(current);
  }
  buffer_ = std::move(next.buffer);
  capacity_ = next.capacity;
  filled_ = next.filled;
  discarding_ = next.discarding;
  discarded_ = next.discarded;
  info_ = next.info;
  partialKey_ = key;
}

void Reassembler::Forget(const Notification& n, bool idata) {
  sctp_assoc_t assoc = n.assoc;
  int64_t only = -1;  // a key's low 17 bits (stream and ordering), or -1: every message
  uint16_t mid = 0;    // with `only`: the message id's low 16 bits
  if (n.type == SCTP_ASSOC_CHANGE) {
    uint16_t state = n.assocChange.state;
    if (state != SCTP_COMM_LOST && state != SCTP_SHUTDOWN_COMP && state != SCTP_RESTART) return;
  } else if (n.type == SCTP_PARTIAL_DELIVERY_EVENT) {
    // With I-DATA the event names the stream, ordering and message id of the message cut off;
    // with DATA none (an association has one partial delivery at a time then): all of it goes.
    if (idata) {
      only = int64_t{static_cast<uint16_t>(n.partialDelivery.stream)} << 1 | ((n.flags & SCTP_UNORDERED) ? 1 : 0);
      mid = static_cast<uint16_t>(n.partialDelivery.sequence);
    }
  } else {
    return;
  }
  // The message it names; failing that, every one of its stream and ordering: after an I-FORWARD-TSN
  // the event carries the skip's message id (sctp_intl_skip()), not that of the message cut off.
  auto sameStream = [only](const auto& entry) { return static_cast<int64_t>(entry.first.first & 0x1ffff) == only; };
  bool named = false;
  if (only >= 0) {
    auto [it, last] = PartialsOf(assoc);
    for (; it != last && !named; ++it) named = sameStream(*it) && it->first.second == mid;
  }
  auto [it, last] = PartialsOf(assoc);
  while (it != last) {
    bool dead = only < 0 || (sameStream(*it) && (!named || it->first.second == mid));
    if (dead) parkedBytes_ -= it->second.Cost();
    it = dead ? parked_.erase(it) : std::next(it);
  }
}

bool Reassembler::Resize(size_t capacity) {
  // Not zero-filled: recvmsg writes it. A peer decides how large it gets (up to the limit), so
  // running out of memory is an outcome, not an exception.
  std::unique_ptr<char[]> bigger(new (std::nothrow) char[capacity]);
  if (!bigger) return false;
  if (filled_ > 0) std::memcpy(bigger.get(), buffer_.get(), std::min(filled_, capacity));
  buffer_ = std::move(bigger);
  capacity_ = capacity;
  return true;
}

}  // namespace sctp
