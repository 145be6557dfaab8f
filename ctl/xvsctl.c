/* xvsctl: command line client of xvsd's control socket.
 *
 * Parses options, checks the arguments of the commands it knows, sends one
 * request, prints the result as a text table (or JSON with -j) and maps the
 * outcome to an exit status (enum ctl_exit). */
#include <config.h>

#include "ctl/ctl.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define TIMEOUT_MAX_S 86400

struct options {
    const char *socket;
    unsigned timeout_ms;
    bool json, pretty;
};

static void
print_command_usage(FILE *out, const struct ctl_command *c)
{
    char synopsis[128];
    snprintf(synopsis, sizeof synopsis, "%s%s%s", c->name, *c->args ? " " : "", c->args);
    if (strlen(synopsis) <= 30) {
        fprintf(out, "  %-30s  %s\n", synopsis, c->summary);
    } else {
        fprintf(out, "  %s\n  %-30s  %s\n", synopsis, "", c->summary);
    }
}

static void
usage(FILE *out)
{
    const struct ctl_command *c;

    fprintf(out,
            "Usage: xvsctl [OPTIONS] COMMAND [ARG...]\n"
            "Control xvsd, the xvs Xen network backend and switch daemon.\n"
            "\nCommands:\n");
    for (unsigned i = 0; (c = ctl_command_at(i)); i++) {
        print_command_usage(out, c);
    }
    fprintf(out,
            "  %-30s  %s\n"
            "Any other COMMAND is sent to xvsd as it is, with its arguments, and\n"
            "its result is printed as JSON.\n"
            "\nOptions:\n"
            "  -j, --json            print the result as JSON (one line)\n"
            "  -p, --pretty          print the result as indented JSON\n"
            "  -s, --socket=PATH     control socket (default $%s or %s)\n"
            "  -t, --timeout=SECS    give up after SECS seconds (default %d, 0: never)\n"
            "  -h, --help            show this help\n"
            "  -V, --version         show the version of xvsctl\n"
            "\nExit status: 0 success, 1 xvsd reported an error, 2 bad usage,\n"
            "3 xvsd unreachable or its reply unreadable.\n",
            "help [COMMAND]", "show help (for one command)",
            CTL_SOCKET_ENV, CTL_DEFAULT_SOCKET, CTL_DEFAULT_TIMEOUT_S);
}

static int
usage_error(const char *msg)
{
    fprintf(stderr, "xvsctl: %s (try \"xvsctl --help\")\n", msg);
    return CTL_EXIT_USAGE;
}

static int
help_command(int argc, char *argv[])
{
    if (argc == 0) {
        usage(stdout);
        return CTL_EXIT_OK;
    }
    if (argc > 1) {
        return usage_error("help: too many arguments (usage: help [COMMAND])");
    }
    const struct ctl_command *c = ctl_command_find(argv[0]);
    if (!c) {
        printf("xvsctl does not know \"%s\"; it would be sent to xvsd as it is\n"
               "and its result printed as JSON.\n", argv[0]);
        return CTL_EXIT_OK;
    }
    printf("Usage: xvsctl [OPTIONS] %s%s%s\n  %s\n", c->name, *c->args ? " " : "",
           c->args, c->summary);
    return CTL_EXIT_OK;
}

static int
parse_options(int argc, char *argv[], struct options *o)
{
    static const struct option long_opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "pretty", no_argument, NULL, 'p' },
        { "socket", required_argument, NULL, 's' },
        { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    unsigned long long secs;
    char msg[300];
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "jps:t:hV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            o->json = true;
            break;
        case 'p':
            o->json = o->pretty = true;
            break;
        case 's':
            if (!*optarg) {
                return usage_error("--socket needs a path");
            }
            o->socket = optarg;
            break;
        case 't':
            if (parse_uint(optarg, TIMEOUT_MAX_S, &secs)) {
                snprintf(msg, sizeof msg, "--timeout: \"%s\" is not a number of "
                         "seconds in 0..%d", optarg, TIMEOUT_MAX_S);
                return usage_error(msg);
            }
            o->timeout_ms = secs * 1000;
            break;
        case 'h':
            usage(stdout);
            exit(CTL_EXIT_OK);
        case 'V':
            printf("xvsctl (xvs) %s\n", PACKAGE_VERSION);
            exit(CTL_EXIT_OK);
        default:
            if (optopt && strchr("st", optopt)) {
                snprintf(msg, sizeof msg, "option -%c needs an argument", optopt);
            } else if (optopt) {
                snprintf(msg, sizeof msg, "unknown option -%c", optopt);
            } else {
                snprintf(msg, sizeof msg, "unknown or incomplete option \"%s\"",
                         argv[optind - 1]);
            }
            return usage_error(msg);
        }
    }
    return -1;
}

/* Prints the reply; returns the exit status. */
static int
handle_reply(const struct options *o, const struct ctl_command *c, json_t *reply)
{
    json_t *ok = json_object_get(reply, "ok");
    if (!json_is_boolean(ok)) {
        fprintf(stderr, "xvsctl: bad reply from xvsd (no \"ok\" member)\n");
        return CTL_EXIT_UNREACHABLE;
    }
    if (!json_is_true(ok)) {
        const char *error = json_string_value(json_object_get(reply, "error"));
        fprintf(stderr, "xvsctl: %s\n", error ? error : "xvsd reported an error");
        return CTL_EXIT_DAEMON_ERROR;
    }

    json_t *result = json_object_get(reply, "result");
    if (!result) {
        result = json_null();
    }
    if (o->json) {
        ctl_print_json(stdout, result, o->pretty);
    } else if ((c ? c->render : ctl_render_generic)(stdout, result)) {
        /* Unexpected shape: show it all rather than guess. */
        ctl_print_json(stdout, result, true);
    }
    if (fflush(stdout) || ferror(stdout)) {
        perror("xvsctl: writing output");
        return CTL_EXIT_USAGE;
    }
    return CTL_EXIT_OK;
}

int
main(int argc, char *argv[])
{
    struct options o = {
        .socket = getenv(CTL_SOCKET_ENV),
        .timeout_ms = CTL_DEFAULT_TIMEOUT_S * 1000,
    };
    if (!o.socket || !*o.socket) {
        o.socket = CTL_DEFAULT_SOCKET;
    }

    int status = parse_options(argc, argv, &o);
    if (status >= 0) {
        return status;
    }
    if (optind >= argc) {
        return usage_error("missing command");
    }

    const char *name = argv[optind];
    int nargs = argc - optind - 1;
    char **args = argv + optind + 1;
    if (!strcmp(name, "help")) {
        return help_command(nargs, args);
    }

    const struct ctl_command *c = ctl_command_find(name);
    char err[512];
    if (c && ctl_command_check(c, nargs, args, err, sizeof err)) {
        fprintf(stderr, "xvsctl: %s\n", err);
        return CTL_EXIT_USAGE;
    }

    json_t *jargs = json_array();
    bool utf8 = jargs != NULL;
    for (int i = 0; utf8 && i < nargs; i++) {
        utf8 = !json_array_append_new(jargs, json_string(args[i]));
    }
    json_t *request = utf8 ? json_pack("{s:s, s:o}", "command", name, "args", jargs)
                           : (json_decref(jargs), NULL);
    if (!request) {
        fprintf(stderr, "xvsctl: arguments are not valid UTF-8\n");
        return CTL_EXIT_USAGE;
    }

    json_t *reply = NULL;
    if (ctl_transact(o.socket, o.timeout_ms, request, &reply, err, sizeof err)) {
        fprintf(stderr, "xvsctl: %s\n", err);
        json_decref(request);
        return CTL_EXIT_UNREACHABLE;
    }
    json_decref(request);

    status = handle_reply(&o, c, reply);
    json_decref(reply);
    return status;
}
