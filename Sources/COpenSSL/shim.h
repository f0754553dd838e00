// OpenSSL libcrypto (Debian libssl-dev): the EVP cipher interface, used for AES-XTS-128 (APFS software encryption)
// and AES-CTR (Apple Encrypted Archive). Ringo implements no cipher itself.
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/core_dispatch.h>
#include <stdint.h>
#include <string.h>

// AES-XTS-128 through the public provider API (OpenSSL 3): the functions of the provider that EVP itself would use for
// "AES-128-XTS", called directly. APFS changes the tweak every 512-byte data unit; through EVP each change costs
// the EVP init dispatch (about 150 ns), more than the AES work, whereas the provider's own decrypt_init with only an
// IV copies 16 bytes. AES and the XTS mode stay OpenSSL's; only the loop over data units is Ringo's.
typedef struct ringo_xts_provider {
  EVP_CIPHER *fetched;  // keeps the provider loaded for as long as the functions below are used
  void *provctx;
  OSSL_FUNC_cipher_newctx_fn *newctx;
  OSSL_FUNC_cipher_freectx_fn *freectx;
  OSSL_FUNC_cipher_decrypt_init_fn *decrypt_init;
  OSSL_FUNC_cipher_cipher_fn *cipher;
} ringo_xts_provider;

// Fills `out` with the AES-128-XTS functions of the provider EVP fetches; returns 1, or 0 (then use EVP).
static inline int ringo_xts_provider_load(ringo_xts_provider *out) {
  memset(out, 0, sizeof *out);
  EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, "AES-128-XTS", NULL);
  if (cipher == NULL) return 0;
  const OSSL_PROVIDER *provider = EVP_CIPHER_get0_provider(cipher);
  int noCache = 0;
  const OSSL_ALGORITHM *algorithm = provider ? OSSL_PROVIDER_query_operation(provider, OSSL_OP_CIPHER, &noCache) : NULL;
  const OSSL_DISPATCH *dispatch = NULL;
  for (const OSSL_ALGORITHM *a = algorithm; a != NULL && a->algorithm_names != NULL; a++) {
    // Names are "AES-128-XTS:1.3.111.2.1619.0.1.1": the first name, then aliases after colons.
    const char *names = a->algorithm_names;
    if (strncmp(names, "AES-128-XTS", 11) == 0 && (names[11] == '\0' || names[11] == ':')) {
      dispatch = a->implementation;
      break;
    }
  }
  for (const OSSL_DISPATCH *d = dispatch; d != NULL && d->function_id != 0; d++) {
    switch (d->function_id) {
    case OSSL_FUNC_CIPHER_NEWCTX: out->newctx = OSSL_FUNC_cipher_newctx(d); break;
    case OSSL_FUNC_CIPHER_FREECTX: out->freectx = OSSL_FUNC_cipher_freectx(d); break;
    case OSSL_FUNC_CIPHER_DECRYPT_INIT: out->decrypt_init = OSSL_FUNC_cipher_decrypt_init(d); break;
    case OSSL_FUNC_CIPHER_CIPHER: out->cipher = OSSL_FUNC_cipher_cipher(d); break;
    default: break;
    }
  }
  if (algorithm != NULL) OSSL_PROVIDER_unquery_operation(provider, OSSL_OP_CIPHER, algorithm);
  if (out->newctx == NULL || out->freectx == NULL || out->decrypt_init == NULL || out->cipher == NULL) {
    EVP_CIPHER_free(cipher);
    memset(out, 0, sizeof *out);
    return 0;
  }
  out->fetched = cipher;
  out->provctx = OSSL_PROVIDER_get0_provider_ctx(provider);
  return 1;
}

// A provider context keyed with the 32-byte key (key1 ‖ key2) for decryption, or NULL.
static inline void *ringo_xts_provider_keyed(const ringo_xts_provider *p, const unsigned char *key) {
  void *context = p->newctx(p->provctx);
  if (context == NULL) return NULL;
  if (p->decrypt_init(context, key, 32, NULL, 0, NULL) != 1) {
    p->freectx(context);
    return NULL;
  }
  return context;
}

// Decrypts `units` 512-byte data units of `data` in place, unit i with tweak first + i (little-endian, zero-padded
// to 16 bytes). Returns -1 when all succeeded, else the index of the unit OpenSSL refused.
static inline long ringo_xts_provider_decrypt(const ringo_xts_provider *p, void *context, unsigned char *data,
                                              size_t units, uint64_t first) {
  unsigned char iv[16] = {0};
  for (size_t unit = 0; unit < units; unit++) {
    uint64_t tweak = first + unit;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(iv, &tweak, 8);
#else
    for (int i = 0; i < 8; i++) iv[i] = (unsigned char)(tweak >> (8 * i));
#endif
    size_t written = 0;
    unsigned char *u = data + unit * 512;
    if (p->decrypt_init(context, NULL, 0, iv, 16, NULL) != 1 || p->cipher(context, u, &written, 512, u, 512) != 1
        || written != 512)
      return (long)unit;
  }
  return -1;
}
