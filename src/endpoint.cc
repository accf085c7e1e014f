#include "endpoint.h"

#include <netinet/sctp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace sctp {

namespace {
// Notifications share the receive buffer with messages, so it never gets smaller than this.
constexpr size_t kMinBuffer = 4096;
}  // namespace

void UvPollCloser::operator()(uv_poll_t* poll) const {
  uv_close(reinterpret_cast<uv_handle_t*>(poll),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); });
}

Endpoint::~Endpoint() { Close(); }

int Endpoint::Open(napi_env env, int family) {
  int fd = socket(family, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP);
  if (fd < 0) return errno;
  if (int err = Adopt(env, fd, family)) return err;
  int err = SubscribeAssociations();
  if (err) Close();
  return err;
}

int Endpoint::SubscribeAssociations() {
  for (uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_PEER_ADDR_CHANGE}) {
    if (int err = Subscribe(type)) return err;
  }
  return 0;
}

int Endpoint::Adopt(napi_env env, int fd, int family) {
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);  // this environment's loop (a worker's, in a worker)
  auto* poll = new uv_poll_t;
  int r = uv_poll_init_socket(loop, poll, fd);
  if (r < 0) {
    delete poll;
    ::close(fd);
    return -r;
  }
  poll->data = this;
  poll_.reset(poll);
  env_ = env;
  fd_ = fd;
  family_ = family;
  napi_add_env_cleanup_hook(env, OnEnvironmentExit, this);
  SetLimit(limit_ ? limit_ : kMinBuffer);
  return 0;
}

int Endpoint::StartReadingOneToOne() {
  oneToOne_ = true;
  listening_ = true;
  return Watch();
}

int Endpoint::Subscribe(uint16_t type, bool on) {
  sctp_event event{};  // zeroed: every field not set here must be 0
  event.se_assoc_id = SCTP_ALL_ASSOC;  // the associations there are, and those to come
  event.se_type = type;
  event.se_on = on ? 1 : 0;
  return setsockopt(fd_, IPPROTO_SCTP, SCTP_EVENT, &event, sizeof event) < 0 ? errno : 0;
}

void Endpoint::SetLimit(size_t limit) {
  limit_ = limit;
  buffer_.resize(std::max(limit, kMinBuffer));
  buffer_.shrink_to_fit();
}

int Endpoint::Listen() {
  if (listen(fd_, SOMAXCONN) < 0) return errno;
  listening_ = true;
  return Watch();
}

int Endpoint::WatchWritable() {
  wantWritable_ = true;
  return Watch();
}

int Endpoint::Watch() {
  if (!poll_) return EBADF;
  int events = (listening_ ? UV_READABLE : 0) | (wantWritable_ ? UV_WRITABLE : 0);
  int r = events ? uv_poll_start(poll_.get(), events, OnPoll) : uv_poll_stop(poll_.get());
  return -r;
}

void Endpoint::SetRef(bool ref) {
  if (!poll_) return;
  if (ref) {
    uv_ref(reinterpret_cast<uv_handle_t*>(poll_.get()));
  } else {
    uv_unref(reinterpret_cast<uv_handle_t*>(poll_.get()));
  }
}

void Endpoint::Close() {
  if (fd_ < 0) return;
  poll_.reset();  // libuv wants the poll closed before its fd
  ::close(fd_);
  fd_ = -1;
  napi_remove_env_cleanup_hook(env_, OnEnvironmentExit, this);
}

void Endpoint::OnEnvironmentExit(void* endpoint) {
  auto* self = static_cast<Endpoint*>(endpoint);
  self->poll_.reset();
  ::close(self->fd_);
  self->fd_ = -1;  // the hook is gone once run: Close() must not remove it again
}

ssize_t Endpoint::Send(const void* data, size_t length, const sockaddr* to, const SendInfo& info) {
  sctp_sendv_spa spa{};
  spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
  spa.sendv_sndinfo.snd_sid = info.stream;
  spa.sendv_sndinfo.snd_ppid = htonl(info.ppid);
  spa.sendv_sndinfo.snd_context = info.context;
  spa.sendv_sndinfo.snd_flags = info.flags | (info.unordered ? SCTP_UNORDERED : 0);
  spa.sendv_sndinfo.snd_assoc_id = info.assoc;
  // The kernel drops a new association's first message when it carries SCTP_PRINFO: until the
  // association is up, messages go fully reliable.
  if (info.ttl != 0 && (to == nullptr || peers_.Has(to))) {  // an assocId names a live one
    spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
    spa.sendv_prinfo.pr_value = info.ttl;
  }
  iovec iov{const_cast<void*>(data), length};
  ssize_t sent = sctp_sendv(fd_, &iov, 1, const_cast<sockaddr*>(to), to ? 1 : 0, &spa,
                            sizeof spa, SCTP_SENDV_SPA, MSG_NOSIGNAL);
  if (sent >= 0) return sent;
  return sent == -1 ? -errno : sent;  // libsctp returns -EINVAL itself for bad arguments
}

int Endpoint::TakeSocketError() {
  int err = 0;
  socklen_t length = sizeof err;
  getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &length);
  return err;
}

void Endpoint::OnPoll(uv_poll_t* poll, int status, int events) {
  auto* self = static_cast<Endpoint*>(poll->data);
  if (status == 0 && (events & UV_WRITABLE)) {
    self->wantWritable_ = false;  // one event per WatchWritable()
    self->Watch();
  }
  self->OnEvents(status, events);
  // libuv stops a poll handle after an error; carry on watching while open.
  if (status < 0 && self->IsOpen()) self->Watch();
}

void Endpoint::Drain() {
  for (int reads = 0; reads < kMaxReadsPerTick && fd_ >= 0; reads++) {
    sockaddr_storage from{};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(sctp_rcvinfo)) + 64];
    char* into = discarding_ ? buffer_.data() : buffer_.data() + filled_;
    iovec iov{into, buffer_.size() - (discarding_ ? 0 : filled_)};
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
      if (errno != EAGAIN && errno != EWOULDBLOCK) OnReceiveError(errno);
      return;
    }
    bool notification = (msg.msg_flags & MSG_NOTIFICATION) != 0;
    bool end = (msg.msg_flags & MSG_EOR) != 0;
    if (oneToOne_ && n == 0 && !notification && !end) {  // end of file: the association is over
      listening_ = false;
      Watch();
      OnEnd();
      return;
    }
    size_t length = 0;
    if (discarding_) {
      discarded_ += n;
      if (!end) continue;
      discarding_ = false;
      if (!notification) OnTooLarge(discarded_);
      continue;
    }
    filled_ += n;
    if (!end && filled_ < buffer_.size()) continue;  // partial delivery: more pieces follow
    length = std::exchange(filled_, 0);
    if (!end) {  // the buffer is full and the message goes on: read it to its end, then drop it
      discarding_ = true;
      discarded_ = length;
    }
    if (notification) {
      peers_.OnNotification(fd_, buffer_.data(), length);
      OnNotification(buffer_.data(), length, reinterpret_cast<const sockaddr*>(&from));
      continue;
    }
    if (!end) continue;  // reported at its end
    if (length > limit_) {
      OnTooLarge(length);
      continue;
    }
    const sctp_rcvinfo* info = nullptr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO) {
        info = reinterpret_cast<const sctp_rcvinfo*>(CMSG_DATA(c));
      }
    }
    OnMessage(buffer_.data(), length, reinterpret_cast<const sockaddr*>(&from), info);
  }
}

}  // namespace sctp
