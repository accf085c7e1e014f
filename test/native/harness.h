// A tiny test harness for the native unit tests (no dependency): TEST(name) { CHECK(...); }.
#pragma once

#include <cstdio>
#include <functional>
#include <vector>

namespace harness {

struct Test {
  const char* name;
  std::function<void()> run;
};

inline std::vector<Test>& Tests() {
  static std::vector<Test> tests;
  return tests;
}

inline int& Failures() {  // of the test running
  static int failures = 0;
  return failures;
}

struct Register {
  Register(const char* name, std::function<void()> run) { Tests().push_back({name, std::move(run)}); }
};

}  // namespace harness

#define HARNESS_JOIN2(a, b) a##b
#define HARNESS_JOIN(a, b) HARNESS_JOIN2(a, b)
#define TEST(name)                                                                   \
  static void HARNESS_JOIN(test_, __LINE__)();                                       \
  static harness::Register HARNESS_JOIN(register_, __LINE__)(name, HARNESS_JOIN(test_, __LINE__)); \
  static void HARNESS_JOIN(test_, __LINE__)()

// Records a failure and goes on (the test's other checks still run).
#define CHECK(condition)                                                            \
  do {                                                                              \
    if (!(condition)) {                                                             \
      std::fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #condition); \
      harness::Failures()++;                                                        \
    }                                                                               \
  } while (0)
// CHECK(a == b), printing both.
#define CHECK_EQ(a, b)                                                              \
  do {                                                                              \
    auto va = (a);                                                                  \
    auto vb = (b);                                                                  \
    if (!(va == vb)) {                                                              \
      std::fprintf(stderr, "    %s:%d: %s == %s failed: %lld vs %lld\n", __FILE__, __LINE__, #a, #b, \
                   static_cast<long long>(va), static_cast<long long>(vb));         \
      harness::Failures()++;                                                        \
    }                                                                               \
  } while (0)
