// The native half of createSocket(), connect() and createServer(): a dumb handle in the manner of
// Node's udp_wrap and tcp_wrap; lib/ validates, queues and shapes errors (lib/errors.js).
//
// The one rule, as Node's handles have it: a method returns 0 or a negative errno (-EAGAIN). What
// a call finds out comes back through an object the caller passes (getsockname(out) fills
// out.address and out.port, as tcp_wrap's GetSockOrPeerName), never instead of the code. Those
// whose result is a number return it when it is >= 0: send() and sendBatch() the bytes or
// messages the kernel took, accept() the new fd, initFailureTime() ms. close(), ref() and unref()
// cannot fail and return nothing.
//
// Events reach JS through named callbacks (onmessage, onassociation, ...) given once to the
// constructor, each called as a new async callback with the handle as `this`. Their errno
// arguments (onerror's, onsendfailed's) are the kernel's, positive.
#pragma once

#include <napi.h>

#include <array>
#include <memory>

#include "endpoint.h"
#include "callback.h"

namespace sctp {

class SocketHandle : public Napi::ObjectWrap<SocketHandle>, private Endpoint {
 public:
  static Napi::Function Define(Napi::Env env);
  // new SocketHandle({ onmessage, onwritable, ... }[, name]): a callback left out (or not a
  // function) is never called; name: the async resource type its callbacks run as (async_hooks),
  // 'SCTP_SOCKET' unless given (open() gives the original's 'SCTP_NAPI').
  explicit SocketHandle(const Napi::CallbackInfo& info);

 private:
  // The callbacks, in the order of kCallbackNames.
  enum Callback {
    kOnMessage,       // (msg, address, port, assocId, stream, ppid, flags, ssn, tsn, context)
    kOnWritable,      // (): the socket takes more after an EAGAIN (watchWritable())
    kOnOversize,      // (size, address, port, assocId): a message over the limit, dropped
    kOnError,         // (errno, syscall)
    kOnEnd,           // (): end of file on a one-to-one socket, its association is over
    kOnConnection,    // (): a listening one-to-one socket has connections to accept()
    kOnAssociation,   // (assocId, state, cause, address, port, inStreams, outStreams, adaptation?)
    kOnPeerAddrChange,  // (assocId, state, error, address, port)
    kOnSendFailed,    // (assocId, error, sent, stream, ppid, context, data, size)
    kOnShutdown,      // (assocId)
    kOnRemoteError,   // (assocId, cause, data)
    kOnSenderDry,     // (assocId)
    kOnStreamReset,   // (assocId, flags, streams[])
    kOnAssocReset,    // (assocId, flags, localTsn, remoteTsn)
    kOnStreamChange,  // (assocId, flags, inStreams, outStreams)
    kOnAuthentication,  // (assocId, keyNumber, SCTP_AUTH_NEW_KEY | _FREE_KEY | _NO_AUTH)
    kCallbacks
  };
  static const char* const kCallbackNames[kCallbacks];
  static Callback CallbackOf(uint16_t type);  // the callback a notification type reaches

  // (family: 4 | 6, stream: one-to-one SOCK_STREAM, else one-to-many SOCK_SEQPACKET)
  Napi::Value Open(const Napi::CallbackInfo& info);
  // (parent SocketHandle, assocId): this handle takes the association, one-to-one.
  Napi::Value Peeloff(const Napi::CallbackInfo& info);
  // (refuse) on a listening one-to-one handle -> the accepted socket's fd, or -errno (-EAGAIN:
  // none). With refuse, the connection is aborted and its (closed) fd number returned.
  Napi::Value Accept(const Napi::CallbackInfo& info);
  // (fd from accept()): this handle takes the connection and starts reading.
  Napi::Value Adopt(const Napi::CallbackInfo& info);
  Napi::Value SetInt(const Napi::CallbackInfo& info);     // (level, name, value)
  Napi::Value SetRtoInfo(const Napi::CallbackInfo& info); // (initial, min, max)
  Napi::Value SetInitMsg(const Napi::CallbackInfo& info); // (outStreams, maxIn, attempts, timeout)
  Napi::Value SetMaxMessageSize(const Napi::CallbackInfo& info);  // (bytes)
  // (SCTP_* option taking a struct sctp_assoc_value, assocId, value)
  Napi::Value SetAssocValue(const Napi::CallbackInfo& info);
  Napi::Value SetDelayedSack(const Napi::CallbackInfo& info);  // (delay ms | 0, frequency | 0)
  // SCTP-AUTH (RFC 4895): (SCTP_AUTH_KEY, assocId, keyNumber, secret Buffer) or
  // (SCTP_AUTH_ACTIVE_KEY | _DEACTIVATE_KEY | _DELETE_KEY, assocId, keyNumber); (chunk type)
  Napi::Value SetAuthKey(const Napi::CallbackInfo& info);
  Napi::Value SetAuthChunk(const Napi::CallbackInfo& info);
  // Stream reconfiguration (RFC 6525): (assocId, streams[], SCTP_STREAM_RESET_* flags),
  // (assocId), (assocId, in, out)
  Napi::Value ResetStreams(const Napi::CallbackInfo& info);
  Napi::Value ResetAssociation(const Napi::CallbackInfo& info);
  Napi::Value AddStreams(const Napi::CallbackInfo& info);
  Napi::Value SubscribeEvent(const Napi::CallbackInfo& info);  // (SCTP_*_EVENT type, on)
  Napi::Value Bind(const Napi::CallbackInfo& info);       // (address, port)
  // (addresses[], port, remove) (sctp_bindx: add, the first time binds, or remove)
  Napi::Value BindX(const Napi::CallbackInfo& info);
  // (backlog): listen() and watch: for associations (one-to-many: start reading) or for
  // connections to accept (one-to-one: onconnection)
  Napi::Value Listen(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);       // (): start reading, no listen()
  Napi::Value SetPrimary(const Napi::CallbackInfo& info);  // (assocId, address, port)
  // (heartbeat ms | -1, pathMaxRetrans | -1[, pathMtu | -1 (0: discovery), assocId, address, port,
  //  heartbeatNow]). With no address, every path (of the association, or of those to come).
  Napi::Value SetPeerParams(const Napi::CallbackInfo& info);
  // (udpPort, assocId (0: those to come), address | null (every path), port):
  // SCTP_REMOTE_UDP_ENCAPS_PORT, the peer's UDP port for RFC 6951 encapsulation (0: none)
  Napi::Value SetUdpEncaps(const Napi::CallbackInfo& info);
  // (assocId, stream, value): SCTP_STREAM_SCHEDULER_VALUE (priority or weight)
  Napi::Value SetStreamValue(const Napi::CallbackInfo& info);
  Napi::Value SetInterleave(const Napi::CallbackInfo& info);  // (on): see Endpoint::SetInterleave
  Napi::Value GetSockName(const Napi::CallbackInfo& info);  // (out): out.address, out.port
  // (data | null, address | null, fields) -> bytes | -errno: fields a Uint32Array whose first row
  // (src/send_fields.h) has the port, stream, ppid, ... With no address, fields' assocId names
  // the association; flags: SCTP_EOF, SCTP_ABORT.
  Napi::Value Send(const Napi::CallbackInfo& info);
  // (data[], hosts[], fields, count): `count` (at most 64) messages, message i being data[i] and
  // row i of the Uint32Array fields (src/send_fields.h), its host an index into hosts (kNoHost:
  // assocId says where) -> how many the kernel took, in order and each whole (sendmmsg), or -errno when it took none.
  Napi::Value SendBatch(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);    // (addresses[], port, out): out.assocId
  // (): a graceful SHUTDOWN of a one-to-one socket's association, after what was sent
  Napi::Value Shutdown(const Napi::CallbackInfo& info);
  Napi::Value Status(const Napi::CallbackInfo& info);     // (assocId, out): SCTP_STATUS into out
  // (assocId, stream, out): the stream's abandoned PR-SCTP messages { sent, unsent, ttl, rtx, prio }
  Napi::Value StreamStatus(const Napi::CallbackInfo& info);
  Napi::Value PeerAddresses(const Napi::CallbackInfo& info);   // (assocId, out): out.list [{ address, port }]
  Napi::Value LocalAddresses(const Napi::CallbackInfo& info);  // (assocId, out): out.list [{ address, port }]
  // (assocId, out): out.list [{ address, port, state, cwnd, srtt, rto, mtu, primary }], one per
  // peer address (sctp_getpaddrs, then SCTP_GET_PEER_ADDR_INFO each; primary: SCTP_STATUS's)
  Napi::Value Paths(const Napi::CallbackInfo& info);
  // (assocId, out): SCTP_GET_ASSOC_STATS into out { assocId, rtxChunks, ..., maxRto,
  // maxRtoAddress }. The kernel starts a new max RTO observation with each read.
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value WatchWritable(const Napi::CallbackInfo& info);  // one onwritable call
  Napi::Value SetReading(const Napi::CallbackInfo& info);     // (on): pause or resume
  Napi::Value TakeError(const Napi::CallbackInfo& info);      // -> -SO_ERROR (and clears it)
  // -> ms: the soonest a new association can fail for want of an INIT ACK (its INIT timeouts)
  Napi::Value InitFailureTime(const Napi::CallbackInfo& info);
  // (out): SCTP_INITMSG { outStreams, maxInStreams, maxAttempts, maxInitTimeout }
  Napi::Value InitMsg(const Napi::CallbackInfo& info);
  Napi::Value GetTables(const Napi::CallbackInfo& info);      // (out): { peerAddresses, ... }
  // (out): what only grows, unlike tables(): { notifications } read since the socket opened
  Napi::Value GetCounters(const Napi::CallbackInfo& info);
  // (abort). With abort, the associations end with an ABORT (SO_LINGER 0), else
  // gracefully.
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Ref(const Napi::CallbackInfo& info);
  Napi::Value Unref(const Napi::CallbackInfo& info);

  void OnEvents(int status, int events) override;
  void OnMessage(const char* data, size_t length, const sockaddr* from,
                 const sctp_rcvinfo* info) override;
  void OnTooLarge(size_t length, const sockaddr* from, const sctp_rcvinfo* info) override;
  void OnReceiveError(int err) override;
  void OnNotification(const Notification& n, const sockaddr* from, bool truncated) override;
  void OnEnd() override;
  // What every socket of ours gets beyond Endpoint's: RCVINFO, more events; then, for a
  // connected one-to-one socket, reading. Returns 0 or an errno (the handle is closed then).
  int Configure(bool startReading);
  void Emit(Callback which, std::initializer_list<napi_value> args);

  std::array<Napi::FunctionReference, kCallbacks> callbacks_;
  std::unique_ptr<AsyncResource> async_;
  bool stream_ = false;     // SOCK_STREAM: one-to-one, shut down with shutdown()
  bool accepting_ = false;  // a listening SOCK_STREAM socket: readable means accept()
};

}  // namespace sctp
