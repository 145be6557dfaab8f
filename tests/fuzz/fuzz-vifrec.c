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
 * features), and its rings line is byte for byte the one the writer
 * prints (no "+5", "-1" or "0x0x1" taken as a number).  Any difference,
 * crash, sanitizer report or leak is a bug. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenstore/vifrec.h"

#define FUZZ_NAME "vif-5-0"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The "rings ..." line of a record text (up to its newline), or NULL. */
static const char *
rings_line(const char *text, size_t size, size_t *len)
{
    const char *p = text, *end = text + size;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        size_t n = (size_t) ((nl ? nl : end) - p);

        if (n >= 6 && !memcmp(p, "rings ", 6)) {
            *len = n;
            return p;
        }
        p += n + 1;
    }
    return NULL;
}

/* Accepted input's rings line against the one vifrec_write() printed. */
static bool
rings_line_canonical(const uint8_t *data, size_t size, const char *out_path)
{
    char written[4096];
    const char *a, *b;
    size_t alen, blen, n;
    FILE *f = fopen(out_path, "r");

    if (!f) {
        return false;
    }
    n = fread(written, 1, sizeof written, f);
    fclose(f);
    a = rings_line((const char *) data, size, &alen);
    b = rings_line(written, n, &blen);
    return a && b && alen == blen && !memcmp(a, b, alen);
}

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
    snprintf(path, sizeof path, "%s/" FUZZ_NAME, dir_out);
    if (!rings_line_canonical(data, size, path)) {
        fprintf(stderr, "fuzz-vifrec: accepted a rings line the writer does not print\n");
        abort();
    }
    vifrec_free(&again);
    vifrec_free(&r);
    return 0;
}
