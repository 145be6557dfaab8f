/* xenif: choosing an implementation, and names for grant copy statuses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netback/xenif.h"
#include "netback/xenif_sim.h"

struct xenif *xenif_open(const char *spec, char *err, size_t errlen)
{
    if (!spec || !strcmp(spec, "xen"))
        return xenif_xen_open(err, errlen);
    if (!strcmp(spec, "sim")) {
        const char *dir = getenv("XVS_SIM_DIR");
        return xenif_sim_open(dir && *dir ? dir : XSIM_DEFAULT_DIR, 0, err, errlen);
    }
    if (!strncmp(spec, "sim:", 4) && spec[4])
        return xenif_sim_open(spec + 4, 0, err, errlen);
    snprintf(err, errlen, "xenif: unknown kind \"%s\" (want xen, sim or sim:DIR)", spec);
    return NULL;
}

const char *xenif_gntst_name(int16_t st)
{
    static const char *const names[] = {
        "okay", "general_error", "bad_domain", "bad_gntref", "bad_handle",
        "bad_virt_addr", "bad_dev_addr", "no_device_space", "permission_denied",
        "bad_page", "bad_copy_arg", "address_too_big", "eagain", "no_space",
    };
    int i = -st;
    return i >= 0 && i < (int)(sizeof names / sizeof names[0]) ? names[i] : "unknown";
}
