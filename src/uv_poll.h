// A uv_poll_t on an environment's loop, owned the way zeromq.js's UvHandle owns its handles: the
// memory libuv touches is freed in uv_close()'s callback, never before.
#pragma once

#include <node_api.h>
#include <uv.h>

namespace sctp {

class UvPoll {
 public:
  // Who the poll reports to. Its calls stop once Close() is called.
  class Owner {
   public:
    virtual void OnPoll(int status, int events) = 0;
    // The environment is exiting with the poll open: the owner closes it (and its socket).
    virtual void OnEnvironmentExit() = 0;

   protected:
    ~Owner() = default;
  };

  UvPoll() = default;
  UvPoll(const UvPoll&) = delete;
  UvPoll& operator=(const UvPoll&) = delete;
  ~UvPoll() { Close(); }

  // Watches fd on env's loop (a worker's, in a worker); returns 0 or an errno (ENOTSUP: the
  // runtime has no libuv loop, as Bun). The fd stays the caller's to close, after Close().
  int Init(napi_env env, int fd, Owner* owner);
  bool IsOpen() const { return state_ != nullptr; }
  int Start(int events);  // UV_READABLE | UV_WRITABLE | UV_PRIORITIZED; 0 or an errno
  int Stop();             // 0 or an errno
  void SetRef(bool ref);
  // Hands the handle to uv_close(); idempotent. The memory goes in its callback, which also
  // removes the environment's async cleanup hook: an exiting environment (a worker's above all)
  // waits for that before it unloads the addon, so the callback's code is still there when libuv
  // calls it.
  void Close();

 private:
  struct State;
  State* state_ = nullptr;  // owned until Close() hands it to uv_close()
};

}  // namespace sctp
