#!/usr/bin/env bash
# npm run test:unit [-- FILTER]: the native unit tests (test/native/) of the parts of src/ that need
# no socket, the notification decoder and the reassembler, built here with AddressSanitizer and
# UBSan and run natively: no kernel SCTP, no Node. FILTER keeps the tests whose name contains it.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
${CXX:-g++} -std=c++17 -Wall -Wextra -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
  -fno-sanitize-recover=undefined -o build/native-tests test/native/*.cc src/notification.cc src/reassembler.cc
exec build/native-tests "$@"
