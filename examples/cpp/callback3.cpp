// Validate each downloaded file before BITS hands it over, in C++.
//
// The callback implements IBackgroundCopyCallback3 (BITS 10.1), so BITS
// also calls FileTransferred for every finished file and
// FileRangesTransferred as ranges land (reference §1.12, §6). FileTransferred
// follows the BITS 3.0 validation flow (reference §7): query the file for
// IBackgroundCopyFile3, read the temporary file it names, and accept or
// reject the content with SetValidationState. Here the check is simple: the
// file must be non-empty and must not be an HTML page (what a captive
// portal or a misconfigured server would send instead). A rejected file puts
// the job in ERROR with BG_E_VALIDATION_FAILED, and JobError cancels it.
//
// Written exactly as for Windows. It needs <bits10_1.h> (reached through
// <bits.h>) and IBackgroundCopyFile3, which mingw-w64's headers lack, so it
// compiles against the Windows SDK and bitsim's headers only:
//     c++ -std=c++11 -I<bitsim>/include/bitsim/win32 -c callback3.cpp
//
// usage: callback3 <url> <destination-directory>
#include <windows.h>
#include <bits.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>

class CValidatingCallback : public IBackgroundCopyCallback3 {
  LONG m_cRef;
  HANDLE m_hDone;
  HRESULT m_hrOutcome;
  LONG m_cFilesValidated;

public:
  explicit CValidatingCallback(HANDLE hDone)
      : m_cRef(1), m_hDone(hDone), m_hrOutcome(S_OK), m_cFilesValidated(0) {}
  virtual ~CValidatingCallback() {}

  HRESULT Outcome() const {
    return m_hrOutcome;
  }
  LONG FilesValidated() const {
    return m_cFilesValidated;
  }

  // IUnknown
  STDMETHODIMP QueryInterface(REFIID riid, LPVOID *ppv) {
    if (riid == IID_IUnknown || riid == IID_IBackgroundCopyCallback ||
        riid == IID_IBackgroundCopyCallback2 ||
        riid == IID_IBackgroundCopyCallback3) {
      *ppv = static_cast<IBackgroundCopyCallback3 *>(this);
      AddRef();
      return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
  }
  STDMETHODIMP_(ULONG) AddRef() {
    return static_cast<ULONG>(InterlockedIncrement(&m_cRef));
  }
  STDMETHODIMP_(ULONG) Release() {
    LONG cRef = InterlockedDecrement(&m_cRef);
    if (cRef == 0) delete this;
    return static_cast<ULONG>(cRef);
  }

  // IBackgroundCopyCallback
  STDMETHODIMP JobTransferred(IBackgroundCopyJob *pJob) {
    m_hrOutcome = pJob->Complete();
    SetEvent(m_hDone);
    return S_OK;
  }
  STDMETHODIMP JobError(IBackgroundCopyJob *pJob,
                        IBackgroundCopyError *pError) {
    BG_ERROR_CONTEXT context = BG_ERROR_CONTEXT_NONE;
    HRESULT code = E_FAIL;
    pError->GetError(&context, &code);
    if (code == BG_E_VALIDATION_FAILED) {
      wprintf(L"a file failed validation; cancelling the job\n");
    } else {
      wprintf(L"job error 0x%08X in context %d\n", static_cast<unsigned>(code),
              static_cast<int>(context));
    }
    pJob->Cancel();
    m_hrOutcome = FAILED(code) ? code : E_FAIL;
    SetEvent(m_hDone);
    return S_OK;
  }
  STDMETHODIMP JobModification(IBackgroundCopyJob *, DWORD) {
    return S_OK;
  }

  // IBackgroundCopyCallback2
  STDMETHODIMP FileTransferred(IBackgroundCopyJob *pJob,
                               IBackgroundCopyFile *pFile) {
    (void)pJob;
    IBackgroundCopyFile3 *pFile3 = NULL;
    HRESULT hr = pFile->QueryInterface(IID_IBackgroundCopyFile3,
                                       reinterpret_cast<void **>(&pFile3));
    if (FAILED(hr)) return hr; // negative: BITS calls again later
    LPWSTR pszTemp = NULL;
    hr = pFile3->GetTemporaryName(&pszTemp);
    if (SUCCEEDED(hr)) {
      BOOL valid = LooksValid(pszTemp) ? TRUE : FALSE;
      hr = pFile3->SetValidationState(valid);
      if (SUCCEEDED(hr) && valid) InterlockedIncrement(&m_cFilesValidated);
      CoTaskMemFree(pszTemp);
    }
    pFile3->Release();
    return hr;
  }

  // IBackgroundCopyCallback3
  STDMETHODIMP FileRangesTransferred(IBackgroundCopyJob *job,
                                     IBackgroundCopyFile *file,
                                     DWORD rangeCount,
                                     const BG_FILE_RANGE ranges[]) {
    (void)job;
    LPWSTR pszLocal = NULL;
    file->GetLocalName(&pszLocal);
    for (DWORD i = 0; i < rangeCount; i++) {
      // BG_LENGTH_TO_EOF marks a range that runs to the end of the file.
      if (ranges[i].Length == BG_LENGTH_TO_EOF) {
        wprintf(L"%ls: bytes %llu to the end arrived\n",
                pszLocal ? pszLocal : L"?", ranges[i].InitialOffset);
      } else {
        wprintf(L"%ls: %llu bytes at %llu arrived\n",
                pszLocal ? pszLocal : L"?", ranges[i].Length,
                ranges[i].InitialOffset);
      }
    }
    CoTaskMemFree(pszLocal);
    return S_OK;
  }

private:
  // Non-empty, and not an HTML page: the first bytes are not "<".
  static bool LooksValid(const WCHAR *path) {
    char narrow[4 * MAX_PATH];
    size_t n = wcstombs(narrow, path, sizeof narrow);
    if (n == static_cast<size_t>(-1) || n >= sizeof narrow) return false;
    // BITS documents that the temporary file must be opened for shared
    // write; the C library's fopen does not lock it.
    FILE *f = fopen(narrow, "rb");
    if (!f) return false;
    char head[16];
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    size_t skip = 0;
    while (skip < got && (head[skip] == ' ' || head[skip] == '\n' ||
                          head[skip] == '\r' || head[skip] == '\t')) {
      skip++;
    }
    return got > 0 && (skip == got || head[skip] != '<');
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
  CValidatingCallback *pCallback = new CValidatingCallback(hDone);
  hr = pManager->CreateJob(L"bitsim validation example", BG_JOB_TYPE_DOWNLOAD,
                           &id, &pJob);
  if (SUCCEEDED(hr)) hr = pJob->AddFile(url, local);
  if (SUCCEEDED(hr)) hr = pJob->SetNotifyInterface(pCallback);
  if (SUCCEEDED(hr)) {
    hr = pJob->SetNotifyFlags(BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR |
                              BG_NOTIFY_FILE_TRANSFERRED |
                              BG_NOTIFY_FILE_RANGES_TRANSFERRED);
  }
  if (SUCCEEDED(hr)) hr = pJob->Resume();
  if (SUCCEEDED(hr) && WaitForSingleObject(hDone, INFINITE) != WAIT_OBJECT_0) {
    hr = E_FAIL;
  }
  if (SUCCEEDED(hr)) hr = pCallback->Outcome();
  if (SUCCEEDED(hr)) {
    wprintf(L"%ld file(s) validated\n",
            static_cast<long>(pCallback->FilesValidated()));
  }
  if (pJob) {
    if (FAILED(hr)) pJob->Cancel(); // fails harmlessly once final
    pJob->Release();
  }
  pCallback->Release();
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
