/* SetSecurityFlags mapped onto libcurl options (reference §1.13, §2.7,
 * §10 "Redirects"; docs/transport.md "Job HTTP options"), through the pure
 * bsim__curl_security_plan that the curl transport applies to every
 * request:
 *   - default: the chain (VERIFYPEER 1) and the name (VERIFYHOST 2) are
 *     verified, no CRL file, redirects followed up to max_redirects;
 *   - IGNORE_CERT_CN_INVALID drops only the name check, IGNORE_UNKNOWN_CA
 *     only the chain check;
 *   - IGNORE_CERT_DATE_INVALID and IGNORE_CERT_WRONG_USAGE change nothing
 *     (libcurl cannot ignore only those: still verified);
 *   - ENABLE_CRL_CHECK sets CURLOPT_CRLFILE to the transport's crl_file,
 *     and nothing without one;
 *   - DISALLOW does not follow; an https URL may be redirected to http only
 *     with ALLOW_HTTPS_TO_HTTP.
 * No network. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "transport/curl_internal.h"

static struct bsim__curl_security plan(uint32_t flags, const char *url,
                                       const char *crl_file) {
  struct bsim__curl_config c;
  bsim__curl_config_init(&c);
  c.ca_file = "/etc/bitsim-test/ca.pem";
  c.crl_file = crl_file;
  c.max_redirects = 7;
  struct bsim__curl_security s;
  bsim__curl_security_plan(flags, url, &c, &s);
  return s;
}

static void test_security_defaults_verify_everything(void **state) {
  (void)state;
  struct bsim__curl_security s = plan(0, "https://a.test/f", NULL);
  assert_int_equal(s.verify_peer, 1);
  assert_int_equal(s.verify_host, 2);
  assert_string_equal(s.ca_file, "/etc/bitsim-test/ca.pem");
  assert_null(s.crl_file);
  assert_int_equal(s.follow, 1);
  assert_int_equal(s.max_redirects, 7);
  assert_string_equal(s.redir_protocols, "https");
  s = plan(0, "http://a.test/f", NULL);
  assert_string_equal(s.redir_protocols, "http,https");
}

static void test_security_ignore_flags(void **state) {
  (void)state;
  struct bsim__curl_security s =
      plan(BSIM_SSL_IGNORE_CERT_CN_INVALID, "https://a.test/f", NULL);
  assert_int_equal(s.verify_host, 0);
  assert_int_equal(s.verify_peer, 1);
  s = plan(BSIM_SSL_IGNORE_UNKNOWN_CA, "https://a.test/f", NULL);
  assert_int_equal(s.verify_peer, 0);
  assert_int_equal(s.verify_host, 2);
  s = plan(BSIM_SSL_IGNORE_CERT_CN_INVALID | BSIM_SSL_IGNORE_UNKNOWN_CA,
           "https://a.test/f", NULL);
  assert_int_equal(s.verify_peer, 0);
  assert_int_equal(s.verify_host, 0);
}

/* No libcurl switch ignores only dates or only usage: the conservative
 * choice keeps the whole verification. */
static void test_security_date_and_usage_still_verified(void **state) {
  (void)state;
  uint32_t flags =
      BSIM_SSL_IGNORE_CERT_DATE_INVALID | BSIM_SSL_IGNORE_CERT_WRONG_USAGE;
  struct bsim__curl_security s = plan(flags, "https://a.test/f", NULL);
  assert_int_equal(s.verify_peer, 1);
  assert_int_equal(s.verify_host, 2);
  assert_null(s.crl_file);
}

static void test_security_crl_check(void **state) {
  (void)state;
  struct bsim__curl_security s =
      plan(BSIM_SSL_ENABLE_CRL_CHECK, "https://a.test/f", "/etc/crl.pem");
  assert_string_equal(s.crl_file, "/etc/crl.pem");
  assert_int_equal(s.verify_peer, 1);
  /* The file is used only for jobs that ask. */
  s = plan(0, "https://a.test/f", "/etc/crl.pem");
  assert_null(s.crl_file);
  /* Asked for, but no file configured: no CRL option. */
  s = plan(BSIM_SSL_ENABLE_CRL_CHECK, "https://a.test/f", NULL);
  assert_null(s.crl_file);
}

static void test_security_redirect_policies(void **state) {
  (void)state;
  struct bsim__curl_security s =
      plan(BSIM_HTTP_REDIRECT_POLICY_DISALLOW, "http://a.test/f", NULL);
  assert_int_equal(s.follow, 0);
  s = plan(BSIM_HTTP_REDIRECT_POLICY_ALLOW_REPORT, "http://a.test/f", NULL);
  assert_int_equal(s.follow, 1);
  s = plan(BSIM_HTTP_REDIRECT_POLICY_ALLOW_REPORT |
               BSIM_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP,
           "HTTPS://a.test/f", NULL);
  assert_string_equal(s.redir_protocols, "http,https");
  s = plan(BSIM_HTTP_REDIRECT_POLICY_ALLOW_SILENT, "HTTPS://a.test/f", NULL);
  assert_string_equal(s.redir_protocols, "https");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_security_defaults_verify_everything),
      cmocka_unit_test(test_security_ignore_flags),
      cmocka_unit_test(test_security_date_and_usage_still_verified),
      cmocka_unit_test(test_security_crl_check),
      cmocka_unit_test(test_security_redirect_policies),
  };
  return cmocka_run_group_tests_name("curl_security", tests, NULL, NULL);
}
