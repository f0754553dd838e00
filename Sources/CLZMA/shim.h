// liblzma (Debian liblzma-dev): xz stream and raw LZMA1 ("alone") decoders for UDIF 0x80000008 chunks.
#include <lzma.h>
