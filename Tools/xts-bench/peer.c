/* C peer of ringo-xts-bench: the same AES-XTS-128 decryption through OpenSSL EVP, 512-byte data units with the
 * tweak set per unit (as APFS needs), on a buffer of SIZE MiB, best of RUNS. It measures what OpenSSL's EVP API
 * allows for APFS's unit size, independently of Swift. Build: cc -O2 peer.c -lcrypto. Usage: peer [SIZE_MiB] [RUNS] */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
  size_t size = (size_t)(argc > 1 ? atoi(argv[1]) : 256) << 20;
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  unsigned char *buffer = malloc(size);
  if (!buffer) return 1;
  for (size_t i = 0; i < size; i++) buffer[i] = (unsigned char)(i >> 3);
  unsigned char key[32];
  for (int i = 0; i < 32; i++) key[i] = (unsigned char)(i * 37 + 11);
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (EVP_DecryptInit_ex(ctx, EVP_aes_128_xts(), NULL, key, NULL) != 1) return 1;
  double best = 1e30;
  for (int r = 0; r < runs; r++) {
    struct timespec s, e;
    clock_gettime(CLOCK_MONOTONIC, &s);
    unsigned char iv[16] = {0};
    int written;
    for (size_t unit = 0; unit < size / 512; unit++) {
      unsigned long long tweak = unit;
      memcpy(iv, &tweak, 8);
      if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1) return 1;
      if (EVP_DecryptUpdate(ctx, buffer + unit * 512, &written, buffer + unit * 512, 512) != 1) return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &e);
    double t = (e.tv_sec - s.tv_sec) + (e.tv_nsec - s.tv_nsec) / 1e9;
    if (t < best) best = t;
  }
  printf("c-peer\t512\t%.3f\n", size / best / 1e9);
  EVP_CIPHER_CTX_free(ctx);
  free(buffer);
  return 0;
}
