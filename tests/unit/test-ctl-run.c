/* test-ctl-run: see test-ctl-run.h. */
#include "tests/unit/test-ctl-run.h"

#include <stdarg.h>
#include <stdlib.h>

#include "daemon/brmgr.h"
#include "daemon/ctl.h"
#include "daemon/ctl_commands.h"
#include "lib/log.h"
#include "tests/unit/test-ctl-fake.h"

json_t *tctl_last;
bool tctl_last_fatal;

json_t *tctl_raw(const char *text)
{
    json_decref(tctl_last);
    tctl_last = ctl_dispatch(text, strlen(text), &tctl_last_fatal);
    return tctl_last;
}

/* Sends {"command": cmd, "args": args}; takes the reference to args. */
static json_t *request(const char *cmd, json_t *args)
{
    json_t *req = json_pack("{s:s, s:o}", "command", cmd, "args", args);
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    tctl_raw(text);
    free(text);
    return tctl_last;
}

json_t *tctl_run(const char *cmd, ...)
{
    json_t *args = json_array();
    const char *a;
    va_list ap;

    va_start(ap, cmd);
    while ((a = va_arg(ap, const char *)))
        json_array_append_new(args, json_string(a));
    va_end(ap);
    return request(cmd, args);
}

json_t *tctl_runv(const char *cmd, const char *const *argv)
{
    json_t *args = json_array();

    for (; *argv; argv++)
        json_array_append_new(args, json_string(*argv));
    return request(cmd, args);
}

json_t *tctl_result(json_t *reply)
{
    if (!json_is_true(json_object_get(reply, "ok"))) {
        fprintf(stderr, "\n  unexpected error: %s\n",
                json_string_value(json_object_get(reply, "error")));
        CU_FAIL("reply not ok");
        return json_null();
    }
    CU_ASSERT_FALSE(tctl_last_fatal);
    return json_object_get(reply, "result");
}

const char *tctl_error(json_t *reply)
{
    const char *e = json_string_value(json_object_get(reply, "error"));
    CU_ASSERT_TRUE(json_is_false(json_object_get(reply, "ok")));
    return e ? e : "(no error)";
}

int tctl_setup(struct evloop *loop)
{
    xlog_init(XLOG_TO_STDERR, XLOG_ERR);
    brmgr_init(loop, &fake_factory);
    return ctl_commands_register();
}

int tctl_teardown(void)
{
    brmgr_destroy_all();
    ctl_unregister_all();
    json_decref(tctl_last);
    tctl_last = NULL;
    return fake_live != 0;
}
