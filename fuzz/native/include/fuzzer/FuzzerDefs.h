// The two declarations Jazzer.js needs from libFuzzer's internal header FuzzerDefs.h, which
// Debian's libclang-rt package does not ship (it ships the compiled library only). They are
// libFuzzer's public driver entry point, unchanged since LLVM 6.
#pragma once
#include <cstddef>
#include <cstdint>

namespace fuzzer {
typedef int (*UserCallback)(const uint8_t *Data, size_t Size);
int FuzzerDriver(int *argc, char ***argv, UserCallback Callback);
}  // namespace fuzzer
