// Calling JS from a libuv callback: the async context a handle's callbacks run in, the call
// itself, and what to do when it fails (the environment may be unable to run JS any more).
#pragma once

#include <napi.h>

namespace sctp {

// The async context a handle's callbacks run in (napi_async_init with no resource object: Node
// makes one and holds it until napi_async_destroy). Not Napi::AsyncContext(env, name): that passes
// an object of its own, which Node holds weakly, so after a garbage collection the callbacks lost
// their context (AsyncLocalStorage's store, executionAsyncResource). Not the handle itself as the
// resource either: Node 26 holds a given resource strongly, and the handle was never collected.
class AsyncResource {
 public:
  AsyncResource(napi_env env, const char* name);
  ~AsyncResource();
  AsyncResource(const AsyncResource&) = delete;
  AsyncResource& operator=(const AsyncResource&) = delete;
  napi_async_context get() const { return context_; }

 private:
  napi_env env_;
  napi_async_context context_ = nullptr;
};

// Calls fn from a libuv callback as a new async callback (napi_make_callback: nextTick and promise
// jobs run when it returns). A JS exception becomes an uncaught exception, as with Node's own
// handles. Returns false when the environment can no longer run JS (a worker being terminated or
// exiting): the caller stops delivering. Never throws: nothing may escape into libuv.
bool CallAsync(Napi::Env env, const Napi::FunctionReference& fn, Napi::Value self,
               std::initializer_list<napi_value> args, const AsyncResource& context);

// After a failed N-API call or a caught Napi::Error (`error`, or null) in a libuv callback: an
// exception the app can see becomes an uncaught exception; returns false when the environment can
// no longer run JS, which is what a failure with no exception pending means.
bool ReportFailure(napi_env env, napi_value error = nullptr);

}  // namespace sctp
