/* The Windows headers seen from C++ (the issue "C++ callback code compiles
 * unchanged too"): what a C++ BITS program relies on besides the vtable
 * layout (which test_win32_layout.cpp covers).
 *
 * - The interfaces are abstract structs deriving their base interface as in
 *   the SDK (reference §1), with no virtual destructor and no data.
 * - REFIID/REFGUID/REFCLSID are references; IsEqualIID and operator==/!=
 *   compare GUIDs passed by reference.
 * - DEFINE_GUID under <initguid.h> defines GUIDs that several translation
 *   units may define: this file and tests/win32/cview.c (C) both define
 *   IID_IBsimTestSink and every BITS IID, libbitsim_win32 defines the BITS
 *   IIDs too, and the program links with one object per GUID.
 * - The Win32 types have their Windows widths and kinds in C++ as well,
 *   HRESULT codes are negative, STDMETHOD & co. declare COM methods, and
 *   the Interlocked functions take `LONG volatile *` and are atomic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
extern "C" {
#include <cmocka.h>
}
#include <thread>
#include <type_traits>

#include <initguid.h>
#include <windows.h>
#include <bits.h>

#include "cview.h"
#include "testsink.h"

namespace {

void test_win32_cpp_types(void **state) {
  (void)state;
  static_assert(sizeof(LONG) == 4 && sizeof(ULONG) == 4, "32-bit LONG");
  static_assert(sizeof(DWORD) == 4 && sizeof(BOOL) == 4, "32-bit DWORD/BOOL");
  static_assert(sizeof(HRESULT) == 4 && std::is_signed<HRESULT>::value,
                "HRESULT is a signed 32-bit value");
  static_assert(std::is_same<WCHAR, wchar_t>::value, "WCHAR is wchar_t");
  static_assert(std::is_same<UINT64, unsigned long long>::value, "UINT64");
  static_assert(std::is_same<PUINT64, UINT64 *>::value, "PUINT64");
  static_assert(std::is_same<LPCWSTR, const wchar_t *>::value, "LPCWSTR");
  static_assert(sizeof(GUID) == 16, "GUID");
  LPCWSTR name = L"bitsim job";
  assert_int_equal(name[0], L'b');
  assert_true(FAILED(0x80200002L));
  assert_true(FAILED(BG_E_INVALID_STATE));
  assert_true(SUCCEEDED(BG_S_PARTIAL_COMPLETE));
  assert_true(BG_E_NOT_FOUND < 0);
  HRESULT hr = static_cast<HRESULT>(0x80200003u);
  assert_true(hr == BG_E_EMPTY);
}

void test_win32_cpp_refiid_is_a_reference(void **state) {
  (void)state;
  static_assert(std::is_reference<REFIID>::value, "REFIID");
  static_assert(std::is_reference<REFGUID>::value, "REFGUID");
  static_assert(std::is_reference<REFCLSID>::value, "REFCLSID");
  REFIID riid = IID_IBackgroundCopyCallback;
  assert_true(IsEqualIID(riid, IID_IBackgroundCopyCallback));
  assert_false(IsEqualIID(riid, IID_IBackgroundCopyCallback2));
  assert_true(
      IsEqualGUID(CLSID_BackgroundCopyManager, CLSID_BackgroundCopyManager));
  assert_true(riid == IID_IBackgroundCopyCallback);
  assert_true(riid != IID_IUnknown);
  assert_false(riid != IID_IBackgroundCopyCallback);
  GUID copy = IID_IBackgroundCopyJob;
  assert_true(copy == IID_IBackgroundCopyJob);
  copy.Data4[7] ^= 1;
  assert_true(copy != IID_IBackgroundCopyJob);
  assert_true(IID_NULL == GUID_NULL);
}

void test_win32_cpp_interfaces_are_sdk_shaped(void **state) {
  (void)state;
  static_assert(std::is_abstract<IUnknown>::value, "abstract");
  static_assert(std::is_abstract<IBackgroundCopyJob5>::value, "abstract");
  static_assert(!std::has_virtual_destructor<IUnknown>::value,
                "a virtual destructor would add two vtable slots");
  static_assert(!std::has_virtual_destructor<IBackgroundCopyCallback3>::value,
                "no virtual destructor");
  static_assert(sizeof(IBackgroundCopyJob5) == sizeof(void *), "only the vptr");
  static_assert(std::is_base_of<IUnknown, IBackgroundCopyManager>::value, "");
  static_assert(
      std::is_base_of<IBackgroundCopyJob4, IBackgroundCopyJob5>::value,
      "Job5 : Job4");
  static_assert(std::is_base_of<IBackgroundCopyJob, IBackgroundCopyJob3>::value,
                "Job3 : Job2 : Job");
  static_assert(
      std::is_base_of<IBackgroundCopyFile5, IBackgroundCopyFile6>::value, "");
  static_assert(std::is_base_of<IBackgroundCopyCallback2,
                                IBackgroundCopyCallback3>::value,
                "");
  static_assert(std::is_base_of<IBackgroundCopyJobHttpOptions2,
                                IBackgroundCopyJobHttpOptions3>::value,
                "");
  static_assert(std::is_base_of<IUnknown, IBitsPeerCacheAdministration>::value,
                "");
  static_assert(
      std::is_base_of<
          IUnknown, IBackgroundCopyServerCertificateValidationCallback>::value,
      "");
  assert_int_equal(sizeof(IBackgroundCopyJob5), sizeof(void *));
}

/* Two translation units (this one in C++, cview.c in C) defined the same
 * GUIDs under <initguid.h>; libbitsim_win32 defines the BITS ones as well.
 * One object each survives the link. */
void test_win32_cpp_initguid_in_two_units(void **state) {
  (void)state;
  assert_ptr_equal(bsim_cview_sink_iid(), &IID_IBsimTestSink);
  assert_ptr_equal(bsim_cview_job_iid(), &IID_IBackgroundCopyJob);
  assert_int_equal(IID_IBsimTestSink.Data1, 0x6b1f2a3c);
  assert_int_equal(IID_IBsimTestSink.Data4[7], 0xf7);
  assert_int_equal(IID_IBackgroundCopyJob.Data1, 0x37668d37);
}

/* STDMETHOD/STDMETHODIMP/PURE declare and define COM methods. */
struct ICounter : public IUnknown {
  STDMETHOD(Add)(LONG n) PURE;
  STDMETHOD_(LONG, Value)() PURE;
};

class Counter : public ICounter {
public:
  STDMETHODIMP QueryInterface(REFIID riid, LPVOID *ppv) override {
    *ppv = riid == IID_IUnknown ? this : nullptr;
    return *ppv ? S_OK : E_NOINTERFACE;
  }
  STDMETHODIMP_(ULONG) AddRef() override {
    return 2;
  }
  STDMETHODIMP_(ULONG) Release() override {
    return 1;
  }
  STDMETHODIMP Add(LONG n) override {
    InterlockedExchange(&value_, value_ + n);
    return NOERROR;
  }
  STDMETHODIMP_(LONG) Value() override {
    return value_;
  }

private:
  LONG value_ = 0;
};

void test_win32_cpp_stdmethod_macros(void **state) {
  (void)state;
  Counter c;
  ICounter *i = &c;
  assert_int_equal(i->Add(5), S_OK);
  assert_int_equal(i->Value(), 5);
  void *p = nullptr;
  assert_int_equal(i->QueryInterface(IID_IBackgroundCopyJob, &p),
                   E_NOINTERFACE);
  assert_null(p);
}

void test_win32_cpp_interlocked(void **state) {
  (void)state;
  static_assert(std::is_same<decltype(&InterlockedIncrement),
                             LONG (*)(LONG volatile *)>::value,
                "InterlockedIncrement(LONG volatile *)");
  static_assert(std::is_same<decltype(&InterlockedDecrement),
                             LONG (*)(LONG volatile *)>::value,
                "InterlockedDecrement(LONG volatile *)");
  static_assert(std::is_same<decltype(&InterlockedExchange),
                             LONG (*)(LONG volatile *, LONG)>::value,
                "InterlockedExchange");
  static_assert(std::is_same<decltype(&InterlockedCompareExchange),
                             LONG (*)(LONG volatile *, LONG, LONG)>::value,
                "InterlockedCompareExchange");
  LONG volatile n = 0;
  assert_int_equal(InterlockedIncrement(&n), 1);
  assert_int_equal(InterlockedDecrement(&n), 0);
  assert_int_equal(InterlockedDecrement(&n), -1);
  assert_int_equal(InterlockedExchange(&n, 7), -1);
  assert_int_equal(InterlockedCompareExchange(&n, 9, 8), 7); /* no swap */
  assert_int_equal(n, 7);
  assert_int_equal(InterlockedCompareExchange(&n, 9, 7), 7); /* swap */
  assert_int_equal(n, 9);

  /* Atomic: two threads, no lost updates. */
  LONG volatile shared = 0;
  static const int per_thread = 100000;
  auto bump = [&shared]() {
    for (int i = 0; i < per_thread; i++)
      InterlockedIncrement(&shared);
  };
  std::thread a(bump);
  std::thread b(bump);
  a.join();
  b.join();
  assert_int_equal(shared, 2 * per_thread);
}

} // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_win32_cpp_types),
      cmocka_unit_test(test_win32_cpp_refiid_is_a_reference),
      cmocka_unit_test(test_win32_cpp_interfaces_are_sdk_shaped),
      cmocka_unit_test(test_win32_cpp_initguid_in_two_units),
      cmocka_unit_test(test_win32_cpp_stdmethod_macros),
      cmocka_unit_test(test_win32_cpp_interlocked),
  };
  return cmocka_run_group_tests_name("win32_headers_cpp", tests, NULL, NULL);
}
