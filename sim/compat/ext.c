/* bitsim — <bitsim/win32ext.h>: the test controls of the Windows binding.
 * Driving calls run on the service thread (service.c), the one thread that
 * drives the engine, so they never race its own steps.
 */
#include "compat/compat.h"

#include "bitsim/win32ext.h"

bsim_manager *bitsim_win32_manager(void) {
  bsim_manager *mgr = NULL;
  return SUCCEEDED(bsim__cw_engine(&mgr, NULL)) ? mgr : NULL;
}

const char *bitsim_win32_user(void) {
  const char *user = NULL;
  return SUCCEEDED(bsim__cw_engine(NULL, &user)) ? user : NULL;
}

bsim_hr bitsim_win32_advance(uint64_t ms) {
  pthread_mutex_lock(&bsim__cw.mu);
  int real = bsim__cw.clock == CW_CLOCK_REAL;
  pthread_mutex_unlock(&bsim__cw.mu);
  if (real) return BSIM_E_INVALIDARG;
  return bsim__cw_request(CW_REQ_ADVANCE, ms);
}

bsim_hr bitsim_win32_run_until_idle(void) {
  return bsim__cw_request(CW_REQ_IDLE, 0);
}

uint64_t bitsim_win32_now_ms(void) {
  pthread_mutex_lock(&bsim__cw.mu);
  uint64_t now = bsim__cw_now_ms_locked();
  pthread_mutex_unlock(&bsim__cw.mu);
  return now;
}

static bsim_manager *current(void) {
  pthread_mutex_lock(&bsim__cw.mu);
  bsim_manager *mgr = bsim__cw.mgr;
  pthread_mutex_unlock(&bsim__cw.mu);
  return mgr;
}

uint64_t bitsim_win32_trace_digest(void) {
  bsim_manager *mgr = current();
  return mgr != NULL ? bsim_trace_digest(mgr) : 0;
}

uint64_t bitsim_win32_trace_count(void) {
  bsim_manager *mgr = current();
  return mgr != NULL ? bsim_trace_count(mgr) : 0;
}

long bitsim_win32_live_objects(void) {
  return atomic_load(&bsim__cw_live);
}
