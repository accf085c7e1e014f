// The native half of createSocket(): a dumb handle in the manner of Node's udp_wrap. Methods
// return 0 / a byte count or a negative errno; lib/socket.js validates, queues and shapes errors.
// Events reach JS through one function, onevent(kind, ...), called as a new async callback.
#pragma once

#include <napi.h>

#include <memory>

#include "endpoint.h"

namespace sctp {

class SocketHandle : public Napi::ObjectWrap<SocketHandle>, private Endpoint {
 public:
  // The `kind` argument of onevent.
  enum Event { kMessage = 0, kWritable = 1, kTooLarge = 2, kError = 3, kNotification = 4, kEnd = 5 };

  static Napi::Function Define(Napi::Env env);
  explicit SocketHandle(const Napi::CallbackInfo& info);  // new SocketHandle(onevent)

 private:
  Napi::Value Open(const Napi::CallbackInfo& info);       // (family: 4 | 6) -> errno
  // (parent SocketHandle, assocId) -> errno: this handle takes the association, one-to-one.
  Napi::Value Peeloff(const Napi::CallbackInfo& info);
  Napi::Value SetInt(const Napi::CallbackInfo& info);     // (level, name, value) -> errno
  Napi::Value SetRtoInfo(const Napi::CallbackInfo& info); // (initial, min, max) -> errno
  Napi::Value SetInitMsg(const Napi::CallbackInfo& info); // (out, maxIn, attempts, timeout) -> errno
  Napi::Value SetMaxMessageSize(const Napi::CallbackInfo& info);  // (bytes)
  Napi::Value SubscribeEvent(const Napi::CallbackInfo& info);  // (SCTP_*_EVENT type, on) -> errno
  // (address, port, listen) -> errno; then reads, and with listen accepts associations
  Napi::Value Bind(const Napi::CallbackInfo& info);
  // (addresses[], port, op: 1 bind and listen | 2 add | 3 remove) -> errno (sctp_bindx)
  Napi::Value BindX(const Napi::CallbackInfo& info);
  Napi::Value SetPrimary(const Napi::CallbackInfo& info);  // (assocId, address, port) -> errno
  Napi::Value SetPeerParams(const Napi::CallbackInfo& info);  // (heartbeat ms | -1, pathMaxRetrans | -1)
  Napi::Value GetSockName(const Napi::CallbackInfo& info);  // -> [address, port] | errno
  // (data|null, address|null, port, stream, ppid, context, ttl, unordered, assocId, flags)
  //   -> bytes | -errno. With no address, assocId names the association; flags: SCTP_EOF, SCTP_ABORT.
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);    // (addresses[], port) -> [errno, assocId]
  Napi::Value Status(const Napi::CallbackInfo& info);     // (assocId) -> status object | errno
  Napi::Value PeerAddresses(const Napi::CallbackInfo& info);   // (assocId) -> [[address, port]] | errno
  Napi::Value LocalAddresses(const Napi::CallbackInfo& info);  // (assocId) -> [[address, port]] | errno
  Napi::Value WatchWritable(const Napi::CallbackInfo& info);  // one kWritable event
  Napi::Value SetReading(const Napi::CallbackInfo& info);     // (on) -> errno: pause or resume
  Napi::Value TakeError(const Napi::CallbackInfo& info);      // -> SO_ERROR (and clears it)
  // -> ms: the soonest a new association can fail for want of an INIT ACK (its INIT timeouts)
  Napi::Value InitFailureTime(const Napi::CallbackInfo& info);
  Napi::Value GetTables(const Napi::CallbackInfo& info);      // -> { peerAddresses, ... }
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Ref(const Napi::CallbackInfo& info);
  Napi::Value Unref(const Napi::CallbackInfo& info);

  void OnEvents(int status, int events) override;
  void OnMessage(const char* data, size_t length, const sockaddr* from,
                 const sctp_rcvinfo* info) override;
  void OnTooLarge(size_t length, const sockaddr* from, const sctp_rcvinfo* info) override;
  void OnReceiveError(int err) override;
  void OnNotification(const char* data, size_t length, const sockaddr* from,
                      bool truncated) override;
  void OnEnd() override;
  int Configure();  // what createSocket()'s sockets get beyond Endpoint's: RCVINFO, more events
  void Emit(std::initializer_list<napi_value> args);

  Napi::FunctionReference onevent_;
  std::unique_ptr<Napi::AsyncContext> async_;
};

}  // namespace sctp
