#include "address.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>

#include <cstring>

namespace sctp {

namespace {

void SetPort(Address* address, uint16_t port) {
  if (address->family() == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&address->storage)->sin_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in6*>(&address->storage)->sin6_port = htons(port);
  }
}

bool ParseHost(const std::string& host, Address* out) {
  *out = Address();
  if (host.find(':') == std::string::npos) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out->storage);
    if (inet_pton(AF_INET, host.c_str(), &sin->sin_addr) != 1) return false;
    sin->sin_family = AF_INET;
    out->length = sizeof(sockaddr_in);
    return true;
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out->storage);
  if (inet_pton(AF_INET6, host.c_str(), &sin6->sin6_addr) == 1) {
    sin6->sin6_family = AF_INET6;
    out->length = sizeof(sockaddr_in6);
    return true;
  }
  if (host.find('%') == std::string::npos) return false;
  // A scoped address ("fe80::1%eth0"): getaddrinfo knows interface names; numeric only.
  addrinfo hints{};
  hints.ai_family = AF_INET6;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) return false;
  std::memcpy(&out->storage, res->ai_addr, res->ai_addrlen);
  out->length = res->ai_addrlen;
  freeaddrinfo(res);
  return true;
}

}  // namespace

bool ParseAddress(const std::string& host, uint16_t port, Address* out) {
  if (!ParseHost(host, out)) return false;
  SetPort(out, port);
  return true;
}

bool HostCache::Parse(napi_env env, napi_value host, uint16_t port, Address* out) {
  char text[sizeof last_];
  size_t length = 0;
  if (napi_get_value_string_utf8(env, host, text, sizeof text, &length) != napi_ok ||
      length + 1 >= sizeof text) {
    return false;  // not a string, or too long to be a numeric address
  }
  if (last_[0] == '\0' || std::strcmp(text, last_) != 0) {
    Address parsed;
    if (!ParseHost(text, &parsed)) return false;
    address_ = parsed;
    std::memcpy(last_, text, length + 1);
  }
  *out = address_;
  SetPort(out, port);
  return true;
}

const std::string& NameCache::Format(const sockaddr* sa) {
  size_t length = sa->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (text_.empty() || std::memcmp(&last_, sa, length) != 0) {
    text_ = FormatHost(sa);
    last_ = {};
    std::memcpy(&last_, sa, length);
  }
  return text_;
}

std::string FormatHost(const sockaddr* sa) {
  char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 1] = "";
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
    return text;
  }
  if (sa->sa_family != AF_INET6) return "";
  const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
  inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text);
  std::string host = text;
  // A scope means something only for a link-local address (as getnameinfo() has it): the kernel
  // gives ::1 of an accepted association the loopback's scope too.
  if (sin6->sin6_scope_id != 0 &&
      (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&sin6->sin6_addr))) {
    char name[IF_NAMESIZE];
    host += "%";
    host += if_indextoname(sin6->sin6_scope_id, name) ? name : std::to_string(sin6->sin6_scope_id);
  }
  return host;
}

uint16_t PortOf(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(sa)->sin_port);
  if (sa->sa_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_port);
  return 0;
}

PeerKey KeyOf(const sockaddr* sa) {
  PeerKey key{};
  if (sa->sa_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
    key[10] = key[11] = 0xff;
    std::memcpy(&key[12], &sin->sin_addr, 4);
    std::memcpy(&key[16], &sin->sin_port, 2);
  } else if (sa->sa_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
    std::memcpy(&key[0], &sin6->sin6_addr, 16);
    std::memcpy(&key[16], &sin6->sin6_port, 2);
  }
  return key;
}

size_t PeerKeyHash::operator()(const PeerKey& key) const {
  size_t h = 1469598103934665603ull;  // FNV-1a
  for (uint8_t b : key) h = (h ^ b) * 1099511628211ull;
  return h;
}

}  // namespace sctp
