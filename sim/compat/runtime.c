/* bitsim — the COM runtime of the Windows binding: CoInitializeEx,
 * CoUninitialize, CoCreateInstance, and the one process-wide engine behind
 * them (docs/compat.md "Runtime").
 *
 * The engine is created at the first CoCreateInstance and configured from
 * the environment, so that an unchanged Windows program can be driven:
 * BITSIM_CLOCK (auto|real|manual), BITSIM_SEED, BITSIM_USER (+BITSIM_ADMIN=1),
 * BITSIM_STORE, and for tests BITSIM_DELIVERY (inline|threaded),
 * BITSIM_CMDLINE_RECORD=1, BITSIM_TRACE (a file), BITSIM_MODEL_FILES
 * ("url=size;url=size": modelled hosts and files). It runs on its own
 * thread, as the BITS service does (service.c), and dies with the last
 * CoUninitialize, which also releases every callback object still
 * registered (the engine's finalizers).
 */
#include "compat/compat.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

struct bsim__cw_service bsim__cw = {.mu = PTHREAD_MUTEX_INITIALIZER};
_Thread_local int bsim__cw_co_count;
static pthread_once_t cond_once = PTHREAD_ONCE_INIT;

static void cond_init(void) {
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&bsim__cw.cond, &attr);
  pthread_condattr_destroy(&attr);
}

void bsim__cw_init(void) {
  pthread_once(&cond_once, cond_init);
}

static enum bsim__cw_clock env_clock(void) {
  const char *v = getenv("BITSIM_CLOCK");
  if (v != NULL && strcmp(v, "real") == 0) return CW_CLOCK_REAL;
  if (v != NULL && strcmp(v, "manual") == 0) return CW_CLOCK_MANUAL;
  return CW_CLOCK_AUTO;
}

static int env_flag(const char *name) {
  const char *v = getenv(name);
  return v != NULL && strcmp(v, "1") == 0;
}

HRESULT WINAPI CoInitializeEx(LPVOID pvReserved, DWORD dwCoInit) {
  (void)dwCoInit; /* callbacks arrive on bitsim's threads, as in the MTA */
  if (pvReserved != NULL) return E_INVALIDARG;
  bsim__cw_init();
  pthread_mutex_lock(&bsim__cw.mu);
  if (bsim__cw.init_count == 0) bsim__cw.clock = env_clock();
  bsim__cw.init_count++;
  if (bsim__cw_co_count++ == 0) bsim__cw.co_threads++;
  pthread_cond_broadcast(&bsim__cw.cond);
  pthread_mutex_unlock(&bsim__cw.mu);
  return bsim__cw_co_count == 1 ? S_OK : S_FALSE;
}

/* The last CoUninitialize: stop the service and free the engine (its
 * finalizers release the callback objects still registered). */
static void shutdown_engine(void) {
  bsim_manager *mgr = bsim__cw.mgr;
  if (mgr == NULL) return;
  bsim__cw_service_stop();
  bsim__cw.mgr = NULL;
  /* A callback still running on a worker (threaded delivery) makes the
   * engine answer E_BUSY: wait for it to return, as COM waits for calls
   * in progress. */
  pthread_mutex_unlock(&bsim__cw.mu);
  while (bsim_manager_free(mgr) == BSIM_E_BUSY) {
    pthread_mutex_lock(&bsim__cw.mu);
    uint64_t ns = bsim__clock_real_ns() + 1000000u;
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    (void)pthread_cond_timedwait(&bsim__cw.cond, &bsim__cw.mu, &ts);
    pthread_mutex_unlock(&bsim__cw.mu);
  }
  pthread_mutex_lock(&bsim__cw.mu);
  bsim__free(bsim__cw.user);
  bsim__cw.user = NULL;
}

void WINAPI CoUninitialize(void) {
  pthread_mutex_lock(&bsim__cw.mu);
  if (bsim__cw_co_count == 0) {
    pthread_mutex_unlock(&bsim__cw.mu);
    return; /* unbalanced: Windows ignores it too */
  }
  if (--bsim__cw_co_count == 0) bsim__cw.co_threads--;
  if (--bsim__cw.init_count == 0) shutdown_engine();
  pthread_cond_broadcast(&bsim__cw.cond);
  pthread_mutex_unlock(&bsim__cw.mu);
}

/* "url=size;url=size": each URL's host becomes a modelled host (instant
 * transfers) and the URL a file of that size. */
static bsim_hr add_model_files(bsim_manager *mgr, const char *spec) {
  char *copy = bsim__strdup(spec);
  if (copy == NULL) return BSIM_E_OUTOFMEMORY;
  bsim_hr hr = BSIM_S_OK;
  char *save = NULL;
  for (char *tok = strtok_r(copy, ";", &save); tok != NULL && hr == BSIM_S_OK;
       tok = strtok_r(NULL, ";", &save)) {
    char *eq = strrchr(tok, '=');
    char *host = strstr(tok, "://");
    if (eq == NULL || host == NULL) {
      hr = BSIM_E_INVALIDARG;
      break;
    }
    *eq = '\0';
    host += 3;
    size_t host_len = strcspn(host, "/");
    char saved = host[host_len];
    host[host_len] = '\0';
    struct bsim_model_host_options ho;
    bsim_model_host_options_init(&ho);
    hr = bsim_model_host_add(mgr, host, &ho);
    host[host_len] = saved;
    if (hr == BSIM_S_OK) {
      hr = bsim_model_file_add(mgr, tok, strtoull(eq + 1, NULL, 10));
    }
  }
  bsim__free(copy);
  return hr;
}

static void read_options(struct bsim_manager_options *o) {
  bsim_manager_options_init(o);
  o->clock_mode =
      bsim__cw.clock == CW_CLOCK_REAL ? BSIM_CLOCK_REAL : BSIM_CLOCK_MANUAL;
  const char *seed = getenv("BITSIM_SEED");
  if (seed != NULL) o->seed = strtoull(seed, NULL, 0);
  const char *store = getenv("BITSIM_STORE");
  if (store != NULL && store[0] != '\0') o->store_path = store;
  const char *delivery = getenv("BITSIM_DELIVERY");
  if (delivery != NULL && strcmp(delivery, "threaded") == 0) {
    o->delivery = BSIM_DELIVERY_THREADED;
  }
  o->notify_cmdline_record = env_flag("BITSIM_CMDLINE_RECORD");
}

static bsim_hr configure(bsim_manager *mgr) {
  const char *user = getenv("BITSIM_USER");
  bsim__cw.user = bsim__strdup(user != NULL && user[0] != '\0' ? user : "user");
  bsim__cw.admin = env_flag("BITSIM_ADMIN");
  if (bsim__cw.user == NULL) return BSIM_E_OUTOFMEMORY;
  bsim_hr hr = bsim_user_add(mgr, bsim__cw.user, bsim__cw.admin);
  const char *trace = getenv("BITSIM_TRACE");
  if (hr == BSIM_S_OK && trace != NULL && trace[0] != '\0') {
    hr = bsim_trace_to_file(mgr, trace);
  }
  const char *files = getenv("BITSIM_MODEL_FILES");
  if (hr == BSIM_S_OK && files != NULL && files[0] != '\0') {
    hr = add_model_files(mgr, files);
  }
  return hr;
}

/* mu held. */
static HRESULT engine_create(void) {
  struct bsim_manager_options o;
  read_options(&o);
  bsim_manager *mgr = NULL;
  bsim_hr hr = bsim_manager_new(&o, &mgr);
  if (hr != BSIM_S_OK) return (HRESULT)hr;
  hr = configure(mgr);
  if (hr == BSIM_S_OK) {
    bsim__cw.mgr = mgr;
    if (bsim__cw_service_start() != 0) hr = BSIM_E_OUTOFMEMORY;
  }
  if (hr != BSIM_S_OK) {
    bsim__cw.mgr = NULL;
    (void)bsim_manager_free(mgr);
    bsim__free(bsim__cw.user);
    bsim__cw.user = NULL;
  }
  return (HRESULT)hr;
}

HRESULT bsim__cw_engine(bsim_manager **mgr_out, const char **user_out) {
  pthread_mutex_lock(&bsim__cw.mu);
  HRESULT hr = S_OK;
  if (bsim__cw.init_count == 0) {
    hr = CW_CO_E_NOTINITIALIZED;
  } else if (bsim__cw.mgr == NULL) {
    hr = engine_create();
  }
  if (SUCCEEDED(hr)) {
    if (mgr_out != NULL) *mgr_out = bsim__cw.mgr;
    if (user_out != NULL) *user_out = bsim__cw.user;
  }
  pthread_mutex_unlock(&bsim__cw.mu);
  return hr;
}

static int is_manager_clsid(REFCLSID c) {
  const CLSID *all[] = {
      &CLSID_BackgroundCopyManager,     &CLSID_BackgroundCopyManager1_5,
      &CLSID_BackgroundCopyManager2_0,  &CLSID_BackgroundCopyManager2_5,
      &CLSID_BackgroundCopyManager3_0,  &CLSID_BackgroundCopyManager4_0,
      &CLSID_BackgroundCopyManager5_0,  &CLSID_BackgroundCopyManager10_1,
      &CLSID_BackgroundCopyManager10_2, &CLSID_BackgroundCopyManager10_3,
  };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    if (IsEqualCLSID(c, all[i])) return 1;
  }
  return 0;
}

HRESULT WINAPI CoCreateInstance(REFCLSID rclsid, LPUNKNOWN pUnkOuter,
                                DWORD dwClsContext, REFIID riid, LPVOID *ppv) {
  (void)dwClsContext;
  if (ppv == NULL) return E_POINTER;
  *ppv = NULL;
  if (rclsid == NULL || riid == NULL) return E_INVALIDARG;
  if (pUnkOuter != NULL) return CW_CLASS_E_NOAGGREGATION;
  if (!is_manager_clsid(rclsid)) return CW_REGDB_E_CLASSNOTREG;
  HRESULT hr = bsim__cw_engine(NULL, NULL);
  if (FAILED(hr)) return hr;
  return bsim__cw_manager_new(riid, ppv);
}
