/* ctl_args: argument checks shared by the control commands.
 *
 * Each function returns 0, or -1 after setting *err (see ctl_errf()) to a
 * message without the command prefix. */
#ifndef XVS_CTL_ARGS_H
#define XVS_CTL_ARGS_H 1

#include <stddef.h>
#include <stdint.h>

struct bridge;

/* argc within [min, max], else "missing/too many arguments (usage: USAGE)". */
int ctl_args_count(size_t argc, size_t min, size_t max, const char *usage,
                   char **err);

/* KEY=VALUE arguments argv[first..argc): each key must be one of opts[]
 * and appear once; its value (non-empty) is stored in opts[i].value, which
 * stays NULL for keys not given. */
struct ctl_opt {
    const char *key;
    const char *value;
};
int ctl_args_opts(size_t argc, const char *const *argv, size_t first,
                  struct ctl_opt *opts, size_t n_opts, char **err);

/* The bridge called `name`.  With vlan != NULL, a VLAN bridge "xenbr0.10"
 * is accepted too (*vlan = 10; 0 for a bridge); without, it is refused with
 * a message naming its bridge. */
struct bridge *ctl_args_bridge(const char *name, uint16_t *vlan, char **err);

#endif
