/* SetSecurityFlags on real HTTPS downloads (reference §1.13, §2.7, §10:
 * certificate failures and CRL failures are fatal), against nginx serving
 * certificates from a test CA made with the openssl command:
 *   good       verified with the transport's ca_file; also with
 *              ENABLE_CRL_CHECK and a CRL that does not list it;
 *   revoked    fine without ENABLE_CRL_CHECK (the default makes no
 *              revocation check) and without a configured crl_file;
 *              with both: ERROR 0x80072F8A (SECURE_CERT_REVOKED);
 *   expired    ERROR 0x80072F05 (SECURE_CERT_DATE_INVALID), also with
 *              IGNORE_CERT_DATE_INVALID (libcurl cannot ignore dates
 *              alone: still verified); IGNORE_UNKNOWN_CA lets it through
 *              (it turns the whole chain check off);
 *   usage      a clientAuth-only certificate: ERROR 0x80072F93
 *              (SECURE_CERT_WRONG_USAGE), also with IGNORE_CERT_WRONG_USAGE;
 *   other name a certificate for other.test: ERROR 0x80072F06
 *              (SECURE_CERT_CN_INVALID); IGNORE_CERT_CN_INVALID lets it
 *              through.
 * Skipped without nginx or openssl. nginx's start is awaited through its
 * starter's exit (it binds first); nothing sleeps. */
#define _GNU_SOURCE /* syscall(SYS_pidfd_open) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "curl_world.h"

#define NGINX "/usr/sbin/nginx"

enum { GOOD, REVOKED, EXPIRED, USAGE, OTHERNAME, SERVER_COUNT };
static const char *const server_names[SERVER_COUNT] = {
    "good", "revoked", "expired", "usage", "othername"};

static struct world w;
static int ready;
static pid_t master;
static uint16_t ports[SERVER_COUNT];
static char pki[1200];
static char ca_file[1300];
static char crl_file[1300];

/* A CA, a certificate per server (one revoked, one expired, one for
 * clientAuth only, one for another name) and the CA's CRL. */
static const char pki_script[] =
    "set -e\n"
    "cd \"$1\"\n"
    "mkdir -p db && : > db/index.txt && echo 1000 > db/serial\n"
    "echo 1000 > db/crlnumber\n"
    "cat > ca.cnf <<'CNF'\n"
    "[ ca ]\ndefault_ca = bsim\n"
    "[ bsim ]\ndir = .\ndatabase = db/index.txt\nserial = db/serial\n"
    "crlnumber = db/crlnumber\nnew_certs_dir = db\ncertificate = ca.pem\n"
    "private_key = ca.key\ndefault_md = sha256\ndefault_days = 2\n"
    "default_crl_days = 2\npolicy = any\ncopy_extensions = copy\n"
    "unique_subject = no\n"
    "[ any ]\ncommonName = supplied\n"
    "[ server ]\nbasicConstraints = CA:FALSE\n"
    "keyUsage = digitalSignature, keyEncipherment\n"
    "extendedKeyUsage = serverAuth\n"
    "[ client_only ]\nbasicConstraints = CA:FALSE\n"
    "keyUsage = digitalSignature, keyEncipherment\n"
    "extendedKeyUsage = clientAuth\n"
    "CNF\n"
    "openssl req -x509 -newkey rsa:2048 -nodes -days 2 "
    "-subj /CN=bitsim-test-ca -keyout ca.key -out ca.pem\n"
    "issue() {\n"
    "  openssl req -new -newkey rsa:2048 -nodes -subj \"/CN=$1\" "
    "-addext \"subjectAltName=$2\" -keyout \"$1.key\" -out \"$1.csr\"\n"
    "  if [ -n \"$4\" ]; then\n"
    "    openssl ca -batch -config ca.cnf -extensions \"$3\" "
    "-startdate \"$4\" -enddate \"$5\" -in \"$1.csr\" -out \"$1.pem\"\n"
    "  else\n"
    "    openssl ca -batch -config ca.cnf -extensions \"$3\" "
    "-in \"$1.csr\" -out \"$1.pem\"\n"
    "  fi\n"
    "}\n"
    "issue good IP:127.0.0.1 server\n"
    "issue revoked IP:127.0.0.1 server\n"
    "issue expired IP:127.0.0.1 server 20200101000000Z 20200102000000Z\n"
    "issue usage IP:127.0.0.1 client_only\n"
    "issue othername DNS:other.test server\n"
    "openssl ca -batch -config ca.cnf -revoke revoked.pem\n"
    "openssl ca -batch -config ca.cnf -gencrl -out crl.pem\n";

static int make_pki(void) {
  char script[1400];
  FILE *f = fopen(world_path(script, sizeof script, pki, "mk.sh"), "w");
  if (f == NULL) return 0;
  fputs(pki_script, f);
  if (fclose(f) != 0) return 0;
  char cmd[3000];
  snprintf(cmd, sizeof cmd, "sh '%s' '%s' >/dev/null 2>&1", script, pki);
  return system(cmd) == 0;
}

static void write_config(void) {
  char path[1400];
  FILE *f = fopen(world_path(path, sizeof path, pki, "nginx.conf"), "w");
  assert_non_null(f);
  fprintf(f,
          "worker_processes 1;\npid %s/nginx.pid;\n"
          "error_log %s/error.log;\nevents { worker_connections 64; }\n"
          "http {\n  access_log off;\n"
          "  default_type application/octet-stream;\n",
          pki, pki);
  for (int i = 0; i < SERVER_COUNT; i++) {
    fprintf(f,
            "  server {\n    listen 127.0.0.1:%u ssl;\n"
            "    ssl_certificate %s/%s.pem;\n"
            "    ssl_certificate_key %s/%s.key;\n    root %s;\n  }\n",
            (unsigned)ports[i], pki, server_names[i], pki, server_names[i],
            w.root);
  }
  fputs("}\n", f);
  assert_int_equal(fclose(f), 0);
}

/* nginx forks its master after binding the sockets and the starter exits,
 * so its exit means "listening". */
static int start_nginx(void) {
  char conf[1400];
  char log[1400];
  world_path(conf, sizeof conf, pki, "nginx.conf");
  world_path(log, sizeof log, pki, "error.log");
  pid_t child = fork();
  if (child < 0) return 0;
  if (child == 0) {
    execl(NGINX, NGINX, "-p", pki, "-c", conf, "-e", log, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    return 0;
  }
  char pidfile[1400];
  FILE *f = fopen(world_path(pidfile, sizeof pidfile, pki, "nginx.pid"), "r");
  if (f == NULL) return 0;
  long pid = 0;
  int got = fscanf(f, "%ld", &pid);
  fclose(f);
  master = (pid_t)pid;
  return got == 1;
}

static void stop_nginx(void) {
  if (master <= 0) return;
  int fd = (int)syscall(SYS_pidfd_open, master, 0);
  kill(master, SIGTERM);
  if (fd >= 0) {
    struct pollfd p = {fd, POLLIN, 0};
    (void)poll(&p, 1, 10000); /* readable once the master has exited */
    close(fd);
  }
  master = 0;
}

static int group_setup(void **state) {
  (void)state;
  world_open(&w, "curl-tls", NULL);
  world_mkdir(pki, sizeof pki, w.dir, "pki");
  world_path(ca_file, sizeof ca_file, pki, "ca.pem");
  world_path(crl_file, sizeof crl_file, pki, "crl.pem");
  char src[1300];
  world_make_file(world_path(src, sizeof src, w.root, "tls.bin"), 50000, 21);
  if (access(NGINX, X_OK) != 0 || !make_pki()) return 0;
  for (int i = 0; i < SERVER_COUNT; i++) {
    ports[i] = world_free_port();
  }
  write_config();
  ready = start_nginx();
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  stop_nginx();
  world_close(&w);
  return 0;
}

/* The transport's CA (always the test CA) and CRL file. */
static void configure(const char *crl) {
  struct bsim__curl_config c;
  world_default_config(&c);
  c.ca_file = ca_file;
  c.crl_file = crl;
  world_config(&w, &c);
}

/* Download tls.bin from server i with flags; returns the final state and
 * the error in *e (zeroed when none). */
static enum bsim_job_state fetch(int i, uint32_t flags,
                                 struct bsim_job_error *e) {
  static unsigned n;
  char url[128];
  char dst[1300];
  char leaf[32];
  snprintf(url, sizeof url, "https://127.0.0.1:%u/tls.bin", (unsigned)ports[i]);
  snprintf(leaf, sizeof leaf, "tls-%u.bin", n++);
  bsim_job *job =
      world_job(&w, BSIM_JOB_TYPE_DOWNLOAD, BSIM_JOB_PRIORITY_FOREGROUND);
  assert_int_equal(
      bsim_job_add_file(job, url, world_path(dst, sizeof dst, w.out, leaf)),
      BSIM_S_OK);
  assert_int_equal(bsim_job_set_security_flags(job, flags), BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  uint32_t mask = 1u << BSIM_JOB_STATE_TRANSFERRED | 1u << BSIM_JOB_STATE_ERROR;
  uint64_t deadline = bsim_manager_now_ms(w.mgr) + DAY_MS;
  assert_int_equal(bsim_manager_run_until_job_state(w.mgr, job, mask, deadline),
                   BSIM_S_OK);
  enum bsim_job_state st = world_state(job);
  memset(e, 0, sizeof *e);
  if (st == BSIM_JOB_STATE_ERROR) {
    *e = world_error(job);
    assert_int_equal(world_error_count(job), 1); /* fatal at once */
    assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  } else {
    assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
    char src[1300];
    assert_true(world_same(world_path(src, sizeof src, w.root, "tls.bin"),
                           world_path(dst, sizeof dst, w.out, leaf)));
  }
  bsim_job_unref(job);
  return st;
}

static void expect_ok(int i, uint32_t flags) {
  struct bsim_job_error e;
  enum bsim_job_state st = fetch(i, flags, &e);
  if (st != BSIM_JOB_STATE_TRANSFERRED) {
    print_error("%s flags 0x%x: error 0x%08X\n", server_names[i],
                (unsigned)flags, (unsigned)e.code);
  }
  assert_int_equal(st, BSIM_JOB_STATE_TRANSFERRED);
}

static void expect_fatal(int i, uint32_t flags, uint32_t hr) {
  struct bsim_job_error e;
  assert_int_equal(fetch(i, flags, &e), BSIM_JOB_STATE_ERROR);
  if ((uint32_t)e.code != hr) {
    print_error("%s flags 0x%x: error 0x%08X, want 0x%08X\n", server_names[i],
                (unsigned)flags, (unsigned)e.code, (unsigned)hr);
  }
  assert_int_equal((uint32_t)e.code, hr);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
}

static void test_curl_tls_crl_check(void **state) {
  (void)state;
  if (!ready) skip();
  configure(NULL);
  expect_ok(GOOD, 0);
  expect_ok(REVOKED, 0);
  expect_ok(REVOKED, BSIM_SSL_ENABLE_CRL_CHECK); /* no CRL file: no check */
  configure(crl_file);
  expect_ok(REVOKED, 0); /* the file is for jobs that ask */
  expect_ok(GOOD, BSIM_SSL_ENABLE_CRL_CHECK);
  expect_fatal(REVOKED, BSIM_SSL_ENABLE_CRL_CHECK, 0x80072F8Au);
  configure(NULL);
}

static void test_curl_tls_dates_still_verified(void **state) {
  (void)state;
  if (!ready) skip();
  configure(NULL);
  expect_fatal(EXPIRED, 0, 0x80072F05u);
  expect_fatal(EXPIRED, BSIM_SSL_IGNORE_CERT_DATE_INVALID, 0x80072F05u);
  expect_ok(EXPIRED, BSIM_SSL_IGNORE_UNKNOWN_CA);
}

static void test_curl_tls_usage_still_verified(void **state) {
  (void)state;
  if (!ready) skip();
  configure(NULL);
  expect_fatal(USAGE, 0, 0x80072F93u);
  expect_fatal(USAGE, BSIM_SSL_IGNORE_CERT_WRONG_USAGE, 0x80072F93u);
}

static void test_curl_tls_name(void **state) {
  (void)state;
  if (!ready) skip();
  configure(NULL);
  expect_fatal(OTHERNAME, 0, 0x80072F06u);
  expect_fatal(OTHERNAME, BSIM_SSL_IGNORE_UNKNOWN_CA, 0x80072F06u);
  expect_ok(OTHERNAME, BSIM_SSL_IGNORE_CERT_CN_INVALID);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_curl_tls_crl_check),
      cmocka_unit_test(test_curl_tls_dates_still_verified),
      cmocka_unit_test(test_curl_tls_usage_still_verified),
      cmocka_unit_test(test_curl_tls_name),
  };
  return cmocka_run_group_tests_name("curl_tls", tests, group_setup,
                                     group_teardown);
}
