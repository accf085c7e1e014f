// An SCTP notification (the bytes of a MSG_NOTIFICATION record) as one typed value. Decode() does
// the header and size checks once; its consumers read fields, never the bytes.
#pragma once

#include <netinet/in.h>  // before <netinet/sctp.h>
#include <netinet/sctp.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sctp {

struct Notification {
  uint16_t type = 0;   // sn_type: SCTP_ASSOC_CHANGE, ...
  uint16_t flags = 0;  // sn_flags: the type's own flags (ssf_flags, strreset_flags, pdapi_flags, ...)
  bool known = false;  // a type decoded here; of any other only type and flags are set
  sctp_assoc_t assoc = 0;

  struct {  // SCTP_ASSOC_CHANGE
    uint16_t state = 0;
    uint16_t error = 0;  // an ABORT's cause code, in host byte order
    uint16_t inStreams = 0;
    uint16_t outStreams = 0;
  } assocChange;
  struct {  // SCTP_PEER_ADDR_CHANGE
    sockaddr_storage address{};
    int state = 0;
    int error = 0;
  } peerAddrChange;
  struct {  // SCTP_SEND_FAILED_EVENT (its message's bytes in data)
    uint32_t error = 0;
    uint16_t stream = 0;
    uint32_t ppid = 0;  // host byte order
    uint32_t context = 0;
    size_t size = 0;  // the whole message's, also when the record was cut short
  } sendFailed;
  uint16_t remoteErrorCause = 0;  // SCTP_REMOTE_ERROR, host byte order (the chunk in data)
  std::vector<uint16_t> resetStreams;  // SCTP_STREAM_RESET_EVENT
  struct {  // SCTP_ASSOC_RESET_EVENT
    uint32_t localTsn = 0;
    uint32_t remoteTsn = 0;
  } assocReset;
  struct {  // SCTP_STREAM_CHANGE_EVENT
    uint16_t inStreams = 0;
    uint16_t outStreams = 0;
  } streamChange;
  struct {  // SCTP_AUTHENTICATION_EVENT
    uint16_t keyNumber = 0;
    uint32_t indication = 0;
  } authentication;
  struct {  // SCTP_PARTIAL_DELIVERY_EVENT; with I-DATA stream and sequence name the message
    uint32_t indication = 0;
    uint32_t stream = 0;
    uint32_t sequence = 0;
  } partialDelivery;
  uint32_t adaptation = 0;  // SCTP_ADAPTATION_INDICATION's indication
  // The variable part here (within the record's length): SEND_FAILED_EVENT's message bytes,
  // REMOTE_ERROR's ERROR chunk.
  const char* data = nullptr;
  size_t dataLength = 0;
};

// False when the record is shorter than a header, or than its (known) type's fixed part: then
// nothing of it is to be used. A type not decoded here gives true with known false.
bool Decode(const char* data, size_t length, Notification* out);

}  // namespace sctp
