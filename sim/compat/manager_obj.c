/* bitsim — IBackgroundCopyManager over the engine (reference §1.3): the
 * object CoCreateInstance returns. Jobs belong to the user named by
 * BITSIM_USER; GUIDs and bsim_guid share one layout, so ids are copied.
 */
#include "compat/compat.h"

#include <string.h>

#include "internal.h"

atomic_long bsim__cw_live;

struct cw_manager {
  IBackgroundCopyManager iface;
  atomic_long refs;
};

static HRESULT STDMETHODCALLTYPE
mgr_QueryInterface(IBackgroundCopyManager *This, REFIID riid, void **out) {
  if (out == NULL) return E_POINTER;
  if (IsEqualIID(riid, &IID_IUnknown) ||
      IsEqualIID(riid, &IID_IBackgroundCopyManager)) {
    *out = This;
    This->lpVtbl->AddRef(This);
    return S_OK;
  }
  *out = NULL;
  return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE mgr_AddRef(IBackgroundCopyManager *This) {
  struct cw_manager *m = (struct cw_manager *)This;
  return (ULONG)(atomic_fetch_add(&m->refs, 1) + 1);
}

static ULONG STDMETHODCALLTYPE mgr_Release(IBackgroundCopyManager *This) {
  struct cw_manager *m = (struct cw_manager *)This;
  long left = atomic_fetch_sub(&m->refs, 1) - 1;
  if (left == 0) {
    bsim__free(m);
    atomic_fetch_sub(&bsim__cw_live, 1);
  }
  return (ULONG)left;
}

static HRESULT STDMETHODCALLTYPE mgr_CreateJob(IBackgroundCopyManager *This,
                                               LPCWSTR DisplayName,
                                               BG_JOB_TYPE Type, GUID *pJobId,
                                               IBackgroundCopyJob **ppJob) {
  (void)This;
  if (pJobId == NULL || ppJob == NULL) return E_INVALIDARG;
  *ppJob = NULL;
  bsim_manager *mgr = NULL;
  const char *user = NULL;
  HRESULT hr = bsim__cw_engine(&mgr, &user);
  if (FAILED(hr)) return hr;
  char *name = NULL;
  if (DisplayName == NULL) return E_INVALIDARG;
  hr = bsim__cw_to_utf8(DisplayName, &name);
  if (FAILED(hr)) return hr;
  bsim_guid id;
  bsim_job *job = NULL;
  hr = bsim_job_create(mgr, user, name, (enum bsim_job_type)Type, &id, &job);
  bsim__free(name);
  if (FAILED(hr)) return hr;
  *ppJob = bsim__cw_job_new(job);
  if (*ppJob == NULL) {
    bsim_hr undo = bsim_job_cancel(job);
    (void)undo;
    bsim_job_unref(job);
    return E_OUTOFMEMORY;
  }
  memcpy(pJobId, &id, sizeof id);
  return hr;
}

static HRESULT STDMETHODCALLTYPE mgr_GetJob(IBackgroundCopyManager *This,
                                            REFGUID jobID,
                                            IBackgroundCopyJob **ppJob) {
  (void)This;
  if (jobID == NULL || ppJob == NULL) return E_INVALIDARG;
  *ppJob = NULL;
  bsim_manager *mgr = NULL;
  const char *user = NULL;
  HRESULT hr = bsim__cw_engine(&mgr, &user);
  if (FAILED(hr)) return hr;
  bsim_guid id;
  memcpy(&id, jobID, sizeof id);
  bsim_job *job = NULL;
  hr = bsim_manager_get_job(mgr, user, &id, &job);
  if (FAILED(hr)) return hr;
  *ppJob = bsim__cw_job_new(job);
  if (*ppJob == NULL) {
    bsim_job_unref(job);
    return E_OUTOFMEMORY;
  }
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE
mgr_EnumJobs(IBackgroundCopyManager *This, DWORD dwFlags,
             IEnumBackgroundCopyJobs **ppEnum) {
  (void)This;
  if (ppEnum == NULL) return E_INVALIDARG;
  *ppEnum = NULL;
  bsim_manager *mgr = NULL;
  const char *user = NULL;
  HRESULT hr = bsim__cw_engine(&mgr, &user);
  if (FAILED(hr)) return hr;
  bsim_job **jobs = NULL;
  size_t count = 0;
  hr = bsim_manager_enum_jobs(mgr, user, dwFlags, &jobs, &count);
  if (FAILED(hr)) return hr;
  return bsim__cw_enum_jobs_new(jobs, count, ppEnum);
}

static HRESULT STDMETHODCALLTYPE
mgr_GetErrorDescription(IBackgroundCopyManager *This, HRESULT hResult,
                        DWORD LanguageId, LPWSTR *pErrorDescription) {
  (void)This;
  (void)LanguageId; /* one language: English */
  if (pErrorDescription == NULL) return E_INVALIDARG;
  *pErrorDescription = NULL;
  if (strcmp(bsim_hr_name(hResult), "UNKNOWN_HRESULT") == 0) {
    return HRESULT_FROM_WIN32(317); /* ERROR_MR_MID_NOT_FOUND */
  }
  return bsim__cw_to_wide(bsim_hr_message(hResult), pErrorDescription);
}

static const IBackgroundCopyManagerVtbl mgr_vtbl = {
    mgr_QueryInterface,      mgr_AddRef, mgr_Release,
    mgr_CreateJob,           mgr_GetJob, mgr_EnumJobs,
    mgr_GetErrorDescription,
};

HRESULT bsim__cw_manager_new(REFIID riid, void **out) {
  struct cw_manager *m = bsim__calloc(1, sizeof *m);
  if (m == NULL) return E_OUTOFMEMORY;
  m->iface.lpVtbl = (IBackgroundCopyManagerVtbl *)&mgr_vtbl;
  atomic_init(&m->refs, 1);
  atomic_fetch_add(&bsim__cw_live, 1);
  HRESULT hr = mgr_QueryInterface(&m->iface, riid, out);
  mgr_Release(&m->iface);
  return hr;
}
