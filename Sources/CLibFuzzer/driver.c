// Why C: libFuzzer's driver is only linked in when the build passes `-sanitize=fuzzer`. A weak
// reference, which Swift cannot declare, lets the same `hermes-fuzz` binary build without it and
// then replay inputs instead of fuzzing.
#include "CLibFuzzer.h"

extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*user_callback)(const uint8_t *data, size_t size))
    __attribute__((weak));

int hermes_fuzz_run_driver(int *argc, char ***argv, hermes_fuzz_one_input test_one_input) {
    if (!LLVMFuzzerRunDriver) return -1;
    return LLVMFuzzerRunDriver(argc, argv, test_one_input);
}

// libFuzzer's archive brings its own `main`, which refers to this symbol. SwiftPM points the
// executable's entry at hermes-fuzz's main instead, so that `main` never runs; the driver is
// given each target's function explicitly.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    (void)data;
    (void)size;
    return 0;
}
