/* Download one file with BITS and learn the outcome from a callback, in C.
 *
 * The canonical C callback: an object whose first member is the
 * IBackgroundCopyCallback interface (a pointer to its vtable), called by
 * BITS through the COBJMACROS macros' lpVtbl. JobTransferred completes the
 * job (that renames the downloaded file into place) and returns S_OK;
 * JobError reads the IBackgroundCopyError, reports it and cancels the job.
 * Either one signals main, which waits on an event (reference §1.12, §6).
 *
 * This file is written exactly as for Windows: it compiles against the
 * Windows SDK or mingw-w64, and against bitsim's headers with
 *     cc -std=c11 -I<bitsim>/include/bitsim/win32 -c callback.c
 *
 * usage: callback <url> <destination-directory>
 */
#define COBJMACROS
#include <windows.h>
#include <bits.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

typedef struct Notify {
  IBackgroundCopyCallback iface; /* first, so &iface is the object */
  LONG refs;
  HANDLE done;     /* set when the job reached a final outcome */
  HRESULT outcome; /* S_OK, or the error that stopped the job */
} Notify;

static Notify *notify_from(IBackgroundCopyCallback *This) {
  return (Notify *)This;
}

static HRESULT STDMETHODCALLTYPE Notify_QueryInterface(
    IBackgroundCopyCallback *This, REFIID riid, void **ppvObject) {
  if (IsEqualIID(riid, &IID_IUnknown) ||
      IsEqualIID(riid, &IID_IBackgroundCopyCallback)) {
    *ppvObject = This;
    IBackgroundCopyCallback_AddRef(This);
    return S_OK;
  }
  *ppvObject = NULL;
  return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE Notify_AddRef(IBackgroundCopyCallback *This) {
  return (ULONG)InterlockedIncrement(&notify_from(This)->refs);
}

static ULONG STDMETHODCALLTYPE Notify_Release(IBackgroundCopyCallback *This) {
  Notify *self = notify_from(This);
  LONG left = InterlockedDecrement(&self->refs);
  if (left == 0) free(self);
  return (ULONG)left;
}

/* Every file arrived: make them available. If we did not return S_OK, BITS
 * would call again later. */
static HRESULT STDMETHODCALLTYPE
Notify_JobTransferred(IBackgroundCopyCallback *This, IBackgroundCopyJob *pJob) {
  Notify *self = notify_from(This);
  HRESULT hr = IBackgroundCopyJob_Complete(pJob);
  if (FAILED(hr)) {
    /* A rename failed; the job stays TRANSFERRED (reference §8). */
    wprintf(L"Complete failed: 0x%08X\n", (unsigned)hr);
  }
  self->outcome = hr;
  SetEvent(self->done);
  return S_OK;
}

/* The job stopped in ERROR: say why, then give up on it. */
static HRESULT STDMETHODCALLTYPE Notify_JobError(IBackgroundCopyCallback *This,
                                                 IBackgroundCopyJob *pJob,
                                                 IBackgroundCopyError *pError) {
  Notify *self = notify_from(This);
  BG_ERROR_CONTEXT context = BG_ERROR_CONTEXT_NONE;
  HRESULT code = S_OK;
  LPWSTR description = NULL;

  if (SUCCEEDED(IBackgroundCopyError_GetError(pError, &context, &code))) {
    if (SUCCEEDED(IBackgroundCopyError_GetErrorDescription(
            pError, LANG_USER_DEFAULT, &description))) {
      wprintf(L"Job failed (context %d, 0x%08X): %ls\n", (int)context,
              (unsigned)code, description);
      CoTaskMemFree(description);
    } else {
      wprintf(L"Job failed (context %d, 0x%08X)\n", (int)context,
              (unsigned)code);
    }
  }
  IBackgroundCopyJob_Cancel(pJob);
  self->outcome = FAILED(code) ? code : E_FAIL;
  SetEvent(self->done);
  return S_OK;
}

/* Not subscribed (see SetNotifyFlags below), but part of the interface. */
static HRESULT STDMETHODCALLTYPE Notify_JobModification(
    IBackgroundCopyCallback *This, IBackgroundCopyJob *pJob, DWORD dwReserved) {
  (void)This;
  (void)pJob;
  (void)dwReserved;
  return S_OK;
}

static IBackgroundCopyCallbackVtbl notify_vtbl = {
    Notify_QueryInterface, Notify_AddRef,   Notify_Release,
    Notify_JobTransferred, Notify_JobError, Notify_JobModification,
};

static Notify *Notify_New(HANDLE done) {
  Notify *self = (Notify *)calloc(1, sizeof *self);
  if (self == NULL) return NULL;
  self->iface.lpVtbl = &notify_vtbl;
  self->refs = 1;
  self->done = done;
  self->outcome = S_OK;
  return self;
}

/* argv strings are multibyte; BITS takes wide strings. */
static int to_wide(const char *in, WCHAR *out, size_t cap) {
  size_t n = mbstowcs(out, in, cap);
  return n != (size_t)-1 && n < cap;
}

/* The local name: the destination directory plus the URL's last segment. */
static int local_name(const WCHAR *url, const WCHAR *dir, WCHAR *out,
                      size_t cap) {
  const WCHAR *slash = wcsrchr(url, L'/');
  const WCHAR *name =
      (slash != NULL && slash[1] != L'\0') ? slash + 1 : L"download.bin";
  int n = swprintf(out, cap, L"%ls/%ls", dir, name);
  return n > 0 && (size_t)n < cap;
}

static HRESULT run(const WCHAR *url, const WCHAR *local, HANDLE done) {
  IBackgroundCopyManager *manager = NULL;
  IBackgroundCopyJob *job = NULL;
  Notify *notify = NULL;
  GUID job_id;
  HRESULT hr =
      CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER,
                       &IID_IBackgroundCopyManager, (void **)&manager);
  if (FAILED(hr)) return hr;
  hr = IBackgroundCopyManager_CreateJob(manager, L"bitsim C example",
                                        BG_JOB_TYPE_DOWNLOAD, &job_id, &job);
  if (SUCCEEDED(hr)) hr = IBackgroundCopyJob_AddFile(job, url, local);
  if (SUCCEEDED(hr)) {
    notify = Notify_New(done);
    hr = notify != NULL ? S_OK : E_OUTOFMEMORY;
  }
  if (SUCCEEDED(hr)) {
    hr = IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)&notify->iface);
  }
  if (SUCCEEDED(hr)) {
    hr = IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED |
                                                    BG_NOTIFY_JOB_ERROR);
  }
  if (SUCCEEDED(hr)) hr = IBackgroundCopyJob_Resume(job);
  if (SUCCEEDED(hr) && WaitForSingleObject(done, INFINITE) != WAIT_OBJECT_0) {
    hr = E_FAIL;
  }
  if (SUCCEEDED(hr)) hr = notify->outcome;
  if (job != NULL) {
    /* Give up on a job that did not finish; once final this just fails. */
    if (FAILED(hr)) IBackgroundCopyJob_Cancel(job);
    IBackgroundCopyJob_Release(job);
  }
  if (notify != NULL) IBackgroundCopyCallback_Release(&notify->iface);
  IBackgroundCopyManager_Release(manager);
  return hr;
}

int main(int argc, char **argv) {
  WCHAR url[2201];
  WCHAR dir[MAX_PATH];
  WCHAR local[MAX_PATH];
  if (argc != 3 || !to_wide(argv[1], url, 2201) ||
      !to_wide(argv[2], dir, MAX_PATH) ||
      !local_name(url, dir, local, MAX_PATH)) {
    fprintf(stderr, "usage: %s <url> <destination-directory>\n", argv[0]);
    return 2;
  }
  HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
  if (FAILED(hr)) {
    fprintf(stderr, "CoInitializeEx failed: 0x%08X\n", (unsigned)hr);
    return 1;
  }
  HANDLE done = CreateEventW(NULL, TRUE, FALSE, NULL);
  hr = done != NULL ? run(url, local, done) : E_OUTOFMEMORY;
  if (done != NULL) CloseHandle(done);
  CoUninitialize();
  if (FAILED(hr)) {
    fprintf(stderr, "download failed: 0x%08X\n", (unsigned)hr);
    return 1;
  }
  wprintf(L"downloaded %ls\n", local);
  return 0;
}
