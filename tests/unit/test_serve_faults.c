/* The text form of `bitsim serve` faults (docs/serve.md "Faults"): every kind
 * and field parses into the struct bsim_serve_fault the API takes, and every
 * malformed spec is refused with E_INVALIDARG, a reason, and the output left
 * untouched. Pure parsing: no server, no network.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bitsim.h"

static struct bsim_serve_fault parse_ok(const char *text) {
  struct bsim_serve_fault f;
  char err[256] = "unset";
  bsim_hr hr = bsim_serve_fault_parse(text, &f, err, sizeof err);
  if (hr != BSIM_S_OK) print_error("'%s': %s\n", text, err);
  assert_int_equal(hr, BSIM_S_OK);
  assert_string_equal(err, "");
  return f;
}

static void test_status_with_count(void **state) {
  (void)state;
  struct bsim_serve_fault f = parse_ok("path=/a.bin,status=503,count=2");
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_STATUS);
  assert_string_equal(f.path, "/a.bin");
  assert_int_equal(f.prefix, 0);
  assert_string_equal(f.method, "");
  assert_int_equal(f.status, 503);
  assert_int_equal(f.count, 2);
  assert_int_equal(f.nth, 1);
  assert_int_equal(f.bits_error, BSIM_E_FAIL);
  assert_int_equal(f.bits_context, 5);
}

static void test_where_fields(void **state) {
  (void)state;
  struct bsim_serve_fault f =
      parse_ok(" prefix=/dir/ , method=BITS_POST ,nth=3, count=1,status=500 ");
  assert_string_equal(f.path, "/dir/");
  assert_int_equal(f.prefix, 1);
  assert_string_equal(f.method, "BITS_POST");
  assert_int_equal(f.nth, 3);
  assert_int_equal(f.count, 1);
  f = parse_ok("path=/x,status=200,count=0");
  assert_int_equal(f.count, 0);
}

static void test_each_kind(void **state) {
  (void)state;
  struct bsim_serve_fault f = parse_ok("path=/a,reset=1000");
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_RESET);
  assert_int_equal(f.bytes, 1000);
  f = parse_ok("path=/a,stall=2000");
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_STALL);
  assert_int_equal(f.stall_ms, 2000);
  assert_int_equal(f.bytes, 0);
  f = parse_ok("path=/a,after=512,stall=10");
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_STALL);
  assert_int_equal(f.bytes, 512);
  f = parse_ok("path=/a,drip=1024/50");
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_DRIP);
  assert_int_equal(f.bytes, 1024);
  assert_int_equal(f.interval_ms, 50);
  f = parse_ok("path=/a,length=+100");
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_WRONG_LENGTH);
  assert_int_equal(f.length_delta, 100);
  f = parse_ok("path=/a,length=-7");
  assert_int_equal(f.length_delta, -7);
  f = parse_ok("path=/a,length=9");
  assert_int_equal(f.length_delta, 9);
  f = parse_ok("path=/a,norange");
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_NO_RANGE);
  f = parse_ok("path=/a,corrupt=100+16");
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_CORRUPT);
  assert_int_equal(f.offset, 100);
  assert_int_equal(f.length, 16);
  f = parse_ok("path=/a,corrupt=7");
  assert_int_equal(f.offset, 7);
  assert_int_equal(f.length, 1);
  f = parse_ok("path=/a,change");
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_CHANGE);
}

static void test_bits_error_fields(void **state) {
  (void)state;
  struct bsim_serve_fault f =
      parse_ok("path=/up,method=BITS_POST,status=500,error=BG_E_TOO_LARGE");
  assert_int_equal(f.bits_error, BSIM_E_TOO_LARGE);
  f = parse_ok("path=/up,status=500,error=0x8020001F,context=7");
  assert_int_equal(f.bits_error, BSIM_E_SESSION_NOT_FOUND);
  assert_int_equal(f.bits_context, 7);
}

static void parse_bad(const char *text, const char *reason_part) {
  struct bsim_serve_fault f;
  memset(&f, 0xA5, sizeof f);
  struct bsim_serve_fault before = f;
  char err[256] = "";
  bsim_hr hr = bsim_serve_fault_parse(text, &f, err, sizeof err);
  if (hr != BSIM_E_INVALIDARG) print_error("accepted: '%s'\n", text);
  assert_int_equal(hr, BSIM_E_INVALIDARG);
  assert_memory_equal(&f, &before, sizeof f);
  if (strstr(err, reason_part) == NULL) {
    print_error("'%s': reason '%s' lacks '%s'\n", text, err, reason_part);
  }
  assert_non_null(strstr(err, reason_part));
}

static void test_malformed_specs(void **state) {
  (void)state;
  parse_bad("", "is needed");
  parse_bad("status=503", "path");
  parse_bad("path=/a", "no fault kind");
  parse_bad("path=/a,status=503,reset=5", "more than one");
  parse_bad("path=/a,norange,change", "more than one");
  parse_bad("path=a,status=503", "start with '/'");
  parse_bad("path=/a,path=/b,status=503", "exactly one path");
  parse_bad("path=/a,prefix=/b,status=503", "exactly one path");
  parse_bad("path=/a,status=99", "200..599");
  parse_bad("path=/a,status=600", "200..599");
  parse_bad("path=/a,status=abc", "200..599");
  parse_bad("path=/a,status=", "200..599");
  parse_bad("path=/a,reset=-1", "bad bytes");
  parse_bad("path=/a,reset=99999999999999999999999", "bad bytes");
  parse_bad("path=/a,stall=4294967296", "bad ms");
  parse_bad("path=/a,drip=0/5", "BYTES/MS");
  parse_bad("path=/a,drip=5", "BYTES/MS");
  parse_bad("path=/a,drip=5/x", "BYTES/MS");
  parse_bad("path=/a,corrupt=5+0", "OFFSET+LENGTH");
  parse_bad("path=/a,corrupt=18446744073709551615+2", "OFFSET+LENGTH");
  parse_bad("path=/a,length=0", "length difference");
  parse_bad("path=/a,length=+x", "length difference");
  parse_bad("path=/a,bogus=1,status=500", "unknown field");
  parse_bad("path=/a,bogus", "unknown field");
  parse_bad("path=/a,after=5,reset=3", "after= goes with stall=");
  parse_bad("path=/a,count=99999999999,status=500", "bad count");
  parse_bad("path=/a,nth=x,status=500", "bad count");
  parse_bad("path=/a,,status=500", "empty field");
  parse_bad("path=/a,status=500,error=NOPE", "unknown error");
  parse_bad("path=/a,status=500,context=6", "5 or 7");
  parse_bad("path=,status=500", "bad text");
  parse_bad("path=/a,method=ABCDEFGHIJKLMNOPQRS,status=500", "bad text");
}

/* redirect=LOCATION answers 302 (code= picks 301, 303, 307, 308) with
 * that Location; a location is one header line. */
static void test_redirect_kind(void **state) {
  (void)state;
  struct bsim_serve_fault f = parse_ok("path=/a.bin,redirect=/b.bin");
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_REDIRECT);
  assert_int_equal(f.status, 302);
  assert_string_equal(f.location, "/b.bin");
  f = parse_ok("code=307,path=/a,redirect=http://127.0.0.1:9/x?y=1");
  assert_int_equal(f.status, 307);
  assert_string_equal(f.location, "http://127.0.0.1:9/x?y=1");
  parse_bad("path=/a,redirect=", "bad text");
  parse_bad("path=/a,redirect=/b,code=200", "301, 302, 303, 307 or 308");
  parse_bad("path=/a,redirect=/b,code=304", "301, 302, 303, 307 or 308");
  parse_bad("path=/a,redirect=/b,code=x", "bad code");
  parse_bad("path=/a,status=500,code=301", "code= goes with redirect=");
  parse_bad("path=/a,redirect=/b,status=500", "more than one");
  parse_bad("path=/a,redirect=/b\r\nX: y", "bad location");
}

static void test_long_path_and_arguments(void **state) {
  (void)state;
  char text[2 * BSIM_SERVE_FAULT_PATH_MAX];
  memset(text, 'x', sizeof text);
  memcpy(text, "path=/", 6);
  memcpy(text + BSIM_SERVE_FAULT_PATH_MAX + 6, ",norange", 9);
  parse_bad(text, "bad text");
  struct bsim_serve_fault f;
  assert_int_equal(bsim_serve_fault_parse(NULL, &f, NULL, 0), BSIM_E_POINTER);
  assert_int_equal(bsim_serve_fault_parse("path=/a,norange", NULL, NULL, 0),
                   BSIM_E_POINTER);
  /* No room for a reason is fine. */
  assert_int_equal(bsim_serve_fault_parse("path=/a", &f, NULL, 0),
                   BSIM_E_INVALIDARG);
  char tiny[4];
  assert_int_equal(bsim_serve_fault_parse("bogus", &f, tiny, sizeof tiny),
                   BSIM_E_INVALIDARG);
  assert_int_equal(strlen(tiny), 3);
}

static void test_init_defaults(void **state) {
  (void)state;
  struct bsim_serve_fault f;
  bsim_serve_fault_init(&f, BSIM_SERVE_FAULT_CORRUPT);
  assert_int_equal(f.kind, BSIM_SERVE_FAULT_CORRUPT);
  assert_int_equal(f.nth, 1);
  assert_int_equal(f.count, 0);
  assert_string_equal(f.path, "");
  assert_int_equal(f.bits_context, 5);
  struct bsim_serve_options o;
  bsim_serve_options_init(&o);
  assert_int_equal(o.version, BSIM_SERVE_OPTIONS_VERSION);
  assert_int_equal(o.max_sessions, 50);
  assert_true(o.max_upload_bytes == UINT64_MAX);
  assert_true(o.session_timeout_ms == 1209600000u);
  assert_int_equal(o.allow_overwrite, 0);
  assert_int_equal(o.port, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status_with_count),
      cmocka_unit_test(test_where_fields),
      cmocka_unit_test(test_each_kind),
      cmocka_unit_test(test_bits_error_fields),
      cmocka_unit_test(test_malformed_specs),
      cmocka_unit_test(test_redirect_kind),
      cmocka_unit_test(test_long_path_and_arguments),
      cmocka_unit_test(test_init_defaults),
  };
  return cmocka_run_group_tests_name("serve_faults", tests, NULL, NULL);
}
