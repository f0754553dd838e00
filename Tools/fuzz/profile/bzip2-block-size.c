// Decoder set-up cost under AddressSanitizer (FUZZING.md, "Harness throughput"): decodes a bzip2 file N times with
// the header's block-size digit set to LEVEL (1-9). Build: clang -O1 -fsanitize=address bzip2-block-size.c -lbz2 (and
// without -fsanitize for the plain figure). Run: ./a.out Tools/fuzz/corpus/codec-bzip2/text LEVEL 50
#include <bzlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "rb"); static char in[1 << 20]; size_t n = fread(in, 1, sizeof in, f); fclose(f);
  in[3] = argv[2][0]; int reps = atoi(argv[3]);
  static char out[4 << 20];
  struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
  for (int r = 0; r < reps; r++) {
    bz_stream s = {0};
    BZ2_bzDecompressInit(&s, 0, 0);
    s.next_in = in; s.avail_in = n; s.next_out = out; s.avail_out = sizeof out;
    int ret = BZ2_bzDecompress(&s);
    if (r == 0) printf("ret %d out %u\n", ret, (unsigned)(sizeof out - s.avail_out));
    BZ2_bzDecompressEnd(&s);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("level %s: %.3f ms per decode\n", argv[2], ((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6) / reps);
}
