/* vifrec: records of served vifs for a restart.  See vifrec.h. */
#include "xenstore/vifrec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"

#define MAGIC "xvs-vifrec 1"
/* The rings line after "rings ": written with it, read back with it, and
 * a line is a record's only if printing what was read gives it again. */
#define RINGS_FMT "%u %u %u %u %u 0x%x"
#define NAME_MAX_ 32                /* "vif-32751-65535" fits */

enum {
    VIFREC_F_RX_COPY = 1 << 0,
    VIFREC_F_RX_NOTIFY = 1 << 1,
    VIFREC_F_SG = 1 << 2,
    VIFREC_F_GSO_TCPV4 = 1 << 3,
    VIFREC_F_GSO_TCPV6 = 1 << 4,
    VIFREC_F_IPV6_CSUM = 1 << 5,
    VIFREC_F_NO_CSUM = 1 << 6,
    VIFREC_F_MCAST_CTRL = 1 << 7,
    VIFREC_F_ALL = (1 << 8) - 1
};

static unsigned
flags_of(const struct xenbus_rings *r)
{
    return (r->rx_copy ? VIFREC_F_RX_COPY : 0) | (r->rx_notify ? VIFREC_F_RX_NOTIFY : 0)
           | (r->sg ? VIFREC_F_SG : 0) | (r->gso_tcpv4 ? VIFREC_F_GSO_TCPV4 : 0)
           | (r->gso_tcpv6 ? VIFREC_F_GSO_TCPV6 : 0)
           | (r->ipv6_csum_offload ? VIFREC_F_IPV6_CSUM : 0)
           | (r->no_csum_offload ? VIFREC_F_NO_CSUM : 0)
           | (r->multicast_control ? VIFREC_F_MCAST_CTRL : 0);
}

static void
set_flags(struct xenbus_rings *r, unsigned f)
{
    r->rx_copy = f & VIFREC_F_RX_COPY;
    r->rx_notify = f & VIFREC_F_RX_NOTIFY;
    r->sg = f & VIFREC_F_SG;
    r->gso_tcpv4 = f & VIFREC_F_GSO_TCPV4;
    r->gso_tcpv6 = f & VIFREC_F_GSO_TCPV6;
    r->ipv6_csum_offload = f & VIFREC_F_IPV6_CSUM;
    r->no_csum_offload = f & VIFREC_F_NO_CSUM;
    r->multicast_control = f & VIFREC_F_MCAST_CTRL;
}

bool
vifrec_rings_equal(const struct xenbus_rings *a, const struct xenbus_rings *b)
{
    return a->tx_ring_ref == b->tx_ring_ref && a->rx_ring_ref == b->rx_ring_ref
           && a->evtchn_tx == b->evtchn_tx && a->evtchn_rx == b->evtchn_rx
           && a->split_evtchn == b->split_evtchn && flags_of(a) == flags_of(b);
}

/* "vif-D-N" with D and N in range: the record's device. */
static bool
parse_name(const char *name, unsigned *domid, unsigned *devid)
{
    char d[8], n[8];
    unsigned long long x, y;
    const char *p = name + 4, *dash;

    if (strncmp(name, "vif-", 4) || !(dash = strchr(p, '-'))
        || (size_t) (dash - p) >= sizeof d || strlen(dash + 1) >= sizeof n) {
        return false;
    }
    memcpy(d, p, (size_t) (dash - p));
    d[dash - p] = '\0';
    strcpy(n, dash + 1);
    if (parse_uint(d, KEYS_DOMID_MAX, &x) || parse_uint(n, KEYS_HANDLE_MAX, &y)) {
        return false;
    }
    *domid = (unsigned) x;
    *devid = (unsigned) y;
    return true;
}

static bool
recordable(const char *s)
{
    return strlen(s) <= VIFREC_VALUE_MAX && !strchr(s, '\n');
}

int
vifrec_write(const char *dir, const struct vifrec *r)
{
    char path[PATH_MAX], tmp[PATH_MAX + 8];
    char *buf = NULL;
    size_t size = 0;
    FILE *f;
    int fd, e = 0;
    ssize_t n;

    if (!recordable(r->fe_path)) {
        return -EINVAL;
    }
    f = open_memstream(&buf, &size);
    if (!f) {
        return -errno;
    }
    fprintf(f, MAGIC "\nfrontend %s\nrings " RINGS_FMT "\n", r->fe_path,
            r->rings.tx_ring_ref, r->rings.rx_ring_ref, r->rings.evtchn_tx,
            r->rings.evtchn_rx, r->rings.split_evtchn ? 1u : 0u, flags_of(&r->rings));
    for (unsigned k = 0; k < KEY_N; k++) {
        if (r->raw[k]) {
            if (!recordable(r->raw[k])) {
                e = -EINVAL;
            }
            fprintf(f, "key %s %s\n", keys_vif_key_name(k), r->raw[k]);
        }
    }
    if (fclose(f) || e) {
        free(buf);
        return e ? e : -ENOMEM;
    }
    snprintf(path, sizeof path, "%s/vif-%u-%u", dir, r->domid, r->devid);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        e = -errno;
    } else {
        n = write(fd, buf, size);
        e = n < 0 ? -errno : (size_t) n != size ? -EIO : 0;
        if (close(fd) && !e) {
            e = -errno;
        }
        if (!e && rename(tmp, path)) {
            e = -errno;
        }
        if (e) {
            unlink(tmp);
        }
    }
    free(buf);
    return e;
}

static int __attribute__((format(printf, 4, 5)))
bad(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err, errlen, "line %u: ", line);

    if (n > 0 && (size_t) n < errlen) {
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t) n, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

static int
parse_rings(const char *s, struct xenbus_rings *r)
{
    unsigned tx, rx, etx, erx, split, flags;
    char canon[80];

    /* sscanf alone would also take "+5", "-1", "0x0x7f", extra blanks and
     * anything after the numbers; the reprint refuses them all. */
    if (sscanf(s, RINGS_FMT, &tx, &rx, &etx, &erx, &split, &flags) != 6
        || split > 1 || flags & ~(unsigned) VIFREC_F_ALL
        || !(flags & VIFREC_F_RX_COPY) || (!split && etx != erx)) {
        return -EINVAL;
    }
    snprintf(canon, sizeof canon, RINGS_FMT, tx, rx, etx, erx, split, flags);
    if (strcmp(canon, s)) {
        return -EINVAL;
    }
    memset(r, 0, sizeof *r);
    r->tx_ring_ref = tx;
    r->rx_ring_ref = rx;
    r->evtchn_tx = etx;
    r->evtchn_rx = erx;
    r->split_evtchn = split;
    set_flags(r, flags);
    return 0;
}

/* One line (NUL-terminated, no newline) into r; `seen` tracks the three
 * required lines. */
static int
parse_line(char *s, unsigned no, struct vifrec *r, unsigned *seen, char *err, size_t errlen)
{
    if (no == 1) {
        if (strcmp(s, MAGIC)) {
            return bad(err, errlen, no, "not \"" MAGIC "\"");
        }
        *seen |= 1;
    } else if (!strncmp(s, "frontend ", 9)) {
        if (s[9] != '/' || str_copy(r->fe_path, sizeof r->fe_path, s + 9) || *seen & 2) {
            return bad(err, errlen, no, "frontend: not one xenstore path");
        }
        *seen |= 2;
    } else if (!strncmp(s, "rings ", 6)) {
        if (*seen & 4 || parse_rings(s + 6, &r->rings)) {
            return bad(err, errlen, no, "rings: not \"TX RX EVTCHN-TX EVTCHN-RX SPLIT FLAGS\"");
        }
        *seen |= 4;
    } else if (!strncmp(s, "key ", 4)) {
        char *name = s + 4, *value = strchr(name, ' ');
        unsigned k;
        if (!value) {
            return bad(err, errlen, no, "key: no value");
        }
        *value++ = '\0';
        for (k = 0; k < KEY_N && strcmp(name, keys_vif_key_name(k)); k++) {
        }
        if (k == KEY_N || r->raw[k]) {
            return bad(err, errlen, no, "key %.32s: %s", name,
                       k == KEY_N ? "not a vif key" : "given twice");
        }
        if (strlen(value) > VIFREC_VALUE_MAX || !(r->raw[k] = strdup(value))) {
            return bad(err, errlen, no, "key %s: value too long", name);
        }
    } else {
        return bad(err, errlen, no, "unknown line \"%.32s\"", s);
    }
    return 0;
}

int
vifrec_read(const char *dir, const char *name, struct vifrec *r, char *err, size_t errlen)
{
    char path[PATH_MAX];
    char *buf, *line, *next;
    unsigned seen = 0, no = 0;
    ssize_t len;
    int fd, e = 0;

    memset(r, 0, sizeof *r);
    if (!parse_name(name, &r->domid, &r->devid)) {
        snprintf(err, errlen, "not a record name (vif-DOMID-DEVID)");
        return -EINVAL;
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        e = -errno;
        snprintf(err, errlen, "%s", strerror(-e));
        return e;
    }
    buf = malloc(VIFREC_FILE_MAX + 1);
    len = buf ? read(fd, buf, VIFREC_FILE_MAX + 1) : -1;
    e = len < 0 ? -errno : 0;
    close(fd);
    if (e) {
        snprintf(err, errlen, "%s", strerror(-e));
        free(buf);
        return e;
    }
    if (len > VIFREC_FILE_MAX || len == 0 || buf[len - 1] != '\n'
        || memchr(buf, '\0', (size_t) len)) {
        snprintf(err, errlen, "%s", len > VIFREC_FILE_MAX ? "longer than a record can be"
                                    : "truncated or not text");
        free(buf);
        return -EINVAL;
    }
    buf[len] = '\0';
    for (line = buf; *line && !e; line = next) {
        next = strchr(line, '\n');
        *next++ = '\0';
        e = parse_line(line, ++no, r, &seen, err, errlen);
    }
    free(buf);
    if (!e && seen != 7) {
        snprintf(err, errlen, "%s line missing", !(seen & 2) ? "frontend" : "rings");
        e = -EINVAL;
    }
    if (e) {
        vifrec_free(r);
    }
    return e;
}

int
vifrec_remove(const char *dir, unsigned domid, unsigned devid)
{
    char path[PATH_MAX];

    snprintf(path, sizeof path, "%s/vif-%u-%u", dir, domid, devid);
    return unlink(path) && errno != ENOENT ? -errno : 0;
}

void
vifrec_free(struct vifrec *r)
{
    for (unsigned k = 0; k < KEY_N; k++) {
        free(r->raw[k]);
        r->raw[k] = NULL;
    }
}

int
vifrec_list(const char *dir, char ***names, unsigned *n)
{
    char (*found)[NAME_MAX_] = NULL;
    unsigned count = 0;
    struct dirent *de;
    DIR *d = opendir(dir);
    char **out, *s;

    *names = NULL;
    *n = 0;
    if (!d) {
        return errno == ENOENT ? 0 : -errno;
    }
    found = malloc(VIFREC_MAX * sizeof *found);
    if (!found) {
        closedir(d);
        return -ENOMEM;
    }
    while ((de = readdir(d)) && count < VIFREC_MAX) {
        unsigned domid, devid;
        if (strlen(de->d_name) < NAME_MAX_ && parse_name(de->d_name, &domid, &devid)) {
            strcpy(found[count++], de->d_name);
        }
    }
    closedir(d);
    out = malloc(count * (sizeof *out + NAME_MAX_) + 1);
    if (!out) {
        free(found);
        return -ENOMEM;
    }
    s = (char *) (out + count);
    for (unsigned i = 0; i < count; i++, s += NAME_MAX_) {
        out[i] = strcpy(s, found[i]);
    }
    free(found);
    *names = out;
    *n = count;
    return 0;
}
