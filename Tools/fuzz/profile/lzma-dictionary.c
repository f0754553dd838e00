// Decoder set-up cost under AddressSanitizer (FUZZING.md, "Harness throughput"): decodes an LZMA1 "alone" file N times
// with the header's dictionary size set to DICT. Build: clang -O1 -fsanitize=address lzma-dictionary.c -llzma (and
// without -fsanitize for the plain figure). Run: ./a.out Tools/fuzz/corpus/codec-lzma/text DICT 50
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "rb"); static unsigned char in[1 << 20]; size_t n = fread(in, 1, sizeof in, f); fclose(f);
  unsigned dict = strtoul(argv[2], 0, 0); int reps = atoi(argv[3]);
  memcpy(in + 1, &dict, 4);
  static unsigned char out[4 << 20];
  struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
  for (int r = 0; r < reps; r++) {
    lzma_stream s = LZMA_STREAM_INIT;
    if (lzma_alone_decoder(&s, 256u << 20) != LZMA_OK) return 1;
    s.next_in = in; s.avail_in = n; s.next_out = out; s.avail_out = sizeof out;
    lzma_ret ret = lzma_code(&s, LZMA_FINISH);
    if (r == 0) printf("ret %d out %zu\n", ret, sizeof out - s.avail_out);
    lzma_end(&s);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("dict %u: %.3f ms per decode\n", dict, ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6) / reps);
}
