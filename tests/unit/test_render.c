/* Rendering from the trace (design.md "Trace"; issue "bitsim command",
 * Pictures and reports): the flat JSON parser (escapes, errors with a
 * column), the narration (one line per event with virtual time and job
 * labels), the SVG timeline (state spans, slot lanes, byte-identical for the
 * same input) and the report of common mistakes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitsim/render.h"

static const char *const sample[] = {
    "{\"seq\":1,\"t_ms\":0,\"ev\":\"api\",\"job\":\"{A}\",\"call\":"
    "\"CreateJob\",\"name\":\"nightly \\\"update\\\"\",\"user\":\"alice\","
    "\"hr\":\"S_OK\"}",
    "{\"seq\":2,\"t_ms\":0,\"ev\":\"state\",\"job\":\"{A}\",\"from\":"
    "\"SUSPENDED\",\"to\":\"QUEUED\",\"why\":\"resume\"}",
    "{\"seq\":3,\"t_ms\":1500,\"ev\":\"state\",\"job\":\"{A}\",\"from\":"
    "\"QUEUED\",\"to\":\"TRANSIENT_ERROR\",\"why\":\"http_503\"}",
    "{\"seq\":4,\"t_ms\":601500,\"ev\":\"state\",\"job\":\"{A}\",\"from\":"
    "\"TRANSIENT_ERROR\",\"to\":\"TRANSFERRED\",\"why\":\"done\"}",
    "{\"seq\":5,\"t_ms\":601500,\"ev\":\"notify\",\"job\":\"{A}\",\"user\":"
    "\"alice\",\"slot\":0,\"phase\":\"begin\",\"method\":\"JobTransferred\"}",
    "{\"seq\":6,\"t_ms\":601700,\"ev\":\"notify\",\"job\":\"{A}\",\"user\":"
    "\"alice\",\"slot\":0,\"phase\":\"end\",\"method\":\"JobTransferred\","
    "\"result\":\"E_FAIL\"}",
    "{\"seq\":7,\"t_ms\":86400000,\"ev\":\"api\",\"job\":\"{B}\",\"call\":"
    "\"CreateJob\",\"name\":\"b\",\"hr\":\"S_OK\"}",
};

static char *render_all(enum bsim_render_kind kind, size_t *len) {
  char *buf = NULL;
  FILE *out = open_memstream(&buf, len);
  assert_non_null(out);
  bsim_renderer *r = NULL;
  assert_int_equal(bsim_renderer_new(kind, out, &r), BSIM_S_OK);
  for (size_t i = 0; i < sizeof sample / sizeof sample[0]; i++) {
    bsim_render_sink(sample[i], strlen(sample[i]), r);
  }
  bsim_renderer_line(r, "not json", 8);
  assert_int_equal(bsim_renderer_bad_lines(r), 1);
  assert_int_equal(bsim_renderer_finish(r), BSIM_S_OK);
  bsim_renderer_free(r);
  fclose(out);
  return buf;
}

static void test_render_parse(void **state) {
  (void)state;
  struct bsim_trace_event ev;
  const char *line = "{\"seq\":12,\"t_ms\":600000,\"ev\":\"state\",\"s\":"
                     "\"a\\nb\\u00e9\\\\\",\"n\":-3,\"b\":true,\"z\":null}";
  assert_int_equal(bsim_trace_event_parse(line, strlen(line), &ev, NULL),
                   BSIM_S_OK);
  assert_int_equal(ev.seq, 12);
  assert_int_equal(ev.t_ms, 600000);
  assert_string_equal(ev.ev, "state");
  assert_null(ev.job);
  assert_string_equal(bsim_trace_event_get(&ev, "s"), "a\nb\xc3\xa9\\");
  assert_string_equal(bsim_trace_event_get(&ev, "n"), "-3");
  assert_string_equal(bsim_trace_event_get(&ev, "b"), "true");
  assert_null(bsim_trace_event_get(&ev, "missing"));
  size_t col = 0;
  const char *bad = "{\"a\":1,,}";
  assert_int_equal(bsim_trace_event_parse(bad, strlen(bad), &ev, &col),
                   BSIM_E_INVALIDARG);
  assert_int_equal(col, 8);
  const char *trailing = "{\"a\":1} x";
  assert_int_equal(
      bsim_trace_event_parse(trailing, strlen(trailing), &ev, &col),
      BSIM_E_INVALIDARG);
  const char *unterminated = "{\"a\":\"abc";
  assert_int_equal(
      bsim_trace_event_parse(unterminated, strlen(unterminated), &ev, &col),
      BSIM_E_INVALIDARG);
}

static void test_render_time_format(void **state) {
  (void)state;
  char buf[40];
  assert_string_equal(bsim_format_virtual_time(0, buf, sizeof buf),
                      "0d+00:00:00.000");
  assert_string_equal(
      bsim_format_virtual_time(14ull * 86400000 + 601234, buf, sizeof buf),
      "14d+00:10:01.234");
}

static void test_render_narration(void **state) {
  (void)state;
  size_t len = 0;
  char *text = render_all(BSIM_RENDER_NARRATION, &len);
  assert_non_null(strstr(text, "[0d+00:00:00.000] job 1 'nightly \"update\"': "
                               "app calls CreateJob(user=alice) -> S_OK\n"));
  assert_non_null(strstr(text, "[0d+00:00:01.500] job 1 'nightly \"update\"': "
                               "QUEUED -> TRANSIENT_ERROR (http_503)\n"));
  assert_non_null(strstr(text, "[1d+00:00:00.000] job 2 'b': app calls"));
  assert_non_null(strstr(text, "notify: user=alice, slot=0, phase=end"));
  size_t lines = 0;
  for (char *p = text; *p != '\0'; p++)
    lines += *p == '\n';
  assert_int_equal(lines, 7);
  free(text);
}

static void test_render_svg_is_deterministic(void **state) {
  (void)state;
  size_t len1 = 0;
  size_t len2 = 0;
  char *a = render_all(BSIM_RENDER_TIMELINE_SVG, &len1);
  char *b = render_all(BSIM_RENDER_TIMELINE_SVG, &len2);
  assert_int_equal(len1, len2);
  assert_memory_equal(a, b, len1);
  assert_non_null(strstr(a, "<svg "));
  assert_non_null(strstr(a, "</svg>"));
  assert_non_null(strstr(a, "TRANSIENT_ERROR 0d+00:00:01.500 .. "
                            "0d+00:10:01.500"));
  assert_non_null(strstr(a, "alice slot 1"));
  assert_non_null(strstr(a, "JobTransferred 0d+00:10:01.500 .. "
                            "0d+00:10:01.700"));
  /* Quotes in names are escaped. */
  assert_non_null(strstr(a, "nightly &quot;update&quot;"));
  free(a);
  free(b);
}

static void test_render_report(void **state) {
  (void)state;
  size_t len = 0;
  char *text = render_all(BSIM_RENDER_REPORT, &len);
  assert_non_null(strstr(text, "job 1 'nightly \"update\"' was never "
                               "completed or cancelled (it is TRANSFERRED)"));
  assert_non_null(strstr(text, "job 2 'b' was never completed"));
  /* One failure is not "more than a few". */
  assert_null(strstr(text, "failed 1 times"));
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_render_parse),
      cmocka_unit_test(test_render_time_format),
      cmocka_unit_test(test_render_narration),
      cmocka_unit_test(test_render_svg_is_deterministic),
      cmocka_unit_test(test_render_report),
  };
  return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
