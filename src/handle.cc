#include "handle.h"  // first: <netinet/in.h> before <netinet/sctp.h>

#include <netinet/sctp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "errors.h"

namespace sctp {

namespace {

constexpr int64_t kMaxRecvMaxlen = 16 * 1024 * 1024;
// Notifications share the receive buffer with messages, so it never gets smaller than this.
constexpr size_t kMinBuffer = 4096;

// Closes a file descriptor unless released: the constructor may throw half way.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
  int Release() { return std::exchange(fd, -1); }
};

void SetOption(Napi::Env env, int fd, int level, int name, const void* value, socklen_t length) {
  if (setsockopt(fd, level, name, value, length) < 0) throw SystemError(env, errno, "setsockopt");
}

// The original's fixed options: SO_REUSEADDR, SCTP_NODELAY, RTO 250/200/5000 ms, SCTP_RECVRCVINFO,
// dual stack for IPv6. Plus the notifications that tell which peers have an association.
void Configure(Napi::Env env, int fd, int family) {
  int on = 1, off = 0;
  SetOption(env, fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  SetOption(env, fd, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof on);
  sctp_rtoinfo rto{};
  rto.srto_initial = 250;
  rto.srto_min = 200;
  rto.srto_max = 5000;
  SetOption(env, fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto);
  SetOption(env, fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
  if (family == AF_INET6) SetOption(env, fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  for (uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_PEER_ADDR_CHANGE}) {
    sctp_event event{};  // zeroed: every field not set here must be 0
    event.se_assoc_id = SCTP_FUTURE_ASSOC;
    event.se_type = type;
    event.se_on = 1;
    SetOption(env, fd, IPPROTO_SCTP, SCTP_EVENT, &event, sizeof event);
  }
}

Napi::Error Unsupported(Napi::Env env, int err) {
  Napi::Error error = SystemError(env, err, "socket");
  error.Set("code", Napi::String::New(env, "ERR_SCTP_UNSUPPORTED"));
  error.Set("message",
            Napi::String::New(env, std::string("SCTP is not available (socket ") + ErrnoName(err) +
                                       "): load the module with 'modprobe sctp', or, if this "
                                       "kernel is built without SCTP, run inside a VM "
                                       "(see the README's 'npm run vm')"));
  return error;
}

Address ArgAddress(Napi::Env env, const std::string& host, int64_t port, const char* name) {
  Address address;
  if (!ParseAddress(host, static_cast<uint16_t>(port), &address)) {
    ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                   std::string("The argument '") + name +
                       "' must be a numeric IPv4 or IPv6 address. Received '" + host + "'");
  }
  return address;
}

}  // namespace

void UvPollCloser::operator()(uv_poll_t* poll) const {
  uv_close(reinterpret_cast<uv_handle_t*>(poll),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); });
}

Napi::Function Handle::Define(Napi::Env env) {
  return DefineClass(env, "SctpHandle",
                     {InstanceMethod("send", &Handle::Send), InstanceMethod("close", &Handle::Close)});
}

Handle::Handle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Handle>(info) {
  Napi::Env env = info.Env();
  std::string host = ArgString(info[0], "bindHost");
  int64_t port = ArgInteger(info[1], "bindPort", 0, 65535);
  limit_ = static_cast<size_t>(ArgInteger(info[2], "recvMaxlen", 1, kMaxRecvMaxlen));
  Napi::Function onRecv = ArgFunction(info[3], "onRecv");
  Address local = ArgAddress(env, host, port, "bindHost");

  FdGuard fd{socket(local.family(), SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP)};
  if (fd.fd < 0) {
    int err = errno;
    if (err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT) throw Unsupported(env, err);
    throw SystemError(env, err, "socket");
  }
  Configure(env, fd.fd, local.family());
  if (bind(fd.fd, local.get(), local.length) < 0) {
    throw SystemError(env, errno, "bind", host, static_cast<int>(port));
  }
  if (listen(fd.fd, SOMAXCONN) < 0) throw SystemError(env, errno, "listen");

  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);  // this environment's loop (a worker's, in a worker)
  auto* poll = new uv_poll_t;
  int r = uv_poll_init_socket(loop, poll, fd.fd);
  if (r < 0) {
    delete poll;
    throw SystemError(env, -r, "uv_poll_init");
  }
  poll->data = this;
  poll_.reset(poll);
  r = uv_poll_start(poll, UV_READABLE, OnPoll);
  if (r < 0) {
    poll_.reset();  // closes the poll before the guard closes the fd
    throw SystemError(env, -r, "uv_poll_start");
  }
  fd_ = fd.Release();
  family_ = local.family();
  buffer_.resize(std::max(limit_, kMinBuffer));
  onRecv_ = Napi::Persistent(onRecv);
  async_ = std::make_unique<Napi::AsyncContext>(env, "SCTP_NAPI", info.This().As<Napi::Object>());
  // Open sockets are not garbage: the app may drop the handle and still expect onRecv calls.
  Ref();
  napi_add_env_cleanup_hook(env, OnEnvironmentExit, this);
  hooked_ = true;
}

Handle::~Handle() {
  Shutdown();
  if (hooked_) napi_remove_env_cleanup_hook(Env(), OnEnvironmentExit, this);
}

void Handle::OnEnvironmentExit(void* handle) {
  auto* self = static_cast<Handle*>(handle);
  self->hooked_ = false;
  self->Shutdown();
}

void Handle::Shutdown() {
  poll_.reset();  // libuv wants the poll closed before its fd
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Napi::Value Handle::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (fd_ < 0) return env.Undefined();  // idempotent
  Shutdown();
  if (hooked_) napi_remove_env_cleanup_hook(env, OnEnvironmentExit, this);
  hooked_ = false;
  onRecv_.Reset();
  Unref();
  return env.Undefined();
}

Napi::Value Handle::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (fd_ < 0) ThrowError(env, "ERR_SOCKET_CLOSED", "Socket is closed");
  Napi::Value data = info[0];
  if (!data.IsTypedArray() && !data.IsDataView()) {
    ThrowTypeError(env, "ERR_INVALID_ARG_TYPE",
                   "The \"buffer\" argument must be an instance of Buffer, TypedArray, or "
                   "DataView. " + Received(data));
  }
  // Buffer, every TypedArray and DataView share these three properties; a detached one is empty.
  Napi::Object view = data.As<Napi::Object>();
  size_t length = view.Get("byteLength").As<Napi::Number>().Int64Value();
  size_t offset = view.Get("byteOffset").As<Napi::Number>().Int64Value();
  void* base = view.Get("buffer").As<Napi::ArrayBuffer>().Data();
  if (length == 0 || base == nullptr) {
    ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                   "The argument 'buffer' must not be empty: an SCTP message carries at least "
                   "one byte. Received an empty " + std::string(data.IsDataView() ? "DataView" : "view"));
  }
  std::string host = ArgString(info[1], "host");
  int64_t port = ArgInteger(info[2], "port", 1, 65535);
  Address peer = ArgAddress(env, host, port, "host");

  sctp_sendv_spa spa{};
  spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
  spa.sendv_sndinfo.snd_flags = SCTP_UNORDERED;
  // PR-SCTP (TTL 30 s) only once the association is up: the kernel drops the first message of a
  // new association when it carries SCTP_PRINFO. Until then the message goes fully reliable.
  if (peers_.Has(peer.get())) {
    spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
    spa.sendv_prinfo.pr_value = 30000;
  }
  iovec iov{static_cast<char*>(base) + offset, length};
  ssize_t sent = sctp_sendv(fd_, &iov, 1, peer.get(), 1, &spa, sizeof spa, SCTP_SENDV_SPA,
                            MSG_NOSIGNAL);
  if (sent < 0) {
    int err = sent == -1 ? errno : static_cast<int>(-sent);  // libsctp returns -EINVAL itself
    throw SystemError(env, err, "send", host, static_cast<int>(port));
  }
  return Napi::Number::New(env, static_cast<double>(sent));
}

void Handle::OnPoll(uv_poll_t* poll, int status, int /*events*/) {
  auto* self = static_cast<Handle*>(poll->data);
  Napi::Env env = self->Env();
  Napi::HandleScope scope(env);
  // Keeps the object alive to the end of this batch even if onRecv closes and drops it.
  Napi::Object keep = self->Value();
  (void)keep;
  if (status < 0) {  // libuv stopped the poll: report the socket error, then carry on
    int err = 0;
    socklen_t length = sizeof err;
    getsockopt(self->fd_, SOL_SOCKET, SO_ERROR, &err, &length);
    self->Deliver(Napi::String::New(env, std::string("poll ") + ErrnoName(err ? err : -status)));
    if (self->fd_ >= 0) uv_poll_start(poll, UV_READABLE, OnPoll);
    return;
  }
  self->Drain();
}

void Handle::Drain() {
  Napi::Env env = Env();
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
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      Napi::HandleScope scope(env);
      Deliver(Napi::String::New(env, std::string("recvmsg ") + ErrnoName(errno)));
      return;
    }
    bool notification = (msg.msg_flags & MSG_NOTIFICATION) != 0;
    bool end = (msg.msg_flags & MSG_EOR) != 0;
    size_t length = 0;
    if (discarding_) {
      discarded_ += n;
      if (!end) continue;
      discarding_ = false;
      length = discarded_;
    } else {
      filled_ += n;
      if (!end && filled_ < buffer_.size()) continue;  // partial delivery: more pieces follow
      if (!end) {  // the buffer is full and the message goes on: read it to its end, then drop it
        if (notification) peers_.OnNotification(fd_, buffer_.data(), filled_);
        discarding_ = true;
        discarded_ = std::exchange(filled_, 0);
        continue;
      }
      length = std::exchange(filled_, 0);
      if (notification) {
        peers_.OnNotification(fd_, buffer_.data(), length);
        continue;
      }
    }
    if (notification) continue;  // the tail of an oversized notification

    Napi::HandleScope scope(env);
    if (length > limit_) {
      Deliver(Napi::String::New(env, "message of " + std::to_string(length) +
                                         " bytes exceeds recvMaxlen (" + std::to_string(limit_) +
                                         " bytes); discarded"));
      continue;
    }
    const auto* sa = reinterpret_cast<const sockaddr*>(&from);
    Napi::Array result = Napi::Array::New(env, 3);
    result.Set(0u, Napi::Buffer<char>::Copy(env, buffer_.data(), length));
    result.Set(1u, Napi::String::New(env, FormatHost(sa)));
    result.Set(2u, Napi::Number::New(env, PortOf(sa)));
    Deliver(result);
  }
}

void Handle::Deliver(Napi::Value result) {
  // MakeCallback with this socket's async context: a callback scope of its own, so nextTick and
  // promise jobs queued by onRecv run before the next message is delivered.
  try {
    onRecv_.MakeCallback(Value(), {result}, *async_);
  } catch (const Napi::Error& error) {
    // No JS frame to throw to from a libuv callback: make it an uncaught exception, like Node's
    // own handles do. The socket keeps delivering if the process survives it.
    napi_fatal_exception(Env(), error.Value());
  }
}

}  // namespace sctp
