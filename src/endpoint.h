// One SCTP one-to-many socket on an environment's event loop: the part both JS-facing classes
// share (open()'s Handle and createSocket()'s SocketHandle). No JS here: the derived class
// decides how events reach JS.
#pragma once

#include <node_api.h>
#include <uv.h>

#include <memory>
#include <vector>

#include "address.h"  // <netinet/in.h> before <netinet/sctp.h>
#include "peers.h"

namespace sctp {

// Owns a uv_poll_t: uv_close() on release, the memory freed in the close callback (libuv may
// still touch the handle until then).
struct UvPollCloser {
  void operator()(uv_poll_t* poll) const;
};
using UvPoll = std::unique_ptr<uv_poll_t, UvPollCloser>;

struct SendInfo {
  sctp_assoc_t assoc = 0;  // with no address: the association to send on
  uint16_t flags = 0;      // SCTP_EOF, SCTP_ABORT (with no data or an abort reason)
  uint16_t stream = 0;
  uint32_t ppid = 0;  // host byte order; sent in network byte order
  uint32_t context = 0;
  uint32_t ttl = 0;  // ms of PR-SCTP lifetime; 0: fully reliable
  bool unordered = false;
};

class Endpoint {
 public:
  virtual ~Endpoint();

  // socket() and a poll handle on env's loop; returns 0 or an errno. The socket is closed when
  // the environment exits, if it is still open then.
  int Open(napi_env env, int family);
  bool IsOpen() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  int family() const { return family_; }

  // Takes over a socket made elsewhere (sctp_peeloff); returns 0 or an errno (fd closed then).
  int Adopt(napi_env env, int fd, int family);
  // Starts reading a one-to-one socket (from sctp_peeloff: connected already, no listen()).
  int StartReadingOneToOne();

  // Subscribes to (or with on = false, unsubscribes from) one notification type (SCTP_EVENT);
  // returns 0 or an errno.
  int Subscribe(uint16_t type, bool on = true);
  // The notifications every socket needs: which peers have an association (see PeerTable).
  int SubscribeAssociations();

  // listen() and start reading; returns 0 or an errno.
  int Listen();
  // Asks for one OnEvents(UV_WRITABLE) when the socket can take more (after an EAGAIN).
  int WatchWritable();
  // Bytes sent, or -errno. `to` may be null: info.assoc says where. The first message(s) to a
  // peer with no association yet go without PR-SCTP information, which the kernel would otherwise
  // drop (see README).
  ssize_t Send(const void* data, size_t length, const sockaddr* to, const SendInfo& info);
  void Close();  // the poll first, then the fd; idempotent
  void SetRef(bool ref);
  void SetLimit(size_t limit);  // the largest message delivered; longer ones are reported

 protected:
  // From the poll callback; the derived class opens its scopes and calls Drain() and the like.
  virtual void OnEvents(int status, int events) = 0;
  virtual void OnMessage(const char* data, size_t length, const sockaddr* from,
                         const sctp_rcvinfo* info) = 0;
  virtual void OnTooLarge(size_t length) = 0;
  virtual void OnReceiveError(int err) = 0;
  // A notification (the peer's primary address in `from`); possibly cut short if it was longer
  // than the receive buffer.
  virtual void OnNotification(const char* /*data*/, size_t /*length*/, const sockaddr* /*from*/) {}
  // End of file on a one-to-one socket: its association is gone. Reading has stopped.
  virtual void OnEnd() {}

  // Up to kMaxReadsPerTick reads, stopping early when the socket is closed by a callback.
  void Drain();
  // The pending socket error (SO_ERROR, which clears it), after a poll error.
  int TakeSocketError();

  static constexpr int kMaxReadsPerTick = 64;
  HostCache hosts_;  // the destinations of send()
  NameCache names_;  // the senders of messages

 private:
  static void OnPoll(uv_poll_t* poll, int status, int events);
  static void OnEnvironmentExit(void* endpoint);
  int Watch();

  napi_env env_ = nullptr;
  int fd_ = -1;
  int family_ = 0;
  UvPoll poll_;
  bool listening_ = false;
  bool oneToOne_ = false;  // end of file means the association is over
  bool wantWritable_ = false;
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
