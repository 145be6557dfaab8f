/* detach: fork into the background once ready (see detach.h). */
#include "daemon/detach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int ready_fd = -1;               /* child: write end of the pipe */

int detach_begin(void)
{
    int p[2], status;
    char byte = 0;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -errno;
    }
    if (pid == 0) {
        close(p[0]);
        ready_fd = p[1];
        setsid();
        if (chdir("/") < 0)
            _exit(1);
        return 0;
    }
    close(p[1]);
    while (read(p[0], &byte, 1) < 0 && errno == EINTR)
        continue;
    if (byte == 'R')
        _exit(0);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    _exit(WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
}

void detach_ready(bool keep_stderr)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        if (!keep_stderr)
            dup2(null, STDERR_FILENO);
        close(null);
    }
    if (ready_fd >= 0) {
        while (write(ready_fd, "R", 1) < 0 && errno == EINTR)
            continue;
        close(ready_fd);
        ready_fd = -1;
    }
}
