// sctp_dgram.node: exports open(bindHost, bindPort, recvMaxlen, onRecv) -> { send, close }.
#include <napi.h>

#include "handle.h"

namespace sctp {

// Per-environment state (the main thread and every worker get their own).
class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) : handle_(Napi::Persistent(Handle::Define(env))) {
    DefineAddon(exports, {InstanceMethod("open", &Addon::Open)});
  }

 private:
  Napi::Value Open(const Napi::CallbackInfo& info) {
    return handle_.New({info[0], info[1], info[2], info[3]});
  }

  Napi::FunctionReference handle_;
};

}  // namespace sctp

using SctpAddon = sctp::Addon;
NODE_API_ADDON(SctpAddon)
