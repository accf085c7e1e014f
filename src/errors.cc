#include "errors.h"

#include <uv.h>

#include <cerrno>
#include <cmath>
#include <cstring>

namespace sctp {

namespace {

std::string Quote(std::string s) {
  if (s.size() > 28) s = s.substr(0, 25) + "...";
  return "'" + s + "'";
}

[[noreturn]] void Throw(Napi::Error error, const char* code) {
  error.Set("code", Napi::String::New(error.Env(), code));
  throw error;
}

}  // namespace

std::string Received(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined:
      return "Received undefined";
    case napi_null:
      return "Received null";
    case napi_function: {
      std::string name = value.As<Napi::Object>().Get("name").ToString().Utf8Value();
      return name.empty() ? "Received function " : "Received function " + name;
    }
    case napi_object: {
      Napi::Value ctor = value.As<Napi::Object>().Get("constructor");
      if (ctor.IsFunction()) {
        std::string name = ctor.As<Napi::Object>().Get("name").ToString().Utf8Value();
        if (!name.empty()) return "Received an instance of " + name;
      }
      return "Received [object Object]";
    }
    case napi_string:
      return "Received type string (" + Quote(value.As<Napi::String>().Utf8Value()) + ")";
    case napi_symbol:
      return "Received type symbol";
    default: {
      std::string text = value.ToString().Utf8Value();
      if (value.IsBigInt()) text += "n";
      std::string type = value.IsBoolean() ? "boolean" : value.IsBigInt() ? "bigint" : "number";
      return "Received type " + type + " (" + text + ")";
    }
  }
}

void ThrowTypeError(Napi::Env env, const char* code, const std::string& message) {
  Throw(Napi::TypeError::New(env, message), code);
}

void ThrowRangeError(Napi::Env env, const char* code, const std::string& message) {
  Throw(Napi::RangeError::New(env, message), code);
}

void ThrowError(Napi::Env env, const char* code, const std::string& message) {
  Throw(Napi::Error::New(env, message), code);
}

std::string ErrnoName(int err) {
  // libuv names every errno the way Node does ("EADDRINUSE"). Not uv_err_name(): it allocates,
  // never to be freed, the text for a number it does not know.
  char name[64];
  return uv_err_name_r(-err, name, sizeof name);
}

Napi::Error SystemError(Napi::Env env, int err, const char* syscall, const std::string& address,
                        int port) {
  std::string code = ErrnoName(err);
  std::string message = std::string(syscall) + " " + code;
  if (!address.empty()) message += " " + address + (port >= 0 ? ":" + std::to_string(port) : "");
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("errno", Napi::Number::New(env, -err));
  error.Set("code", Napi::String::New(env, code));
  error.Set("syscall", Napi::String::New(env, syscall));
  if (!address.empty()) error.Set("address", Napi::String::New(env, address));
  if (port >= 0) error.Set("port", Napi::Number::New(env, port));
  return error;
}

Napi::Error SocketError(Napi::Env env, int err) {
  Napi::Error error = SystemError(env, err, "socket");
  std::string why;
  if (err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT) {
    why = "SCTP is not available (socket " + ErrnoName(err) +
          "): load the module with 'modprobe sctp', or, if this kernel is built without SCTP, run "
          "inside a VM (see the README's 'npm run vm')";
  } else if (err == ENOPROTOOPT) {  // setsockopt(SCTP_EVENT), which came with Linux 5.0
    why = "This kernel's SCTP is too old (setsockopt SCTP_EVENT " + ErrnoName(err) +
          "): sctp-napi needs Linux 5.0 or later";
  } else {
    return error;
  }
  error.Set("code", Napi::String::New(env, "ERR_SCTP_UNSUPPORTED"));
  error.Set("message", Napi::String::New(env, why));
  return error;
}

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

// Napi::TypedArray::ElementSize() without the second napi_get_typedarray_info call it costs.
static size_t ElementBytes(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: return 1;
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    default: return 8;  // float64, bigint64, biguint64
  }
}

bool BytesOf(napi_env env, napi_value value, ByteView* out) {
  // One call, not three property reads: this is on every send. A detached view has no data.
  void* data = nullptr;
  size_t length = 0;
  bool typed = false;
  napi_is_typedarray(env, value, &typed);
  if (typed) {
    napi_typedarray_type type;
    size_t elements = 0;
    if (napi_get_typedarray_info(env, value, &type, &elements, &data, nullptr, nullptr) != napi_ok) {
      return false;
    }
    length = elements * ElementBytes(type);
  } else if (napi_get_dataview_info(env, value, &length, &data, nullptr, nullptr) != napi_ok) {
    return false;
  }
  *out = {static_cast<const char*>(data), length};
  return length > 0 && data != nullptr;
}

ByteView ArgBytes(const Napi::Value& value, const char* name) {
  Napi::Env env = value.Env();
  if (!value.IsTypedArray() && !value.IsDataView()) {
    ThrowTypeError(env, "ERR_INVALID_ARG_TYPE",
                   std::string("The \"") + name +
                       "\" argument must be an instance of Buffer, TypedArray, or DataView. " +
                       Received(value));
  }
  ByteView bytes{nullptr, 0};
  if (!BytesOf(env, value, &bytes)) {
    ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                   std::string("The argument '") + name +
                       "' must not be empty: an SCTP message carries at least one byte");
  }
  return bytes;
}

std::string ArgString(const Napi::Value& value, const char* name) {
  if (!value.IsString()) {
    ThrowTypeError(value.Env(), "ERR_INVALID_ARG_TYPE",
                   std::string("The \"") + name + "\" argument must be of type string. " +
                       Received(value));
  }
  return value.As<Napi::String>().Utf8Value();
}

int64_t ArgInteger(const Napi::Value& value, const char* name, int64_t min, int64_t max) {
  Napi::Env env = value.Env();
  if (!value.IsNumber()) {
    ThrowTypeError(env, "ERR_INVALID_ARG_TYPE",
                   std::string("The \"") + name + "\" argument must be of type number. " +
                       Received(value));
  }
  double d = value.As<Napi::Number>().DoubleValue();
  std::string shown = value.ToString().Utf8Value();
  if (std::isnan(d) || std::isinf(d) || std::trunc(d) != d) {
    ThrowRangeError(env, "ERR_OUT_OF_RANGE",
                    std::string("The value of \"") + name +
                        "\" is out of range. It must be an integer. Received " + shown);
  }
  if (d < static_cast<double>(min) || d > static_cast<double>(max)) {
    ThrowRangeError(env, "ERR_OUT_OF_RANGE",
                    std::string("The value of \"") + name + "\" is out of range. It must be >= " +
                        std::to_string(min) + " && <= " + std::to_string(max) + ". Received " +
                        shown);
  }
  return static_cast<int64_t>(d);
}

Napi::Function ArgFunction(const Napi::Value& value, const char* name) {
  if (!value.IsFunction()) {
    ThrowTypeError(value.Env(), "ERR_INVALID_ARG_TYPE",
                   std::string("The \"") + name + "\" argument must be of type function. " +
                       Received(value));
  }
  return value.As<Napi::Function>();
}

}  // namespace sctp
