#include "handle.h"  // first: <netinet/in.h> before <netinet/sctp.h>

#include <netinet/sctp.h>
#include <sys/socket.h>

#include <cerrno>

#include "errors.h"

namespace sctp {

namespace {

constexpr int64_t kMaxRecvMaxlen = 16 * 1024 * 1024;

void SetOption(Napi::Env env, int fd, int level, int name, const void* value, socklen_t length) {
  if (setsockopt(fd, level, name, value, length) < 0) throw SystemError(env, errno, "setsockopt");
}

// The original's fixed options: SO_REUSEADDR, SCTP_NODELAY, RTO 250/200/5000 ms, SCTP_RECVRCVINFO,
// dual stack for IPv6.
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

Napi::Function Handle::Define(Napi::Env env) {
  return DefineClass(env, "SctpHandle",
                     {InstanceMethod("send", &Handle::Send), InstanceMethod("close", &Handle::Close),
                      InstanceMethod("address", &Handle::LocalAddress),
                      InstanceMethod("ref", &Handle::RefLoop), InstanceMethod("unref", &Handle::UnrefLoop)});
}

Handle::Handle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Handle>(info) {
  Napi::Env env = info.Env();
  std::string host = ArgString(info[0], "bindHost");
  int64_t port = ArgInteger(info[1], "bindPort", 0, 65535);
  recvMaxlen_ = static_cast<size_t>(ArgInteger(info[2], "recvMaxlen", 1, kMaxRecvMaxlen));
  Napi::Function onRecv = ArgFunction(info[3], "onRecv");
  Address local = ArgAddress(env, host, port, "bindHost");

  SetLimit(recvMaxlen_);
  if (int err = Open(env, local.family())) throw SocketError(env, err);
  // On a failure below, ~Endpoint closes the socket as the exception unwinds.
  Configure(env, fd(), local.family());
  if (bind(fd(), local.get(), local.length) < 0) {
    throw SystemError(env, errno, "bind", host, static_cast<int>(port));
  }
  if (int err = Listen(SOMAXCONN)) throw SystemError(env, err, "listen");

  onRecv_ = Napi::Persistent(onRecv);
  async_ = std::make_unique<AsyncResource>(env, "SCTP_NAPI");
  // Open sockets are not garbage: the app may drop the handle and still expect onRecv calls.
  Ref();
}

Napi::Value Handle::Close(const Napi::CallbackInfo& info) {
  if (!IsOpen()) return info.Env().Undefined();  // idempotent
  Endpoint::Close();
  onRecv_.Reset();
  Unref();
  return info.Env().Undefined();
}

Napi::Value Handle::LocalAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsOpen()) ThrowError(env, "ERR_SOCKET_CLOSED", "Socket is closed");
  sctp::Address local;
  local.length = sizeof local.storage;
  if (getsockname(fd(), local.get(), &local.length) < 0) throw SystemError(env, errno, "getsockname");
  Napi::Object out = Napi::Object::New(env);
  out["address"] = FormatHost(local.get());
  out["family"] = local.family() == AF_INET6 ? "IPv6" : "IPv4";
  out["port"] = PortOf(local.get());
  return out;
}

// As in dgram: an unref'd handle does not keep the event loop alive. Both return the handle.
Napi::Value Handle::RefLoop(const Napi::CallbackInfo& info) {
  SetRef(true);
  return info.This();
}

Napi::Value Handle::UnrefLoop(const Napi::CallbackInfo& info) {
  SetRef(false);
  return info.This();
}

Napi::Value Handle::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsOpen()) ThrowError(env, "ERR_SOCKET_CLOSED", "Socket is closed");
  ByteView data = ArgBytes(info[0], "buffer");
  if (!info[1].IsString()) ArgString(info[1], "host");  // throws the type error
  int64_t port = ArgInteger(info[2], "port", 1, 65535);
  Address peer;
  if (!hosts_.Parse(env, info[1], static_cast<uint16_t>(port), &peer)) {
    peer = ArgAddress(env, info[1].As<Napi::String>().Utf8Value(), port, "host");  // throws
  }

  SendInfo send;
  send.unordered = true;  // the original's fixed send options: unordered, PR-SCTP TTL 30 s
  send.ttl = 30000;
  ssize_t sent = Endpoint::Send(data.data, data.length, peer.get(), send);
  if (sent < 0) {
    throw SystemError(env, static_cast<int>(-sent), "send", info[1].As<Napi::String>().Utf8Value(),
                      static_cast<int>(port));
  }
  return Napi::Number::New(env, static_cast<double>(sent));
}

void Handle::OnEvents(int status, int /*events*/) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  try {
    // Keeps the object alive to the end of this batch even if onRecv closes and drops it.
    Napi::Object keep = Value();
    (void)keep;
    if (status < 0) {
      int err = TakeSocketError();
      Deliver(Napi::String::New(env, std::string("poll ") + ErrnoName(err ? err : -status)));
      return;
    }
    Drain();
  } catch (const Napi::Error& error) {  // making a value failed: never let it reach libuv
    if (!ReportFailure(env, error.Value())) Halt();
  } catch (...) {  // out of memory making a value: nothing sane to deliver
    Halt();
  }
}

void Handle::OnMessage(const char* data, size_t length, const sockaddr* from,
                       const sctp_rcvinfo* /*info*/) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  Napi::Array result = Napi::Array::New(env, 3);
  result.Set(0u, Napi::Buffer<char>::Copy(env, data, length));
  result.Set(1u, Napi::String::New(env, names_.Format(from)));
  result.Set(2u, Napi::Number::New(env, PortOf(from)));
  Deliver(result);
}

void Handle::OnTooLarge(size_t length, const sockaddr* /*from*/, const sctp_rcvinfo* /*info*/) {
  Napi::HandleScope scope(Env());
  Deliver(Napi::String::New(Env(), "message of " + std::to_string(length) +
                                       " bytes exceeds recvMaxlen (" +
                                       std::to_string(recvMaxlen_) + " bytes); discarded"));
}

void Handle::OnReceiveError(int err) {
  Napi::HandleScope scope(Env());
  Deliver(Napi::String::New(Env(), std::string("recvmsg ") + ErrnoName(err)));
}

void Handle::Deliver(Napi::Value result) {
  if (halted() || !CallAsync(Env(), onRecv_, Value(), {result}, *async_)) Halt();
}

}  // namespace sctp
