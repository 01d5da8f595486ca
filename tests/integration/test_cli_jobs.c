/* The bitsadmin-style job commands of `bitsim` within one invocation
 * (users.md §3.1 for the grammar and output shapes): /transfer on the model
 * network (bytes match the model's content, Complete renames into place;
 * a 404 ends in ERROR and the job is cancelled; --fault 503s are retried
 * after the retry delay, and end in ERROR at the no-progress timeout),
 * chains joined by `--`
 * (create, addfile, resume --wait with progress lines, getstate, complete),
 * lookup by name and by GUID with the ambiguity error, one-line errors with
 * a usage hint and nothing run for unknown commands and bad arguments,
 * BITS HRESULTs for illegal calls (BG_E_EMPTY, reference §4.3), /info
 * /verbose after the setters (the 5 s retry-delay floor, reference §5),
 * /list and /reset, /monitor until settled, /addfileset, --json and
 * /rawreturn, progress bars versus plain lines. Every run is a child
 * process (cli_run.h) waited for with deadlines. */
#define _XOPEN_SOURCE 600 /* posix_openpt, grantpt, unlockpt, ptsname */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "bitsim.h"
#include "bsim_test.h"
#include "cli_run.h"

static struct cli_result r;
static const char *dir;

#define RUN(...) cli_run(dir, (const char *const[]){__VA_ARGS__, NULL}, &r)

static int setup(void **state) {
  (void)state;
  static int n;
  char name[64];
  snprintf(name, sizeof name, "cli_jobs_%d", n++);
  dir = bsim_test_tmpdir(name);
  return 0;
}

static long file_size(const char *name) {
  char path[4200];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The bytes the model serves for url with seed 1. */
static void model_bytes(const char *url, uint64_t size, unsigned char *buf) {
  struct bsim_manager_options o;
  bsim_manager_options_init(&o);
  o.seed = 1;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&o, &mgr), BSIM_S_OK);
  assert_int_equal(bsim_model_host_add(mgr, "files.test", NULL), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(mgr, url, size), BSIM_S_OK);
  assert_int_equal(bsim_model_file_content(mgr, url, 0, buf, size), BSIM_S_OK);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

static void test_transfer_downloads_model_file(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "--publish", "http://files.test/a.bin:64K",
                       "/transfer", "T", "http://files.test/a.bin", "out.bin"),
                   0);
  assert_non_null(strstr(r.out, "DISPLAY: 'T' TYPE: DOWNLOAD"));
  assert_non_null(strstr(r.out, "STATE: TRANSFERRED FILES: 1 / 1 BYTES: "
                                "65536 / 65536 (100%)"));
  assert_non_null(strstr(r.out, "Transfer complete."));
  /* Complete renamed the temporary file into place (reference §8). */
  assert_int_equal(file_size("out.bin"), 65536);
  static unsigned char want[65536];
  static unsigned char got[65536];
  model_bytes("http://files.test/a.bin", sizeof want, want);
  char path[4200];
  snprintf(path, sizeof path, "%s/out.bin", dir);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  assert_int_equal(fread(got, 1, sizeof got, f), sizeof got);
  fclose(f);
  assert_memory_equal(got, want, sizeof want);
}

static void test_transfer_404_cancels(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "--host", "files.test", "/transfer", "T",
                       "http://files.test/missing.bin", "out.bin"),
                   1);
  assert_non_null(strstr(r.out, "STATE: ERROR"));
  assert_non_null(
      strstr(r.out, "ERROR CODE: 0x80190194 (BG_E_HTTP_ERROR_404)"));
  assert_non_null(strstr(r.out, "ERROR CONTEXT: 0x5 - REMOTE_FILE"));
  assert_non_null(strstr(r.err, "canceled"));
  assert_int_equal(file_size("out.bin"), -1);
}

/* A 503 is transient: the job waits MinimumRetryDelay (600 s by default,
 * reference §5) in TRANSIENT_ERROR and tries again; virtual time makes the
 * two retries instant. */
static void test_transfer_retries_transient_errors(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "--publish", "http://files.test/a:1K",
                       "--fault", "url=http://files.test/a,status=503,count=2",
                       "/transfer", "T", "http://files.test/a", "a"),
                   0);
  assert_non_null(strstr(r.out, "[0d+00:00:00.000] STATE: TRANSIENT_ERROR"));
  assert_non_null(strstr(r.out, "[0d+00:10:00.000] STATE: TRANSIENT_ERROR"));
  assert_non_null(strstr(r.out, "[0d+00:20:00.000] STATE: TRANSFERRED"));
  assert_non_null(strstr(r.out, "Transfer complete."));
  assert_int_equal(file_size("a"), 1024);
}

/* A server that always answers 503: after the 14-day NoProgressTimeout
 * the job is in ERROR (reference §5) and /transfer cancels it. */
static void test_transfer_no_progress_timeout(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "--json", "--publish",
                       "http://files.test/a:1K", "--fault",
                       "url=http://files.test/a,status=503,count=0",
                       "/transfer", "T", "http://files.test/a", "a"),
                   1);
  assert_int_equal(cli_lines(r.out), 1);
  assert_non_null(strstr(r.out, "\"state\":\"ERROR\""));
  assert_non_null(strstr(r.out, "\"error\":{\"code\":\"0x801901F7\",\"name\":"
                                "\"BG_E_HTTP_ERROR_503\""));
  assert_non_null(strstr(r.out, "\"cancelled\":true"));
  assert_non_null(strstr(r.err, "it was canceled"));
  /* A timeout of 0 makes the first transient error fatal (reference §5);
   * /resume --wait shows the error and exits 1. */
  assert_int_equal(
      RUN("--memory", "--publish", "http://files.test/a:1K", "--fault",
          "url=http://files.test/a,status=503,count=0", "/create", "A", "--",
          "/addfile", "A", "http://files.test/a", "a", "--",
          "/setnoprogresstimeout", "A", "0", "--", "/resume", "A", "--wait"),
      1);
  assert_non_null(strstr(r.out, "[0d+00:00:00.000] STATE: ERROR"));
  assert_non_null(
      strstr(r.out, "ERROR CODE: 0x801901F7 (BG_E_HTTP_ERROR_503)"));
  assert_null(strstr(r.out, "TRANSIENT_ERROR"));
  assert_int_equal(RUN("--memory", "--fault", "status=503", "/list"), 2);
  assert_non_null(strstr(r.err, "bad --fault"));
}

static void test_chain_resume_wait_complete(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "--host", "files.test:bandwidth=1M",
                       "--publish", "http://files.test/a.bin:3M", "/create",
                       "A", "--", "/addfile", "A", "http://files.test/a.bin",
                       "b.bin", "--", "/resume", "A", "--wait", "--",
                       "/getstate", "A", "--", "/complete", "A", "--",
                       "/getstate", "A"),
                   1);
  /* The job is gone once ACKNOWLEDGED, so the last lookup fails. */
  assert_non_null(strstr(r.err, "Unable to find job 'A'"));
  char added[4400];
  snprintf(added, sizeof added,
           "Added http://files.test/a.bin -> %s/b.bin "
           "to job.\n",
           dir);
  assert_non_null(strstr(r.out, added));
  /* One plain line per state change and per 10% of the bytes: 1 MiB/s over
   * 3 MiB gives lines at 0, 1, 2 and 3 seconds of virtual time. */
  assert_non_null(strstr(r.out, "[0d+00:00:01.000] STATE: TRANSFERRING FILES: "
                                "0 / 1 BYTES: 1048576 / 3145728 (33%)"));
  assert_non_null(strstr(r.out, "[0d+00:00:03.000] STATE: TRANSFERRED"));
  assert_non_null(strstr(r.out, "\nTRANSFERRED\nJob completed.\n"));
  assert_null(strchr(r.out, '\r'));
  assert_int_equal(file_size("b.bin"), 3 * 1024 * 1024);
}

static void test_progress_bar_when_asked(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "--progress=bar", "--host",
                       "files.test:bandwidth=128K", "--publish",
                       "http://files.test/a.bin:1M", "/transfer", "T",
                       "http://files.test/a.bin", "out.bin"),
                   0);
  assert_non_null(strstr(r.out, "\r[###############---------------]  50%"));
  assert_non_null(strstr(r.out, "] 100% 1048576 / 1048576 TRANSFERRED"));
}

/* Without --progress, a terminal on stdout gets the bar (isatty), as a
 * pipe gets plain lines (the other tests). */
static void test_progress_bar_on_a_terminal(void **state) {
  (void)state;
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  assert_true(master >= 0);
  assert_int_equal(grantpt(master), 0);
  assert_int_equal(unlockpt(master), 0);
  char slave_name[256];
  snprintf(slave_name, sizeof slave_name, "%s", ptsname(master));
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int slave = open(slave_name, O_RDWR);
    if (slave < 0 || chdir(dir) != 0) _exit(126);
    dup2(slave, 1);
    close(master);
    execl(BSIM_BINARY_DIR "/bitsim", BSIM_BINARY_DIR "/bitsim", "--memory",
          "--host", "files.test:bandwidth=128K", "--publish",
          "http://files.test/a.bin:1M", "/transfer", "T",
          "http://files.test/a.bin", "out.bin", (char *)NULL);
    _exit(127);
  }
  /* Read until the child closes the terminal (EIO on Linux). */
  size_t len = 0;
  for (;;) {
    struct pollfd p = {master, POLLIN, 0};
    assert_true(poll(&p, 1, CLI_DEADLINE_MS) == 1);
    ssize_t got = read(master, r.out + len, sizeof r.out - 1 - len);
    if (got <= 0) break;
    len += (size_t)got;
  }
  r.out[len] = '\0';
  close(master);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  assert_non_null(strstr(r.out, "\r[###############---------------]  50%"));
  assert_null(strstr(r.out, "STATE: TRANSFERRING"));
}

static void test_lookup_by_name_and_guid(void **state) {
  (void)state;
  /* The seed makes GUIDs reproducible: learn them, then use one. */
  assert_int_equal(
      RUN("--memory", "/rawreturn", "/create", "A", "--", "/create", "A"), 0);
  assert_int_equal(cli_lines(r.out), 2);
  char first[BSIM_GUID_STRING_LEN];
  char second[BSIM_GUID_STRING_LEN];
  snprintf(first, sizeof first, "%.38s", r.out);
  snprintf(second, sizeof second, "%.38s", r.out + 39);
  bsim_guid g;
  assert_int_equal(bsim_guid_parse(first, &g), 0);
  assert_int_equal(bsim_guid_parse(second, &g), 0);

  assert_int_equal(
      RUN("--memory", "/create", "A", "--", "/create", "A", "--", "/info", "A"),
      1);
  assert_non_null(strstr(r.err, "the name is ambiguous"));
  assert_non_null(strstr(r.err, first));
  assert_non_null(strstr(r.err, second));

  assert_int_equal(RUN("--memory", "/create", "A", "--", "/create", "A", "--",
                       "/info", second),
                   0);
  char line[200];
  snprintf(line, sizeof line, "%s 'A' SUSPENDED 0 / 0 0 / 0\n", second);
  assert_non_null(strstr(r.out, line));
}

static void test_usage_errors_run_nothing(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "/create", "A", "--", "/frob"), 2);
  assert_string_equal(r.out, "");
  assert_non_null(strstr(r.err, "bitsim: unknown command '/frob'\nusage: "));
  assert_int_equal(cli_lines(r.err), 2);

  assert_int_equal(
      RUN("--memory", "/create", "A", "--", "/setpriority", "A", "BOGUS"), 2);
  assert_string_equal(r.out, "");
  assert_non_null(strstr(r.err, "usage: bitsim /setpriority JOB"));

  assert_int_equal(RUN("--memory", "/addfile", "A", "http://x.test/"), 2);
  assert_non_null(strstr(r.err, "/addfile: missing arguments"));
  assert_int_equal(RUN("--memory", "/list", "/download"), 2);
  assert_non_null(strstr(r.err, "switch '/download' does not apply"));
  assert_int_equal(RUN("--memory", "/transfer", "T", "http://x.test/a"), 2);
  assert_int_equal(RUN("--memory", "--host"), 2);
  assert_int_equal(RUN("--memory", "--host", "h.test:speed=3", "/list"), 2);
  assert_non_null(strstr(r.err, "bad --host"));
  assert_int_equal(RUN("--memory", "/info", "nobody"), 1);
  assert_non_null(strstr(r.err, "Unable to find job 'nobody' - 0x80200001"));
  assert_string_equal(r.out, "");
}

static void test_illegal_calls_give_hresults(void **state) {
  (void)state;
  /* Resume of an empty job: BG_E_EMPTY (reference §4.3). */
  assert_int_equal(RUN("--memory", "/create", "A", "--", "/resume", "A"), 1);
  assert_non_null(strstr(r.err, "Unable to resume job - 0x80200003 "
                                "(BG_E_EMPTY)"));
  /* A relative or unsupported URL: E_INVALIDARG from AddFile. */
  assert_int_equal(RUN("--memory", "/create", "A", "--", "/addfile", "A",
                       "gopher://x/y", "y"),
                   1);
  assert_non_null(strstr(r.err, "Unable to add file to job - 0x80070057"));
  /* GetError outside ERROR: BG_E_ERROR_INFORMATION_UNAVAILABLE. */
  assert_int_equal(RUN("--memory", "/create", "A", "--", "/geterror", "A"), 1);
  assert_non_null(strstr(r.err, "0x8020000F"));
  /* Unknown notify flag bits: E_NOTIMPL. */
  assert_int_equal(
      RUN("--memory", "/create", "A", "--", "/setnotifyflags", "A", "0x100"),
      1);
  assert_non_null(strstr(r.err, "0x80004001"));
}

static void test_info_verbose_after_setters(void **state) {
  (void)state;
  assert_int_equal(
      RUN("--memory", "/create", "/upload", "U", "--", "/setminretrydelay", "U",
          "2", "--", "/setnoprogresstimeout", "U", "0", "--", "/setnotifyflags",
          "U", "0x9", "--", "/setpriority", "U", "high", "--",
          "/setnotifycmdline", "U", "/bin/echo", "/bin/echo done", "--",
          "/info", "U", "/verbose", "--", "/gettype", "U", "--",
          "/getminretrydelay", "U", "--", "/getnotifycmdline", "U"),
      0);
  assert_non_null(strstr(r.out, "TYPE: UPLOAD STATE: SUSPENDED OWNER: "
                                "tester\n"));
  assert_non_null(strstr(r.out, "PRIORITY: HIGH FILES: 0 / 0 BYTES: 0 / 0"));
  assert_non_null(strstr(r.out, "CREATION TIME: 1/1/2026 12:00:00 AM"));
  assert_non_null(strstr(r.out, "NOTIFY INTERFACE: UNREGISTERED "
                                "NOTIFICATION FLAGS: 9\n"));
  /* Retry delays below 5 s are raised to 5 s (reference §5). */
  assert_non_null(strstr(r.out, "RETRY DELAY: 5 NO PROGRESS TIMEOUT: 0 "
                                "ERROR COUNT: 0\n"));
  assert_non_null(strstr(r.out, "NOTIFICATION COMMAND LINE: '/bin/echo' "
                                "'/bin/echo done'\n"));
  assert_non_null(strstr(r.out, "\nUPLOAD\n5\n/bin/echo /bin/echo done\n"));
  /* Numbers are decimal (a leading 0 is not octal) or 0x hex. */
  assert_int_equal(RUN("--memory", "/create", "A", "--", "/setminretrydelay",
                       "A", "010", "--", "/getminretrydelay", "A"),
                   0);
  assert_non_null(strstr(r.out, "MINRETRYDELAY set.\n10\n"));
}

static void test_list_and_reset(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "/create", "A", "--", "/create", "B", "--",
                       "/list", "--", "/reset", "--", "/list"),
                   0);
  assert_non_null(strstr(r.out, "} 'A' SUSPENDED 0 / 0 0 / 0\n"));
  assert_non_null(strstr(r.out, "} 'B' SUSPENDED 0 / 0 0 / 0\n"));
  assert_non_null(strstr(r.out, "Listed 2 job(s).\n"));
  assert_non_null(strstr(r.out, "} canceled.\n"));
  assert_non_null(strstr(r.out, "2 out of 2 jobs canceled.\nListed 0 "
                                "job(s).\n"));
}

static void test_monitor_until_settled(void **state) {
  (void)state;
  assert_int_equal(RUN("--memory", "--host", "files.test:bandwidth=1M",
                       "--publish", "http://files.test/a:2M", "--publish",
                       "http://files.test/b:1M", "/transfer", "X",
                       "http://files.test/b", "x", "--", "/create", "A", "--",
                       "/addfile", "A", "http://files.test/a", "a", "--",
                       "/create", "B", "--", "/addfile", "B",
                       "http://files.test/b", "b", "--", "/resume", "A", "--",
                       "/resume", "B", "--", "/monitor", "/refresh", "1"),
                   0);
  const char *m = strstr(r.out, "MONITORING BACKGROUND COPY MANAGER(1 second "
                                "refresh)\n");
  assert_non_null(m);
  assert_non_null(strstr(m, "'A' TRANSFERRED 1 / 1 2097152 / 2097152\n"));
  assert_non_null(strstr(m, "'B' TRANSFERRED 1 / 1 1048576 / 1048576\n"));
  assert_non_null(strstr(m, "All jobs settled.\n"));
  assert_int_equal(file_size("x"), 1048576);
}

static void test_addfileset_and_listfiles(void **state) {
  (void)state;
  char path[4200];
  snprintf(path, sizeof path, "%s/set.txt", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("# two files\nhttp://files.test/a one\n\n  http://files.test/b "
        "two\n",
        f);
  fclose(f);
  assert_int_equal(RUN("--memory", "/create", "A", "--", "/addfileset", "A",
                       "set.txt", "--", "/listfiles", "A", "--",
                       "/getfilestotal", "A", "--", "/getbytestotal", "A"),
                   0);
  assert_non_null(strstr(r.out, "Added 2 file(s) to job.\n"));
  char line[4400];
  snprintf(line, sizeof line,
           "0 / UNKNOWN WORKING http://files.test/b -> "
           "%s/two\n",
           dir);
  assert_non_null(strstr(r.out, line));
  assert_non_null(strstr(r.out, "Listed 2 file(s).\n2\nUNKNOWN\n"));
  assert_int_equal(
      RUN("--memory", "/create", "A", "--", "/addfileset", "A", "nofile.txt"),
      2);
}

static void test_json_on_every_command(void **state) {
  (void)state;
  assert_int_equal(RUN("--json", "--memory", "--publish",
                       "http://files.test/a:1K", "/create", "A", "--",
                       "/getstate", "A", "--", "/list", "--", "/transfer", "T",
                       "http://files.test/a", "t"),
                   0);
  assert_int_equal(cli_lines(r.out), 4);
  const char *line = r.out;
  for (int i = 0; i < 4; i++) {
    assert_memory_equal(line, "{\"command\":\"", 12);
    line = strchr(line, '\n') + 1;
  }
  assert_non_null(strstr(r.out, "\"property\":\"state\",\"value\":"
                                "\"SUSPENDED\"}"));
  assert_non_null(strstr(r.out, "{\"command\":\"transfer\",\"hr\":"
                                "\"0x00000000\",\"result\":\"S_OK\""));
  assert_non_null(strstr(r.out, "\"state\":\"ACKNOWLEDGED\""));
  assert_int_equal(
      RUN("--json", "--memory", "/create", "A", "--", "/resume", "A"), 1);
  assert_non_null(strstr(r.out, "{\"command\":\"resume\",\"hr\":\"0x80200003\""
                                ",\"result\":\"BG_E_EMPTY\""));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_transfer_downloads_model_file, setup),
      cmocka_unit_test_setup(test_transfer_404_cancels, setup),
      cmocka_unit_test_setup(test_transfer_retries_transient_errors, setup),
      cmocka_unit_test_setup(test_transfer_no_progress_timeout, setup),
      cmocka_unit_test_setup(test_chain_resume_wait_complete, setup),
      cmocka_unit_test_setup(test_progress_bar_when_asked, setup),
      cmocka_unit_test_setup(test_progress_bar_on_a_terminal, setup),
      cmocka_unit_test_setup(test_lookup_by_name_and_guid, setup),
      cmocka_unit_test_setup(test_usage_errors_run_nothing, setup),
      cmocka_unit_test_setup(test_illegal_calls_give_hresults, setup),
      cmocka_unit_test_setup(test_info_verbose_after_setters, setup),
      cmocka_unit_test_setup(test_list_and_reset, setup),
      cmocka_unit_test_setup(test_monitor_until_settled, setup),
      cmocka_unit_test_setup(test_addfileset_and_listfiles, setup),
      cmocka_unit_test_setup(test_json_on_every_command, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
