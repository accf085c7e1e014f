#include "socket_handle.h"  // first: <netinet/in.h> before <netinet/sctp.h>

#include <netinet/sctp.h>
#include <sys/socket.h>

#include <cerrno>

#include "errors.h"

namespace sctp {

namespace {

Napi::Number Errno(Napi::Env env, int err) { return Napi::Number::New(env, err); }

int SetOption(int fd, int level, int name, const void* value, socklen_t length) {
  return setsockopt(fd, level, name, value, length) < 0 ? errno : 0;
}

uint32_t U32(const Napi::Value& value) { return value.As<Napi::Number>().Uint32Value(); }

}  // namespace

Napi::Function SocketHandle::Define(Napi::Env env) {
  return DefineClass(env, "SocketHandle",
                     {
                         InstanceMethod("open", &SocketHandle::Open),
                         InstanceMethod("setInt", &SocketHandle::SetInt),
                         InstanceMethod("setRtoInfo", &SocketHandle::SetRtoInfo),
                         InstanceMethod("setInitMsg", &SocketHandle::SetInitMsg),
                         InstanceMethod("setMaxMessageSize", &SocketHandle::SetMaxMessageSize),
                         InstanceMethod("bind", &SocketHandle::Bind),
                         InstanceMethod("getsockname", &SocketHandle::GetSockName),
                         InstanceMethod("send", &SocketHandle::Send),
                         InstanceMethod("watchWritable", &SocketHandle::WatchWritable),
                         InstanceMethod("close", &SocketHandle::Close),
                         InstanceMethod("ref", &SocketHandle::Ref),
                         InstanceMethod("unref", &SocketHandle::Unref),
                     });
}

SocketHandle::SocketHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SocketHandle>(info) {
  onevent_ = Napi::Persistent(ArgFunction(info[0], "onevent"));
  async_ = std::make_unique<Napi::AsyncContext>(info.Env(), "SCTP_SOCKET",
                                                info.This().As<Napi::Object>());
}

Napi::Value SocketHandle::Open(const Napi::CallbackInfo& info) {
  int family = info[0].As<Napi::Number>().Int32Value() == 6 ? AF_INET6 : AF_INET;
  int err = Endpoint::Open(info.Env(), family);
  int on = 1;
  if (!err) err = SetOption(fd(), IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
  if (err) {
    Endpoint::Close();
    return Errno(info.Env(), err);
  }
  Napi::ObjectWrap<SocketHandle>::Ref();  // open sockets are not garbage, referenced or not
  return Errno(info.Env(), 0);
}

Napi::Value SocketHandle::SetInt(const Napi::CallbackInfo& info) {
  int value = info[2].As<Napi::Number>().Int32Value();
  return Errno(info.Env(), SetOption(fd(), info[0].As<Napi::Number>().Int32Value(),
                                     info[1].As<Napi::Number>().Int32Value(), &value, sizeof value));
}

Napi::Value SocketHandle::SetRtoInfo(const Napi::CallbackInfo& info) {
  sctp_rtoinfo rto{};
  rto.srto_initial = U32(info[0]);
  rto.srto_min = U32(info[1]);
  rto.srto_max = U32(info[2]);
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto));
}

Napi::Value SocketHandle::SetInitMsg(const Napi::CallbackInfo& info) {
  sctp_initmsg init{};
  init.sinit_num_ostreams = static_cast<uint16_t>(U32(info[0]));
  init.sinit_max_instreams = static_cast<uint16_t>(U32(info[1]));
  init.sinit_max_attempts = static_cast<uint16_t>(U32(info[2]));
  init.sinit_max_init_timeo = static_cast<uint16_t>(U32(info[3]));
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof init));
}

Napi::Value SocketHandle::SetMaxMessageSize(const Napi::CallbackInfo& info) {
  SetLimit(U32(info[0]));
  return info.Env().Undefined();
}

Napi::Value SocketHandle::Bind(const Napi::CallbackInfo& info) {
  Address local;
  std::string host = info[0].As<Napi::String>().Utf8Value();
  if (!ParseAddress(host, static_cast<uint16_t>(U32(info[1])), &local)) {
    return Errno(info.Env(), EINVAL);
  }
  if (bind(fd(), local.get(), local.length) < 0) return Errno(info.Env(), errno);
  return Errno(info.Env(), Listen());
}

Napi::Value SocketHandle::GetSockName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Address local;
  local.length = sizeof local.storage;
  if (getsockname(fd(), local.get(), &local.length) < 0) return Errno(env, errno);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::String::New(env, FormatHost(local.get())));
  result.Set(1u, Napi::Number::New(env, PortOf(local.get())));
  return result;
}

Napi::Value SocketHandle::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsOpen()) return Errno(env, -EBADF);
  ByteView data = ArgBytes(info[0], "msg");
  Address peer;
  if (!ParseAddress(info[1].As<Napi::String>().Utf8Value(), static_cast<uint16_t>(U32(info[2])),
                    &peer)) {
    return Errno(env, -EINVAL);
  }
  SendInfo send;
  send.stream = static_cast<uint16_t>(U32(info[3]));
  send.ppid = U32(info[4]);
  send.context = U32(info[5]);
  send.ttl = U32(info[6]);
  send.unordered = info[7].ToBoolean();
  return Napi::Number::New(env, static_cast<double>(Endpoint::Send(data.data, data.length,
                                                                   peer.get(), send)));
}

Napi::Value SocketHandle::WatchWritable(const Napi::CallbackInfo& info) {
  return Errno(info.Env(), IsOpen() ? Endpoint::WatchWritable() : EBADF);
}

Napi::Value SocketHandle::Close(const Napi::CallbackInfo& info) {
  if (IsOpen()) {
    Endpoint::Close();
    onevent_.Reset();  // no events after close; and no cycle through a persistent reference
    Napi::ObjectWrap<SocketHandle>::Unref();
  }
  return info.Env().Undefined();
}

Napi::Value SocketHandle::Ref(const Napi::CallbackInfo& info) {
  SetRef(true);
  return info.Env().Undefined();
}

Napi::Value SocketHandle::Unref(const Napi::CallbackInfo& info) {
  SetRef(false);
  return info.Env().Undefined();
}

void SocketHandle::OnEvents(int status, int events) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  Napi::Object keep = Value();  // alive to the end of this batch, whatever the callbacks do
  (void)keep;
  if (status < 0) {
    int err = TakeSocketError();
    Emit({Napi::Number::New(env, kError), Napi::Number::New(env, err ? err : -status),
          Napi::String::New(env, "poll")});
    return;
  }
  if (events & UV_WRITABLE) Emit({Napi::Number::New(env, kWritable)});
  if (IsOpen() && (events & UV_READABLE)) Drain();
}

void SocketHandle::OnMessage(const char* data, size_t length, const sockaddr* from,
                             const sctp_rcvinfo* info) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  sctp_rcvinfo none{};
  if (info == nullptr) info = &none;
  Emit({Napi::Number::New(env, kMessage), Napi::Buffer<char>::Copy(env, data, length),
        Napi::String::New(env, FormatHost(from)), Napi::Number::New(env, PortOf(from)),
        Napi::Number::New(env, info->rcv_assoc_id), Napi::Number::New(env, info->rcv_sid),
        Napi::Number::New(env, ntohl(info->rcv_ppid)), Napi::Number::New(env, info->rcv_flags),
        Napi::Number::New(env, info->rcv_ssn), Napi::Number::New(env, info->rcv_tsn),
        Napi::Number::New(env, info->rcv_context)});
}

void SocketHandle::OnTooLarge(size_t length) {
  Napi::HandleScope scope(Env());
  Emit({Napi::Number::New(Env(), kTooLarge), Napi::Number::New(Env(), static_cast<double>(length))});
}

void SocketHandle::OnReceiveError(int err) {
  Napi::HandleScope scope(Env());
  Emit({Napi::Number::New(Env(), kError), Napi::Number::New(Env(), err),
        Napi::String::New(Env(), "recvmsg")});
}

void SocketHandle::Emit(std::initializer_list<napi_value> args) {
  if (onevent_.IsEmpty()) return;  // closed by an earlier callback of this batch
  CallAsync(Env(), onevent_, Value(), args, *async_);
}

}  // namespace sctp
