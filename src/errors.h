// Node-style errors: argument errors with string codes, system errors with code/errno/syscall.
#pragma once

#include <napi.h>

#include <string>

namespace sctp {

// "Received type number (1)", "Received undefined", "Received an instance of Object", ...
std::string Received(const Napi::Value& value);

// Thrown as JS exceptions (node-addon-api C++ exceptions are enabled).
[[noreturn]] void ThrowTypeError(Napi::Env env, const char* code, const std::string& message);
[[noreturn]] void ThrowRangeError(Napi::Env env, const char* code, const std::string& message);
[[noreturn]] void ThrowError(Napi::Env env, const char* code, const std::string& message);

// An Error like Node's own system errors: message "<syscall> <CODE>[ <address>:<port>]",
// properties code ('EAGAIN'), errno (negative, as in Node), syscall, and address/port when given.
Napi::Error SystemError(Napi::Env env, int err, const char* syscall, const std::string& address = "",
                        int port = -1);

// "EAGAIN" for 11, etc.; "Unknown system error N" for a number libuv does not know.
std::string ErrnoName(int err);

// The error for a failed socket(): ERR_SCTP_UNSUPPORTED, saying what to do, when the kernel has
// no SCTP; else a system error.
Napi::Error SocketError(Napi::Env env, int err);

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

// Validators: they throw ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE like Node's validators.
std::string ArgString(const Napi::Value& value, const char* name);
int64_t ArgInteger(const Napi::Value& value, const char* name, int64_t min, int64_t max);
Napi::Function ArgFunction(const Napi::Value& value, const char* name);

// The bytes of a Buffer, TypedArray or DataView (ERR_INVALID_ARG_TYPE otherwise), not empty
// (ERR_INVALID_ARG_VALUE: an SCTP message carries at least one byte; a detached view is empty).
struct ByteView {
  const char* data;
  size_t length;
};
ByteView ArgBytes(const Napi::Value& value, const char* name);
// The same without throwing (lib/ checked the type): false when it is not one, empty or detached.
bool BytesOf(napi_env env, napi_value value, ByteView* out);

}  // namespace sctp
