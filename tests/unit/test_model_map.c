/* The model transport's building blocks, on their own: the string-keyed
 * tables (growth, lookups by length), the table of partial downloads
 * (insert, update, backward-shift removal) checked against a plain array
 * over thousands of seeded random operations, the URL host parser, and
 * outage bookkeeping (merging, "down at t", "next outage after t") as the
 * public calls leave it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "bsim_test.h"
#include "internal.h"
#include "transport/model_priv.h"

static void test_model_map_strings(void **state) {
  (void)state;
  struct bsim__model_map map = {0};
  static char keys[1000][16];
  static int items[1000];
  for (int i = 0; i < 1000; i++) {
    snprintf(keys[i], sizeof keys[i], "key-%d", i);
    uint64_t h = bsim__model_map_hash(keys[i], strlen(keys[i]));
    assert_int_equal(bsim__model_map_insert(&map, keys[i], h, &items[i]),
                     BSIM_S_OK);
  }
  assert_int_equal(map.count, 1000);
  assert_true(map.cap >= 2000); /* at most half full */
  for (int i = 0; i < 1000; i++) {
    size_t len = strlen(keys[i]);
    assert_ptr_equal(bsim__model_map_find(&map, keys[i], len,
                                          bsim__model_map_hash(keys[i], len)),
                     &items[i]);
  }
  /* Lookups by (pointer, length) match whole keys only. */
  const char *text = "key-12345";
  assert_ptr_equal(
      bsim__model_map_find(&map, text, 6, bsim__model_map_hash(text, 6)),
      &items[12]);
  assert_null(bsim__model_map_find(&map, "key-1000", 8,
                                   bsim__model_map_hash("key-1000", 8)));
  bsim__model_map_free(&map);
}

static void test_model_map_partials_random(void **state) {
  (void)state;
  struct bsim__prng prng;
  bsim__prng_seed(&prng, bsim_test_seed());
  struct bsim__model_partials p = {0};
  /* Reference: version per (job, file), 0 = absent. Few distinct keys so
   * that probe runs collide and removals shift entries. */
  enum { JOBS = 97, FILES_PER_JOB = 3 };
  static uint32_t ref[JOBS][FILES_PER_JOB];
  static struct bsim__model_file files[2];
  memset(ref, 0, sizeof ref);
  for (int step = 0; step < 20000; step++) {
    uint32_t j = (uint32_t)bsim__prng_below(&prng, JOBS);
    uint32_t f = (uint32_t)bsim__prng_below(&prng, FILES_PER_JOB);
    bsim_guid id = {j * 2654435761u, (uint16_t)j, 7, {1, 2, 3, 4, 5, 6, 7, 8}};
    if (bsim__prng_below(&prng, 3) == 0) {
      bsim__model_partial_remove(&p, &id, f);
      ref[j][f] = 0;
    } else {
      uint32_t v = 1 + (uint32_t)bsim__prng_below(&prng, 1000);
      assert_int_equal(bsim__model_partial_put(&p, &id, f, &files[v % 2], v),
                       BSIM_S_OK);
      ref[j][f] = v;
    }
    if (step % 97 != 0) continue;
    size_t count = 0;
    for (uint32_t a = 0; a < JOBS; a++) {
      for (uint32_t b = 0; b < FILES_PER_JOB; b++) {
        bsim_guid key = {
            a * 2654435761u, (uint16_t)a, 7, {1, 2, 3, 4, 5, 6, 7, 8}};
        const struct bsim__model_partial *e =
            bsim__model_partial_find(&p, &key, b);
        if (ref[a][b] == 0) {
          assert_null(e);
        } else {
          count++;
          assert_non_null(e);
          assert_int_equal(e->version, ref[a][b]);
          assert_ptr_equal(e->file, &files[ref[a][b] % 2]);
        }
      }
    }
    assert_int_equal(p.count, count);
  }
  bsim__model_partials_free(&p);
}

static void test_model_map_url_host(void **state) {
  (void)state;
  static const struct {
    const char *url;
    const char *host; /* NULL: not http(s) */
  } cases[] = {
      {"http://example.test/a/b", "example.test"},
      {"HTTPS://Cdn.Example.Test:8443?q=1", "Cdn.Example.Test:8443"},
      {"http://user:pw@h.test/x", "h.test"},
      {"http://h.test#frag", "h.test"},
      {"http://h.test", "h.test"},
      {"http:///path", ""},
      {"ftp://h.test/x", NULL},
      {"file:///tmp/x", NULL},
      {"/abs/path", NULL},
      {"http:/h.test", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len = 99;
    const char *host = bsim__model_url_host(cases[i].url, &len);
    if (cases[i].host == NULL) {
      assert_null(host);
      continue;
    }
    assert_non_null(host);
    assert_int_equal(len, strlen(cases[i].host));
    assert_memory_equal(host, cases[i].host, len);
  }
}

static void test_model_map_outages(void **state) {
  (void)state;
  struct bsim_manager_options opts;
  bsim_manager_options_init(&opts);
  opts.clock_mode = BSIM_CLOCK_MANUAL;
  bsim_manager *mgr = NULL;
  assert_int_equal(bsim_manager_new(&opts, &mgr), BSIM_S_OK);
  assert_int_equal(bsim_model_host_add(mgr, "o.test", NULL), BSIM_S_OK);
  /* [100,200) [300,400) then [150,300) joins them (touching at 300);
   * [1000,1001) alone; [50,60) before everything. */
  static const uint64_t spans[][2] = {
      {100, 100}, {300, 100}, {150, 150}, {1000, 1}, {50, 10}};
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(
        bsim_model_host_outage(mgr, "o.test", spans[i][0], spans[i][1]),
        BSIM_S_OK);
  }
  /* Saturates instead of wrapping. */
  assert_int_equal(bsim_model_host_outage(mgr, "o.test", UINT64_MAX - 5, 100),
                   BSIM_S_OK);
  bsim__lock(mgr);
  struct bsim__model_host *h =
      bsim__model_host_find(bsim__model_of(mgr), "O.TEST", 6);
  assert_non_null(h);
  assert_int_equal(h->outage_count, 4);
  static const uint64_t down[] = {
      50, 59, 100, 299, 300, 399, 1000, UINT64_MAX - 5, UINT64_MAX - 1};
  static const uint64_t up[] = {0, 49, 60, 99, 400, 999, 1001, 5000};
  for (size_t i = 0; i < sizeof down / sizeof down[0]; i++) {
    assert_true(bsim__model_host_down(h, down[i]));
  }
  for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
    assert_false(bsim__model_host_down(h, up[i]));
  }
  assert_int_equal(bsim__model_host_next_outage(h, 0), 50);
  assert_int_equal(bsim__model_host_next_outage(h, 50), 100);
  assert_int_equal(bsim__model_host_next_outage(h, 120), 1000);
  assert_true(bsim__model_host_next_outage(h, 1000) == UINT64_MAX - 5);
  assert_true(bsim__model_host_next_outage(h, UINT64_MAX - 5) == UINT64_MAX);
  bsim__unlock(mgr);
  assert_int_equal(bsim_manager_free(mgr), BSIM_S_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_map_strings),
      cmocka_unit_test(test_model_map_partials_random),
      cmocka_unit_test(test_model_map_url_host),
      cmocka_unit_test(test_model_map_outages),
  };
  return cmocka_run_group_tests_name("model_map", tests, NULL, NULL);
}
