/* bitsim — <bits10_2.h> for Linux. BITS 10.2: IBackgroundCopyJobHttpOptions2
 * (custom HTTP method) (reference §1.13). The SDK guards it with NTDDI_VERSION
 * >= NTDDI_WIN10_RS5; here it is always declared.
 *
 * Every interface is declared as the Windows SDK declares it: in C++
 * (unless CINTERFACE is defined) an abstract struct deriving its base
 * interface, methods in the SDK's order; in C a struct whose only
 * member is lpVtbl, a table of function pointers in the same order
 * with IUnknown's three slots first, plus the Interface_Method(This,
 * ...) call macros under COBJMACROS. The two halves must stay in step:
 * tests/win32/slots.h records every slot and the tests check both.
 * IIDs and CLSIDs are declared with DEFINE_GUID; libbitsim_win32
 * defines them (sim/compat/guids.c), or <initguid.h> defines them in
 * the including file.
 *
 * Threads: declarations only.
 */
#ifndef COM_NO_WINDOWS_H
#include <windows.h>
#include <objbase.h>
#endif

#ifndef __bits10_2_h__
#define __bits10_2_h__

/* Forward declarations. */
#ifndef __IBackgroundCopyJobHttpOptions2_FWD_DEFINED__
#define __IBackgroundCopyJobHttpOptions2_FWD_DEFINED__
typedef struct IBackgroundCopyJobHttpOptions2 IBackgroundCopyJobHttpOptions2;
#endif
#ifndef __BackgroundCopyManager10_2_FWD_DEFINED__
#define __BackgroundCopyManager10_2_FWD_DEFINED__
#ifdef __cplusplus
typedef class BackgroundCopyManager10_2 BackgroundCopyManager10_2;
#else
typedef struct BackgroundCopyManager10_2 BackgroundCopyManager10_2;
#endif
#endif

#include <unknwn.h>
#include <bits.h>
#include <bits1_5.h>
#include <bits2_0.h>
#include <bits2_5.h>
#include <bits3_0.h>
#include <bits4_0.h>
#include <bits5_0.h>
#include <bits10_1.h>

#ifdef __cplusplus
extern "C" {
#endif

/* IBackgroundCopyJobHttpOptions2 (reference §1.13) */
#ifndef __IBackgroundCopyJobHttpOptions2_INTERFACE_DEFINED__
#define __IBackgroundCopyJobHttpOptions2_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyJobHttpOptions2, 0xb591a192, 0xa405, 0x4fc3,
            0x83, 0x23, 0x4c, 0x5c, 0x54, 0x25, 0x78, 0xfc);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyJobHttpOptions2 : public IBackgroundCopyJobHttpOptions {
public:
  virtual HRESULT STDMETHODCALLTYPE SetHttpMethod(LPCWSTR method) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetHttpMethod(LPWSTR *method) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyJobHttpOptions2Vtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyJobHttpOptions2 *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyJobHttpOptions2 *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyJobHttpOptions2 *This);
  HRESULT(STDMETHODCALLTYPE *SetClientCertificateByID)
  (IBackgroundCopyJobHttpOptions2 *This, BG_CERT_STORE_LOCATION StoreLocation,
   LPCWSTR StoreName, byte *pCertHashBlob);
  HRESULT(STDMETHODCALLTYPE *SetClientCertificateByName)
  (IBackgroundCopyJobHttpOptions2 *This, BG_CERT_STORE_LOCATION StoreLocation,
   LPCWSTR StoreName, LPCWSTR SubjectName);
  HRESULT(STDMETHODCALLTYPE *RemoveClientCertificate)
  (IBackgroundCopyJobHttpOptions2 *This);
  HRESULT(STDMETHODCALLTYPE *GetClientCertificate)
  (IBackgroundCopyJobHttpOptions2 *This, BG_CERT_STORE_LOCATION *pStoreLocation,
   LPWSTR *pStoreName, byte **ppCertHashBlob, LPWSTR *pSubjectName);
  HRESULT(STDMETHODCALLTYPE *SetCustomHeaders)
  (IBackgroundCopyJobHttpOptions2 *This, LPCWSTR RequestHeaders);
  HRESULT(STDMETHODCALLTYPE *GetCustomHeaders)
  (IBackgroundCopyJobHttpOptions2 *This, LPWSTR *pRequestHeaders);
  HRESULT(STDMETHODCALLTYPE *SetSecurityFlags)
  (IBackgroundCopyJobHttpOptions2 *This, ULONG Flags);
  HRESULT(STDMETHODCALLTYPE *GetSecurityFlags)
  (IBackgroundCopyJobHttpOptions2 *This, ULONG *pFlags);
  HRESULT(STDMETHODCALLTYPE *SetHttpMethod)
  (IBackgroundCopyJobHttpOptions2 *This, LPCWSTR method);
  HRESULT(STDMETHODCALLTYPE *GetHttpMethod)
  (IBackgroundCopyJobHttpOptions2 *This, LPWSTR *method);
  END_INTERFACE
} IBackgroundCopyJobHttpOptions2Vtbl;

struct IBackgroundCopyJobHttpOptions2 {
  CONST_VTBL struct IBackgroundCopyJobHttpOptions2Vtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyJobHttpOptions2_QueryInterface(This, riid, ppvObject)   \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyJobHttpOptions2_AddRef(This)                            \
  ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyJobHttpOptions2_Release(This)                           \
  ((This)->lpVtbl->Release(This))
#define IBackgroundCopyJobHttpOptions2_SetClientCertificateByID(               \
    This, StoreLocation, StoreName, pCertHashBlob)                             \
  ((This)->lpVtbl->SetClientCertificateByID(This, StoreLocation, StoreName,    \
                                            pCertHashBlob))
#define IBackgroundCopyJobHttpOptions2_SetClientCertificateByName(             \
    This, StoreLocation, StoreName, SubjectName)                               \
  ((This)->lpVtbl->SetClientCertificateByName(This, StoreLocation, StoreName,  \
                                              SubjectName))
#define IBackgroundCopyJobHttpOptions2_RemoveClientCertificate(This)           \
  ((This)->lpVtbl->RemoveClientCertificate(This))
#define IBackgroundCopyJobHttpOptions2_GetClientCertificate(                   \
    This, pStoreLocation, pStoreName, ppCertHashBlob, pSubjectName)            \
  ((This)->lpVtbl->GetClientCertificate(This, pStoreLocation, pStoreName,      \
                                        ppCertHashBlob, pSubjectName))
#define IBackgroundCopyJobHttpOptions2_SetCustomHeaders(This, RequestHeaders)  \
  ((This)->lpVtbl->SetCustomHeaders(This, RequestHeaders))
#define IBackgroundCopyJobHttpOptions2_GetCustomHeaders(This, pRequestHeaders) \
  ((This)->lpVtbl->GetCustomHeaders(This, pRequestHeaders))
#define IBackgroundCopyJobHttpOptions2_SetSecurityFlags(This, Flags)           \
  ((This)->lpVtbl->SetSecurityFlags(This, Flags))
#define IBackgroundCopyJobHttpOptions2_GetSecurityFlags(This, pFlags)          \
  ((This)->lpVtbl->GetSecurityFlags(This, pFlags))
#define IBackgroundCopyJobHttpOptions2_SetHttpMethod(This, method)             \
  ((This)->lpVtbl->SetHttpMethod(This, method))
#define IBackgroundCopyJobHttpOptions2_GetHttpMethod(This, method)             \
  ((This)->lpVtbl->GetHttpMethod(This, method))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyJobHttpOptions2_INTERFACE_DEFINED__ */

/* The coclass to pass to CoCreateInstance (reference §1.1). */
DEFINE_GUID(CLSID_BackgroundCopyManager10_2, 0x4575438f, 0xa6c8, 0x4976, 0xb0,
            0xfe, 0x2f, 0x26, 0xb8, 0x0d, 0x95, 0x9e);
#ifdef __cplusplus
class DECLSPEC_UUID("4575438f-a6c8-4976-b0fe-2f26b80d959e")
    BackgroundCopyManager10_2;
#endif

#ifdef __cplusplus
}
#endif

/* As in the SDK, each version header ends by including the next, so
 * that <bits.h> alone declares every version. */
#include <bits10_3.h>

#endif /* __bits10_2_h__ */
