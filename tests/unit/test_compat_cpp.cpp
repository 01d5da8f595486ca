// The Windows binding from C++, through <bits.h> and <bitsim/win32ext.h>
// only: a callback class whose IBackgroundCopyCallback3 base is NOT at
// offset 0 (a second, unrelated interface comes first), so the binding
// must call through what QueryInterface returned, never through a cast of
// the IUnknown*; FileTransferred (Callback2) validating the temporary file
// with IBackgroundCopyFile3; GetNotifyInterface handing back the same
// object; replacing the registration releasing the old object; and every
// reference back where it started, with C++ calls into the binding's C
// objects checked by -fsanitize=vptr in the sanitizer build.
#include <windows.h>
#include <bits.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <wchar.h>

extern "C" {
#include <cmocka.h>
}

#include "bitsim/win32ext.h"
extern "C" {
#include "bsim_test.h"
}

// A second COM interface, unrelated to BITS, defined by the program.
struct ICounter : public IUnknown {
  virtual LONG STDMETHODCALLTYPE Count() = 0;
};
// {6D1D7A5C-1B2C-4E59-9B4A-3F0E5C7A9B11}
static const IID IID_ICounter = {
    0x6d1d7a5c,
    0x1b2c,
    0x4e59,
    {0x9b, 0x4a, 0x3f, 0x0e, 0x5c, 0x7a, 0x9b, 0x11}};

class Notify final : public ICounter, public IBackgroundCopyCallback3 {
public:
  Notify() : m_refs(1), m_transferred(0), m_files(0), m_validated(0) {
    m_done = CreateEventW(NULL, TRUE, FALSE, NULL);
  }
  ~Notify() {
    CloseHandle(m_done);
  }

  STDMETHODIMP QueryInterface(REFIID riid, LPVOID *ppv) {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_ICounter)) {
      *ppv = static_cast<ICounter *>(this);
    } else if (IsEqualIID(riid, IID_IBackgroundCopyCallback) ||
               IsEqualIID(riid, IID_IBackgroundCopyCallback2) ||
               IsEqualIID(riid, IID_IBackgroundCopyCallback3)) {
      *ppv = static_cast<IBackgroundCopyCallback3 *>(this);
    } else {
      *ppv = NULL;
      return E_NOINTERFACE;
    }
    AddRef();
    return S_OK;
  }
  STDMETHODIMP_(ULONG) AddRef() {
    return static_cast<ULONG>(InterlockedIncrement(&m_refs));
  }
  STDMETHODIMP_(ULONG) Release() {
    return static_cast<ULONG>(InterlockedDecrement(&m_refs));
  }
  LONG STDMETHODCALLTYPE Count() {
    return m_transferred;
  }

  STDMETHODIMP JobTransferred(IBackgroundCopyJob *pJob) {
    InterlockedIncrement(&m_transferred);
    HRESULT hr = pJob->Complete();
    SetEvent(m_done);
    return hr;
  }
  STDMETHODIMP JobError(IBackgroundCopyJob *pJob, IBackgroundCopyError *) {
    pJob->Cancel();
    SetEvent(m_done);
    return S_OK;
  }
  STDMETHODIMP JobModification(IBackgroundCopyJob *, DWORD) {
    return S_OK;
  }
  STDMETHODIMP FileTransferred(IBackgroundCopyJob *, IBackgroundCopyFile *f) {
    InterlockedIncrement(&m_files);
    IBackgroundCopyFile3 *f3 = NULL;
    HRESULT hr = f->QueryInterface(IID_IBackgroundCopyFile3,
                                   reinterpret_cast<void **>(&f3));
    if (FAILED(hr)) return hr;
    LPWSTR temp = NULL;
    hr = f3->GetTemporaryName(&temp);
    if (SUCCEEDED(hr)) {
      hr = f3->SetValidationState(TRUE);
      BOOL state = FALSE;
      if (SUCCEEDED(hr)) hr = f3->GetValidationState(&state);
      if (SUCCEEDED(hr) && state) InterlockedIncrement(&m_validated);
      CoTaskMemFree(temp);
    }
    f3->Release();
    return hr;
  }
  STDMETHODIMP FileRangesTransferred(IBackgroundCopyJob *,
                                     IBackgroundCopyFile *, DWORD,
                                     const BG_FILE_RANGE[]) {
    return S_OK;
  }

  LONG m_refs, m_transferred, m_files, m_validated;
  HANDLE m_done;
};

// A plain callback with no Callback2: FileTransferred is never asked for.
class Plain final : public IBackgroundCopyCallback {
public:
  Plain() : m_refs(1) {}
  STDMETHODIMP QueryInterface(REFIID riid, LPVOID *ppv) {
    if (IsEqualIID(riid, IID_IUnknown) ||
        IsEqualIID(riid, IID_IBackgroundCopyCallback)) {
      *ppv = static_cast<IBackgroundCopyCallback *>(this);
      AddRef();
      return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
  }
  STDMETHODIMP_(ULONG) AddRef() {
    return static_cast<ULONG>(InterlockedIncrement(&m_refs));
  }
  STDMETHODIMP_(ULONG) Release() {
    return static_cast<ULONG>(InterlockedDecrement(&m_refs));
  }
  STDMETHODIMP JobTransferred(IBackgroundCopyJob *) {
    return S_OK;
  }
  STDMETHODIMP JobError(IBackgroundCopyJob *, IBackgroundCopyError *) {
    return S_OK;
  }
  STDMETHODIMP JobModification(IBackgroundCopyJob *, DWORD) {
    return S_OK;
  }
  LONG m_refs;
};

static void test_offset_callback_base(void **) {
  setenv("BITSIM_MODEL_FILES", "http://example.test/cpp/a.bin=5000", 1);
  unsetenv("BITSIM_DELIVERY");
  unsetenv("BITSIM_CLOCK");
  assert_int_equal(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
  IBackgroundCopyManager *mgr = NULL;
  assert_int_equal(CoCreateInstance(CLSID_BackgroundCopyManager, NULL,
                                    CLSCTX_LOCAL_SERVER,
                                    IID_IBackgroundCopyManager,
                                    reinterpret_cast<void **>(&mgr)),
                   S_OK);
  wchar_t local[512];
  swprintf(local, 512, L"%s/a.bin", bsim_test_tmpdir("compat_cpp"));
  GUID id;
  IBackgroundCopyJob *job = NULL;
  assert_int_equal(mgr->CreateJob(L"cpp", BG_JOB_TYPE_DOWNLOAD, &id, &job),
                   S_OK);
  assert_int_equal(job->AddFile(L"http://example.test/cpp/a.bin", local), S_OK);

  Notify *n = new Notify();
  // The callback base is at a non-zero offset in the object.
  assert_true(reinterpret_cast<char *>(static_cast<IBackgroundCopyCallback3 *>(
                  n)) != reinterpret_cast<char *>(n));
  Plain *p = new Plain();
  assert_int_equal(job->SetNotifyInterface(p), S_OK);
  assert_true(p->m_refs > 1);
  // Replacing the registration gives the old object's references back.
  assert_int_equal(job->SetNotifyInterface(static_cast<ICounter *>(n)), S_OK);
  assert_int_equal(bitsim_win32_run_until_idle(), BSIM_S_OK);
  assert_int_equal(p->m_refs, 1);
  IUnknown *got = NULL;
  assert_int_equal(job->GetNotifyInterface(&got), S_OK);
  assert_ptr_equal(got, static_cast<ICounter *>(n));
  got->Release();

  assert_int_equal(job->SetNotifyFlags(BG_NOTIFY_JOB_TRANSFERRED |
                                       BG_NOTIFY_JOB_ERROR |
                                       BG_NOTIFY_FILE_TRANSFERRED),
                   S_OK);
  assert_int_equal(job->Resume(), S_OK);
  assert_int_equal(WaitForSingleObject(n->m_done, INFINITE), WAIT_OBJECT_0);
  assert_int_equal(n->m_transferred, 1);
  assert_int_equal(n->m_files, 1);
  assert_int_equal(n->m_validated, 1);
  BG_JOB_STATE state;
  assert_int_equal(job->GetState(&state), S_OK);
  assert_int_equal(state, BG_JOB_STATE_ACKNOWLEDGED);

  // Job5 and back to IUnknown through C++ calls on the binding's objects.
  IBackgroundCopyJob5 *j5 = NULL;
  assert_int_equal(job->QueryInterface(IID_IBackgroundCopyJob5,
                                       reinterpret_cast<void **>(&j5)),
                   S_OK);
  ULONG timeout = 0;
  assert_int_equal(j5->GetMaximumDownloadTime(&timeout), S_OK);
  assert_int_equal(j5->Release(), 1);
  assert_int_equal(job->Release(), 0);
  assert_int_equal(mgr->Release(), 0);
  CoUninitialize();
  assert_int_equal(bitsim_win32_live_objects(), 0);
  assert_int_equal(n->m_refs, 1);
  assert_int_equal(p->m_refs, 1);
  delete n;
  delete p;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_offset_callback_base),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
