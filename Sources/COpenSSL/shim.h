// OpenSSL libcrypto (Debian libssl-dev): the EVP cipher interface, used for AES-XTS-128 (APFS software encryption)
// and AES-CTR (Apple Encrypted Archive). Ringo implements no cipher itself.
#include <openssl/evp.h>
#include <openssl/err.h>
