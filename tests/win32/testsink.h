/* A test-only COM interface, IBsimTestSink, declared the way the SDK
 * declares interfaces (C++ abstract struct, or C lpVtbl struct plus
 * COBJMACROS macros). The layout tests implement it beside
 * IBackgroundCopyCallback by multiple inheritance: it stands for "a second,
 * unrelated COM interface" on the same object.
 */
#ifndef BSIM_WIN32_TEST_SINK_H
#define BSIM_WIN32_TEST_SINK_H

#include <unknwn.h>

#ifndef __IBsimTestSink_FWD_DEFINED__
#define __IBsimTestSink_FWD_DEFINED__
typedef struct IBsimTestSink IBsimTestSink;
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* {6b1f2a3c-9d4e-4f50-8a61-72b3c4d5e6f7}: made up for the tests. */
DEFINE_GUID(IID_IBsimTestSink, 0x6b1f2a3c, 0x9d4e, 0x4f50, 0x8a, 0x61, 0x72,
            0xb3, 0xc4, 0xd5, 0xe6, 0xf7);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBsimTestSink : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE Record(LONG value) = 0;
};
#else
typedef struct IBsimTestSinkVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBsimTestSink *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBsimTestSink *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBsimTestSink *This);
  HRESULT(STDMETHODCALLTYPE *Record)(IBsimTestSink *This, LONG value);
  END_INTERFACE
} IBsimTestSinkVtbl;

struct IBsimTestSink {
  CONST_VTBL struct IBsimTestSinkVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBsimTestSink_QueryInterface(This, riid, ppvObject)                    \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBsimTestSink_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBsimTestSink_Release(This) ((This)->lpVtbl->Release(This))
#define IBsimTestSink_Record(This, value) ((This)->lpVtbl->Record(This, value))
#endif
#endif

#ifdef __cplusplus
}
#endif

#endif /* BSIM_WIN32_TEST_SINK_H */
