/* The trace writer (sim/util/trace.c, design.md "Trace"): the shape of a
 * line, JSON string escaping (quotes, backslashes, control characters,
 * valid and invalid UTF-8), bounded lines that say they were cut and stay
 * valid JSON, the FNV-1a 64 digest over every line plus newline and the
 * line count, the callback and file sinks, and tracing switched off.
 *
 * Lines are made through the internal bsim__tr_* calls with the engine lock
 * held, exactly as the engine and the transports make them, and caught by
 * a sink; a small JSON checker validates every line caught. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim_test.h"
#include "internal.h"

#define MAX_LINES 1024

struct caught {
  char *lines[MAX_LINES];
  size_t count;
};

static void catch_line(const char *line, size_t len, void *user) {
  struct caught *c = user;
  assert_true(c->count < MAX_LINES);
  assert_int_equal(strlen(line), len);
  c->lines[c->count] = malloc(len + 1);
  memcpy(c->lines[c->count], line, len + 1);
  c->count++;
}

static void caught_free(struct caught *c) {
  for (size_t i = 0; i < c->count; i++)
    free(c->lines[i]);
  c->count = 0;
}

/* ---- a minimal JSON checker: one object of strings, numbers, true ------ */

static const char *skip_string(const char *p) {
  if (*p++ != '"') return NULL;
  while (*p != '"') {
    unsigned char c = (unsigned char)*p;
    if (c < 0x20) return NULL;
    if (c == '\\') {
      p++;
      if (*p == 'u') {
        for (int i = 1; i <= 4; i++) {
          if (strchr("0123456789abcdefABCDEF", p[i]) == NULL || !p[i])
            return NULL;
        }
        p += 5;
        continue;
      }
      if (strchr("\"\\/bfnrt", *p) == NULL || *p == 0) return NULL;
    }
    p++;
  }
  return p + 1;
}

static const char *skip_value(const char *p) {
  if (*p == '"') return skip_string(p);
  if (strncmp(p, "true", 4) == 0) return p + 4;
  if (strncmp(p, "null", 4) == 0) return p + 4;
  if (*p == '-') p++;
  if (*p < '0' || *p > '9') return NULL;
  while (*p >= '0' && *p <= '9')
    p++;
  return p;
}

static int json_object_valid(const char *p) {
  if (*p++ != '{') return 0;
  for (;;) {
    if ((p = skip_string(p)) == NULL || *p++ != ':') return 0;
    if ((p = skip_value(p)) == NULL) return 0;
    if (*p == '}') return p[1] == '\0';
    if (*p++ != ',') return 0;
  }
}

/* Every byte sequence is valid UTF-8 (RFC 3629). */
static int utf8_valid(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    size_t n = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
    if (*p >= 0x80 && *p < 0xc2) return 0;
    for (size_t i = 1; i < n; i++) {
      if ((p[i] & 0xc0) != 0x80) return 0;
    }
    p += n;
  }
  return 1;
}

/* ---- fixtures ----------------------------------------------------------- */

struct fixture {
  bsim_manager *mgr;
  struct caught caught;
};

static int setup(void **state) {
  struct fixture *f = calloc(1, sizeof *f);
  struct bsim_manager_options opts;
  bsim_manager_options_init(&opts);
  opts.seed = bsim_test_seed();
  opts.clock_mode = BSIM_CLOCK_MANUAL;
  assert_int_equal(bsim_manager_new(&opts, &f->mgr), BSIM_S_OK);
  assert_int_equal(bsim_trace_set_sink(f->mgr, catch_line, &f->caught),
                   BSIM_S_OK);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct fixture *f = *state;
  for (size_t i = 0; i < f->caught.count; i++) {
    assert_true(json_object_valid(f->caught.lines[i]));
    assert_true(utf8_valid(f->caught.lines[i]));
  }
  caught_free(&f->caught);
  assert_int_equal(bsim_manager_free(f->mgr), BSIM_S_OK);
  free(f);
  return 0;
}

/* One line with one string field. */
static const char *emit_str(struct fixture *f, const char *key,
                            const char *value) {
  struct bsim__tr tr;
  size_t before = f->caught.count;
  bsim__lock(f->mgr);
  assert_true(bsim__tr_begin(&tr, f->mgr, "test", NULL));
  bsim__tr_str(&tr, key, value);
  bsim__tr_end(&tr);
  bsim__unlock(f->mgr);
  assert_int_equal(f->caught.count, before + 1);
  return f->caught.lines[before];
}

/* The line after the common head {"seq":N,"t_ms":T,"ev":"test" */
static const char *after_head(const char *line) {
  const char *p = strstr(line, "\"ev\":\"test\"");
  assert_non_null(p);
  return p + strlen("\"ev\":\"test\"");
}

/* ---- tests -------------------------------------------------------------- */

static void test_trace_line_shape(void **state) {
  struct fixture *f = *state;
  uint64_t seq = bsim_trace_count(f->mgr) + 1;
  struct bsim__tr tr;
  bsim__lock(f->mgr);
  assert_true(bsim__tr_begin(&tr, f->mgr, "test", NULL));
  bsim__tr_str(&tr, "s", "plain");
  bsim__tr_str(&tr, "none", NULL);
  bsim__tr_u64(&tr, "u", UINT64_MAX);
  bsim__tr_u64(&tr, "zero", 0);
  bsim__tr_i64(&tr, "i", INT64_MIN);
  bsim__tr_i64(&tr, "j", -42);
  bsim__tr_hr(&tr, "hr", BSIM_E_INVALID_STATE);
  bsim__tr_hr(&tr, "http", bsim_hr_from_http(404));
  bsim__tr_end(&tr);
  bsim__unlock(f->mgr);
  char expected[512];
  snprintf(expected, sizeof expected,
           "{\"seq\":%llu,\"t_ms\":%llu,\"ev\":\"test\",\"s\":\"plain\","
           "\"none\":null,\"u\":18446744073709551615,\"zero\":0,"
           "\"i\":-9223372036854775808,\"j\":-42,"
           "\"hr\":\"BG_E_INVALID_STATE\",\"hr_hex\":\"0x80200002\","
           "\"http\":\"BG_E_HTTP_ERROR_404\",\"http_hex\":\"0x80190194\"}",
           (unsigned long long)seq,
           (unsigned long long)bsim_manager_now_ms(f->mgr));
  assert_string_equal(f->caught.lines[f->caught.count - 1], expected);
  assert_int_equal(bsim_trace_count(f->mgr), seq);
}

static void test_trace_seq_and_time(void **state) {
  struct fixture *f = *state;
  uint64_t seq = bsim_trace_count(f->mgr) + 1;
  assert_int_equal(bsim_manager_advance(f->mgr, 1234), BSIM_S_OK);
  uint64_t now = bsim_manager_now_ms(f->mgr);
  const char *line = emit_str(f, "k", "v");
  /* advance may trace events of its own; seq follows the count. */
  seq = bsim_trace_count(f->mgr);
  char head[128];
  snprintf(head, sizeof head, "{\"seq\":%llu,\"t_ms\":%llu,\"ev\":\"test\"",
           (unsigned long long)seq, (unsigned long long)now);
  assert_memory_equal(line, head, strlen(head));
  assert_true(now >= 1234);
}

static void test_trace_job_id(void **state) {
  struct fixture *f = *state;
  bsim_job *job = NULL;
  bsim_guid id;
  assert_int_equal(bsim_user_add(f->mgr, "alice", 0), BSIM_S_OK);
  assert_int_equal(
      bsim_job_create(f->mgr, "alice", "j", BSIM_JOB_TYPE_DOWNLOAD, &id, &job),
      BSIM_S_OK);
  struct bsim__tr tr;
  bsim__lock(f->mgr);
  assert_true(bsim__tr_begin(&tr, f->mgr, "test", job));
  bsim__tr_end(&tr);
  bsim__unlock(f->mgr);
  char text[BSIM_GUID_STRING_LEN];
  char expected[128];
  snprintf(expected, sizeof expected, ",\"job\":\"%s\"}",
           bsim_guid_format(&id, text));
  assert_string_equal(after_head(f->caught.lines[f->caught.count - 1]),
                      expected);
  bsim_job_unref(job);
}

static void test_trace_escaping(void **state) {
  struct fixture *f = *state;
  /* Quote, backslash, the short escapes, other controls as \u00XX, DEL and
   * slash raw. */
  assert_string_equal(after_head(emit_str(f, "k",
                                          "a\"b\\c\b\f\n\r\t\x01\x1f"
                                          "\x7f/")),
                      ",\"k\":\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f"
                      "\x7f/\"}");
  /* Valid UTF-8 (2, 3 and 4 bytes) passes through unchanged. */
  assert_string_equal(
      after_head(emit_str(f, "k", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80")),
      ",\"k\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}");
  /* Invalid UTF-8 becomes U+FFFD per byte: a stray continuation byte, a
   * lone lead byte, an overlong '/', a UTF-16 surrogate, past U+10FFFF. */
  assert_string_equal(after_head(emit_str(f, "k",
                                          "\x80|\xc3|\xc0\xaf|"
                                          "\xed\xa0\x80|\xf4\x90\x80"
                                          "\x80")),
                      ",\"k\":\"\\ufffd|\\ufffd|\\ufffd\\ufffd|"
                      "\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd\\ufffd\"}");
  /* Keys are escaped too. */
  assert_string_equal(after_head(emit_str(f, "a\"b", "")), ",\"a\\\"b\":\"\"}");
}

static void check_cut_line(const char *line) {
  size_t len = strlen(line);
  assert_true(len < sizeof(((struct bsim__tr *)0)->buf));
  const char *tail = ",\"overflow\":true}";
  assert_string_equal(line + len - strlen(tail), tail);
  assert_true(json_object_valid(line));
  assert_true(utf8_valid(line));
}

static void test_trace_overflow(void **state) {
  struct fixture *f = *state;
  char big[5000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  struct bsim__tr tr;
  bsim__lock(f->mgr);
  assert_true(bsim__tr_begin(&tr, f->mgr, "test", NULL));
  bsim__tr_str(&tr, "big", big);
  bsim__tr_u64(&tr, "after", 7); /* dropped: the line was already cut */
  bsim__tr_end(&tr);
  bsim__unlock(f->mgr);
  const char *line = f->caught.lines[f->caught.count - 1];
  check_cut_line(line);
  assert_null(strstr(line, "after"));
  assert_non_null(strstr(line, "\"big\":\"xxxx"));

  /* Multi-byte characters and 6-byte escapes are never split. */
  static const char *units[] = {"\xc3\xa9", "\xf0\x9f\x98\x80", "\x01", "\""};
  for (size_t u = 0; u < 4; u++) {
    for (size_t pad = 0; pad < 8; pad++) {
      char s[3000] = "";
      size_t n = pad;
      memset(s, 'p', pad);
      while (n + strlen(units[u]) < sizeof s - 1) {
        memcpy(s + n, units[u], strlen(units[u]));
        n += strlen(units[u]);
      }
      s[n] = '\0';
      check_cut_line(emit_str(f, "k", s));
    }
  }
  /* Numbers that do not fit are dropped whole. */
  memset(big, 'y', 1000);
  big[1000] = '\0';
  bsim__lock(f->mgr);
  assert_true(bsim__tr_begin(&tr, f->mgr, "test", NULL));
  bsim__tr_str(&tr, "s", big);
  bsim__tr_u64(&tr, "n", UINT64_MAX);
  bsim__tr_end(&tr);
  bsim__unlock(f->mgr);
  line = f->caught.lines[f->caught.count - 1];
  check_cut_line(line);
  assert_null(strstr(line, "\"n\":"));
  caught_free(&f->caught);
}

static uint64_t fnv1a(uint64_t h, const char *s) {
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= UINT64_C(0x100000001b3);
  }
  h ^= '\n';
  return h * UINT64_C(0x100000001b3);
}

static void test_trace_digest_and_count(void **state) {
  struct fixture *f = *state;
  /* FNV-1a carries its whole state in the hash, so the digest after more
   * lines is the digest before, continued over each line and newline. */
  caught_free(&f->caught);
  uint64_t h = bsim_trace_digest(f->mgr);
  uint64_t count = bsim_trace_count(f->mgr);
  emit_str(f, "k", "one");
  emit_str(f, "k", "two");
  for (size_t i = 0; i < f->caught.count; i++)
    h = fnv1a(h, f->caught.lines[i]);
  assert_int_equal(bsim_trace_count(f->mgr), count + 2);
  assert_true(bsim_trace_digest(f->mgr) == h);
  assert_true(h != UINT64_C(0xcbf29ce484222325));

  /* A second manager making the same lines has the same digest; one byte
   * different in one line changes it. */
  struct bsim_manager_options opts;
  bsim_manager_options_init(&opts);
  opts.seed = bsim_test_seed();
  opts.clock_mode = BSIM_CLOCK_MANUAL;
  bsim_manager *a = NULL;
  bsim_manager *b = NULL;
  assert_int_equal(bsim_manager_new(&opts, &a), BSIM_S_OK);
  assert_int_equal(bsim_manager_new(&opts, &b), BSIM_S_OK);
  assert_true(bsim_trace_digest(a) == bsim_trace_digest(b));
  const char *values[2] = {"same", "samf"};
  bsim_manager *mgrs[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    struct bsim__tr tr;
    bsim__lock(mgrs[i]);
    assert_true(bsim__tr_begin(&tr, mgrs[i], "test", NULL));
    bsim__tr_str(&tr, "k", values[i]);
    bsim__tr_end(&tr);
    bsim__unlock(mgrs[i]);
  }
  assert_int_equal(bsim_trace_count(a), bsim_trace_count(b));
  assert_true(bsim_trace_digest(a) != bsim_trace_digest(b));
  assert_int_equal(bsim_manager_free(a), BSIM_S_OK);
  assert_int_equal(bsim_manager_free(b), BSIM_S_OK);
}

static void test_trace_file_sink(void **state) {
  struct fixture *f = *state;
  const char *dir = bsim_test_tmpdir("trace_file");
  assert_non_null(dir);
  char path[4200];
  snprintf(path, sizeof path, "%s/trace.jsonl", dir);
  caught_free(&f->caught);
  assert_int_equal(bsim_trace_to_file(f->mgr, path), BSIM_S_OK);
  emit_str(f, "k", "first");
  emit_str(f, "k", "line\nbreak");
  /* NULL closes (and flushes) the file; later lines do not go there. */
  assert_int_equal(bsim_trace_to_file(f->mgr, NULL), BSIM_S_OK);
  emit_str(f, "k", "not in the file");
  char expected[1024] = "";
  for (size_t i = 0; i < 2; i++) {
    strcat(expected, f->caught.lines[i]);
    strcat(expected, "\n");
  }
  FILE *in = fopen(path, "rb");
  assert_non_null(in);
  char got[1024];
  size_t n = fread(got, 1, sizeof got - 1, in);
  fclose(in);
  got[n] = '\0';
  assert_string_equal(got, expected);
  /* The file is appended to, never truncated. */
  assert_int_equal(bsim_trace_to_file(f->mgr, path), BSIM_S_OK);
  emit_str(f, "k", "appended");
  assert_int_equal(bsim_trace_to_file(f->mgr, NULL), BSIM_S_OK);
  in = fopen(path, "rb");
  n = fread(got, 1, sizeof got - 1, in);
  fclose(in);
  got[n] = '\0';
  assert_memory_equal(got, expected, strlen(expected));
  assert_non_null(strstr(got + strlen(expected), "appended"));
}

static void test_trace_file_sink_errors(void **state) {
  struct fixture *f = *state;
  const char *dir = bsim_test_tmpdir("trace_file_errors");
  char path[4200];
  snprintf(path, sizeof path, "%s/no/such/dir/trace.jsonl", dir);
  assert_int_equal(bsim_trace_to_file(f->mgr, path),
                   BSIM_E_WIN32_PATH_NOT_FOUND);
  assert_int_equal(bsim_trace_to_file(f->mgr, dir), BSIM_E_ACCESSDENIED);
  assert_int_equal(bsim_trace_to_file(f->mgr, ""), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_trace_to_file(NULL, path), BSIM_E_INVALIDARG);
  assert_int_equal(bsim_trace_set_sink(NULL, catch_line, NULL),
                   BSIM_E_INVALIDARG);
  /* "-" is standard output. */
  assert_int_equal(bsim_trace_to_file(f->mgr, "-"), BSIM_S_OK);
  emit_str(f, "k", "to stdout");
  assert_int_equal(bsim_trace_to_file(f->mgr, NULL), BSIM_S_OK);
}

static void test_trace_sink_removed(void **state) {
  struct fixture *f = *state;
  caught_free(&f->caught);
  assert_int_equal(bsim_trace_set_sink(f->mgr, NULL, NULL), BSIM_S_OK);
  uint64_t count = bsim_trace_count(f->mgr);
  struct bsim__tr tr;
  bsim__lock(f->mgr);
  assert_true(bsim__tr_begin(&tr, f->mgr, "test", NULL));
  bsim__tr_end(&tr);
  bsim__unlock(f->mgr);
  /* Still counted and digested, just not delivered. */
  assert_int_equal(f->caught.count, 0);
  assert_int_equal(bsim_trace_count(f->mgr), count + 1);
  assert_int_equal(bsim_trace_set_sink(f->mgr, catch_line, &f->caught),
                   BSIM_S_OK);
}

static void test_trace_off(void **state) {
  (void)state;
  struct bsim_manager_options opts;
  bsim_manager_options_init(&opts);
  opts.trace_enabled = 0;
  opts.clock_mode = BSIM_CLOCK_MANUAL;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&opts, &mgr), BSIM_S_OK);
  struct caught c = {{0}, 0};
  assert_int_equal(bsim_trace_set_sink(mgr, catch_line, &c), BSIM_S_OK);
  struct bsim__tr tr;
  bsim__lock(mgr);
  assert_false(bsim__tr_begin(&tr, mgr, "test", NULL));
  bsim__unlock(mgr);
  assert_int_equal(bsim_user_add(mgr, "bob", 0), BSIM_S_OK);
  assert_int_equal(bsim_manager_advance(mgr, 1000), BSIM_S_OK);
  assert_int_equal(c.count, 0);
  assert_int_equal(bsim_trace_count(mgr), 0);
  assert_true(bsim_trace_digest(mgr) == UINT64_C(0xcbf29ce484222325));
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_trace_line_shape, setup, teardown),
      cmocka_unit_test_setup_teardown(test_trace_seq_and_time, setup, teardown),
      cmocka_unit_test_setup_teardown(test_trace_job_id, setup, teardown),
      cmocka_unit_test_setup_teardown(test_trace_escaping, setup, teardown),
      cmocka_unit_test_setup_teardown(test_trace_overflow, setup, teardown),
      cmocka_unit_test_setup_teardown(test_trace_digest_and_count, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_trace_file_sink, setup, teardown),
      cmocka_unit_test_setup_teardown(test_trace_file_sink_errors, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_trace_sink_removed, setup, teardown),
      cmocka_unit_test(test_trace_off),
  };
  return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
