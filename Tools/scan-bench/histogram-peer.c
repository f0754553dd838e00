// The scanner's counting loop written in C, as a peer for `ringo-bench histogram`: four sub-tables of 32-bit
// counters, one 64-bit load per 8 bytes, on 2 MiB of random bytes in 4 KiB blocks, best of 15 rounds. Only a
// benchmark baseline: nothing in Ringo links it.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((noinline)) static void histogram(const uint8_t *p, size_t n, uint32_t *t) {
  memset(t, 0, 1024 * sizeof *t);
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    t[w & 255]++;
    t[256 + ((w >> 8) & 255)]++;
    t[512 + ((w >> 16) & 255)]++;
    t[768 + ((w >> 24) & 255)]++;
    t[(w >> 32) & 255]++;
    t[256 + ((w >> 40) & 255)]++;
    t[512 + ((w >> 48) & 255)]++;
    t[768 + (w >> 56)]++;
  }
  for (int v = 0; v < 256; v++) t[v] += t[256 + v] + t[512 + v] + t[768 + v];
}

int main(void) {
  const size_t size = 2 << 20;
  uint8_t *buffer = aligned_alloc(64, size);
  uint64_t x = 0x9E3779B97F4A7C15u;
  for (size_t i = 0; i < size; i++) {  // xorshift64: random bytes
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    buffer[i] = (uint8_t)x;
  }
  uint32_t table[1024];
  volatile uint32_t sink = 0;
  double best = 0;
  for (int round = 0; round < 15; round++) {
    double t0 = now();
    for (int k = 0; k < 20; k++)
      for (size_t o = 0; o < size; o += 4096) {
        histogram(buffer + o, 4096, table);
        sink += table[7];
      }
    double rate = 20.0 * size / 1e9 / (now() - t0);
    if (rate > best) best = rate;
  }
  printf("C peer, in cache, 4 KiB random blocks, best of 15: histogram %.2f GB/s\n", best);
  free(buffer);
  return 0;
}
