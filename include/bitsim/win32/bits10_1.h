/* bitsim — <bits10_1.h> for Linux. BITS 10.1: IBackgroundCopyCallback3
 * (FileRangesTransferred) and IBackgroundCopyFile6 (on-demand ranges)
 * (reference §1.9, §1.12).
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

#ifndef __bits10_1_h__
#define __bits10_1_h__

/* Forward declarations. */
#ifndef __IBackgroundCopyCallback3_FWD_DEFINED__
#define __IBackgroundCopyCallback3_FWD_DEFINED__
typedef struct IBackgroundCopyCallback3 IBackgroundCopyCallback3;
#endif
#ifndef __IBackgroundCopyFile6_FWD_DEFINED__
#define __IBackgroundCopyFile6_FWD_DEFINED__
typedef struct IBackgroundCopyFile6 IBackgroundCopyFile6;
#endif
#ifndef __BackgroundCopyManager10_1_FWD_DEFINED__
#define __BackgroundCopyManager10_1_FWD_DEFINED__
#ifdef __cplusplus
typedef class BackgroundCopyManager10_1 BackgroundCopyManager10_1;
#else
typedef struct BackgroundCopyManager10_1 BackgroundCopyManager10_1;
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

#ifdef __cplusplus
extern "C" {
#endif

/* IBackgroundCopyCallback3 (reference §1.12) */
#ifndef __IBackgroundCopyCallback3_INTERFACE_DEFINED__
#define __IBackgroundCopyCallback3_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyCallback3, 0x98c97bd2, 0xe32b, 0x4ad8, 0xa5,
            0x28, 0x95, 0xfd, 0x8b, 0x16, 0xbd, 0x42);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyCallback3 : public IBackgroundCopyCallback2 {
public:
  virtual HRESULT STDMETHODCALLTYPE
  FileRangesTransferred(IBackgroundCopyJob *job, IBackgroundCopyFile *file,
                        DWORD rangeCount, const BG_FILE_RANGE ranges[]) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyCallback3Vtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyCallback3 *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyCallback3 *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyCallback3 *This);
  HRESULT(STDMETHODCALLTYPE *JobTransferred)
  (IBackgroundCopyCallback3 *This, IBackgroundCopyJob *pJob);
  HRESULT(STDMETHODCALLTYPE *JobError)
  (IBackgroundCopyCallback3 *This, IBackgroundCopyJob *pJob,
   IBackgroundCopyError *pError);
  HRESULT(STDMETHODCALLTYPE *JobModification)
  (IBackgroundCopyCallback3 *This, IBackgroundCopyJob *pJob, DWORD dwReserved);
  HRESULT(STDMETHODCALLTYPE *FileTransferred)
  (IBackgroundCopyCallback3 *This, IBackgroundCopyJob *pJob,
   IBackgroundCopyFile *pFile);
  HRESULT(STDMETHODCALLTYPE *FileRangesTransferred)
  (IBackgroundCopyCallback3 *This, IBackgroundCopyJob *job,
   IBackgroundCopyFile *file, DWORD rangeCount, const BG_FILE_RANGE ranges[]);
  END_INTERFACE
} IBackgroundCopyCallback3Vtbl;

struct IBackgroundCopyCallback3 {
  CONST_VTBL struct IBackgroundCopyCallback3Vtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyCallback3_QueryInterface(This, riid, ppvObject)         \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyCallback3_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyCallback3_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyCallback3_JobTransferred(This, pJob)                    \
  ((This)->lpVtbl->JobTransferred(This, pJob))
#define IBackgroundCopyCallback3_JobError(This, pJob, pError)                  \
  ((This)->lpVtbl->JobError(This, pJob, pError))
#define IBackgroundCopyCallback3_JobModification(This, pJob, dwReserved)       \
  ((This)->lpVtbl->JobModification(This, pJob, dwReserved))
#define IBackgroundCopyCallback3_FileTransferred(This, pJob, pFile)            \
  ((This)->lpVtbl->FileTransferred(This, pJob, pFile))
#define IBackgroundCopyCallback3_FileRangesTransferred(This, job, file,        \
                                                       rangeCount, ranges)     \
  ((This)->lpVtbl->FileRangesTransferred(This, job, file, rangeCount, ranges))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyCallback3_INTERFACE_DEFINED__ */

/* IBackgroundCopyFile6 (reference §1.9) */
#ifndef __IBackgroundCopyFile6_INTERFACE_DEFINED__
#define __IBackgroundCopyFile6_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyFile6, 0xcf6784f7, 0xd677, 0x49fd, 0x93, 0x68,
            0xcb, 0x47, 0xae, 0xe9, 0xd1, 0xad);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyFile6 : public IBackgroundCopyFile5 {
public:
  virtual HRESULT STDMETHODCALLTYPE UpdateDownloadPosition(UINT64 offset) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  RequestFileRanges(DWORD rangeCount, const BG_FILE_RANGE ranges[]) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  GetFilledFileRanges(DWORD *rangeCount, BG_FILE_RANGE **ranges) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyFile6Vtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyFile6 *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyFile6 *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyFile6 *This);
  HRESULT(STDMETHODCALLTYPE *GetRemoteName)
  (IBackgroundCopyFile6 *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *GetLocalName)
  (IBackgroundCopyFile6 *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *GetProgress)
  (IBackgroundCopyFile6 *This, BG_FILE_PROGRESS *pVal);
  HRESULT(STDMETHODCALLTYPE *GetFileRanges)
  (IBackgroundCopyFile6 *This, DWORD *RangeCount, BG_FILE_RANGE **Ranges);
  HRESULT(STDMETHODCALLTYPE *SetRemoteName)
  (IBackgroundCopyFile6 *This, LPCWSTR Val);
  HRESULT(STDMETHODCALLTYPE *GetTemporaryName)
  (IBackgroundCopyFile6 *This, LPWSTR *pFilename);
  HRESULT(STDMETHODCALLTYPE *SetValidationState)
  (IBackgroundCopyFile6 *This, BOOL state);
  HRESULT(STDMETHODCALLTYPE *GetValidationState)
  (IBackgroundCopyFile6 *This, BOOL *pState);
  HRESULT(STDMETHODCALLTYPE *IsDownloadedFromPeer)
  (IBackgroundCopyFile6 *This, BOOL *pVal);
  HRESULT(STDMETHODCALLTYPE *GetPeerDownloadStats)
  (IBackgroundCopyFile6 *This, PUINT64 pFromOrigin, PUINT64 pFromPeers);
  HRESULT(STDMETHODCALLTYPE *SetProperty)
  (IBackgroundCopyFile6 *This, BITS_FILE_PROPERTY_ID PropertyId,
   BITS_FILE_PROPERTY_VALUE PropertyValue);
  HRESULT(STDMETHODCALLTYPE *GetProperty)
  (IBackgroundCopyFile6 *This, BITS_FILE_PROPERTY_ID PropertyId,
   BITS_FILE_PROPERTY_VALUE *PropertyValue);
  HRESULT(STDMETHODCALLTYPE *UpdateDownloadPosition)
  (IBackgroundCopyFile6 *This, UINT64 offset);
  HRESULT(STDMETHODCALLTYPE *RequestFileRanges)
  (IBackgroundCopyFile6 *This, DWORD rangeCount, const BG_FILE_RANGE ranges[]);
  HRESULT(STDMETHODCALLTYPE *GetFilledFileRanges)
  (IBackgroundCopyFile6 *This, DWORD *rangeCount, BG_FILE_RANGE **ranges);
  END_INTERFACE
} IBackgroundCopyFile6Vtbl;

struct IBackgroundCopyFile6 {
  CONST_VTBL struct IBackgroundCopyFile6Vtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyFile6_QueryInterface(This, riid, ppvObject)             \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyFile6_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyFile6_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyFile6_GetRemoteName(This, pVal)                         \
  ((This)->lpVtbl->GetRemoteName(This, pVal))
#define IBackgroundCopyFile6_GetLocalName(This, pVal)                          \
  ((This)->lpVtbl->GetLocalName(This, pVal))
#define IBackgroundCopyFile6_GetProgress(This, pVal)                           \
  ((This)->lpVtbl->GetProgress(This, pVal))
#define IBackgroundCopyFile6_GetFileRanges(This, RangeCount, Ranges)           \
  ((This)->lpVtbl->GetFileRanges(This, RangeCount, Ranges))
#define IBackgroundCopyFile6_SetRemoteName(This, Val)                          \
  ((This)->lpVtbl->SetRemoteName(This, Val))
#define IBackgroundCopyFile6_GetTemporaryName(This, pFilename)                 \
  ((This)->lpVtbl->GetTemporaryName(This, pFilename))
#define IBackgroundCopyFile6_SetValidationState(This, state)                   \
  ((This)->lpVtbl->SetValidationState(This, state))
#define IBackgroundCopyFile6_GetValidationState(This, pState)                  \
  ((This)->lpVtbl->GetValidationState(This, pState))
#define IBackgroundCopyFile6_IsDownloadedFromPeer(This, pVal)                  \
  ((This)->lpVtbl->IsDownloadedFromPeer(This, pVal))
#define IBackgroundCopyFile6_GetPeerDownloadStats(This, pFromOrigin,           \
                                                  pFromPeers)                  \
  ((This)->lpVtbl->GetPeerDownloadStats(This, pFromOrigin, pFromPeers))
#define IBackgroundCopyFile6_SetProperty(This, PropertyId, PropertyValue)      \
  ((This)->lpVtbl->SetProperty(This, PropertyId, PropertyValue))
#define IBackgroundCopyFile6_GetProperty(This, PropertyId, PropertyValue)      \
  ((This)->lpVtbl->GetProperty(This, PropertyId, PropertyValue))
#define IBackgroundCopyFile6_UpdateDownloadPosition(This, offset)              \
  ((This)->lpVtbl->UpdateDownloadPosition(This, offset))
#define IBackgroundCopyFile6_RequestFileRanges(This, rangeCount, ranges)       \
  ((This)->lpVtbl->RequestFileRanges(This, rangeCount, ranges))
#define IBackgroundCopyFile6_GetFilledFileRanges(This, rangeCount, ranges)     \
  ((This)->lpVtbl->GetFilledFileRanges(This, rangeCount, ranges))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyFile6_INTERFACE_DEFINED__ */

/* The coclass to pass to CoCreateInstance (reference §1.1). */
DEFINE_GUID(CLSID_BackgroundCopyManager10_1, 0x4bd3e4e1, 0x7bd4, 0x4a2b, 0x99,
            0x64, 0x49, 0x64, 0x00, 0xde, 0x51, 0x93);
#ifdef __cplusplus
class DECLSPEC_UUID("4bd3e4e1-7bd4-4a2b-9964-496400de5193")
    BackgroundCopyManager10_1;
#endif

#ifdef __cplusplus
}
#endif

/* As in the SDK, each version header ends by including the next, so
 * that <bits.h> alone declares every version. */
#include <bits10_2.h>

#endif /* __bits10_1_h__ */
