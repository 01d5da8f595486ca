/* The `bitsim serve` command as a script uses it: it prints the port alone on
 * its first line, serves files with the faults given by --fault and
 * --fault-file, accepts uploads with --upload-dir and answers them with the
 * --reply text, and exits 0 on SIGTERM or SIGINT; bad arguments exit 2 with
 * a reason, a server that cannot start exits 1, --help exits 0. The command
 * runs as a child process; every read of its output and its exit are
 * waited for with poll() deadlines, never sleeps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "serve_test_client.h"

#define GUID "{7df0354d-249b-430f-820d-3d2a9bef4931}"
#define DEADLINE_MS 10000

struct child {
  pid_t pid;
  int out_fd;
  int err_fd;
};

static char dir[4096];

static void spawn(const char *const *args, struct child *c) {
  int out[2];
  int err[2];
  assert_int_equal(pipe(out), 0);
  assert_int_equal(pipe(err), 0);
  c->pid = fork();
  assert_true(c->pid >= 0);
  if (c->pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(out[0]);
    close(err[0]);
    char *argv[32];
    size_t n = 0;
    argv[n++] = (char *)BSIM_BINARY_DIR "/bitsim";
    for (; args[n - 1] != NULL && n < 31; n++)
      argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    execv(argv[0], argv);
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  c->out_fd = out[0];
  c->err_fd = err[0];
}

/* Read one line from fd within the deadline. Returns its length or -1. */
static int read_line(int fd, char *buf, size_t cap) {
  size_t n = 0;
  while (n + 1 < cap) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, DEADLINE_MS) != 1) return -1;
    char ch;
    if (read(fd, &ch, 1) != 1) return -1;
    if (ch == '\n') break;
    buf[n++] = ch;
  }
  buf[n] = '\0';
  return (int)n;
}

/* Wait (bounded) for stdout to close, i.e. for the process to end, and
 * return its exit status; stderr goes to err. */
static int wait_exit(struct child *c, char *err, size_t cap) {
  char buf[256];
  for (;;) {
    struct pollfd p = {c->out_fd, POLLIN, 0};
    if (poll(&p, 1, DEADLINE_MS) != 1) {
      kill(c->pid, SIGKILL);
      fail_msg("bitsim serve did not exit in time");
    }
    if (read(c->out_fd, buf, sizeof buf) <= 0) break;
  }
  ssize_t n = read(c->err_fd, err, cap - 1);
  err[n > 0 ? n : 0] = '\0';
  int status = 0;
  assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
  close(c->out_fd);
  close(c->err_fd);
  assert_true(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static unsigned start(const char *const *args, struct child *c) {
  spawn(args, c);
  char line[64];
  assert_true(read_line(c->out_fd, line, sizeof line) > 0);
  char *end = NULL;
  unsigned long port = strtoul(line, &end, 10);
  assert_true(*end == '\0' && port > 0 && port < 65536);
  return (unsigned)port;
}

static long get(unsigned port, const char *path, struct http_resp *r) {
  char url[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
  assert_int_equal(http_do("GET", url, NULL, NULL, 0, r), CURLE_OK);
  return r->status;
}

static void test_serves_with_faults_and_stops_on_sigterm(void **state) {
  (void)state;
  char root[4200];
  char fault_file[4200];
  snprintf(root, sizeof root, "%s/root", dir);
  snprintf(fault_file, sizeof fault_file, "%s/faults.txt", dir);
  assert_int_equal(mkdir(root, 0755), 0);
  assert_int_equal(put_file(root, "a.bin", "0123456789", 10), 0);
  assert_int_equal(put_file(root, "b.bin", "abcdefghij", 10), 0);
  const char *faults = "# faults for b.bin\n\n  path=/b.bin,corrupt=0+2 # x\n";
  assert_int_equal(put_file(dir, "faults.txt", faults, strlen(faults)), 0);
  const char *args[] = {"serve",
                        "--root",
                        root,
                        "--fault",
                        "path=/a.bin,status=503,count=1",
                        "--fault-file",
                        fault_file,
                        NULL};
  struct child c;
  unsigned port = start(args, &c);
  struct http_resp r;
  assert_int_equal(get(port, "/a.bin", &r), 503);
  http_resp_free(&r);
  assert_int_equal(get(port, "/a.bin", &r), 200);
  assert_memory_equal(r.body, "0123456789", 10);
  http_resp_free(&r);
  assert_int_equal(get(port, "/b.bin", &r), 200);
  assert_int_equal(r.body[0], (unsigned char)~'a');
  assert_int_equal(r.body[1], (unsigned char)~'b');
  assert_memory_equal(r.body + 2, "cdefghij", 8);
  http_resp_free(&r);
  assert_int_equal(kill(c.pid, SIGTERM), 0);
  char err[4096];
  assert_int_equal(wait_exit(&c, err, sizeof err), 0);
  assert_non_null(strstr(err, "stopped"));
}

static void test_upload_with_reply_and_sigint(void **state) {
  (void)state;
  char up[4200];
  snprintf(up, sizeof up, "%s/up", dir);
  assert_int_equal(mkdir(up, 0755), 0);
  const char *args[] = {"serve", "--upload-dir", up, "--reply=text:got it",
                        NULL};
  struct child c;
  unsigned port = start(args, &c);
  char url[256];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/u.bin", port);
  const char *create[] = {"BITS-Packet-Type: Create-Session",
                          "BITS-Supported-Protocols: " GUID, NULL};
  struct http_resp r;
  assert_int_equal(http_do("BITS_POST", url, create, "", 0, &r), CURLE_OK);
  assert_int_equal(r.status, 200);
  char sid[128];
  snprintf(sid, sizeof sid, "BITS-Session-Id: %.40s",
           http_header(&r, "BITS-Session-Id"));
  http_resp_free(&r);
  const char *frag[] = {"BITS-Packet-Type: Fragment", sid,
                        "Content-Range: bytes 0-4/5", NULL};
  assert_int_equal(http_do("BITS_POST", url, frag, "hello", 5, &r), CURLE_OK);
  assert_int_equal(r.status, 200);
  char reply[512];
  snprintf(reply, sizeof reply, "%.500s", http_header(&r, "BITS-Reply-URL"));
  http_resp_free(&r);
  assert_int_equal(http_do("GET", reply, NULL, NULL, 0, &r), CURLE_OK);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body_len, 6);
  assert_memory_equal(r.body, "got it", 6);
  http_resp_free(&r);
  assert_int_equal(kill(c.pid, SIGINT), 0);
  char err[4096];
  assert_int_equal(wait_exit(&c, err, sizeof err), 0);
  char path[4400];
  snprintf(path, sizeof path, "%s/u.bin", up);
  unsigned char *data = NULL;
  size_t len = 0;
  assert_int_equal(get_file(path, &data, &len), 0);
  assert_int_equal(len, 5);
  assert_memory_equal(data, "hello", 5);
  free(data);
}

static int run_to_exit(const char *const *args, char *err, size_t cap) {
  struct child c;
  spawn(args, &c);
  return wait_exit(&c, err, cap);
}

static void test_bad_arguments(void **state) {
  (void)state;
  char err[4096];
  const char *bad_fault[] = {"serve", "--fault", "path=/a,bogus", NULL};
  assert_int_equal(run_to_exit(bad_fault, err, sizeof err), 2);
  assert_non_null(strstr(err, "unknown field"));
  const char *bad_port[] = {"serve", "--port", "70000", NULL};
  assert_int_equal(run_to_exit(bad_port, err, sizeof err), 2);
  assert_non_null(strstr(err, "--port"));
  const char *unknown[] = {"serve", "--frobnicate", "1", NULL};
  assert_int_equal(run_to_exit(unknown, err, sizeof err), 2);
  const char *missing[] = {"serve", "--root", NULL};
  assert_int_equal(run_to_exit(missing, err, sizeof err), 2);
  const char *reply[] = {"serve", "--reply", "shout", NULL};
  assert_int_equal(run_to_exit(reply, err, sizeof err), 2);
  const char *no_file[] = {"serve", "--fault-file", "/nonexistent/f", NULL};
  assert_int_equal(run_to_exit(no_file, err, sizeof err), 2);
  const char *no_root[] = {"serve", "--root", "/nonexistent/bitsim", NULL};
  assert_int_equal(run_to_exit(no_root, err, sizeof err), 1);
  assert_non_null(strstr(err, "E_INVALIDARG"));
  const char *help[] = {"serve", "--help", NULL};
  assert_int_equal(run_to_exit(help, err, sizeof err), 0);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const char *d = bsim_test_tmpdir("serve_cli");
  if (d == NULL) return 1;
  snprintf(dir, sizeof dir, "%s", d);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_serves_with_faults_and_stops_on_sigterm),
      cmocka_unit_test(test_upload_with_reply_and_sigint),
      cmocka_unit_test(test_bad_arguments),
  };
  int failed = cmocka_run_group_tests_name("serve_cli", tests, NULL, NULL);
  curl_global_cleanup();
  return failed;
}
