#include "endpoint.h"

#include <netinet/sctp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

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

Endpoint::~Endpoint() { Close(); }

int Endpoint::Open(napi_env env, int family, int type) {
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP);
  if (fd < 0) return errno;
  if (int err = Adopt(env, fd, family)) return err;
  int err = SubscribeAssociations();
  if (err) Close();
  return err;
}

int Endpoint::SubscribeAssociations() {
  for (uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_PEER_ADDR_CHANGE, SCTP_PARTIAL_DELIVERY_EVENT}) {
    if (int err = Subscribe(type)) return err;
  }
  return 0;
}

int Endpoint::Adopt(napi_env env, int fd, int family) {
  if (int err = poll_.Init(env, fd, this)) {
    ::close(fd);
    return err;
  }
  fd_ = fd;
  family_ = family;
  // An accepted or peeled-off socket has its listener's fragment interleave (and maybe I-DATA).
  int level = 0;
  socklen_t size = sizeof level;
  interleave_ = getsockopt(fd, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &level, &size) == 0 && level != 0;
  if (limit_ == 0) limit_ = kMinBuffer;
  if (capacity_ == 0 && !Resize(kMinBuffer)) {
    Close();
    return ENOMEM;
  }
  return 0;
}

int Endpoint::StartReadingOneToOne() {
  oneToOne_ = true;
  return StartReading();
}

int Endpoint::Subscribe(uint16_t type, bool on) {
  sctp_event event{};  // zeroed: every field not set here must be 0
  event.se_assoc_id = SCTP_ALL_ASSOC;  // the associations there are, and those to come
  event.se_type = type;
  event.se_on = on ? 1 : 0;
  return setsockopt(fd_, IPPROTO_SCTP, SCTP_EVENT, &event, sizeof event) < 0 ? errno : 0;
}

void Endpoint::SetLimit(size_t limit) { limit_ = limit; }

int Endpoint::SetInterleave(bool on) {
  int level = on ? 2 : 0;  // 2: pieces of any association and stream may interleave
  if (setsockopt(fd_, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &level, sizeof level) < 0) return errno;
  interleave_ = on;
  return 0;
}

// The parked messages of association `id`: a range of parked_ (keys begin with the association).
std::pair<std::map<Key, Endpoint::Partial>::iterator, std::map<Key, Endpoint::Partial>::iterator>
Endpoint::PartialsOf(sctp_assoc_t id) {
  uint64_t first = uint64_t{static_cast<uint32_t>(id)} << 32;
  return {parked_.lower_bound({first, 0}), parked_.lower_bound({first + (uint64_t{1} << 32), 0})};
}

bool Endpoint::HoldsPartOf(sctp_assoc_t id) const {
  if ((filled_ > 0 || discarding_) && partialKey_ != kNotification && AssocOf(partialKey_) == id) return true;
  auto it = parked_.lower_bound({uint64_t{static_cast<uint32_t>(id)} << 32, 0});
  return it != parked_.end() && it->first != kNotification && AssocOf(it->first) == id;
}

// What a parked message costs: its buffer, and the entry.
size_t Endpoint::Partial::Cost() const { return capacity + 128; }

void Endpoint::Partial::Drop() {
  if (!discarding) discarded = filled;
  discarding = true;
  buffer.reset();
  capacity = filled = 0;
}

// Over the bound for unfinished messages, the association holding the most pays: its largest ones
// put aside are dropped until one of `cost` fits, or `assoc` is the one holding the most (false:
// its own is dropped then). One peer cannot have another's messages come out as 'oversize'.
bool Endpoint::MakeRoom(sctp_assoc_t assoc, size_t cost) {
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

void Endpoint::SwitchPartial(const Key& key, const char* piece, size_t n) {
  const size_t cap = std::max(limit_, kMinBuffer);
  Partial next;
  if (auto it = parked_.find(key); it != parked_.end()) {
    next = std::move(it->second);
    parkedBytes_ -= next.Cost();
    parked_.erase(it);
  }
  // Past the limit: read to its end, dropped. (Drain() counts the piece, as for any discarded one.)
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
        // More unfinished messages than any peer needs: it is ended (its pieces already here are
        // read and dropped, its entries go with its end).
        SendInfo abort;
        abort.assoc = AssocOf(partialKey_);
        abort.flags = SCTP_ABORT;
        Send(nullptr, 0, nullptr, abort);
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

void Endpoint::ForgetPartials(const Notification& n) {
  sctp_assoc_t assoc = n.assoc;
  int64_t only = -1;  // a key's low 17 bits (stream and ordering), or -1: every message
  uint16_t mid = 0;    // with `only`: the message id's low 16 bits
  if (n.type == SCTP_ASSOC_CHANGE) {
    uint16_t state = n.assocChange.state;
    if (state != SCTP_COMM_LOST && state != SCTP_SHUTDOWN_COMP && state != SCTP_RESTART) return;
  } else if (n.type == SCTP_PARTIAL_DELIVERY_EVENT) {
    // With I-DATA the event names the stream, ordering and message id of the message cut off;
    // with DATA none (an association has one partial delivery at a time then): all of it goes.
    sctp_assoc_value idata{};
    idata.assoc_id = assoc;
    socklen_t size = sizeof idata;
    if (getsockopt(fd_, IPPROTO_SCTP, SCTP_INTERLEAVING_SUPPORTED, &idata, &size) == 0 && idata.assoc_value) {
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

bool Endpoint::Resize(size_t capacity) {
  // Not zero-filled: recvmsg writes it. A peer decides how large it gets (up to the limit), so
  // running out of memory is an outcome, not an exception.
  std::unique_ptr<char[]> bigger(new (std::nothrow) char[capacity]);
  if (!bigger) return false;
  if (filled_ > 0) std::memcpy(bigger.get(), buffer_.get(), std::min(filled_, capacity));
  buffer_ = std::move(bigger);
  capacity_ = capacity;
  return true;
}

Tables Endpoint::GetTables() const {
  Tables t{peers_.AddressCount(), peers_.AssociationCount(), capacity_, discarding_ ? discarded_ : filled_};
  for (const auto& [key, partial] : parked_) {
    t.bufferBytes += partial.capacity;
    t.partialBytes += partial.discarding ? partial.discarded : partial.filled;
  }
  return t;
}

int Endpoint::Listen(int backlog) {
  if (listen(fd_, backlog) < 0) return errno;
  return StartReading();
}

int Endpoint::StartReading() {
  reading_ = true;
  return Watch();
}

int Endpoint::SetReading(bool on) {
  paused_ = !on;
  return Watch();
}

void Endpoint::Halt() {
  halted_ = true;
  poll_.Stop();
}

int Endpoint::WatchWritable() {
  wantWritable_ = true;
  return Watch();
}

int Endpoint::Watch() {
  if (!poll_.IsOpen()) return EBADF;
  if (halted_) return 0;
  int events = (reading_ && !paused_ ? UV_READABLE : 0) | (wantWritable_ ? UV_WRITABLE : 0);
  // A one-to-one socket whose reading is paused still hears its association fail: epoll reports
  // POLLERR and POLLHUP of any descriptor it watches, and watching for priority data (which SCTP
  // never has) keeps it watched. Not after a hangup, which would be reported on every loop turn.
  if (events == 0 && oneToOne_ && reading_ && !hungUp_) events = UV_PRIORITIZED;
  return events ? poll_.Start(events) : poll_.Stop();
}

void Endpoint::SetRef(bool ref) { poll_.SetRef(ref); }

// Linux's close() ABORTs every association of a socket that has unread data queued (sctp_close():
// data_was_unread), and what was sent on them and not yet delivered is lost at the peer. What is
// queued is read and dropped first: close() then SHUTs them DOWN, and the kernel delivers what it
// took. (A message that arrives between the last read and close(), or one half received, still
// means an ABORT.) At most twice the receive buffer: a peer that keeps sending cannot keep us here.
void Endpoint::DiscardReceived() {
  int rcvbuf = 0;
  socklen_t size = sizeof rcvbuf;
  if (getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &size) < 0 || rcvbuf <= 0) return;
  char sink[16384];
  for (size_t left = 2 * static_cast<size_t>(rcvbuf); left > 0;) {
    ssize_t n = recv(fd_, sink, sizeof sink, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: all read; end of file; an error (a listening one-to-one socket)
    left -= std::min(left, static_cast<size_t>(n));
  }
}

void Endpoint::Close() {
  if (fd_ < 0) return;
  DiscardReceived();
  poll_.Close();  // before its fd, as libuv wants
  ::close(fd_);
  fd_ = -1;
  peers_ = PeerTable();
  buffer_.reset();
  capacity_ = filled_ = 0;
  discarding_ = false;
  parked_.clear();
  parkedBytes_ = 0;
}

namespace {
constexpr size_t kSendControl = CMSG_SPACE(sizeof(sctp_sndinfo)) + CMSG_SPACE(sizeof(sctp_prinfo));

// A message to send: msg_name (if `to`), one iovec and its control messages.
void Describe(msghdr* msg, iovec* iov, const void* data, size_t length, const sockaddr* to) {
  *iov = {const_cast<void*>(data), length};
  *msg = {};
  msg->msg_name = const_cast<sockaddr*>(to);
  msg->msg_namelen = to == nullptr ? 0 : to->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  msg->msg_iov = iov;
  msg->msg_iovlen = 1;
}
}  // namespace

size_t Endpoint::SendControl(char* control, const sockaddr* to, const SendInfo& info) {
  msghdr msg{};
  msg.msg_control = control;
  msg.msg_controllen = kSendControl;
  std::memset(control, 0, kSendControl);
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_SCTP;
  c->cmsg_type = SCTP_SNDINFO;
  c->cmsg_len = CMSG_LEN(sizeof(sctp_sndinfo));
  auto* snd = reinterpret_cast<sctp_sndinfo*>(CMSG_DATA(c));
  snd->snd_sid = info.stream;
  snd->snd_ppid = htonl(info.ppid);
  snd->snd_context = info.context;
  snd->snd_flags = info.flags | (info.unordered ? SCTP_UNORDERED : 0);
  snd->snd_assoc_id = info.assoc;
  size_t length = CMSG_SPACE(sizeof(sctp_sndinfo));
  // The kernel drops a new association's first message when it carries SCTP_PRINFO: until the
  // association is up, messages go fully reliable, whatever their policy.
  bool partial = info.policy != SCTP_PR_SCTP_TTL || info.ttl != 0;  // RTX 0: one try
  if (partial && (to == nullptr || peers_.Has(to))) {  // an assocId names a live one
    c = CMSG_NXTHDR(&msg, c);
    c->cmsg_level = IPPROTO_SCTP;
    c->cmsg_type = SCTP_PRINFO;
    c->cmsg_len = CMSG_LEN(sizeof(sctp_prinfo));
    auto* pr = reinterpret_cast<sctp_prinfo*>(CMSG_DATA(c));
    pr->pr_policy = info.policy;
    pr->pr_value = info.ttl;
    length += CMSG_SPACE(sizeof(sctp_prinfo));
  }
  return length;
}

ssize_t Endpoint::Send(const void* data, size_t length, const sockaddr* to, const SendInfo& info) {
  OutMessage one{data, length, to, info};
  ssize_t r = SendBatch(&one, 1);
  return r == 1 ? static_cast<ssize_t>(length) : r;
}

ssize_t Endpoint::SendBatch(const OutMessage* messages, size_t count) {
  count = std::min(count, kMaxBatch);
  mmsghdr msgs[kMaxBatch];
  iovec iovs[kMaxBatch];
  alignas(cmsghdr) char controls[kMaxBatch][kSendControl];
  for (size_t i = 0; i < count; i++) {
    const OutMessage& m = messages[i];
    Describe(&msgs[i].msg_hdr, &iovs[i], m.data, m.length, m.to);
    msgs[i].msg_hdr.msg_control = controls[i];
    msgs[i].msg_hdr.msg_controllen = SendControl(controls[i], m.to, m.info);
    msgs[i].msg_len = 0;
  }
  int sent;
  do {  // a lone message goes with sendmsg: the kernel's own path for one
    sent = count == 1 ? (sendmsg(fd_, &msgs[0].msg_hdr, MSG_NOSIGNAL) < 0 ? -1 : 1)
                      : sendmmsg(fd_, msgs, static_cast<unsigned>(count), MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  return sent < 0 ? -errno : sent;
}

int Endpoint::TakeSocketError() {
  int err = 0;
  socklen_t length = sizeof err;
  getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &length);
  return err;
}

void Endpoint::OnPoll(int status, int events) {
  if (halted_) return;
  if (status == 0 && (events & UV_WRITABLE)) {
    wantWritable_ = false;  // one event per WatchWritable()
    Watch();
  }
  // An error ends any wait to write (the socket takes nothing more); the error itself is told
  // once what is queued has been read, which a paused reader holds back: watching the socket for
  // writing meanwhile would only repeat the error, a busy loop until reading resumes.
  if (status < 0) wantWritable_ = false;
  // Paused, it watched for its end alone (UV_PRIORITIZED is libuv's word for a lone POLLHUP then).
  if (paused_ && (status < 0 || (events & UV_PRIORITIZED))) hungUp_ = true;
  OnEvents(status, events);
  // libuv stops a poll handle after an error; carry on watching while open.
  if (status < 0 && IsOpen() && !halted_) Watch();
}

bool Endpoint::Drain() {
  size_t largest = 0;  // of this batch's records: what the buffer keeps afterwards
  for (int reads = 0; reads < kMaxReadsPerTick; reads++) {
    if (fd_ < 0) return true;
    if (halted_ || !reading_ || paused_) return false;
    const size_t cap = std::max(limit_, kMinBuffer);
    if (!discarding_ && filled_ == capacity_ &&
        (filled_ >= cap || !Resize(std::min(cap, std::max(kMinBuffer, capacity_ * 2))))) {
      if (capacity_ == 0) {  // no message in progress, and no memory for the next one: later
        OnReceiveError(ENOMEM);
        return false;
      }
      // At the limit (or out of memory) with the record going on: read it to its end, drop it.
      discarding_ = true;
      discarded_ = std::exchange(filled_, 0);
    }
    sockaddr_storage from{};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(sctp_rcvinfo)) + 64];
    // A message being dropped is read into its buffer, or sink_ when it has none (interleaving).
    char* into = !discarding_ ? buffer_.get() + filled_ : buffer_ ? buffer_.get() : sink_;
    iovec iov{into, !discarding_ ? capacity_ - filled_ : buffer_ ? capacity_ : sizeof sink_};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(fd_, &msg, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        OnReceiveError(errno);
        return false;
      }
      if (filled_ == 0 && !discarding_) {  // at rest: keep what this batch needed
        size_t keep = kMinBuffer;
        while (keep < largest) keep *= 2;
        if (keep < capacity_) Resize(std::max(std::min(keep, cap), kMinBuffer));
      }
      return true;
    }
    bool notification = (msg.msg_flags & MSG_NOTIFICATION) != 0;
    bool end = (msg.msg_flags & MSG_EOR) != 0;
    if (oneToOne_ && n == 0 && !notification && !end) {  // end of file: the association is over
      reading_ = false;
      Watch();
      OnEnd();
      return true;
    }
    const sctp_rcvinfo* info = nullptr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO) {
        info = reinterpret_cast<const sctp_rcvinfo*>(CMSG_DATA(c));
      }
    }
    const auto* sender = reinterpret_cast<const sockaddr*>(&from);
    Key key = KeyOf(notification, info, interleave_);
    bool inProgress = filled_ > 0 || discarding_;
    // The first piece of a message: its rcvinfo is the message's (a later one's PPID and TSN are
    // not: with I-DATA its PPID field carries the fragment sequence number).
    bool first = (!inProgress || key != partialKey_) && (!interleave_ || parked_.count(key) == 0);
    if (interleave_ && (inProgress ? key != partialKey_ : parked_.count(key) > 0)) {
      // A piece of another message than the one in progress, or of one put aside.
      SwitchPartial(key, into, static_cast<size_t>(n));
    } else if (inProgress && key != partialKey_) {
      // A record of another kind or association while a message was in progress: its partial
      // delivery was aborted (the association went away). Its pieces are dropped, never joined
      // to this record.
      if (!discarding_) std::memmove(buffer_.get(), into, static_cast<size_t>(n));
      filled_ = 0;
      discarding_ = false;
    }
    partialKey_ = key;
    if (first && info != nullptr) info_ = *info;
    if (info != nullptr) info = &info_;
    if (discarding_) {
      discarded_ += n;
      if (!end) continue;
      discarding_ = false;
      if (!notification) OnTooLarge(discarded_, sender, info);
      continue;
    }
    filled_ += n;
    if (!end && (filled_ < capacity_ || filled_ < cap)) continue;  // more pieces follow
    size_t length = std::exchange(filled_, 0);
    largest = std::max(largest, length);
    if (!end) {  // at the limit and it goes on: read it to its end, then drop it
      discarding_ = true;
      discarded_ = length;
    }
    if (notification) {  // one cut short is still delivered, as truncated
      Notification decoded;
      if (!Decode(buffer_.get(), length, &decoded)) continue;
      peers_.OnNotification(fd_, decoded);
      if (!parked_.empty()) ForgetPartials(decoded);
      OnNotification(decoded, sender, !end);
    } else if (end && length > limit_) {
      OnTooLarge(length, sender, info);
    } else if (end) {
      OnMessage(buffer_.get(), length, sender, info);
    }
  }
  return false;  // more may be waiting: the poll calls again
}

}  // namespace sctp
