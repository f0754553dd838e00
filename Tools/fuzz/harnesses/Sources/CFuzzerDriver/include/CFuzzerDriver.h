// libFuzzer's driver entry point (compiler-rt's FuzzerInterface.h): the harnesses call it from their own `main`,
// because SwiftPM links an executable's `main` to `<module>_main`.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
