#include "peers.h"

#include <algorithm>

namespace sctp {

void PeerTable::OnNotification(int fd, const Notification& n) {
  switch (n.type) {
    case SCTP_ASSOC_CHANGE:
      if (n.assocChange.state == SCTP_COMM_UP || n.assocChange.state == SCTP_RESTART) {
        Learn(fd, n.assoc);
      } else {  // SCTP_COMM_LOST, SCTP_SHUTDOWN_COMP, SCTP_CANT_STR_ASSOC
        Forget(n.assoc);
      }
      break;
    case SCTP_PEER_ADDR_CHANGE: {
      const auto* addr = reinterpret_cast<const sockaddr*>(&n.peerAddrChange.address);
      if (n.peerAddrChange.state == SCTP_ADDR_ADDED) Add(addr, n.assoc);
      if (n.peerAddrChange.state == SCTP_ADDR_REMOVED) Remove(addr, n.assoc);
      break;
    }
    default:
      break;
  }
}

void PeerTable::Learn(int fd, sctp_assoc_t id) {
  Forget(id);  // a restart may bring other addresses
  sockaddr* addrs = nullptr;
  int count = sctp_getpaddrs(fd, id, &addrs);
  const char* p = reinterpret_cast<const char*>(addrs);
  for (int i = 0; i < count; i++) {
    const auto* sa = reinterpret_cast<const sockaddr*>(p);
    Add(sa, id);
    p += sa->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  }
  if (count >= 0) sctp_freepaddrs(addrs);  // allocated even when there are none
}

void PeerTable::Add(const sockaddr* peer, sctp_assoc_t id) {
  PeerKey key = KeyOf(peer);
  auto [it, added] = byAddress_.try_emplace(key, id);
  if (!added && it->second == id) return;
  if (!added) Remove(peer, it->second);  // the address moved to another association
  byAddress_[key] = id;
  byAssociation_[id].push_back(key);
}

void PeerTable::Remove(const sockaddr* peer, sctp_assoc_t id) {
  PeerKey key = KeyOf(peer);
  auto at = byAddress_.find(key);
  if (at != byAddress_.end() && at->second == id) byAddress_.erase(at);
  auto keys = byAssociation_.find(id);
  if (keys == byAssociation_.end()) return;
  auto& list = keys->second;
  list.erase(std::remove(list.begin(), list.end(), key), list.end());
  if (list.empty()) byAssociation_.erase(keys);
}

void PeerTable::Forget(sctp_assoc_t id) {
  auto keys = byAssociation_.find(id);
  if (keys == byAssociation_.end()) return;
  for (const PeerKey& key : keys->second) {
    auto at = byAddress_.find(key);
    if (at != byAddress_.end() && at->second == id) byAddress_.erase(at);
  }
  byAssociation_.erase(keys);
}

}  // namespace sctp
