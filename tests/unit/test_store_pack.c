/* The files' progress blob of the SQLite store (sim/store/store_pack.c,
 * docs/store.md "Schema"): every field round-trips, BSIM_SIZE_UNKNOWN and
 * 64-bit values included; a blob that is cut short, has trailing bytes,
 * an unknown flag bit, an over-long varint or one past 64 bits is refused (a
 * damaged store must be reported, never read as other numbers); any truncation
 * of a valid blob is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "store/store.h"
#include "store/store_pack.h"

static const struct bsim__store_file sample[3] = {
    {.bytes_total = BSIM_SIZE_UNKNOWN, .bytes_done = 0},
    {.bytes_total = 4096,
     .bytes_done = 1000,
     .transferred = 1,
     .temp_made = 1,
     .valid = 1,
     .bytes_origin = 700,
     .bytes_peers = 300},
    {.bytes_total = UINT64_MAX - 1,
     .bytes_done = UINT64_MAX - 2,
     .completed = 1,
     .from_peer = 1,
     .peer_held = 1,
     .bytes_origin = UINT64_MAX,
     .bytes_peers = 1},
};

static void test_pack_roundtrip(void **state) {
  (void)state;
  unsigned char blob[3 * BSIM__STORE_PACKED_FILE_MAX];
  size_t len = bsim__store_pack_files(sample, 3, blob);
  assert_true(len <= sizeof blob);
  struct bsim__store_file got[3];
  memset(got, 0xAA, sizeof got);
  assert_int_equal(bsim__store_unpack_files(blob, len, got, 3), 0);
  for (int i = 0; i < 3; i++) {
    assert_true(got[i].bytes_total == sample[i].bytes_total);
    assert_true(got[i].bytes_done == sample[i].bytes_done);
    assert_int_equal(got[i].transferred, sample[i].transferred);
    assert_int_equal(got[i].completed, sample[i].completed);
    assert_int_equal(got[i].temp_made, sample[i].temp_made);
    assert_int_equal(got[i].from_peer, sample[i].from_peer);
    assert_int_equal(got[i].valid, sample[i].valid);
    assert_int_equal(got[i].peer_held, sample[i].peer_held);
    assert_true(got[i].bytes_origin == sample[i].bytes_origin);
    assert_true(got[i].bytes_peers == sample[i].bytes_peers);
  }
  /* No files: an empty blob. */
  assert_int_equal(bsim__store_pack_files(sample, 0, blob), 0);
  assert_int_equal(bsim__store_unpack_files(blob, 0, got, 0), 0);
}

static void test_pack_refuses_damage(void **state) {
  (void)state;
  unsigned char blob[3 * BSIM__STORE_PACKED_FILE_MAX + 1];
  size_t len = bsim__store_pack_files(sample, 3, blob);
  struct bsim__store_file got[3];
  for (size_t cut = 0; cut < len; cut++) {
    assert_int_equal(bsim__store_unpack_files(blob, cut, got, 3), -1);
  }
  blob[len] = 0;
  assert_int_equal(bsim__store_unpack_files(blob, len + 1, got, 3), -1);
  assert_int_equal(bsim__store_unpack_files(blob, len, got, 2), -1);
  /* File 0: total (1 byte: 0), done (1 byte: 0), then the flags byte. */
  unsigned char bad_flag[] = {0, 0, 0x40, 0, 0};
  assert_int_equal(bsim__store_unpack_files(bad_flag, 5, got, 1), -1);
  unsigned char long_varint[14];
  memset(long_varint, 0x80, sizeof long_varint);
  assert_int_equal(bsim__store_unpack_files(long_varint, 14, got, 1), -1);
  /* Ten bytes whose last one carries bits past 64. */
  unsigned char wide[14];
  memset(wide, 0xff, 9);
  wide[9] = 0x02;
  memset(wide + 10, 0, 4);
  assert_int_equal(bsim__store_unpack_files(wide, 14, got, 1), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pack_roundtrip),
      cmocka_unit_test(test_pack_refuses_damage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
