/* bitsim — <unknwn.h> for Linux: IUnknown, the base of every COM interface,
 * in the SDK's two spellings: a C++ abstract struct with three pure virtual
 * methods (QueryInterface, AddRef, Release), or, in C and under CINTERFACE,
 * a struct holding lpVtbl with those three slots, plus the IUnknown_* call
 * macros under COBJMACROS. IID_IUnknown is defined by libbitsim_win32, or by
 * the including file under <initguid.h>.
 *
 * Threads: declarations only.
 */
#ifndef __unknwn_h__
#define __unknwn_h__

#include <windef.h>
#include <winerror.h>
#include <guiddef.h>

#ifndef __IUnknown_FWD_DEFINED__
#define __IUnknown_FWD_DEFINED__
typedef struct IUnknown IUnknown;
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef IUnknown *LPUNKNOWN;

/* IUnknown */
#ifndef __IUnknown_INTERFACE_DEFINED__
#define __IUnknown_INTERFACE_DEFINED__

DEFINE_GUID(IID_IUnknown, 0x00000000, 0x0000, 0x0000, 0xc0, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x46);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid,
                                                   void **ppvObject) = 0;
  virtual ULONG STDMETHODCALLTYPE AddRef(void) = 0;
  virtual ULONG STDMETHODCALLTYPE Release(void) = 0;
};
#else /* C style interface */
typedef struct IUnknownVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IUnknown *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IUnknown *This);
  ULONG(STDMETHODCALLTYPE *Release)(IUnknown *This);
  END_INTERFACE
} IUnknownVtbl;

struct IUnknown {
  CONST_VTBL struct IUnknownVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IUnknown_QueryInterface(This, riid, ppvObject)                         \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IUnknown_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IUnknown_Release(This) ((This)->lpVtbl->Release(This))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IUnknown_INTERFACE_DEFINED__ */

#ifdef __cplusplus
}
#endif

#endif /* __unknwn_h__ */
