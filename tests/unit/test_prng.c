/* The project's PRNG (sim/util/prng.c, style B.11): SplitMix64 seeding
 * xoshiro256**, the stateless mix and the string hash.
 *
 * The expected numbers are the published outputs of the reference
 * algorithms (Vigna's splitmix64.c and xoshiro256starstar.c; the SplitMix64
 * sequence for seed 1234567 is the one Rosetta Code lists, and the FNV-1a
 * vectors are the FNV reference values), so a change to any constant or
 * shift fails here. The rest checks the properties callers rely on: same
 * seed, same stream; bound respected; uniform enough to trust. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bsim_test.h"
#include "internal.h"

/* SplitMix64 seeded with 1234567: its first five outputs. */
static const uint64_t splitmix_1234567[5] = {
    UINT64_C(6457827717110365317), UINT64_C(3203168211198807973),
    UINT64_C(9817491932198370423), UINT64_C(4593380528125082431),
    UINT64_C(16408922859458223821)};

static void test_prng_seed_is_splitmix64(void **state) {
  (void)state;
  struct bsim__prng prng;
  bsim__prng_seed(&prng, 1234567);
  for (int i = 0; i < 4; i++)
    assert_true(prng.s[i] == splitmix_1234567[i]);
  /* Seed 0 is legal: SplitMix64 turns it into a nonzero state. */
  bsim__prng_seed(&prng, 0);
  assert_true(prng.s[0] == UINT64_C(0xe220a8397b1dcdaf));
  assert_true(prng.s[1] == UINT64_C(0x6e789e6aa1b965f4));
  assert_true(prng.s[2] == UINT64_C(0x06c45d188009454f));
}

static void test_prng_mix64_is_splitmix64_output(void **state) {
  (void)state;
  /* mix64(x) is the first SplitMix64 output for seed x. */
  assert_true(bsim__mix64(1234567) == splitmix_1234567[0]);
  assert_true(bsim__mix64(0) == UINT64_C(0xe220a8397b1dcdaf));
  /* and the state advances by the golden gamma. */
  assert_true(bsim__mix64(1234567 + UINT64_C(0x9e3779b97f4a7c15)) ==
              splitmix_1234567[1]);
}

static void test_prng_xoshiro256ss_reference(void **state) {
  (void)state;
  static const uint64_t expected[10] = {UINT64_C(11520),
                                        UINT64_C(0),
                                        UINT64_C(1509978240),
                                        UINT64_C(1215971899390074240),
                                        UINT64_C(1216172134540287360),
                                        UINT64_C(607988272756665600),
                                        UINT64_C(16172922978634559625),
                                        UINT64_C(8476171486693032832),
                                        UINT64_C(10595114339597558777),
                                        UINT64_C(2904607092377533576)};
  struct bsim__prng prng = {{1, 2, 3, 4}};
  for (int i = 0; i < 10; i++) {
    assert_true(bsim__prng_next(&prng) == expected[i]);
  }
}

static void test_prng_same_seed_same_stream(void **state) {
  (void)state;
  uint64_t seed = bsim_test_seed();
  struct bsim__prng a;
  struct bsim__prng b;
  struct bsim__prng c;
  bsim__prng_seed(&a, seed);
  bsim__prng_seed(&b, seed);
  bsim__prng_seed(&c, seed + 1);
  int differs = 0;
  for (int i = 0; i < 1000; i++) {
    uint64_t x = bsim__prng_next(&a);
    assert_true(x == bsim__prng_next(&b));
    if (x != bsim__prng_next(&c)) differs++;
  }
  assert_true(differs > 990);
}

static void test_prng_below_bounds_and_uniformity(void **state) {
  (void)state;
  struct bsim__prng prng;
  bsim__prng_seed(&prng, bsim_test_seed());
  assert_true(bsim__prng_below(&prng, 0) == 0);
  assert_true(bsim__prng_below(&prng, 1) == 0);
  /* 60,000 draws over 6 buckets: each expects 10,000 with a standard
   * deviation near 91; 600 away is more than six deviations. */
  unsigned counts[6] = {0};
  for (int i = 0; i < 60000; i++) {
    uint64_t r = bsim__prng_below(&prng, 6);
    assert_true(r < 6);
    counts[r]++;
  }
  for (int i = 0; i < 6; i++) {
    assert_in_range(counts[i], 9400, 10600);
  }
  /* A bound just over 2^63 rejects almost half the raw draws; results must
   * still stay below it. */
  uint64_t big = (UINT64_C(1) << 63) + 12345;
  for (int i = 0; i < 1000; i++)
    assert_true(bsim__prng_below(&prng, big) < big);
}

static uint64_t fnv1a64(const char *s) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (; *s != 0; s++) {
    h ^= (unsigned char)*s;
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

static void test_prng_hash_str(void **state) {
  (void)state;
  /* The local FNV-1a agrees with the reference vectors... */
  assert_true(fnv1a64("") == UINT64_C(0xcbf29ce484222325));
  assert_true(fnv1a64("a") == UINT64_C(0xaf63dc4c8601ec8c));
  assert_true(fnv1a64("foobar") == UINT64_C(0x85944171f73967e8));
  /* ...and hash_str is FNV-1a folded with the mixed seed. */
  assert_true(bsim__hash_str(7, "foobar") ==
              bsim__mix64(fnv1a64("foobar") ^ bsim__mix64(7)));
  assert_true(bsim__hash_str(7, NULL) == bsim__hash_str(7, ""));
  assert_true(bsim__hash_str(7, "a") != bsim__hash_str(8, "a"));
  assert_true(bsim__hash_str(7, "a") != bsim__hash_str(7, "b"));
  assert_true(bsim__hash_str(7, "ab") != bsim__hash_str(7, "ba"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prng_seed_is_splitmix64),
      cmocka_unit_test(test_prng_mix64_is_splitmix64_output),
      cmocka_unit_test(test_prng_xoshiro256ss_reference),
      cmocka_unit_test(test_prng_same_seed_same_stream),
      cmocka_unit_test(test_prng_below_bounds_and_uniformity),
      cmocka_unit_test(test_prng_hash_str),
  };
  return cmocka_run_group_tests_name("prng", tests, NULL, NULL);
}
