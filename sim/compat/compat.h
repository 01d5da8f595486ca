/* bitsim — the Windows binding's private interfaces (sim/compat).
 *
 * The binding is a thin layer over the public engine API: codes and enums
 * are casts (the same numbers), strings are converted between wchar_t
 * (UTF-32 on Linux) and UTF-8. This header ties its files together: the
 * process-wide service (one engine on its own thread, runtime.c and
 * service.c), the COM objects (manager_obj.c, job_obj.c, job_obj2.c,
 * file_obj.c, enum_obj.c, error_obj.c) and the callback bridge
 * (callback.c, cmdline.c). docs/compat.md describes the whole.
 */
#ifndef BSIM_COMPAT_H
#define BSIM_COMPAT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <windows.h>
#include <objbase.h>
#include <bits.h>

#include "bitsim.h"

/* COM codes the BITS headers do not need but the runtime returns. */
#define CW_CO_E_NOTINITIALIZED ((HRESULT)0x800401F0L)
#define CW_CLASS_E_NOAGGREGATION ((HRESULT)0x80040110L)
#define CW_REGDB_E_CLASSNOTREG ((HRESULT)0x80040154L)
#ifndef WAIT_FAILED
#define WAIT_FAILED ((DWORD)0xFFFFFFFFu)
#endif

/* ---- strings (wstr.c) --------------------------------------------------- */

/* wchar_t to UTF-8 (bsim__malloc'd). NULL in gives NULL out with S_OK.
 * Returns S_OK, E_INVALIDARG (not a Unicode scalar value), E_OUTOFMEMORY. */
HRESULT bsim__cw_to_utf8(const wchar_t *in, char **out);
/* UTF-8 to a CoTaskMemAlloc'd wide string in *out. */
HRESULT bsim__cw_to_wide(const char *in, LPWSTR *out);
/* As bsim__cw_to_wide, then bsim_free(in) (for engine-returned strings);
 * hr is the engine call's result, passed through when it failed. */
HRESULT bsim__cw_take(HRESULT hr, char *in, LPWSTR *out);

/* ---- the process-wide service (runtime.c, service.c) -------------------- */

enum bsim__cw_clock { CW_CLOCK_AUTO, CW_CLOCK_REAL, CW_CLOCK_MANUAL };

struct bsim__cw_event;

/* One thread blocked in Sleep or WaitForSingleObject on virtual time. */
struct bsim__cw_wait {
  struct bsim__cw_wait *next;
  struct bsim__cw_event *event; /* NULL for Sleep */
  uint64_t deadline_ms;         /* virtual; UINT64_MAX for INFINITE */
  int counted;                  /* the thread called CoInitializeEx */
  int woken;                    /* no longer counts as blocked */
  int granted;                  /* the event was signalled for it */
};

struct bsim__cw_service {
  pthread_mutex_t mu;  /* guards everything below */
  pthread_cond_t cond; /* CLOCK_MONOTONIC; broadcast on every change */
  int init_count;      /* CoInitializeEx calls not yet undone */
  int co_threads;      /* threads with CoInitializeEx in effect */
  int blocked;         /* counted waits not woken */
  struct bsim__cw_wait *waits;
  enum bsim__cw_clock clock;
  bsim_manager *mgr; /* NULL until the first CoCreateInstance */
  char *user;
  int admin;
  pthread_t thread;
  int stop;
  uint64_t pre_ms; /* virtual time spent before the engine existed */
  /* Requests from <bitsim/win32ext.h>, run on the service thread. */
  int req_kind;
  uint64_t req_ms;
  bsim_hr req_hr;
  uint64_t req_seq, done_seq;
};

extern struct bsim__cw_service bsim__cw;

/* Initialise the condition variable (once per process). */
void bsim__cw_init(void);
/* The engine, created on first use. Returns S_OK or the engine's error. */
HRESULT bsim__cw_engine(bsim_manager **mgr_out, const char **user_out);
/* Start and stop the service thread (service.c); mu held by the caller. */
int bsim__cw_service_start(void);
void bsim__cw_service_stop(void);
/* Virtual (or real) ms for GetTickCount and wait deadlines; mu held. */
uint64_t bsim__cw_now_ms_locked(void);
/* Wake waits whose deadline has passed; mu held. */
void bsim__cw_expire_waits(uint64_t now_ms);
/* Run a request on the service thread (win32ext.h). */
bsim_hr bsim__cw_request(int kind, uint64_t ms);
enum { CW_REQ_NONE, CW_REQ_IDLE, CW_REQ_ADVANCE };

/* Thread-local: inside a callback the binding delivers (waits there use
 * real time: the callback is in flight, so virtual time cannot move). */
extern _Thread_local int bsim__cw_in_callback;
extern _Thread_local int bsim__cw_co_count;

/* Real monotonic ns (sim/clock, the one place that reads clocks). */
BSIM_EXTERN uint64_t bsim__clock_real_ns(void);

/* ---- COM objects -------------------------------------------------------- */

/* The Itanium C++ ABI's std::type_info shapes (rtti.c): base is NULL for
 * __class_type_info, the one base for __si_class_type_info. */
struct bsim__cw_type_info {
  const void *const *vptr;
  const char *name;
  const struct bsim__cw_type_info *base;
};
extern const struct bsim__cw_type_info bsim__cw_ti_IUnknown;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyManager;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJob;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJob2;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJob3;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJob4;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJob5;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile2;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile3;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile4;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile5;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile6;
extern const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyError;
extern const struct bsim__cw_type_info bsim__cw_ti_IEnumBackgroundCopyJobs;
extern const struct bsim__cw_type_info bsim__cw_ti_IEnumBackgroundCopyFiles;
extern const struct bsim__cw_type_info
    bsim__cw_ti_IBackgroundCopyJobHttpOptions;

/* A vtable with the Itanium prefix C++ callers check under
 * -fsanitize=vptr: offset to top (0, or minus the interface's offset in
 * the object) and the type_info of the object's most derived interface.
 * Point lpVtbl at .v. */
#define CW_VTABLE(VtblType)                                                    \
  struct {                                                                     \
    intptr_t offset_to_top;                                                    \
    const struct bsim__cw_type_info *type_info;                                \
    VtblType v;                                                                \
  }

/* Objects alive now, over every class: back to 0 when every reference
 * was released (win32ext.h bitsim_win32_live_objects). */
extern atomic_long bsim__cw_live;

HRESULT bsim__cw_manager_new(REFIID riid, void **out);
/* A new job object (one reference) over a reference to job, which it takes
 * over. */
IBackgroundCopyJob *bsim__cw_job_new(bsim_job *job);
bsim_job *bsim__cw_job_of(IBackgroundCopyJob *iface);
IBackgroundCopyFile *bsim__cw_file_new(bsim_job *job, uint32_t index);
IBackgroundCopyError *bsim__cw_error_new(bsim_job *job,
                                         const struct bsim_job_error *e);
HRESULT bsim__cw_enum_jobs_new(bsim_job **jobs, size_t count,
                               IEnumBackgroundCopyJobs **out);
HRESULT bsim__cw_enum_files_new(bsim_job *job, IEnumBackgroundCopyFiles **out);

/* Job methods for the later interfaces (job_obj2.c). */
extern const IBackgroundCopyJobHttpOptionsVtbl *const bsim__cw_http_vtbl;
HRESULT STDMETHODCALLTYPE bsim__cw_job_QueryInterface(IBackgroundCopyJob5 *This,
                                                      REFIID riid, void **out);
ULONG STDMETHODCALLTYPE bsim__cw_job_AddRef(IBackgroundCopyJob5 *This);
ULONG STDMETHODCALLTYPE bsim__cw_job_Release(IBackgroundCopyJob5 *This);

/* Versions 2 to 5 (job_obj2.c). */
#define CW_JOB2_METHODS(X)                                                     \
  X(SetNotifyCmdLine, (IBackgroundCopyJob5 *, LPCWSTR, LPCWSTR))               \
  X(GetNotifyCmdLine, (IBackgroundCopyJob5 *, LPWSTR *, LPWSTR *))             \
  X(GetReplyProgress, (IBackgroundCopyJob5 *, BG_JOB_REPLY_PROGRESS *))        \
  X(GetReplyData, (IBackgroundCopyJob5 *, byte **, UINT64 *))                  \
  X(SetReplyFileName, (IBackgroundCopyJob5 *, LPCWSTR))                        \
  X(GetReplyFileName, (IBackgroundCopyJob5 *, LPWSTR *))                       \
  X(SetCredentials, (IBackgroundCopyJob5 *, BG_AUTH_CREDENTIALS *))            \
  X(RemoveCredentials,                                                         \
    (IBackgroundCopyJob5 *, BG_AUTH_TARGET, BG_AUTH_SCHEME))                   \
  X(ReplaceRemotePrefix, (IBackgroundCopyJob5 *, LPCWSTR, LPCWSTR))            \
  X(AddFileWithRanges,                                                         \
    (IBackgroundCopyJob5 *, LPCWSTR, LPCWSTR, DWORD, BG_FILE_RANGE *))         \
  X(SetFileACLFlags, (IBackgroundCopyJob5 *, DWORD))                           \
  X(GetFileACLFlags, (IBackgroundCopyJob5 *, DWORD *))                         \
  X(SetPeerCachingFlags, (IBackgroundCopyJob5 *, DWORD))                       \
  X(GetPeerCachingFlags, (IBackgroundCopyJob5 *, DWORD *))                     \
  X(GetOwnerIntegrityLevel, (IBackgroundCopyJob5 *, ULONG *))                  \
  X(GetOwnerElevationState, (IBackgroundCopyJob5 *, BOOL *))                   \
  X(SetMaximumDownloadTime, (IBackgroundCopyJob5 *, ULONG))                    \
  X(GetMaximumDownloadTime, (IBackgroundCopyJob5 *, ULONG *))                  \
  X(SetProperty,                                                               \
    (IBackgroundCopyJob5 *, BITS_JOB_PROPERTY_ID, BITS_JOB_PROPERTY_VALUE))    \
  X(GetProperty,                                                               \
    (IBackgroundCopyJob5 *, BITS_JOB_PROPERTY_ID, BITS_JOB_PROPERTY_VALUE *))

#define CW_DECLARE(name, args)                                                 \
  HRESULT STDMETHODCALLTYPE bsim__cw_job_##name args;
CW_JOB2_METHODS(CW_DECLARE)

/* The job object's layout, shared by job_obj.c and job_obj2.c. */
struct bsim__cw_job {
  IBackgroundCopyJob5 iface;
  IBackgroundCopyJobHttpOptions http;
  atomic_long refs;
  bsim_job *job;
};

/* ---- callbacks (callback.c, cmdline.c) ---------------------------------- */

HRESULT bsim__cw_set_notify_interface(bsim_job *job, IUnknown *unk);
HRESULT bsim__cw_get_notify_interface(bsim_job *job, IUnknown **out);
/* Split Parameters by CommandLineToArgvW's rules into a NULL-terminated
 * UTF-8 argv (bsim__malloc'd, free with bsim_strv_free). */
HRESULT bsim__cw_split_cmdline(const wchar_t *params, char ***argv_out);
/* Join argv back into one Parameters string CommandLineToArgvW splits into
 * the same argv (CoTaskMemAlloc'd). */
HRESULT bsim__cw_join_cmdline(char *const *argv, LPWSTR *out);

#endif /* BSIM_COMPAT_H */
