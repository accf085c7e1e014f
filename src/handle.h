// The handle returned by open(): the original SCTP_NAPI API over an Endpoint.
#pragma once

#include <napi.h>

#include <memory>

#include "endpoint.h"
#include "errors.h"

namespace sctp {

class Handle : public Napi::ObjectWrap<Handle>, private Endpoint {
 public:
  static Napi::Function Define(Napi::Env env);

  // new Handle(bindHost, bindPort, recvMaxlen, onRecv): validates, opens, binds, listens, polls.
  explicit Handle(const Napi::CallbackInfo& info);

 private:
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value LocalAddress(const Napi::CallbackInfo& info);  // address() -> { address, family, port }
  Napi::Value RefLoop(const Napi::CallbackInfo& info);    // ref()
  Napi::Value UnrefLoop(const Napi::CallbackInfo& info);  // unref()

  void OnEvents(int status, int events) override;
  void OnMessage(const char* data, size_t length, const sockaddr* from,
                 const sctp_rcvinfo* info) override;
  void OnTooLarge(size_t length, const sockaddr* from, const sctp_rcvinfo* info) override;
  void OnReceiveError(int err) override;
  void Deliver(Napi::Value result);  // calls onRecv(result) as a new async callback

  size_t recvMaxlen_ = 0;
  Napi::FunctionReference onRecv_;
  std::unique_ptr<AsyncResource> async_;
};

}  // namespace sctp
