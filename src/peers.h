// Which peer addresses have an established association on a one-to-many socket.
//
// Learned from SCTP_ASSOC_CHANGE / SCTP_PEER_ADDR_CHANGE notifications, so asking costs no
// system call. Used to send a new association's first message without PR-SCTP information,
// which the kernel would otherwise drop (see docs/api/open.md).
#pragma once

#include "address.h"  // <netinet/in.h> must come before <netinet/sctp.h>
#include "notification.h"

#include <netinet/sctp.h>

#include <unordered_map>
#include <vector>

namespace sctp {

class PeerTable {
 public:
  bool Has(const sockaddr* peer) const { return byAddress_.count(KeyOf(peer)) != 0; }

  // Handles one notification read from the socket (fd: to learn a new association's addresses).
  void OnNotification(int fd, const Notification& n);
  // The association is over or has left the socket (peeled off); O(its addresses).
  void Forget(sctp_assoc_t id);

  size_t AddressCount() const { return byAddress_.size(); }
  size_t AssociationCount() const { return byAssociation_.size(); }

 private:
  void Learn(int fd, sctp_assoc_t id);  // all peer addresses of a new association
  void Add(const sockaddr* peer, sctp_assoc_t id);
  void Remove(const sockaddr* peer, sctp_assoc_t id);

  std::unordered_map<PeerKey, sctp_assoc_t, PeerKeyHash> byAddress_;
  std::unordered_map<sctp_assoc_t, std::vector<PeerKey>> byAssociation_;  // the same, inverted
};

}  // namespace sctp
