#include "peers.h"

namespace sctp {

void PeerTable::OnNotification(int fd, const char* data, size_t length) {
  const auto* n = reinterpret_cast<const sctp_notification*>(data);
  if (length < sizeof(n->sn_header)) return;
  switch (n->sn_header.sn_type) {
    case SCTP_ASSOC_CHANGE:
      if (length < sizeof(sctp_assoc_change)) return;
      if (n->sn_assoc_change.sac_state == SCTP_COMM_UP ||
          n->sn_assoc_change.sac_state == SCTP_RESTART) {
        Learn(fd, n->sn_assoc_change.sac_assoc_id);
      } else {  // SCTP_COMM_LOST, SCTP_SHUTDOWN_COMP, SCTP_CANT_STR_ASSOC
        Forget(n->sn_assoc_change.sac_assoc_id);
      }
      break;
    case SCTP_PEER_ADDR_CHANGE: {
      if (length < sizeof(sctp_paddr_change)) return;
      const auto& change = n->sn_paddr_change;
      const auto* addr = reinterpret_cast<const sockaddr*>(&change.spc_aaddr);
      if (change.spc_state == SCTP_ADDR_ADDED) byAddress_[KeyOf(addr)] = change.spc_assoc_id;
      if (change.spc_state == SCTP_ADDR_REMOVED) byAddress_.erase(KeyOf(addr));
      break;
    }
    default:
      break;
  }
}

void PeerTable::Learn(int fd, sctp_assoc_t id) {
  sockaddr* addrs = nullptr;
  int count = sctp_getpaddrs(fd, id, &addrs);
  const char* p = reinterpret_cast<const char*>(addrs);
  for (int i = 0; i < count; i++) {
    const auto* sa = reinterpret_cast<const sockaddr*>(p);
    byAddress_[KeyOf(sa)] = id;
    p += sa->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  }
  if (count > 0) sctp_freepaddrs(addrs);
}

void PeerTable::Forget(sctp_assoc_t id) {
  for (auto it = byAddress_.begin(); it != byAddress_.end();) {
    it = it->second == id ? byAddress_.erase(it) : std::next(it);
  }
}

}  // namespace sctp
