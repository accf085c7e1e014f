// What one readable tick read, laid out for one call into JS (lib/receive.js reads the same
// layout): a row of uint32 fields per message, written straight into a Uint32Array JS shares with
// the handle, and the messages' bytes, which JS sees as Buffers over a few ArrayBuffers.
//
// How many ArrayBuffers is the trade: one per message costs an allocation (and the garbage it
// leaves) per message, one per tick lets a message an app keeps hold all 64 of its tick alive. So a
// message shorter than kShareBelow shares its ArrayBuffer with at most kGroupMessages - 1 others of
// the same tick and association (so no message's ArrayBuffer shows another peer's bytes),
// kGroupBytes in all; a longer one has its own. No N-API here (natively tested).
#pragma once

#include <netinet/in.h>
#include <netinet/sctp.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sctp {

class ReceiveBatch {
 public:
  static constexpr size_t kMax = 64;  // messages per call: at most one per read, 64 reads a tick
  enum Field : size_t {
    kBuffer,   // index into the call's ArrayBuffers
    kOffset,   // of the message in it
    kLength,
    kAddress,  // index into the call's sender addresses (strings)
    kPort,
    kAssoc,    // the rcvinfo's, as uint32 (Linux association ids are positive)
    kStream,
    kPpid,     // host byte order
    kFlags,
    kSsn,
    kTsn,
    kContext,
    kRow
  };
  // After the rows: kNext, the message JS is to deliver next (JS moves it on before each message;
  // a handle closed meanwhile sets kStop); kLimit, the most messages a call may carry (JS sets it).
  static constexpr size_t kNext = kMax * kRow, kLimit = kNext + 1, kFields = kNext + 2;
  static constexpr uint32_t kStop = UINT32_MAX;
  static constexpr size_t kShareBelow = 512, kGroupMessages = 8, kGroupBytes = 4096;

  // Where the rows go: kFields uint32s (the JS array's memory), or null (nothing is kept then).
  void Attach(uint32_t* fields) { fields_ = fields; }
  bool attached() const { return fields_ != nullptr; }

  struct Placed {
    uint32_t buffer;      // its ArrayBuffer's index
    bool own;             // the caller makes that ArrayBuffer now (length bytes) and copies data in
    bool newAddress;      // a sender other than the previous message's: the caller adds its string
    uint32_t address;     // the sender's index
  };
  // A message: its row written, its bytes staged unless it has its own buffer. Not when full().
  Placed Add(const char* data, size_t length, const sockaddr* from, const sctp_rcvinfo* info);
  size_t count() const { return count_; }
  size_t buffers() const { return buffers_; }
  // The call cannot take more: kLimit (at least 1, at most kMax) messages are in.
  bool full() const;

  // The shared ArrayBuffers still to make (their bytes staged here), for Flush.
  struct Group {
    uint32_t buffer;
    size_t begin;  // in staged()
    size_t size;
    sctp_assoc_t assoc;  // whose messages it holds
  };
  const std::vector<Group>& groups() const { return groups_; }
  const char* staged() const { return staged_.data(); }
  // Starts the next batch: the rows stay in the JS array (read during the call), kNext set to 0.
  void Clear();

 private:
  uint32_t* fields_ = nullptr;
  size_t count_ = 0;
  uint32_t buffers_ = 0;
  uint32_t addresses_ = 0;
  sockaddr_in6 last_{};  // the previous message's sender (sockaddr_in6 holds either family)
  size_t groupMessages_ = 0;  // in the last group
  std::vector<Group> groups_;
  std::vector<char> staged_;
};

}  // namespace sctp
