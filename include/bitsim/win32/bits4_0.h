/* bitsim — <bits4_0.h> for Linux. BITS 4.0: IBitsTokenOptions and
 * IBackgroundCopyFile4 (reference §1.14, §1.9).
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

#ifndef __bits4_0_h__
#define __bits4_0_h__

/* Forward declarations. */
#ifndef __IBitsTokenOptions_FWD_DEFINED__
#define __IBitsTokenOptions_FWD_DEFINED__
typedef struct IBitsTokenOptions IBitsTokenOptions;
#endif
#ifndef __IBackgroundCopyFile4_FWD_DEFINED__
#define __IBackgroundCopyFile4_FWD_DEFINED__
typedef struct IBackgroundCopyFile4 IBackgroundCopyFile4;
#endif
#ifndef __BackgroundCopyManager4_0_FWD_DEFINED__
#define __BackgroundCopyManager4_0_FWD_DEFINED__
#ifdef __cplusplus
typedef class BackgroundCopyManager4_0 BackgroundCopyManager4_0;
#else
typedef struct BackgroundCopyManager4_0 BackgroundCopyManager4_0;
#endif
#endif

#include <unknwn.h>
#include <bits.h>
#include <bits1_5.h>
#include <bits2_0.h>
#include <bits2_5.h>
#include <bits3_0.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Helper-token usage flags (reference §1.14). */
#define BG_TOKEN_LOCAL_FILE 0x0001
#define BG_TOKEN_NETWORK 0x0002

/* IBitsTokenOptions (reference §1.14) */
#ifndef __IBitsTokenOptions_INTERFACE_DEFINED__
#define __IBitsTokenOptions_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBitsTokenOptions, 0x9a2584c3, 0xf7d2, 0x457a, 0x9a, 0x5e, 0x22,
            0xb6, 0x7b, 0xff, 0xc7, 0xd2);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBitsTokenOptions : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE SetHelperTokenFlags(DWORD UsageFlags) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetHelperTokenFlags(DWORD *pFlags) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetHelperToken(void) = 0;
  virtual HRESULT STDMETHODCALLTYPE ClearHelperToken(void) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetHelperTokenSid(LPWSTR *pSid) = 0;
};
#else /* C style interface */
typedef struct IBitsTokenOptionsVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBitsTokenOptions *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBitsTokenOptions *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBitsTokenOptions *This);
  HRESULT(STDMETHODCALLTYPE *SetHelperTokenFlags)
  (IBitsTokenOptions *This, DWORD UsageFlags);
  HRESULT(STDMETHODCALLTYPE *GetHelperTokenFlags)
  (IBitsTokenOptions *This, DWORD *pFlags);
  HRESULT(STDMETHODCALLTYPE *SetHelperToken)(IBitsTokenOptions *This);
  HRESULT(STDMETHODCALLTYPE *ClearHelperToken)(IBitsTokenOptions *This);
  HRESULT(STDMETHODCALLTYPE *GetHelperTokenSid)
  (IBitsTokenOptions *This, LPWSTR *pSid);
  END_INTERFACE
} IBitsTokenOptionsVtbl;

struct IBitsTokenOptions {
  CONST_VTBL struct IBitsTokenOptionsVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBitsTokenOptions_QueryInterface(This, riid, ppvObject)                \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBitsTokenOptions_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBitsTokenOptions_Release(This) ((This)->lpVtbl->Release(This))
#define IBitsTokenOptions_SetHelperTokenFlags(This, UsageFlags)                \
  ((This)->lpVtbl->SetHelperTokenFlags(This, UsageFlags))
#define IBitsTokenOptions_GetHelperTokenFlags(This, pFlags)                    \
  ((This)->lpVtbl->GetHelperTokenFlags(This, pFlags))
#define IBitsTokenOptions_SetHelperToken(This)                                 \
  ((This)->lpVtbl->SetHelperToken(This))
#define IBitsTokenOptions_ClearHelperToken(This)                               \
  ((This)->lpVtbl->ClearHelperToken(This))
#define IBitsTokenOptions_GetHelperTokenSid(This, pSid)                        \
  ((This)->lpVtbl->GetHelperTokenSid(This, pSid))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBitsTokenOptions_INTERFACE_DEFINED__ */

/* IBackgroundCopyFile4 (reference §1.9) */
#ifndef __IBackgroundCopyFile4_INTERFACE_DEFINED__
#define __IBackgroundCopyFile4_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyFile4, 0xef7e0655, 0x7888, 0x4960, 0xb0, 0xe5,
            0x73, 0x08, 0x46, 0xe0, 0x34, 0x92);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyFile4 : public IBackgroundCopyFile3 {
public:
  virtual HRESULT STDMETHODCALLTYPE
  GetPeerDownloadStats(PUINT64 pFromOrigin, PUINT64 pFromPeers) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyFile4Vtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyFile4 *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyFile4 *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyFile4 *This);
  HRESULT(STDMETHODCALLTYPE *GetRemoteName)
  (IBackgroundCopyFile4 *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *GetLocalName)
  (IBackgroundCopyFile4 *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *GetProgress)
  (IBackgroundCopyFile4 *This, BG_FILE_PROGRESS *pVal);
  HRESULT(STDMETHODCALLTYPE *GetFileRanges)
  (IBackgroundCopyFile4 *This, DWORD *RangeCount, BG_FILE_RANGE **Ranges);
  HRESULT(STDMETHODCALLTYPE *SetRemoteName)
  (IBackgroundCopyFile4 *This, LPCWSTR Val);
  HRESULT(STDMETHODCALLTYPE *GetTemporaryName)
  (IBackgroundCopyFile4 *This, LPWSTR *pFilename);
  HRESULT(STDMETHODCALLTYPE *SetValidationState)
  (IBackgroundCopyFile4 *This, BOOL state);
  HRESULT(STDMETHODCALLTYPE *GetValidationState)
  (IBackgroundCopyFile4 *This, BOOL *pState);
  HRESULT(STDMETHODCALLTYPE *IsDownloadedFromPeer)
  (IBackgroundCopyFile4 *This, BOOL *pVal);
  HRESULT(STDMETHODCALLTYPE *GetPeerDownloadStats)
  (IBackgroundCopyFile4 *This, PUINT64 pFromOrigin, PUINT64 pFromPeers);
  END_INTERFACE
} IBackgroundCopyFile4Vtbl;

struct IBackgroundCopyFile4 {
  CONST_VTBL struct IBackgroundCopyFile4Vtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyFile4_QueryInterface(This, riid, ppvObject)             \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyFile4_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyFile4_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyFile4_GetRemoteName(This, pVal)                         \
  ((This)->lpVtbl->GetRemoteName(This, pVal))
#define IBackgroundCopyFile4_GetLocalName(This, pVal)                          \
  ((This)->lpVtbl->GetLocalName(This, pVal))
#define IBackgroundCopyFile4_GetProgress(This, pVal)                           \
  ((This)->lpVtbl->GetProgress(This, pVal))
#define IBackgroundCopyFile4_GetFileRanges(This, RangeCount, Ranges)           \
  ((This)->lpVtbl->GetFileRanges(This, RangeCount, Ranges))
#define IBackgroundCopyFile4_SetRemoteName(This, Val)                          \
  ((This)->lpVtbl->SetRemoteName(This, Val))
#define IBackgroundCopyFile4_GetTemporaryName(This, pFilename)                 \
  ((This)->lpVtbl->GetTemporaryName(This, pFilename))
#define IBackgroundCopyFile4_SetValidationState(This, state)                   \
  ((This)->lpVtbl->SetValidationState(This, state))
#define IBackgroundCopyFile4_GetValidationState(This, pState)                  \
  ((This)->lpVtbl->GetValidationState(This, pState))
#define IBackgroundCopyFile4_IsDownloadedFromPeer(This, pVal)                  \
  ((This)->lpVtbl->IsDownloadedFromPeer(This, pVal))
#define IBackgroundCopyFile4_GetPeerDownloadStats(This, pFromOrigin,           \
                                                  pFromPeers)                  \
  ((This)->lpVtbl->GetPeerDownloadStats(This, pFromOrigin, pFromPeers))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyFile4_INTERFACE_DEFINED__ */

/* The coclass to pass to CoCreateInstance (reference §1.1). */
DEFINE_GUID(CLSID_BackgroundCopyManager4_0, 0xbb6df56b, 0xcace, 0x11dc, 0x99,
            0x92, 0x00, 0x19, 0xb9, 0x3a, 0x3a, 0x84);
#ifdef __cplusplus
class DECLSPEC_UUID("bb6df56b-cace-11dc-9992-0019b93a3a84")
    BackgroundCopyManager4_0;
#endif

#ifdef __cplusplus
}
#endif

/* As in the SDK, each version header ends by including the next, so
 * that <bits.h> alone declares every version. */
#include <bits5_0.h>

#endif /* __bits4_0_h__ */
