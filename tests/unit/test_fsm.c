/* The job state machine's transition table (sim/engine/job_fsm.c, style
 * B.6): every (state x event) pair against an expected matrix written out
 * here by hand from the reference, not derived from the table, so any
 * change to the table must be made here too, with its reason.
 *
 * Legend: a state letter = the job moves there; "=" = legal, no change;
 * "-" = illegal (API events return the code of test_fsm_illegal_codes,
 * internal events are engine bugs and assert).
 *   Q QUEUED, C CONNECTING, T TRANSFERRING, S SUSPENDED, E ERROR,
 *   R TRANSIENT_ERROR (retrying), D TRANSFERRED, A ACKNOWLEDGED,
 *   X CANCELLED.
 * Columns are the states in BG_JOB_STATE order: Q C T S E R D A X. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "bsim_test.h"
#include "engine/job_fsm.h"

struct row {
  enum bsim__fsm_event ev;
  const char *expect; /* 9 letters, one per state */
  const char *why;
};

static const struct row rows[] = {
    /* §4.2 "SUSPENDED | Resume, >=1 file | QUEUED"; "TRANSIENT_ERROR/ERROR
     * | Resume | QUEUED"; "QUEUED/CONNECTING/TRANSFERRING | Resume |
     * unchanged"; "TRANSFERRED | AddFile* then Resume | QUEUED"; §4.3 final
     * states X. (Guards BG_E_EMPTY live in job_life.c.) */
    {BSIM__EV_RESUME, "===QQQQ--", "§4.2, §4.3"},
    /* §4.3 Suspend: SUSPENDED no-op, every other non-final -> SUSPENDED
     * (note 4: the literal reading for ERROR/TRANSFERRED). */
    {BSIM__EV_SUSPEND, "SSS=SSS--", "§4.3"},
    /* §4.2 "any non-final | Cancel | CANCELLED"; §1.4 second Cancel fails. */
    {BSIM__EV_CANCEL, "XXXXXXX--", "§4.2, §8"},
    /* §4.2 "download, any non-final | Complete | ACKNOWLEDGED". */
    {BSIM__EV_COMPLETE, "AAAAAAA--", "§4.2, §8"},
    /* §4.3 Complete (upload / upload-reply): only TRANSFERRED. */
    {BSIM__EV_COMPLETE_UPLOAD, "------A--", "§4.3"},
    /* §4.3 AddFile: S in every non-final state. */
    {BSIM__EV_ADD_FILE, "=======--", "§4.3"},
    /* §4.3 Set* job properties: S in every non-final state. */
    {BSIM__EV_SET_PROPERTY, "=======--", "§4.3"},
    /* §4.3 TakeOwnership: S in every non-final state; §4.2 state unchanged. */
    {BSIM__EV_TAKE_OWNERSHIP, "=======--", "§4.2, §4.3"},
    /* §4.3 GetError: only ERROR and TRANSIENT_ERROR. */
    {BSIM__EV_GET_ERROR, "----==---", "§4.3 note 1"},
    /* §4.2 "QUEUED | scheduler grants slot | CONNECTING". */
    {BSIM__EV_START, "C--------", "§4.2"},
    /* §4.2 "CONNECTING | connection OK | TRANSFERRING"; the next file of a
     * transferring job connects without a state change (§4.1). */
    {BSIM__EV_CONNECTED, "-T=------", "§4.1, §4.2"},
    /* Bytes move only while transferring. */
    {BSIM__EV_PROGRESS, "--=------", "§4.2"},
    /* A file but not the last one finished (§4.1 one at a time). */
    {BSIM__EV_FILE_DONE, "--=------", "§4.1"},
    /* §4.2 "TRANSFERRING | last byte of last file | TRANSFERRED". */
    {BSIM__EV_ALL_DONE, "--D------", "§4.2"},
    /* §4.2 recoverable failure from CONNECTING and TRANSFERRING. */
    {BSIM__EV_FAIL_TRANSIENT, "-RR------", "§4.2"},
    /* §4.2 "CONNECTING/TRANSFERRING | unrecoverable failure | ERROR". */
    {BSIM__EV_FAIL_FATAL, "-EE------", "§4.2"},
    /* §4.2 "TRANSFERRING | time slice expires | QUEUED"; §5 a job whose
     * slice ends must reconnect, so CONNECTING leaves too. */
    {BSIM__EV_SLICE_END, "-QQ------", "§4.2, §5"},
    /* §4.2 "higher-priority job needs the slot | QUEUED". */
    {BSIM__EV_PREEMPT, "-QQ------", "§4.2, §5"},
    /* §4.2 "TRANSIENT_ERROR | MinimumRetryDelay elapsed | QUEUED". */
    {BSIM__EV_RETRY_DUE, "-----Q---", "§4.2"},
    /* §4.2 "TRANSIENT_ERROR | NoProgressTimeout elapsed | ERROR". */
    {BSIM__EV_NO_PROGRESS_EXPIRED, "-----E---", "§4.2"},
    /* §4.2 "CONNECTING/TRANSFERRING | > MaximumDownloadTime | ERROR". */
    {BSIM__EV_MAX_DOWNLOAD_EXPIRED, "-EE------", "§4.2, §5"},
    /* §4.2 "any non-final | no activity for JobInactivityTimeout |
     * CANCELLED". */
    {BSIM__EV_INACTIVITY_EXPIRED, "XXXXXXX--", "§4.2, §4.4"},
    /* §4.2 "QUEUED/TRANSFERRING | network lost | TRANSIENT_ERROR"
     * (CONNECTING too); a job already in TRANSIENT_ERROR stays. */
    {BSIM__EV_NETWORK_LOST, "RRR--=---", "§4.2"},
    /* §4.2 "TRANSIENT_ERROR (any code) | network comes back | QUEUED". */
    {BSIM__EV_NETWORK_BACK, "-----Q---", "§4.2"},
    /* §4.2 "TRANSFERRING | owner logs off | QUEUED" (CONNECTING too); a
     * queued job simply waits (§12). */
    {BSIM__EV_OWNER_LOGOFF, "=QQ------", "§4.2, §12"},
    /* §4.2 "any (file finished, origin source) | SetValidationState(FALSE)
     * | ERROR (BG_E_VALIDATION_FAILED)"; a job already in ERROR stays. */
    {BSIM__EV_VALIDATE_REJECT, "EEEE=EE--", "§4.2, §7"},
    /* §4.2 "any (file finished, peer source) | SetValidationState(FALSE) |
     * back to transfer (QUEUED sensible)": a TRANSFERRED job goes back to
     * QUEUED; in other states the file just waits for the next transfer. */
    {BSIM__EV_VALIDATE_REJECT_PEER, "======Q--", "§4.2, §7, §15"},
};

static int letter_state(char c) {
  switch (c) {
  case 'Q':
    return BSIM_JOB_STATE_QUEUED;
  case 'C':
    return BSIM_JOB_STATE_CONNECTING;
  case 'T':
    return BSIM_JOB_STATE_TRANSFERRING;
  case 'S':
    return BSIM_JOB_STATE_SUSPENDED;
  case 'E':
    return BSIM_JOB_STATE_ERROR;
  case 'R':
    return BSIM_JOB_STATE_TRANSIENT_ERROR;
  case 'D':
    return BSIM_JOB_STATE_TRANSFERRED;
  case 'A':
    return BSIM_JOB_STATE_ACKNOWLEDGED;
  case 'X':
    return BSIM_JOB_STATE_CANCELLED;
  case '=':
    return BSIM__FSM_SAME;
  default:
    return BSIM__FSM_ILLEGAL;
  }
}

static void test_fsm_every_pair(void **state) {
  (void)state;
  assert_int_equal(sizeof rows / sizeof rows[0], BSIM__EV_COUNT);
  for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
    /* Rows are in event order, so a new event must get its own row. */
    assert_int_equal(rows[r].ev, (int)r);
    assert_int_equal(strlen(rows[r].expect), BSIM_JOB_STATE_COUNT);
    for (int s = 0; s < BSIM_JOB_STATE_COUNT; s++) {
      int want = letter_state(rows[r].expect[s]);
      int got = bsim__fsm_next((enum bsim_job_state)s, rows[r].ev);
      if (want != got) {
        print_error("%s in %s: expected %d, table says %d (%s)\n",
                    bsim__fsm_event_name(rows[r].ev), bsim__fsm_state_name(s),
                    want, got, rows[r].why);
      }
      assert_int_equal(want, got);
    }
  }
}

/* Reference §0: "In final states every mutating method returns
 * BG_E_INVALID_STATE"; §4.3 note 1: GetError returns
 * BG_E_ERROR_INFORMATION_UNAVAILABLE instead. */
static void test_fsm_illegal_codes(void **state) {
  (void)state;
  for (int ev = 0; ev < BSIM__EV_COUNT; ev++) {
    if (!bsim__fsm_is_api((enum bsim__fsm_event)ev)) continue;
    bsim_hr want = ev == BSIM__EV_GET_ERROR
                       ? BSIM_E_ERROR_INFORMATION_UNAVAILABLE
                       : BSIM_E_INVALID_STATE;
    assert_int_equal(bsim__fsm_illegal_hr((enum bsim__fsm_event)ev), want);
  }
}

/* API events are the first nine and the two validation events appended
 * after the internal ones (reference §7); the rest are internal. */
static void test_fsm_api_events(void **state) {
  (void)state;
  for (int ev = 0; ev < BSIM__EV_COUNT; ev++) {
    assert_int_equal(bsim__fsm_is_api((enum bsim__fsm_event)ev),
                     ev <= BSIM__EV_GET_ERROR ||
                         ev == BSIM__EV_VALIDATE_REJECT ||
                         ev == BSIM__EV_VALIDATE_REJECT_PEER);
  }
}

/* Final states accept no event at all (reference §0, §4.1: immutable). */
static void test_fsm_final_states_are_sinks(void **state) {
  (void)state;
  for (int ev = 0; ev < BSIM__EV_COUNT; ev++) {
    assert_int_equal(
        bsim__fsm_next(BSIM_JOB_STATE_ACKNOWLEDGED, (enum bsim__fsm_event)ev),
        BSIM__FSM_ILLEGAL);
    assert_int_equal(
        bsim__fsm_next(BSIM_JOB_STATE_CANCELLED, (enum bsim__fsm_event)ev),
        BSIM__FSM_ILLEGAL);
  }
  assert_true(bsim__fsm_is_final(BSIM_JOB_STATE_ACKNOWLEDGED));
  assert_true(bsim__fsm_is_final(BSIM_JOB_STATE_CANCELLED));
  assert_false(bsim__fsm_is_final(BSIM_JOB_STATE_TRANSFERRED));
}

static void test_fsm_names(void **state) {
  (void)state;
  assert_string_equal(bsim__fsm_state_name(BSIM_JOB_STATE_TRANSIENT_ERROR),
                      "TRANSIENT_ERROR");
  assert_string_equal(bsim__fsm_state_name(99), "?");
  assert_string_equal(bsim__fsm_event_name(BSIM__EV_NO_PROGRESS_EXPIRED),
                      "NO_PROGRESS_EXPIRED");
  assert_string_equal(bsim__fsm_event_name(BSIM__EV_COUNT), "?");
}

/* The rendered list (what docs/state-machine.md mirrors) has one line per
 * state-changing entry, and the length the function reports. */
static void test_fsm_render_list(void **state) {
  (void)state;
  char buf[8192];
  size_t need = bsim__fsm_render_list(buf, sizeof buf);
  assert_true(need < sizeof buf);
  assert_int_equal(strlen(buf), need);
  size_t lines = 0;
  for (const char *p = buf; *p; p++)
    lines += *p == '\n';
  size_t moves = 0;
  for (int ev = 0; ev < BSIM__EV_COUNT; ev++) {
    for (int s = 0; s < BSIM_JOB_STATE_COUNT; s++) {
      int to = bsim__fsm_next((enum bsim_job_state)s, (enum bsim__fsm_event)ev);
      moves += to != BSIM__FSM_SAME && to != BSIM__FSM_ILLEGAL;
    }
  }
  assert_int_equal(lines, moves);
  assert_non_null(strstr(buf, "SUSPENDED --RESUME--> QUEUED\n"));
  /* A short buffer still gets the needed length and a terminated string. */
  char small[16];
  assert_int_equal(bsim__fsm_render_list(small, sizeof small), need);
  assert_int_equal(strlen(small), sizeof small - 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fsm_every_pair),
      cmocka_unit_test(test_fsm_illegal_codes),
      cmocka_unit_test(test_fsm_api_events),
      cmocka_unit_test(test_fsm_final_states_are_sinks),
      cmocka_unit_test(test_fsm_names),
      cmocka_unit_test(test_fsm_render_list),
  };
  return cmocka_run_group_tests_name("fsm", tests, NULL, NULL);
}
