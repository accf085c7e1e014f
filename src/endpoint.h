// One SCTP socket on an environment's event loop: its fd and poll, the send path, and reading
// through the reassembler. No JS here: the derived class (SocketHandle) decides how events reach JS.
#pragma once

#include <node_api.h>
#include <uv.h>

#include "address.h"  // <netinet/in.h> before <netinet/sctp.h>
#include "peers.h"
#include "reassembler.h"
#include "uv_poll.h"

namespace sctp {

struct SendInfo {
  sctp_assoc_t assoc = 0;  // with no address: the association to send on
  uint16_t flags = 0;      // SCTP_EOF, SCTP_ABORT (with no data or an abort reason)
  uint16_t stream = 0;
  uint32_t ppid = 0;  // host byte order; sent in network byte order
  uint32_t context = 0;
  uint32_t ttl = 0;  // the PR-SCTP policy's value: ms of lifetime (0: fully reliable), or
                     // retransmissions (RTX), or priority (PRIO: 0 is the highest)
  uint16_t policy = SCTP_PR_SCTP_TTL;  // SCTP_PR_SCTP_TTL, _RTX or _PRIO
  bool unordered = false;
};

// One message of a batch (Endpoint::SendBatch).
struct OutMessage {
  const void* data;
  size_t length;
  const sockaddr* to;  // null: info.assoc says where
  SendInfo info;
};

// What the addon keeps for one socket, for tests and diagnostics (the scale test reads it).
struct Tables {
  size_t peerAddresses;   // PeerTable entries: peer address -> association
  size_t peerAssociations;  // PeerTable associations
  size_t bufferBytes;     // the receive buffers' capacity (with those of messages put aside)
  size_t partialBytes;    // bytes of messages still being received (partial delivery)
};

class Endpoint : private UvPoll::Owner {
 public:
  virtual ~Endpoint();

  // socket() and a poll handle on env's loop; returns 0 or an errno. The socket is closed when
  // the environment exits, if it is still open then. type: SOCK_SEQPACKET (one-to-many) or
  // SOCK_STREAM (one-to-one).
  int Open(napi_env env, int family, int type = SOCK_SEQPACKET);
  bool IsOpen() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  int family() const { return family_; }

  // Takes over a socket made elsewhere (sctp_peeloff); returns 0 or an errno (fd closed then).
  int Adopt(napi_env env, int fd, int family);
  // Starts reading a one-to-one socket (peeled off, accepted, or connecting): end of file then
  // means its association is over.
  int StartReadingOneToOne();

  // Subscribes to (or with on = false, unsubscribes from) one notification type (SCTP_EVENT);
  // returns 0 or an errno.
  int Subscribe(uint16_t type, bool on = true);
  // The notifications every socket needs: which peers have an association (see PeerTable), and
  // partial deliveries aborted (the message in progress is dropped, never joined to the next).
  int SubscribeAssociations();

  // listen() (accept associations) and start reading; returns 0 or an errno. On a one-to-one
  // socket "reading" means watching for connections to accept.
  int Listen(int backlog);
  // Start reading without listen(): the socket hears its own associations only (a socket that
  // bound itself implicitly, to send or connect, accepts none).
  int StartReading();
  // Pauses (false) or resumes reading; the kernel's receive window then pushes back on senders.
  int SetReading(bool on);
  // Asks for one OnEvents(UV_WRITABLE) when the socket can take more (after an EAGAIN).
  int WatchWritable();
  // Bytes sent, or -errno. `to` may be null: info.assoc says where. The first message(s) to a
  // peer with no association yet go without PR-SCTP information, which the kernel would otherwise
  // drop (see docs/api/open.md).
  ssize_t Send(const void* data, size_t length, const sockaddr* to, const SendInfo& info);
  // Messages in order, with one sendmmsg(2) (at most kMaxBatch): how many the kernel took, or
  // -errno when it took none (the first one's error: EAGAIN, or what a lone Send() would give).
  // Each message taken was taken whole.
  ssize_t SendBatch(const OutMessage* messages, size_t count);
  static constexpr size_t kMaxBatch = 64;
  void Close();  // drops what is unread (DiscardReceived), then the poll, then the fd; idempotent
  void SetRef(bool ref);
  void SetLimit(size_t limit);  // the largest message delivered; longer ones are reported
  // SCTP_FRAGMENT_INTERLEAVE on or off; returns 0 or an errno. On, pieces of messages of other
  // streams and associations may come between a message's pieces (RFC 8260 interleaving needs it):
  // each message is then gathered on its own.
  int SetInterleave(bool on);
  // An association that left this socket (peeled off): its peer addresses are no longer ours.
  void ForgetAssociation(sctp_assoc_t id) { peers_.Forget(id); }
  Tables GetTables() const;
  size_t NotificationsRead() const { return notifications_; }  // since the socket opened

 protected:
  // From the poll callback; the derived class opens its scopes and calls Drain() and the like.
  virtual void OnEvents(int status, int events) = 0;
  virtual void OnMessage(const char* data, size_t length, const sockaddr* from,
                         const sctp_rcvinfo* info) = 0;
  // A message longer than the limit, read to its end and dropped (`from`: its last piece; `info`:
  // its first, as for OnMessage: with I-DATA a later piece's PPID field carries its fragment number).
  virtual void OnTooLarge(size_t length, const sockaddr* from, const sctp_rcvinfo* info) = 0;
  virtual void OnReceiveError(int err) = 0;
  // A notification, decoded (the peer's primary address in `from`). `truncated`: it was longer
  // than the limit and only its first bytes were here (the rest was read and dropped).
  virtual void OnNotification(const Notification& /*n*/, const sockaddr* /*from*/, bool /*truncated*/) {}
  // End of file on a one-to-one socket: its association is gone. Reading has stopped.
  virtual void OnEnd() {}

  // Up to kMaxReadsPerTick reads, stopping early when the socket is closed by a callback, reading
  // is paused, or JS can no longer run (Halt()). True when it read all there was (EAGAIN, end of
  // file, or closed).
  bool Drain();
  // Whether part of a message of this association is in the buffer (or being discarded): one
  // cannot be peeled off then, its tail would reach the new socket as a message of its own.
  bool HoldsPartOf(sctp_assoc_t id) const { return reassembler_.HoldsPartOf(id); }
  // The environment can no longer run JS (a worker being terminated, exiting): deliver nothing
  // more. The socket stays open until Close() or the environment's cleanup hook.
  void Halt();
  bool halted() const { return halted_; }
  bool paused() const { return paused_; }  // SetReading(false)
  // The pending socket error (SO_ERROR, which clears it), after a poll error.
  int TakeSocketError();

  static constexpr int kMaxReadsPerTick = 64;
  HostCache hosts_;  // the destinations of send()
  NameCache names_;  // the senders of messages

 private:
  void OnPoll(int status, int events) override;
  void OnEnvironmentExit() override { Close(); }  // one already closing is waited for
  int Watch();
  void DiscardReceived();  // reads what is queued and drops it (Close(), before close(2))
  // The SCTP_SNDINFO (and SCTP_PRINFO) control messages of a send into `control`; its length.
  size_t SendControl(char* control, const sockaddr* to, const SendInfo& info);
  // One recvmsg() into `room`: the bytes read (or -1 with errno), its flags, sender and rcvinfo.
  struct Incoming {
    sockaddr_storage from{};
    int flags = 0;
    const sctp_rcvinfo* info = nullptr;  // in control, if the kernel gave one
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(sctp_rcvinfo)) + 64];
  };
  ssize_t Receive(Reassembler::Span room, Incoming* out);
  // A record the reassembler completed, to the derived class (a notification decoded, and told
  // to the peer table and the reassembler first); an association it says to abort, aborted.
  void Deliver(const Reassembler::Record& record, const sockaddr* from);
  bool InterleavingSupported(sctp_assoc_t id) const;  // the association uses I-DATA

  int fd_ = -1;
  int family_ = 0;
  UvPoll poll_;
  bool reading_ = false;
  bool paused_ = false;
  bool halted_ = false;
  bool oneToOne_ = false;  // end of file means the association is over
  bool wantWritable_ = false;
  bool hungUp_ = false;  // paused, it heard its association's end (POLLHUP or POLLERR)
  size_t notifications_ = 0;  // read: NotificationsRead()
  PeerTable peers_;
  Reassembler reassembler_;  // what is read: pieces in, messages out
};

}  // namespace sctp
