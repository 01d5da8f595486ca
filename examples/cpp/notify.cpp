// Download one file with BITS and learn the outcome from a callback, in C++.
//
// A callback class in the shape of Microsoft's documented sample
// ("Registering a COM Callback"): a reference count kept with
// InterlockedIncrement/Decrement, JobTransferred calling Complete and
// returning S_OK, JobError reporting the error and cancelling the job
// (reference §1.12, §6). main waits on an event the callback signals.
//
// Written exactly as for Windows: it compiles against the Windows SDK or
// mingw-w64, and against bitsim's headers with
//     c++ -std=c++11 -I<bitsim>/include/bitsim/win32 -c notify.cpp
// IIDs are named directly (IID_IUnknown) rather than with __uuidof, which
// only MSVC and mingw provide.
//
// usage: notify <url> <destination-directory>
#include <windows.h>
#include <bits.h>

#include <cstdio>
#include <cstdlib>
#include <cwchar>

class CNotifyInterface : public IBackgroundCopyCallback {
  LONG m_lRefCount;
  HANDLE m_hDone;
  HRESULT m_hrOutcome;

public:
  explicit CNotifyInterface(HANDLE hDone)
      : m_lRefCount(1), m_hDone(hDone), m_hrOutcome(S_OK) {}
  // Virtual, because Release deletes through this class. Harmless for COM:
  // its vtable slots come after the interface's (docs/compat.md).
  virtual ~CNotifyInterface() {}

  HRESULT Outcome() const {
    return m_hrOutcome;
  }

  // IUnknown
  HRESULT __stdcall QueryInterface(REFIID riid, LPVOID *ppvObj);
  ULONG __stdcall AddRef();
  ULONG __stdcall Release();

  // IBackgroundCopyCallback
  HRESULT __stdcall JobTransferred(IBackgroundCopyJob *pJob);
  HRESULT __stdcall JobError(IBackgroundCopyJob *pJob,
                             IBackgroundCopyError *pError);
  HRESULT __stdcall JobModification(IBackgroundCopyJob *pJob, DWORD dwReserved);
};

HRESULT CNotifyInterface::QueryInterface(REFIID riid, LPVOID *ppvObj) {
  if (IsEqualIID(riid, IID_IUnknown) ||
      IsEqualIID(riid, IID_IBackgroundCopyCallback)) {
    *ppvObj = static_cast<IBackgroundCopyCallback *>(this);
  } else {
    *ppvObj = NULL;
    return E_NOINTERFACE;
  }
  AddRef();
  return NOERROR;
}

ULONG CNotifyInterface::AddRef() {
  return static_cast<ULONG>(InterlockedIncrement(&m_lRefCount));
}

ULONG CNotifyInterface::Release() {
  ULONG ulCount = static_cast<ULONG>(InterlockedDecrement(&m_lRefCount));
  if (0 == ulCount) {
    delete this;
  }
  return ulCount;
}

HRESULT CNotifyInterface::JobTransferred(IBackgroundCopyJob *pJob) {
  HRESULT hr = pJob->Complete();
  if (FAILED(hr)) {
    // BITS could not rename one or more temporary files; the job stays
    // TRANSFERRED and the files that made it are available (reference §8).
    wprintf(L"Complete failed: 0x%08X\n", static_cast<unsigned>(hr));
  }
  m_hrOutcome = hr;
  SetEvent(m_hDone);
  // Anything but S_OK makes BITS call this method again later.
  return S_OK;
}

HRESULT CNotifyInterface::JobError(IBackgroundCopyJob *pJob,
                                   IBackgroundCopyError *pError) {
  BG_ERROR_CONTEXT Context = BG_ERROR_CONTEXT_NONE;
  HRESULT ErrorCode = S_OK;
  WCHAR *pszJobName = NULL;
  WCHAR *pszErrorDescription = NULL;

  HRESULT hr = pError->GetError(&Context, &ErrorCode);
  if (SUCCEEDED(hr)) {
    pJob->GetDisplayName(&pszJobName);
    pError->GetErrorDescription(LANG_USER_DEFAULT, &pszErrorDescription);
    wprintf(L"Job '%ls' failed in context %d with 0x%08X: %ls\n",
            pszJobName ? pszJobName : L"?", static_cast<int>(Context),
            static_cast<unsigned>(ErrorCode),
            pszErrorDescription ? pszErrorDescription : L"(no description)");
    CoTaskMemFree(pszJobName);
    CoTaskMemFree(pszErrorDescription);
  }
  pJob->Cancel();
  m_hrOutcome = FAILED(ErrorCode) ? ErrorCode : E_FAIL;
  SetEvent(m_hDone);
  return S_OK;
}

HRESULT CNotifyInterface::JobModification(IBackgroundCopyJob *pJob,
                                          DWORD dwReserved) {
  // Not subscribed below; modification callbacks must return S_OK anyway.
  (void)pJob;
  (void)dwReserved;
  return S_OK;
}

static bool ToWide(const char *in, WCHAR *out, size_t cap) {
  size_t n = mbstowcs(out, in, cap);
  return n != static_cast<size_t>(-1) && n < cap;
}

static bool LocalName(const WCHAR *url, const WCHAR *dir, WCHAR *out,
                      size_t cap) {
  const WCHAR *slash = wcsrchr(url, L'/');
  const WCHAR *name = (slash && slash[1]) ? slash + 1 : L"download.bin";
  int n = swprintf(out, cap, L"%ls/%ls", dir, name);
  return n > 0 && static_cast<size_t>(n) < cap;
}

static HRESULT Download(const WCHAR *url, const WCHAR *local, HANDLE hDone) {
  IBackgroundCopyManager *pbcm = NULL;
  IBackgroundCopyJob *pJob = NULL;
  GUID JobId;
  HRESULT hr = CoCreateInstance(CLSID_BackgroundCopyManager, NULL,
                                CLSCTX_LOCAL_SERVER, IID_IBackgroundCopyManager,
                                reinterpret_cast<void **>(&pbcm));
  if (FAILED(hr)) return hr;
  CNotifyInterface *pNotify = new CNotifyInterface(hDone);
  hr = pbcm->CreateJob(L"bitsim C++ example", BG_JOB_TYPE_DOWNLOAD, &JobId,
                       &pJob);
  if (SUCCEEDED(hr)) hr = pJob->AddFile(url, local);
  if (SUCCEEDED(hr)) hr = pJob->SetNotifyInterface(pNotify);
  if (SUCCEEDED(hr)) {
    hr = pJob->SetNotifyFlags(BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR);
  }
  if (SUCCEEDED(hr)) hr = pJob->Resume();
  if (SUCCEEDED(hr) && WaitForSingleObject(hDone, INFINITE) != WAIT_OBJECT_0) {
    hr = E_FAIL;
  }
  if (SUCCEEDED(hr)) hr = pNotify->Outcome();
  if (pJob) {
    if (FAILED(hr)) pJob->Cancel(); // fails harmlessly once final
    pJob->Release();
  }
  pNotify->Release();
  pbcm->Release();
  return hr;
}

int main(int argc, char **argv) {
  WCHAR url[2201];
  WCHAR dir[MAX_PATH];
  WCHAR local[MAX_PATH];
  if (argc != 3 || !ToWide(argv[1], url, 2201) ||
      !ToWide(argv[2], dir, MAX_PATH) ||
      !LocalName(url, dir, local, MAX_PATH)) {
    fprintf(stderr, "usage: %s <url> <destination-directory>\n", argv[0]);
    return 2;
  }
  HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
  if (FAILED(hr)) {
    fprintf(stderr, "CoInitializeEx failed: 0x%08X\n",
            static_cast<unsigned>(hr));
    return 1;
  }
  HANDLE hDone = CreateEvent(NULL, TRUE, FALSE, NULL);
  hr = hDone ? Download(url, local, hDone) : E_OUTOFMEMORY;
  if (hDone) CloseHandle(hDone);
  CoUninitialize();
  if (FAILED(hr)) {
    fprintf(stderr, "download failed: 0x%08X\n", static_cast<unsigned>(hr));
    return 1;
  }
  wprintf(L"downloaded %ls\n", local);
  return 0;
}
