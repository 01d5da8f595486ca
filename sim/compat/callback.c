/* bitsim — the callback bridge: SetNotifyInterface / GetNotifyInterface
 * over bsim_job_set_notify (reference §1.12, §6; docs/compat.md
 * "Callbacks").
 *
 * SetNotifyInterface queries the application's object for
 * IBackgroundCopyCallback (and Callback2, Callback3) and keeps what
 * QueryInterface returned: every call goes through those pointers, never
 * through a cast of the IUnknown*, so a C++ object whose callback base is
 * at a non-zero offset works. The references are held while registered
 * and released by the engine's finalizer: when the registration is
 * replaced or cleared, when the job is freed, and at the last
 * CoUninitialize at the latest (bsim_manager_free). FileTransferred is
 * asked for only when the object has Callback2, FileRangesTransferred only
 * with Callback3. Each delivery wraps the job in a new job object whose
 * reference the callee borrows (it may AddRef it), as BITS hands pJob.
 */
#include "compat/compat.h"

#include "internal.h"

struct cw_notify {
  IUnknown *unk;                 /* what SetNotifyInterface got (AddRef'd) */
  IBackgroundCopyCallback *cb;   /* QueryInterface results */
  IBackgroundCopyCallback2 *cb2; /* NULL: no FileTransferred */
  IBackgroundCopyCallback3 *cb3; /* NULL: no FileRangesTransferred */
};

/* Serialises GetNotifyInterface against the finalizer (see there). */
static pthread_mutex_t notify_mu = PTHREAD_MUTEX_INITIALIZER;

static IBackgroundCopyJob *wrap(bsim_job *job) {
  bsim_job_ref(job);
  IBackgroundCopyJob *j = bsim__cw_job_new(job);
  if (j == NULL) bsim_job_unref(job);
  return j;
}

static bsim_hr on_transferred(bsim_job *job, void *user) {
  struct cw_notify *n = user;
  IBackgroundCopyJob *j = wrap(job);
  if (j == NULL) return BSIM_E_OUTOFMEMORY;
  bsim__cw_in_callback++;
  HRESULT hr = n->cb->lpVtbl->JobTransferred(n->cb, j);
  bsim__cw_in_callback--;
  j->lpVtbl->Release(j);
  return hr;
}

static bsim_hr on_error(bsim_job *job, const struct bsim_job_error *error,
                        void *user) {
  struct cw_notify *n = user;
  IBackgroundCopyJob *j = wrap(job);
  IBackgroundCopyError *e = bsim__cw_error_new(job, error);
  HRESULT hr = BSIM_E_OUTOFMEMORY;
  if (j != NULL && e != NULL) {
    bsim__cw_in_callback++;
    hr = n->cb->lpVtbl->JobError(n->cb, j, e);
    bsim__cw_in_callback--;
  }
  if (e != NULL) e->lpVtbl->Release(e);
  if (j != NULL) j->lpVtbl->Release(j);
  return hr;
}

static bsim_hr on_modification(bsim_job *job, void *user) {
  struct cw_notify *n = user;
  IBackgroundCopyJob *j = wrap(job);
  if (j == NULL) return BSIM_E_OUTOFMEMORY;
  bsim__cw_in_callback++;
  HRESULT hr = n->cb->lpVtbl->JobModification(n->cb, j, 0);
  bsim__cw_in_callback--;
  j->lpVtbl->Release(j);
  return hr;
}

static bsim_hr on_file(bsim_job *job, uint32_t index, void *user) {
  struct cw_notify *n = user;
  IBackgroundCopyJob *j = wrap(job);
  IBackgroundCopyFile *f = bsim__cw_file_new(job, index);
  HRESULT hr = BSIM_E_OUTOFMEMORY;
  if (j != NULL && f != NULL) {
    bsim__cw_in_callback++;
    hr = n->cb2->lpVtbl->FileTransferred(n->cb2, j, f);
    bsim__cw_in_callback--;
  }
  if (f != NULL) f->lpVtbl->Release(f);
  if (j != NULL) j->lpVtbl->Release(j);
  return hr;
}

static bsim_hr on_ranges(bsim_job *job, uint32_t index, uint32_t count,
                         const struct bsim_file_range *ranges, void *user) {
  struct cw_notify *n = user;
  IBackgroundCopyJob *j = wrap(job);
  IBackgroundCopyFile *f = bsim__cw_file_new(job, index);
  HRESULT hr = BSIM_E_OUTOFMEMORY;
  if (j != NULL && f != NULL) {
    bsim__cw_in_callback++;
    /* BG_FILE_RANGE and bsim_file_range share one layout (header tests). */
    hr = n->cb3->lpVtbl->FileRangesTransferred(
        n->cb3, j, f, count, (const BG_FILE_RANGE *)(const void *)ranges);
    bsim__cw_in_callback--;
  }
  if (f != NULL) f->lpVtbl->Release(f);
  if (j != NULL) j->lpVtbl->Release(j);
  return hr;
}

static void release_all(struct cw_notify *n) {
  if (n->cb3 != NULL) n->cb3->lpVtbl->Release(n->cb3);
  if (n->cb2 != NULL) n->cb2->lpVtbl->Release(n->cb2);
  if (n->cb != NULL) n->cb->lpVtbl->Release(n->cb);
  if (n->unk != NULL) n->unk->lpVtbl->Release(n->unk);
  bsim__free(n);
}

/* The registration died. Taking notify_mu first means a
 * GetNotifyInterface that read this registration before it was replaced
 * has finished its AddRef. */
static void on_finalize(void *user) {
  pthread_mutex_lock(&notify_mu);
  pthread_mutex_unlock(&notify_mu);
  release_all(user);
}

static HRESULT query(IUnknown *unk, struct cw_notify *n) {
  HRESULT hr = unk->lpVtbl->QueryInterface(unk, &IID_IBackgroundCopyCallback,
                                           (void **)&n->cb);
  if (FAILED(hr) || n->cb == NULL) {
    n->cb = NULL;
    return E_NOINTERFACE;
  }
  if (FAILED(unk->lpVtbl->QueryInterface(unk, &IID_IBackgroundCopyCallback2,
                                         (void **)&n->cb2))) {
    n->cb2 = NULL;
  }
  if (FAILED(unk->lpVtbl->QueryInterface(unk, &IID_IBackgroundCopyCallback3,
                                         (void **)&n->cb3))) {
    n->cb3 = NULL;
  }
  unk->lpVtbl->AddRef(unk);
  n->unk = unk;
  return S_OK;
}

HRESULT bsim__cw_set_notify_interface(bsim_job *job, IUnknown *unk) {
  if (unk == NULL) return bsim_job_set_notify(job, NULL, NULL);
  struct cw_notify *n = bsim__calloc(1, sizeof *n);
  if (n == NULL) return E_OUTOFMEMORY;
  HRESULT hr = query(unk, n);
  if (FAILED(hr)) {
    release_all(n);
    return hr;
  }
  struct bsim_notify_ops ops = {0};
  ops.job_transferred = on_transferred;
  ops.job_error = on_error;
  ops.job_modification = on_modification;
  if (n->cb2 != NULL) ops.file_transferred = on_file;
  if (n->cb3 != NULL) ops.file_ranges_transferred = on_ranges;
  ops.finalize = on_finalize;
  hr = bsim_job_set_notify(job, &ops, n);
  if (FAILED(hr)) release_all(n); /* not taken: no finalize */
  return hr;
}

HRESULT bsim__cw_get_notify_interface(bsim_job *job, IUnknown **out) {
  *out = NULL;
  pthread_mutex_lock(&notify_mu);
  void *user = NULL;
  struct bsim_notify_ops ops;
  HRESULT hr = bsim_job_get_notify(job, &ops, &user);
  if (hr == S_OK && user != NULL && ops.finalize == on_finalize) {
    struct cw_notify *n = user;
    n->unk->lpVtbl->AddRef(n->unk);
    *out = n->unk;
  }
  pthread_mutex_unlock(&notify_mu);
  return S_OK;
}
