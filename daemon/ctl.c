/* ctl: command registry and request dispatcher (protocol in ctl.h). */
#include "daemon/ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

struct ctl_command {
    char name[CTL_COMMAND_NAME_MAX];
    ctl_handler *fn;
    void *arg;
};

static struct ctl_command commands[CTL_COMMANDS_MAX];
static size_t n_commands;

static const struct ctl_command *find(const char *name)
{
    for (size_t i = 0; i < n_commands; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

static json_t *list_commands(size_t argc, const char *const *argv, void *arg,
                             char **err)
{
    json_t *names;

    if (argc)
        return ctl_errf(err, "takes no arguments");
    names = json_array();
    for (size_t i = 0; names && i < n_commands; i++)
        json_array_append_new(names, json_string(commands[i].name));
    return names;
}

int ctl_register_command(const char *name, ctl_handler *fn, void *arg)
{
    size_t len = strlen(name);

    if (!len || len >= CTL_COMMAND_NAME_MAX || strspn(name,
        "abcdefghijklmnopqrstuvwxyz0123456789-") != len || !fn)
        return -EINVAL;
    if (!n_commands && strcmp(name, "list-commands"))
        ctl_register_command("list-commands", list_commands, NULL);
    if (find(name))
        return -EEXIST;
    if (n_commands >= CTL_COMMANDS_MAX)
        return -ENOSPC;
    /* Keep the table sorted, so list-commands is too. */
    size_t i = n_commands;
    while (i > 0 && strcmp(commands[i - 1].name, name) > 0) {
        commands[i] = commands[i - 1];
        i--;
    }
    strcpy(commands[i].name, name);
    commands[i].fn = fn;
    commands[i].arg = arg;
    n_commands++;
    return 0;
}

void ctl_unregister_all(void)
{
    n_commands = 0;
}

json_t *ctl_errf(char **err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(err, fmt, ap) < 0)
        *err = NULL;
    va_end(ap);
    return NULL;
}

static json_t *reply_error(const char *prefix, const char *msg)
{
    char *text = NULL;
    json_t *r, *e;

    if (asprintf(&text, "%s: %s", prefix, msg ? msg : "out of memory") < 0)
        text = NULL;
    e = text ? json_string(text) : NULL;
    if (text && !e) {
        /* Not UTF-8: jansson quotes the bytes of a bad request in its
         * message.  Keep the ASCII. */
        for (char *c = text; *c; c++)
            if ((unsigned char)*c >= 0x80)
                *c = '?';
        e = json_string(text);
    }
    r = json_pack("{s:b, s:o}", "ok", 0, "error", e ? e : json_string("out of memory"));
    free(text);
    return r;
}

/* Checks the request's shape; returns NULL or a reason. */
static const char *check_request(json_t *req, const char **cmd, json_t **args)
{
    const char *key;
    json_t *v;

    if (!json_is_object(req))
        return "a request must be a JSON object {\"command\": ..., \"args\": [...]}";
    json_object_foreach(req, key, v) {
        if (strcmp(key, "command") && strcmp(key, "args"))
            return "unknown member (only \"command\" and \"args\" are allowed)";
    }
    v = json_object_get(req, "command");
    if (!json_is_string(v))
        return "\"command\" must be a string";
    *cmd = json_string_value(v);
    if (!**cmd || strlen(*cmd) != json_string_length(v))
        return "\"command\" must be a non-empty string without NUL characters";
    *args = json_object_get(req, "args");
    if (*args && !json_is_array(*args))
        return "\"args\" must be an array of strings";
    if (*args && json_array_size(*args) > CTL_ARGS_MAX)
        return "too many args (at most 64)";
    for (size_t i = 0; *args && i < json_array_size(*args); i++)
        if (!json_is_string(json_array_get(*args, i)))
            return "\"args\" must be an array of strings";
    return NULL;
}

json_t *ctl_dispatch(const char *req, size_t len, bool *fatal)
{
    const char *argv[CTL_ARGS_MAX + 1];
    const char *cmd = NULL, *why;
    json_t *request, *args = NULL, *result, *reply;
    json_error_t jerr;
    char *err = NULL, msg[256];

    *fatal = true;
    request = json_loadb(req, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!request) {
        snprintf(msg, sizeof msg, "not valid JSON (column %d: %s)", jerr.column,
                 jerr.text);
        return reply_error("request", msg);
    }
    why = check_request(request, &cmd, &args);
    if (why) {
        reply = reply_error("request", why);
        json_decref(request);
        return reply;
    }
    *fatal = false;

    const struct ctl_command *c = find(cmd);
    if (!c) {
        snprintf(msg, sizeof msg, "unknown command (see list-commands)");
        reply = reply_error(strlen(cmd) < 64 ? cmd : "request", msg);
        json_decref(request);
        return reply;
    }
    size_t argc = args ? json_array_size(args) : 0;
    for (size_t i = 0; i < argc; i++)
        argv[i] = json_string_value(json_array_get(args, i));
    argv[argc] = NULL;

    xlog(XLOG_MOD_CTL, XLOG_DBG, "command %s (%zu args)", cmd, argc);
    result = c->fn(argc, argv, c->arg, &err);
    if (result) {
        reply = json_pack("{s:b, s:o}", "ok", 1, "result", result);
        if (!reply)                     /* e.g. a NULL member inside */
            reply = reply_error(cmd, "result could not be encoded (out of memory?)");
    } else {
        reply = reply_error(cmd, err);
        xlog(XLOG_MOD_CTL, XLOG_DBG, "command %s failed: %s", cmd, err ? err : "?");
    }
    free(err);
    json_decref(request);
    return reply;
}

char *ctl_dispatch_line(const char *req, size_t len, bool *fatal)
{
    json_t *reply = ctl_dispatch(req, len, fatal);
    char *text, *line = NULL;

    if (!reply)
        return strdup("{\"ok\": false, \"error\": \"request: out of memory\"}\n");
    text = json_dumps(reply, JSON_COMPACT);
    json_decref(reply);
    if (text && asprintf(&line, "%s\n", text) < 0)
        line = NULL;
    free(text);
    return line ? line : strdup("{\"ok\": false, \"error\": \"request: out of memory\"}\n");
}
