/* bitsim — the job object: IBackgroundCopyJob of reference §1.4 over one
 * bsim_job reference. One object answers IBackgroundCopyJob to Job5 (each
 * vtable extends the previous one, so one vtable serves all five) and
 * IBackgroundCopyJobHttpOptions (a second vtable pointer in the object, as
 * a C++ class with two bases has). The later versions' methods are in
 * job_obj2.c. Every method is a cast of codes and a conversion of strings
 * around the engine call of the same name.
 */
#include "compat/compat.h"

#include <string.h>

#include "internal.h"

#define SELF(This) ((struct bsim__cw_job *)(void *)(This))
#define JOB(This) (SELF(This)->job)

HRESULT STDMETHODCALLTYPE bsim__cw_job_QueryInterface(IBackgroundCopyJob5 *This,
                                                      REFIID riid, void **out) {
  if (out == NULL) return E_POINTER;
  *out = NULL;
  if (IsEqualIID(riid, &IID_IUnknown) ||
      IsEqualIID(riid, &IID_IBackgroundCopyJob) ||
      IsEqualIID(riid, &IID_IBackgroundCopyJob2) ||
      IsEqualIID(riid, &IID_IBackgroundCopyJob3) ||
      IsEqualIID(riid, &IID_IBackgroundCopyJob4) ||
      IsEqualIID(riid, &IID_IBackgroundCopyJob5)) {
    *out = &SELF(This)->iface;
  } else if (IsEqualIID(riid, &IID_IBackgroundCopyJobHttpOptions)) {
    *out = &SELF(This)->http;
  } else {
    return E_NOINTERFACE;
  }
  bsim__cw_job_AddRef(This);
  return S_OK;
}

ULONG STDMETHODCALLTYPE bsim__cw_job_AddRef(IBackgroundCopyJob5 *This) {
  return (ULONG)(atomic_fetch_add(&SELF(This)->refs, 1) + 1);
}

ULONG STDMETHODCALLTYPE bsim__cw_job_Release(IBackgroundCopyJob5 *This) {
  struct bsim__cw_job *self = SELF(This);
  long left = atomic_fetch_sub(&self->refs, 1) - 1;
  if (left == 0) {
    bsim_job_unref(self->job);
    bsim__free(self);
    atomic_fetch_sub(&bsim__cw_live, 1);
  }
  return (ULONG)left;
}

static HRESULT STDMETHODCALLTYPE AddFileSet(IBackgroundCopyJob5 *This,
                                            ULONG cFileCount,
                                            BG_FILE_INFO *pFileSet) {
  if (pFileSet == NULL || cFileCount == 0) return E_INVALIDARG;
  struct bsim_file_info *infos = bsim__calloc(cFileCount, sizeof *infos);
  if (infos == NULL) return E_OUTOFMEMORY;
  HRESULT hr = S_OK;
  for (ULONG i = 0; i < cFileCount && SUCCEEDED(hr); i++) {
    char *r = NULL, *l = NULL;
    hr = bsim__cw_to_utf8(pFileSet[i].RemoteName, &r);
    if (SUCCEEDED(hr)) hr = bsim__cw_to_utf8(pFileSet[i].LocalName, &l);
    infos[i].remote_name = r;
    infos[i].local_name = l;
  }
  if (SUCCEEDED(hr)) hr = bsim_job_add_file_set(JOB(This), cFileCount, infos);
  for (ULONG i = 0; i < cFileCount; i++) {
    bsim__free((void *)(uintptr_t)infos[i].remote_name);
    bsim__free((void *)(uintptr_t)infos[i].local_name);
  }
  bsim__free(infos);
  return hr;
}

static HRESULT STDMETHODCALLTYPE AddFile(IBackgroundCopyJob5 *This,
                                         LPCWSTR RemoteUrl, LPCWSTR LocalName) {
  char *r = NULL, *l = NULL;
  HRESULT hr = bsim__cw_to_utf8(RemoteUrl, &r);
  if (SUCCEEDED(hr)) hr = bsim__cw_to_utf8(LocalName, &l);
  if (SUCCEEDED(hr)) hr = bsim_job_add_file(JOB(This), r, l);
  bsim__free(r);
  bsim__free(l);
  return hr;
}

static HRESULT STDMETHODCALLTYPE EnumFiles(IBackgroundCopyJob5 *This,
                                           IEnumBackgroundCopyFiles **pEnum) {
  if (pEnum == NULL) return E_INVALIDARG;
  return bsim__cw_enum_files_new(JOB(This), pEnum);
}

static HRESULT STDMETHODCALLTYPE Suspend(IBackgroundCopyJob5 *This) {
  return bsim_job_suspend(JOB(This));
}
static HRESULT STDMETHODCALLTYPE Resume(IBackgroundCopyJob5 *This) {
  return bsim_job_resume(JOB(This));
}
static HRESULT STDMETHODCALLTYPE Cancel(IBackgroundCopyJob5 *This) {
  return bsim_job_cancel(JOB(This));
}
static HRESULT STDMETHODCALLTYPE Complete(IBackgroundCopyJob5 *This) {
  return bsim_job_complete(JOB(This));
}

static HRESULT STDMETHODCALLTYPE GetId(IBackgroundCopyJob5 *This, GUID *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  bsim_guid id;
  HRESULT hr = bsim_job_get_id(JOB(This), &id);
  if (SUCCEEDED(hr)) memcpy(pVal, &id, sizeof id);
  return hr;
}

static HRESULT STDMETHODCALLTYPE GetType(IBackgroundCopyJob5 *This,
                                         BG_JOB_TYPE *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  enum bsim_job_type t = BSIM_JOB_TYPE_DOWNLOAD;
  HRESULT hr = bsim_job_get_type(JOB(This), &t);
  *pVal = (BG_JOB_TYPE)t;
  return hr;
}

static HRESULT STDMETHODCALLTYPE GetProgress(IBackgroundCopyJob5 *This,
                                             BG_JOB_PROGRESS *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  struct bsim_job_progress p;
  HRESULT hr = bsim_job_get_progress(JOB(This), &p);
  if (SUCCEEDED(hr)) {
    pVal->BytesTotal = p.bytes_total;
    pVal->BytesTransferred = p.bytes_transferred;
    pVal->FilesTotal = p.files_total;
    pVal->FilesTransferred = p.files_transferred;
  }
  return hr;
}

static FILETIME to_filetime(uint64_t t) {
  FILETIME ft = {(DWORD)(t & 0xFFFFFFFFu), (DWORD)(t >> 32)};
  return ft;
}

static HRESULT STDMETHODCALLTYPE GetTimes(IBackgroundCopyJob5 *This,
                                          BG_JOB_TIMES *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  struct bsim_job_times t;
  HRESULT hr = bsim_job_get_times(JOB(This), &t);
  if (SUCCEEDED(hr)) {
    pVal->CreationTime = to_filetime(t.creation_filetime);
    pVal->ModificationTime = to_filetime(t.modification_filetime);
    pVal->TransferCompletionTime = to_filetime(t.transfer_completion_filetime);
  }
  return hr;
}

static HRESULT STDMETHODCALLTYPE GetState(IBackgroundCopyJob5 *This,
                                          BG_JOB_STATE *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  enum bsim_job_state s = BSIM_JOB_STATE_QUEUED;
  HRESULT hr = bsim_job_get_state(JOB(This), &s);
  *pVal = (BG_JOB_STATE)s;
  return hr;
}

static HRESULT STDMETHODCALLTYPE GetError(IBackgroundCopyJob5 *This,
                                          IBackgroundCopyError **ppError) {
  if (ppError == NULL) return E_INVALIDARG;
  *ppError = NULL;
  struct bsim_job_error e;
  HRESULT hr = bsim_job_get_error(JOB(This), &e);
  if (FAILED(hr)) return hr;
  *ppError = bsim__cw_error_new(JOB(This), &e);
  return *ppError != NULL ? S_OK : E_OUTOFMEMORY;
}

static HRESULT STDMETHODCALLTYPE GetOwner(IBackgroundCopyJob5 *This,
                                          LPWSTR *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  char *s = NULL;
  HRESULT hr = bsim_job_get_owner(JOB(This), &s);
  return bsim__cw_take(hr, s, pVal);
}

static HRESULT set_string(bsim_job *job, LPCWSTR val,
                          bsim_hr (*set)(bsim_job *, const char *)) {
  if (val == NULL) return E_INVALIDARG;
  char *s = NULL;
  HRESULT hr = bsim__cw_to_utf8(val, &s);
  if (SUCCEEDED(hr)) hr = set(job, s);
  bsim__free(s);
  return hr;
}

static HRESULT STDMETHODCALLTYPE SetDisplayName(IBackgroundCopyJob5 *This,
                                                LPCWSTR Val) {
  return set_string(JOB(This), Val, bsim_job_set_display_name);
}
static HRESULT STDMETHODCALLTYPE GetDisplayName(IBackgroundCopyJob5 *This,
                                                LPWSTR *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  char *s = NULL;
  HRESULT hr = bsim_job_get_display_name(JOB(This), &s);
  return bsim__cw_take(hr, s, pVal);
}
static HRESULT STDMETHODCALLTYPE SetDescription(IBackgroundCopyJob5 *This,
                                                LPCWSTR Val) {
  return set_string(JOB(This), Val, bsim_job_set_description);
}
static HRESULT STDMETHODCALLTYPE GetDescription(IBackgroundCopyJob5 *This,
                                                LPWSTR *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  char *s = NULL;
  HRESULT hr = bsim_job_get_description(JOB(This), &s);
  return bsim__cw_take(hr, s, pVal);
}

static HRESULT STDMETHODCALLTYPE SetPriority(IBackgroundCopyJob5 *This,
                                             BG_JOB_PRIORITY Val) {
  return bsim_job_set_priority(JOB(This), (enum bsim_job_priority)Val);
}
static HRESULT STDMETHODCALLTYPE GetPriority(IBackgroundCopyJob5 *This,
                                             BG_JOB_PRIORITY *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  enum bsim_job_priority p = BSIM_JOB_PRIORITY_NORMAL;
  HRESULT hr = bsim_job_get_priority(JOB(This), &p);
  *pVal = (BG_JOB_PRIORITY)p;
  return hr;
}
static HRESULT STDMETHODCALLTYPE SetNotifyFlags(IBackgroundCopyJob5 *This,
                                                ULONG Val) {
  return bsim_job_set_notify_flags(JOB(This), Val);
}
static HRESULT STDMETHODCALLTYPE GetNotifyFlags(IBackgroundCopyJob5 *This,
                                                ULONG *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  uint32_t f = 0;
  HRESULT hr = bsim_job_get_notify_flags(JOB(This), &f);
  *pVal = f;
  return hr;
}
static HRESULT STDMETHODCALLTYPE SetNotifyInterface(IBackgroundCopyJob5 *This,
                                                    IUnknown *Val) {
  return bsim__cw_set_notify_interface(JOB(This), Val);
}
static HRESULT STDMETHODCALLTYPE GetNotifyInterface(IBackgroundCopyJob5 *This,
                                                    IUnknown **pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  return bsim__cw_get_notify_interface(JOB(This), pVal);
}

static HRESULT get_u32(bsim_job *job, ULONG *out,
                       bsim_hr (*get)(bsim_job *, uint32_t *)) {
  if (out == NULL) return E_INVALIDARG;
  uint32_t v = 0;
  HRESULT hr = get(job, &v);
  *out = v;
  return hr;
}

static HRESULT STDMETHODCALLTYPE SetMinimumRetryDelay(IBackgroundCopyJob5 *This,
                                                      ULONG Seconds) {
  return bsim_job_set_minimum_retry_delay(JOB(This), Seconds);
}
static HRESULT STDMETHODCALLTYPE GetMinimumRetryDelay(IBackgroundCopyJob5 *This,
                                                      ULONG *Seconds) {
  return get_u32(JOB(This), Seconds, bsim_job_get_minimum_retry_delay);
}
static HRESULT STDMETHODCALLTYPE SetNoProgressTimeout(IBackgroundCopyJob5 *This,
                                                      ULONG Seconds) {
  return bsim_job_set_no_progress_timeout(JOB(This), Seconds);
}
static HRESULT STDMETHODCALLTYPE GetNoProgressTimeout(IBackgroundCopyJob5 *This,
                                                      ULONG *Seconds) {
  return get_u32(JOB(This), Seconds, bsim_job_get_no_progress_timeout);
}
static HRESULT STDMETHODCALLTYPE GetErrorCount(IBackgroundCopyJob5 *This,
                                               ULONG *Errors) {
  return get_u32(JOB(This), Errors, bsim_job_get_error_count);
}

static HRESULT STDMETHODCALLTYPE
SetProxySettings(IBackgroundCopyJob5 *This, BG_JOB_PROXY_USAGE ProxyUsage,
                 const WCHAR *ProxyList, const WCHAR *ProxyBypassList) {
  char *p = NULL, *b = NULL;
  HRESULT hr = bsim__cw_to_utf8(ProxyList, &p);
  if (SUCCEEDED(hr)) hr = bsim__cw_to_utf8(ProxyBypassList, &b);
  if (SUCCEEDED(hr)) {
    hr = bsim_job_set_proxy_settings(JOB(This),
                                     (enum bsim_proxy_usage)ProxyUsage, p, b);
  }
  bsim__free(p);
  bsim__free(b);
  return hr;
}

/* An absent list is returned as NULL, as BITS does. */
static HRESULT take_opt(char *s, LPWSTR *out) {
  *out = NULL;
  if (s == NULL) return S_OK;
  return bsim__cw_take(S_OK, s, out);
}

static HRESULT STDMETHODCALLTYPE GetProxySettings(IBackgroundCopyJob5 *This,
                                                  BG_JOB_PROXY_USAGE *pUsage,
                                                  LPWSTR *pProxyList,
                                                  LPWSTR *pBypassList) {
  if (pUsage == NULL || pProxyList == NULL || pBypassList == NULL) {
    return E_INVALIDARG;
  }
  enum bsim_proxy_usage u = BSIM_PROXY_USAGE_PRECONFIG;
  char *p = NULL, *b = NULL;
  HRESULT hr = bsim_job_get_proxy_settings(JOB(This), &u, &p, &b);
  *pUsage = (BG_JOB_PROXY_USAGE)u;
  *pProxyList = NULL;
  *pBypassList = NULL;
  if (FAILED(hr)) return hr;
  HRESULT h1 = take_opt(p, pProxyList);
  HRESULT h2 = take_opt(b, pBypassList);
  if (FAILED(h1) || FAILED(h2)) {
    CoTaskMemFree(*pProxyList);
    CoTaskMemFree(*pBypassList);
    *pProxyList = *pBypassList = NULL;
    return E_OUTOFMEMORY;
  }
  return hr;
}

static HRESULT STDMETHODCALLTYPE TakeOwnership(IBackgroundCopyJob5 *This) {
  const char *user = NULL;
  HRESULT hr = bsim__cw_engine(NULL, &user);
  if (FAILED(hr)) return hr;
  return bsim_job_take_ownership(JOB(This), user);
}

#define CW_SLOT(name, args) bsim__cw_job_##name,

static const CW_VTABLE(IBackgroundCopyJob5Vtbl) job_vtbl = {
    0,
    &bsim__cw_ti_IBackgroundCopyJob5,
    {bsim__cw_job_QueryInterface,
     bsim__cw_job_AddRef,
     bsim__cw_job_Release,
     AddFileSet,
     AddFile,
     EnumFiles,
     Suspend,
     Resume,
     Cancel,
     Complete,
     GetId,
     GetType,
     GetProgress,
     GetTimes,
     GetState,
     GetError,
     GetOwner,
     SetDisplayName,
     GetDisplayName,
     SetDescription,
     GetDescription,
     SetPriority,
     GetPriority,
     SetNotifyFlags,
     GetNotifyFlags,
     SetNotifyInterface,
     GetNotifyInterface,
     SetMinimumRetryDelay,
     GetMinimumRetryDelay,
     SetNoProgressTimeout,
     GetNoProgressTimeout,
     GetErrorCount,
     SetProxySettings,
     GetProxySettings,
     TakeOwnership,
     CW_JOB2_METHODS(CW_SLOT)}};

IBackgroundCopyJob *bsim__cw_job_new(bsim_job *job) {
  struct bsim__cw_job *self = bsim__calloc(1, sizeof *self);
  if (self == NULL) return NULL;
  self->iface.lpVtbl = (IBackgroundCopyJob5Vtbl *)&job_vtbl.v;
  self->http.lpVtbl = (IBackgroundCopyJobHttpOptionsVtbl *)bsim__cw_http_vtbl;
  atomic_init(&self->refs, 1);
  self->job = job;
  atomic_fetch_add(&bsim__cw_live, 1);
  return (IBackgroundCopyJob *)(void *)&self->iface;
}

bsim_job *bsim__cw_job_of(IBackgroundCopyJob *iface) {
  return JOB(iface);
}
