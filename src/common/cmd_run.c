#include "common/cmd_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/prctl.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/deadline.h"

extern char **environ;

static int cmd_run_setup(posix_spawn_file_actions_t *fa, posix_spawnattr_t *at, int wfd)
{
	sigset_t none, dfl;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	if (posix_spawn_file_actions_init(fa))
		return -ENOMEM;
	if (posix_spawnattr_init(at)) {
		posix_spawn_file_actions_destroy(fa);
		return -ENOMEM;
	}
	posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(fa, wfd, 1);
	posix_spawn_file_actions_adddup2(fa, wfd, 2);
	posix_spawnattr_setsigmask(at, &none);
	posix_spawnattr_setsigdefault(at, &dfl);
	posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(at, 0);
	return 0;
}

/* How long the output is still read after the command itself exited: a
 * background process it left (charon, started by a script) may hold the
 * pipe open for ever, and is not waited for. */
#define CMD_RUN_DRAIN_MS 200

static void cmd_run_keep(struct strbuf *out, size_t max_bytes, size_t *kept,
			 const char *buf, size_t n, struct cmd_run_result *res)
{
	size_t k;

	if (!out)
		return;
	k = *kept < max_bytes ? (n < max_bytes - *kept ? n : max_bytes - *kept) : 0;
	strbuf_add(out, buf, k);
	*kept += k;
	if (k < n)
		res->truncated = 1;
}

static void cmd_run_kill(pid_t pid, int *status, struct cmd_run_result *res)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	res->timed_out = 1;
}

/* Reads the output until the command exits and the pipe ends (or, after
 * the exit, CMD_RUN_DRAIN_MS more), or the deadline; *status is its wait
 * status. */
static void cmd_run_wait(pid_t pid, int fd, const struct deadline *dl, struct strbuf *out,
			 size_t max_bytes, int *status, struct cmd_run_result *res)
{
	struct deadline drain = { 0 };
	bool exited = false, open_pipe = true;
	size_t kept = 0;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int wait_ms = deadline_remaining_ms(exited ? &drain : dl);
		char buf[4096];
		ssize_t n;

		if (!exited && waitpid(pid, status, WNOHANG) == pid) {
			exited = true;
			drain = deadline_in_ms(CMD_RUN_DRAIN_MS);
			continue;
		}
		if (exited && (!open_pipe || wait_ms <= 0))
			return;
		if (wait_ms <= 0) {
			cmd_run_kill(pid, status, res);
			return;
		}
		if (!open_pipe) {
			usleep(20000);
			continue;
		}
		if (poll(&p, 1, wait_ms > 20 ? 20 : wait_ms) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			open_pipe = false;
		else
			cmd_run_keep(out, max_bytes, &kept, buf, (size_t)n, res);
	}
}

int cmd_run(char *const argv[], uint64_t timeout_ms, struct strbuf *out, size_t max_bytes,
	    struct cmd_run_result *res, struct ikw_err *err)
{
	struct deadline dl = deadline_in_ms((int)(timeout_ms > 3600000 ? 3600000 : timeout_ms));
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int pfd[2], r, status = 0;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	res->exit_code = -1;
	if (pipe2(pfd, O_CLOEXEC))
		return err_set(err, -errno, "pipe: %s", strerror(errno));
	if ((r = cmd_run_setup(&fa, &at, pfd[1]))) {
		close(pfd[0]);
		close(pfd[1]);
		return err_set(err, r, "out of memory");
	}
	r = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(pfd[1]);
	if (r) {
		close(pfd[0]);
		return err_set(err, -r, "cannot run '%s': %s", argv[0], strerror(r));
	}
	cmd_run_wait(pid, pfd[0], &dl, out, max_bytes, &status, res);
	close(pfd[0]);
	if (!res->timed_out && WIFEXITED(status))
		res->exit_code = WEXITSTATUS(status);
	else if (!res->timed_out && WIFSIGNALED(status))
		res->signal = WTERMSIG(status);
	return 0;
}

int cmd_run_ambient(uint64_t caps, char *const argv[], uint64_t timeout_ms,
		    struct strbuf *out, size_t max_bytes, struct cmd_run_result *res,
		    struct ikw_err *err)
{
	uint64_t raised = 0;
	unsigned cap;
	int r;

	for (cap = 0; cap < 64; cap++)
		if (caps & (1ULL << cap) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) == 0)
			raised |= 1ULL << cap;
	r = cmd_run(argv, timeout_ms, out, max_bytes, res, err);
	for (cap = 0; cap < 64; cap++)
		if (raised & (1ULL << cap))
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0);
	return r;
}
