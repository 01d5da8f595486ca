/* The layout argument of docs/compat.md, tested: a C++ class that derives a
 * BITS callback interface has, under the Itanium C++ ABI that GCC and Clang
 * use on Linux, exactly the layout of the C lpVtbl struct, so C code (the
 * COBJMACROS macros, later the runtime) can call it.
 *
 * - C++ callbacks deriving IBackgroundCopyCallback and
 *   IBackgroundCopyCallback3 are called from C (tests/win32/cview.c)
 *   through the lpVtbl view; each member function records its call, and the
 *   test checks that every call reached the right member, in order, with the
 *   right `this` and arguments (reference §1.12).
 * - A class implementing the callback beside a second, unrelated interface
 *   by multiple inheritance hands out the adjusted `this` from
 *   QueryInterface, and C calls through the second interface reach the
 *   object through the compiler's this-adjusting thunk.
 * - A virtual destructor in the implementing class is harmless (its slots
 *   come after the interface's); one in an interface shifts every later
 *   method by two slots.
 * - Every slot of every interface (tests/win32/slots.h): the member-pointer
 *   encoding gives the vtable offset of each C++ pure virtual, which must be
 *   the slot the C struct has for it.
 * Run under -fsanitize=address,undefined,vptr by the sanitizer build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
extern "C" {
#include <cmocka.h>
}
#include <cstring>
#include <vector>

#include <windows.h>
#include <bits.h>

#include "cview.h"
#include "slots.h"

namespace {

/* Which member ran, with what. */
struct call_log {
  std::vector<int> calls;
  IBackgroundCopyJob *job = nullptr;
  IBackgroundCopyError *error = nullptr;
  IBackgroundCopyFile *file = nullptr;
  DWORD reserved = 0;
  DWORD range_count = 0;
  BG_FILE_RANGE ranges[2] = {};
  LONG sink_value = 0;
  const void *self = nullptr;
};

enum {
  CALL_QI = 1,
  CALL_ADDREF,
  CALL_RELEASE,
  CALL_JOB_TRANSFERRED,
  CALL_JOB_ERROR,
  CALL_JOB_MODIFICATION,
  CALL_FILE_TRANSFERRED,
  CALL_FILE_RANGES,
  CALL_RECORD
};

/* Fake BITS objects: the callbacks only compare the pointers. */
IBackgroundCopyJob *fake_job() {
  static char storage;
  return reinterpret_cast<IBackgroundCopyJob *>(&storage);
}
IBackgroundCopyError *fake_error() {
  static char storage;
  return reinterpret_cast<IBackgroundCopyError *>(&storage);
}
IBackgroundCopyFile *fake_file() {
  static char storage;
  return reinterpret_cast<IBackgroundCopyFile *>(&storage);
}

/* The Microsoft-sample shape: reference count, three callback methods. */
class Callback : public IBackgroundCopyCallback {
public:
  explicit Callback(call_log *log) : log_(log) {}
  STDMETHODIMP QueryInterface(REFIID riid, LPVOID *ppv) override {
    log_->calls.push_back(CALL_QI);
    log_->self = this;
    if (IsEqualIID(riid, IID_IUnknown) ||
        IsEqualIID(riid, IID_IBackgroundCopyCallback)) {
      *ppv = static_cast<IBackgroundCopyCallback *>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  STDMETHODIMP_(ULONG) AddRef() override {
    log_->calls.push_back(CALL_ADDREF);
    return static_cast<ULONG>(InterlockedIncrement(&refs_));
  }
  STDMETHODIMP_(ULONG) Release() override {
    log_->calls.push_back(CALL_RELEASE);
    return static_cast<ULONG>(InterlockedDecrement(&refs_));
  }
  STDMETHODIMP JobTransferred(IBackgroundCopyJob *pJob) override {
    log_->calls.push_back(CALL_JOB_TRANSFERRED);
    log_->job = pJob;
    return S_OK;
  }
  STDMETHODIMP JobError(IBackgroundCopyJob *pJob,
                        IBackgroundCopyError *pError) override {
    log_->calls.push_back(CALL_JOB_ERROR);
    log_->job = pJob;
    log_->error = pError;
    return S_OK;
  }
  STDMETHODIMP JobModification(IBackgroundCopyJob *pJob,
                               DWORD dwReserved) override {
    log_->calls.push_back(CALL_JOB_MODIFICATION);
    log_->job = pJob;
    log_->reserved = dwReserved;
    return S_OK;
  }
  LONG refs() const {
    return refs_;
  }

private:
  call_log *log_;
  LONG refs_ = 1;
};

void test_win32_layout_callback_called_from_c(void **state) {
  (void)state;
  call_log log;
  Callback cb(&log);
  assert_int_equal(bsim_cview_callback(&cb, fake_job(), fake_error()), S_OK);
  const std::vector<int> want = {
      CALL_QI,        CALL_ADDREF,           CALL_ADDREF,  CALL_JOB_TRANSFERRED,
      CALL_JOB_ERROR, CALL_JOB_MODIFICATION, CALL_RELEASE, CALL_RELEASE};
  assert_true(log.calls == want);
  assert_ptr_equal(log.self, &cb);
  assert_ptr_equal(log.job, fake_job());
  assert_ptr_equal(log.error, fake_error());
  assert_int_equal(log.reserved, BSIM_CVIEW_RESERVED);
  assert_int_equal(cb.refs(), 1);
}

/* IBackgroundCopyCallback3: five more slots on top (reference §1.12). */
class Callback3 : public IBackgroundCopyCallback3 {
public:
  explicit Callback3(call_log *log) : log_(log) {}
  STDMETHODIMP QueryInterface(REFIID riid, LPVOID *ppv) override {
    log_->calls.push_back(CALL_QI);
    log_->self = this;
    if (riid == IID_IUnknown || riid == IID_IBackgroundCopyCallback ||
        riid == IID_IBackgroundCopyCallback2 ||
        riid == IID_IBackgroundCopyCallback3) {
      *ppv = static_cast<IBackgroundCopyCallback3 *>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  STDMETHODIMP_(ULONG) AddRef() override {
    log_->calls.push_back(CALL_ADDREF);
    return static_cast<ULONG>(InterlockedIncrement(&refs_));
  }
  STDMETHODIMP_(ULONG) Release() override {
    log_->calls.push_back(CALL_RELEASE);
    return static_cast<ULONG>(InterlockedDecrement(&refs_));
  }
  STDMETHODIMP JobTransferred(IBackgroundCopyJob *pJob) override {
    log_->calls.push_back(CALL_JOB_TRANSFERRED);
    log_->job = pJob;
    return S_OK;
  }
  STDMETHODIMP JobError(IBackgroundCopyJob *pJob,
                        IBackgroundCopyError *pError) override {
    log_->calls.push_back(CALL_JOB_ERROR);
    log_->error = pError;
    (void)pJob;
    return S_OK;
  }
  STDMETHODIMP JobModification(IBackgroundCopyJob *pJob,
                               DWORD dwReserved) override {
    log_->calls.push_back(CALL_JOB_MODIFICATION);
    log_->reserved = dwReserved;
    (void)pJob;
    return S_OK;
  }
  STDMETHODIMP FileTransferred(IBackgroundCopyJob *pJob,
                               IBackgroundCopyFile *pFile) override {
    log_->calls.push_back(CALL_FILE_TRANSFERRED);
    log_->file = pFile;
    (void)pJob;
    return S_OK;
  }
  STDMETHODIMP FileRangesTransferred(IBackgroundCopyJob *job,
                                     IBackgroundCopyFile *file,
                                     DWORD rangeCount,
                                     const BG_FILE_RANGE ranges[]) override {
    log_->calls.push_back(CALL_FILE_RANGES);
    log_->job = job;
    log_->file = file;
    log_->range_count = rangeCount;
    for (DWORD i = 0; i < rangeCount && i < 2; i++)
      log_->ranges[i] = ranges[i];
    return S_OK;
  }

private:
  call_log *log_;
  LONG refs_ = 1;
};

void test_win32_layout_callback3_called_from_c(void **state) {
  (void)state;
  call_log log;
  Callback3 cb(&log);
  HRESULT hr = bsim_cview_callback3(&cb, fake_job(), fake_error(), fake_file());
  assert_int_equal(hr, S_OK);
  const std::vector<int> want = {CALL_QI,
                                 CALL_ADDREF,
                                 CALL_ADDREF,
                                 CALL_JOB_TRANSFERRED,
                                 CALL_JOB_ERROR,
                                 CALL_JOB_MODIFICATION,
                                 CALL_FILE_TRANSFERRED,
                                 CALL_FILE_RANGES,
                                 CALL_RELEASE,
                                 CALL_RELEASE};
  assert_true(log.calls == want);
  assert_ptr_equal(log.self, &cb);
  assert_ptr_equal(log.job, fake_job());
  assert_ptr_equal(log.error, fake_error());
  assert_ptr_equal(log.file, fake_file());
  assert_int_equal(log.reserved, BSIM_CVIEW_RESERVED);
  assert_int_equal(log.range_count, BSIM_CVIEW_RANGE_COUNT);
  assert_int_equal(log.ranges[0].InitialOffset, 0);
  assert_int_equal(log.ranges[0].Length, 100);
  assert_int_equal(log.ranges[1].InitialOffset, 4096);
  assert_true(log.ranges[1].Length == BG_LENGTH_TO_EOF);
}

/* The callback beside an unrelated interface. The second base lives at a
 * non-zero offset with its own vptr, so QueryInterface must return the
 * adjusted pointer (static_cast), exactly as on Windows. */
class Multi : public IBackgroundCopyCallback, public IBsimTestSink {
public:
  explicit Multi(call_log *log) : log_(log) {}
  STDMETHODIMP QueryInterface(REFIID riid, LPVOID *ppv) override {
    log_->calls.push_back(CALL_QI);
    if (riid == IID_IUnknown || riid == IID_IBackgroundCopyCallback) {
      *ppv = static_cast<IBackgroundCopyCallback *>(this);
    } else if (riid == IID_IBsimTestSink) {
      *ppv = static_cast<IBsimTestSink *>(this);
    } else {
      *ppv = nullptr;
      return E_NOINTERFACE;
    }
    AddRef();
    return S_OK;
  }
  STDMETHODIMP_(ULONG) AddRef() override {
    return static_cast<ULONG>(InterlockedIncrement(&refs_));
  }
  STDMETHODIMP_(ULONG) Release() override {
    return static_cast<ULONG>(InterlockedDecrement(&refs_));
  }
  STDMETHODIMP JobTransferred(IBackgroundCopyJob *) override {
    return S_OK;
  }
  STDMETHODIMP JobError(IBackgroundCopyJob *, IBackgroundCopyError *) override {
    return S_OK;
  }
  STDMETHODIMP JobModification(IBackgroundCopyJob *, DWORD) override {
    return S_OK;
  }
  STDMETHODIMP Record(LONG value) override {
    log_->calls.push_back(CALL_RECORD);
    log_->sink_value = value;
    log_->self = this; /* the whole object, after the thunk adjusted it */
    return S_OK;
  }
  LONG refs() const {
    return refs_;
  }

private:
  call_log *log_;
  LONG refs_ = 1;
};

void test_win32_layout_multiple_inheritance_qi(void **state) {
  (void)state;
  call_log log;
  Multi obj(&log);
  IUnknown *unk = static_cast<IBackgroundCopyCallback *>(&obj);
  void *sink = nullptr;
  assert_int_equal(bsim_cview_multi(unk, &sink), S_OK);
  /* The sink pointer C received is the second base, not the object. */
  assert_ptr_equal(sink, static_cast<IBsimTestSink *>(&obj));
  assert_ptr_not_equal(sink, static_cast<void *>(&obj));
  assert_int_equal(static_cast<char *>(sink) - reinterpret_cast<char *>(&obj),
                   sizeof(void *));
  /* Record reached Multi::Record with `this` adjusted back to the object. */
  assert_ptr_equal(log.self, &obj);
  assert_int_equal(log.sink_value, BSIM_CVIEW_SINK_VALUE);
  assert_int_equal(obj.refs(), 1);
}

/* A virtual destructor in the implementing class: its two slots follow the
 * interface's slots in the same vtable, so the C view is unaffected, and
 * delete through the class is safe. */
class CallbackWithDtor : public IBackgroundCopyCallback {
public:
  explicit CallbackWithDtor(call_log *log) : log_(log) {}
  virtual ~CallbackWithDtor() {
    log_->calls.push_back(-1);
  }
  STDMETHODIMP QueryInterface(REFIID riid, LPVOID *ppv) override {
    if (riid == IID_IUnknown || riid == IID_IBackgroundCopyCallback) {
      *ppv = this;
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  STDMETHODIMP_(ULONG) AddRef() override {
    return static_cast<ULONG>(InterlockedIncrement(&refs_));
  }
  STDMETHODIMP_(ULONG) Release() override {
    LONG left = InterlockedDecrement(&refs_);
    if (left == 0) delete this;
    return static_cast<ULONG>(left);
  }
  STDMETHODIMP JobTransferred(IBackgroundCopyJob *pJob) override {
    log_->calls.push_back(CALL_JOB_TRANSFERRED);
    log_->job = pJob;
    return S_OK;
  }
  STDMETHODIMP JobError(IBackgroundCopyJob *, IBackgroundCopyError *) override {
    log_->calls.push_back(CALL_JOB_ERROR);
    return S_OK;
  }
  STDMETHODIMP JobModification(IBackgroundCopyJob *, DWORD) override {
    log_->calls.push_back(CALL_JOB_MODIFICATION);
    return S_OK;
  }

private:
  call_log *log_;
  LONG refs_ = 1;
};

void test_win32_layout_virtual_dtor_in_class_is_harmless(void **state) {
  (void)state;
  call_log log;
  CallbackWithDtor *cb = new CallbackWithDtor(&log);
  assert_int_equal(bsim_cview_callback(cb, fake_job(), fake_error()), S_OK);
  const std::vector<int> want = {CALL_JOB_TRANSFERRED, CALL_JOB_ERROR,
                                 CALL_JOB_MODIFICATION};
  assert_true(log.calls == want);
  cb->Release(); /* the last reference: runs the destructor */
  assert_int_equal(log.calls.back(), -1);
}

/* Decode an Itanium-ABI pointer to a virtual member function into its byte
 * offset in the vtable. Generic ABI (x86-64): ptr = 1 + offset, adj = 0.
 * ARM variant (AArch64, ARM): ptr = offset, adj = 2 * this-adjustment + 1. */
struct pmf_repr {
  ptrdiff_t ptr;
  ptrdiff_t adj;
};

template <typename PMF> ptrdiff_t vtable_offset(PMF pmf) {
  static_assert(sizeof(PMF) == sizeof(pmf_repr), "Itanium member pointer");
  pmf_repr r;
  std::memcpy(&r, &pmf, sizeof r);
#if defined(__arm__) || defined(__aarch64__)
  return (r.adj & 1) ? r.ptr : -1;
#else
  return (r.ptr & 1) ? r.ptr - 1 : -1;
#endif
}

/* An interface that breaks the rule: a virtual destructor declared first
 * takes two slots (complete and deleting destructor) before Ping. */
struct IBadSink : public IUnknown {
  virtual ~IBadSink() {}
  virtual HRESULT STDMETHODCALLTYPE Ping(void) = 0;
};

void test_win32_layout_virtual_dtor_in_interface_shifts_slots(void **state) {
  (void)state;
  const ptrdiff_t word = static_cast<ptrdiff_t>(sizeof(void *));
  assert_int_equal(vtable_offset(&IBsimTestSink::Record), 3 * word);
  assert_int_equal(vtable_offset(&IBadSink::Ping), 5 * word);
}

/* Every slot of every interface: C++ declaration order == C struct order ==
 * the table transcribed from the reference. */
void test_win32_layout_every_cxx_slot_matches(void **state) {
  (void)state;
  const ptrdiff_t word = static_cast<ptrdiff_t>(sizeof(void *));
  int checked = 0;
#define CHECK_SLOT(iface, method, slot, in_mingw)                              \
  do {                                                                         \
    ptrdiff_t off = vtable_offset(&iface::method);                             \
    if (off != (slot)*word) {                                                  \
      print_error("%s::%s: C++ vtable offset %ld, C slot %d\n", #iface,        \
                  #method, static_cast<long>(off), (slot));                    \
      fail();                                                                  \
    }                                                                          \
    checked++;                                                                 \
  } while (0);
  BSIM_WIN32_SLOTS(CHECK_SLOT)
#undef CHECK_SLOT
  assert_true(checked > 300);
}

} // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_win32_layout_callback_called_from_c),
      cmocka_unit_test(test_win32_layout_callback3_called_from_c),
      cmocka_unit_test(test_win32_layout_multiple_inheritance_qi),
      cmocka_unit_test(test_win32_layout_virtual_dtor_in_class_is_harmless),
      cmocka_unit_test(
          test_win32_layout_virtual_dtor_in_interface_shifts_slots),
      cmocka_unit_test(test_win32_layout_every_cxx_slot_matches),
  };
  return cmocka_run_group_tests_name("win32_layout", tests, NULL, NULL);
}
