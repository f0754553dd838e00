/* C peer of ringo-xts-bench: the same AES-XTS-128 decryption in C, 512-byte data units with the tweak set per unit
 * (as APFS needs), on a buffer of BUFFER KiB decrypted PASSES times per run, best of RUNS. Two ways through OpenSSL:
 * EVP (EVP_DecryptInit_ex with only the IV, then EVP_DecryptUpdate, per unit), and the provider's own functions
 * (ringo_xts_provider_* from Sources/COpenSSL/shim.h, the code XTSCipher calls). It also times the provider's
 * cipher call alone on 512-byte units without changing the tweak, and decrypt_init alone: the bound for 512-byte units;
 * and the cipher call on 4096 bytes with one tweak, what `openssl speed -bytes 4096` measures, minus EVP_DecryptUpdate.
 * Every figure is the best of RUNS short runs, interleaved, so that a loaded host disturbs them alike.
 * Build: cc -O2 -I Sources/COpenSSL peer.c -lcrypto. Usage: peer [BUFFER_KiB=256] [PASSES=20] [RUNS=200] */
#include "shim.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec s;
  clock_gettime(CLOCK_MONOTONIC, &s);
  return s.tv_sec + s.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  size_t size = (size_t)(argc > 1 ? atoi(argv[1]) : 256) << 10;
  int passes = argc > 2 ? atoi(argv[2]) : 20;
  int runs = argc > 3 ? atoi(argv[3]) : 200;
  size_t units = size / 512;
  unsigned char *buffer = malloc(size);
  if (!buffer || units == 0) return 1;
  for (size_t i = 0; i < size; i++) buffer[i] = (unsigned char)(i >> 3);
  unsigned char key[32];
  for (int i = 0; i < 32; i++) key[i] = (unsigned char)(i * 37 + 11);
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (EVP_DecryptInit_ex(ctx, EVP_aes_128_xts(), NULL, key, NULL) != 1) return 1;
  ringo_xts_provider provider;
  if (ringo_xts_provider_load(&provider) != 1) return 2;
  void *keyed = ringo_xts_provider_keyed(&provider, key);
  if (keyed == NULL) return 2;
  double evp = 1e30, direct = 1e30, cipherOnly = 1e30, initOnly = 1e30, whole4k = 1e30;
  for (int r = 0; r < runs; r++) {
    double s = now();
    unsigned char iv[16] = {0};
    int written;
    for (int p = 0; p < passes; p++)
      for (size_t unit = 0; unit < units; unit++) {
        unsigned long long tweak = unit;
        memcpy(iv, &tweak, 8);
        if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1) return 1;
        if (EVP_DecryptUpdate(ctx, buffer + unit * 512, &written, buffer + unit * 512, 512) != 1) return 1;
      }
    double t = now() - s;
    if (t < evp) evp = t;
    s = now();
    for (int p = 0; p < passes; p++)
      if (ringo_xts_provider_decrypt(&provider, keyed, buffer, units, 0) >= 0) return 3;
    t = now() - s;
    if (t < direct) direct = t;
    s = now();
    for (int p = 0; p < passes; p++)
      for (size_t unit = 0; unit < units; unit++) {
        size_t out;
        if (provider.cipher(keyed, buffer + unit * 512, &out, 512, buffer + unit * 512, 512) != 1) return 4;
      }
    t = now() - s;
    if (t < cipherOnly) cipherOnly = t;
    s = now();
    for (int p = 0; p < passes; p++)
      for (size_t unit = 0; unit < units; unit++) {
        unsigned long long tweak = unit;
        memcpy(iv, &tweak, 8);
        if (provider.decrypt_init(keyed, NULL, 0, iv, 16, NULL) != 1) return 5;
      }
    t = now() - s;
    if (t < initOnly) initOnly = t;
    s = now();
    for (int p = 0; p < passes; p++)
      for (size_t at = 0; at + 4096 <= size; at += 4096) {
        size_t out;
        if (provider.cipher(keyed, buffer + at, &out, 4096, buffer + at, 4096) != 1) return 6;
      }
    t = now() - s;
    if (t < whole4k) whole4k = t;
  }
  double bytes = (double)size * passes, count = (double)units * passes;
  printf("c-evp\t%.3f\n", bytes / evp / 1e9);
  printf("c-provider\t%.3f\n", bytes / direct / 1e9);
  printf("c-provider-cipher-only\t%.3f\n", bytes / cipherOnly / 1e9);
  printf("c-provider-4096-one-tweak\t%.3f\n", (double)(size / 4096 * 4096) * passes / whole4k / 1e9);
  printf("ns-per-unit-evp\t%.1f\n", evp / count * 1e9);
  printf("ns-per-unit-provider\t%.1f\n", direct / count * 1e9);
  printf("ns-per-unit-cipher-only\t%.1f\n", cipherOnly / count * 1e9);
  printf("ns-per-unit-decrypt-init\t%.1f\n", initOnly / count * 1e9);
  provider.freectx(keyed);
  EVP_CIPHER_free(provider.fetched);
  EVP_CIPHER_CTX_free(ctx);
  free(buffer);
  return 0;
}
