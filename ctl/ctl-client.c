/* ctl-client: one request/reply exchange with xvsd over its unix socket.
 *
 * Every step (connect, send, receive) shares one deadline so xvsctl never
 * hangs on a stuck daemon; the reply is bounded by CTL_REPLY_MAX. */
#include "ctl/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static uint64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for `events` on fd until the deadline (0 = none).
 * Returns 0, -ETIMEDOUT or -errno. */
static int
wait_fd(int fd, short events, uint64_t deadline)
{
    for (;;) {
        int timeout = -1;
        if (deadline) {
            uint64_t now = now_ms();
            if (now >= deadline) {
                return -ETIMEDOUT;
            }
            uint64_t left = deadline - now;
            timeout = left > INT32_MAX ? INT32_MAX : (int) left;
        }
        struct pollfd pfd = { .fd = fd, .events = events };
        int n = poll(&pfd, 1, timeout);
        if (n > 0) {
            return 0;
        } else if (n == 0) {
            return -ETIMEDOUT;
        } else if (errno != EINTR) {
            return -errno;
        }
    }
}

static int
connect_socket(const char *path, uint64_t deadline, int *fdp)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sun.sun_path) {
        return -ENAMETOOLONG;
    }
    strcpy(sun.sun_path, path);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -errno;
    }
    if (connect(fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
        int error = errno;
        if (error != EINPROGRESS && error != EAGAIN) {
            close(fd);
            return -error;
        }
        /* Backlog full: wait for the daemon to accept. */
        error = -wait_fd(fd, POLLOUT, deadline);
        if (!error) {
            socklen_t len = sizeof error;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) {
                error = errno;
            }
        }
        if (error) {
            close(fd);
            return -error;
        }
    }
    *fdp = fd;
    return 0;
}

static int
send_all(int fd, const char *buf, size_t len, uint64_t deadline)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= n;
        } else if (n < 0 && errno == EAGAIN) {
            int error = wait_fd(fd, POLLOUT, deadline);
            if (error) {
                return error;
            }
        } else if (n < 0 && errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}

/* Reads until a newline or EOF.  Returns the length (0 = EOF without
 * data), -EMSGSIZE past CTL_REPLY_MAX, -ETIMEDOUT or -errno. */
static ssize_t
recv_line(int fd, char **bufp, uint64_t deadline)
{
    size_t len = 0, size = 4096;
    char *buf = malloc(size);
    if (!buf) {
        return -ENOMEM;
    }
    for (;;) {
        if (len == size) {
            if (size >= CTL_REPLY_MAX) {
                free(buf);
                return -EMSGSIZE;
            }
            size *= 2;
            char *nbuf = realloc(buf, size);
            if (!nbuf) {
                free(buf);
                return -ENOMEM;
            }
            buf = nbuf;
        }
        ssize_t n = recv(fd, buf + len, size - len, 0);
        if (n > 0) {
            char *nl = memchr(buf + len, '\n', n);
            len += n;
            if (nl) {
                len = nl - buf;
                break;
            }
        } else if (n == 0) {
            break;
        } else if (errno == EAGAIN) {
            int error = wait_fd(fd, POLLIN, deadline);
            if (error) {
                free(buf);
                return error;
            }
        } else if (errno != EINTR) {
            int error = errno;
            free(buf);
            return -error;
        }
    }
    *bufp = buf;
    return len;
}

int
ctl_transact(const char *path, unsigned timeout_ms, json_t *request,
             json_t **reply, char *errbuf, size_t errlen)
{
    uint64_t deadline = timeout_ms ? now_ms() + timeout_ms : 0;
    int fd = -1, error;

    error = connect_socket(path, deadline, &fd);
    if (error) {
        bool not_running = error == -ENOENT || error == -ECONNREFUSED;
        snprintf(errbuf, errlen, "cannot connect to xvsd at %s: %s%s", path,
                 strerror(-error), not_running ? " (is xvsd running?)" : "");
        return -CTL_EXIT_UNREACHABLE;
    }

    /* Protocol: one line of compact JSON (jansson escapes newlines). */
    char *line = json_dumps(request, JSON_COMPACT);
    char *msg = line ? realloc(line, strlen(line) + 2) : NULL;
    if (!msg) {
        free(line);
        close(fd);
        snprintf(errbuf, errlen, "out of memory");
        return -CTL_EXIT_UNREACHABLE;
    }
    strcat(msg, "\n");
    error = send_all(fd, msg, strlen(msg), deadline);
    free(msg);
    if (error) {
        close(fd);
        snprintf(errbuf, errlen, "sending to xvsd at %s: %s", path,
                 error == -ETIMEDOUT ? "timed out" : strerror(-error));
        return -CTL_EXIT_UNREACHABLE;
    }

    char *buf = NULL;
    ssize_t n = recv_line(fd, &buf, deadline);
    close(fd);
    if (n <= 0) {
        snprintf(errbuf, errlen, "no reply from xvsd at %s: %s", path,
                 n == 0 ? "connection closed"
                 : n == -ETIMEDOUT ? "timed out (use --timeout to wait longer)"
                 : n == -EMSGSIZE ? "reply too long"
                 : strerror((int) -n));
        free(buf);
        return -CTL_EXIT_UNREACHABLE;
    }

    json_error_t jerr;
    *reply = json_loadb(buf, n, 0, &jerr);
    free(buf);
    if (!*reply) {
        snprintf(errbuf, errlen, "bad reply from xvsd at %s: %s", path, jerr.text);
        return -CTL_EXIT_UNREACHABLE;
    }
    return 0;
}
