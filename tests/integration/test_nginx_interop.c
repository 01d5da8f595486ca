/* Interoperability with a real web server: nginx (Debian's /usr/sbin/nginx)
 * on 127.0.0.1 with a configuration generated into the test's temporary
 * directory (-p, -c, -e; pid file, error and access logs there), driven
 * through the engine API with the curl transport (reference §10, §12,
 * §1.13, §2.7):
 *   - a download whose nginx worker is killed mid-body (a real connection
 *     reset) resumes with Range and If-Range, and nginx's access log shows
 *     the 206;
 *   - Basic authentication: without credentials ERROR BG_E_HTTP_ERROR_401
 *     (fatal, §12); with them the file arrives;
 *   - custom headers (SetCustomHeaders) reach the server;
 *   - a redirect is followed by default and is fatal under the DISALLOW
 *     policy, with HRESULT_FROM_WIN32(302) (§10 "Redirects");
 *   - HTTPS with a self-signed certificate: verification failure is fatal
 *     (WinHTTP secure failure, 0x80072F8F); IGNORE_UNKNOWN_CA or the CA
 *     given to the transport make it work (needs the openssl command).
 * nginx is started once for the group (it daemonizes after binding its
 * sockets, so readiness is the starter's exit) and stopped at the end
 * (SIGTERM to the master, waited on through a pidfd with a deadline). The
 * tests skip cleanly when nginx is not installed. Nothing sleeps: log
 * lines are awaited through inotify with a deadline. */
#define _GNU_SOURCE /* syscall(SYS_pidfd_open) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "curl_world.h"

#define NGINX "/usr/sbin/nginx"

static struct world w;
static int have_nginx;
static int have_tls;
static pid_t master;
static uint16_t port;
static uint16_t tls_port;
static char ngx_dir[1200];
static char ngx_root[1300];

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

/* A self-signed certificate for 127.0.0.1 (skipped without openssl). */
static int make_certificate(void) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "openssl req -x509 -newkey rsa:2048 -nodes -days 1 "
           "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
           "-keyout '%s/key.pem' -out '%s/cert.pem' >/dev/null 2>&1",
           ngx_dir, ngx_dir);
  return system(cmd) == 0;
}

static void write_config(void) {
  char path[1400];
  char *conf = malloc(8192);
  assert_non_null(conf);
  int n = snprintf(
      conf, 8192,
      "worker_processes 1;\n"
      "pid %s/nginx.pid;\n"
      "error_log %s/error.log info;\n"
      "events { worker_connections 64; }\n"
      "http {\n"
      "  log_format bsim '$request_method $uri $status \"$http_range\" "
      "\"$http_if_range\" $body_bytes_sent \"$http_x_bsim_test\" "
      "\"$remote_user\"';\n"
      "  access_log %s/access.log bsim;\n"
      "  default_type application/octet-stream;\n"
      "  server {\n"
      "    listen 127.0.0.1:%u;\n"
      "    root %s;\n"
      "    location /slow/ { limit_rate 1m; }\n"
      "    location /private/ { auth_basic bitsim; "
      "auth_basic_user_file %s/htpasswd; }\n"
      "    location = /old.bin { return 302 /moved.bin; }\n"
      "  }\n",
      ngx_dir, ngx_dir, ngx_dir, (unsigned)port, ngx_root, ngx_dir);
  assert_true(n > 0 && n < 8192);
  if (have_tls) {
    n += snprintf(conf + n, 8192 - (size_t)n,
                  "  server {\n"
                  "    listen 127.0.0.1:%u ssl;\n"
                  "    ssl_certificate %s/cert.pem;\n"
                  "    ssl_certificate_key %s/key.pem;\n"
                  "    root %s;\n"
                  "  }\n",
                  (unsigned)tls_port, ngx_dir, ngx_dir, ngx_root);
  }
  snprintf(conf + n, 8192 - (size_t)n, "}\n");
  write_text(world_path(path, sizeof path, ngx_dir, "nginx.conf"), conf);
  free(conf);
}

/* Run nginx; it forks its master after binding the sockets and the
 * starter exits, so its exit means "listening". */
static void start_nginx(void) {
  char conf[1400];
  char log[1400];
  world_path(conf, sizeof conf, ngx_dir, "nginx.conf");
  world_path(log, sizeof log, ngx_dir, "error.log");
  pid_t child = fork();
  assert_true(child >= 0);
  if (child == 0) {
    execl(NGINX, NGINX, "-p", ngx_dir, "-c", conf, "-e", log, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  assert_int_equal(waitpid(child, &status, 0), child);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  char pidfile[1400];
  FILE *f =
      fopen(world_path(pidfile, sizeof pidfile, ngx_dir, "nginx.pid"), "r");
  assert_non_null(f);
  long pid = 0;
  assert_int_equal(fscanf(f, "%ld", &pid), 1);
  fclose(f);
  master = (pid_t)pid;
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
  have_nginx = access(NGINX, X_OK) == 0;
  if (!have_nginx) return 0;
  world_open(&w, "nginx", NULL);
  world_path(ngx_dir, sizeof ngx_dir, w.dir, "nginx");
  assert_int_equal(mkdir(ngx_dir, 0755), 0);
  world_path(ngx_root, sizeof ngx_root, ngx_dir, "root");
  assert_int_equal(mkdir(ngx_root, 0755), 0);
  char path[1400];
  assert_int_equal(mkdir(world_path(path, sizeof path, ngx_root, "slow"), 0755),
                   0);
  assert_int_equal(
      mkdir(world_path(path, sizeof path, ngx_root, "private"), 0755), 0);
  write_text(world_path(path, sizeof path, ngx_dir, "htpasswd"),
             "bits:{PLAIN}s3cret\n");
  port = world_free_port();
  tls_port = world_free_port();
  have_tls = make_certificate();
  write_config();
  start_nginx();
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  if (!have_nginx) return 0;
  stop_nginx();
  world_close(&w);
  return 0;
}

static const char *ngx_url(const char *scheme, uint16_t p, const char *path) {
  static char buf[4][256];
  static unsigned next;
  char *b = buf[next++ % 4];
  snprintf(b, 256, "%s://127.0.0.1:%u%s", scheme, (unsigned)p, path);
  return b;
}

static bsim_job *ngx_job(const char *url, const char *local) {
  bsim_job *job =
      world_job(&w, BSIM_JOB_TYPE_DOWNLOAD, BSIM_JOB_PRIORITY_FOREGROUND);
  assert_int_equal(bsim_job_add_file(job, url, local), BSIM_S_OK);
  return job;
}

static uint64_t bytes_done(bsim_job *job) {
  struct bsim_file_progress p;
  assert_int_equal(bsim_file_get_progress(job, 0, &p), BSIM_S_OK);
  return p.bytes_transferred;
}

/* Nonzero when a line of nginx's access log contains every needle. */
static int logged(const char *a, const char *b) {
  char path[1400];
  FILE *f = fopen(world_path(path, sizeof path, ngx_dir, "access.log"), "r");
  if (f == NULL) return 0;
  char line[2048];
  int found = 0;
  while (!found && fgets(line, sizeof line, f) != NULL) {
    found = strstr(line, a) != NULL && (b == NULL || strstr(line, b) != NULL);
  }
  fclose(f);
  return found;
}

/* nginx writes the access log line after the response has gone out (its
 * log phase), so the client can be done first: wait for the line, woken by
 * inotify on every write to the log, with a deadline. */
static int wait_logged(const char *a, const char *b) {
  char path[1400];
  world_path(path, sizeof path, ngx_dir, "access.log");
  int fd = inotify_init1(IN_CLOEXEC);
  if (fd < 0) return logged(a, b);
  (void)inotify_add_watch(fd, path, IN_MODIFY);
  int found = logged(a, b);
  for (int turns = 0; !found && turns < 100; turns++) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) break; /* the deadline */
    char events[4096];
    if (read(fd, events, sizeof events) < 0) break;
    found = logged(a, b);
  }
  close(fd);
  return found;
}

/* The worker: the process whose parent is the master. */
static pid_t nginx_worker(void) {
  DIR *d = opendir("/proc");
  assert_non_null(d);
  pid_t found = 0;
  struct dirent *e;
  while (found == 0 && (e = readdir(d)) != NULL) {
    char path[300];
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    FILE *f = fopen(path, "r");
    if (f == NULL) continue;
    int pid = 0;
    int ppid = 0;
    char comm[256];
    char st = 0;
    if (fscanf(f, "%d %255s %c %d", &pid, comm, &st, &ppid) == 4 &&
        ppid == master) {
      found = pid;
    }
    fclose(f);
  }
  closedir(d);
  return found;
}

static void finish(bsim_job *job, const char *src, const char *dst) {
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(bsim_job_complete(job), BSIM_S_OK);
  assert_true(world_same(src, dst));
  bsim_job_unref(job);
}

/* A worker killed mid-body is a real reset: TRANSIENT_ERROR, then a Range
 * request with If-Range for the rest, answered 206 by nginx. */
static void test_nginx_reset_then_range_resume(void **state) {
  (void)state;
  if (!have_nginx) skip();
  char src[1400];
  char dst[1400];
  char p[1400];
  world_make_file(world_path(src, sizeof src,
                             world_path(p, sizeof p, ngx_root, "slow"),
                             "big.bin"),
                  1536 * 1024, 31);
  bsim_job *job = ngx_job(ngx_url("http", port, "/slow/big.bin"),
                          world_path(dst, sizeof dst, w.out, "big.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRING);
  while (bytes_done(job) < 200000) {
    assert_int_equal(bsim_manager_advance(w.mgr, 20), BSIM_S_OK);
    assert_int_equal(world_state(job), BSIM_JOB_STATE_TRANSFERRING);
  }
  pid_t worker = nginx_worker();
  assert_true(worker > 0);
  assert_int_equal(kill(worker, SIGKILL), 0);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSIENT_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal((uint32_t)e.code, 0x80072EFEu);
  uint64_t kept = bytes_done(job);
  assert_true(kept >= 200000);
  finish(job, src, dst);
  char range[64];
  snprintf(range, sizeof range, "\"bytes=%llu-\"", (unsigned long long)kept);
  assert_true(wait_logged("GET /slow/big.bin 206", range));
}

/* 401 without credentials is fatal (reference §12); Basic credentials for
 * the server target open the door. */
static void test_nginx_basic_auth(void **state) {
  (void)state;
  if (!have_nginx) skip();
  char src[1400];
  char dst[1400];
  char p[1400];
  world_make_file(world_path(src, sizeof src,
                             world_path(p, sizeof p, ngx_root, "private"),
                             "p.bin"),
                  5000, 32);
  bsim_job *job = ngx_job(ngx_url("http", port, "/private/p.bin"),
                          world_path(dst, sizeof dst, w.out, "p1.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x80190191u);
  assert_int_equal(e.context, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(world_error_count(job), 1);
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  bsim_job_unref(job);

  job = ngx_job(ngx_url("http", port, "/private/p.bin"),
                world_path(dst, sizeof dst, w.out, "p2.bin"));
  /* From the job (Job2 SetCredentials, reference §1.5). */
  assert_int_equal(bsim_job_set_credentials(job, BSIM_AUTH_TARGET_SERVER,
                                            BSIM_AUTH_SCHEME_BASIC, "bits",
                                            "s3cret"),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  finish(job, src, dst);
  assert_true(wait_logged("GET /private/p.bin 200", "\"bits\""));
}

/* SetCustomHeaders lines go with the request (reference §1.13). */
static void test_nginx_custom_headers(void **state) {
  (void)state;
  if (!have_nginx) skip();
  char src[1400];
  char dst[1400];
  world_make_file(world_path(src, sizeof src, ngx_root, "h.bin"), 100, 33);
  bsim_job *job = ngx_job(ngx_url("http", port, "/h.bin"),
                          world_path(dst, sizeof dst, w.out, "h.bin"));
  assert_int_equal(bsim_job_set_custom_headers(
                       job, "X-Bsim-Test: hello-nginx\r\nX-Other: 1\r\n"),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  finish(job, src, dst);
  assert_true(wait_logged("GET /h.bin 200", "\"hello-nginx\""));
}

/* Redirects are followed silently by default (the remote name stays);
 * ALLOW_REPORT renames it to the final URL; DISALLOW makes the 302 a fatal
 * HRESULT_FROM_WIN32(302) (reference §10 "Redirects", §2.7). */
static void test_nginx_redirect_policy(void **state) {
  (void)state;
  if (!have_nginx) skip();
  char src[1400];
  char dst[1400];
  world_make_file(world_path(src, sizeof src, ngx_root, "moved.bin"), 3000, 34);
  bsim_job *job = ngx_job(ngx_url("http", port, "/old.bin"),
                          world_path(dst, sizeof dst, w.out, "moved1.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  char *name = NULL;
  assert_int_equal(bsim_file_get_remote_name(job, 0, &name), BSIM_S_OK);
  assert_string_equal(name, ngx_url("http", port, "/old.bin"));
  bsim_free(name);
  finish(job, src, dst);

  job = ngx_job(ngx_url("http", port, "/old.bin"),
                world_path(dst, sizeof dst, w.out, "moved3.bin"));
  assert_int_equal(
      bsim_job_set_security_flags(job, BSIM_HTTP_REDIRECT_POLICY_ALLOW_REPORT),
      BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(bsim_file_get_remote_name(job, 0, &name), BSIM_S_OK);
  assert_string_equal(name, ngx_url("http", port, "/moved.bin"));
  bsim_free(name);
  finish(job, src, dst);

  job = ngx_job(ngx_url("http", port, "/old.bin"),
                world_path(dst, sizeof dst, w.out, "moved2.bin"));
  assert_int_equal(
      bsim_job_set_security_flags(job, BSIM_HTTP_REDIRECT_POLICY_DISALLOW),
      BSIM_S_OK);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  struct bsim_job_error e = world_error(job);
  assert_int_equal((uint32_t)e.code, 0x8007012Eu);
  assert_int_equal(e.http_status, 302);
  bsim_job_unref(job);
}

/* HTTPS with a self-signed certificate: verification fails (fatal,
 * 0x80072F0D ERROR_WINHTTP_SECURE_INVALID_CA, from OpenSSL's verify
 * result); BG_SSL_IGNORE_UNKNOWN_CA, or the CA file given to the
 * transport, lets the download through. */
static void test_nginx_https(void **state) {
  (void)state;
  if (!have_nginx || !have_tls) skip();
  char src[1400];
  char dst[1400];
  world_make_file(world_path(src, sizeof src, ngx_root, "tls.bin"), 70000, 35);
  const char *url = ngx_url("https", tls_port, "/tls.bin");
  bsim_job *job = ngx_job(url, world_path(dst, sizeof dst, w.out, "t1.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  world_run_to(&w, job, BSIM_JOB_STATE_ERROR);
  assert_int_equal((uint32_t)world_error(job).code, 0x80072F0Du);
  assert_int_equal(world_error_count(job), 1);
  bsim_job_unref(job);

  job = ngx_job(url, world_path(dst, sizeof dst, w.out, "t2.bin"));
  struct bsim__curl_job_options o;
  bsim__curl_job_options_init(&o);
  o.security_flags = BSIM__SSL_IGNORE_UNKNOWN_CA;
  world_set_options(&w, job, &o);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  finish(job, src, dst);

  char ca[1400];
  struct bsim__curl_config c;
  world_default_config(&c);
  c.ca_file = world_path(ca, sizeof ca, ngx_dir, "cert.pem");
  world_config(&w, &c);
  job = ngx_job(url, world_path(dst, sizeof dst, w.out, "t3.bin"));
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  finish(job, src, dst);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nginx_reset_then_range_resume),
      cmocka_unit_test(test_nginx_basic_auth),
      cmocka_unit_test(test_nginx_custom_headers),
      cmocka_unit_test(test_nginx_redirect_policy),
      cmocka_unit_test(test_nginx_https),
  };
  return cmocka_run_group_tests_name("nginx_interop", tests, group_setup,
                                     group_teardown);
}
