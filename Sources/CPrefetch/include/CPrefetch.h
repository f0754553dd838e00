// One CPU instruction that Swift has no spelling for: a software prefetch (x86 PREFETCHT0, arm64 PRFM PLDL1KEEP).
//
// A prefetch is a hint. It never faults, never changes memory and returns nothing, so it may name an address past
// the end of a buffer or outside any mapping; the scanner's kernels use it to ask for the bytes a few KiB ahead of
// the ones they are reading, which lets the memory reads overlap with the arithmetic (see BENCHMARKS.md, block
// scanner). Everything else in Ringo is Swift.
#ifndef RINGO_CPREFETCH_H
#define RINGO_CPREFETCH_H

static inline __attribute__((always_inline)) void ringo_prefetch_read(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

#endif
