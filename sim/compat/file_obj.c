/* bitsim — IBackgroundCopyFile to File6 (reference §1.4, §1.9) and
 * IBackgroundCopyError (§1.11, §9) over the engine.
 *
 * A file object is (job reference, file index); an error object is a copy
 * of the job's error record taken when it was asked for, as BITS's error
 * object is. File methods the engine does not model (SetRemoteName,
 * properties, on-demand ranges) return E_NOTIMPL (docs/compat.md).
 */
#include "compat/compat.h"

#include <string.h>

#include "internal.h"

struct cw_file {
  IBackgroundCopyFile6 iface;
  atomic_long refs;
  bsim_job *job;
  uint32_t index;
};

#define FSELF(This) ((struct cw_file *)(void *)(This))

static HRESULT STDMETHODCALLTYPE file_QueryInterface(IBackgroundCopyFile6 *This,
                                                     REFIID riid, void **out) {
  if (out == NULL) return E_POINTER;
  *out = NULL;
  if (!IsEqualIID(riid, &IID_IUnknown) &&
      !IsEqualIID(riid, &IID_IBackgroundCopyFile) &&
      !IsEqualIID(riid, &IID_IBackgroundCopyFile2) &&
      !IsEqualIID(riid, &IID_IBackgroundCopyFile3) &&
      !IsEqualIID(riid, &IID_IBackgroundCopyFile4) &&
      !IsEqualIID(riid, &IID_IBackgroundCopyFile5) &&
      !IsEqualIID(riid, &IID_IBackgroundCopyFile6)) {
    return E_NOINTERFACE;
  }
  atomic_fetch_add(&FSELF(This)->refs, 1);
  *out = This;
  return S_OK;
}

static ULONG STDMETHODCALLTYPE file_AddRef(IBackgroundCopyFile6 *This) {
  return (ULONG)(atomic_fetch_add(&FSELF(This)->refs, 1) + 1);
}

static ULONG STDMETHODCALLTYPE file_Release(IBackgroundCopyFile6 *This) {
  struct cw_file *f = FSELF(This);
  long left = atomic_fetch_sub(&f->refs, 1) - 1;
  if (left == 0) {
    bsim_job_unref(f->job);
    bsim__free(f);
    atomic_fetch_sub(&bsim__cw_live, 1);
  }
  return (ULONG)left;
}

static HRESULT get_name(IBackgroundCopyFile6 *This, LPWSTR *out,
                        bsim_hr (*get)(bsim_job *, uint32_t, char **)) {
  if (out == NULL) return E_INVALIDARG;
  char *s = NULL;
  HRESULT hr = get(FSELF(This)->job, FSELF(This)->index, &s);
  return bsim__cw_take(hr, s, out);
}

static HRESULT STDMETHODCALLTYPE GetRemoteName(IBackgroundCopyFile6 *This,
                                               LPWSTR *pVal) {
  return get_name(This, pVal, bsim_file_get_remote_name);
}
static HRESULT STDMETHODCALLTYPE GetLocalName(IBackgroundCopyFile6 *This,
                                              LPWSTR *pVal) {
  return get_name(This, pVal, bsim_file_get_local_name);
}
static HRESULT STDMETHODCALLTYPE GetTemporaryName(IBackgroundCopyFile6 *This,
                                                  LPWSTR *pVal) {
  return get_name(This, pVal, bsim_file_get_temporary_name);
}

static HRESULT STDMETHODCALLTYPE GetProgress(IBackgroundCopyFile6 *This,
                                             BG_FILE_PROGRESS *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  struct bsim_file_progress p;
  HRESULT hr = bsim_file_get_progress(FSELF(This)->job, FSELF(This)->index, &p);
  if (SUCCEEDED(hr)) {
    pVal->BytesTotal = p.bytes_total;
    pVal->BytesTransferred = p.bytes_transferred;
    pVal->Completed = p.completed ? TRUE : FALSE;
  }
  return hr;
}

#define FNOTIMPL(name, params, ...)                                            \
  static HRESULT STDMETHODCALLTYPE name params {                               \
    (void)This;                                                                \
    __VA_ARGS__;                                                               \
    return E_NOTIMPL;                                                          \
  }

/* GetFileRanges (reference §1.9): a CoTaskMemAlloc'd copy, as BITS
 * hands it; a file without ranges gives 0 and NULL. */
static HRESULT STDMETHODCALLTYPE GetFileRanges(IBackgroundCopyFile6 *This,
                                               DWORD *RangeCount,
                                               BG_FILE_RANGE **Ranges) {
  if (RangeCount == NULL || Ranges == NULL) return E_INVALIDARG;
  *RangeCount = 0;
  *Ranges = NULL;
  uint32_t n = 0;
  struct bsim_file_range *r = NULL;
  HRESULT hr =
      bsim_file_get_ranges(FSELF(This)->job, FSELF(This)->index, &n, &r);
  if (FAILED(hr) || n == 0) return hr;
  BG_FILE_RANGE *out = CoTaskMemAlloc((size_t)n * sizeof *out);
  if (out == NULL) {
    bsim_free(r);
    return E_OUTOFMEMORY;
  }
  memcpy(out, r, (size_t)n * sizeof *out);
  bsim_free(r);
  *RangeCount = n;
  *Ranges = out;
  return S_OK;
}
FNOTIMPL(SetRemoteName, (IBackgroundCopyFile6 * This, LPCWSTR v), (void)v)

/* Validation and peers (reference §1.9, §7, §11): the engine's own
 * validation step; the binding only converts BOOL and pointers. */
static HRESULT STDMETHODCALLTYPE SetValidationState(IBackgroundCopyFile6 *This,
                                                    BOOL state) {
  return bsim_file_set_validation_state(FSELF(This)->job, FSELF(This)->index,
                                        state ? 1 : 0);
}

static HRESULT STDMETHODCALLTYPE GetValidationState(IBackgroundCopyFile6 *This,
                                                    BOOL *pState) {
  if (pState == NULL) return E_INVALIDARG;
  int valid = 0;
  HRESULT hr = bsim_file_get_validation_state(FSELF(This)->job,
                                              FSELF(This)->index, &valid);
  *pState = SUCCEEDED(hr) && valid ? TRUE : FALSE;
  return hr;
}

static HRESULT STDMETHODCALLTYPE
IsDownloadedFromPeer(IBackgroundCopyFile6 *This, BOOL *pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  int peer = 0;
  HRESULT hr = bsim_file_is_downloaded_from_peer(FSELF(This)->job,
                                                 FSELF(This)->index, &peer);
  *pVal = SUCCEEDED(hr) && peer ? TRUE : FALSE;
  return hr;
}

static HRESULT STDMETHODCALLTYPE GetPeerDownloadStats(
    IBackgroundCopyFile6 *This, PUINT64 pFromOrigin, PUINT64 pFromPeers) {
  if (pFromOrigin == NULL || pFromPeers == NULL) return E_INVALIDARG;
  uint64_t origin = 0;
  uint64_t peers = 0;
  HRESULT hr = bsim_file_get_peer_download_stats(
      FSELF(This)->job, FSELF(This)->index, &origin, &peers);
  *pFromOrigin = origin;
  *pFromPeers = peers;
  return hr;
}

FNOTIMPL(SetProperty,
         (IBackgroundCopyFile6 * This, BITS_FILE_PROPERTY_ID id,
          BITS_FILE_PROPERTY_VALUE v),
         (void)id, (void)v)
FNOTIMPL(GetProperty,
         (IBackgroundCopyFile6 * This, BITS_FILE_PROPERTY_ID id,
          BITS_FILE_PROPERTY_VALUE *v),
         (void)id, (void)v)
FNOTIMPL(UpdateDownloadPosition, (IBackgroundCopyFile6 * This, UINT64 o),
         (void)o)
FNOTIMPL(RequestFileRanges,
         (IBackgroundCopyFile6 * This, DWORD n, const BG_FILE_RANGE *r),
         (void)n, (void)r)
FNOTIMPL(GetFilledFileRanges,
         (IBackgroundCopyFile6 * This, DWORD *n, BG_FILE_RANGE **r), (void)n,
         (void)r)

static const CW_VTABLE(IBackgroundCopyFile6Vtbl) file_vtbl = {
    0,
    &bsim__cw_ti_IBackgroundCopyFile6,
    {
        file_QueryInterface,
        file_AddRef,
        file_Release,
        GetRemoteName,
        GetLocalName,
        GetProgress,
        GetFileRanges,
        SetRemoteName,
        GetTemporaryName,
        SetValidationState,
        GetValidationState,
        IsDownloadedFromPeer,
        GetPeerDownloadStats,
        SetProperty,
        GetProperty,
        UpdateDownloadPosition,
        RequestFileRanges,
        GetFilledFileRanges,
    }};

IBackgroundCopyFile *bsim__cw_file_new(bsim_job *job, uint32_t index) {
  struct cw_file *f = bsim__calloc(1, sizeof *f);
  if (f == NULL) return NULL;
  f->iface.lpVtbl = (IBackgroundCopyFile6Vtbl *)&file_vtbl.v;
  atomic_init(&f->refs, 1);
  bsim_job_ref(job);
  f->job = job;
  f->index = index;
  atomic_fetch_add(&bsim__cw_live, 1);
  return (IBackgroundCopyFile *)(void *)&f->iface;
}

/* ---- IBackgroundCopyError ---------------------------------------------- */

struct cw_error {
  IBackgroundCopyError iface;
  atomic_long refs;
  bsim_job *job;
  struct bsim_job_error e;
};

#define ESELF(This) ((struct cw_error *)(void *)(This))

static HRESULT STDMETHODCALLTYPE err_QueryInterface(IBackgroundCopyError *This,
                                                    REFIID riid, void **out) {
  if (out == NULL) return E_POINTER;
  *out = NULL;
  if (!IsEqualIID(riid, &IID_IUnknown) &&
      !IsEqualIID(riid, &IID_IBackgroundCopyError)) {
    return E_NOINTERFACE;
  }
  atomic_fetch_add(&ESELF(This)->refs, 1);
  *out = This;
  return S_OK;
}

static ULONG STDMETHODCALLTYPE err_AddRef(IBackgroundCopyError *This) {
  return (ULONG)(atomic_fetch_add(&ESELF(This)->refs, 1) + 1);
}

static ULONG STDMETHODCALLTYPE err_Release(IBackgroundCopyError *This) {
  struct cw_error *e = ESELF(This);
  long left = atomic_fetch_sub(&e->refs, 1) - 1;
  if (left == 0) {
    bsim_job_unref(e->job);
    bsim__free(e);
    atomic_fetch_sub(&bsim__cw_live, 1);
  }
  return (ULONG)left;
}

static HRESULT STDMETHODCALLTYPE err_GetError(IBackgroundCopyError *This,
                                              BG_ERROR_CONTEXT *pContext,
                                              HRESULT *pCode) {
  if (pContext == NULL || pCode == NULL) return E_INVALIDARG;
  *pContext = (BG_ERROR_CONTEXT)ESELF(This)->e.context;
  *pCode = ESELF(This)->e.code;
  return S_OK;
}

static HRESULT STDMETHODCALLTYPE err_GetFile(IBackgroundCopyError *This,
                                             IBackgroundCopyFile **pVal) {
  if (pVal == NULL) return E_INVALIDARG;
  *pVal = NULL;
  if (ESELF(This)->e.file_index < 0) return BSIM_E_FILE_NOT_AVAILABLE;
  *pVal =
      bsim__cw_file_new(ESELF(This)->job, (uint32_t)ESELF(This)->e.file_index);
  return *pVal != NULL ? S_OK : E_OUTOFMEMORY;
}

static HRESULT STDMETHODCALLTYPE err_GetErrorDescription(
    IBackgroundCopyError *This, DWORD LanguageId, LPWSTR *out) {
  (void)LanguageId;
  if (out == NULL) return E_INVALIDARG;
  return bsim__cw_to_wide(bsim_hr_message(ESELF(This)->e.code), out);
}

static const char *const context_text[BSIM_ERROR_CONTEXT_COUNT] = {
    "No error context.",
    "The error context is unknown.",
    "The error occurred in the transfer queue manager.",
    "The error occurred while notifying the application.",
    "The error occurred in the local file.",
    "The error occurred in the remote file.",
    "The error occurred in the transport layer.",
    "The error occurred in the remote server application.",
    "The error occurred in the server certificate validation callback.",
};

static HRESULT STDMETHODCALLTYPE err_GetErrorContextDescription(
    IBackgroundCopyError *This, DWORD LanguageId, LPWSTR *out) {
  (void)LanguageId;
  if (out == NULL) return E_INVALIDARG;
  unsigned c = (unsigned)ESELF(This)->e.context;
  if (c >= BSIM_ERROR_CONTEXT_COUNT) c = BSIM_ERROR_CONTEXT_UNKNOWN;
  return bsim__cw_to_wide(context_text[c], out);
}

static HRESULT STDMETHODCALLTYPE err_GetProtocol(IBackgroundCopyError *This,
                                                 LPWSTR *out) {
  if (out == NULL) return E_INVALIDARG;
  *out = NULL;
  if (ESELF(This)->e.protocol == NULL) return BSIM_E_PROTOCOL_NOT_AVAILABLE;
  return bsim__cw_to_wide(ESELF(This)->e.protocol, out);
}

static const CW_VTABLE(IBackgroundCopyErrorVtbl) err_vtbl = {
    0,
    &bsim__cw_ti_IBackgroundCopyError,
    {
        err_QueryInterface,
        err_AddRef,
        err_Release,
        err_GetError,
        err_GetFile,
        err_GetErrorDescription,
        err_GetErrorContextDescription,
        err_GetProtocol,
    }};

IBackgroundCopyError *bsim__cw_error_new(bsim_job *job,
                                         const struct bsim_job_error *e) {
  struct cw_error *err = bsim__calloc(1, sizeof *err);
  if (err == NULL) return NULL;
  err->iface.lpVtbl = (IBackgroundCopyErrorVtbl *)&err_vtbl.v;
  atomic_init(&err->refs, 1);
  bsim_job_ref(job);
  err->job = job;
  err->e = *e;
  atomic_fetch_add(&bsim__cw_live, 1);
  return &err->iface;
}
