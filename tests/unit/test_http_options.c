/* A job's HTTP options through the engine API (reference §1.5, §1.13,
 * §2.7, §2.8, §12): SetCredentials and RemoveCredentials checks (target,
 * scheme, user over 300 characters, password over 65,536, NULL user or
 * password with BASIC/DIGEST), one slot per (target, scheme) as the
 * transport's view shows it; SetCustomHeaders length limit and removal,
 * GetCustomHeaders S_FALSE + NULL when none; SetSecurityFlags E_NOTIMPL
 * for unknown bits and unknown redirect policies; the bandwidth cap;
 * TakeOwnership dropping credentials and headers; final states refusing
 * every setter. The engine's view (bsim__job_http) is what the curl
 * transport reads; test_nginx_interop.c shows the options on the wire. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bitsim.h"
#include "bsim_engine_fixture.h"
#include "bsim_test.h"
#include "internal.h"

static bsim_job *make(bsim_manager *mgr) {
  bsim_job *job = NULL;
  assert_int_equal(
      bsim_job_create(mgr, "alice", "h", BSIM_JOB_TYPE_DOWNLOAD, NULL, &job),
      BSIM_S_OK);
  return job;
}

static struct bsim__job_http_view view(bsim_manager *mgr, bsim_job *job) {
  struct bsim__job_http_view v;
  bsim__lock(mgr);
  bsim__job_http(job, &v);
  bsim__unlock(mgr);
  return v;
}

static char *repeat(char c, size_t n) {
  char *s = malloc(n + 1);
  assert_non_null(s);
  memset(s, c, n);
  s[n] = '\0';
  return s;
}

static void test_credentials_checks(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, BSIM_FS_VIRTUAL);
  bsim_job *job = make(mgr);
  enum bsim_auth_target srv = BSIM_AUTH_TARGET_SERVER;
  enum bsim_auth_scheme basic = BSIM_AUTH_SCHEME_BASIC;
  assert_int_equal(
      bsim_job_set_credentials(job, (enum bsim_auth_target)3, basic, "u", "p"),
      BSIM_E_INVALID_AUTH_TARGET);
  assert_int_equal(
      bsim_job_set_credentials(job, srv, (enum bsim_auth_scheme)6, "u", "p"),
      BSIM_E_INVALID_AUTH_SCHEME);
  assert_int_equal(bsim_job_set_credentials(job, srv, basic, NULL, "p"),
                   BSIM_E_INVALIDARG);
  assert_int_equal(
      bsim_job_set_credentials(job, srv, BSIM_AUTH_SCHEME_DIGEST, "u", NULL),
      BSIM_E_INVALIDARG);
  char *u301 = repeat('u', 301);
  char *p65537 = repeat('p', 65537);
  char *u300 = repeat('u', 300);
  char *p65536 = repeat('p', 65536);
  assert_int_equal(bsim_job_set_credentials(job, srv, basic, u301, "p"),
                   BSIM_E_USERNAME_TOO_LARGE);
  assert_int_equal(bsim_job_set_credentials(job, srv, basic, "u", p65537),
                   BSIM_E_PASSWORD_TOO_LARGE);
  assert_null(view(mgr, job).user[srv][basic]); /* nothing changed */
  assert_int_equal(bsim_job_set_credentials(job, srv, basic, u300, p65536),
                   BSIM_S_OK);
  /* One slot per (target, scheme): a second call replaces the first. */
  assert_int_equal(bsim_job_set_credentials(job, srv, basic, "bits", "pw"),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_credentials(job, BSIM_AUTH_TARGET_PROXY,
                                            BSIM_AUTH_SCHEME_NTLM, NULL, NULL),
                   BSIM_S_OK);
  struct bsim__job_http_view v = view(mgr, job);
  assert_string_equal(v.user[srv][basic], "bits");
  assert_string_equal(v.password[srv][basic], "pw");
  assert_non_null(v.user[BSIM_AUTH_TARGET_PROXY][BSIM_AUTH_SCHEME_NTLM]);
  assert_null(v.user[BSIM_AUTH_TARGET_PROXY][basic]);
  assert_int_equal(bsim_job_remove_credentials(job, srv, basic), BSIM_S_OK);
  assert_null(view(mgr, job).user[srv][basic]);
  assert_int_equal(bsim_job_remove_credentials(job, srv, basic), BSIM_S_OK);
  assert_int_equal(
      bsim_job_remove_credentials(job, (enum bsim_auth_target)0, basic),
      BSIM_E_INVALID_AUTH_TARGET);
  assert_int_equal(
      bsim_job_remove_credentials(job, srv, (enum bsim_auth_scheme)0),
      BSIM_E_INVALID_AUTH_SCHEME);
  free(u301);
  free(p65537);
  free(u300);
  free(p65536);
  bsim_job_unref(job);
  fx_free(mgr);
}

static void test_custom_headers(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, BSIM_FS_VIRTUAL);
  bsim_job *job = make(mgr);
  char *out = (char *)"x";
  assert_int_equal(bsim_job_get_custom_headers(job, &out), BSIM_S_FALSE);
  assert_null(out);
  char *big = repeat('h', 16384); /* 16,385 with the NUL */
  assert_int_equal(bsim_job_set_custom_headers(job, big),
                   BSIM_E_STRING_TOO_LONG);
  big[16383] = '\0'; /* 16,384 with the NUL: the limit */
  assert_int_equal(bsim_job_set_custom_headers(job, big), BSIM_S_OK);
  free(big);
  assert_int_equal(bsim_job_set_custom_headers(job, "X-A: 1\r\n"), BSIM_S_OK);
  assert_int_equal(bsim_job_get_custom_headers(job, &out), BSIM_S_OK);
  assert_string_equal(out, "X-A: 1\r\n");
  bsim_free(out);
  assert_string_equal(view(mgr, job).custom_headers, "X-A: 1\r\n");
  assert_int_equal(bsim_job_set_custom_headers(job, NULL), BSIM_S_OK);
  assert_int_equal(bsim_job_get_custom_headers(job, &out), BSIM_S_FALSE);
  assert_null(out);
  bsim_job_unref(job);
  fx_free(mgr);
}

static void test_security_flags_and_bandwidth(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, BSIM_FS_VIRTUAL);
  bsim_job *job = make(mgr);
  uint32_t flags = 99;
  assert_int_equal(bsim_job_get_security_flags(job, &flags), BSIM_S_OK);
  assert_int_equal(flags, 0); /* default (reference §1.13) */
  assert_int_equal(bsim_job_set_security_flags(job, 0x20), BSIM_E_NOTIMPL);
  assert_int_equal(bsim_job_set_security_flags(job, 0x300), BSIM_E_NOTIMPL);
  assert_int_equal(bsim_job_set_security_flags(job, 0x400), BSIM_E_NOTIMPL);
  assert_int_equal(bsim_job_set_security_flags(
                       job, BSIM_HTTP_REDIRECT_POLICY_DISALLOW |
                                BSIM_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP),
                   BSIM_E_INVALIDARG);
  uint32_t ok = BSIM_SSL_IGNORE_UNKNOWN_CA | BSIM_SSL_IGNORE_CERT_CN_INVALID |
                BSIM_HTTP_REDIRECT_POLICY_ALLOW_REPORT |
                BSIM_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP;
  assert_int_equal(bsim_job_set_security_flags(job, ok), BSIM_S_OK);
  assert_int_equal(bsim_job_get_security_flags(job, &flags), BSIM_S_OK);
  assert_int_equal(flags, ok);
  assert_int_equal(view(mgr, job).security_flags, ok);
  uint64_t cap = 7;
  assert_int_equal(bsim_job_get_max_bandwidth(job, &cap), BSIM_S_OK);
  assert_int_equal(cap, 0);
  assert_int_equal(bsim_job_set_max_bandwidth(job, 65536), BSIM_S_OK);
  assert_int_equal(bsim_job_get_max_bandwidth(job, &cap), BSIM_S_OK);
  assert_int_equal(cap, 65536);
  assert_int_equal(view(mgr, job).max_bytes_per_s, 65536);
  bsim_job_unref(job);
  fx_free(mgr);
}

/* TakeOwnership drops credentials and custom headers (reference §12);
 * final states refuse the setters (§4.3). */
static void test_take_ownership_and_final(void **state) {
  (void)state;
  bsim_manager *mgr = fx_manager(BSIM_CLOCK_MANUAL, BSIM_FS_VIRTUAL);
  bsim_job *job = make(mgr);
  assert_int_equal(bsim_job_set_credentials(job, BSIM_AUTH_TARGET_SERVER,
                                            BSIM_AUTH_SCHEME_BASIC, "u", "p"),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_custom_headers(job, "X-A: 1\r\n"), BSIM_S_OK);
  assert_int_equal(bsim_job_set_security_flags(job, 0x8), BSIM_S_OK);
  assert_int_equal(bsim_job_take_ownership(job, "admin"), BSIM_S_OK);
  struct bsim__job_http_view v = view(mgr, job);
  assert_null(v.user[BSIM_AUTH_TARGET_SERVER][BSIM_AUTH_SCHEME_BASIC]);
  assert_null(v.custom_headers);
  assert_int_equal(v.security_flags, 0x8); /* not a secret: kept */
  assert_int_equal(bsim_job_cancel(job), BSIM_S_OK);
  assert_int_equal(bsim_job_set_credentials(job, BSIM_AUTH_TARGET_SERVER,
                                            BSIM_AUTH_SCHEME_BASIC, "u", "p"),
                   BSIM_E_INVALID_STATE);
  assert_int_equal(bsim_job_remove_credentials(job, BSIM_AUTH_TARGET_SERVER,
                                               BSIM_AUTH_SCHEME_BASIC),
                   BSIM_E_INVALID_STATE);
  assert_int_equal(bsim_job_set_custom_headers(job, NULL),
                   BSIM_E_INVALID_STATE);
  assert_int_equal(bsim_job_set_security_flags(job, 0), BSIM_E_INVALID_STATE);
  assert_int_equal(bsim_job_set_max_bandwidth(job, 1), BSIM_E_INVALID_STATE);
  bsim_job_unref(job);
  fx_free(mgr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_credentials_checks),
      cmocka_unit_test(test_custom_headers),
      cmocka_unit_test(test_security_flags_and_bandwidth),
      cmocka_unit_test(test_take_ownership_and_final),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
