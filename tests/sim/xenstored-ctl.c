/* xenstored-ctl: send one XS_CONTROL command through libxenstore
 * (xs_control_command), as xenstore-control does; for shell tests, since
 * Debian's xenstore-control needs the hypervisor tool packages.
 *
 *   XENSTORED_PATH=SOCK xenstored-ctl release 5 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

int
main(int argc, char **argv)
{
    char buf[4096];
    size_t len = 0;
    struct xs_handle *h;
    char *res;

    if (argc < 2) {
        fputs("usage: xenstored-ctl COMMAND [ARG]...\n", stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        if (len + l > sizeof buf) {
            fputs("xenstored-ctl: arguments too long\n", stderr);
            return 2;
        }
        memcpy(buf + len, argv[i], l);
        len += l;
    }
    h = xs_open(0);
    if (!h) {
        perror("xenstored-ctl: xs_open");
        return 1;
    }
    res = xs_control_command(h, argv[1], buf, (unsigned) len);
    if (!res) {
        perror("xenstored-ctl");
        xs_close(h);
        return 1;
    }
    puts(res);
    free(res);
    xs_close(h);
    return 0;
}
