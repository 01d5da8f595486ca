/* Run the built `bitsim` command as a child process for the test_cli_*
 * tests: arguments from a NULL-terminated list, working directory and HOME
 * set to a test directory (so the default store never touches the real
 * home), stdout and stderr captured, the exit status returned. Reads wait
 * with poll() deadlines, never sleeps; a child that outlives the deadline
 * is killed and the test fails.
 *
 * Include after <cmocka.h>. */
#ifndef BSIM_CLI_RUN_H
#define BSIM_CLI_RUN_H

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLI_DEADLINE_MS 20000
#define CLI_OUT_CAP (256 * 1024)

/* When set, the child gets it as $BITSIM_STORE; otherwise the variable is
 * removed, so the caller's environment never leaks into a test. */
static const char *cli_env_store;

struct cli_result {
  int status; /* exit status */
  char out[CLI_OUT_CAP];
  char err[CLI_OUT_CAP];
};

static void cli_child(const char *cwd, const char *const *args, int out,
                      int err) {
  dup2(out, 1);
  dup2(err, 2);
  if (chdir(cwd) != 0) _exit(126);
  setenv("HOME", cwd, 1);
  setenv("USER", "tester", 1);
  if (cli_env_store != NULL) {
    setenv("BITSIM_STORE", cli_env_store, 1);
  } else {
    unsetenv("BITSIM_STORE");
  }
  char *argv[128];
  size_t n = 0;
  argv[n++] = (char *)BSIM_BINARY_DIR "/bitsim";
  for (size_t i = 0; args[i] != NULL && n < 127; i++)
    argv[n++] = (char *)args[i];
  argv[n] = NULL;
  execv(argv[0], argv);
  _exit(127);
}

/* Drain both pipes into r until both close or the deadline passes. */
static int cli_drain(int fds[2], struct cli_result *r) {
  size_t len[2] = {0, 0};
  char *buf[2] = {r->out, r->err};
  int open_count = 2;
  while (open_count > 0) {
    struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
    if (poll(p, 2, CLI_DEADLINE_MS) <= 0) return -1;
    for (int k = 0; k < 2; k++) {
      if (fds[k] < 0 || (p[k].revents & (POLLIN | POLLHUP)) == 0) continue;
      ssize_t got = read(fds[k], buf[k] + len[k], CLI_OUT_CAP - 1 - len[k]);
      if (got <= 0) {
        close(fds[k]);
        fds[k] = -1;
        open_count--;
      } else {
        len[k] += (size_t)got;
      }
    }
  }
  r->out[len[0]] = '\0';
  r->err[len[1]] = '\0';
  return 0;
}

/* Run bitsim with args in cwd; fills r and returns the exit status. */
static int cli_run(const char *cwd, const char *const *args,
                   struct cli_result *r) {
  int out[2];
  int err[2];
  assert_int_equal(pipe(out), 0);
  assert_int_equal(pipe(err), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(out[0]);
    close(err[0]);
    cli_child(cwd, args, out[1], err[1]);
  }
  close(out[1]);
  close(err[1]);
  int fds[2] = {out[0], err[0]};
  if (cli_drain(fds, r) != 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    fail_msg("bitsim did not finish within %d ms", CLI_DEADLINE_MS);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  r->status = WEXITSTATUS(status);
  return r->status;
}

/* Count the lines of text. */
static int cli_lines(const char *text) {
  int n = 0;
  for (; *text; text++)
    n += *text == '\n';
  return n;
}

#endif /* BSIM_CLI_RUN_H */
