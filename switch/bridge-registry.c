/* bridge-registry: the daemon's set of bridges, by name.
 *
 * A short array in registration order (a host has a handful of bridges),
 * so bridge_at() iterates in a stable order and lookups are a scan.  The
 * name "xenbr0.10" designates VLAN 10 of "xenbr0" unless a bridge has that
 * exact name (Linux allows dots in bridge names). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "switch/bridge.h"

static struct bridge **registry;
static unsigned n_registry, registry_cap;

static bool
bridge_is_registered(const struct bridge *b)
{
    for (unsigned i = 0; i < n_registry; i++) {
        if (registry[i] == b) {
            return true;
        }
    }
    return false;
}

int
bridge_register(struct bridge *b)
{
    if (bridge_is_registered(b)) {
        return 0;
    }
    if (bridge_lookup(bridge_name(b))) {
        return -EEXIST;
    }
    if (n_registry == registry_cap) {
        unsigned cap = registry_cap ? 2 * registry_cap : 8;
        struct bridge **r = realloc(registry, cap * sizeof *r);

        if (!r) {
            return -ENOMEM;
        }
        registry = r;
        registry_cap = cap;
    }
    registry[n_registry++] = b;
    return 0;
}

void
bridge_unregister(struct bridge *b)
{
    for (unsigned i = 0; i < n_registry; i++) {
        if (registry[i] == b) {
            memmove(&registry[i], &registry[i + 1],
                    (n_registry - i - 1) * sizeof *registry);
            n_registry--;
            break;
        }
    }
    if (!n_registry) {
        free(registry);
        registry = NULL;
        registry_cap = 0;
    }
}

struct bridge *
bridge_lookup(const char *name)
{
    for (unsigned i = 0; i < n_registry; i++) {
        if (!strcmp(bridge_name(registry[i]), name)) {
            return registry[i];
        }
    }
    return NULL;
}

struct bridge *
bridge_at(unsigned idx)
{
    return idx < n_registry ? registry[idx] : NULL;
}

struct bridge *
bridge_lookup_vlan(const char *name, uint16_t *vlan)
{
    char base[BRIDGE_NAME_MAX];
    unsigned long long v;
    struct bridge *b = bridge_lookup(name);
    const char *dot;

    if (b) {
        *vlan = 0;
        return b;
    }
    dot = strrchr(name, '.');
    if (!dot || (size_t) (dot - name) >= sizeof base
        || parse_uint(dot + 1, VLAN_ID_MAX, &v) || v < VLAN_ID_MIN) {
        return NULL;
    }
    memcpy(base, name, (size_t) (dot - name));
    base[dot - name] = '\0';
    b = bridge_lookup(base);
    if (b) {
        *vlan = (uint16_t) v;
    }
    return b;
}
