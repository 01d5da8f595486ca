/* bitsim — <bits1_5.h> for Linux. BITS 1.5: IBackgroundCopyJob2 (notification
 * command line, upload replies, credentials) and the BG_AUTH_* types (reference
 * §1.5, §2.8).
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

#ifndef __bits1_5_h__
#define __bits1_5_h__

/* Forward declarations. */
#ifndef __IBackgroundCopyJob2_FWD_DEFINED__
#define __IBackgroundCopyJob2_FWD_DEFINED__
typedef struct IBackgroundCopyJob2 IBackgroundCopyJob2;
#endif
#ifndef __BackgroundCopyManager1_5_FWD_DEFINED__
#define __BackgroundCopyManager1_5_FWD_DEFINED__
#ifdef __cplusplus
typedef class BackgroundCopyManager1_5 BackgroundCopyManager1_5;
#else
typedef struct BackgroundCopyManager1_5 BackgroundCopyManager1_5;
#endif
#endif

#include <unknwn.h>
#include <bits.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _BG_JOB_REPLY_PROGRESS {
  UINT64 BytesTotal;
  UINT64 BytesTransferred;
} BG_JOB_REPLY_PROGRESS;

/* Reference §2.8. */
typedef enum __MIDL_IBackgroundCopyJob2_0001 {
  BG_AUTH_TARGET_SERVER = 1,
  BG_AUTH_TARGET_PROXY = 2
} BG_AUTH_TARGET;

typedef enum __MIDL_IBackgroundCopyJob2_0002 {
  BG_AUTH_SCHEME_BASIC = 1,
  BG_AUTH_SCHEME_DIGEST = 2,
  BG_AUTH_SCHEME_NTLM = 3,
  BG_AUTH_SCHEME_NEGOTIATE = 4,
  BG_AUTH_SCHEME_PASSPORT = 5
} BG_AUTH_SCHEME;

typedef struct __MIDL_IBackgroundCopyJob2_0003 {
  LPWSTR UserName;
  LPWSTR Password;
} BG_BASIC_CREDENTIALS;
typedef BG_BASIC_CREDENTIALS *PBG_BASIC_CREDENTIALS;

typedef union __MIDL_IBackgroundCopyJob2_0004 {
  BG_BASIC_CREDENTIALS Basic;
} BG_AUTH_CREDENTIALS_UNION;

typedef struct __MIDL_IBackgroundCopyJob2_0005 {
  BG_AUTH_TARGET Target;
  BG_AUTH_SCHEME Scheme;
  BG_AUTH_CREDENTIALS_UNION Credentials;
} BG_AUTH_CREDENTIALS;
typedef BG_AUTH_CREDENTIALS *PBG_AUTH_CREDENTIALS;

/* IBackgroundCopyJob2 (reference §1.5) */
#ifndef __IBackgroundCopyJob2_INTERFACE_DEFINED__
#define __IBackgroundCopyJob2_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyJob2, 0x54b50739, 0x686f, 0x45eb, 0x9d, 0xff,
            0xd6, 0xa9, 0xa0, 0xfa, 0xa9, 0xaf);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyJob2 : public IBackgroundCopyJob {
public:
  virtual HRESULT STDMETHODCALLTYPE SetNotifyCmdLine(LPCWSTR Program,
                                                     LPCWSTR Parameters) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetNotifyCmdLine(LPWSTR *pProgram,
                                                     LPWSTR *pParameters) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  GetReplyProgress(BG_JOB_REPLY_PROGRESS *pProgress) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetReplyData(byte **ppBuffer,
                                                 UINT64 *pLength) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetReplyFileName(LPCWSTR ReplyFileName) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  GetReplyFileName(LPWSTR *pReplyFileName) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  SetCredentials(BG_AUTH_CREDENTIALS *credentials) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  RemoveCredentials(BG_AUTH_TARGET Target, BG_AUTH_SCHEME Scheme) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyJob2Vtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyJob2 *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyJob2 *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyJob2 *This);
  HRESULT(STDMETHODCALLTYPE *AddFileSet)
  (IBackgroundCopyJob2 *This, ULONG cFileCount, BG_FILE_INFO *pFileSet);
  HRESULT(STDMETHODCALLTYPE *AddFile)
  (IBackgroundCopyJob2 *This, LPCWSTR RemoteUrl, LPCWSTR LocalName);
  HRESULT(STDMETHODCALLTYPE *EnumFiles)
  (IBackgroundCopyJob2 *This, IEnumBackgroundCopyFiles **pEnum);
  HRESULT(STDMETHODCALLTYPE *Suspend)(IBackgroundCopyJob2 *This);
  HRESULT(STDMETHODCALLTYPE *Resume)(IBackgroundCopyJob2 *This);
  HRESULT(STDMETHODCALLTYPE *Cancel)(IBackgroundCopyJob2 *This);
  HRESULT(STDMETHODCALLTYPE *Complete)(IBackgroundCopyJob2 *This);
  HRESULT(STDMETHODCALLTYPE *GetId)(IBackgroundCopyJob2 *This, GUID *pVal);
  HRESULT(STDMETHODCALLTYPE *GetType)
  (IBackgroundCopyJob2 *This, BG_JOB_TYPE *pVal);
  HRESULT(STDMETHODCALLTYPE *GetProgress)
  (IBackgroundCopyJob2 *This, BG_JOB_PROGRESS *pVal);
  HRESULT(STDMETHODCALLTYPE *GetTimes)
  (IBackgroundCopyJob2 *This, BG_JOB_TIMES *pVal);
  HRESULT(STDMETHODCALLTYPE *GetState)
  (IBackgroundCopyJob2 *This, BG_JOB_STATE *pVal);
  HRESULT(STDMETHODCALLTYPE *GetError)
  (IBackgroundCopyJob2 *This, IBackgroundCopyError **ppError);
  HRESULT(STDMETHODCALLTYPE *GetOwner)(IBackgroundCopyJob2 *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *SetDisplayName)
  (IBackgroundCopyJob2 *This, LPCWSTR Val);
  HRESULT(STDMETHODCALLTYPE *GetDisplayName)
  (IBackgroundCopyJob2 *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *SetDescription)
  (IBackgroundCopyJob2 *This, LPCWSTR Val);
  HRESULT(STDMETHODCALLTYPE *GetDescription)
  (IBackgroundCopyJob2 *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *SetPriority)
  (IBackgroundCopyJob2 *This, BG_JOB_PRIORITY Val);
  HRESULT(STDMETHODCALLTYPE *GetPriority)
  (IBackgroundCopyJob2 *This, BG_JOB_PRIORITY *pVal);
  HRESULT(STDMETHODCALLTYPE *SetNotifyFlags)
  (IBackgroundCopyJob2 *This, ULONG Val);
  HRESULT(STDMETHODCALLTYPE *GetNotifyFlags)
  (IBackgroundCopyJob2 *This, ULONG *pVal);
  HRESULT(STDMETHODCALLTYPE *SetNotifyInterface)
  (IBackgroundCopyJob2 *This, IUnknown *Val);
  HRESULT(STDMETHODCALLTYPE *GetNotifyInterface)
  (IBackgroundCopyJob2 *This, IUnknown **pVal);
  HRESULT(STDMETHODCALLTYPE *SetMinimumRetryDelay)
  (IBackgroundCopyJob2 *This, ULONG Seconds);
  HRESULT(STDMETHODCALLTYPE *GetMinimumRetryDelay)
  (IBackgroundCopyJob2 *This, ULONG *Seconds);
  HRESULT(STDMETHODCALLTYPE *SetNoProgressTimeout)
  (IBackgroundCopyJob2 *This, ULONG Seconds);
  HRESULT(STDMETHODCALLTYPE *GetNoProgressTimeout)
  (IBackgroundCopyJob2 *This, ULONG *Seconds);
  HRESULT(STDMETHODCALLTYPE *GetErrorCount)
  (IBackgroundCopyJob2 *This, ULONG *Errors);
  HRESULT(STDMETHODCALLTYPE *SetProxySettings)
  (IBackgroundCopyJob2 *This, BG_JOB_PROXY_USAGE ProxyUsage,
   const WCHAR *ProxyList, const WCHAR *ProxyBypassList);
  HRESULT(STDMETHODCALLTYPE *GetProxySettings)
  (IBackgroundCopyJob2 *This, BG_JOB_PROXY_USAGE *pProxyUsage,
   LPWSTR *pProxyList, LPWSTR *pProxyBypassList);
  HRESULT(STDMETHODCALLTYPE *TakeOwnership)(IBackgroundCopyJob2 *This);
  HRESULT(STDMETHODCALLTYPE *SetNotifyCmdLine)
  (IBackgroundCopyJob2 *This, LPCWSTR Program, LPCWSTR Parameters);
  HRESULT(STDMETHODCALLTYPE *GetNotifyCmdLine)
  (IBackgroundCopyJob2 *This, LPWSTR *pProgram, LPWSTR *pParameters);
  HRESULT(STDMETHODCALLTYPE *GetReplyProgress)
  (IBackgroundCopyJob2 *This, BG_JOB_REPLY_PROGRESS *pProgress);
  HRESULT(STDMETHODCALLTYPE *GetReplyData)
  (IBackgroundCopyJob2 *This, byte **ppBuffer, UINT64 *pLength);
  HRESULT(STDMETHODCALLTYPE *SetReplyFileName)
  (IBackgroundCopyJob2 *This, LPCWSTR ReplyFileName);
  HRESULT(STDMETHODCALLTYPE *GetReplyFileName)
  (IBackgroundCopyJob2 *This, LPWSTR *pReplyFileName);
  HRESULT(STDMETHODCALLTYPE *SetCredentials)
  (IBackgroundCopyJob2 *This, BG_AUTH_CREDENTIALS *credentials);
  HRESULT(STDMETHODCALLTYPE *RemoveCredentials)
  (IBackgroundCopyJob2 *This, BG_AUTH_TARGET Target, BG_AUTH_SCHEME Scheme);
  END_INTERFACE
} IBackgroundCopyJob2Vtbl;

struct IBackgroundCopyJob2 {
  CONST_VTBL struct IBackgroundCopyJob2Vtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyJob2_QueryInterface(This, riid, ppvObject)              \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyJob2_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyJob2_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyJob2_AddFileSet(This, cFileCount, pFileSet)             \
  ((This)->lpVtbl->AddFileSet(This, cFileCount, pFileSet))
#define IBackgroundCopyJob2_AddFile(This, RemoteUrl, LocalName)                \
  ((This)->lpVtbl->AddFile(This, RemoteUrl, LocalName))
#define IBackgroundCopyJob2_EnumFiles(This, pEnum)                             \
  ((This)->lpVtbl->EnumFiles(This, pEnum))
#define IBackgroundCopyJob2_Suspend(This) ((This)->lpVtbl->Suspend(This))
#define IBackgroundCopyJob2_Resume(This) ((This)->lpVtbl->Resume(This))
#define IBackgroundCopyJob2_Cancel(This) ((This)->lpVtbl->Cancel(This))
#define IBackgroundCopyJob2_Complete(This) ((This)->lpVtbl->Complete(This))
#define IBackgroundCopyJob2_GetId(This, pVal)                                  \
  ((This)->lpVtbl->GetId(This, pVal))
#define IBackgroundCopyJob2_GetType(This, pVal)                                \
  ((This)->lpVtbl->GetType(This, pVal))
#define IBackgroundCopyJob2_GetProgress(This, pVal)                            \
  ((This)->lpVtbl->GetProgress(This, pVal))
#define IBackgroundCopyJob2_GetTimes(This, pVal)                               \
  ((This)->lpVtbl->GetTimes(This, pVal))
#define IBackgroundCopyJob2_GetState(This, pVal)                               \
  ((This)->lpVtbl->GetState(This, pVal))
#define IBackgroundCopyJob2_GetError(This, ppError)                            \
  ((This)->lpVtbl->GetError(This, ppError))
#define IBackgroundCopyJob2_GetOwner(This, pVal)                               \
  ((This)->lpVtbl->GetOwner(This, pVal))
#define IBackgroundCopyJob2_SetDisplayName(This, Val)                          \
  ((This)->lpVtbl->SetDisplayName(This, Val))
#define IBackgroundCopyJob2_GetDisplayName(This, pVal)                         \
  ((This)->lpVtbl->GetDisplayName(This, pVal))
#define IBackgroundCopyJob2_SetDescription(This, Val)                          \
  ((This)->lpVtbl->SetDescription(This, Val))
#define IBackgroundCopyJob2_GetDescription(This, pVal)                         \
  ((This)->lpVtbl->GetDescription(This, pVal))
#define IBackgroundCopyJob2_SetPriority(This, Val)                             \
  ((This)->lpVtbl->SetPriority(This, Val))
#define IBackgroundCopyJob2_GetPriority(This, pVal)                            \
  ((This)->lpVtbl->GetPriority(This, pVal))
#define IBackgroundCopyJob2_SetNotifyFlags(This, Val)                          \
  ((This)->lpVtbl->SetNotifyFlags(This, Val))
#define IBackgroundCopyJob2_GetNotifyFlags(This, pVal)                         \
  ((This)->lpVtbl->GetNotifyFlags(This, pVal))
#define IBackgroundCopyJob2_SetNotifyInterface(This, Val)                      \
  ((This)->lpVtbl->SetNotifyInterface(This, Val))
#define IBackgroundCopyJob2_GetNotifyInterface(This, pVal)                     \
  ((This)->lpVtbl->GetNotifyInterface(This, pVal))
#define IBackgroundCopyJob2_SetMinimumRetryDelay(This, Seconds)                \
  ((This)->lpVtbl->SetMinimumRetryDelay(This, Seconds))
#define IBackgroundCopyJob2_GetMinimumRetryDelay(This, Seconds)                \
  ((This)->lpVtbl->GetMinimumRetryDelay(This, Seconds))
#define IBackgroundCopyJob2_SetNoProgressTimeout(This, Seconds)                \
  ((This)->lpVtbl->SetNoProgressTimeout(This, Seconds))
#define IBackgroundCopyJob2_GetNoProgressTimeout(This, Seconds)                \
  ((This)->lpVtbl->GetNoProgressTimeout(This, Seconds))
#define IBackgroundCopyJob2_GetErrorCount(This, Errors)                        \
  ((This)->lpVtbl->GetErrorCount(This, Errors))
#define IBackgroundCopyJob2_SetProxySettings(This, ProxyUsage, ProxyList,      \
                                             ProxyBypassList)                  \
  ((This)->lpVtbl->SetProxySettings(This, ProxyUsage, ProxyList,               \
                                    ProxyBypassList))
#define IBackgroundCopyJob2_GetProxySettings(This, pProxyUsage, pProxyList,    \
                                             pProxyBypassList)                 \
  ((This)->lpVtbl->GetProxySettings(This, pProxyUsage, pProxyList,             \
                                    pProxyBypassList))
#define IBackgroundCopyJob2_TakeOwnership(This)                                \
  ((This)->lpVtbl->TakeOwnership(This))
#define IBackgroundCopyJob2_SetNotifyCmdLine(This, Program, Parameters)        \
  ((This)->lpVtbl->SetNotifyCmdLine(This, Program, Parameters))
#define IBackgroundCopyJob2_GetNotifyCmdLine(This, pProgram, pParameters)      \
  ((This)->lpVtbl->GetNotifyCmdLine(This, pProgram, pParameters))
#define IBackgroundCopyJob2_GetReplyProgress(This, pProgress)                  \
  ((This)->lpVtbl->GetReplyProgress(This, pProgress))
#define IBackgroundCopyJob2_GetReplyData(This, ppBuffer, pLength)              \
  ((This)->lpVtbl->GetReplyData(This, ppBuffer, pLength))
#define IBackgroundCopyJob2_SetReplyFileName(This, ReplyFileName)              \
  ((This)->lpVtbl->SetReplyFileName(This, ReplyFileName))
#define IBackgroundCopyJob2_GetReplyFileName(This, pReplyFileName)             \
  ((This)->lpVtbl->GetReplyFileName(This, pReplyFileName))
#define IBackgroundCopyJob2_SetCredentials(This, credentials)                  \
  ((This)->lpVtbl->SetCredentials(This, credentials))
#define IBackgroundCopyJob2_RemoveCredentials(This, Target, Scheme)            \
  ((This)->lpVtbl->RemoveCredentials(This, Target, Scheme))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyJob2_INTERFACE_DEFINED__ */

/* The coclass to pass to CoCreateInstance (reference §1.1). */
DEFINE_GUID(CLSID_BackgroundCopyManager1_5, 0xf087771f, 0xd74f, 0x4c1a, 0xbb,
            0x8a, 0xe1, 0x6a, 0xca, 0x91, 0x24, 0xea);
#ifdef __cplusplus
class DECLSPEC_UUID("f087771f-d74f-4c1a-bb8a-e16aca9124ea")
    BackgroundCopyManager1_5;
#endif

#ifdef __cplusplus
}
#endif

/* As in the SDK, each version header ends by including the next, so
 * that <bits.h> alone declares every version. */
#include <bits2_0.h>

#endif /* __bits1_5_h__ */
