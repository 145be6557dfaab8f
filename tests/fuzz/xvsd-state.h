/* xvsd_state: what the daemon's control commands and configuration reload
 * can change, as a comparable picture, and the invariants that tie brmgr's
 * records, the bridge registry, the ports and the FDBs together.  Used by
 * the libFuzzer harnesses of daemon/ (fuzz-ctl, fuzz-config), which run
 * with the fake port makers of tests/unit/test-ctl-fake.c.
 *
 * A picture has two parts:
 *   - `fixed`: bridges (registry order) with their FDB settings, ports and
 *     static entries, brmgr's records (spec, origin, extra ports), the log
 *     levels; compared byte for byte;
 *   - `dyn`: the learned FDB entries with their age.  Time passes between
 *     two pictures, so an entry of `before` may be missing from `after` if
 *     it was old enough to expire; anything else (a new entry, a moved one)
 *     is a difference. */
#ifndef XVS_FUZZ_XVSD_STATE_H
#define XVS_FUZZ_XVSD_STATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xvsd_dyn {                       /* one learned FDB entry */
    char key[48];                       /* "bridge/port/vlan/mac" */
    uint32_t age_s, ageing_s;
};

struct xvsd_state {
    char *fixed;
    size_t len, cap;
    struct xvsd_dyn *dyn;
    size_t n_dyn, cap_dyn;
};

/* Fills *s (which must be zeroed or freed) with the present picture. */
void xvsd_state_take(struct xvsd_state *s);
void xvsd_state_free(struct xvsd_state *s);
/* Makes *dst (zeroed, or a picture) a copy of *src, reusing its buffers. */
void xvsd_state_copy(struct xvsd_state *dst, const struct xvsd_state *src);
/* True if nothing but the expiry of old learned entries differs; else
 * false with the first difference in why[]. */
bool xvsd_state_same(const struct xvsd_state *before, const struct xvsd_state *after,
                     char *why, size_t n);

/* The cross-module invariants (see the top of tests/fuzz/xvsd-state.c).
 * Returns true, or false with the broken one in why[]. */
bool xvsd_state_check(char *why, size_t n);

/* Prints msg and the input, then aborts (a finding of the fuzzer). */
void xvsd_fail(const char *what, const char *detail, const uint8_t *data, size_t size)
    __attribute__((noreturn));

#endif
