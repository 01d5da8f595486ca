/* bitsim — <bits2_5.h> for Linux. BITS 2.5: IBackgroundCopyJobHttpOptions
 * (client certificates, custom headers, security and redirect flags) (reference
 * §1.13, §2.7, §2.9).
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

#ifndef __bits2_5_h__
#define __bits2_5_h__

/* Forward declarations. */
#ifndef __IBackgroundCopyJobHttpOptions_FWD_DEFINED__
#define __IBackgroundCopyJobHttpOptions_FWD_DEFINED__
typedef struct IBackgroundCopyJobHttpOptions IBackgroundCopyJobHttpOptions;
#endif
#ifndef __BackgroundCopyManager2_5_FWD_DEFINED__
#define __BackgroundCopyManager2_5_FWD_DEFINED__
#ifdef __cplusplus
typedef class BackgroundCopyManager2_5 BackgroundCopyManager2_5;
#else
typedef struct BackgroundCopyManager2_5 BackgroundCopyManager2_5;
#endif
#endif

#include <unknwn.h>
#include <bits.h>
#include <bits1_5.h>
#include <bits2_0.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Reference §2.9. */
typedef enum __MIDL_IBackgroundCopyJobHttpOptions_0001 {
  BG_CERT_STORE_LOCATION_CURRENT_USER = 0,
  BG_CERT_STORE_LOCATION_LOCAL_MACHINE = 1,
  BG_CERT_STORE_LOCATION_CURRENT_SERVICE = 2,
  BG_CERT_STORE_LOCATION_SERVICES = 3,
  BG_CERT_STORE_LOCATION_USERS = 4,
  BG_CERT_STORE_LOCATION_CURRENT_USER_GROUP_POLICY = 5,
  BG_CERT_STORE_LOCATION_LOCAL_MACHINE_GROUP_POLICY = 6,
  BG_CERT_STORE_LOCATION_LOCAL_MACHINE_ENTERPRISE = 7
} BG_CERT_STORE_LOCATION;

/* SetSecurityFlags flags (reference §2.7). The redirect policies came with
 * BITS 3.0 but live in this header, as in the SDK. */
#define BG_SSL_ENABLE_CRL_CHECK 0x0001
#define BG_SSL_IGNORE_CERT_CN_INVALID 0x0002
#define BG_SSL_IGNORE_CERT_DATE_INVALID 0x0004
#define BG_SSL_IGNORE_UNKNOWN_CA 0x0008
#define BG_SSL_IGNORE_CERT_WRONG_USAGE 0x0010
#define BG_HTTP_REDIRECT_POLICY_MASK 0x0700
#define BG_HTTP_REDIRECT_POLICY_ALLOW_SILENT 0x0000
#define BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT 0x0100
#define BG_HTTP_REDIRECT_POLICY_DISALLOW 0x0200
#define BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP 0x0800

/* IBackgroundCopyJobHttpOptions (reference §1.13) */
#ifndef __IBackgroundCopyJobHttpOptions_INTERFACE_DEFINED__
#define __IBackgroundCopyJobHttpOptions_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyJobHttpOptions, 0xf1bd1079, 0x9f01, 0x4bdc, 0x80,
            0x36, 0xf0, 0x9b, 0x70, 0x09, 0x50, 0x66);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyJobHttpOptions : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE
  SetClientCertificateByID(BG_CERT_STORE_LOCATION StoreLocation,
                           LPCWSTR StoreName, byte *pCertHashBlob) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  SetClientCertificateByName(BG_CERT_STORE_LOCATION StoreLocation,
                             LPCWSTR StoreName, LPCWSTR SubjectName) = 0;
  virtual HRESULT STDMETHODCALLTYPE RemoveClientCertificate(void) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetClientCertificate(
      BG_CERT_STORE_LOCATION *pStoreLocation, LPWSTR *pStoreName,
      byte **ppCertHashBlob, LPWSTR *pSubjectName) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  SetCustomHeaders(LPCWSTR RequestHeaders) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  GetCustomHeaders(LPWSTR *pRequestHeaders) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetSecurityFlags(ULONG Flags) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetSecurityFlags(ULONG *pFlags) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyJobHttpOptionsVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyJobHttpOptions *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyJobHttpOptions *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyJobHttpOptions *This);
  HRESULT(STDMETHODCALLTYPE *SetClientCertificateByID)
  (IBackgroundCopyJobHttpOptions *This, BG_CERT_STORE_LOCATION StoreLocation,
   LPCWSTR StoreName, byte *pCertHashBlob);
  HRESULT(STDMETHODCALLTYPE *SetClientCertificateByName)
  (IBackgroundCopyJobHttpOptions *This, BG_CERT_STORE_LOCATION StoreLocation,
   LPCWSTR StoreName, LPCWSTR SubjectName);
  HRESULT(STDMETHODCALLTYPE *RemoveClientCertificate)
  (IBackgroundCopyJobHttpOptions *This);
  HRESULT(STDMETHODCALLTYPE *GetClientCertificate)
  (IBackgroundCopyJobHttpOptions *This, BG_CERT_STORE_LOCATION *pStoreLocation,
   LPWSTR *pStoreName, byte **ppCertHashBlob, LPWSTR *pSubjectName);
  HRESULT(STDMETHODCALLTYPE *SetCustomHeaders)
  (IBackgroundCopyJobHttpOptions *This, LPCWSTR RequestHeaders);
  HRESULT(STDMETHODCALLTYPE *GetCustomHeaders)
  (IBackgroundCopyJobHttpOptions *This, LPWSTR *pRequestHeaders);
  HRESULT(STDMETHODCALLTYPE *SetSecurityFlags)
  (IBackgroundCopyJobHttpOptions *This, ULONG Flags);
  HRESULT(STDMETHODCALLTYPE *GetSecurityFlags)
  (IBackgroundCopyJobHttpOptions *This, ULONG *pFlags);
  END_INTERFACE
} IBackgroundCopyJobHttpOptionsVtbl;

struct IBackgroundCopyJobHttpOptions {
  CONST_VTBL struct IBackgroundCopyJobHttpOptionsVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyJobHttpOptions_QueryInterface(This, riid, ppvObject)    \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyJobHttpOptions_AddRef(This)                             \
  ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyJobHttpOptions_Release(This)                            \
  ((This)->lpVtbl->Release(This))
#define IBackgroundCopyJobHttpOptions_SetClientCertificateByID(                \
    This, StoreLocation, StoreName, pCertHashBlob)                             \
  ((This)->lpVtbl->SetClientCertificateByID(This, StoreLocation, StoreName,    \
                                            pCertHashBlob))
#define IBackgroundCopyJobHttpOptions_SetClientCertificateByName(              \
    This, StoreLocation, StoreName, SubjectName)                               \
  ((This)->lpVtbl->SetClientCertificateByName(This, StoreLocation, StoreName,  \
                                              SubjectName))
#define IBackgroundCopyJobHttpOptions_RemoveClientCertificate(This)            \
  ((This)->lpVtbl->RemoveClientCertificate(This))
#define IBackgroundCopyJobHttpOptions_GetClientCertificate(                    \
    This, pStoreLocation, pStoreName, ppCertHashBlob, pSubjectName)            \
  ((This)->lpVtbl->GetClientCertificate(This, pStoreLocation, pStoreName,      \
                                        ppCertHashBlob, pSubjectName))
#define IBackgroundCopyJobHttpOptions_SetCustomHeaders(This, RequestHeaders)   \
  ((This)->lpVtbl->SetCustomHeaders(This, RequestHeaders))
#define IBackgroundCopyJobHttpOptions_GetCustomHeaders(This, pRequestHeaders)  \
  ((This)->lpVtbl->GetCustomHeaders(This, pRequestHeaders))
#define IBackgroundCopyJobHttpOptions_SetSecurityFlags(This, Flags)            \
  ((This)->lpVtbl->SetSecurityFlags(This, Flags))
#define IBackgroundCopyJobHttpOptions_GetSecurityFlags(This, pFlags)           \
  ((This)->lpVtbl->GetSecurityFlags(This, pFlags))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyJobHttpOptions_INTERFACE_DEFINED__ */

/* The coclass to pass to CoCreateInstance (reference §1.1). */
DEFINE_GUID(CLSID_BackgroundCopyManager2_5, 0x03ca98d6, 0xff5d, 0x49b8, 0xab,
            0xc6, 0x03, 0xdd, 0x84, 0x12, 0x70, 0x20);
#ifdef __cplusplus
class DECLSPEC_UUID("03ca98d6-ff5d-49b8-abc6-03dd84127020")
    BackgroundCopyManager2_5;
#endif

#ifdef __cplusplus
}
#endif

/* As in the SDK, each version header ends by including the next, so
 * that <bits.h> alone declares every version. */
#include <bits3_0.h>

#endif /* __bits2_5_h__ */
