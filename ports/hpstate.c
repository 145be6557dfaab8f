/* hpstate: record of a persistent host port TAP (see hpstate.h). */
#include "ports/hpstate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"
#include "ports/ifaddr.h"

enum hpstate_verdict
hpstate_decide(int dev_ifindex, bool is_tap, const struct hpstate_rec *rec)
{
    if (dev_ifindex <= 0) {
        return HPSTATE_CREATE;
    }
    if (is_tap && rec && rec->ifindex == dev_ifindex) {
        return HPSTATE_ADOPT;
    }
    return HPSTATE_FOREIGN;
}

static bool
valid_ifname(const char *s)
{
    return *s && strlen(s) < IF_NAMESIZE && !strchr(s, '/') && !strchr(s, ' ')
           && strcmp(s, ".") && strcmp(s, "..");
}

int
hpstate_parse(const char *text, struct hpstate_rec *rec)
{
    char buf[HPSTATE_TEXT_MAX + 1], *line, *save = NULL;
    bool have_idx = false, have_tko = false;

    if (strlen(text) > HPSTATE_TEXT_MAX) {
        return -EINVAL;
    }
    memset(rec, 0, sizeof *rec);
    strcpy(buf, text);
    for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *val = strchr(line, ' '), *end;

        if (!val) {
            return -EINVAL;
        }
        *val++ = '\0';
        if (!strcmp(line, "ifindex") && !have_idx) {
            long v;

            errno = 0;
            v = strtol(val, &end, 10);
            if (errno || *end || *val < '1' || *val > '9' || v > INT_MAX) {
                return -EINVAL;
            }
            rec->ifindex = (int) v;
            have_idx = true;
        } else if (!strcmp(line, "takeover") && !have_tko && valid_ifname(val)) {
            strcpy(rec->takeover, val);
            have_tko = true;
        } else {
            return -EINVAL;
        }
    }
    return have_idx ? 0 : -EINVAL;
}

int
hpstate_format(const struct hpstate_rec *rec, char *buf, size_t size)
{
    int n;

    if (rec->ifindex <= 0 || (rec->takeover[0] && !valid_ifname(rec->takeover))) {
        return -EINVAL;
    }
    n = snprintf(buf, size, "ifindex %d\n%s%s%s", rec->ifindex,
                 rec->takeover[0] ? "takeover " : "", rec->takeover,
                 rec->takeover[0] ? "\n" : "");
    return n < 0 || (size_t) n >= size ? -ENOSPC : 0;
}

bool
hpstate_flags_are_tap(const char *text)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(text, &end, 16);
    return !errno && end != text && (*end == '\n' || !*end)
           && (v & (IFF_TUN | IFF_TAP)) == IFF_TAP;
}

static int
read_small(const char *path, char *buf, size_t size)
{
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return -errno;
    }
    n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0) {
        return -errno;
    }
    buf[n] = '\0';
    return 0;
}

bool
hpstate_dev_is_tap(const char *name)
{
    char path[PATH_MAX], buf[32];

    return valid_ifname(name)
           && snprintf(path, sizeof path, "/sys/class/net/%s/tun_flags", name)
              < (int) sizeof path
           && !read_small(path, buf, sizeof buf) && hpstate_flags_are_tap(buf);
}

static int
rec_path(const char *dir, const char *name, char *path, size_t size)
{
    if (!valid_ifname(name)) {
        return -EINVAL;
    }
    return snprintf(path, size, "%s/" HPSTATE_PREFIX "%s", dir, name) < (int) size
           ? 0 : -ENAMETOOLONG;
}

int
hpstate_load(const char *dir, const char *name, struct hpstate_rec *rec)
{
    char path[PATH_MAX], buf[HPSTATE_TEXT_MAX + 2];
    int r = rec_path(dir, name, path, sizeof path);

    if (!r) {
        r = read_small(path, buf, sizeof buf);
    }
    if (r == -ENOENT) {
        return r;
    }
    if (r || hpstate_parse(buf, rec)) {
        XLOG_WARN_(XLOG_MOD_HOSTPORT, "host port record %s: %s", path,
                   r ? strerror(-r) : "malformed");
        return -EINVAL;
    }
    return 0;
}

int
hpstate_save(const char *dir, const char *name, const struct hpstate_rec *rec)
{
    char path[PATH_MAX], tmp[PATH_MAX + 8], text[HPSTATE_TEXT_MAX];
    FILE *f;
    int r = rec_path(dir, name, path, sizeof path);

    if (!r) {
        r = hpstate_format(rec, text, sizeof text);
    }
    if (r) {
        return r;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "we");
    if (!f) {
        return -errno;
    }
    fputs(text, f);
    if (fclose(f) || rename(tmp, path)) {
        r = -errno;
        unlink(tmp);
    }
    return r;
}

void
hpstate_remove(const char *dir, const char *name)
{
    char path[PATH_MAX];

    if (!rec_path(dir, name, path, sizeof path) && unlink(path) && errno != ENOENT) {
        XLOG_WARN_(XLOG_MOD_HOSTPORT, "host port record %s: %s", path, strerror(errno));
    }
}

/* Attach to our persistent TAP and turn persistence off: it goes away when
 * the fd closes. */
static int
tap_delete(const char *name)
{
    struct ifreq ifr;
    int fd, r = 0;

    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    str_copy(ifr.ifr_name, sizeof ifr.ifr_name, name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 0L) < 0) {
        r = -errno;
    }
    close(fd);
    return r;
}

static void
remove_leftover(const char *dir, const char *name)
{
    struct hpstate_rec rec = { 0 };
    int idx = (int) if_nametoindex(name);
    bool ours = !hpstate_load(dir, name, &rec)
                && hpstate_decide(idx, hpstate_dev_is_tap(name), &rec) == HPSTATE_ADOPT;
    int r = 0;

    /* Our TAP, or none left: its uplink gets the addresses back. */
    if ((ours || !idx) && rec.takeover[0]) {
        ifaddr_release(rec.takeover, name, dir);
    }
    if (ours) {
        r = tap_delete(name);
    }
    if (r) {
        XLOG_ERR_(XLOG_MOD_HOSTPORT, "host port %s: leftover of an unclean stop, no longer "
                  "configured: cannot delete it: %s", name, strerror(-r));
    } else {
        XLOG_WARN_(XLOG_MOD_HOSTPORT, "host port %s: leftover of an unclean stop, no longer "
                   "configured: %s, record removed", name,
                   ours ? "device deleted" : idx ? "device is not ours, left alone"
                   : "device was gone");
    }
    hpstate_remove(dir, name);
}

int
hpstate_remove_leftovers(const char *dir, bool (*keep)(const char *, void *), void *arg)
{
    struct dirent *de;
    DIR *d = opendir(dir);
    int n = 0;

    if (!d) {
        return 0;
    }
    while ((de = readdir(d))) {
        const char *name = de->d_name + strlen(HPSTATE_PREFIX);

        if (strncmp(de->d_name, HPSTATE_PREFIX, strlen(HPSTATE_PREFIX))
            || !valid_ifname(name) || strstr(name, ".tmp") || keep(name, arg)) {
            continue;
        }
        remove_leftover(dir, name);
        n++;
    }
    closedir(d);
    return n;
}
