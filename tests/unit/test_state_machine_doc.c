/* docs/state-machine.md and the transition table of sim/engine/job_fsm.c
 * must not drift (style B.6, B.15): the test renders the transition list
 * from the table (bsim__fsm_render_list) and compares it with the text
 * between the BEGIN/END TRANSITIONS marker lines of the doc, byte for
 * byte. It also checks that every state and event name appears in the
 * doc. */
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

static char *read_doc(void) {
  const char *path = BSIM_SOURCE_DIR "/docs/state-machine.md";
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail_msg("cannot open %s", path);
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

/* The text between the line after "<!-- BEGIN TRANSITIONS" + its code
 * fence and the closing fence before "<!-- END TRANSITIONS". */
static char *section(char *doc) {
  char *begin = strstr(doc, "<!-- BEGIN TRANSITIONS");
  char *end = strstr(doc, "<!-- END TRANSITIONS");
  assert_non_null(begin);
  assert_non_null(end);
  assert_true(begin < end);
  char *open = strstr(begin, "\n```\n");
  assert_non_null(open);
  char *text = open + 5;
  char *close = end;
  while (close > text && close[-1] != '`')
    close--;
  /* close points after the closing fence's last backtick. */
  close -= 3;
  assert_true(close >= text);
  assert_memory_equal(close, "```", 3);
  *close = '\0';
  return text;
}

static void test_state_machine_doc_matches_table(void **state) {
  (void)state;
  char *doc = read_doc();
  char *text = section(doc);
  static char rendered[16384];
  size_t need = bsim__fsm_render_list(rendered, sizeof rendered);
  assert_true(need < sizeof rendered);
  if (strcmp(text, rendered) != 0) {
    print_error("docs/state-machine.md is out of date; the table renders:\n"
                "%s",
                rendered);
  }
  assert_string_equal(text, rendered);
}

static void test_state_machine_doc_names_everything(void **state) {
  (void)state;
  char *doc = read_doc();
  for (int s = 0; s < BSIM_JOB_STATE_COUNT; s++) {
    assert_non_null(strstr(doc, bsim__fsm_state_name(s)));
  }
  for (int ev = 0; ev < BSIM__EV_COUNT; ev++) {
    const char *name = bsim__fsm_event_name((enum bsim__fsm_event)ev);
    char quoted[64];
    snprintf(quoted, sizeof quoted, "`%s`", name);
    if (strstr(doc, quoted) == NULL) print_error("%s not in the doc\n", name);
    assert_non_null(strstr(doc, quoted));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_state_machine_doc_matches_table),
      cmocka_unit_test(test_state_machine_doc_names_everything),
  };
  return cmocka_run_group_tests_name("state_machine_doc", tests, NULL, NULL);
}
