// sctp_dgram.node: exports SocketHandle (the native half of every API: lib/) and constants.
#include <napi.h>

#include <cerrno>

#include "socket_handle.h"  // first: <netinet/in.h> before <netinet/sctp.h>

#include <netinet/sctp.h>

namespace sctp {

// Per-environment state (the main thread and every worker get their own).
class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
                             InstanceValue("SocketHandle", SocketHandle::Define(env)),
                             InstanceValue("constants", Constants(env)),
                         });
  }

 private:
  // Option levels and names for SocketHandle.setInt(), and flags lib/ decodes.
  static Napi::Object Constants(Napi::Env env) {
    Napi::Object c = Napi::Object::New(env);
    c["SOL_SOCKET"] = SOL_SOCKET;
    c["SO_REUSEADDR"] = SO_REUSEADDR;
    c["SO_REUSEPORT"] = SO_REUSEPORT;
    c["SO_RCVBUF"] = SO_RCVBUF;
    c["SO_SNDBUF"] = SO_SNDBUF;
    c["IPPROTO_IPV6"] = static_cast<int>(IPPROTO_IPV6);
    c["IPV6_V6ONLY"] = IPV6_V6ONLY;
    c["IPPROTO_SCTP"] = static_cast<int>(IPPROTO_SCTP);
    c["SCTP_NODELAY"] = SCTP_NODELAY;
    c["SCTP_MAXSEG"] = SCTP_MAXSEG;
    c["SCTP_AUTOCLOSE"] = SCTP_AUTOCLOSE;
    c["SCTP_ADAPTATION_LAYER"] = SCTP_ADAPTATION_LAYER;
    c["SCTP_PR_SCTP_TTL"] = SCTP_PR_SCTP_TTL;
    c["SCTP_PR_SCTP_RTX"] = SCTP_PR_SCTP_RTX;
    c["SCTP_PR_SCTP_PRIO"] = SCTP_PR_SCTP_PRIO;
    c["SCTP_RECONFIG_SUPPORTED"] = SCTP_RECONFIG_SUPPORTED;
    c["SCTP_ENABLE_STREAM_RESET"] = SCTP_ENABLE_STREAM_RESET;
    c["SCTP_ENABLE_RESET_STREAM_REQ"] = SCTP_ENABLE_RESET_STREAM_REQ;
    c["SCTP_ENABLE_RESET_ASSOC_REQ"] = SCTP_ENABLE_RESET_ASSOC_REQ;
    c["SCTP_ENABLE_CHANGE_ASSOC_REQ"] = SCTP_ENABLE_CHANGE_ASSOC_REQ;
    c["SCTP_STREAM_RESET_INCOMING"] = SCTP_STREAM_RESET_INCOMING;
    c["SCTP_STREAM_RESET_OUTGOING"] = SCTP_STREAM_RESET_OUTGOING;
    c["SCTP_STREAM_RESET_DENIED"] = SCTP_STREAM_RESET_DENIED;
    c["SCTP_STREAM_RESET_FAILED"] = SCTP_STREAM_RESET_FAILED;
    c["SCTP_FRAGMENT_INTERLEAVE"] = SCTP_FRAGMENT_INTERLEAVE;
    c["SCTP_INTERLEAVING_SUPPORTED"] = SCTP_INTERLEAVING_SUPPORTED;
    c["SCTP_STREAM_SCHEDULER"] = SCTP_STREAM_SCHEDULER;
    c["SCTP_AUTH_SUPPORTED"] = SCTP_AUTH_SUPPORTED;
    c["SCTP_AUTH_KEY"] = SCTP_AUTH_KEY;
    c["SCTP_AUTH_ACTIVE_KEY"] = SCTP_AUTH_ACTIVE_KEY;
    c["SCTP_AUTH_DEACTIVATE_KEY"] = SCTP_AUTH_DEACTIVATE_KEY;
    c["SCTP_AUTH_DELETE_KEY"] = SCTP_AUTH_DELETE_KEY;
    c["SCTP_AUTH_NEW_KEY"] = static_cast<int>(SCTP_AUTH_NEW_KEY);
    c["SCTP_AUTH_FREE_KEY"] = static_cast<int>(SCTP_AUTH_FREE_KEY);
    c["SCTP_AUTH_NO_AUTH"] = static_cast<int>(SCTP_AUTH_NO_AUTH);
    c["SCTP_FUTURE_ASSOC"] = SCTP_FUTURE_ASSOC;
    c["SCTP_CURRENT_ASSOC"] = SCTP_CURRENT_ASSOC;
    c["SCTP_ALL_ASSOC"] = SCTP_ALL_ASSOC;
    c["SCTP_UNORDERED"] = static_cast<int>(SCTP_UNORDERED);
    c["SCTP_EOF"] = static_cast<int>(SCTP_EOF);
    c["SCTP_ABORT"] = static_cast<int>(SCTP_ABORT);
    c["SCTP_SENDER_DRY_EVENT"] = static_cast<int>(SCTP_SENDER_DRY_EVENT);
    c["EAGAIN"] = EAGAIN;
    c["SOMAXCONN"] = SOMAXCONN;
    return c;
  }
};

}  // namespace sctp

using SctpAddon = sctp::Addon;
NODE_API_ADDON(SctpAddon)
