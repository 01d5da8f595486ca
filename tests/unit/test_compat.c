/* The Windows binding at run time, through <bits.h> and
 * <bitsim/win32ext.h> only: CoInitializeEx/CoCreateInstance, the manager,
 * job, file, enumerator and error objects (QueryInterface across
 * versions, reference counts, strings for CoTaskMemFree), virtual time for
 * Sleep and WaitForSingleObject (design.md "Time"), callbacks (retried
 * until S_OK, JobError with IBackgroundCopyError, at most four in flight
 * per user, reference §6), SetNotifyCmdLine (the fallback and
 * CommandLineToArgvW's splitting rules), and every COM object released at
 * the end. Each test gets its own engine: the environment is read at the
 * first CoCreateInstance and the engine dies at the last CoUninitialize.
 */
#define COBJMACROS
#include <windows.h>
#include <bits.h>

#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include <cmocka.h>

#include "bitsim.h"
#include "bitsim/serve.h"
#include "bitsim/win32ext.h"
#include "bsim_test.h"

#define URL "http://example.test/files/a.bin"
#define WURL L"http://example.test/files/a.bin"

static wchar_t g_local[512];

static void env_reset(void) {
  unsetenv("BITSIM_DELIVERY");
  unsetenv("BITSIM_CMDLINE_RECORD");
  unsetenv("BITSIM_CLOCK");
  setenv("BITSIM_MODEL_FILES", URL "=4096", 1);
  setenv("BITSIM_USER", "alice", 1);
  unsetenv("BITSIM_TRACE");
}

static IBackgroundCopyManager *start(void) {
  assert_int_equal(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
  IBackgroundCopyManager *m = NULL;
  assert_int_equal(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL,
                                    CLSCTX_LOCAL_SERVER,
                                    &IID_IBackgroundCopyManager, (void **)&m),
                   S_OK);
  swprintf(g_local, 512, L"%s/a.bin", bsim_test_tmpdir("compat"));
  return m;
}

static void finish(IBackgroundCopyManager *m) {
  assert_int_equal(IBackgroundCopyManager_Release(m), 0);
  CoUninitialize();
  assert_int_equal(bitsim_win32_live_objects(), 0);
}

static IBackgroundCopyJob *new_job(IBackgroundCopyManager *m, GUID *id) {
  IBackgroundCopyJob *job = NULL;
  GUID tmp;
  assert_int_equal(IBackgroundCopyManager_CreateJob(
                       m, L"job", BG_JOB_TYPE_DOWNLOAD, id ? id : &tmp, &job),
                   S_OK);
  assert_int_equal(IBackgroundCopyJob_AddFile(job, WURL, g_local), S_OK);
  return job;
}

static BG_JOB_STATE state_of(IBackgroundCopyJob *job) {
  BG_JOB_STATE s = BG_JOB_STATE_QUEUED;
  assert_int_equal(IBackgroundCopyJob_GetState(job, &s), S_OK);
  return s;
}

/* ---- runtime ----------------------------------------------------------- */

static void test_runtime_basics(void **state) {
  (void)state;
  env_reset();
  void *p = NULL;
  /* Without COM: CO_E_NOTINITIALIZED. */
  assert_int_equal(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL,
                                    CLSCTX_LOCAL_SERVER,
                                    &IID_IBackgroundCopyManager, &p),
                   (HRESULT)0x800401F0L);
  assert_int_equal(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
  assert_int_equal(CoInitializeEx(NULL, COINIT_APARTMENTTHREADED), S_FALSE);
  const CLSID *all[] = {
      &CLSID_BackgroundCopyManager,     &CLSID_BackgroundCopyManager1_5,
      &CLSID_BackgroundCopyManager2_0,  &CLSID_BackgroundCopyManager2_5,
      &CLSID_BackgroundCopyManager3_0,  &CLSID_BackgroundCopyManager4_0,
      &CLSID_BackgroundCopyManager5_0,  &CLSID_BackgroundCopyManager10_1,
      &CLSID_BackgroundCopyManager10_2, &CLSID_BackgroundCopyManager10_3};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    IUnknown *u = NULL;
    assert_int_equal(CoCreateInstance(all[i], NULL, CLSCTX_LOCAL_SERVER,
                                      &IID_IUnknown, (void **)&u),
                     S_OK);
    assert_int_equal(IUnknown_Release(u), 0);
  }
  assert_int_equal(CoCreateInstance(&IID_IUnknown, NULL, CLSCTX_LOCAL_SERVER,
                                    &IID_IUnknown, &p),
                   (HRESULT)0x80040154L); /* REGDB_E_CLASSNOTREG */
  assert_int_equal(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL,
                                    CLSCTX_LOCAL_SERVER,
                                    &IID_IBackgroundCopyJob, &p),
                   E_NOINTERFACE);
  assert_null(p);
  LONG v = 5;
  assert_int_equal(InterlockedIncrement(&v), 6);
  assert_int_equal(InterlockedCompareExchange(&v, 1, 6), 6);
  assert_int_equal(v, 1);
  CoUninitialize();
  CoUninitialize();
  assert_int_equal(bitsim_win32_live_objects(), 0);
}

/* ---- objects ----------------------------------------------------------- */

static void test_job_interfaces_and_counts(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  GUID id;
  IBackgroundCopyJob *job = new_job(m, &id);
  const IID *versions[] = {&IID_IBackgroundCopyJob2, &IID_IBackgroundCopyJob3,
                           &IID_IBackgroundCopyJob4, &IID_IBackgroundCopyJob5};
  for (size_t i = 0; i < 4; i++) {
    IUnknown *u = NULL;
    assert_int_equal(
        IBackgroundCopyJob_QueryInterface(job, versions[i], (void **)&u), S_OK);
    assert_ptr_equal(u, job); /* one object, one vtable for all versions */
    assert_int_equal(IUnknown_Release(u), 1);
  }
  IBackgroundCopyJobHttpOptions *http = NULL;
  assert_int_equal(IBackgroundCopyJob_QueryInterface(
                       job, &IID_IBackgroundCopyJobHttpOptions, (void **)&http),
                   S_OK);
  assert_ptr_not_equal(http, job);
  IBackgroundCopyJob *back = NULL;
  assert_int_equal(IBackgroundCopyJobHttpOptions_QueryInterface(
                       http, &IID_IBackgroundCopyJob, (void **)&back),
                   S_OK);
  assert_ptr_equal(back, job);
  assert_int_equal(IBackgroundCopyJob_Release(back), 2);
  assert_int_equal(IBackgroundCopyJobHttpOptions_SetSecurityFlags(http, 0x2),
                   S_OK);
  ULONG flags = 0;
  assert_int_equal(IBackgroundCopyJobHttpOptions_GetSecurityFlags(http, &flags),
                   S_OK);
  assert_int_equal(flags, 0x2);
  /* The engine checks the bits (reference §1.13: E_NOTIMPL). */
  assert_int_equal(
      IBackgroundCopyJobHttpOptions_SetSecurityFlags(http, 0x40000000u),
      E_NOTIMPL);
  LPWSTR headers = NULL;
  assert_int_equal(
      IBackgroundCopyJobHttpOptions_GetCustomHeaders(http, &headers), S_FALSE);
  assert_int_equal(
      IBackgroundCopyJobHttpOptions_SetCustomHeaders(http, L"X-A: 1\r\n"),
      S_OK);
  assert_int_equal(
      IBackgroundCopyJobHttpOptions_GetCustomHeaders(http, &headers), S_OK);
  assert_true(wcscmp(headers, L"X-A: 1\r\n") == 0);
  CoTaskMemFree(headers);
  assert_int_equal(IBackgroundCopyJobHttpOptions_Release(http), 1);
  IUnknown *none = NULL;
  assert_int_equal(IBackgroundCopyJob_QueryInterface(
                       job, &IID_IBackgroundCopyFile, (void **)&none),
                   E_NOINTERFACE);
  /* GetJob finds it by id; a new object over the same job. */
  IBackgroundCopyJob *again = NULL;
  assert_int_equal(IBackgroundCopyManager_GetJob(m, &id, &again), S_OK);
  GUID id2;
  assert_int_equal(IBackgroundCopyJob_GetId(again, &id2), S_OK);
  assert_memory_equal(&id, &id2, sizeof id);
  assert_int_equal(IBackgroundCopyJob_Release(again), 0);
  assert_int_equal(IBackgroundCopyJob_Cancel(job), S_OK);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
}

static void test_strings_and_bad_input(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob *job = new_job(m, NULL);
  const wchar_t *name = L"Gr\u00fc\u00dfe \u65e5\u672c \U0001F600";
  assert_int_equal(IBackgroundCopyJob_SetDisplayName(job, name), S_OK);
  LPWSTR got = NULL;
  assert_int_equal(IBackgroundCopyJob_GetDisplayName(job, &got), S_OK);
  assert_true(wcscmp(got, name) == 0);
  CoTaskMemFree(got);
  assert_int_equal(IBackgroundCopyJob_GetOwner(job, &got), S_OK);
  assert_true(wcscmp(got, L"alice") == 0);
  CoTaskMemFree(got);
  /* A lone surrogate is not Unicode: E_INVALIDARG, nothing changed. */
  wchar_t bad[] = {L'a', (wchar_t)0xD800, L'\0'};
  assert_int_equal(IBackgroundCopyJob_SetDisplayName(job, bad), E_INVALIDARG);
  assert_int_equal(IBackgroundCopyJob_SetDisplayName(job, NULL), E_INVALIDARG);
  assert_int_equal(IBackgroundCopyJob_GetDisplayName(job, &got), S_OK);
  assert_true(wcscmp(got, name) == 0);
  CoTaskMemFree(got);
  /* Engine codes come through unchanged (reference §4.3). */
  IBackgroundCopyError *err = NULL;
  assert_int_equal(IBackgroundCopyJob_GetError(job, &err),
                   BG_E_ERROR_INFORMATION_UNAVAILABLE);
  assert_int_equal(IBackgroundCopyJob_SetPriority(job, (BG_JOB_PRIORITY)9),
                   E_NOTIMPL);
  LPWSTR text = NULL;
  assert_int_equal(IBackgroundCopyManager_GetErrorDescription(
                       m, BG_E_INVALID_STATE, 0, &text),
                   S_OK);
  assert_true(wcslen(text) > 0);
  CoTaskMemFree(text);
  IBackgroundCopyJob2 *j2 = NULL;
  assert_int_equal(IBackgroundCopyJob_QueryInterface(
                       job, &IID_IBackgroundCopyJob2, (void **)&j2),
                   S_OK);
  assert_int_equal(IBackgroundCopyJob2_SetReplyFileName(j2, L"/tmp/x"),
                   E_NOTIMPL);
  IBackgroundCopyJob2_Release(j2);
  assert_int_equal(IBackgroundCopyJob_Cancel(job), S_OK);
  assert_int_equal(IBackgroundCopyJob_Complete(job), BG_E_INVALID_STATE);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
}

static void test_enumerators(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob *a = new_job(m, NULL);
  IBackgroundCopyJob *b = new_job(m, NULL);
  IEnumBackgroundCopyJobs *e = NULL;
  assert_int_equal(IBackgroundCopyManager_EnumJobs(m, 0, &e), S_OK);
  ULONG count = 0;
  assert_int_equal(IEnumBackgroundCopyJobs_GetCount(e, &count), S_OK);
  assert_int_equal(count, 2);
  /* A snapshot: a job created now is not in it. */
  IBackgroundCopyJob *c = new_job(m, NULL);
  IBackgroundCopyJob *items[3] = {NULL, NULL, NULL};
  ULONG fetched = 0;
  assert_int_equal(IEnumBackgroundCopyJobs_Next(e, 3, items, &fetched),
                   S_FALSE);
  assert_int_equal(fetched, 2);
  IEnumBackgroundCopyJobs *clone = NULL;
  assert_int_equal(IEnumBackgroundCopyJobs_Reset(e), S_OK);
  assert_int_equal(IEnumBackgroundCopyJobs_Skip(e, 1), S_OK);
  assert_int_equal(IEnumBackgroundCopyJobs_Clone(e, &clone), S_OK);
  IBackgroundCopyJob *one = NULL;
  assert_int_equal(IEnumBackgroundCopyJobs_Next(clone, 1, &one, NULL), S_OK);
  assert_int_equal(IBackgroundCopyJob_Release(one), 0);
  assert_int_equal(IEnumBackgroundCopyJobs_Next(clone, 1, &one, NULL), S_FALSE);
  assert_int_equal(IEnumBackgroundCopyJobs_Release(clone), 0);
  for (ULONG i = 0; i < fetched; i++)
    IBackgroundCopyJob_Release(items[i]);
  assert_int_equal(IEnumBackgroundCopyJobs_Release(e), 0);

  IEnumBackgroundCopyFiles *ef = NULL;
  assert_int_equal(IBackgroundCopyJob_EnumFiles(a, &ef), S_OK);
  IBackgroundCopyFile *f = NULL;
  assert_int_equal(IEnumBackgroundCopyFiles_Next(ef, 1, &f, &fetched), S_OK);
  LPWSTR s = NULL;
  assert_int_equal(IBackgroundCopyFile_GetRemoteName(f, &s), S_OK);
  assert_true(wcscmp(s, WURL) == 0);
  CoTaskMemFree(s);
  assert_int_equal(IBackgroundCopyFile_GetLocalName(f, &s), S_OK);
  assert_true(wcscmp(s, g_local) == 0);
  CoTaskMemFree(s);
  IBackgroundCopyFile3 *f3 = NULL;
  assert_int_equal(IBackgroundCopyFile_QueryInterface(
                       f, &IID_IBackgroundCopyFile3, (void **)&f3),
                   S_OK);
  BOOL valid = TRUE;
  assert_int_equal(IBackgroundCopyFile3_GetValidationState(f3, &valid), S_OK);
  assert_false(valid);
  assert_int_equal(IBackgroundCopyFile3_Release(f3), 1);
  assert_int_equal(IBackgroundCopyFile_Release(f), 0);
  assert_int_equal(IEnumBackgroundCopyFiles_Release(ef), 0);
  IBackgroundCopyJob *jobs[] = {a, b, c};
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(IBackgroundCopyJob_Cancel(jobs[i]), S_OK);
    assert_int_equal(IBackgroundCopyJob_Release(jobs[i]), 0);
  }
  finish(m);
}

/* ---- a C callback object ----------------------------------------------- */

typedef struct Cb {
  IBackgroundCopyCallback iface;
  LONG refs;
  LONG transferred, errors;
  LONG fail_first; /* JobTransferred fails this many times */
  LONG block;      /* 1: callbacks wait on release */
  LONG in_flight, max_in_flight;
  HANDLE done, entered, release;
  LONG want_entered;
  HRESULT err_code;
  BG_ERROR_CONTEXT err_context;
  DWORD ticks[8];
} Cb;

static HRESULT STDMETHODCALLTYPE cb_qi(IBackgroundCopyCallback *This,
                                       REFIID riid, void **out) {
  if (IsEqualIID(riid, &IID_IUnknown) ||
      IsEqualIID(riid, &IID_IBackgroundCopyCallback)) {
    *out = This;
    IBackgroundCopyCallback_AddRef(This);
    return S_OK;
  }
  *out = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE cb_addref(IBackgroundCopyCallback *This) {
  return (ULONG)InterlockedIncrement(&((Cb *)This)->refs);
}
static ULONG STDMETHODCALLTYPE cb_release(IBackgroundCopyCallback *This) {
  return (ULONG)InterlockedDecrement(&((Cb *)This)->refs);
}

static void enter(Cb *cb) {
  LONG now = InterlockedIncrement(&cb->in_flight);
  if (now > cb->max_in_flight) cb->max_in_flight = now;
  if (cb->block) {
    if (now == cb->want_entered) SetEvent(cb->entered);
    WaitForSingleObject(cb->release, INFINITE);
  }
  InterlockedDecrement(&cb->in_flight);
}

static HRESULT STDMETHODCALLTYPE cb_transferred(IBackgroundCopyCallback *This,
                                                IBackgroundCopyJob *job) {
  Cb *cb = (Cb *)This;
  LONG n = InterlockedIncrement(&cb->transferred);
  if (n <= 8) cb->ticks[n - 1] = GetTickCount();
  enter(cb);
  if (n <= cb->fail_first) return E_FAIL;
  HRESULT hr = IBackgroundCopyJob_Complete(job);
  if (cb->block ? cb->transferred >= 5 : 1) SetEvent(cb->done);
  return hr;
}

static HRESULT STDMETHODCALLTYPE cb_error(IBackgroundCopyCallback *This,
                                          IBackgroundCopyJob *job,
                                          IBackgroundCopyError *err) {
  Cb *cb = (Cb *)This;
  InterlockedIncrement(&cb->errors);
  IBackgroundCopyError_GetError(err, &cb->err_context, &cb->err_code);
  IBackgroundCopyFile *f = NULL;
  if (SUCCEEDED(IBackgroundCopyError_GetFile(err, &f))) {
    IBackgroundCopyFile_Release(f);
  }
  IBackgroundCopyJob_Cancel(job);
  SetEvent(cb->done);
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE cb_modification(IBackgroundCopyCallback *This,
                                                 IBackgroundCopyJob *job,
                                                 DWORD reserved) {
  (void)This, (void)job, (void)reserved;
  return S_OK;
}

static IBackgroundCopyCallbackVtbl cb_vtbl = {
    cb_qi, cb_addref, cb_release, cb_transferred, cb_error, cb_modification};

static void cb_init(Cb *cb) {
  memset(cb, 0, sizeof *cb);
  cb->iface.lpVtbl = &cb_vtbl;
  cb->refs = 1;
  cb->done = CreateEventW(NULL, TRUE, FALSE, NULL);
  cb->entered = CreateEventW(NULL, TRUE, FALSE, NULL);
  cb->release = CreateEventW(NULL, TRUE, FALSE, NULL);
}

static void cb_close(Cb *cb) {
  CloseHandle(cb->done);
  CloseHandle(cb->entered);
  CloseHandle(cb->release);
}

/* ---- callbacks --------------------------------------------------------- */

/* JobTransferred that fails twice is called again each re-notify interval
 * (60 s, reference §6) until S_OK; the waiting program sees the time pass
 * at once; GetNotifyInterface returns the object; the binding's reference
 * goes at CoUninitialize. */
static void test_callback_retried_until_ok(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  Cb cb;
  cb_init(&cb);
  cb.fail_first = 2;
  IBackgroundCopyJob *job = new_job(m, NULL);
  assert_int_equal(
      IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)&cb.iface), S_OK);
  assert_true(cb.refs > 1);
  IUnknown *got = NULL;
  assert_int_equal(IBackgroundCopyJob_GetNotifyInterface(job, &got), S_OK);
  assert_ptr_equal(got, &cb.iface);
  IUnknown_Release(got);
  assert_int_equal(IBackgroundCopyJob_Resume(job), S_OK);
  assert_int_equal(WaitForSingleObject(cb.done, INFINITE), WAIT_OBJECT_0);
  assert_int_equal(cb.transferred, 3);
  assert_int_equal(cb.ticks[1] - cb.ticks[0], 60000);
  assert_int_equal(cb.ticks[2] - cb.ticks[1], 60000);
  assert_int_equal(state_of(job), BG_JOB_STATE_ACKNOWLEDGED);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
  assert_int_equal(cb.refs, 1); /* every reference the binding took, back */
  cb_close(&cb);
}

/* A 404 is fatal: JobError with context REMOTE_FILE and the HTTP code. */
static void test_callback_job_error(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL);
  f.http_status = 404;
  assert_int_equal(bsim_fault_add(bitsim_win32_manager(), &f), BSIM_S_OK);
  Cb cb;
  cb_init(&cb);
  IBackgroundCopyJob *job = new_job(m, NULL);
  assert_int_equal(
      IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)&cb.iface), S_OK);
  assert_int_equal(IBackgroundCopyJob_Resume(job), S_OK);
  assert_int_equal(WaitForSingleObject(cb.done, INFINITE), WAIT_OBJECT_0);
  assert_int_equal(cb.errors, 1);
  assert_int_equal(cb.err_code, BG_E_HTTP_ERROR_404);
  assert_int_equal(cb.err_context, BG_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(state_of(job), BG_JOB_STATE_CANCELLED);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
  assert_int_equal(cb.refs, 1);
  cb_close(&cb);
}

/* Validation through the binding (reference §7, §1.9): GetTemporaryName,
 * SetValidationState(FALSE) on origin content puts the job in ERROR with
 * BG_E_VALIDATION_FAILED; Resume fetches it again; TRUE then Complete.
 * Sleep is on the virtual clock. */
static BG_JOB_STATE wait_state(IBackgroundCopyJob *job, BG_JOB_STATE want) {
  BG_JOB_STATE s = state_of(job);
  for (int polls = 0; s != want && polls < 600; polls++) {
    Sleep(1000);
    s = state_of(job);
  }
  return s;
}

static IBackgroundCopyFile3 *first_file3(IBackgroundCopyJob *job) {
  IEnumBackgroundCopyFiles *files = NULL;
  IBackgroundCopyFile *file = NULL;
  IBackgroundCopyFile3 *file3 = NULL;
  assert_int_equal(IBackgroundCopyJob_EnumFiles(job, &files), S_OK);
  assert_int_equal(IEnumBackgroundCopyFiles_Next(files, 1, &file, NULL), S_OK);
  assert_int_equal(IBackgroundCopyFile_QueryInterface(
                       file, &IID_IBackgroundCopyFile3, (void **)&file3),
                   S_OK);
  IBackgroundCopyFile_Release(file);
  IEnumBackgroundCopyFiles_Release(files);
  return file3;
}

static void test_validation_through_binding(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob *job = new_job(m, NULL);
  IBackgroundCopyFile3 *f3 = first_file3(job);
  assert_int_equal(IBackgroundCopyFile3_SetValidationState(f3, TRUE),
                   E_PENDING); /* not finished yet */
  assert_int_equal(IBackgroundCopyJob_Resume(job), S_OK);
  assert_int_equal(wait_state(job, BG_JOB_STATE_TRANSFERRED),
                   BG_JOB_STATE_TRANSFERRED);
  LPWSTR temp = NULL;
  assert_int_equal(IBackgroundCopyFile3_GetTemporaryName(f3, &temp), S_OK);
  assert_non_null(temp);
  CoTaskMemFree(temp);
  BOOL peer = TRUE;
  UINT64 origin = 0, peers = 1;
  IBackgroundCopyFile4 *f4 = NULL;
  assert_int_equal(IBackgroundCopyFile3_QueryInterface(
                       f3, &IID_IBackgroundCopyFile4, (void **)&f4),
                   S_OK);
  assert_int_equal(IBackgroundCopyFile4_IsDownloadedFromPeer(f4, &peer), S_OK);
  assert_int_equal(peer, FALSE);
  assert_int_equal(
      IBackgroundCopyFile4_GetPeerDownloadStats(f4, &origin, &peers), S_OK);
  assert_int_equal(origin, 4096);
  assert_int_equal(peers, 0);
  IBackgroundCopyFile4_Release(f4);
  assert_int_equal(IBackgroundCopyFile3_SetValidationState(f3, FALSE), S_OK);
  assert_int_equal(state_of(job), BG_JOB_STATE_ERROR);
  IBackgroundCopyError *err = NULL;
  BG_ERROR_CONTEXT ctx;
  HRESULT code = S_OK;
  assert_int_equal(IBackgroundCopyJob_GetError(job, &err), S_OK);
  assert_int_equal(IBackgroundCopyError_GetError(err, &ctx, &code), S_OK);
  assert_int_equal(code, BG_E_VALIDATION_FAILED);
  IBackgroundCopyError_Release(err);
  assert_int_equal(IBackgroundCopyJob_Resume(job), S_OK);
  assert_int_equal(wait_state(job, BG_JOB_STATE_TRANSFERRED),
                   BG_JOB_STATE_TRANSFERRED);
  assert_int_equal(IBackgroundCopyFile3_SetValidationState(f3, TRUE), S_OK);
  BOOL valid = FALSE;
  assert_int_equal(IBackgroundCopyFile3_GetValidationState(f3, &valid), S_OK);
  assert_int_equal(valid, TRUE);
  assert_int_equal(IBackgroundCopyJob_Complete(job), S_OK);
  IBackgroundCopyFile3_Release(f3);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
}

/* Method legality by state through the binding (reference §4.3): each
 * state a client can reach, and what GetError, the setters, AddFile,
 * Resume, Suspend, Cancel and Complete answer there. */
#define URL_404 "http://example.test/files/missing.bin"
#define URL_503 "http://example.test/files/busy.bin"

static IBackgroundCopyJob *job_for(IBackgroundCopyManager *m,
                                   const wchar_t *url) {
  IBackgroundCopyJob *job = NULL;
  GUID id;
  assert_int_equal(IBackgroundCopyManager_CreateJob(
                       m, L"legal", BG_JOB_TYPE_DOWNLOAD, &id, &job),
                   S_OK);
  assert_int_equal(IBackgroundCopyJob_AddFile(job, url, g_local), S_OK);
  return job;
}

static void expect_get_error(IBackgroundCopyJob *job, HRESULT want) {
  IBackgroundCopyError *err = NULL;
  assert_int_equal(IBackgroundCopyJob_GetError(job, &err), want);
  if (err != NULL) IBackgroundCopyError_Release(err);
}

/* Calls that leave the state as it is. */
static void expect_setters(IBackgroundCopyJob *job, HRESULT want) {
  assert_int_equal(IBackgroundCopyJob_SetDisplayName(job, L"renamed"), want);
  assert_int_equal(IBackgroundCopyJob_SetPriority(job, BG_JOB_PRIORITY_HIGH),
                   want);
  assert_int_equal(IBackgroundCopyJob_SetMinimumRetryDelay(job, 60), want);
  assert_int_equal(IBackgroundCopyJob_SetNotifyFlags(job, 0x3), want);
}

static void expect_final(IBackgroundCopyJob *job) {
  expect_get_error(job, BG_E_ERROR_INFORMATION_UNAVAILABLE);
  expect_setters(job, BG_E_INVALID_STATE);
  assert_int_equal(IBackgroundCopyJob_AddFile(job, WURL, g_local),
                   BG_E_INVALID_STATE);
  assert_int_equal(IBackgroundCopyJob_Resume(job), BG_E_INVALID_STATE);
  assert_int_equal(IBackgroundCopyJob_Suspend(job), BG_E_INVALID_STATE);
  assert_int_equal(IBackgroundCopyJob_Cancel(job), BG_E_INVALID_STATE);
  assert_int_equal(IBackgroundCopyJob_Complete(job), BG_E_INVALID_STATE);
}

/* A non-final job: legal everywhere, and Suspend takes it to SUSPENDED. */
static void expect_stoppable(IBackgroundCopyJob *job, HRESULT get_error) {
  expect_get_error(job, get_error);
  expect_setters(job, S_OK);
  assert_int_equal(IBackgroundCopyJob_Suspend(job), S_OK);
  assert_int_equal(state_of(job), BG_JOB_STATE_SUSPENDED);
}

static void test_legality_through_binding(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  bsim_manager *mgr = bitsim_win32_manager();
  assert_int_equal(bsim_model_file_add(mgr, URL_404, 100), BSIM_S_OK);
  assert_int_equal(bsim_model_file_add(mgr, URL_503, 100), BSIM_S_OK);
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL_404);
  f.http_status = 404;
  f.count = 0;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL_503);
  f.http_status = 503;
  f.count = 0;
  assert_int_equal(bsim_fault_add(mgr, &f), BSIM_S_OK);

  /* SUSPENDED (every new job): Resume without files is BG_E_EMPTY. */
  IBackgroundCopyJob *empty = NULL;
  GUID id;
  assert_int_equal(IBackgroundCopyManager_CreateJob(
                       m, L"empty", BG_JOB_TYPE_DOWNLOAD, &id, &empty),
                   S_OK);
  assert_int_equal(IBackgroundCopyJob_Resume(empty), BG_E_EMPTY);
  assert_int_equal(state_of(empty), BG_JOB_STATE_SUSPENDED);
  expect_stoppable(empty, BG_E_ERROR_INFORMATION_UNAVAILABLE);

  IBackgroundCopyJob *te = job_for(m, L"" URL_503);
  assert_int_equal(IBackgroundCopyJob_Resume(te), S_OK);
  assert_int_equal(wait_state(te, BG_JOB_STATE_TRANSIENT_ERROR),
                   BG_JOB_STATE_TRANSIENT_ERROR);
  expect_stoppable(te, S_OK);

  IBackgroundCopyJob *er = job_for(m, L"" URL_404);
  assert_int_equal(IBackgroundCopyJob_Resume(er), S_OK);
  assert_int_equal(wait_state(er, BG_JOB_STATE_ERROR), BG_JOB_STATE_ERROR);
  expect_stoppable(er, S_OK);

  IBackgroundCopyJob *td = new_job(m, NULL);
  assert_int_equal(IBackgroundCopyJob_Resume(td), S_OK);
  assert_int_equal(wait_state(td, BG_JOB_STATE_TRANSFERRED),
                   BG_JOB_STATE_TRANSFERRED);
  expect_get_error(td, BG_E_ERROR_INFORMATION_UNAVAILABLE);
  expect_setters(td, S_OK);
  assert_int_equal(IBackgroundCopyJob_Complete(td), S_OK);
  assert_int_equal(state_of(td), BG_JOB_STATE_ACKNOWLEDGED);
  expect_final(td);

  assert_int_equal(IBackgroundCopyJob_Cancel(te), S_OK);
  assert_int_equal(state_of(te), BG_JOB_STATE_CANCELLED);
  expect_final(te);

  IBackgroundCopyJob *jobs[] = {empty, te, er, td};
  for (size_t i = 0; i < 4; i++)
    IBackgroundCopyJob_Release(jobs[i]);
  finish(m);
}

/* Job2's reply and credential methods over the engine (reference §1.5):
 * E_NOTIMPL on a download job; on an upload-reply job the reply size is
 * unknown until the reply starts, GetReplyData is refused before
 * TRANSFERRED, the reply file name round-trips; credentials are checked
 * by target and scheme. */
static void test_reply_and_credentials_through_binding(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob *down = new_job(m, NULL);
  IBackgroundCopyJob2 *d2 = NULL;
  assert_int_equal(IBackgroundCopyJob_QueryInterface(
                       down, &IID_IBackgroundCopyJob2, (void **)&d2),
                   S_OK);
  BG_JOB_REPLY_PROGRESS rp;
  assert_int_equal(IBackgroundCopyJob2_GetReplyProgress(d2, &rp), E_NOTIMPL);
  IBackgroundCopyJob2_Release(d2);

  IBackgroundCopyJob *up = NULL;
  GUID id;
  assert_int_equal(IBackgroundCopyManager_CreateJob(
                       m, L"reply", BG_JOB_TYPE_UPLOAD_REPLY, &id, &up),
                   S_OK);
  IBackgroundCopyJob2 *u2 = NULL;
  assert_int_equal(IBackgroundCopyJob_QueryInterface(
                       up, &IID_IBackgroundCopyJob2, (void **)&u2),
                   S_OK);
  assert_int_equal(IBackgroundCopyJob2_GetReplyProgress(u2, &rp), S_OK);
  assert_true(rp.BytesTotal == BG_SIZE_UNKNOWN);
  byte *data = (byte *)1;
  UINT64 len = 7;
  assert_int_equal(IBackgroundCopyJob2_GetReplyData(u2, &data, &len),
                   BG_E_INVALID_STATE);
  assert_null(data);
  wchar_t reply[600];
  swprintf(reply, 600, L"%s/reply.txt", bsim_test_tmpdir("compat-reply"));
  assert_int_equal(IBackgroundCopyJob2_SetReplyFileName(u2, reply), S_OK);
  LPWSTR back = NULL;
  assert_int_equal(IBackgroundCopyJob2_GetReplyFileName(u2, &back), S_OK);
  assert_non_null(back);
  assert_int_equal(wcscmp(back, reply), 0);
  CoTaskMemFree(back);

  BG_AUTH_CREDENTIALS c;
  memset(&c, 0, sizeof c);
  c.Target = BG_AUTH_TARGET_SERVER;
  c.Scheme = BG_AUTH_SCHEME_BASIC;
  c.Credentials.Basic.UserName = L"alice";
  c.Credentials.Basic.Password = L"secret";
  assert_int_equal(IBackgroundCopyJob2_SetCredentials(u2, &c), S_OK);
  c.Target = (BG_AUTH_TARGET)9;
  assert_int_equal(IBackgroundCopyJob2_SetCredentials(u2, &c),
                   BG_E_INVALID_AUTH_TARGET);
  c.Target = BG_AUTH_TARGET_SERVER;
  c.Credentials.Basic.UserName = NULL;
  assert_int_equal(IBackgroundCopyJob2_SetCredentials(u2, &c), E_INVALIDARG);
  assert_int_equal(IBackgroundCopyJob2_RemoveCredentials(
                       u2, BG_AUTH_TARGET_SERVER, BG_AUTH_SCHEME_BASIC),
                   S_OK);
  IBackgroundCopyJob2_Release(u2);
  assert_int_equal(IBackgroundCopyJob_Cancel(up), S_OK);
  assert_int_equal(IBackgroundCopyJob_Release(up), 0);
  assert_int_equal(IBackgroundCopyJob_Cancel(down), S_OK);
  assert_int_equal(IBackgroundCopyJob_Release(down), 0);
  finish(m);
}

/* An object without IBackgroundCopyCallback is refused, unchanged; a
 * registration cleared with NULL releases the object. */
static void test_callback_needs_interface(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob *job = new_job(m, NULL);
  /* The manager is an IUnknown that is not a callback. */
  assert_int_equal(IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)m),
                   E_NOINTERFACE);
  IUnknown *got = (IUnknown *)m;
  assert_int_equal(IBackgroundCopyJob_GetNotifyInterface(job, &got), S_OK);
  assert_null(got);
  /* Set, then cleared: every reference taken is given back. */
  Cb cb;
  cb_init(&cb);
  assert_int_equal(
      IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)&cb.iface), S_OK);
  assert_true(cb.refs > 1);
  assert_int_equal(IBackgroundCopyJob_SetNotifyInterface(job, NULL), S_OK);
  assert_int_equal(bitsim_win32_run_until_idle(), BSIM_S_OK);
  assert_int_equal(cb.refs, 1);
  assert_int_equal(IBackgroundCopyJob_GetNotifyInterface(job, &got), S_OK);
  assert_null(got);
  cb_close(&cb);
  assert_int_equal(IBackgroundCopyJob_Cancel(job), S_OK);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
}

/* Threaded delivery: five jobs' JobTransferred block; four are in flight
 * for one user and the fifth waits (reference §6), then runs. */
static void test_four_blocked_callbacks(void **state) {
  (void)state;
  env_reset();
  setenv("BITSIM_DELIVERY", "threaded", 1);
  IBackgroundCopyManager *m = start();
  Cb cb;
  cb_init(&cb);
  cb.block = 1;
  cb.want_entered = 4;
  IBackgroundCopyJob *jobs[5];
  for (int i = 0; i < 5; i++) {
    jobs[i] = new_job(m, NULL);
    assert_int_equal(
        IBackgroundCopyJob_SetNotifyInterface(jobs[i], (IUnknown *)&cb.iface),
        S_OK);
    assert_int_equal(IBackgroundCopyJob_Resume(jobs[i]), S_OK);
  }
  assert_int_equal(WaitForSingleObject(cb.entered, INFINITE), WAIT_OBJECT_0);
  assert_int_equal(bitsim_win32_run_until_idle(), BSIM_S_OK);
  assert_int_equal(cb.in_flight, 4);
  assert_int_equal(cb.transferred, 4);
  SetEvent(cb.release);
  assert_int_equal(WaitForSingleObject(cb.done, INFINITE), WAIT_OBJECT_0);
  assert_int_equal(cb.transferred, 5);
  assert_int_equal(cb.max_in_flight, 4);
  for (int i = 0; i < 5; i++) {
    assert_int_equal(IBackgroundCopyJob_Release(jobs[i]), 0);
  }
  finish(m);
  assert_int_equal(cb.refs, 1);
  cb_close(&cb);
}

/* ---- time -------------------------------------------------------------- */

/* A program polling with Sleep(1000) sees one second per poll and finds
 * its TRANSFERRED job still there; a program blocked for longer than 90
 * days sees the JobInactivityTimeout cancel it (reference §5). */
static void test_time_polling_and_ninety_days(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob *job = new_job(m, NULL);
  assert_int_equal(IBackgroundCopyJob_Resume(job), S_OK);
  DWORD t0 = GetTickCount();
  int polls = 0;
  while (state_of(job) != BG_JOB_STATE_TRANSFERRED && polls < 100) {
    Sleep(1000);
    polls++;
  }
  assert_int_equal(state_of(job), BG_JOB_STATE_TRANSFERRED);
  assert_int_equal(GetTickCount() - t0, (DWORD)polls * 1000u);
  DWORD t1 = GetTickCount();
  for (int i = 0; i < 5; i++)
    Sleep(1000);
  assert_int_equal(GetTickCount() - t1, 5000);
  assert_int_equal(state_of(job), BG_JOB_STATE_TRANSFERRED);
  HANDLE never = CreateEventW(NULL, FALSE, FALSE, NULL);
  assert_int_equal(WaitForSingleObject(never, 3000), WAIT_TIMEOUT);
  assert_int_equal(GetTickCount() - t1, 8000);
  /* Two waits of ~49.7 days: past the 90-day inactivity timeout. */
  assert_int_equal(WaitForSingleObject(never, 0xFFFFFFFEu), WAIT_TIMEOUT);
  Sleep(0xFFFFFFFEu);
  assert_int_equal(state_of(job), BG_JOB_STATE_CANCELLED);
  CloseHandle(never);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
}

/* Reference §4 as a client polling with Sleep sees it: a 503 makes the
 * job TRANSIENT_ERROR with the HTTP code in GetError; after
 * MinimumRetryDelay (600 s) it is retried and TRANSFERRED; Suspend and
 * Resume move it as §4.2 says. */
static void test_states_transient_error(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  struct bsim_fault f;
  bsim_fault_init(&f, BSIM_FAULT_HTTP_STATUS, URL);
  f.http_status = 503;
  assert_int_equal(bsim_fault_add(bitsim_win32_manager(), &f), BSIM_S_OK);
  IBackgroundCopyJob *job = new_job(m, NULL);
  assert_int_equal(state_of(job), BG_JOB_STATE_SUSPENDED);
  assert_int_equal(IBackgroundCopyJob_Resume(job), S_OK);
  DWORD t0 = GetTickCount();
  while (state_of(job) != BG_JOB_STATE_TRANSIENT_ERROR)
    Sleep(1000);
  IBackgroundCopyError *err = NULL;
  assert_int_equal(IBackgroundCopyJob_GetError(job, &err), S_OK);
  BG_ERROR_CONTEXT ctx;
  HRESULT code = S_OK;
  assert_int_equal(IBackgroundCopyError_GetError(err, &ctx, &code), S_OK);
  assert_int_equal(code, BG_E_HTTP_ERROR_503);
  LPWSTR proto = NULL;
  assert_int_equal(IBackgroundCopyError_GetProtocol(err, &proto), S_OK);
  assert_true(wcscmp(proto, L"http") == 0);
  CoTaskMemFree(proto);
  assert_int_equal(IBackgroundCopyError_Release(err), 0);
  ULONG errors = 0;
  assert_int_equal(IBackgroundCopyJob_GetErrorCount(job, &errors), S_OK);
  assert_int_equal(errors, 1);
  while (state_of(job) != BG_JOB_STATE_TRANSFERRED)
    Sleep(1000);
  assert_true(GetTickCount() - t0 >= 600000u);
  assert_int_equal(IBackgroundCopyJob_Suspend(job), S_OK);
  assert_int_equal(state_of(job), BG_JOB_STATE_SUSPENDED);
  assert_int_equal(IBackgroundCopyJob_Resume(job), S_OK);
  Sleep(1000);
  assert_int_equal(state_of(job), BG_JOB_STATE_TRANSFERRED);
  assert_int_equal(IBackgroundCopyJob_Complete(job), S_OK);
  assert_int_equal(state_of(job), BG_JOB_STATE_ACKNOWLEDGED);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
}

/* BITSIM_CLOCK=manual: time moves only through win32ext. */
/* BITSIM_CLOCK=real: a timed wait is a real wait (it returns WAIT_TIMEOUT
 * only once its time has passed on the monotonic clock) and GetTickCount
 * moves with it; a signalled event returns at once. The wait is the test's
 * deadline, not a sleep. */
static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void test_time_real(void **state) {
  (void)state;
  env_reset();
  setenv("BITSIM_CLOCK", "real", 1);
  IBackgroundCopyManager *m = start();
  HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
  assert_non_null(ev);
  DWORD tick0 = GetTickCount();
  uint64_t real0 = mono_ms();
  assert_int_equal(WaitForSingleObject(ev, 30), WAIT_TIMEOUT);
  assert_true(mono_ms() - real0 >= 30);
  assert_true(GetTickCount() - tick0 >= 29);
  assert_true(SetEvent(ev));
  real0 = mono_ms();
  assert_int_equal(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
  assert_true(mono_ms() - real0 < 4000);
  assert_true(CloseHandle(ev));
  finish(m);
  unsetenv("BITSIM_CLOCK");
}

/* BITSIM_CLOCK=auto during a real transfer (design.md "Time"): virtual
 * time flows at the real rate while curl moves bytes, so a Sleep of the
 * application ends after its time although the transfer is still in
 * flight (before, time stood still until the transfer ended). The server
 * drips 300 KB over about 3 s; the checks are bounds, never exact times. */
static void test_time_auto_flows_during_transfer(void **state) {
  (void)state;
  env_reset();
  char root[600], path[700], url[128];
  snprintf(root, sizeof root, "%s", bsim_test_tmpdir("compat_flow"));
  snprintf(path, sizeof path, "%s/slow.bin", root);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  for (int i = 0; i < 300000; i++)
    fputc(i & 0xff, f);
  fclose(f);
  struct bsim_serve_options so;
  bsim_serve_options_init(&so);
  so.root_dir = root;
  bsim_serve *srv = NULL;
  assert_int_equal(bsim_serve_start(&so, &srv), BSIM_S_OK);
  struct bsim_serve_fault fault;
  assert_int_equal(
      bsim_serve_fault_parse("path=/slow.bin,drip=1000/10", &fault, NULL, 0),
      BSIM_S_OK);
  assert_int_equal(bsim_serve_fault_add(srv, &fault), BSIM_S_OK);
  assert_int_equal(bsim_serve_url(srv, "/slow.bin", url, sizeof url),
                   BSIM_S_OK);
  wchar_t wurl[128];
  swprintf(wurl, 128, L"%s", url);
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob *job = NULL;
  GUID id;
  assert_int_equal(IBackgroundCopyManager_CreateJob(
                       m, L"slow", BG_JOB_TYPE_DOWNLOAD, &id, &job),
                   S_OK);
  assert_int_equal(IBackgroundCopyJob_AddFile(job, wurl, g_local), S_OK);
  assert_int_equal(
      IBackgroundCopyJob_SetPriority(job, BG_JOB_PRIORITY_FOREGROUND), S_OK);
  assert_int_equal(IBackgroundCopyJob_Resume(job), S_OK);
  /* Wait (on the real clock, bounded) until bytes flow. */
  uint64_t deadline = mono_ms() + 10000;
  while (state_of(job) != BG_JOB_STATE_TRANSFERRING && mono_ms() < deadline) {
    (void)sched_yield();
  }
  assert_int_equal(state_of(job), BG_JOB_STATE_TRANSFERRING);
  DWORD tick0 = GetTickCount();
  uint64_t real0 = mono_ms();
  Sleep(200);
  assert_true(GetTickCount() - tick0 >= 200);
  assert_true(mono_ms() - real0 < 2500);
  assert_int_equal(state_of(job), BG_JOB_STATE_TRANSFERRING);
  assert_int_equal(IBackgroundCopyJob_Cancel(job), S_OK);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
  bsim_serve_stop(srv);
}

static void test_time_manual(void **state) {
  (void)state;
  env_reset();
  setenv("BITSIM_CLOCK", "manual", 1);
  IBackgroundCopyManager *m = start();
  DWORD t0 = GetTickCount();
  assert_int_equal(bitsim_win32_advance(2500), BSIM_S_OK);
  assert_int_equal(GetTickCount() - t0, 2500);
  assert_int_equal((DWORD)bitsim_win32_now_ms(), GetTickCount());
  finish(m);
}

/* ---- SetNotifyCmdLine ---------------------------------------------------- */

static char **cmdline_argv(IBackgroundCopyJob *job) {
  GUID id;
  assert_int_equal(IBackgroundCopyJob_GetId(job, &id), S_OK);
  bsim_job *j = NULL;
  bsim_guid bid;
  memcpy(&bid, &id, sizeof bid);
  assert_int_equal(bsim_manager_get_job(bitsim_win32_manager(),
                                        bitsim_win32_user(), &bid, &j),
                   BSIM_S_OK);
  char *prog = NULL;
  char **argv = NULL;
  assert_int_equal(bsim_job_get_notify_cmdline(j, &prog, &argv), BSIM_S_OK);
  bsim_free(prog);
  bsim_job_unref(j);
  return argv;
}

/* CommandLineToArgvW's rules: quotes group, 2n backslashes + quote give n
 * backslashes and toggle, 2n+1 give n and a literal quote, "" inside
 * quotes is a quote, the first token has no backslash rule. */
static void test_cmdline_split_rules(void **state) {
  (void)state;
  env_reset();
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob *job = new_job(m, NULL);
  IBackgroundCopyJob2 *j2 = NULL;
  assert_int_equal(IBackgroundCopyJob_QueryInterface(
                       job, &IID_IBackgroundCopyJob2, (void **)&j2),
                   S_OK);
  static const struct {
    const wchar_t *params;
    const char *argv[6];
  } cases[] = {
      {L"\"C:\\a b\\p.exe\" x", {"C:\\a b\\p.exe", "x"}},
      {L"p a\\\\\"b c\" d", {"p", "a\\b c", "d"}},
      {L"p a\\\\\\\"b", {"p", "a\\\"b"}},
      {L"p a\\b\\c", {"p", "a\\b\\c"}},
      {L"p \"a \"\"q\"\" b\"", {"p", "a \"q", "b"}},
      {L"p  \t x\t\"\"", {"p", "x", ""}},
      {L"p \"\"\"x\"\"\"", {"p", "\"x\""}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(
        IBackgroundCopyJob2_SetNotifyCmdLine(j2, L"/bin/true", cases[i].params),
        S_OK);
    char **argv = cmdline_argv(job);
    size_t n = 0;
    for (; cases[i].argv[n] != NULL; n++) {
      assert_non_null(argv[n]);
      assert_string_equal(argv[n], cases[i].argv[n]);
    }
    assert_null(argv[n]);
    bsim_strv_free(argv);
    /* GetNotifyCmdLine joins them back into what splits the same way. */
    LPWSTR prog = NULL, params = NULL;
    assert_int_equal(IBackgroundCopyJob2_GetNotifyCmdLine(j2, &prog, &params),
                     S_OK);
    assert_true(wcscmp(prog, L"/bin/true") == 0);
    assert_int_equal(
        IBackgroundCopyJob2_SetNotifyCmdLine(j2, L"/bin/true", params), S_OK);
    argv = cmdline_argv(job);
    for (size_t k = 0; k < n; k++)
      assert_string_equal(argv[k], cases[i].argv[k]);
    assert_null(argv[n]);
    bsim_strv_free(argv);
    CoTaskMemFree(prog);
    CoTaskMemFree(params);
  }
  assert_int_equal(IBackgroundCopyJob2_SetNotifyCmdLine(j2, NULL, L"x"),
                   E_INVALIDARG);
  assert_int_equal(IBackgroundCopyJob2_SetNotifyCmdLine(j2, NULL, NULL), S_OK);
  IBackgroundCopyJob2_Release(j2);
  assert_int_equal(IBackgroundCopyJob_Cancel(job), S_OK);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
}

/* No callback interface: the command line runs when the job is
 * TRANSFERRED (reference §6), with the split argv. */
static void test_cmdline_fallback(void **state) {
  (void)state;
  env_reset();
  setenv("BITSIM_CMDLINE_RECORD", "1", 1);
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob *job = new_job(m, NULL);
  IBackgroundCopyJob2 *j2 = NULL;
  assert_int_equal(IBackgroundCopyJob_QueryInterface(
                       job, &IID_IBackgroundCopyJob2, (void **)&j2),
                   S_OK);
  assert_int_equal(IBackgroundCopyJob2_SetNotifyCmdLine(j2, L"/usr/bin/notify",
                                                        L"notify \"a b\" c"),
                   S_OK);
  assert_int_equal(IBackgroundCopyJob_Resume(job), S_OK);
  while (state_of(job) != BG_JOB_STATE_TRANSFERRED)
    Sleep(1000);
  Sleep(1000);
  struct bsim_cmdline_run *runs = NULL;
  size_t count = 0;
  assert_int_equal(
      bsim_manager_get_cmdline_runs(bitsim_win32_manager(), &runs, &count),
      BSIM_S_OK);
  assert_int_equal(count, 1);
  assert_string_equal(runs[0].program, "/usr/bin/notify");
  assert_string_equal(runs[0].argv[0], "notify");
  assert_string_equal(runs[0].argv[1], "a b");
  assert_string_equal(runs[0].argv[2], "c");
  assert_null(runs[0].argv[3]);
  bsim_cmdline_runs_free(runs, count);
  IBackgroundCopyJob2_Release(j2);
  assert_int_equal(IBackgroundCopyJob_Complete(job), S_OK);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
}

/* A failed test leaves COM initialised; unbalanced calls are ignored. */
static int teardown(void **state) {
  (void)state;
  for (int i = 0; i < 4; i++)
    CoUninitialize();
  return 0;
}

/* A callback that fails: the command line runs instead, and the method is
 * not called again (reference §6). JobModification is delivered when
 * asked for (BG_NOTIFY_JOB_MODIFICATION). */
static LONG g_modifications;
static HRESULT STDMETHODCALLTYPE
failing_transferred(IBackgroundCopyCallback *This, IBackgroundCopyJob *job) {
  (void)job;
  InterlockedIncrement(&((Cb *)This)->transferred);
  return E_FAIL;
}
static HRESULT STDMETHODCALLTYPE counting_modification(
    IBackgroundCopyCallback *This, IBackgroundCopyJob *job, DWORD reserved) {
  (void)This, (void)job, (void)reserved;
  InterlockedIncrement(&g_modifications);
  return S_OK;
}
static IBackgroundCopyCallbackVtbl failing_vtbl = {
    cb_qi,      cb_addref,
    cb_release, failing_transferred,
    cb_error,   counting_modification};

static void test_cmdline_after_failed_callback(void **state) {
  (void)state;
  env_reset();
  setenv("BITSIM_CMDLINE_RECORD", "1", 1);
  IBackgroundCopyManager *m = start();
  Cb cb;
  cb_init(&cb);
  cb.iface.lpVtbl = &failing_vtbl;
  g_modifications = 0;
  IBackgroundCopyJob *job = new_job(m, NULL);
  IBackgroundCopyJob2 *j2 = NULL;
  assert_int_equal(IBackgroundCopyJob_QueryInterface(
                       job, &IID_IBackgroundCopyJob2, (void **)&j2),
                   S_OK);
  assert_int_equal(
      IBackgroundCopyJob2_SetNotifyCmdLine(j2, L"/usr/bin/notify", NULL), S_OK);
  assert_int_equal(
      IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)&cb.iface), S_OK);
  assert_int_equal(IBackgroundCopyJob_SetNotifyFlags(
                       job, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR |
                                BG_NOTIFY_JOB_MODIFICATION),
                   S_OK);
  assert_int_equal(IBackgroundCopyJob_Resume(job), S_OK);
  while (state_of(job) != BG_JOB_STATE_TRANSFERRED)
    Sleep(1000);
  for (int i = 0; i < 10; i++)
    Sleep(60000); /* ten re-notify intervals */
  assert_int_equal(cb.transferred, 1);
  assert_true(g_modifications > 0);
  struct bsim_cmdline_run *runs = NULL;
  size_t count = 0;
  assert_int_equal(
      bsim_manager_get_cmdline_runs(bitsim_win32_manager(), &runs, &count),
      BSIM_S_OK);
  assert_int_equal(count, 1);
  assert_string_equal(runs[0].argv[0], "/usr/bin/notify");
  bsim_cmdline_runs_free(runs, count);
  IBackgroundCopyJob2_Release(j2);
  assert_int_equal(IBackgroundCopyJob_Complete(job), S_OK);
  assert_int_equal(IBackgroundCopyJob_Release(job), 0);
  finish(m);
  assert_int_equal(cb.refs, 1);
  cb_close(&cb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_runtime_basics, teardown),
      cmocka_unit_test_teardown(test_job_interfaces_and_counts, teardown),
      cmocka_unit_test_teardown(test_strings_and_bad_input, teardown),
      cmocka_unit_test_teardown(test_enumerators, teardown),
      cmocka_unit_test_teardown(test_callback_retried_until_ok, teardown),
      cmocka_unit_test_teardown(test_callback_job_error, teardown),
      cmocka_unit_test_teardown(test_callback_needs_interface, teardown),
      cmocka_unit_test_teardown(test_four_blocked_callbacks, teardown),
      cmocka_unit_test_teardown(test_time_polling_and_ninety_days, teardown),
      cmocka_unit_test_teardown(test_states_transient_error, teardown),
      cmocka_unit_test_teardown(test_time_manual, teardown),
      cmocka_unit_test_teardown(test_time_real, teardown),
      cmocka_unit_test_teardown(test_time_auto_flows_during_transfer, teardown),
      cmocka_unit_test_teardown(test_cmdline_split_rules, teardown),
      cmocka_unit_test_teardown(test_cmdline_fallback, teardown),
      cmocka_unit_test_teardown(test_cmdline_after_failed_callback, teardown),
      cmocka_unit_test_teardown(test_validation_through_binding, teardown),
      cmocka_unit_test_teardown(test_legality_through_binding, teardown),
      cmocka_unit_test_teardown(test_reply_and_credentials_through_binding,
                                teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
