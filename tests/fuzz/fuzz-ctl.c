/* libFuzzer target: the control protocol dispatcher with every switch
 * command, on bridges with fake ports.  Any request line must get a reply
 * object with a boolean "ok" and, when not ok, an error string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/brmgr.h"
#include "daemon/ctl.h"
#include "daemon/ctl_commands.h"
#include "lib/log.h"
#include "tests/unit/test-ctl-fake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    bool fatal;

    if (!ready) {
        static const char *const setup[] = {
            "{\"command\":\"add-br\",\"args\":[\"xenbr0\",\"uplink=eth0\"]}",
            "{\"command\":\"add-port\",\"args\":[\"xenbr0\",\"vif1\",\"vlan=10\"]}",
        };
        xlog_init(XLOG_TO_STDERR, XLOG_ERR);
        brmgr_init(NULL, &fake_factory);
        if (ctl_commands_register())
            abort();
        for (size_t i = 0; i < 2; i++)
            json_decref(ctl_dispatch(setup[i], strlen(setup[i]), &fatal));
        ready = true;
    }
    if (size > CTL_REQUEST_MAX)
        return 0;
    json_t *reply = ctl_dispatch((const char *)data, size, &fatal);
    json_t *ok = json_object_get(reply, "ok");
    if (!json_is_boolean(ok)
        || (json_is_false(ok) && !json_is_string(json_object_get(reply, "error"))))
        abort();
    json_decref(reply);
    return 0;
}
