// zlib (Debian libz-dev / zlib1g-dev): inflate for zlib-wrapped and raw deflate streams.
#include <zlib.h>
