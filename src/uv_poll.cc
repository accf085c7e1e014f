#include "uv_poll.h"

#include <cerrno>

namespace sctp {

struct UvPoll::State {
  uv_poll_t handle;
  Owner* owner;  // null once closing
  napi_async_cleanup_hook_handle hook = nullptr;

  static State* Of(uv_handle_t* handle) { return static_cast<State*>(handle->data); }
  uv_handle_t* base() { return reinterpret_cast<uv_handle_t*>(&handle); }
};

int UvPoll::Init(napi_env env, int fd, Owner* owner) {
  Close();
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) return ENOTSUP;
  auto* state = new State{{}, owner};
  if (int r = uv_poll_init_socket(loop, &state->handle, fd); r < 0) {
    delete state;
    return -r;
  }
  state->handle.data = state;
  state_ = state;
  // One already closing is waited for: the hook goes with the memory, in the close callback.
  auto onExit = [](napi_async_cleanup_hook_handle /*hook*/, void* data) {
    auto* s = static_cast<State*>(data);
    if (s->owner != nullptr) s->owner->OnEnvironmentExit();
  };
  napi_add_async_cleanup_hook(env, onExit, state, &state->hook);
  return 0;
}

int UvPoll::Start(int events) {
  if (!state_) return EBADF;
  auto onPoll = [](uv_poll_t* handle, int status, int events) {
    State::Of(reinterpret_cast<uv_handle_t*>(handle))->owner->OnPoll(status, events);
  };
  return -uv_poll_start(&state_->handle, events, onPoll);
}

int UvPoll::Stop() { return state_ ? -uv_poll_stop(&state_->handle) : EBADF; }

void UvPoll::SetRef(bool ref) {
  if (!state_) return;
  if (ref) {
    uv_ref(state_->base());
  } else {
    uv_unref(state_->base());
  }
}

void UvPoll::Close() {
  if (!state_) return;
  state_->owner = nullptr;
  uv_close(state_->base(), [](uv_handle_t* handle) {
    State* state = State::Of(handle);
    if (state->hook != nullptr) napi_remove_async_cleanup_hook(state->hook);
    delete state;
  });
  state_ = nullptr;
}

}  // namespace sctp
