/* sdload: see sdload.h. */
#include "lib/sdload.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

static void *handle;
static bool tried;
static char why[256];
static __typeof__(sd_notify) *p_notify;
static __typeof__(sd_journal_sendv) *p_sendv;

static bool load(void)
{
    if (tried)
        return handle != NULL;
    tried = true;
    handle = dlopen(SDLOAD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (handle) {
        p_notify = (__typeof__(p_notify)) dlsym(handle, "sd_notify");
        p_sendv = (__typeof__(p_sendv)) dlsym(handle, "sd_journal_sendv");
        if (p_notify && p_sendv)
            return true;
        snprintf(why, sizeof why, "%s: no sd_notify or sd_journal_sendv", SDLOAD_SONAME);
        dlclose(handle);
        handle = NULL;
        return false;
    }
    const char *e = dlerror();
    snprintf(why, sizeof why, "%s", e ? e : SDLOAD_SONAME ": cannot load");
    return false;
}

int sdload_notify(const char *state)
{
    if (!getenv("NOTIFY_SOCKET"))
        return 0;
    return load() ? p_notify(0, state) : -ELIBACC;
}

int sdload_journal_sendv(const struct iovec *iov, int n)
{
    return load() ? p_sendv(iov, n) : -ELIBACC;
}

bool sdload_loaded(void) { return handle != NULL; }
const char *sdload_error(void) { return why; }
