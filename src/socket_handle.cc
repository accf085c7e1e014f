#include "socket_handle.h"  // first: <netinet/in.h> before <netinet/sctp.h>

#include "sctp_compat.h"  // netinet/sctp.h, and what older headers lack
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "callback.h"
#include "send_fields.h"

namespace sctp {

namespace {

// The one return rule (socket_handle.h): an errno (0: none) goes to JS negated, as Node's handles.
Napi::Number Errno(Napi::Env env, int err) { return Napi::Number::New(env, -err); }

int SetOption(int fd, int level, int name, const void* value, socklen_t length) {
  return setsockopt(fd, level, name, value, length) < 0 ? errno : 0;
}

uint32_t U32(const Napi::Value& value) { return value.As<Napi::Number>().Uint32Value(); }

const char* AssocState(int state) {  // SCTP_ASSOC_CHANGE's sac_state
  switch (state) {
    case SCTP_COMM_UP: return "up";
    case SCTP_COMM_LOST: return "lost";
    case SCTP_RESTART: return "restart";
    case SCTP_SHUTDOWN_COMP: return "shutdown";
    case SCTP_CANT_STR_ASSOC: return "cant-start";
    default: return "unknown";
  }
}

const char* PeerAddressState(int state) {  // SCTP_PEER_ADDR_CHANGE's spc_state
  switch (state) {
    case SCTP_ADDR_AVAILABLE: return "available";
    case SCTP_ADDR_UNREACHABLE: return "unreachable";
    case SCTP_ADDR_REMOVED: return "removed";
    case SCTP_ADDR_ADDED: return "added";
    case SCTP_ADDR_MADE_PRIM: return "made-primary";
    case SCTP_ADDR_CONFIRMED: return "confirmed";
    case SCTP_ADDR_POTENTIALLY_FAILED: return "potentially-failed";
    default: return "unknown";
  }
}

const char* AssociationState(int state) {  // SCTP_STATUS's sstat_state
  switch (state) {
    case SCTP_EMPTY: return "empty";
    case SCTP_CLOSED: return "closed";
    case SCTP_COOKIE_WAIT: return "cookie-wait";
    case SCTP_COOKIE_ECHOED: return "cookie-echoed";
    case SCTP_ESTABLISHED: return "established";
    case SCTP_SHUTDOWN_PENDING: return "shutdown-pending";
    case SCTP_SHUTDOWN_SENT: return "shutdown-sent";
    case SCTP_SHUTDOWN_RECEIVED: return "shutdown-received";
    case SCTP_SHUTDOWN_ACK_SENT: return "shutdown-ack-sent";
    default: return "unknown";
  }
}

const char* PathState(int state) {  // spinfo_state
  switch (state) {
    case SCTP_INACTIVE: return "inactive";
    case SCTP_PF: return "potentially-failed";
    case SCTP_ACTIVE: return "active";
    case SCTP_UNCONFIRMED: return "unconfirmed";
    default: return "unknown";
  }
}

// The peer's adaptation layer indication (RFC 5061) of a new association: the kernel queues its
// SCTP_ADAPTATION_INDICATION right behind the SCTP_COMM_UP, so it is the next record (read and
// ignored later). -1 when the peer sent none.
double PeekAdaptation(int fd, sctp_assoc_t id) {
  sctp_adaptation_event event{};
  iovec iov{&event, sizeof event};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ssize_t n = recvmsg(fd, &msg, MSG_PEEK | MSG_DONTWAIT);
  Notification peeked;
  if (n < 0 || !(msg.msg_flags & MSG_NOTIFICATION) ||
      !Decode(reinterpret_cast<const char*>(&event), static_cast<size_t>(n), &peeked) ||
      peeked.type != SCTP_ADAPTATION_INDICATION || peeked.assoc != id) {
    return -1;
  }
  return peeked.adaptation;
}

// PR-SCTP messages abandoned on an association (SCTP_PR_ASSOC_STATUS), or on one of its outbound
// streams (SCTP_PR_STREAM_STATUS, sid >= 0), into out: { sent, unsent, ttl: { sent, unsent }, rtx,
// prio }. Returns 0 or an errno.
int Abandoned(Napi::Object out, int fd, sctp_assoc_t id, int sid) {
  Napi::Env env = out.Env();
  const std::pair<const char*, uint16_t> policies[] = {
      {nullptr, SCTP_PR_SCTP_ALL}, {"ttl", SCTP_PR_SCTP_TTL}, {"rtx", SCTP_PR_SCTP_RTX},
      {"prio", SCTP_PR_SCTP_PRIO}};
  for (const auto& [name, policy] : policies) {
    sctp_prstatus pr{};
    pr.sprstat_assoc_id = id;
    pr.sprstat_sid = static_cast<uint16_t>(sid < 0 ? 0 : sid);
    pr.sprstat_policy = policy;
    socklen_t length = sizeof pr;
    if (getsockopt(fd, IPPROTO_SCTP, sid < 0 ? SCTP_PR_ASSOC_STATUS : SCTP_PR_STREAM_STATUS, &pr,
                   &length) < 0) {
      return errno;
    }
    Napi::Object counts = name ? Napi::Object::New(env) : out;
    counts["sent"] = static_cast<double>(pr.sprstat_abandoned_sent);
    counts["unsent"] = static_cast<double>(pr.sprstat_abandoned_unsent);
    if (name) out[name] = counts;
  }
  return 0;
}

// A socket address into out: { address, port }.
void PutAddress(Napi::Object out, const sockaddr* sa) {
  out["address"] = FormatHost(sa);
  out["port"] = PortOf(sa);
}

// One path of an association (SCTP_STATUS's primary, or SCTP_GET_PEER_ADDR_INFO's) into out:
// { address, port, state, cwnd, srtt, rto, mtu }.
void PutPath(Napi::Object out, const sctp_paddrinfo& path) {
  PutAddress(out, reinterpret_cast<const sockaddr*>(&path.spinfo_address));
  out["state"] = PathState(path.spinfo_state);
  out["cwnd"] = path.spinfo_cwnd;
  out["srtt"] = path.spinfo_srtt;
  out["rto"] = path.spinfo_rto;
  out["mtu"] = path.spinfo_mtu;
}

// The size of one of the packed sockaddrs sctp_getpaddrs()/sctp_getladdrs() return.
size_t PackedSize(const sockaddr* sa) {
  return sa->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
}

// sctp_getpaddrs()/sctp_getladdrs() results (packed sockaddrs) as [{ address, port }, ...].
Napi::Array AddressList(Napi::Env env, int count, sockaddr* addrs) {
  Napi::Array list = Napi::Array::New(env, count);
  const char* p = reinterpret_cast<const char*>(addrs);
  for (int i = 0; i < count; i++) {
    const auto* sa = reinterpret_cast<const sockaddr*>(p);
    Napi::Object entry = Napi::Object::New(env);
    PutAddress(entry, sa);
    list.Set(i, entry);
    p += PackedSize(sa);
  }
  return list;
}

// The bytes of a Buffer, TypedArray or DataView (lib/ checked the type).
struct ByteView {
  const char* data;
  size_t length;
};

// Napi::TypedArray::ElementSize() without the second napi_get_typedarray_info call it costs.
size_t ElementBytes(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: return 1;
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    default: return 8;  // float64, bigint64, biguint64
  }
}

// False when it is not one, or is empty or detached.
bool BytesOf(napi_env env, napi_value value, ByteView* out) {
  // One call, not three property reads: this is on every send. A detached view has no data.
  void* data = nullptr;
  size_t length = 0;
  bool typed = false;
  // Node's napi_get_buffer_info takes any ArrayBufferView (node::Buffer::HasInstance), documented
  // for Buffer and Uint8Array, the common case: one call. Another view, or a runtime that refuses
  // it, takes the two calls below.
  if (napi_get_buffer_info(env, value, &data, &length) != napi_ok) {
    napi_is_typedarray(env, value, &typed);
    if (typed) {
      napi_typedarray_type type;
      size_t elements = 0;
      if (napi_get_typedarray_info(env, value, &type, &elements, &data, nullptr, nullptr) != napi_ok) {
        return false;
      }
      length = elements * ElementBytes(type);
    } else if (napi_get_dataview_info(env, value, &length, &data, nullptr, nullptr) != napi_ok) {
      return false;
    }
  }
  *out = {static_cast<const char*>(data), length};
  return length > 0 && data != nullptr;
}

// The Uint32Array of send fields (lib/send-fields.js): its first element, and how many rows.
const uint32_t* FieldsOf(napi_env env, napi_value value, size_t* rows) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_uint32_array) {
    *rows = 0;
    return nullptr;
  }
  *rows = length / kSendFields;
  return static_cast<const uint32_t*>(data);
}

}  // namespace

const char* const SocketHandle::kCallbackNames[kCallbacks] = {
    "onmessage",     "onwritable",      "onoversize",   "onerror",
    "onend",         "onconnection",    "onassociation", "onpeeraddrchange",
    "onsendfailed",  "onshutdown",      "onremoteerror", "onsenderdry",
    "onstreamreset", "onassocreset",    "onstreamchange", "onauthentication",
};

Napi::Function SocketHandle::Define(Napi::Env env) {
  return DefineClass(env, "SocketHandle",
                     {
                         InstanceMethod("open", &SocketHandle::Open),
                         InstanceMethod("peeloff", &SocketHandle::Peeloff),
                         InstanceMethod("accept", &SocketHandle::Accept),
                         InstanceMethod("adopt", &SocketHandle::Adopt),
                         InstanceMethod("listen", &SocketHandle::Listen),
                         InstanceMethod("read", &SocketHandle::Read),
                         InstanceMethod("shutdown", &SocketHandle::Shutdown),
                         InstanceMethod("setInt", &SocketHandle::SetInt),
                         InstanceMethod("setRtoInfo", &SocketHandle::SetRtoInfo),
                         InstanceMethod("setInitMsg", &SocketHandle::SetInitMsg),
                         InstanceMethod("setMaxMessageSize", &SocketHandle::SetMaxMessageSize),
                         InstanceMethod("setAssocValue", &SocketHandle::SetAssocValue),
                         InstanceMethod("setDelayedSack", &SocketHandle::SetDelayedSack),
                         InstanceMethod("setAuthKey", &SocketHandle::SetAuthKey),
                         InstanceMethod("setAuthChunk", &SocketHandle::SetAuthChunk),
                         InstanceMethod("resetStreams", &SocketHandle::ResetStreams),
                         InstanceMethod("resetAssociation", &SocketHandle::ResetAssociation),
                         InstanceMethod("addStreams", &SocketHandle::AddStreams),
                         InstanceMethod("subscribe", &SocketHandle::SubscribeEvent),
                         InstanceMethod("bind", &SocketHandle::Bind),
                         InstanceMethod("bindx", &SocketHandle::BindX),
                         InstanceMethod("setPrimary", &SocketHandle::SetPrimary),
                         InstanceMethod("setPeerParams", &SocketHandle::SetPeerParams),
                         InstanceMethod("setUdpEncaps", &SocketHandle::SetUdpEncaps),
                         InstanceMethod("setInterleave", &SocketHandle::SetInterleave),
                         InstanceMethod("setStreamValue", &SocketHandle::SetStreamValue),
                         InstanceMethod("getsockname", &SocketHandle::GetSockName),
                         InstanceMethod("send", &SocketHandle::Send),
                         InstanceMethod("sendBatch", &SocketHandle::SendBatch),
                         InstanceMethod("connect", &SocketHandle::Connect),
                         InstanceMethod("status", &SocketHandle::Status),
                         InstanceMethod("streamStatus", &SocketHandle::StreamStatus),
                         InstanceMethod("peerAddresses", &SocketHandle::PeerAddresses),
                         InstanceMethod("localAddresses", &SocketHandle::LocalAddresses),
                         InstanceMethod("paths", &SocketHandle::Paths),
                         InstanceMethod("stats", &SocketHandle::Stats),
                         InstanceMethod("watchWritable", &SocketHandle::WatchWritable),
                         InstanceMethod("setReading", &SocketHandle::SetReading),
                         InstanceMethod("takeError", &SocketHandle::TakeError),
                         InstanceMethod("initFailureTime", &SocketHandle::InitFailureTime),
                         InstanceMethod("initMsg", &SocketHandle::InitMsg),
                         InstanceMethod("tables", &SocketHandle::GetTables),
                         InstanceMethod("counters", &SocketHandle::GetCounters),
                         InstanceMethod("close", &SocketHandle::Close),
                         InstanceMethod("ref", &SocketHandle::Ref),
                         InstanceMethod("unref", &SocketHandle::Unref),
                     });
}

SocketHandle::SocketHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SocketHandle>(info) {
  Napi::Env env = info.Env();
  Napi::Object callbacks = info[0].IsObject() ? info[0].As<Napi::Object>() : Napi::Object::New(env);
  for (int i = 0; i < kCallbacks; i++) {
    Napi::Value fn = callbacks.Get(kCallbackNames[i]);
    if (fn.IsFunction()) callbacks_[i] = Napi::Persistent(fn.As<Napi::Function>());
  }
  std::string name = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "SCTP_SOCKET";
  async_ = std::make_unique<AsyncResource>(env, name.c_str());
}

// The callback a notification type reaches; kCallbacks for none.
SocketHandle::Callback SocketHandle::CallbackOf(uint16_t type) {
  switch (type) {
    case SCTP_ASSOC_CHANGE: case SCTP_ADAPTATION_INDICATION: return kOnAssociation;
    case SCTP_PEER_ADDR_CHANGE: return kOnPeerAddrChange;
    case SCTP_SEND_FAILED_EVENT: return kOnSendFailed;
    case SCTP_SHUTDOWN_EVENT: return kOnShutdown;
    case SCTP_REMOTE_ERROR: return kOnRemoteError;
    case SCTP_SENDER_DRY_EVENT: return kOnSenderDry;
    case SCTP_STREAM_RESET_EVENT: return kOnStreamReset;
    case SCTP_ASSOC_RESET_EVENT: return kOnAssocReset;
    case SCTP_STREAM_CHANGE_EVENT: return kOnStreamChange;
    case SCTP_AUTHENTICATION_EVENT: return kOnAuthentication;
    default: return kCallbacks;
  }
}

int SocketHandle::Configure(bool startReading) {
  int on = 1;
  int err = SetOption(fd(), IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
  // A one-to-many socket hears the notifications JS has a callback for (Endpoint's own aside):
  // one nobody listens to is not even read (open() gives three callbacks). A one-to-one socket
  // subscribes to all: a listening one's subscriptions are those of the associations it accepts.
  for (uint16_t type : {SCTP_SHUTDOWN_EVENT, SCTP_SEND_FAILED_EVENT, SCTP_REMOTE_ERROR,
                        SCTP_ADAPTATION_INDICATION, SCTP_STREAM_RESET_EVENT, SCTP_ASSOC_RESET_EVENT,
                        SCTP_STREAM_CHANGE_EVENT, SCTP_AUTHENTICATION_EVENT}) {
    if (!err && (stream_ || !callbacks_[CallbackOf(type)].IsEmpty())) err = Subscribe(type);
  }
  if (!err && startReading) err = StartReadingOneToOne();
  if (err) {
    Endpoint::Close();
    return err;
  }
  Napi::ObjectWrap<SocketHandle>::Ref();  // open sockets are not garbage, referenced or not
  return 0;
}

Napi::Value SocketHandle::Open(const Napi::CallbackInfo& info) {
  if (IsOpen()) return Errno(info.Env(), EISCONN);
  int family = info[0].As<Napi::Number>().Int32Value() == 6 ? AF_INET6 : AF_INET;
  stream_ = info[1].ToBoolean();
  int err = Endpoint::Open(info.Env(), family, stream_ ? SOCK_STREAM : SOCK_SEQPACKET);
  return Errno(info.Env(), err ? err : Configure(false));
}

Napi::Value SocketHandle::Peeloff(const Napi::CallbackInfo& info) {
  SocketHandle* parent = Unwrap(info[0].As<Napi::Object>());
  sctp_assoc_t id = info[1].As<Napi::Number>().Int32Value();
  if (!parent->IsOpen()) return Errno(info.Env(), EBADF);
  if (IsOpen()) return Errno(info.Env(), EISCONN);
  // The kernel moves what is queued of the association to the new socket, the rest of a message
  // the parent has begun to read included: wait until the parent has read it whole.
  if (parent->HoldsPartOf(id)) return Errno(info.Env(), EBUSY);
  // Non-blocking and close-on-exec from the start: no window for a fork to inherit it.
  int fd = sctp_peeloff_flags(parent->fd(), id, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return Errno(info.Env(), errno);
  parent->ForgetAssociation(id);  // the parent hears nothing more of it, not even its end
  int err = Endpoint::Adopt(info.Env(), fd, parent->family());
  if (!err) err = SubscribeAssociations();
  return Errno(info.Env(), err ? err : Configure(true));
}

Napi::Value SocketHandle::Accept(const Napi::CallbackInfo& info) {
  if (!IsOpen()) return Errno(info.Env(), EBADF);
  for (;;) {
    int fd = accept4(this->fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0 && errno == EINTR) continue;
    if (fd < 0) return Errno(info.Env(), errno);
    if (info[0].ToBoolean()) {  // refused (over maxConnections): ABORT it at once
      linger abort{1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
      ::close(fd);
    }
    return Napi::Number::New(info.Env(), fd);
  }
}

Napi::Value SocketHandle::Adopt(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (IsOpen()) {
    ::close(fd);
    return Errno(info.Env(), EISCONN);
  }
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
  stream_ = true;
  // The association's events follow the listening socket's subscriptions; set them on this one.
  int err = Endpoint::Adopt(info.Env(), fd, local.ss_family == AF_INET6 ? AF_INET6 : AF_INET);
  if (!err) err = SubscribeAssociations();
  return Errno(info.Env(), err ? err : Configure(true));
}

Napi::Value SocketHandle::Listen(const Napi::CallbackInfo& info) {
  if (!IsOpen()) return Errno(info.Env(), EBADF);
  accepting_ = stream_;
  return Errno(info.Env(), Endpoint::Listen(info[0].As<Napi::Number>().Int32Value()));
}

Napi::Value SocketHandle::Read(const Napi::CallbackInfo& info) {
  if (!IsOpen()) return Errno(info.Env(), EBADF);
  return Errno(info.Env(), stream_ ? StartReadingOneToOne() : StartReading());
}

Napi::Value SocketHandle::Shutdown(const Napi::CallbackInfo& info) {
  if (!IsOpen()) return Errno(info.Env(), EBADF);
  if (stream_) return Errno(info.Env(), ::shutdown(fd(), SHUT_WR) < 0 ? errno : 0);
  // A peeled-off socket (one-to-one, but of the one-to-many kind) takes SCTP_EOF instead.
  SendInfo eof;
  eof.flags = SCTP_EOF;
  ssize_t r = Endpoint::Send(nullptr, 0, nullptr, eof);
  return Errno(info.Env(), r < 0 ? static_cast<int>(-r) : 0);
}

Napi::Value SocketHandle::SubscribeEvent(const Napi::CallbackInfo& info) {
  return Errno(info.Env(), Endpoint::Subscribe(static_cast<uint16_t>(info[0].As<Napi::Number>().Uint32Value()),
                                               info[1].ToBoolean()));
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
  return Errno(info.Env(), 0);
}

Napi::Value SocketHandle::SetAssocValue(const Napi::CallbackInfo& info) {
  sctp_assoc_value value{};
  value.assoc_id = info[1].As<Napi::Number>().Int32Value();
  value.assoc_value = U32(info[2]);
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, info[0].As<Napi::Number>().Int32Value(),
                                     &value, sizeof value));
}

Napi::Value SocketHandle::SetDelayedSack(const Napi::CallbackInfo& info) {
  sctp_sack_info sack{};
  sack.sack_assoc_id = SCTP_FUTURE_ASSOC;
  sack.sack_delay = U32(info[0]);  // 0: unchanged
  sack.sack_freq = U32(info[1]);   // 1: a SACK for every packet (no delay); 0: unchanged
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_DELAYED_SACK, &sack, sizeof sack));
}

Napi::Value SocketHandle::SetAuthKey(const Napi::CallbackInfo& info) {
  int option = info[0].As<Napi::Number>().Int32Value();
  sctp_assoc_t id = info[1].As<Napi::Number>().Int32Value();
  auto number = static_cast<uint16_t>(U32(info[2]));
  if (option != SCTP_AUTH_KEY) {
    sctp_authkeyid key{};
    key.scact_assoc_id = id;
    key.scact_keynumber = number;
    return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, option, &key, sizeof key));
  }
  Napi::Buffer<char> secret = info[3].As<Napi::Buffer<char>>();
  std::vector<char> buffer(sizeof(sctp_authkey) + secret.Length());
  auto* key = reinterpret_cast<sctp_authkey*>(buffer.data());
  key->sca_assoc_id = id;
  key->sca_keynumber = number;
  key->sca_keylength = static_cast<uint16_t>(secret.Length());
  std::memcpy(key->sca_key, secret.Data(), secret.Length());
  int err = SetOption(fd(), IPPROTO_SCTP, SCTP_AUTH_KEY, buffer.data(), static_cast<socklen_t>(buffer.size()));
  explicit_bzero(buffer.data(), buffer.size());  // no copy of the secret left behind
  return Errno(info.Env(), err);
}

Napi::Value SocketHandle::SetAuthChunk(const Napi::CallbackInfo& info) {
  sctp_authchunk chunk{};
  chunk.sauth_chunk = static_cast<uint8_t>(U32(info[0]));
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_AUTH_CHUNK, &chunk, sizeof chunk));
}

Napi::Value SocketHandle::ResetStreams(const Napi::CallbackInfo& info) {
  Napi::Array list = info[1].As<Napi::Array>();
  std::vector<char> buffer(sizeof(sctp_reset_streams) + list.Length() * sizeof(uint16_t));
  auto* reset = reinterpret_cast<sctp_reset_streams*>(buffer.data());
  reset->srs_assoc_id = info[0].As<Napi::Number>().Int32Value();
  reset->srs_flags = static_cast<uint16_t>(U32(info[2]));
  reset->srs_number_streams = static_cast<uint16_t>(list.Length());  // 0: every stream
  for (uint32_t i = 0; i < list.Length(); i++) {
    reset->srs_stream_list[i] = static_cast<uint16_t>(U32(list.Get(i)));
  }
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_RESET_STREAMS, buffer.data(),
                                     static_cast<socklen_t>(buffer.size())));
}

Napi::Value SocketHandle::ResetAssociation(const Napi::CallbackInfo& info) {
  sctp_assoc_t id = info[0].As<Napi::Number>().Int32Value();
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_RESET_ASSOC, &id, sizeof id));
}

Napi::Value SocketHandle::AddStreams(const Napi::CallbackInfo& info) {
  sctp_add_streams add{};
  add.sas_assoc_id = info[0].As<Napi::Number>().Int32Value();
  add.sas_instrms = static_cast<uint16_t>(U32(info[1]));
  add.sas_outstrms = static_cast<uint16_t>(U32(info[2]));
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_ADD_STREAMS, &add, sizeof add));
}

Napi::Value SocketHandle::Bind(const Napi::CallbackInfo& info) {
  Address local;
  std::string host = info[0].As<Napi::String>().Utf8Value();
  if (!ParseAddress(host, static_cast<uint16_t>(U32(info[1])), &local)) {
    return Errno(info.Env(), EINVAL);
  }
  return Errno(info.Env(), bind(fd(), local.get(), local.length) < 0 ? errno : 0);
}

// Addresses given as strings, with one port, packed back to back as the SCTP calls take them.
static bool Pack(const Napi::Array& list, uint16_t port, std::vector<char>* packed) {
  for (uint32_t i = 0; i < list.Length(); i++) {
    Address address;
    if (!ParseAddress(list.Get(i).As<Napi::String>().Utf8Value(), port, &address)) return false;
    const char* bytes = reinterpret_cast<const char*>(address.get());
    packed->insert(packed->end(), bytes, bytes + address.length);
  }
  return !packed->empty();
}

Napi::Value SocketHandle::BindX(const Napi::CallbackInfo& info) {
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<char> packed;
  if (!Pack(list, static_cast<uint16_t>(U32(info[1])), &packed)) return Errno(info.Env(), EINVAL);
  int flags = info[2].ToBoolean() ? SCTP_BINDX_REM_ADDR : SCTP_BINDX_ADD_ADDR;
  return Errno(info.Env(), sctp_bindx(fd(), reinterpret_cast<sockaddr*>(packed.data()),
                                      static_cast<int>(list.Length()), flags) < 0 ? errno : 0);
}

Napi::Value SocketHandle::SetPrimary(const Napi::CallbackInfo& info) {
  sctp_prim prim{};
  prim.ssp_assoc_id = info[0].As<Napi::Number>().Int32Value();
  Address address;
  if (!ParseAddress(info[1].As<Napi::String>().Utf8Value(), static_cast<uint16_t>(U32(info[2])),
                    &address)) {
    return Errno(info.Env(), EINVAL);
  }
  std::memcpy(&prim.ssp_addr, &address.storage, sizeof prim.ssp_addr);
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_PRIMARY_ADDR, &prim, sizeof prim));
}

Napi::Value SocketHandle::SetPeerParams(const Napi::CallbackInfo& info) {
  sctp_paddrparams params{};
  params.spp_assoc_id = info[3].IsNumber() ? info[3].As<Napi::Number>().Int32Value() : SCTP_FUTURE_ASSOC;
  if (info[4].IsString()) {
    Address address;
    if (!ParseAddress(info[4].As<Napi::String>().Utf8Value(), static_cast<uint16_t>(U32(info[5])),
                      &address)) {
      return Errno(info.Env(), EINVAL);
    }
    std::memcpy(&params.spp_address, &address.storage, sizeof params.spp_address);
  }
  int heartbeat = info[0].As<Napi::Number>().Int32Value();
  int retrans = info[1].As<Napi::Number>().Int32Value();
  int mtu = info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : -1;
  if (heartbeat == 0) params.spp_flags |= SPP_HB_DISABLE;
  if (heartbeat > 0) {
    params.spp_flags |= SPP_HB_ENABLE;
    params.spp_hbinterval = static_cast<uint32_t>(heartbeat);
  }
  if (info[6].ToBoolean()) params.spp_flags |= SPP_HB_DEMAND;
  if (retrans >= 0) params.spp_pathmaxrxt = static_cast<uint16_t>(retrans);
  if (mtu == 0) params.spp_flags |= SPP_PMTUD_ENABLE;
  if (mtu > 0) {  // a fixed path MTU: discovery off
    params.spp_flags |= SPP_PMTUD_DISABLE;
    params.spp_pathmtu = static_cast<uint32_t>(mtu);
  }
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &params, sizeof params));
}

Napi::Value SocketHandle::SetUdpEncaps(const Napi::CallbackInfo& info) {
  sctp_udpencaps encaps{};
  encaps.sue_assoc_id = info[1].As<Napi::Number>().Int32Value();
  if (info[2].IsString()) {
    Address address;
    if (!ParseAddress(info[2].As<Napi::String>().Utf8Value(), static_cast<uint16_t>(U32(info[3])),
                      &address)) {
      return Errno(info.Env(), EINVAL);
    }
    std::memcpy(&encaps.sue_address, &address.storage, sizeof encaps.sue_address);
  }
  encaps.sue_port = htons(static_cast<uint16_t>(U32(info[0])));
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &encaps, sizeof encaps));
}

Napi::Value SocketHandle::SetInterleave(const Napi::CallbackInfo& info) {
  return Errno(info.Env(), Endpoint::SetInterleave(info[0].ToBoolean()));
}

Napi::Value SocketHandle::SetStreamValue(const Napi::CallbackInfo& info) {
  sctp_stream_value value{};
  value.assoc_id = info[0].As<Napi::Number>().Int32Value();
  value.stream_id = static_cast<uint16_t>(U32(info[1]));
  value.stream_value = static_cast<uint16_t>(U32(info[2]));
  return Errno(info.Env(), SetOption(fd(), IPPROTO_SCTP, SCTP_STREAM_SCHEDULER_VALUE, &value, sizeof value));
}

Napi::Value SocketHandle::GetSockName(const Napi::CallbackInfo& info) {
  Address local;
  local.length = sizeof local.storage;
  if (getsockname(fd(), local.get(), &local.length) < 0) return Errno(info.Env(), errno);
  PutAddress(info[0].As<Napi::Object>(), local.get());
  return Errno(info.Env(), 0);
}

// send(data | null, host | null, fields): one message, fields the first row of a Uint32Array laid
// out as sendBatch()'s (src/send_fields.h). Three arguments: each one costs an N-API call.
Napi::Value SocketHandle::Send(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  if (!IsOpen()) return Errno(info.Env(), EBADF);
  size_t rows = 0;
  const uint32_t* f = FieldsOf(env, info[2], &rows);
  ByteView data{nullptr, 0};
  // The common case first, each check one N-API call: bytes, then a host string; null only after.
  if (rows == 0 || (!BytesOf(env, info[0], &data) && !info[0].IsNull())) return Errno(info.Env(), EINVAL);
  Address peer;
  const sockaddr* to = nullptr;
  if (hosts_.Parse(env, info[1], static_cast<uint16_t>(f[kFieldPort]), &peer)) {
    to = peer.get();
  } else if (!info[1].IsNull()) {  // not a string, or not a numeric address
    return Errno(info.Env(), EINVAL);
  }
  ssize_t sent = Endpoint::Send(data.data, data.length, to, SendInfoOf(f));
  return Napi::Number::New(env, static_cast<double>(sent));
}

// sendBatch(data[], hosts[], fields, count): message i is data[i] and row i of fields (a
// Uint32Array, src/send_fields.h), its host an index into hosts or kNoHost (assocId says where).
// One typed array for the numbers: no property read per number.
Napi::Value SocketHandle::SendBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsOpen()) return Errno(env, EBADF);
  Napi::Array data = info[0].As<Napi::Array>();
  Napi::Array hosts = info[1].As<Napi::Array>();
  size_t rows = 0;
  const uint32_t* fields = FieldsOf(env, info[2], &rows);
  size_t count = std::min<size_t>({U32(info[3]), kMaxBatch, rows});
  OutMessage messages[kMaxBatch];
  Address peers[kMaxBatch];
  size_t peerCount = 0;  // peers[peerCount - 1]: the last destination parsed, for the next as well
  for (size_t i = 0; i < count; i++) {
    const uint32_t* f = fields + i * kSendFields;
    ByteView bytes{nullptr, 0};
    bool ok = BytesOf(env, data.Get(static_cast<uint32_t>(i)), &bytes);
    const sockaddr* to = nullptr;
    if (ok && f[kFieldHost] != kNoHost) {
      const uint32_t* before = i > 0 ? f - kSendFields : nullptr;
      if (peerCount == 0 || before[kFieldHost] != f[kFieldHost] || before[kFieldPort] != f[kFieldPort]) {
        ok = hosts_.Parse(env, hosts.Get(f[kFieldHost]), static_cast<uint16_t>(f[kFieldPort]),
                          &peers[peerCount]);
        if (ok) peerCount++;
      }
      to = ok ? peers[peerCount - 1].get() : nullptr;
    }
    if (!ok) {
      if (i == 0) return Errno(env, EINVAL);
      count = i;  // the ones before it go; it fails on its own next time
      break;
    }
    messages[i] = {bytes.data, bytes.length, to, SendInfoOf(f)};
  }
  return Napi::Number::New(env, static_cast<double>(Endpoint::SendBatch(messages, count)));
}

// connect(addresses[], port, out) -> 0 | -errno; out.assocId: the association being set up.
Napi::Value SocketHandle::Connect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = info[0].As<Napi::Array>();
  uint16_t port = static_cast<uint16_t>(U32(info[1]));
  std::vector<char> packed;
  if (!Pack(list, port, &packed)) packed.clear();
  // What libsctp's sctp_connectx() does; its versioned symbol cannot be linked statically into
  // a shared object. addr_num is the size of the packed addresses in bytes.
  sctp_getaddrs_old param{};
  param.addr_num = static_cast<int>(packed.size());
  param.addrs = reinterpret_cast<sockaddr*>(packed.data());
  socklen_t length = sizeof param;
  int err = EINVAL;
  if (!packed.empty()) {
    err = getsockopt(fd(), IPPROTO_SCTP, SCTP_SOCKOPT_CONNECTX3, &param, &length) < 0 ? errno : 0;
  }
  if (err == EINPROGRESS) err = 0;  // non-blocking: 'association' tells how it ends
  info[2].As<Napi::Object>()["assocId"] = err ? 0 : param.assoc_id;
  return Errno(env, err);
}

Napi::Value SocketHandle::StreamStatus(const Napi::CallbackInfo& info) {
  return Errno(info.Env(), Abandoned(info[2].As<Napi::Object>(), fd(),
                                     info[0].As<Napi::Number>().Int32Value(),
                                     static_cast<int>(U32(info[1]))));
}

Napi::Value SocketHandle::Status(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  sctp_status st{};
  st.sstat_assoc_id = info[0].As<Napi::Number>().Int32Value();
  socklen_t length = sizeof st;
  if (getsockopt(fd(), IPPROTO_SCTP, SCTP_STATUS, &st, &length) < 0) return Errno(env, errno);
  Napi::Object path = Napi::Object::New(env);
  PutPath(path, st.sstat_primary);
  Napi::Object out = info[1].As<Napi::Object>();
  out["assocId"] = st.sstat_assoc_id;
  out["state"] = AssociationState(st.sstat_state);
  out["rwnd"] = st.sstat_rwnd;
  out["unackData"] = st.sstat_unackdata;
  out["pendingData"] = st.sstat_penddata;
  out["inStreams"] = st.sstat_instrms;
  out["outStreams"] = st.sstat_outstrms;
  out["fragmentationPoint"] = st.sstat_fragmentation_point;
  out["primary"] = path;
  // PR-SCTP: how many messages were abandoned (the kernel reports only never-sent ones as
  // SCTP_SEND_FAILED_EVENT; these counters also cover those abandoned after transmission).
  Napi::Object abandoned = Napi::Object::New(env);
  if (Abandoned(abandoned, fd(), st.sstat_assoc_id, -1) == 0) out["abandoned"] = abandoned;
  return Errno(env, 0);
}

Napi::Value SocketHandle::Paths(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  sctp_assoc_t id = info[0].As<Napi::Number>().Int32Value();
  sctp_status st{};
  st.sstat_assoc_id = id;
  socklen_t length = sizeof st;
  if (getsockopt(fd(), IPPROTO_SCTP, SCTP_STATUS, &st, &length) < 0) return Errno(env, errno);
  const PeerKey primary = KeyOf(reinterpret_cast<const sockaddr*>(&st.sstat_primary.spinfo_address));
  sockaddr* addrs = nullptr;
  int count = sctp_getpaddrs(fd(), id, &addrs);
  if (count < 0) return Errno(env, errno);
  Napi::Array list = Napi::Array::New(env, count);
  int err = 0;
  const char* p = reinterpret_cast<const char*>(addrs);
  for (int i = 0; i < count; i++) {
    const auto* sa = reinterpret_cast<const sockaddr*>(p);
    p += PackedSize(sa);
    sctp_paddrinfo path{};
    path.spinfo_assoc_id = id;
    std::memcpy(&path.spinfo_address, sa, PackedSize(sa));
    length = sizeof path;
    if (getsockopt(fd(), IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &path, &length) < 0) {
      err = errno;
      break;
    }
    Napi::Object entry = Napi::Object::New(env);
    PutPath(entry, path);
    entry["primary"] = KeyOf(sa) == primary;
    list.Set(i, entry);
  }
  sctp_freepaddrs(addrs);  // allocated even when there are none
  if (err) return Errno(env, err);
  info[1].As<Napi::Object>()["list"] = list;
  return Errno(env, 0);
}

Napi::Value SocketHandle::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  sctp_assoc_stats s{};
  s.sas_assoc_id = info[0].As<Napi::Number>().Int32Value();
  socklen_t length = sizeof s;
  if (getsockopt(fd(), IPPROTO_SCTP, SCTP_GET_ASSOC_STATS, &s, &length) < 0) return Errno(env, errno);
  auto num = [](uint64_t value) { return static_cast<double>(value); };
  Napi::Object out = info[1].As<Napi::Object>();
  out["assocId"] = s.sas_assoc_id;
  out["rtxChunks"] = num(s.sas_rtxchunks);
  out["gapCount"] = num(s.sas_gapcnt);
  out["outOfSeqTsns"] = num(s.sas_outofseqtsns);
  out["sacksSent"] = num(s.sas_osacks);
  out["sacksReceived"] = num(s.sas_isacks);
  out["packetsSent"] = num(s.sas_opackets);
  out["packetsReceived"] = num(s.sas_ipackets);
  out["controlChunksSent"] = num(s.sas_octrlchunks);
  out["controlChunksReceived"] = num(s.sas_ictrlchunks);
  out["orderedChunksSent"] = num(s.sas_oodchunks);
  out["orderedChunksReceived"] = num(s.sas_iodchunks);
  out["unorderedChunksSent"] = num(s.sas_ouodchunks);
  out["unorderedChunksReceived"] = num(s.sas_iuodchunks);
  out["dupChunksReceived"] = num(s.sas_idupchunks);
  out["maxRto"] = num(s.sas_maxrto);
  Napi::Object at = Napi::Object::New(env);
  PutAddress(at, reinterpret_cast<const sockaddr*>(&s.sas_obs_rto_ipaddr));
  out["maxRtoAddress"] = at;
  return Errno(env, 0);
}

// (assocId, out) with sctp_getpaddrs()/sctp_getladdrs() and their free functions: out.list =
// [{ address, port }, ...]. Returns 0 or -errno.
static Napi::Value Addresses(const Napi::CallbackInfo& info, int fd,
                             int (*get)(int, sctp_assoc_t, sockaddr**), int (*release)(sockaddr*)) {
  sockaddr* addrs = nullptr;
  if (fd < 0) return Errno(info.Env(), EBADF);
  int count = get(fd, info[0].As<Napi::Number>().Int32Value(), &addrs);
  if (count < 0) return Errno(info.Env(), errno);
  info[1].As<Napi::Object>()["list"] = AddressList(info.Env(), count, addrs);
  release(addrs);  // allocated even when there are none
  return Errno(info.Env(), 0);
}

Napi::Value SocketHandle::PeerAddresses(const Napi::CallbackInfo& info) {
  return Addresses(info, fd(), sctp_getpaddrs, sctp_freepaddrs);
}

Napi::Value SocketHandle::LocalAddresses(const Napi::CallbackInfo& info) {
  return Addresses(info, fd(), sctp_getladdrs, sctp_freeladdrs);
}

void SocketHandle::OnNotification(const Notification& n, const sockaddr* from, bool truncated) {
  Callback which = CallbackOf(n.type);
  if (which == kCallbacks || callbacks_[which].IsEmpty() || halted()) return;  // nothing to build
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  auto num = [&](double value) { return Napi::Number::New(env, value); };
  auto str = [&](const char* value) { return Napi::String::New(env, value); };
  auto data = [&]() { return Napi::Buffer<char>::Copy(env, n.data, n.dataLength); };
  switch (n.type) {
    case SCTP_ASSOC_CHANGE: {
      const auto& c = n.assocChange;
      bool up = c.state == SCTP_COMM_UP || c.state == SCTP_RESTART;
      Emit(kOnAssociation, {num(n.assoc), str(AssocState(c.state)), num(c.error),
            Napi::String::New(env, FormatHost(from)), num(PortOf(from)), num(c.inStreams),
            num(c.outStreams), num(up ? PeekAdaptation(fd(), n.assoc) : -1)});
      break;
    }
    case SCTP_PEER_ADDR_CHANGE: {
      const auto& c = n.peerAddrChange;
      const auto* addr = reinterpret_cast<const sockaddr*>(&c.address);
      Emit(kOnPeerAddrChange, {num(n.assoc), str(PeerAddressState(c.state)), num(c.error),
            Napi::String::New(env, FormatHost(addr)), num(PortOf(addr))});
      break;
    }
    case SCTP_SEND_FAILED_EVENT: {
      const auto& f = n.sendFailed;
      // The whole message's size from the header, also when its bytes here were cut short.
      Emit(kOnSendFailed, {num(n.assoc), num(f.error), Napi::Boolean::New(env, n.flags == SCTP_DATA_SENT),
            num(f.stream), num(f.ppid), num(f.context), data(),
            num(static_cast<double>(truncated ? f.size : n.dataLength))});
      break;
    }
    case SCTP_SHUTDOWN_EVENT:
      Emit(kOnShutdown, {num(n.assoc)});
      break;
    case SCTP_REMOTE_ERROR:
      Emit(kOnRemoteError, {num(n.assoc), num(n.remoteErrorCause), data()});
      break;
    case SCTP_STREAM_RESET_EVENT: {
      Napi::Array streams = Napi::Array::New(env, n.resetStreams.size());
      for (size_t i = 0; i < n.resetStreams.size(); i++) streams.Set(i, num(n.resetStreams[i]));
      Emit(kOnStreamReset, {num(n.assoc), num(n.flags), streams});
      break;
    }
    case SCTP_ASSOC_RESET_EVENT:
      Emit(kOnAssocReset, {num(n.assoc), num(n.flags), num(n.assocReset.localTsn),
            num(n.assocReset.remoteTsn)});
      break;
    case SCTP_STREAM_CHANGE_EVENT:
      Emit(kOnStreamChange, {num(n.assoc), num(n.flags), num(n.streamChange.inStreams),
            num(n.streamChange.outStreams)});
      break;
    case SCTP_AUTHENTICATION_EVENT:
      Emit(kOnAuthentication, {num(n.assoc), num(n.authentication.keyNumber),
            num(n.authentication.indication)});
      break;
    case SCTP_SENDER_DRY_EVENT:  // subscribed while JS listens for 'abandoned'
      Emit(kOnSenderDry, {num(n.assoc)});
      break;
    default:
      break;
  }
}

Napi::Value SocketHandle::WatchWritable(const Napi::CallbackInfo& info) {
  return Errno(info.Env(), IsOpen() ? Endpoint::WatchWritable() : EBADF);
}

Napi::Value SocketHandle::SetReading(const Napi::CallbackInfo& info) {
  return Errno(info.Env(), IsOpen() ? Endpoint::SetReading(info[0].ToBoolean()) : EBADF);
}

Napi::Value SocketHandle::TakeError(const Napi::CallbackInfo& info) {
  return Errno(info.Env(), IsOpen() ? TakeSocketError() : 0);
}

Napi::Value SocketHandle::InitFailureTime(const Napi::CallbackInfo& info) {
  // The kernel sends an INIT max_init_attempts + 1 times, waiting at least rto_initial (capped at
  // max_init_timeo) after each; the wait doubles once per round over the peer's addresses. The
  // soonest it can give up is then with no doubling at all.
  sctp_initmsg init{};
  sctp_rtoinfo rto{};
  socklen_t length = sizeof init;
  socklen_t rtoLength = sizeof rto;
  if (getsockopt(fd(), IPPROTO_SCTP, SCTP_INITMSG, &init, &length) < 0 ||
      getsockopt(fd(), IPPROTO_SCTP, SCTP_RTOINFO, &rto, &rtoLength) < 0) {
    return Napi::Number::New(info.Env(), 0);
  }
  double wait = std::min<double>(rto.srto_initial, init.sinit_max_init_timeo);
  return Napi::Number::New(info.Env(), (init.sinit_max_attempts + 1.0) * wait);
}

Napi::Value SocketHandle::InitMsg(const Napi::CallbackInfo& info) {
  sctp_initmsg init{};
  socklen_t length = sizeof init;
  if (getsockopt(fd(), IPPROTO_SCTP, SCTP_INITMSG, &init, &length) < 0) return Errno(info.Env(), errno);
  Napi::Object out = info[0].As<Napi::Object>();
  out["outStreams"] = init.sinit_num_ostreams;
  out["maxInStreams"] = init.sinit_max_instreams;
  out["maxAttempts"] = init.sinit_max_attempts;
  out["maxInitTimeout"] = init.sinit_max_init_timeo;
  return Errno(info.Env(), 0);
}

Napi::Value SocketHandle::GetTables(const Napi::CallbackInfo& info) {
  Tables t = Endpoint::GetTables();
  Napi::Object out = info[0].As<Napi::Object>();
  out["peerAddresses"] = static_cast<double>(t.peerAddresses);
  out["peerAssociations"] = static_cast<double>(t.peerAssociations);
  out["bufferBytes"] = static_cast<double>(t.bufferBytes);
  out["partialBytes"] = static_cast<double>(t.partialBytes);
  return Errno(info.Env(), 0);
}

Napi::Value SocketHandle::GetCounters(const Napi::CallbackInfo& info) {
  info[0].As<Napi::Object>()["notifications"] = static_cast<double>(NotificationsRead());
  return Errno(info.Env(), 0);
}

Napi::Value SocketHandle::Close(const Napi::CallbackInfo& info) {
  if (IsOpen()) {
    if (info[0].ToBoolean()) {  // close() then sends an ABORT for each association
      linger abort{1, 0};
      setsockopt(fd(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    }
    Endpoint::Close();
    for (auto& callback : callbacks_) callback.Reset();  // no events after close, and no cycle
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
  try {
    Napi::Object keep = Value();  // alive to the end of this batch, whatever the callbacks do
    (void)keep;
    if (paused() && (status < 0 || (events & UV_PRIORITIZED))) {
      // Reading is paused (the app's readable side is full) and the association is over. Failed or
      // aborted: told now, a write may be waiting on it and the reader may never resume. Ended
      // gracefully (no socket error): what is queued, then end of file, wait for the reader.
      int err = TakeSocketError();
      if (err || status < 0) {
        Emit(kOnError, {Napi::Number::New(env, err ? err : -status), Napi::String::New(env, "poll")});
      }
      return;
    }
    if (status < 0) {
      // A peeled-off socket's association failed or was aborted (ECONNRESET, ETIMEDOUT, ...):
      // deliver what was queued before it (messages, the notification saying so) first; the
      // socket error, still pending, tells JS how it ended.
      if ((accepting_ || Drain()) && IsOpen()) {  // else more to read first: the poll reports it again
        int err = TakeSocketError();
        Emit(kOnError, {Napi::Number::New(env, err ? err : -status), Napi::String::New(env, "poll")});
      }
      return;
    }
    if (events & UV_WRITABLE) Emit(kOnWritable, {});
    if (IsOpen() && (events & UV_READABLE)) {
      if (accepting_) {
        Emit(kOnConnection, {});
      } else {
        Drain();
      }
    }
  } catch (const Napi::Error& error) {  // making a value failed: never let it reach libuv
    if (!ReportFailure(env, error.Value())) Halt();
  } catch (...) {  // out of memory making a value: nothing sane to deliver
    Halt();
  }
}

void SocketHandle::OnMessage(const char* data, size_t length, const sockaddr* from,
                             const sctp_rcvinfo* info) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  sctp_rcvinfo none{};
  if (info == nullptr) info = &none;
  Emit(kOnMessage, {Napi::Buffer<char>::Copy(env, data, length),
        Napi::String::New(env, names_.Format(from)), Napi::Number::New(env, PortOf(from)),
        Napi::Number::New(env, info->rcv_assoc_id), Napi::Number::New(env, info->rcv_sid),
        Napi::Number::New(env, ntohl(info->rcv_ppid)), Napi::Number::New(env, info->rcv_flags),
        Napi::Number::New(env, info->rcv_ssn), Napi::Number::New(env, info->rcv_tsn),
        Napi::Number::New(env, info->rcv_context)});
}

void SocketHandle::OnTooLarge(size_t length, const sockaddr* from, const sctp_rcvinfo* info) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  Emit(kOnOversize, {Napi::Number::New(env, static_cast<double>(length)),
        Napi::String::New(env, names_.Format(from)), Napi::Number::New(env, PortOf(from)),
        Napi::Number::New(env, info ? info->rcv_assoc_id : 0)});
}

void SocketHandle::OnReceiveError(int err) {
  Napi::HandleScope scope(Env());
  Emit(kOnError, {Napi::Number::New(Env(), err), Napi::String::New(Env(), "recvmsg")});
}

void SocketHandle::OnEnd() {
  Napi::HandleScope scope(Env());
  Emit(kOnEnd, {});
}

void SocketHandle::Emit(Callback which, std::initializer_list<napi_value> args) {
  const Napi::FunctionReference& fn = callbacks_[which];
  if (fn.IsEmpty() || halted()) return;  // not wanted, or closed by an earlier callback
  if (!CallAsync(Env(), fn, Value(), args, *async_)) Halt();
}

}  // namespace sctp
