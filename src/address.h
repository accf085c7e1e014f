// Numeric IP addresses <-> socket addresses, without name resolution.
#pragma once

#include <node_api.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>

namespace sctp {

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;

  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
};

// Parses a numeric IPv4 or IPv6 address ("127.0.0.1", "::1", "fe80::1%lo"); false if it is not one.
bool ParseAddress(const std::string& host, uint16_t port, Address* out);

// The last host parsed, kept: a stream of sends to one peer parses its address once. Parse()
// reads a JS string without allocating (numeric addresses are short).
class HostCache {
 public:
  bool Parse(napi_env env, napi_value host, uint16_t port, Address* out);

 private:
  char last_[64] = "";
  Address address_;
};

// The last sender formatted, kept: a stream of messages from one peer formats its address once.
class NameCache {
 public:
  const std::string& Format(const sockaddr* sa);

 private:
  sockaddr_in6 last_{};  // the larger of sockaddr_in and sockaddr_in6
  std::string text_;
};

// The numeric host ("::ffff:127.0.0.1", "fe80::1%eth0") and port of a socket address.
std::string FormatHost(const sockaddr* sa);
uint16_t PortOf(const sockaddr* sa);

// A peer's identity for lookups: the IPv6 form of the address (IPv4 as ::ffff:a.b.c.d) and port,
// so an IPv4 destination and the mapped address the kernel reports compare equal.
using PeerKey = std::array<uint8_t, 18>;
PeerKey KeyOf(const sockaddr* sa);

struct PeerKeyHash {
  size_t operator()(const PeerKey& key) const;
};

}  // namespace sctp
