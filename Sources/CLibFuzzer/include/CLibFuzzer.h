#ifndef HERMES_CLIBFUZZER_H
#define HERMES_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// One input for a fuzz target; returns 0.
typedef int (*hermes_fuzz_one_input)(const uint8_t *data, size_t size);

/// Runs libFuzzer's driver on `argv` with `test_one_input`, when the binary was linked with
/// `-sanitize=fuzzer`; returns -1 at once when it was not.
int hermes_fuzz_run_driver(int *argc, char ***argv, hermes_fuzz_one_input test_one_input);

#endif
