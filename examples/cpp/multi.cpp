// One object, two COM interfaces: a BITS callback that is also the
// application's own download log, by multiple inheritance.
//
// CDownloadMonitor derives IBackgroundCopyCallback and IDownloadLog, an
// interface this program defines. With two bases the object holds two
// vtable pointers: the IDownloadLog part sits at a non-zero offset, so
// QueryInterface must hand out static_cast<IDownloadLog *>(this), not
// `this`; calls through that pointer reach CDownloadMonitor via thunks the
// compiler generates, which move `this` back. That is the rule on Windows
// and it is the rule here (docs/compat.md). Both interfaces answer
// IID_IUnknown with the same pointer, as COM identity requires.
//
// Written exactly as for Windows: it compiles against the Windows SDK or
// mingw-w64, and against bitsim's headers with
//     c++ -std=c++11 -I<bitsim>/include/bitsim/win32 -c multi.cpp
//
// usage: multi <url> <destination-directory>
#include <windows.h>
#include <bits.h>

#include <cstdio>
#include <cstdlib>
#include <cwchar>

// The application's own interface, declared the way MIDL would declare it.
// <initguid.h> makes the DEFINE_GUID below a definition in this file; it
// comes after <bits.h>, so the BITS IIDs stay declarations (they come from
// the BITS library).
#include <initguid.h>
// {5d0e2b6a-3f41-4c8e-9a27-b1c4d8e0f512}
DEFINE_GUID(IID_IDownloadLog, 0x5d0e2b6a, 0x3f41, 0x4c8e, 0x9a, 0x27, 0xb1,
            0xc4, 0xd8, 0xe0, 0xf5, 0x12);

// clang-format off
MIDL_INTERFACE("5d0e2b6a-3f41-4c8e-9a27-b1c4d8e0f512")
IDownloadLog : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE Note(LPCWSTR pszLine) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetCount(ULONG *pcLines) = 0;
};
// clang-format on

class CDownloadMonitor : public IBackgroundCopyCallback, public IDownloadLog {
  LONG m_cRef;
  LONG m_cLines;
  HANDLE m_hDone;
  HRESULT m_hrOutcome;

public:
  explicit CDownloadMonitor(HANDLE hDone)
      : m_cRef(1), m_cLines(0), m_hDone(hDone), m_hrOutcome(S_OK) {}
  virtual ~CDownloadMonitor() {}

  HRESULT Outcome() const {
    return m_hrOutcome;
  }

  // IUnknown, shared by both interfaces. IUnknown itself is answered with
  // the first base, always the same pointer.
  STDMETHODIMP QueryInterface(REFIID riid, LPVOID *ppv) {
    if (IsEqualIID(riid, IID_IUnknown) ||
        IsEqualIID(riid, IID_IBackgroundCopyCallback)) {
      *ppv = static_cast<IBackgroundCopyCallback *>(this);
    } else if (IsEqualIID(riid, IID_IDownloadLog)) {
      *ppv = static_cast<IDownloadLog *>(this);
    } else {
      *ppv = NULL;
      return E_NOINTERFACE;
    }
    AddRef();
    return S_OK;
  }
  STDMETHODIMP_(ULONG) AddRef() {
    return static_cast<ULONG>(InterlockedIncrement(&m_cRef));
  }
  STDMETHODIMP_(ULONG) Release() {
    LONG cRef = InterlockedDecrement(&m_cRef);
    if (cRef == 0) delete this;
    return static_cast<ULONG>(cRef);
  }

  // IBackgroundCopyCallback: report through our own log interface, reached
  // by QueryInterface as any other client would.
  STDMETHODIMP JobTransferred(IBackgroundCopyJob *pJob) {
    m_hrOutcome = pJob->Complete();
    Log(SUCCEEDED(m_hrOutcome) ? L"job transferred and completed"
                               : L"job transferred, Complete failed");
    SetEvent(m_hDone);
    return S_OK;
  }
  STDMETHODIMP JobError(IBackgroundCopyJob *pJob,
                        IBackgroundCopyError *pError) {
    BG_ERROR_CONTEXT context = BG_ERROR_CONTEXT_NONE;
    HRESULT code = E_FAIL;
    pError->GetError(&context, &code);
    Log(L"job failed; cancelling");
    pJob->Cancel();
    m_hrOutcome = FAILED(code) ? code : E_FAIL;
    SetEvent(m_hDone);
    return S_OK;
  }
  STDMETHODIMP JobModification(IBackgroundCopyJob *, DWORD) {
    return S_OK;
  }

  // IDownloadLog
  STDMETHODIMP Note(LPCWSTR pszLine) {
    InterlockedIncrement(&m_cLines);
    wprintf(L"[log] %ls\n", pszLine);
    return S_OK;
  }
  STDMETHODIMP GetCount(ULONG *pcLines) {
    *pcLines = static_cast<ULONG>(m_cLines);
    return S_OK;
  }

private:
  void Log(LPCWSTR pszLine) {
    IDownloadLog *pLog = NULL;
    if (SUCCEEDED(QueryInterface(IID_IDownloadLog,
                                 reinterpret_cast<void **>(&pLog)))) {
      pLog->Note(pszLine);
      pLog->Release();
    }
  }
};

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
  IBackgroundCopyManager *pManager = NULL;
  IBackgroundCopyJob *pJob = NULL;
  GUID id;
  HRESULT hr = CoCreateInstance(CLSID_BackgroundCopyManager, NULL,
                                CLSCTX_LOCAL_SERVER, IID_IBackgroundCopyManager,
                                reinterpret_cast<void **>(&pManager));
  if (FAILED(hr)) return hr;
  CDownloadMonitor *pMonitor = new CDownloadMonitor(hDone);
  IDownloadLog *pLog = NULL;
  hr = pMonitor->QueryInterface(IID_IDownloadLog,
                                reinterpret_cast<void **>(&pLog));
  if (SUCCEEDED(hr)) hr = pLog->Note(L"starting");
  if (SUCCEEDED(hr)) {
    hr = pManager->CreateJob(L"bitsim two-interface example",
                             BG_JOB_TYPE_DOWNLOAD, &id, &pJob);
  }
  if (SUCCEEDED(hr)) hr = pJob->AddFile(url, local);
  // BITS is given the callback interface; it finds IDownloadLog only if it
  // asks, which it does not.
  if (SUCCEEDED(hr)) {
    hr = pJob->SetNotifyInterface(
        static_cast<IBackgroundCopyCallback *>(pMonitor));
  }
  if (SUCCEEDED(hr)) {
    hr = pJob->SetNotifyFlags(BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR);
  }
  if (SUCCEEDED(hr)) hr = pJob->Resume();
  if (SUCCEEDED(hr) && WaitForSingleObject(hDone, INFINITE) != WAIT_OBJECT_0) {
    hr = E_FAIL;
  }
  if (SUCCEEDED(hr)) hr = pMonitor->Outcome();
  ULONG cLines = 0;
  if (pLog && SUCCEEDED(pLog->GetCount(&cLines))) {
    wprintf(L"%lu log line(s)\n", static_cast<unsigned long>(cLines));
  }
  if (pJob) {
    if (FAILED(hr)) pJob->Cancel(); // fails harmlessly once final
    pJob->Release();
  }
  if (pLog) pLog->Release();
  pMonitor->Release();
  pManager->Release();
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
  if (FAILED(hr)) return 1;
  HANDLE hDone = CreateEvent(NULL, TRUE, FALSE, NULL);
  hr = hDone ? Download(url, local, hDone) : E_OUTOFMEMORY;
  if (hDone) CloseHandle(hDone);
  CoUninitialize();
  if (FAILED(hr)) {
    fprintf(stderr, "download failed: 0x%08X\n", static_cast<unsigned>(hr));
    return 1;
  }
  return 0;
}
