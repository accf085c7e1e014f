// The handle returned by open(): one SCTP one-to-many socket, watched by a uv_poll_t on the
// loop of the environment that opened it.
#pragma once

#include <napi.h>
#include <uv.h>

#include <memory>
#include <vector>

#include "address.h"
#include "peers.h"

namespace sctp {

// Owns a uv_poll_t: uv_close() on release, the memory freed in the close callback (libuv may
// still touch the handle until then).
struct UvPollCloser {
  void operator()(uv_poll_t* poll) const;
};
using UvPoll = std::unique_ptr<uv_poll_t, UvPollCloser>;

class Handle : public Napi::ObjectWrap<Handle> {
 public:
  static Napi::Function Define(Napi::Env env);

  // new Handle(bindHost, bindPort, recvMaxlen, onRecv): validates, opens, binds, listens, polls.
  explicit Handle(const Napi::CallbackInfo& info);
  ~Handle() override;

 private:
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  static void OnPoll(uv_poll_t* poll, int status, int events);
  void Drain();                                   // up to kMaxReadsPerTick reads
  void Deliver(Napi::Value result);               // calls onRecv(result) as a new async callback
  void Shutdown();                                // stop polling and close the fd; no JS
  static void OnEnvironmentExit(void* handle);     // the cleanup hook: Shutdown()

  static constexpr int kMaxReadsPerTick = 64;

  int fd_ = -1;
  int family_ = 0;
  UvPoll poll_;
  Napi::FunctionReference onRecv_;
  std::unique_ptr<Napi::AsyncContext> async_;
  bool hooked_ = false;                           // environment cleanup hook registered
  PeerTable peers_;

  // Receive state. A message may arrive in pieces (partial delivery); the pieces are gathered
  // in buffer_ until MSG_EOR. One longer than the limit is read to its end and discarded.
  size_t limit_ = 0;
  std::vector<char> buffer_;
  size_t filled_ = 0;
  bool discarding_ = false;
  size_t discarded_ = 0;
};

}  // namespace sctp
