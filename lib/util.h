/* util: small helpers shared by every module (MAC parsing, bitmaps). */
#ifndef XVS_UTIL_H
#define XVS_UTIL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ADDR_LEN 6
#define ETH_ADDR_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define ETH_ADDR_ARGS(m) (m)[0], (m)[1], (m)[2], (m)[3], (m)[4], (m)[5]
#define ETH_ADDR_STRLEN 18  /* "aa:bb:cc:dd:ee:ff" + NUL */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* "aa:bb:cc:dd:ee:ff" (case-insensitive, exactly 6 two-digit groups).
 * Returns 0 or -EINVAL. */
int eth_addr_parse(const char *, uint8_t mac[ETH_ADDR_LEN]);
void eth_addr_format(const uint8_t mac[ETH_ADDR_LEN], char buf[ETH_ADDR_STRLEN]);
static inline bool eth_addr_is_multicast(const uint8_t *m) { return m[0] & 1; }
static inline bool eth_addr_is_zero(const uint8_t *m)
{ return !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]); }

/* Strict unsigned decimal parse: whole string, no sign, no spaces, <= max.
 * Returns 0 or -EINVAL / -ERANGE. */
int parse_uint(const char *, unsigned long long max, unsigned long long *out);

/* Copy a string into a fixed buffer; -ENAMETOOLONG if it does not fit. */
int str_copy(char *dst, size_t size, const char *src);

#endif
