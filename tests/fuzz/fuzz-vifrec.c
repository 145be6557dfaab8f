/* fuzz-vifrec: libFuzzer target for the vif record parser
 * (xenstore/vifrec.c), the file a restarted xvsd resumes a guest's rings
 * from.
 *
 * The records live in xvsd's root-only state directory, so this is not a
 * guest trust boundary; but a restarted xvsd must never act on a record
 * it half understood.  Input: the bytes of one record file.  Checked:
 * a refused record says why (non-empty `err`); an accepted one, written
 * back by vifrec_write() and read again, gives the same record (device,
 * frontend path, every key's value or absence, rings, event channels,
 * features).  Any difference, crash, sanitizer report or leak is a bug. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenstore/vifrec.h"

#define FUZZ_NAME "vif-5-0"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir_in[64], dir_out[64];

static void
make_dirs(void)
{
    if (dir_in[0]) {
        return;
    }
    /* tmpfs if there is one: each input is two files written and read */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir_in, sizeof dir_in, "%s/fuzz-vifrec-in.XXXXXX", base);
    snprintf(dir_out, sizeof dir_out, "%s/fuzz-vifrec-out.XXXXXX", base);
    if (!mkdtemp(dir_in) || !mkdtemp(dir_out)) {
        perror("fuzz-vifrec: mkdtemp");
        abort();
    }
}

static bool
same_record(const struct vifrec *a, const struct vifrec *b)
{
    if (a->domid != b->domid || a->devid != b->devid || strcmp(a->fe_path, b->fe_path)
        || !vifrec_rings_equal(&a->rings, &b->rings)) {
        return false;
    }
    for (unsigned k = 0; k < KEY_N; k++) {
        if (!a->raw[k] != !b->raw[k] || (a->raw[k] && strcmp(a->raw[k], b->raw[k]))) {
            return false;
        }
    }
    return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128], err[256] = "";
    struct vifrec r, again;
    FILE *f;
    int e;

    make_dirs();
    snprintf(path, sizeof path, "%s/" FUZZ_NAME, dir_in);
    f = fopen(path, "w");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
        perror("fuzz-vifrec: writing the input");
        abort();
    }
    if (vifrec_read(dir_in, FUZZ_NAME, &r, err, sizeof err) < 0) {
        if (!err[0]) {
            abort();                    /* every refusal must explain itself */
        }
        return 0;
    }
    /* what the parser accepts has no newline and fits VIFREC_VALUE_MAX,
     * so the writer must take it back (-EINVAL would be a bug too) */
    e = vifrec_write(dir_out, &r);
    if (e < 0) {
        fprintf(stderr, "fuzz-vifrec: write: %s\n", strerror(-e));
        abort();
    }
    if (vifrec_read(dir_out, FUZZ_NAME, &again, err, sizeof err) < 0) {
        fprintf(stderr, "fuzz-vifrec: own record refused: %s\n", err);
        abort();
    }
    if (!same_record(&r, &again)) {
        fprintf(stderr, "fuzz-vifrec: record changed by a write and a read\n");
        abort();
    }
    vifrec_free(&again);
    vifrec_free(&r);
    return 0;
}
