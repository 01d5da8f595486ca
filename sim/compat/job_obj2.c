/* bitsim — the job object's methods from IBackgroundCopyJob2 to Job5
 * (reference §1.5-§1.8) and IBackgroundCopyJobHttpOptions (§1.10).
 *
 * What the engine does not model yet returns E_NOTIMPL and is listed in
 * docs/compat.md: remote prefixes, ACL flags, integrity
 * levels and the Job5 properties. HTTP options are kept by the object and
 * read back.
 */
#include "compat/compat.h"

#include <stddef.h>
#include <string.h>

#include "internal.h"

#define SELF(This) ((struct bsim__cw_job *)(void *)(This))
#define JOB(This) (SELF(This)->job)

HRESULT STDMETHODCALLTYPE bsim__cw_job_SetNotifyCmdLine(
    IBackgroundCopyJob5 *This, LPCWSTR Program, LPCWSTR Parameters) {
  if (Program == NULL) {
    if (Parameters != NULL) return E_INVALIDARG;
    return bsim_job_set_notify_cmdline(JOB(This), NULL, NULL);
  }
  char *prog = NULL;
  char **argv = NULL;
  HRESULT hr = bsim__cw_to_utf8(Program, &prog);
  if (SUCCEEDED(hr) && Parameters != NULL) {
    hr = bsim__cw_split_cmdline(Parameters, &argv);
  }
  if (SUCCEEDED(hr)) {
    hr =
        bsim_job_set_notify_cmdline(JOB(This), prog, (const char *const *)argv);
  }
  bsim__free(prog);
  bsim_strv_free(argv);
  return hr;
}

HRESULT STDMETHODCALLTYPE bsim__cw_job_GetNotifyCmdLine(
    IBackgroundCopyJob5 *This, LPWSTR *pProgram, LPWSTR *pParameters) {
  if (pProgram == NULL || pParameters == NULL) return E_INVALIDARG;
  *pProgram = *pParameters = NULL;
  char *prog = NULL;
  char **argv = NULL;
  HRESULT hr = bsim_job_get_notify_cmdline(JOB(This), &prog, &argv);
  if (SUCCEEDED(hr) && prog != NULL) {
    hr = bsim__cw_to_wide(prog, pProgram);
    if (SUCCEEDED(hr) && argv != NULL) {
      hr = bsim__cw_join_cmdline(argv, pParameters);
    }
    if (FAILED(hr)) {
      CoTaskMemFree(*pProgram);
      *pProgram = NULL;
    }
  }
  bsim_free(prog);
  bsim_strv_free(argv);
  return hr;
}

#define NOTIMPL(name, params, ...)                                             \
  HRESULT STDMETHODCALLTYPE bsim__cw_job_##name params {                       \
    (void)This;                                                                \
    __VA_ARGS__;                                                               \
    return E_NOTIMPL;                                                          \
  }

/* Upload-reply replies (reference §1.5, §9): the engine's reply calls. */
HRESULT STDMETHODCALLTYPE bsim__cw_job_GetReplyProgress(
    IBackgroundCopyJob5 *This, BG_JOB_REPLY_PROGRESS *pProgress) {
  if (pProgress == NULL) return E_INVALIDARG;
  struct bsim_reply_progress p;
  HRESULT hr = bsim_job_get_reply_progress(JOB(This), &p);
  if (SUCCEEDED(hr)) {
    pProgress->BytesTotal = p.bytes_total;
    pProgress->BytesTransferred = p.bytes_transferred;
  }
  return hr;
}

/* The reply is copied into CoTaskMemAlloc'd memory: the caller frees it
 * with CoTaskMemFree, as on Windows. */
HRESULT STDMETHODCALLTYPE bsim__cw_job_GetReplyData(IBackgroundCopyJob5 *This,
                                                    byte **ppBuffer,
                                                    UINT64 *pLength) {
  if (ppBuffer == NULL || pLength == NULL) return E_INVALIDARG;
  *ppBuffer = NULL;
  void *data = NULL;
  uint64_t length = 0;
  HRESULT hr = bsim_job_get_reply_data(JOB(This), &data, &length);
  *pLength = length;
  if (SUCCEEDED(hr) && data != NULL) {
    *ppBuffer = CoTaskMemAlloc((size_t)length);
    if (*ppBuffer == NULL) {
      hr = E_OUTOFMEMORY;
    } else {
      memcpy(*ppBuffer, data, (size_t)length);
    }
  }
  bsim_free(data);
  return hr;
}

HRESULT STDMETHODCALLTYPE bsim__cw_job_SetReplyFileName(
    IBackgroundCopyJob5 *This, LPCWSTR ReplyFileName) {
  char *name = NULL;
  HRESULT hr = bsim__cw_to_utf8(ReplyFileName, &name);
  if (SUCCEEDED(hr)) hr = bsim_job_set_reply_file_name(JOB(This), name);
  bsim__free(name);
  return hr;
}

HRESULT STDMETHODCALLTYPE bsim__cw_job_GetReplyFileName(
    IBackgroundCopyJob5 *This, LPWSTR *pReplyFileName) {
  if (pReplyFileName == NULL) return E_INVALIDARG;
  *pReplyFileName = NULL;
  char *name = NULL;
  HRESULT hr = bsim_job_get_reply_file_name(JOB(This), &name);
  if (FAILED(hr) || name == NULL) return hr;
  return bsim__cw_take(hr, name, pReplyFileName);
}

/* Credentials (reference §1.5, §12): BG_AUTH_* numbers are the engine's. */
HRESULT STDMETHODCALLTYPE bsim__cw_job_SetCredentials(
    IBackgroundCopyJob5 *This, BG_AUTH_CREDENTIALS *credentials) {
  if (credentials == NULL) return E_INVALIDARG;
  char *user = NULL;
  char *password = NULL;
  HRESULT hr = bsim__cw_to_utf8(credentials->Credentials.Basic.UserName, &user);
  if (SUCCEEDED(hr)) {
    hr = bsim__cw_to_utf8(credentials->Credentials.Basic.Password, &password);
  }
  if (SUCCEEDED(hr)) {
    hr = bsim_job_set_credentials(
        JOB(This), (enum bsim_auth_target)credentials->Target,
        (enum bsim_auth_scheme)credentials->Scheme, user, password);
  }
  if (password != NULL) memset(password, 0, strlen(password));
  bsim__free(user);
  bsim__free(password);
  return hr;
}

HRESULT STDMETHODCALLTYPE bsim__cw_job_RemoveCredentials(
    IBackgroundCopyJob5 *This, BG_AUTH_TARGET Target, BG_AUTH_SCHEME Scheme) {
  return bsim_job_remove_credentials(JOB(This), (enum bsim_auth_target)Target,
                                     (enum bsim_auth_scheme)Scheme);
}

NOTIMPL(ReplaceRemotePrefix, (IBackgroundCopyJob5 * This, LPCWSTR o, LPCWSTR n),
        (void)o, (void)n)

/* AddFileWithRanges (reference §1.6): BG_FILE_RANGE and bsim_file_range
 * share one layout (tests/unit/test_win32_layout.cpp), so the array is
 * passed as it is; every check is the engine's. */
HRESULT STDMETHODCALLTYPE bsim__cw_job_AddFileWithRanges(
    IBackgroundCopyJob5 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName,
    DWORD RangeCount, BG_FILE_RANGE Ranges[]) {
  char *r = NULL;
  char *l = NULL;
  HRESULT hr = bsim__cw_to_utf8(RemoteUrl, &r);
  if (SUCCEEDED(hr)) hr = bsim__cw_to_utf8(LocalName, &l);
  if (SUCCEEDED(hr)) {
    hr = bsim_job_add_file_with_ranges(
        JOB(This), r, l, RangeCount,
        (const struct bsim_file_range *)(const void *)Ranges);
  }
  bsim__free(r);
  bsim__free(l);
  return hr;
}
NOTIMPL(SetFileACLFlags, (IBackgroundCopyJob5 * This, DWORD f), (void)f)
NOTIMPL(GetFileACLFlags, (IBackgroundCopyJob5 * This, DWORD *f), (void)f)
NOTIMPL(SetPeerCachingFlags, (IBackgroundCopyJob5 * This, DWORD f), (void)f)
NOTIMPL(GetPeerCachingFlags, (IBackgroundCopyJob5 * This, DWORD *f), (void)f)
NOTIMPL(GetOwnerIntegrityLevel, (IBackgroundCopyJob5 * This, ULONG *l), (void)l)
NOTIMPL(SetProperty,
        (IBackgroundCopyJob5 * This, BITS_JOB_PROPERTY_ID id,
         BITS_JOB_PROPERTY_VALUE v),
        (void)id, (void)v)
NOTIMPL(GetProperty,
        (IBackgroundCopyJob5 * This, BITS_JOB_PROPERTY_ID id,
         BITS_JOB_PROPERTY_VALUE *v),
        (void)id, (void)v)

/* BITSIM_ADMIN=1 runs the program as an elevated administrator. */
HRESULT STDMETHODCALLTYPE bsim__cw_job_GetOwnerElevationState(
    IBackgroundCopyJob5 *This, BOOL *pElevated) {
  (void)This;
  if (pElevated == NULL) return E_INVALIDARG;
  pthread_mutex_lock(&bsim__cw.mu);
  *pElevated = bsim__cw.admin ? TRUE : FALSE;
  pthread_mutex_unlock(&bsim__cw.mu);
  return S_OK;
}

HRESULT STDMETHODCALLTYPE
bsim__cw_job_SetMaximumDownloadTime(IBackgroundCopyJob5 *This, ULONG Timeout) {
  return bsim_job_set_maximum_download_time(JOB(This), Timeout);
}

HRESULT STDMETHODCALLTYPE bsim__cw_job_GetMaximumDownloadTime(
    IBackgroundCopyJob5 *This, ULONG *pTimeout) {
  if (pTimeout == NULL) return E_INVALIDARG;
  uint32_t v = 0;
  HRESULT hr = bsim_job_get_maximum_download_time(JOB(This), &v);
  *pTimeout = v;
  return hr;
}

/* ---- IBackgroundCopyJobHttpOptions: the second vtable of the object ---- */

static struct bsim__cw_job *http_self(IBackgroundCopyJobHttpOptions *This) {
  return (struct bsim__cw_job *)(void *)((char *)This -
                                         offsetof(struct bsim__cw_job, http));
}

static HRESULT STDMETHODCALLTYPE http_QueryInterface(
    IBackgroundCopyJobHttpOptions *This, REFIID riid, void **out) {
  return bsim__cw_job_QueryInterface(&http_self(This)->iface, riid, out);
}
static ULONG STDMETHODCALLTYPE
http_AddRef(IBackgroundCopyJobHttpOptions *This) {
  return bsim__cw_job_AddRef(&http_self(This)->iface);
}
static ULONG STDMETHODCALLTYPE
http_Release(IBackgroundCopyJobHttpOptions *This) {
  return bsim__cw_job_Release(&http_self(This)->iface);
}

static HRESULT STDMETHODCALLTYPE http_SetClientCertificateByID(
    IBackgroundCopyJobHttpOptions *This, BG_CERT_STORE_LOCATION loc,
    LPCWSTR store, byte *hash) {
  (void)This, (void)loc, (void)store, (void)hash;
  return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE http_SetClientCertificateByName(
    IBackgroundCopyJobHttpOptions *This, BG_CERT_STORE_LOCATION loc,
    LPCWSTR store, LPCWSTR subject) {
  (void)This, (void)loc, (void)store, (void)subject;
  return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE
http_RemoveClientCertificate(IBackgroundCopyJobHttpOptions *This) {
  (void)This;
  return E_NOTIMPL;
}
static HRESULT STDMETHODCALLTYPE http_GetClientCertificate(
    IBackgroundCopyJobHttpOptions *This, BG_CERT_STORE_LOCATION *loc,
    LPWSTR *store, byte **hash, LPWSTR *subject) {
  (void)This, (void)loc, (void)store, (void)hash, (void)subject;
  return E_NOTIMPL;
}

/* Custom headers and security flags live in the engine's job (reference
 * §1.13), where the curl transport reads them: at most 16,384 characters
 * with the NUL, NULL removes them, S_FALSE + NULL when there are none. */
static HRESULT STDMETHODCALLTYPE
http_SetCustomHeaders(IBackgroundCopyJobHttpOptions *This, LPCWSTR headers) {
  char *text = NULL;
  HRESULT hr = bsim__cw_to_utf8(headers, &text);
  if (SUCCEEDED(hr))
    hr = bsim_job_set_custom_headers(http_self(This)->job, text);
  bsim__free(text);
  return hr;
}

static HRESULT STDMETHODCALLTYPE
http_GetCustomHeaders(IBackgroundCopyJobHttpOptions *This, LPWSTR *out) {
  if (out == NULL) return E_INVALIDARG;
  *out = NULL;
  char *text = NULL;
  HRESULT hr = bsim_job_get_custom_headers(http_self(This)->job, &text);
  if (hr != S_OK || text == NULL) return hr; /* S_FALSE: none set */
  return bsim__cw_take(hr, text, out);
}

static HRESULT STDMETHODCALLTYPE
http_SetSecurityFlags(IBackgroundCopyJobHttpOptions *This, ULONG flags) {
  return bsim_job_set_security_flags(http_self(This)->job, flags);
}

static HRESULT STDMETHODCALLTYPE
http_GetSecurityFlags(IBackgroundCopyJobHttpOptions *This, ULONG *flags) {
  if (flags == NULL) return E_INVALIDARG;
  uint32_t value = 0;
  HRESULT hr = bsim_job_get_security_flags(http_self(This)->job, &value);
  *flags = value;
  return hr;
}

static const CW_VTABLE(IBackgroundCopyJobHttpOptionsVtbl) http_vtbl = {
    0,
    &bsim__cw_ti_IBackgroundCopyJobHttpOptions,
    {
        http_QueryInterface,
        http_AddRef,
        http_Release,
        http_SetClientCertificateByID,
        http_SetClientCertificateByName,
        http_RemoveClientCertificate,
        http_GetClientCertificate,
        http_SetCustomHeaders,
        http_GetCustomHeaders,
        http_SetSecurityFlags,
        http_GetSecurityFlags,
    }};

const IBackgroundCopyJobHttpOptionsVtbl *const bsim__cw_http_vtbl =
    &http_vtbl.v;
