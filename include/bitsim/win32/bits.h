/* bitsim — <bits.h> for Linux. BITS 1.0 (Windows XP): the manager, jobs, files,
 * errors, their enumerators and the notification callback, with the BG_* types
 * of reference §2. Like the Windows SDK header it ends by including
 * <bits1_5.h>, so one #include <bits.h> declares every BITS version.
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

#ifndef __bits_h__
#define __bits_h__

/* Forward declarations. */
#ifndef __IBackgroundCopyFile_FWD_DEFINED__
#define __IBackgroundCopyFile_FWD_DEFINED__
typedef struct IBackgroundCopyFile IBackgroundCopyFile;
#endif
#ifndef __IEnumBackgroundCopyFiles_FWD_DEFINED__
#define __IEnumBackgroundCopyFiles_FWD_DEFINED__
typedef struct IEnumBackgroundCopyFiles IEnumBackgroundCopyFiles;
#endif
#ifndef __IBackgroundCopyError_FWD_DEFINED__
#define __IBackgroundCopyError_FWD_DEFINED__
typedef struct IBackgroundCopyError IBackgroundCopyError;
#endif
#ifndef __IBackgroundCopyJob_FWD_DEFINED__
#define __IBackgroundCopyJob_FWD_DEFINED__
typedef struct IBackgroundCopyJob IBackgroundCopyJob;
#endif
#ifndef __IEnumBackgroundCopyJobs_FWD_DEFINED__
#define __IEnumBackgroundCopyJobs_FWD_DEFINED__
typedef struct IEnumBackgroundCopyJobs IEnumBackgroundCopyJobs;
#endif
#ifndef __IBackgroundCopyCallback_FWD_DEFINED__
#define __IBackgroundCopyCallback_FWD_DEFINED__
typedef struct IBackgroundCopyCallback IBackgroundCopyCallback;
#endif
#ifndef __IBackgroundCopyManager_FWD_DEFINED__
#define __IBackgroundCopyManager_FWD_DEFINED__
typedef struct IBackgroundCopyManager IBackgroundCopyManager;
#endif
#ifndef __BackgroundCopyManager_FWD_DEFINED__
#define __BackgroundCopyManager_FWD_DEFINED__
#ifdef __cplusplus
typedef class BackgroundCopyManager BackgroundCopyManager;
#else
typedef struct BackgroundCopyManager BackgroundCopyManager;
#endif
#endif

#include <unknwn.h>

#ifdef __cplusplus
extern "C" {
#endif

#include <bitsmsg.h>

/* Size not known yet (reference §2.7). */
#define BG_SIZE_UNKNOWN (UINT64)(-1)

/* Notification flags for SetNotifyFlags (reference §2.6). */
#define BG_NOTIFY_JOB_TRANSFERRED 0x0001
#define BG_NOTIFY_JOB_ERROR 0x0002
#define BG_NOTIFY_DISABLE 0x0004
#define BG_NOTIFY_JOB_MODIFICATION 0x0008
#define BG_NOTIFY_FILE_TRANSFERRED 0x0010
#define BG_NOTIFY_FILE_RANGES_TRANSFERRED 0x0020

/* EnumJobs flag: every user's jobs (reference §1.3). */
#define BG_JOB_ENUM_ALL_USERS 0x0001

typedef struct _BG_FILE_PROGRESS {
  UINT64 BytesTotal;
  UINT64 BytesTransferred;
  BOOL Completed;
} BG_FILE_PROGRESS;

/* Where an error happened (reference §2.5). */
typedef enum __MIDL_IBackgroundCopyError_0001 {
  BG_ERROR_CONTEXT_NONE = 0,
  BG_ERROR_CONTEXT_UNKNOWN = 1,
  BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER = 2,
  BG_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION = 3,
  BG_ERROR_CONTEXT_LOCAL_FILE = 4,
  BG_ERROR_CONTEXT_REMOTE_FILE = 5,
  BG_ERROR_CONTEXT_GENERAL_TRANSPORT = 6,
  BG_ERROR_CONTEXT_REMOTE_APPLICATION = 7,
  BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK = 8
} BG_ERROR_CONTEXT;

typedef struct _BG_FILE_INFO {
  LPWSTR RemoteName;
  LPWSTR LocalName;
} BG_FILE_INFO;

typedef struct _BG_JOB_PROGRESS {
  UINT64 BytesTotal;
  UINT64 BytesTransferred;
  ULONG FilesTotal;
  ULONG FilesTransferred;
} BG_JOB_PROGRESS;

typedef struct _BG_JOB_TIMES {
  FILETIME CreationTime;
  FILETIME ModificationTime;
  FILETIME TransferCompletionTime;
} BG_JOB_TIMES;

/* Reference §2.3: NORMAL is the default. */
typedef enum __MIDL_IBackgroundCopyJob_0001 {
  BG_JOB_PRIORITY_FOREGROUND = 0,
  BG_JOB_PRIORITY_HIGH = 1,
  BG_JOB_PRIORITY_NORMAL = 2,
  BG_JOB_PRIORITY_LOW = 3
} BG_JOB_PRIORITY;

/* Reference §2.1. */
typedef enum __MIDL_IBackgroundCopyJob_0002 {
  BG_JOB_STATE_QUEUED = 0,
  BG_JOB_STATE_CONNECTING = 1,
  BG_JOB_STATE_TRANSFERRING = 2,
  BG_JOB_STATE_SUSPENDED = 3,
  BG_JOB_STATE_ERROR = 4,
  BG_JOB_STATE_TRANSIENT_ERROR = 5,
  BG_JOB_STATE_TRANSFERRED = 6,
  BG_JOB_STATE_ACKNOWLEDGED = 7,
  BG_JOB_STATE_CANCELLED = 8
} BG_JOB_STATE;

/* Reference §2.2. */
typedef enum __MIDL_IBackgroundCopyJob_0003 {
  BG_JOB_TYPE_DOWNLOAD = 0,
  BG_JOB_TYPE_UPLOAD = 1,
  BG_JOB_TYPE_UPLOAD_REPLY = 2
} BG_JOB_TYPE;

/* Reference §2.4: PRECONFIG is the default. */
typedef enum __MIDL_IBackgroundCopyJob_0004 {
  BG_JOB_PROXY_USAGE_PRECONFIG = 0,
  BG_JOB_PROXY_USAGE_NO_PROXY = 1,
  BG_JOB_PROXY_USAGE_OVERRIDE = 2,
  BG_JOB_PROXY_USAGE_AUTODETECT = 3
} BG_JOB_PROXY_USAGE;

/* IBackgroundCopyFile (reference §1.9) */
#ifndef __IBackgroundCopyFile_INTERFACE_DEFINED__
#define __IBackgroundCopyFile_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyFile, 0x01b7bd23, 0xfb88, 0x4a77, 0x84, 0x90,
            0x58, 0x91, 0xd3, 0xe4, 0x65, 0x3a);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyFile : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE GetRemoteName(LPWSTR *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetLocalName(LPWSTR *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetProgress(BG_FILE_PROGRESS *pVal) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyFileVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyFile *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyFile *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyFile *This);
  HRESULT(STDMETHODCALLTYPE *GetRemoteName)
  (IBackgroundCopyFile *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *GetLocalName)
  (IBackgroundCopyFile *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *GetProgress)
  (IBackgroundCopyFile *This, BG_FILE_PROGRESS *pVal);
  END_INTERFACE
} IBackgroundCopyFileVtbl;

struct IBackgroundCopyFile {
  CONST_VTBL struct IBackgroundCopyFileVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyFile_QueryInterface(This, riid, ppvObject)              \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyFile_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyFile_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyFile_GetRemoteName(This, pVal)                          \
  ((This)->lpVtbl->GetRemoteName(This, pVal))
#define IBackgroundCopyFile_GetLocalName(This, pVal)                           \
  ((This)->lpVtbl->GetLocalName(This, pVal))
#define IBackgroundCopyFile_GetProgress(This, pVal)                            \
  ((This)->lpVtbl->GetProgress(This, pVal))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyFile_INTERFACE_DEFINED__ */

/* IEnumBackgroundCopyFiles (reference §1.10) */
#ifndef __IEnumBackgroundCopyFiles_INTERFACE_DEFINED__
#define __IEnumBackgroundCopyFiles_INTERFACE_DEFINED__

DEFINE_GUID(IID_IEnumBackgroundCopyFiles, 0xca51e165, 0xc365, 0x424c, 0x8d,
            0x41, 0x24, 0xaa, 0xa4, 0xff, 0x3c, 0x40);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IEnumBackgroundCopyFiles : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE Next(ULONG celt,
                                         IBackgroundCopyFile **rgelt,
                                         ULONG *pceltFetched) = 0;
  virtual HRESULT STDMETHODCALLTYPE Skip(ULONG celt) = 0;
  virtual HRESULT STDMETHODCALLTYPE Reset(void) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  Clone(IEnumBackgroundCopyFiles **ppenum) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetCount(ULONG *puCount) = 0;
};
#else /* C style interface */
typedef struct IEnumBackgroundCopyFilesVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IEnumBackgroundCopyFiles *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IEnumBackgroundCopyFiles *This);
  ULONG(STDMETHODCALLTYPE *Release)(IEnumBackgroundCopyFiles *This);
  HRESULT(STDMETHODCALLTYPE *Next)
  (IEnumBackgroundCopyFiles *This, ULONG celt, IBackgroundCopyFile **rgelt,
   ULONG *pceltFetched);
  HRESULT(STDMETHODCALLTYPE *Skip)(IEnumBackgroundCopyFiles *This, ULONG celt);
  HRESULT(STDMETHODCALLTYPE *Reset)(IEnumBackgroundCopyFiles *This);
  HRESULT(STDMETHODCALLTYPE *Clone)
  (IEnumBackgroundCopyFiles *This, IEnumBackgroundCopyFiles **ppenum);
  HRESULT(STDMETHODCALLTYPE *GetCount)
  (IEnumBackgroundCopyFiles *This, ULONG *puCount);
  END_INTERFACE
} IEnumBackgroundCopyFilesVtbl;

struct IEnumBackgroundCopyFiles {
  CONST_VTBL struct IEnumBackgroundCopyFilesVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IEnumBackgroundCopyFiles_QueryInterface(This, riid, ppvObject)         \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IEnumBackgroundCopyFiles_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IEnumBackgroundCopyFiles_Release(This) ((This)->lpVtbl->Release(This))
#define IEnumBackgroundCopyFiles_Next(This, celt, rgelt, pceltFetched)         \
  ((This)->lpVtbl->Next(This, celt, rgelt, pceltFetched))
#define IEnumBackgroundCopyFiles_Skip(This, celt)                              \
  ((This)->lpVtbl->Skip(This, celt))
#define IEnumBackgroundCopyFiles_Reset(This) ((This)->lpVtbl->Reset(This))
#define IEnumBackgroundCopyFiles_Clone(This, ppenum)                           \
  ((This)->lpVtbl->Clone(This, ppenum))
#define IEnumBackgroundCopyFiles_GetCount(This, puCount)                       \
  ((This)->lpVtbl->GetCount(This, puCount))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IEnumBackgroundCopyFiles_INTERFACE_DEFINED__ */

/* IBackgroundCopyError (reference §1.11) */
#ifndef __IBackgroundCopyError_INTERFACE_DEFINED__
#define __IBackgroundCopyError_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyError, 0x19c613a0, 0xfcb8, 0x4f28, 0x81, 0xae,
            0x89, 0x7c, 0x3d, 0x07, 0x8f, 0x81);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyError : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE GetError(BG_ERROR_CONTEXT *pContext,
                                             HRESULT *pCode) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetFile(IBackgroundCopyFile **pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  GetErrorDescription(DWORD LanguageId, LPWSTR *pErrorDescription) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  GetErrorContextDescription(DWORD LanguageId, LPWSTR *pContextDescription) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetProtocol(LPWSTR *pProtocol) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyErrorVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyError *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyError *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyError *This);
  HRESULT(STDMETHODCALLTYPE *GetError)
  (IBackgroundCopyError *This, BG_ERROR_CONTEXT *pContext, HRESULT *pCode);
  HRESULT(STDMETHODCALLTYPE *GetFile)
  (IBackgroundCopyError *This, IBackgroundCopyFile **pVal);
  HRESULT(STDMETHODCALLTYPE *GetErrorDescription)
  (IBackgroundCopyError *This, DWORD LanguageId, LPWSTR *pErrorDescription);
  HRESULT(STDMETHODCALLTYPE *GetErrorContextDescription)
  (IBackgroundCopyError *This, DWORD LanguageId, LPWSTR *pContextDescription);
  HRESULT(STDMETHODCALLTYPE *GetProtocol)
  (IBackgroundCopyError *This, LPWSTR *pProtocol);
  END_INTERFACE
} IBackgroundCopyErrorVtbl;

struct IBackgroundCopyError {
  CONST_VTBL struct IBackgroundCopyErrorVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyError_QueryInterface(This, riid, ppvObject)             \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyError_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyError_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyError_GetError(This, pContext, pCode)                   \
  ((This)->lpVtbl->GetError(This, pContext, pCode))
#define IBackgroundCopyError_GetFile(This, pVal)                               \
  ((This)->lpVtbl->GetFile(This, pVal))
#define IBackgroundCopyError_GetErrorDescription(This, LanguageId,             \
                                                 pErrorDescription)            \
  ((This)->lpVtbl->GetErrorDescription(This, LanguageId, pErrorDescription))
#define IBackgroundCopyError_GetErrorContextDescription(This, LanguageId,      \
                                                        pContextDescription)   \
  ((This)->lpVtbl->GetErrorContextDescription(This, LanguageId,                \
                                              pContextDescription))
#define IBackgroundCopyError_GetProtocol(This, pProtocol)                      \
  ((This)->lpVtbl->GetProtocol(This, pProtocol))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyError_INTERFACE_DEFINED__ */

/* IBackgroundCopyJob (reference §1.4) */
#ifndef __IBackgroundCopyJob_INTERFACE_DEFINED__
#define __IBackgroundCopyJob_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyJob, 0x37668d37, 0x507e, 0x4160, 0x93, 0x16,
            0x26, 0x30, 0x6d, 0x15, 0x0b, 0x12);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyJob : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE AddFileSet(ULONG cFileCount,
                                               BG_FILE_INFO *pFileSet) = 0;
  virtual HRESULT STDMETHODCALLTYPE AddFile(LPCWSTR RemoteUrl,
                                            LPCWSTR LocalName) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  EnumFiles(IEnumBackgroundCopyFiles **pEnum) = 0;
  virtual HRESULT STDMETHODCALLTYPE Suspend(void) = 0;
  virtual HRESULT STDMETHODCALLTYPE Resume(void) = 0;
  virtual HRESULT STDMETHODCALLTYPE Cancel(void) = 0;
  virtual HRESULT STDMETHODCALLTYPE Complete(void) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetId(GUID *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetType(BG_JOB_TYPE *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetProgress(BG_JOB_PROGRESS *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetTimes(BG_JOB_TIMES *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetState(BG_JOB_STATE *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  GetError(IBackgroundCopyError **ppError) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetOwner(LPWSTR *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetDisplayName(LPCWSTR Val) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetDisplayName(LPWSTR *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetDescription(LPCWSTR Val) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetDescription(LPWSTR *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetPriority(BG_JOB_PRIORITY Val) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetPriority(BG_JOB_PRIORITY *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetNotifyFlags(ULONG Val) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetNotifyFlags(ULONG *pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetNotifyInterface(IUnknown *Val) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetNotifyInterface(IUnknown **pVal) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetMinimumRetryDelay(ULONG Seconds) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetMinimumRetryDelay(ULONG *Seconds) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetNoProgressTimeout(ULONG Seconds) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetNoProgressTimeout(ULONG *Seconds) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetErrorCount(ULONG *Errors) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  SetProxySettings(BG_JOB_PROXY_USAGE ProxyUsage, const WCHAR *ProxyList,
                   const WCHAR *ProxyBypassList) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  GetProxySettings(BG_JOB_PROXY_USAGE *pProxyUsage, LPWSTR *pProxyList,
                   LPWSTR *pProxyBypassList) = 0;
  virtual HRESULT STDMETHODCALLTYPE TakeOwnership(void) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyJobVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyJob *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyJob *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyJob *This);
  HRESULT(STDMETHODCALLTYPE *AddFileSet)
  (IBackgroundCopyJob *This, ULONG cFileCount, BG_FILE_INFO *pFileSet);
  HRESULT(STDMETHODCALLTYPE *AddFile)
  (IBackgroundCopyJob *This, LPCWSTR RemoteUrl, LPCWSTR LocalName);
  HRESULT(STDMETHODCALLTYPE *EnumFiles)
  (IBackgroundCopyJob *This, IEnumBackgroundCopyFiles **pEnum);
  HRESULT(STDMETHODCALLTYPE *Suspend)(IBackgroundCopyJob *This);
  HRESULT(STDMETHODCALLTYPE *Resume)(IBackgroundCopyJob *This);
  HRESULT(STDMETHODCALLTYPE *Cancel)(IBackgroundCopyJob *This);
  HRESULT(STDMETHODCALLTYPE *Complete)(IBackgroundCopyJob *This);
  HRESULT(STDMETHODCALLTYPE *GetId)(IBackgroundCopyJob *This, GUID *pVal);
  HRESULT(STDMETHODCALLTYPE *GetType)
  (IBackgroundCopyJob *This, BG_JOB_TYPE *pVal);
  HRESULT(STDMETHODCALLTYPE *GetProgress)
  (IBackgroundCopyJob *This, BG_JOB_PROGRESS *pVal);
  HRESULT(STDMETHODCALLTYPE *GetTimes)
  (IBackgroundCopyJob *This, BG_JOB_TIMES *pVal);
  HRESULT(STDMETHODCALLTYPE *GetState)
  (IBackgroundCopyJob *This, BG_JOB_STATE *pVal);
  HRESULT(STDMETHODCALLTYPE *GetError)
  (IBackgroundCopyJob *This, IBackgroundCopyError **ppError);
  HRESULT(STDMETHODCALLTYPE *GetOwner)(IBackgroundCopyJob *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *SetDisplayName)
  (IBackgroundCopyJob *This, LPCWSTR Val);
  HRESULT(STDMETHODCALLTYPE *GetDisplayName)
  (IBackgroundCopyJob *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *SetDescription)
  (IBackgroundCopyJob *This, LPCWSTR Val);
  HRESULT(STDMETHODCALLTYPE *GetDescription)
  (IBackgroundCopyJob *This, LPWSTR *pVal);
  HRESULT(STDMETHODCALLTYPE *SetPriority)
  (IBackgroundCopyJob *This, BG_JOB_PRIORITY Val);
  HRESULT(STDMETHODCALLTYPE *GetPriority)
  (IBackgroundCopyJob *This, BG_JOB_PRIORITY *pVal);
  HRESULT(STDMETHODCALLTYPE *SetNotifyFlags)
  (IBackgroundCopyJob *This, ULONG Val);
  HRESULT(STDMETHODCALLTYPE *GetNotifyFlags)
  (IBackgroundCopyJob *This, ULONG *pVal);
  HRESULT(STDMETHODCALLTYPE *SetNotifyInterface)
  (IBackgroundCopyJob *This, IUnknown *Val);
  HRESULT(STDMETHODCALLTYPE *GetNotifyInterface)
  (IBackgroundCopyJob *This, IUnknown **pVal);
  HRESULT(STDMETHODCALLTYPE *SetMinimumRetryDelay)
  (IBackgroundCopyJob *This, ULONG Seconds);
  HRESULT(STDMETHODCALLTYPE *GetMinimumRetryDelay)
  (IBackgroundCopyJob *This, ULONG *Seconds);
  HRESULT(STDMETHODCALLTYPE *SetNoProgressTimeout)
  (IBackgroundCopyJob *This, ULONG Seconds);
  HRESULT(STDMETHODCALLTYPE *GetNoProgressTimeout)
  (IBackgroundCopyJob *This, ULONG *Seconds);
  HRESULT(STDMETHODCALLTYPE *GetErrorCount)
  (IBackgroundCopyJob *This, ULONG *Errors);
  HRESULT(STDMETHODCALLTYPE *SetProxySettings)
  (IBackgroundCopyJob *This, BG_JOB_PROXY_USAGE ProxyUsage,
   const WCHAR *ProxyList, const WCHAR *ProxyBypassList);
  HRESULT(STDMETHODCALLTYPE *GetProxySettings)
  (IBackgroundCopyJob *This, BG_JOB_PROXY_USAGE *pProxyUsage,
   LPWSTR *pProxyList, LPWSTR *pProxyBypassList);
  HRESULT(STDMETHODCALLTYPE *TakeOwnership)(IBackgroundCopyJob *This);
  END_INTERFACE
} IBackgroundCopyJobVtbl;

struct IBackgroundCopyJob {
  CONST_VTBL struct IBackgroundCopyJobVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyJob_QueryInterface(This, riid, ppvObject)               \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyJob_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyJob_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyJob_AddFileSet(This, cFileCount, pFileSet)              \
  ((This)->lpVtbl->AddFileSet(This, cFileCount, pFileSet))
#define IBackgroundCopyJob_AddFile(This, RemoteUrl, LocalName)                 \
  ((This)->lpVtbl->AddFile(This, RemoteUrl, LocalName))
#define IBackgroundCopyJob_EnumFiles(This, pEnum)                              \
  ((This)->lpVtbl->EnumFiles(This, pEnum))
#define IBackgroundCopyJob_Suspend(This) ((This)->lpVtbl->Suspend(This))
#define IBackgroundCopyJob_Resume(This) ((This)->lpVtbl->Resume(This))
#define IBackgroundCopyJob_Cancel(This) ((This)->lpVtbl->Cancel(This))
#define IBackgroundCopyJob_Complete(This) ((This)->lpVtbl->Complete(This))
#define IBackgroundCopyJob_GetId(This, pVal) ((This)->lpVtbl->GetId(This, pVal))
#define IBackgroundCopyJob_GetType(This, pVal)                                 \
  ((This)->lpVtbl->GetType(This, pVal))
#define IBackgroundCopyJob_GetProgress(This, pVal)                             \
  ((This)->lpVtbl->GetProgress(This, pVal))
#define IBackgroundCopyJob_GetTimes(This, pVal)                                \
  ((This)->lpVtbl->GetTimes(This, pVal))
#define IBackgroundCopyJob_GetState(This, pVal)                                \
  ((This)->lpVtbl->GetState(This, pVal))
#define IBackgroundCopyJob_GetError(This, ppError)                             \
  ((This)->lpVtbl->GetError(This, ppError))
#define IBackgroundCopyJob_GetOwner(This, pVal)                                \
  ((This)->lpVtbl->GetOwner(This, pVal))
#define IBackgroundCopyJob_SetDisplayName(This, Val)                           \
  ((This)->lpVtbl->SetDisplayName(This, Val))
#define IBackgroundCopyJob_GetDisplayName(This, pVal)                          \
  ((This)->lpVtbl->GetDisplayName(This, pVal))
#define IBackgroundCopyJob_SetDescription(This, Val)                           \
  ((This)->lpVtbl->SetDescription(This, Val))
#define IBackgroundCopyJob_GetDescription(This, pVal)                          \
  ((This)->lpVtbl->GetDescription(This, pVal))
#define IBackgroundCopyJob_SetPriority(This, Val)                              \
  ((This)->lpVtbl->SetPriority(This, Val))
#define IBackgroundCopyJob_GetPriority(This, pVal)                             \
  ((This)->lpVtbl->GetPriority(This, pVal))
#define IBackgroundCopyJob_SetNotifyFlags(This, Val)                           \
  ((This)->lpVtbl->SetNotifyFlags(This, Val))
#define IBackgroundCopyJob_GetNotifyFlags(This, pVal)                          \
  ((This)->lpVtbl->GetNotifyFlags(This, pVal))
#define IBackgroundCopyJob_SetNotifyInterface(This, Val)                       \
  ((This)->lpVtbl->SetNotifyInterface(This, Val))
#define IBackgroundCopyJob_GetNotifyInterface(This, pVal)                      \
  ((This)->lpVtbl->GetNotifyInterface(This, pVal))
#define IBackgroundCopyJob_SetMinimumRetryDelay(This, Seconds)                 \
  ((This)->lpVtbl->SetMinimumRetryDelay(This, Seconds))
#define IBackgroundCopyJob_GetMinimumRetryDelay(This, Seconds)                 \
  ((This)->lpVtbl->GetMinimumRetryDelay(This, Seconds))
#define IBackgroundCopyJob_SetNoProgressTimeout(This, Seconds)                 \
  ((This)->lpVtbl->SetNoProgressTimeout(This, Seconds))
#define IBackgroundCopyJob_GetNoProgressTimeout(This, Seconds)                 \
  ((This)->lpVtbl->GetNoProgressTimeout(This, Seconds))
#define IBackgroundCopyJob_GetErrorCount(This, Errors)                         \
  ((This)->lpVtbl->GetErrorCount(This, Errors))
#define IBackgroundCopyJob_SetProxySettings(This, ProxyUsage, ProxyList,       \
                                            ProxyBypassList)                   \
  ((This)->lpVtbl->SetProxySettings(This, ProxyUsage, ProxyList,               \
                                    ProxyBypassList))
#define IBackgroundCopyJob_GetProxySettings(This, pProxyUsage, pProxyList,     \
                                            pProxyBypassList)                  \
  ((This)->lpVtbl->GetProxySettings(This, pProxyUsage, pProxyList,             \
                                    pProxyBypassList))
#define IBackgroundCopyJob_TakeOwnership(This)                                 \
  ((This)->lpVtbl->TakeOwnership(This))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyJob_INTERFACE_DEFINED__ */

/* IEnumBackgroundCopyJobs (reference §1.10) */
#ifndef __IEnumBackgroundCopyJobs_INTERFACE_DEFINED__
#define __IEnumBackgroundCopyJobs_INTERFACE_DEFINED__

DEFINE_GUID(IID_IEnumBackgroundCopyJobs, 0x1af4f612, 0x3b71, 0x466f, 0x8f, 0x58,
            0x7b, 0x6f, 0x73, 0xac, 0x57, 0xad);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IEnumBackgroundCopyJobs : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE Next(ULONG celt, IBackgroundCopyJob **rgelt,
                                         ULONG *pceltFetched) = 0;
  virtual HRESULT STDMETHODCALLTYPE Skip(ULONG celt) = 0;
  virtual HRESULT STDMETHODCALLTYPE Reset(void) = 0;
  virtual HRESULT STDMETHODCALLTYPE Clone(IEnumBackgroundCopyJobs **ppenum) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetCount(ULONG *puCount) = 0;
};
#else /* C style interface */
typedef struct IEnumBackgroundCopyJobsVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IEnumBackgroundCopyJobs *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IEnumBackgroundCopyJobs *This);
  ULONG(STDMETHODCALLTYPE *Release)(IEnumBackgroundCopyJobs *This);
  HRESULT(STDMETHODCALLTYPE *Next)
  (IEnumBackgroundCopyJobs *This, ULONG celt, IBackgroundCopyJob **rgelt,
   ULONG *pceltFetched);
  HRESULT(STDMETHODCALLTYPE *Skip)(IEnumBackgroundCopyJobs *This, ULONG celt);
  HRESULT(STDMETHODCALLTYPE *Reset)(IEnumBackgroundCopyJobs *This);
  HRESULT(STDMETHODCALLTYPE *Clone)
  (IEnumBackgroundCopyJobs *This, IEnumBackgroundCopyJobs **ppenum);
  HRESULT(STDMETHODCALLTYPE *GetCount)
  (IEnumBackgroundCopyJobs *This, ULONG *puCount);
  END_INTERFACE
} IEnumBackgroundCopyJobsVtbl;

struct IEnumBackgroundCopyJobs {
  CONST_VTBL struct IEnumBackgroundCopyJobsVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IEnumBackgroundCopyJobs_QueryInterface(This, riid, ppvObject)          \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IEnumBackgroundCopyJobs_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IEnumBackgroundCopyJobs_Release(This) ((This)->lpVtbl->Release(This))
#define IEnumBackgroundCopyJobs_Next(This, celt, rgelt, pceltFetched)          \
  ((This)->lpVtbl->Next(This, celt, rgelt, pceltFetched))
#define IEnumBackgroundCopyJobs_Skip(This, celt)                               \
  ((This)->lpVtbl->Skip(This, celt))
#define IEnumBackgroundCopyJobs_Reset(This) ((This)->lpVtbl->Reset(This))
#define IEnumBackgroundCopyJobs_Clone(This, ppenum)                            \
  ((This)->lpVtbl->Clone(This, ppenum))
#define IEnumBackgroundCopyJobs_GetCount(This, puCount)                        \
  ((This)->lpVtbl->GetCount(This, puCount))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IEnumBackgroundCopyJobs_INTERFACE_DEFINED__ */

/* IBackgroundCopyCallback (reference §1.12) */
#ifndef __IBackgroundCopyCallback_INTERFACE_DEFINED__
#define __IBackgroundCopyCallback_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyCallback, 0x97ea99c7, 0x0186, 0x4ad4, 0x8d, 0xf9,
            0xc5, 0xb4, 0xe0, 0xed, 0x6b, 0x22);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyCallback : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE
  JobTransferred(IBackgroundCopyJob *pJob) = 0;
  virtual HRESULT STDMETHODCALLTYPE JobError(IBackgroundCopyJob *pJob,
                                             IBackgroundCopyError *pError) = 0;
  virtual HRESULT STDMETHODCALLTYPE JobModification(IBackgroundCopyJob *pJob,
                                                    DWORD dwReserved) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyCallbackVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyCallback *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyCallback *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyCallback *This);
  HRESULT(STDMETHODCALLTYPE *JobTransferred)
  (IBackgroundCopyCallback *This, IBackgroundCopyJob *pJob);
  HRESULT(STDMETHODCALLTYPE *JobError)
  (IBackgroundCopyCallback *This, IBackgroundCopyJob *pJob,
   IBackgroundCopyError *pError);
  HRESULT(STDMETHODCALLTYPE *JobModification)
  (IBackgroundCopyCallback *This, IBackgroundCopyJob *pJob, DWORD dwReserved);
  END_INTERFACE
} IBackgroundCopyCallbackVtbl;

struct IBackgroundCopyCallback {
  CONST_VTBL struct IBackgroundCopyCallbackVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyCallback_QueryInterface(This, riid, ppvObject)          \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyCallback_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyCallback_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyCallback_JobTransferred(This, pJob)                     \
  ((This)->lpVtbl->JobTransferred(This, pJob))
#define IBackgroundCopyCallback_JobError(This, pJob, pError)                   \
  ((This)->lpVtbl->JobError(This, pJob, pError))
#define IBackgroundCopyCallback_JobModification(This, pJob, dwReserved)        \
  ((This)->lpVtbl->JobModification(This, pJob, dwReserved))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyCallback_INTERFACE_DEFINED__ */

/* IBackgroundCopyManager (reference §1.3) */
#ifndef __IBackgroundCopyManager_INTERFACE_DEFINED__
#define __IBackgroundCopyManager_INTERFACE_DEFINED__

DEFINE_GUID(IID_IBackgroundCopyManager, 0x5ce34c0d, 0x0dc9, 0x4c1f, 0x89, 0x7c,
            0xda, 0xa1, 0xb7, 0x8c, 0xee, 0x7c);

#if defined(__cplusplus) && !defined(CINTERFACE)
struct IBackgroundCopyManager : public IUnknown {
public:
  virtual HRESULT STDMETHODCALLTYPE CreateJob(LPCWSTR DisplayName,
                                              BG_JOB_TYPE Type, GUID *pJobId,
                                              IBackgroundCopyJob **ppJob) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetJob(REFGUID jobID,
                                           IBackgroundCopyJob **ppJob) = 0;
  virtual HRESULT STDMETHODCALLTYPE
  EnumJobs(DWORD dwFlags, IEnumBackgroundCopyJobs **ppEnum) = 0;
  virtual HRESULT STDMETHODCALLTYPE GetErrorDescription(
      HRESULT hResult, DWORD LanguageId, LPWSTR *pErrorDescription) = 0;
};
#else /* C style interface */
typedef struct IBackgroundCopyManagerVtbl {
  BEGIN_INTERFACE
  HRESULT(STDMETHODCALLTYPE *QueryInterface)
  (IBackgroundCopyManager *This, REFIID riid, void **ppvObject);
  ULONG(STDMETHODCALLTYPE *AddRef)(IBackgroundCopyManager *This);
  ULONG(STDMETHODCALLTYPE *Release)(IBackgroundCopyManager *This);
  HRESULT(STDMETHODCALLTYPE *CreateJob)
  (IBackgroundCopyManager *This, LPCWSTR DisplayName, BG_JOB_TYPE Type,
   GUID *pJobId, IBackgroundCopyJob **ppJob);
  HRESULT(STDMETHODCALLTYPE *GetJob)
  (IBackgroundCopyManager *This, REFGUID jobID, IBackgroundCopyJob **ppJob);
  HRESULT(STDMETHODCALLTYPE *EnumJobs)
  (IBackgroundCopyManager *This, DWORD dwFlags,
   IEnumBackgroundCopyJobs **ppEnum);
  HRESULT(STDMETHODCALLTYPE *GetErrorDescription)
  (IBackgroundCopyManager *This, HRESULT hResult, DWORD LanguageId,
   LPWSTR *pErrorDescription);
  END_INTERFACE
} IBackgroundCopyManagerVtbl;

struct IBackgroundCopyManager {
  CONST_VTBL struct IBackgroundCopyManagerVtbl *lpVtbl;
};

#ifdef COBJMACROS
#define IBackgroundCopyManager_QueryInterface(This, riid, ppvObject)           \
  ((This)->lpVtbl->QueryInterface(This, riid, ppvObject))
#define IBackgroundCopyManager_AddRef(This) ((This)->lpVtbl->AddRef(This))
#define IBackgroundCopyManager_Release(This) ((This)->lpVtbl->Release(This))
#define IBackgroundCopyManager_CreateJob(This, DisplayName, Type, pJobId,      \
                                         ppJob)                                \
  ((This)->lpVtbl->CreateJob(This, DisplayName, Type, pJobId, ppJob))
#define IBackgroundCopyManager_GetJob(This, jobID, ppJob)                      \
  ((This)->lpVtbl->GetJob(This, jobID, ppJob))
#define IBackgroundCopyManager_EnumJobs(This, dwFlags, ppEnum)                 \
  ((This)->lpVtbl->EnumJobs(This, dwFlags, ppEnum))
#define IBackgroundCopyManager_GetErrorDescription(This, hResult, LanguageId,  \
                                                   pErrorDescription)          \
  ((This)->lpVtbl->GetErrorDescription(This, hResult, LanguageId,              \
                                       pErrorDescription))
#endif /* COBJMACROS */
#endif /* C style interface */
#endif /* __IBackgroundCopyManager_INTERFACE_DEFINED__ */

/* The coclass to pass to CoCreateInstance (reference §1.1). */
DEFINE_GUID(CLSID_BackgroundCopyManager, 0x4991d34b, 0x80a1, 0x4291, 0x83, 0xb6,
            0x33, 0x28, 0x36, 0x6b, 0x90, 0x97);
#ifdef __cplusplus
class DECLSPEC_UUID("4991d34b-80a1-4291-83b6-3328366b9097")
    BackgroundCopyManager;
#endif

#ifdef __cplusplus
}
#endif

/* As in the SDK, each version header ends by including the next, so
 * that <bits.h> alone declares every version. */
#include <bits1_5.h>

#endif /* __bits_h__ */
