#include "endpoint.h"

#include <netinet/sctp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sctp {

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
  reassembler_.SetInterleave(getsockopt(fd, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &level, &size) == 0 && level != 0);
  if (!reassembler_.Start()) {
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

void Endpoint::SetLimit(size_t limit) { reassembler_.SetLimit(limit); }

int Endpoint::SetInterleave(bool on) {
  int level = on ? 2 : 0;  // 2: pieces of any association and stream may interleave
  if (setsockopt(fd_, IPPROTO_SCTP, SCTP_FRAGMENT_INTERLEAVE, &level, sizeof level) < 0) return errno;
  reassembler_.SetInterleave(on);
  return 0;
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
  reassembler_.Clear();
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

Tables Endpoint::GetTables() const {
  return {peers_.AddressCount(), peers_.AssociationCount(), reassembler_.BufferBytes(),
          reassembler_.PartialBytes()};
}

bool Endpoint::InterleavingSupported(sctp_assoc_t id) const {
  sctp_assoc_value idata{};
  idata.assoc_id = id;
  socklen_t size = sizeof idata;
  return getsockopt(fd_, IPPROTO_SCTP, SCTP_INTERLEAVING_SUPPORTED, &idata, &size) == 0 && idata.assoc_value;
}

ssize_t Endpoint::Receive(Reassembler::Span room, Incoming* out) {
  iovec iov{room.data, room.size};
  msghdr msg{};
  msg.msg_name = &out->from;
  msg.msg_namelen = sizeof out->from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = out->control;
  msg.msg_controllen = sizeof out->control;
  ssize_t n = recvmsg(fd_, &msg, 0);
  if (n < 0) return n;
  out->flags = msg.msg_flags;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO) {
      out->info = reinterpret_cast<const sctp_rcvinfo*>(CMSG_DATA(c));
    }
  }
  return n;
}

bool Endpoint::Drain() {
  reassembler_.StartBatch();
  for (int reads = 0; reads < kMaxReadsPerTick; reads++) {
    if (fd_ < 0) return true;
    if (halted_ || !reading_ || paused_) return false;
    Reassembler::Span room = reassembler_.Room();
    if (room.data == nullptr) {  // no message in progress, and no memory for the next one: later
      OnReceiveError(ENOMEM);
      return false;
    }
    Incoming piece;
    ssize_t n = Receive(room, &piece);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      OnReceiveError(errno);
      return false;
    }
    if (n < 0) {  // all read: the buffer shrinks back to what this batch needed
      reassembler_.EndBatch();
      return true;
    }
    bool notification = (piece.flags & MSG_NOTIFICATION) != 0;
    bool end = (piece.flags & MSG_EOR) != 0;
    if (oneToOne_ && n == 0 && !notification && !end) {  // end of file: the association is over
      reading_ = false;
      Watch();
      OnEnd();
      return true;
    }
    Deliver(reassembler_.Add(static_cast<size_t>(n), notification, end, piece.info),
            reinterpret_cast<const sockaddr*>(&piece.from));
  }
  return false;  // more may be waiting: the poll calls again
}

void Endpoint::Deliver(const Reassembler::Record& record, const sockaddr* from) {
  if (record.abort) {
    SendInfo abort;
    abort.assoc = record.abortAssoc;
    abort.flags = SCTP_ABORT;
    Send(nullptr, 0, nullptr, abort);
  }
  switch (record.kind) {
    case Reassembler::Record::kMessage:
      OnMessage(record.data, record.length, from, record.info);
      break;
    case Reassembler::Record::kTooLarge:
      OnTooLarge(record.length, from, record.info);
      break;
    case Reassembler::Record::kNotification: {
      notifications_++;
      Notification n;
      if (!Decode(record.data, record.length, &n)) break;
      peers_.OnNotification(fd_, n);
      if (reassembler_.HasPutAside()) {
        reassembler_.Forget(n, n.type == SCTP_PARTIAL_DELIVERY_EVENT && InterleavingSupported(n.assoc));
      }
      OnNotification(n, from, record.truncated);
      break;
    }
    case Reassembler::Record::kNone:
      break;
  }
}

}  // namespace sctp
