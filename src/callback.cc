#include "callback.h"

namespace sctp {

// Whether JS can still run here: N-API refuses calls that may run JS (with no exception pending)
// once a worker is being terminated or the environment is exiting.
static bool CanRunJs(napi_env env) {
  napi_value object, value;
  if (napi_create_object(env, &object) != napi_ok || napi_get_undefined(env, &value) != napi_ok) {
    return false;
  }
  return napi_set_named_property(env, object, "probe", value) == napi_ok;
}

bool ReportFailure(napi_env env, napi_value error) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_get_and_clear_last_exception(env, &error);
  }
  if (error == nullptr || !CanRunJs(env)) return false;
  napi_fatal_exception(env, error);  // no JS frame to throw to from a libuv callback
  return true;
}

AsyncResource::AsyncResource(napi_env env, const char* name) : env_(env) {
  napi_value id;
  if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &id) != napi_ok ||
      napi_async_init(env, nullptr, id, &context_) != napi_ok) {
    throw Napi::Error::New(env);
  }
}

AsyncResource::~AsyncResource() {
  if (context_ != nullptr) napi_async_destroy(env_, context_);
}

bool CallAsync(Napi::Env env, const Napi::FunctionReference& fn, Napi::Value self,
               std::initializer_list<napi_value> args, const AsyncResource& context) {
  // N-API directly: node-addon-api's MakeCallback turns a failure into a Napi::Error, and making
  // one aborts the process when the environment is stopping.
  napi_value result;
  if (napi_make_callback(env, context.get(), self, fn.Value(), args.size(), args.begin(), &result) ==
      napi_ok) {
    return true;
  }
  return ReportFailure(env);
}

}  // namespace sctp
