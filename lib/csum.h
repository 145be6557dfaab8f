/* csum: the Internet checksum (RFC 1071) over big-endian 16-bit words.
 *
 * A sum is built in two steps: csum_add() accumulates bytes (and any
 * pseudo header) into a partial sum, csum_fold() reduces it to 16 bits.
 * The checksum written into a header is ~csum_fold(sum); a frame whose
 * checksum is right sums (with its pseudo header) to 0xffff.
 *
 * Invariant: every value returned by csum_add() and csum_pseudo*() is
 * below 2^16 (folded early, which ones-complement addition allows), so
 * callers may add a few more 16-bit terms without overflow.  Pure: no
 * state, reads only the bytes given. */
#ifndef XVS_CSUM_H
#define XVS_CSUM_H 1

#include <stddef.h>
#include <stdint.h>

/* `sum` plus the bytes p[0..n) as 16-bit words (an odd last byte is the
 * high half of a word). */
uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n);

/* The 16-bit ones-complement value of `sum`. */
uint16_t csum_fold(uint32_t sum);

/* Pseudo-header sums of an L4 segment of `l4len` bytes carrying `proto`,
 * from the IPv4 header at `ip` (addresses at 12..19) or the IPv6 header
 * at `ip6` (addresses at 8..39). */
uint32_t csum_pseudo_ipv4(const uint8_t *ip, uint8_t proto, uint16_t l4len);
uint32_t csum_pseudo_ipv6(const uint8_t *ip6, uint8_t proto, uint32_t l4len);

#endif
