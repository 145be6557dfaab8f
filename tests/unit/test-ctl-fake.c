/* Fake port makers for the daemon tests (see test-ctl-fake.h). */
#include "tests/unit/test-ctl-fake.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fake_live;
char fake_last_takeover[IF_NAMESIZE];
unsigned fake_last_mtu;

static void fake_output(struct port *p, struct frame **frames, const uint16_t *tci,
                        unsigned n)
{
    struct fake_port *f = (struct fake_port *)p;
    f->frames_out += n;
    for (unsigned i = 0; i < n; i++) {
        p->stats.tx_packets++;
        p->stats.tx_bytes += frames[i]->len;
    }
}

static void fake_destroy(struct port *p)
{
    fake_live--;
    free(p);
}

static const struct port_ops uplink_ops = { "uplink", fake_output, fake_destroy, NULL };
static const struct port_ops host_ops = { "host", fake_output, fake_destroy, NULL };
static const struct port_ops vif_ops = { "vif", fake_output, fake_destroy, NULL };

static struct port *make(const char *name, const struct port_ops *ops)
{
    struct fake_port *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    port_init(&f->port, name, ops);
    fake_live++;
    return &f->port;
}

static int fake_uplink(struct evloop *loop, const char *ifname, struct port **out,
                       char *err, size_t errlen)
{
    if (!strncmp(ifname, "bad", 3)) {
        snprintf(err, errlen, "uplink %s: no such device", ifname);
        return -ENODEV;
    }
    *out = make(ifname, &uplink_ops);
    return *out ? 0 : -ENOMEM;
}

static int fake_host(struct evloop *loop, const char *name, const char *takeover_from,
                     unsigned mtu, struct port **out, char *err, size_t errlen)
{
    struct fake_port *f;

    if (!strncmp(name, "bad", 3)) {
        snprintf(err, errlen, "host port %s: cannot create TAP", name);
        return -EPERM;
    }
    *out = make(name, &host_ops);
    if (!*out)
        return -ENOMEM;
    f = (struct fake_port *)*out;
    snprintf(f->takeover_from, sizeof f->takeover_from, "%s",
             takeover_from ? takeover_from : "");
    f->mtu = mtu;
    strcpy(fake_last_takeover, f->takeover_from);
    fake_last_mtu = mtu;
    return 0;
}

const struct brmgr_factory fake_factory = { fake_uplink, fake_host, NULL };

struct port *fake_vif(const char *name)
{
    return make(name, &vif_ops);
}
