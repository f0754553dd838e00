// libbzip2 (Debian libbz2-dev): BZ2_bzDecompress for UDIF 0x80000006 chunks.
#include <bzlib.h>
