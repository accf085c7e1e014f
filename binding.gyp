{
  "variables": {
    "sctp_asan%": 0
  },
  "targets": [
    {
      "target_name": "sctp_dgram",
      "sources": ["src/addon.cc", "src/socket_handle.cc", "src/endpoint.cc", "src/uv_poll.cc", "src/peers.cc", "src/notification.cc", "src/reassembler.cc", "src/address.cc", "src/callback.cc"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
      "libraries": ["-l:libsctp.a"],
      "conditions": [
        ["sctp_asan==1", {
          "cflags_cc": ["-fsanitize=address", "-fno-omit-frame-pointer", "-g"],
          "ldflags": ["-fsanitize=address"]
        }, {
          "ldflags": ["-static-libstdc++", "-static-libgcc"]
        }]
      ]
    }
  ]
}
