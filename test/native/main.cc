// Runs every TEST of the files linked with it; exits 1 if any check failed. An argument keeps only
// the tests whose name contains it.
#include <cstring>

#include "harness.h"

int main(int argc, char** argv) {
  int passed = 0, failed = 0;
  for (const harness::Test& test : harness::Tests()) {
    if (argc > 1 && std::strstr(test.name, argv[1]) == nullptr) continue;
    harness::Failures() = 0;
    test.run();
    bool ok = harness::Failures() == 0;
    std::printf("  %s %s\n", ok ? "ok  " : "FAIL", test.name);
    (ok ? passed : failed)++;
  }
  std::printf("native: %d passing, %d failing\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
