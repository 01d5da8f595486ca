/* bitsim — events, waits, Sleep and GetTickCount of the Windows binding:
 * the Win32 calls BITS samples use to wait for a callback (docs/compat.md
 * "Time").
 *
 * With BITSIM_CLOCK=real, timeouts are real time. Otherwise they are
 * virtual: a wait registers a record the service thread sees (service.c),
 * and returns when an event is signalled or virtual time reaches its
 * deadline. Inside a callback the binding delivers, timeouts are real
 * time: the callback is in flight, and virtual time never jumps while one
 * is (design.md "Time"). Before the engine exists nothing can happen in
 * the simulated world, so a virtual timeout there simply elapses.
 */
#include "compat/compat.h"

#include <time.h>

#include "internal.h"

#define EVENT_MAGIC 0x45564E54u /* "EVNT" */

struct bsim__cw_event {
  uint32_t magic;
  int manual_reset;
  int signaled;
};

_Thread_local int bsim__cw_in_callback;

static struct bsim__cw_event *event_of(HANDLE h) {
  struct bsim__cw_event *e = h;
  return e != NULL && e->magic == EVENT_MAGIC ? e : NULL;
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
                           BOOL bManualReset, BOOL bInitialState,
                           LPCWSTR lpName) {
  (void)lpEventAttributes;
  if (lpName != NULL) return NULL; /* named events are not simulated */
  struct bsim__cw_event *e = bsim__calloc(1, sizeof *e);
  if (e == NULL) return NULL;
  e->magic = EVENT_MAGIC;
  e->manual_reset = bManualReset != FALSE;
  e->signaled = bInitialState != FALSE;
  return e;
}

/* mu held: grant the signal to virtual waiters (one for auto-reset). */
static void grant(struct bsim__cw_event *e) {
  for (struct bsim__cw_wait *w = bsim__cw.waits; w != NULL; w = w->next) {
    if (w->event != e || w->woken) continue;
    w->woken = 1;
    w->granted = 1;
    if (w->counted) bsim__cw.blocked--;
    if (!e->manual_reset) return;
  }
  e->signaled = 1;
}

BOOL WINAPI SetEvent(HANDLE hEvent) {
  pthread_mutex_lock(&bsim__cw.mu);
  struct bsim__cw_event *e = event_of(hEvent);
  if (e != NULL) grant(e);
  pthread_cond_broadcast(&bsim__cw.cond);
  pthread_mutex_unlock(&bsim__cw.mu);
  return e != NULL;
}

BOOL WINAPI ResetEvent(HANDLE hEvent) {
  pthread_mutex_lock(&bsim__cw.mu);
  struct bsim__cw_event *e = event_of(hEvent);
  if (e != NULL) e->signaled = 0;
  pthread_mutex_unlock(&bsim__cw.mu);
  return e != NULL;
}

BOOL WINAPI CloseHandle(HANDLE hObject) {
  pthread_mutex_lock(&bsim__cw.mu);
  struct bsim__cw_event *e = event_of(hObject);
  if (e != NULL) e->magic = 0;
  pthread_mutex_unlock(&bsim__cw.mu);
  bsim__free(e);
  return e != NULL;
}

/* mu held: take a signal already there. */
static int consume(struct bsim__cw_event *e) {
  if (e == NULL || !e->signaled) return 0;
  if (!e->manual_reset) e->signaled = 0;
  return 1;
}

/* Real time: inside callbacks and with BITSIM_CLOCK=real. mu held. */
static DWORD wait_real(struct bsim__cw_event *e, DWORD ms) {
  uint64_t deadline = bsim__clock_real_ns() + (uint64_t)ms * 1000000u;
  for (;;) {
    if (consume(e)) return WAIT_OBJECT_0;
    if (ms != INFINITE && bsim__clock_real_ns() >= deadline) {
      return WAIT_TIMEOUT;
    }
    if (ms == INFINITE) {
      pthread_cond_wait(&bsim__cw.cond, &bsim__cw.mu);
    } else {
      struct timespec ts = {(time_t)(deadline / 1000000000u),
                            (long)(deadline % 1000000000u)};
      (void)pthread_cond_timedwait(&bsim__cw.cond, &bsim__cw.mu, &ts);
    }
  }
}

static void unlink_wait(struct bsim__cw_wait *w) {
  for (struct bsim__cw_wait **p = &bsim__cw.waits; *p != NULL;
       p = &(*p)->next) {
    if (*p == w) {
      *p = w->next;
      return;
    }
  }
}

/* Virtual time: a record the service thread sees. mu held. */
static DWORD wait_virtual(struct bsim__cw_event *e, DWORD ms) {
  if (consume(e)) return WAIT_OBJECT_0;
  if (ms == 0) return WAIT_TIMEOUT;
  uint64_t now = bsim__cw_now_ms_locked();
  if (bsim__cw.mgr == NULL && ms != INFINITE) {
    bsim__cw.pre_ms += ms; /* no engine: nothing else can happen */
    return WAIT_TIMEOUT;
  }
  struct bsim__cw_wait w = {0};
  w.event = e;
  w.deadline_ms = ms == INFINITE ? UINT64_MAX : now + ms;
  w.counted = bsim__cw_co_count > 0;
  w.next = bsim__cw.waits;
  bsim__cw.waits = &w;
  if (w.counted) bsim__cw.blocked++;
  pthread_cond_broadcast(&bsim__cw.cond);
  while (!w.woken)
    pthread_cond_wait(&bsim__cw.cond, &bsim__cw.mu);
  unlink_wait(&w);
  return w.granted ? WAIT_OBJECT_0 : WAIT_TIMEOUT;
}

static DWORD wait_on(struct bsim__cw_event *e, DWORD ms) {
  bsim__cw_init();
  pthread_mutex_lock(&bsim__cw.mu);
  DWORD r = (bsim__cw.clock == CW_CLOCK_REAL || bsim__cw_in_callback)
                ? wait_real(e, ms)
                : wait_virtual(e, ms);
  pthread_mutex_unlock(&bsim__cw.mu);
  return r;
}

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) {
  pthread_mutex_lock(&bsim__cw.mu);
  struct bsim__cw_event *e = event_of(hHandle);
  pthread_mutex_unlock(&bsim__cw.mu);
  if (e == NULL) return WAIT_FAILED;
  return wait_on(e, dwMilliseconds);
}

VOID WINAPI Sleep(DWORD dwMilliseconds) {
  if (dwMilliseconds == 0) return;
  (void)wait_on(NULL, dwMilliseconds);
}

DWORD WINAPI GetTickCount(VOID) {
  pthread_mutex_lock(&bsim__cw.mu);
  uint64_t now = bsim__cw_now_ms_locked();
  pthread_mutex_unlock(&bsim__cw.mu);
  return (DWORD)now;
}
