/* Job proxy settings mapped onto libcurl (reference §1.4 SetProxySettings,
 * §2.4): a second `bitsim serve` stands in for a proxy and
 * its request counter tells where each request went.
 *   PRECONFIG   the machine's settings (here the http_proxy environment)
 *               send the request to the proxy;
 *   NO_PROXY    goes straight to the origin even with http_proxy set;
 *   OVERRIDE    the job's list ("http=host:port") is used, and a host on
 *               the bypass list goes direct.
 * The proxy answers absolute-form requests for files it does not hold with
 * an error, which is enough: only the counters matter. Nothing sleeps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "curl_world.h"

static struct world w;
static bsim_serve *proxy;
static char proxy_root[1300];
static char proxy_env[128];
static char proxy_list[128];

static int group_setup(void **state) {
  (void)state;
  world_open(&w, "curl-options", NULL);
  struct bsim_serve_options so;
  bsim_serve_options_init(&so);
  world_path(proxy_root, sizeof proxy_root, w.dir, "proxy");
  assert_int_equal(mkdir(proxy_root, 0755), 0);
  so.root_dir = proxy_root;
  assert_int_equal(bsim_serve_start(&so, &proxy), BSIM_S_OK);
  snprintf(proxy_env, sizeof proxy_env, "http://127.0.0.1:%u",
           (unsigned)bsim_serve_port(proxy));
  snprintf(proxy_list, sizeof proxy_list, "https=127.0.0.1:1 http=127.0.0.1:%u",
           (unsigned)bsim_serve_port(proxy));
  unsetenv("no_proxy");
  unsetenv("NO_PROXY");
  unsetenv("all_proxy");
  unsetenv("ALL_PROXY");
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  unsetenv("http_proxy");
  world_close(&w);
  bsim_serve_stop(proxy);
  return 0;
}

static uint64_t proxied(void) {
  struct bsim_serve_stats st;
  assert_int_equal(bsim_serve_stats_get(proxy, NULL, &st), BSIM_S_OK);
  return st.requests;
}

static uint64_t direct(const char *path) {
  return world_stats(&w, path).requests;
}

/* A job for /<leaf> with proxy settings; returns it resumed. */
static bsim_job *proxy_job(const char *leaf, enum bsim_proxy_usage usage,
                           const char *list, const char *bypass) {
  char src[1300];
  char dst[1300];
  char path[64];
  world_make_file(world_path(src, sizeof src, w.root, leaf), 2000, 41);
  snprintf(path, sizeof path, "/%s", leaf);
  bsim_job *job =
      world_job(&w, BSIM_JOB_TYPE_DOWNLOAD, BSIM_JOB_PRIORITY_FOREGROUND);
  assert_int_equal(bsim_job_add_file(job, world_url(&w, path),
                                     world_path(dst, sizeof dst, w.out, leaf)),
                   BSIM_S_OK);
  assert_int_equal(bsim_job_set_proxy_settings(job, usage, list, bypass),
                   BSIM_S_OK);
  struct bsim__curl_job_options o;
  bsim__curl_job_options_init(&o);
  o.proxy_usage = usage;
  o.proxy_list = list;
  o.bypass_list = bypass;
  world_set_options(&w, job, &o);
  assert_int_equal(bsim_job_resume(job), BSIM_S_OK);
  return job;
}

/* Run job to a final-ish state: TRANSFERRED (direct) or ERROR (the proxy
 * does not hold the file). */
static enum bsim_job_state settle(bsim_job *job) {
  uint32_t mask = 1u << BSIM_JOB_STATE_TRANSFERRED | 1u << BSIM_JOB_STATE_ERROR;
  uint64_t deadline = bsim_manager_now_ms(w.mgr) + DAY_MS;
  bsim_hr hr = bsim_manager_run_until_job_state(w.mgr, job, mask, deadline);
  assert_int_equal(hr, BSIM_S_OK);
  enum bsim_job_state st = world_state(job);
  assert_true(st == BSIM_JOB_STATE_TRANSFERRED || st == BSIM_JOB_STATE_ERROR);
  return st;
}

static void test_curl_options_preconfig_uses_environment(void **state) {
  (void)state;
  setenv("http_proxy", proxy_env, 1);
  uint64_t before = proxied();
  bsim_job *job = proxy_job("pre.bin", BSIM_PROXY_USAGE_PRECONFIG, NULL, NULL);
  assert_int_equal(settle(job), BSIM_JOB_STATE_ERROR);
  assert_true(proxied() > before);
  assert_int_equal(direct("/pre.bin"), 0);
  unsetenv("http_proxy");
  bsim_job_unref(job);
}

static void test_curl_options_no_proxy_goes_direct(void **state) {
  (void)state;
  setenv("http_proxy", proxy_env, 1);
  uint64_t before = proxied();
  bsim_job *job = proxy_job("none.bin", BSIM_PROXY_USAGE_NO_PROXY, NULL, NULL);
  assert_int_equal(settle(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(proxied(), before);
  assert_int_equal(direct("/none.bin"), 1);
  unsetenv("http_proxy");
  bsim_job_unref(job);
}

static void test_curl_options_override_list(void **state) {
  (void)state;
  uint64_t before = proxied();
  bsim_job *job =
      proxy_job("over.bin", BSIM_PROXY_USAGE_OVERRIDE, proxy_list, NULL);
  assert_int_equal(settle(job), BSIM_JOB_STATE_ERROR);
  assert_true(proxied() > before);
  assert_int_equal(direct("/over.bin"), 0);
  bsim_job_unref(job);
}

static void test_curl_options_override_bypass(void **state) {
  (void)state;
  uint64_t before = proxied();
  bsim_job *job = proxy_job("byp.bin", BSIM_PROXY_USAGE_OVERRIDE, proxy_list,
                            "*.example.test 127.0.0.1");
  assert_int_equal(settle(job), BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(proxied(), before);
  assert_int_equal(direct("/byp.bin"), 1);
  bsim_job_unref(job);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_curl_options_preconfig_uses_environment),
      cmocka_unit_test(test_curl_options_no_proxy_goes_direct),
      cmocka_unit_test(test_curl_options_override_list),
      cmocka_unit_test(test_curl_options_override_bypass),
  };
  return cmocka_run_group_tests_name("curl_options", tests, group_setup,
                                     group_teardown);
}
