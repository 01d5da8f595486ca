/* bitsim — <bits10_3.h> for Linux. BITS 10.3: IBackgroundCopyJobHttpOptions3
 * and the server-certificate validation callback (reference §1.12, §1.13).
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

#ifndef __bits10_3_h__
#define __bits10_3_h__

/* Forward declarations. */
#ifndef __IBackgroundCopyServerCertificateValidationCallback_FWD_DEFINED__
#define __IBackgroundCopyServerCertificateValidationCallback_FWD_DEFINED__
typedef struct IBackgroundCopyServerCertificateValidationCallback
    IBackgroundCopyServerCertificateValidationCallback;
#endif
#ifndef __IBackgroundCopyJobHttpOptions3_FWD_DEFINED__
#define __IBackgroundCopyJobHttpOptions3_FWD_DEFINED__
typedef struct IBackgroundCopyJobHttpOptions3 IBackgroundCopyJobHttpOptions3;
#endif
#ifndef __BackgroundCopyManager10_3_FWD_DEFINED__
#define __BackgroundCopyManager10_3_FWD_DEFINED__
#ifdef __cplusplus
typedef class BackgroundCopyManager10_3 BackgroundCopyManager10_3;
#else
typedef struct BackgroundCopyManager10_3 BackgroundCopyManager10_3;
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
#include <bits10_2.h>

#ifdef __cplusplus
extern "C" {
#endif

/* IBackgroundCopyServerCertificateValidationCallback (reference §1.12) */
#ifndef __IBackgroundCopyServerCertificateValidationCallback_INTERFACE_DEFINED__
#define __IBackgroundCopyServerCertificateValidationCallback_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyServerCertificateValidationCallback, 0x4cec0d02,
            0xdef7, 0x4158, 0x81, 0x3a, 0xc3, 0x2a, 0x46, 0x94, 0x5f, 0xf7);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyServerCertificateValidationCallback : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE ValidateServerCertificate(
      IBackgroundCopyJob *job, IBackgroundCopyFile *file, DWORD certLength,
      const BYTE certData[], DWORD certEncodingType, DWORD certStoreLength,
      const BYTE certStoreData[]) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyServerCertificateValidationCallbackVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyServerCertificateValidationCallback *This, REFIID riid,
   void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)
  (IBackgroundCopyServerCertificateValidationCallback *This);
  ULONG(STDMETHODCALLTYPE *Release)
  (IBackgroundCopyServerCertificateValidationCallback *This);
  HRESULT(STDMETHODCALLTYPE *ValidateServerCertificate)
  (IBackgroundCopyServerCertificateValidationCallback *This,
   IBackgroundCopyJob *job, IBackgroundCopyFile *file, DWORD certLength,
   const BYTE certData[], DWORD certEncodingType, DWORD certStoreLength,
   const BYTE certStoreData[]);
  END_INTERFACE
} IBackgroundCopyServerCertificateValidationCallbackVtbl;

struct IBackgroundCopyServerCertificateValidationCallback {
  CONST_VTBL struct IBackgroundCopyServerCertificateValidationCallbackVtbl
      *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyServerCertificateValidationCallback_QueryInterface(     \
    This, riid, ppvObject)                                                     \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyServerCertificateValidationCallback_AddRef(This)        \
  ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyServerCertificateValidationCallback_Release(This)       \
  ((This)->lpVtbl->Release(This))
#define IBackgroundCopyServerCertificateValidationCallback_ValidateServerCertificate( \
    This, job, file, certLength, certData, certEncodingType, certStoreLength,         \
    certStoreData)                                                                    \
  ((This)->lpVtbl->ValidateServerCertificate(This, job, file, certLength,             \
                                             certData, certEncodingType,              \
                                             certStoreLength, certStoreData))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyServerCertificateValidationCallback_INTERFACE_DEFINED__ \
        */

/* IBackgroundCopyJobHttpOptions3 (reference §1.13) */
#ifndef __IBackgroundCopyJobHttpOptions3_INTERFACE_DEFINED__
#define __IBackgroundCopyJobHttpOptions3_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyJobHttpOptions3, 0x8a9263d3, 0xfd4c, 0x4eda,
            0x9b, 0x28, 0x30, 0x13, 0x2a, 0x4d, 0x4e, 0x3c);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyJobHttpOptions3 : public IBackgroundCopyJobHttpOptions2 {
public:
  virtual HRESULT STDMETHODCALLTYPE
  SetServerCertificateValidationInterface(IUnknown *certValidationCallback) = 0;
  virtual HRESULT STDMETHODCALLTYPE MakeCustomHeadersWriteOnly(void) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyJobHttpOptions3Vtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyJobHttpOptions3 *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyJobHttpOptions3 *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyJobHttpOptions3 *This);
  HRESULT(STDMETHODCALLTYPE *SetClientCertificateByID)
  (IBackgroundCopyJobHttpOptions3 *This, BG_CERT_STORE_LOCATION StoreLocation,
   LPCWSTR StoreName, byte *pCertHashBlob);
  HRESULT(STDMETHODCALLTYPE *SetClientCertificateByName)
  (IBackgroundCopyJobHttpOptions3 *This, BG_CERT_STORE_LOCATION StoreLocation,
   LPCWSTR StoreName, LPCWSTR SubjectName);
  HRESULT(STDMETHODCALLTYPE *RemoveClientCertificate)
  (IBackgroundCopyJobHttpOptions3 *This);
  HRESULT(STDMETHODCALLTYPE *GetClientCertificate)
  (IBackgroundCopyJobHttpOptions3 *This, BG_CERT_STORE_LOCATION *pStoreLocation,
   LPWSTR *pStoreName, byte **ppCertHashBlob, LPWSTR *pSubjectName);
  HRESULT(STDMETHODCALLTYPE *SetCustomHeaders)
  (IBackgroundCopyJobHttpOptions3 *This, LPCWSTR RequestHeaders);
  HRESULT(STDMETHODCALLTYPE *GetCustomHeaders)
  (IBackgroundCopyJobHttpOptions3 *This, LPWSTR *pRequestHeaders);
  HRESULT(STDMETHODCALLTYPE *SetSecurityFlags)
  (IBackgroundCopyJobHttpOptions3 *This, ULONG Flags);
  HRESULT(STDMETHODCALLTYPE *GetSecurityFlags)
  (IBackgroundCopyJobHttpOptions3 *This, ULONG *pFlags);
  HRESULT(STDMETHODCALLTYPE *SetHttpMethod)
  (IBackgroundCopyJobHttpOptions3 *This, LPCWSTR method);
  HRESULT(STDMETHODCALLTYPE *GetHttpMethod)
  (IBackgroundCopyJobHttpOptions3 *This, LPWSTR *method);
  HRESULT(STDMETHODCALLTYPE *SetServerCertificateValidationInterface)
  (IBackgroundCopyJobHttpOptions3 *This, IUnknown *certValidationCallback);
  HRESULT(STDMETHODCALLTYPE *MakeCustomHeadersWriteOnly)
  (IBackgroundCopyJobHttpOptions3 *This);
  END_INTERFACE
} IBackgroundCopyJobHttpOptions3Vtbl;

struct IBackgroundCopyJobHttpOptions3 {
  CONST_VTBL struct IBackgroundCopyJobHttpOptions3Vtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyJobHttpOptions3_QueryInterface(This, riid, ppvObject)   \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyJobHttpOptions3_AddRef(This)                            \
  ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyJobHttpOptions3_Release(This)                           \
  ((This)->lpVtbl->Release(This))
#define IBackgroundCopyJobHttpOptions3_SetClientCertificateByID(               \
    This, StoreLocation, StoreName, pCertHashBlob)                             \
  ((This)->lpVtbl->SetClientCertificateByID(This, StoreLocation, StoreName,    \
                                            pCertHashBlob))
#define IBackgroundCopyJobHttpOptions3_SetClientCertificateByName(             \
    This, StoreLocation, StoreName, SubjectName)                               \
  ((This)->lpVtbl->SetClientCertificateByName(This, StoreLocation, StoreName,  \
                                              SubjectName))
#define IBackgroundCopyJobHttpOptions3_RemoveClientCertificate(This)           \
  ((This)->lpVtbl->RemoveClientCertificate(This))
#define IBackgroundCopyJobHttpOptions3_GetClientCertificate(                   \
    This, pStoreLocation, pStoreName, ppCertHashBlob, pSubjectName)            \
  ((This)->lpVtbl->GetClientCertificate(This, pStoreLocation, pStoreName,      \
                                        ppCertHashBlob, pSubjectName))
#define IBackgroundCopyJobHttpOptions3_SetCustomHeaders(This, RequestHeaders)  \
  ((This)->lpVtbl->SetCustomHeaders(This, RequestHeaders))
#define IBackgroundCopyJobHttpOptions3_GetCustomHeaders(This, pRequestHeaders) \
  ((This)->lpVtbl->GetCustomHeaders(This, pRequestHeaders))
#define IBackgroundCopyJobHttpOptions3_SetSecurityFlags(This, Flags)           \
  ((This)->lpVtbl->SetSecurityFlags(This, Flags))
#define IBackgroundCopyJobHttpOptions3_GetSecurityFlags(This, pFlags)          \
  ((This)->lpVtbl->GetSecurityFlags(This, pFlags))
#define IBackgroundCopyJobHttpOptions3_SetHttpMethod(This, method)             \
  ((This)->lpVtbl->SetHttpMethod(This, method))
#define IBackgroundCopyJobHttpOptions3_GetHttpMethod(This, method)             \
  ((This)->lpVtbl->GetHttpMethod(This, method))
#define IBackgroundCopyJobHttpOptions3_SetServerCertificateValidationInterface( \
    This, certValidationCallback)                                               \
  ((This)->lpVtbl->SetServerCertificateValidationInterface(                     \
      This, certValidationCallback))
#define IBackgroundCopyJobHttpOptions3_MakeCustomHeadersWriteOnly(This)        \
  ((This)->lpVtbl->MakeCustomHeadersWriteOnly(This))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyJobHttpOptions3_INTERFACE_DEFINED__ */

/* The coclass to pass to CoCreateInstance (reference §1.1). */
DEFINE_GUID(CLSID_BackgroundCopyManager10_3, 0x5fd42ad5, 0xc04e, 0x4d36, 0xad,
            0xc7, 0xe0, 0x8f, 0xf1, 0x57, 0x37, 0xad);
#ifdef __cplusplus
class DECLSPEC_UUID("5fd42ad5-c04e-4d36-adc7-e08ff15737ad")
    BackgroundCopyManager10_3;
#endif

#ifdef __cplusplus
}
#endif

#endif /* __bits10_3_h__ */
