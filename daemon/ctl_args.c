/* ctl_args: argument checks shared by the control commands. */
#include "daemon/ctl_args.h"

#include <stdio.h>
#include <string.h>

#include "daemon/ctl.h"
#include "switch/bridge.h"

int ctl_args_count(size_t argc, size_t min, size_t max, const char *usage,
                   char **err)
{
    if (argc >= min && argc <= max)
        return 0;
    ctl_errf(err, "%s arguments (usage: %s)", argc < min ? "missing" : "too many",
             usage);
    return -1;
}

int ctl_args_opts(size_t argc, const char *const *argv, size_t first,
                  struct ctl_opt *opts, size_t n_opts, char **err)
{
    for (size_t i = first; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        size_t klen = eq ? (size_t)(eq - argv[i]) : 0;
        size_t j;

        for (j = 0; eq && j < n_opts; j++)
            if (strlen(opts[j].key) == klen && !strncmp(argv[i], opts[j].key, klen))
                break;
        if (!eq || j == n_opts) {
            char keys[256] = "";
            size_t used = 0;
            for (size_t k = 0; k < n_opts && used < sizeof keys; k++)
                used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s=",
                                         k ? ", " : "", opts[k].key);
            ctl_errf(err, "unexpected argument '%s' (expected %s)", argv[i], keys);
            return -1;
        }
        if (opts[j].value) {
            ctl_errf(err, "%s= given twice", opts[j].key);
            return -1;
        }
        if (!eq[1]) {
            ctl_errf(err, "%s= needs a value", opts[j].key);
            return -1;
        }
        opts[j].value = eq + 1;
    }
    return 0;
}

struct bridge *ctl_args_bridge(const char *name, uint16_t *vlan, char **err)
{
    uint16_t v = 0;
    struct bridge *br = bridge_lookup_vlan(name, &v);

    if (!br) {
        ctl_errf(err, "no bridge named '%s'", name);
        return NULL;
    }
    if (v && !vlan) {
        ctl_errf(err, "'%s' is VLAN %u of bridge %s; give the bridge itself",
                 name, v, bridge_name(br));
        return NULL;
    }
    if (vlan)
        *vlan = v;
    return br;
}
