// Jazzer.js is built against its own patched libFuzzer; Debian's is the stock one. The shim
// bridges the three places where they differ:
//   - the patched one has two hooks that take the caller's program counter as an argument; the
//     stock ones take it from the return address. Forward one to the other: the compared values
//     still guide the fuzzer, only the site of each comparison is blurred into one;
//   - the patched one hands Jazzer its "save the crashing input" callback through
//     __jazzer_set_death_callback, the stock one through __sanitizer_set_death_callback.
//     Without this, a failing target would crash without saving its input.
#include <cstdint>

extern "C" {
void __sanitizer_cov_trace_const_cmp8(uint64_t arg1, uint64_t arg2);
void __sanitizer_cov_trace_pc_indir(uintptr_t callee);
void __jazzer_set_death_callback(void (*callback)());

void __sanitizer_set_death_callback(void (*callback)()) {
  __jazzer_set_death_callback(callback);
}

void __sanitizer_cov_trace_const_cmp8_with_pc(uintptr_t /*caller_pc*/, uint64_t arg1, uint64_t arg2) {
  __sanitizer_cov_trace_const_cmp8(arg1, arg2);
}

void __sanitizer_cov_trace_pc_indir_with_pc(void * /*caller_pc*/, uintptr_t callee) {
  __sanitizer_cov_trace_pc_indir(callee);
}
}
