#ifndef SCTP_NAPI_SCTP_COMPAT_H_
#define SCTP_NAPI_SCTP_COMPAT_H_

// What older system headers lack, for building the prebuilds on Debian 11 (glibc 2.31, Linux 5.10
// headers) so that they load on glibc 2.28 and later. These are the kernel's ABI, as Linux 5.11
// added it to include/uapi/linux/sctp.h (RFC 6951 UDP encapsulation); newer headers define them
// and this adds nothing. A kernel older than 5.11 refuses the option with ENOPROTOOPT.
#include <netinet/sctp.h>

#ifndef SCTP_REMOTE_UDP_ENCAPS_PORT
#define SCTP_REMOTE_UDP_ENCAPS_PORT 132
struct sctp_udpencaps {
  sctp_assoc_t sue_assoc_id;
  struct sockaddr_storage sue_address;
  uint16_t sue_port;
};
#endif

#endif  // SCTP_NAPI_SCTP_COMPAT_H_
