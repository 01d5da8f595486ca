/* The state diagram (issue "bitsim command", Pictures): `bitsim diagram`
 * renders the engine's transition table as DOT, and docs/state-machine.dot
 * must be exactly that output, so the picture in the docs cannot drift from
 * the code. Also: every legal transition of the table appears as an edge,
 * and no illegal one does. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim_test.h"
#include "engine/job_fsm.h"

static char *render(size_t *len) {
  char *buf = NULL;
  FILE *f = open_memstream(&buf, len);
  assert_non_null(f);
  assert_int_equal(bsim_state_diagram_dot(f), BSIM_S_OK);
  fclose(f);
  return buf;
}

static void test_state_diagram_matches_docs(void **state) {
  (void)state;
  size_t len = 0;
  char *dot = render(&len);
  FILE *f = fopen(BSIM_SOURCE_DIR "/docs/state-machine.dot", "rb");
  assert_non_null(f);
  static char doc[1 << 16];
  size_t n = fread(doc, 1, sizeof doc, f);
  fclose(f);
  if (n != len || memcmp(doc, dot, len) != 0) {
    fail_msg("docs/state-machine.dot is out of date: run "
             "`bitsim diagram --dot docs/state-machine.dot --svg "
             "docs/state-machine.svg`");
  }
  free(dot);
}

static void test_state_diagram_has_every_transition(void **state) {
  (void)state;
  size_t len = 0;
  char *dot = render(&len);
  for (int s = 0; s < BSIM_JOB_STATE_COUNT; s++) {
    for (int e = 0; e < BSIM__EV_COUNT; e++) {
      int to = bsim__fsm_next((enum bsim_job_state)s, (enum bsim__fsm_event)e);
      char edge[96];
      snprintf(edge, sizeof edge, "  %s -> %s [", bsim__fsm_state_name(s),
               to < BSIM_JOB_STATE_COUNT ? bsim__fsm_state_name(to) : "");
      int legal_move = to < BSIM_JOB_STATE_COUNT && to != s;
      if (legal_move) assert_non_null(strstr(dot, edge));
    }
  }
  /* A final state has no way out. */
  assert_null(strstr(dot, "  ACKNOWLEDGED -> "));
  assert_null(strstr(dot, "  CANCELLED -> "));
  free(dot);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_state_diagram_matches_docs),
      cmocka_unit_test(test_state_diagram_has_every_transition),
  };
  return cmocka_run_group_tests_name("state_diagram", tests, NULL, NULL);
}
