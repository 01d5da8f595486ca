/* bitsim — the engine core's private structures, shared by the files of
 * sim/engine/ only (other folders see jobs through sim/internal.h).
 *
 * Layout in brief:
 * - struct bsim_manager holds the lock, the options, the clock, the timer
 *   heap, the job index (GUID -> job, open addressing), the users, the
 *   run queues of the scheduler, the inactivity list and the transports.
 * - struct bsim_job is one BITS job. It is kept small because a manager is
 *   sized for a million idle jobs (engine brief: < 1 KiB each, strings and
 *   index included): one timer serves every per-job deadline (retry and
 *   no-progress in TRANSIENT_ERROR, the download-time cap while active, the
 *   states never overlap), files live in one array, and the two strings of
 *   a file share one allocation.
 * - Jobs are reference counted. The manager holds one reference while the
 *   job is not final; callers hold theirs. A final job leaves the index,
 *   the queues and the inactivity list and waits on the "retired" list
 *   until its last reference goes, so bsim_manager_free can detach it.
 *
 * Every function here expects the engine lock held.
 */
#ifndef BSIM_ENGINE_H
#define BSIM_ENGINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "internal.h"
#include "clock/clock.h"
#include "engine/job_fsm.h"

/* ---- users (reference §12) ---------------------------------------------- */

struct bsim__user {
  struct bsim__user *next;
  char *name;
  uint32_t jobs; /* non-final jobs owned */
  uint32_t refs; /* jobs pointing here (owner), for detached jobs */
  uint8_t is_admin;
  uint8_t logged_on;
  uint8_t orphaned; /* the manager is gone; freed at refs == 0 */
  uint8_t restored; /* made from the store; bsim_user_add claims it */
};

/* ---- files -------------------------------------------------------------- */

struct bsim__file {
  char *remote;         /* one allocation: remote NUL local NUL */
  char *local;          /* points into remote's block */
  uint64_t bytes_total; /* BSIM_SIZE_UNKNOWN until known */
  uint64_t bytes_done;
  uint32_t temp_id;      /* the temporary name is BIT<temp_id hex>.tmp */
  uint8_t transferred;   /* every byte is in the temporary file */
  uint8_t completed;     /* renamed into place by Complete */
  uint8_t temp_made;     /* the temporary file was created on disk */
  uint8_t from_peer;     /* the current connection is a peer's (§7, §11) */
  uint8_t valid;         /* SetValidationState(TRUE) (validation.c) */
  uint8_t peer_held;     /* a byte now in the temporary file is a peer's */
  uint64_t bytes_origin; /* GetPeerDownloadStats: bytes fetched, ever */
  uint64_t bytes_peers;
  /* AddFileWithRanges (ranges.c): the ranges as given, NULL/0 for a
   * whole file. bytes_total/bytes_done then count the local file, which
   * holds the ranges back to back (reference §1.6). */
  struct bsim_file_range *ranges;
  uint32_t range_count;
  /* What identified the remote content of the bytes in the temporary file
   * (a strong ETag or a Last-Modified date, as an If-Range would carry
   * it; bsim__xfer_validator), kept by the store so that a resume after a
   * restart still refuses to stitch two versions (reference §10). */
  char *validator;
};

/* ---- jobs --------------------------------------------------------------- */

/* Where an active job holds its slot (reference §5: every FOREGROUND job
 * runs, plus exactly one background job). */
enum bsim__slot { SLOT_NONE = 0, SLOT_FG = 1, SLOT_BG = 2 };

struct bsim_job {
  bsim_manager *mgr; /* NULL once detached by bsim_manager_free */
  struct bsim__user *owner;
  _Atomic uint32_t refs;
  uint8_t state; /* enum bsim_job_state; written only by job_fsm.c */
  uint8_t type;
  uint8_t priority;
  uint8_t proxy_usage;
  uint8_t slot;      /* enum bsim__slot */
  uint8_t in_runq;   /* linked on a run queue (QUEUED and waiting) */
  uint8_t in_starts; /* linked on the start list (needs its next file) */
  uint8_t has_error;
  uint8_t net_error;   /* the error is BG_E_NETWORK_DISCONNECTED */
  uint8_t retired;     /* final: on the retired list, out of the index */
  uint8_t store_dirty; /* on the manager's list of jobs to save */

  uint32_t notify_flags;
  uint32_t min_retry_delay_s;
  uint32_t no_progress_timeout_s;
  uint32_t max_download_time_s;
  uint32_t error_count;
  uint32_t file_count;
  uint32_t file_cap;
  uint32_t cur_file; /* the file being (or next to be) transferred */

  struct bsim__file *files; /* &file0 while the job has at most one file */
  char *display_name;
  char *description; /* NULL = "" */
  char *proxy_list;
  char *bypass_list;

  struct bsim_job_error error;

  int64_t created_unix_ms;
  int64_t modified_unix_ms;
  int64_t completed_unix_ms; /* 0 until the first TRANSFERRED */

  /* The one timer and its clocks. */
  struct bsim__timer timer;
  uint64_t te_since_ms;     /* entered TRANSIENT_ERROR */
  uint64_t noprog_since_ms; /* first transient error; UINT64_MAX = none */
  uint64_t active_since_ms; /* entered CONNECTING (max download time) */
  uint64_t active_acc_ms;   /* accumulated CONNECTING+TRANSFERRING time */

  /* Inactivity list (ordered by last_activity_ms) or, once final, the
   * retired list. */
  bsim_job *lru_prev;
  bsim_job *lru_next;
  uint64_t last_activity_ms;

  /* Run queue or start list. */
  bsim_job *q_prev;
  bsim_job *q_next;

  struct bsim__xfer *xfer; /* the transfer in flight, or NULL */
  struct bsim__job_notify *notify;
  struct bsim__job_reply *reply; /* upload-reply only (reply.c); lazy */
  struct bsim__job_http *http;   /* credentials, headers... (http_opts.c) */
  uint64_t create_seq;
  uint64_t store_cold; /* digest of the cold fields last saved; 0 = none */
  bsim_guid id;
  char id_text[BSIM_GUID_STRING_LEN];
  /* Most jobs hold one file: its record lives here, saving an
   * allocation per job. */
  struct bsim__file file0;
};

/* ---- the manager -------------------------------------------------------- */

struct bsim__jobq {
  bsim_job *head;
  bsim_job *tail;
};

#define BSIM__MAX_TRANSPORTS 4

struct bsim_manager {
  pthread_mutex_t lock;
  struct bsim_manager_options opts;
  char *store_path;
  uint64_t seed;
  struct bsim__prng prng;
  struct bsim__trace *trace;
  struct bsim__notify *notify;

  /* Time. */
  struct bsim__clock clock;
  struct bsim__loop *loop;
  struct bsim__timer **heap;
  uint32_t heap_len;
  uint32_t heap_cap;
  uint32_t heap_background; /* armed background timers (timer_heap.c) */
  uint64_t timer_seq;

  /* Jobs. */
  bsim_job **index; /* open addressing on the GUID; NULL = empty slot */
  uint32_t index_cap;
  uint32_t jobs; /* non-final jobs (in the index) */
  uint64_t create_seq;
  bsim_job *lru_head; /* inactivity order: oldest activity first */
  bsim_job *lru_tail;
  bsim_job *retired; /* final jobs still referenced by callers */
  struct bsim__timer inactivity;

  struct bsim__user *users;

  /* Scheduler. */
  struct bsim__jobq runq[BSIM_JOB_PRIORITY_COUNT];
  struct bsim__jobq starts; /* active jobs whose next file must start */
  bsim_job *bg_active;      /* the one background job holding the slot */
  uint32_t fg_active;
  struct bsim__timer slice;
  int sched_dirty;
  int network_up;

  struct bsim__xfer_rec *xfer_pool; /* recycled transfer records */
  uint32_t xfer_pooled;

  struct bsim__transport transports[BSIM__MAX_TRANSPORTS];
  uint32_t transport_count;

  /* Durable store (persist.c); store_on is 0 for the in-memory default. */
  const struct bsim__store_ops *store_ops;
  void *store;
  int store_on;
  int store_pending;        /* a write waits in the open transaction */
  int store_due;            /* a state change awaits its own commit */
  uint64_t store_commit_ms; /* the clock at the last commit */
  bsim_job **store_dirty;   /* referenced until saved */
  uint32_t store_dirty_len;
  uint32_t store_dirty_cap;

  /* Driver. */
  int driving;
  int driver_waiting; /* the driver is blocked in the libuv loop */
  pthread_t driver;
  _Atomic int wake_flag;
  const bsim_job *watch_job; /* run_until_job_state: the job watched */
  uint32_t watch_mask;
  int watch_hit; /* the job entered a wanted state */
};

/* ---- manager.c ---------------------------------------------------------- */
struct bsim__user *bsim__user_find(bsim_manager *mgr, const char *name);
void bsim__user_release(struct bsim__user *user);
/** (Re)arm the inactivity timer for the oldest job of the list. */
void bsim__manager_arm_inactivity(bsim_manager *mgr);
/** Mark the scheduler as needing a pass and wake the driver. */
void bsim__sched_kick(bsim_manager *mgr);

/** A user rebuilt from the store (persist.c); NULL on allocation failure. */
struct bsim__user *bsim__user_restore(bsim_manager *mgr, const char *name,
                                      int is_admin);

/* ---- persist.c: the engine's side of the store seam -------------------- */
/** Open opts.store_path (or the in-memory store), load the jobs it keeps
 * and continue time from its recorded position (docs/store.md). On
 * failure why names the file. */
bsim_hr bsim__store_open(bsim_manager *mgr, const char *path, char *why,
                         size_t cap);
/** Save what is pending and close. */
void bsim__store_close(bsim_manager *mgr);

/* ---- job index (jobindex.c) --------------------------------------------- */
bsim_hr bsim__index_reserve(bsim_manager *mgr, uint32_t jobs);
void bsim__index_insert(bsim_manager *mgr, bsim_job *job);
void bsim__index_remove(bsim_manager *mgr, bsim_job *job);
bsim_job *bsim__index_find(bsim_manager *mgr, const bsim_guid *id);

/* ---- guid.c ------------------------------------------------------------- */
void bsim__guid_generate(struct bsim__prng *prng, bsim_guid *out);
uint64_t bsim__guid_hash(const bsim_guid *id);
/** Write v as 8 upper-case hex digits at out; returns out + 8. */
char *bsim__hex8(char *out, uint32_t v);

/* ---- job.c / job_life.c ------------------------------------------------- */
/** Moved time or data: the inactivity clock starts again (reference §4.4)
 * and ModificationTime moves (§2.12). */
void bsim__job_touch(bsim_job *job);
/** Free the object (refs reached 0). */
void bsim__job_destroy(bsim_job *job);
/** Put a job that became final on the retired list and drop the
 * manager's reference (may free it). */
void bsim__job_retire(bsim_job *job);
/** Delete every temporary file of the job. Returns 0, or -1 if one could
 * not be deleted. */
int bsim__job_delete_temps(bsim_job *job);
/** Cancel and scavenging: each file's transport forgets what it kept
 * (its optional forget op: Cancel-Session for an open upload, §8, §9.1). */
void bsim__job_forget_files(bsim_job *job);
/** Write the job's temporary name of file index into buf. */
void bsim__job_temp_path(const bsim_job *job, uint32_t index, char *buf,
                         size_t cap);
/** Record an error on the job (GetError). */
void bsim__job_set_error(bsim_job *job, bsim_hr hr, enum bsim_error_context ctx,
                         int32_t file_index, int http_status);
/** Take the lock of the job's manager (none for a detached job); returns
 * the manager or NULL. */
bsim_manager *bsim__job_lock(bsim_job *job);
/** Trace the API call with its result and release the lock taken by
 * bsim__job_lock. Returns hr. */
bsim_hr bsim__job_unlock(bsim_manager *mgr, const char *call,
                         const bsim_job *job, bsim_hr hr);
/** Trace an API call: {"ev":"api","call":name,"hr":...}. */
void bsim__trace_api(bsim_manager *mgr, const char *call, const bsim_job *job,
                     bsim_hr hr);
/** Append files (all or nothing). Returns S_OK or E_OUTOFMEMORY. */
bsim_hr bsim__job_append_files(bsim_job *job, uint32_t count,
                               const struct bsim_file_info *files);
/** A job rebuilt from the store: allocated, given id, linked to its owner,
 * the index and the inactivity list like a new one; state SUSPENDED and
 * the manager's reference only. NULL on allocation failure. */
bsim_job *bsim__job_restore_new(bsim_manager *mgr, struct bsim__user *user,
                                const char *display_name,
                                enum bsim_job_type type, const bsim_guid *id);
/** Nonzero when index is a file still to transfer. */
uint32_t bsim__job_first_pending(const bsim_job *job);
/** Arm (or stop) the job's one timer for its current state. */
void bsim__job_rearm(bsim_job *job);

/** The checks AddFile makes once the lock is held (state, upload's one
 * file, MaxFilesPerJob, the local directory): job_life.c. */
bsim_hr bsim__job_check_add(bsim_job *job, uint32_t count,
                            const struct bsim_file_info *files);
/** Check one remote/local name pair as AddFile does (E_INVALIDARG). */
bsim_hr bsim__job_check_names(bsim_job *job, const char *remote,
                              const char *local);

/* ---- ranges.c (reference §1.6, §1.9) ------------------------------------ */
/** Free a file's ranges (job teardown). */
void bsim__file_ranges_free(struct bsim__file *f);

/* ---- scheduler.c -------------------------------------------------------- */
/** Free the pool of transfer records (manager teardown). */
void bsim__xfer_pool_free(bsim_manager *mgr);
/** One pass: start what may start. Returns nonzero if it did something. */
int bsim__sched_pass(bsim_manager *mgr);
void bsim__runq_push(bsim_manager *mgr, bsim_job *job, int at_front);
void bsim__runq_remove(bsim_manager *mgr, bsim_job *job);
void bsim__starts_remove(bsim_manager *mgr, bsim_job *job);
/** Stop the transfer in flight (if any), keeping the bytes it wrote. */
void bsim__sched_stop_xfer(bsim_job *job);
/** The job entered CONNECTING/TRANSFERRING, or left them. */
void bsim__sched_on_active(bsim_job *job, int active);
/** A transient transfer error happened (from a transport or the network
 * gate): TRANSIENT_ERROR, or ERROR when retries cannot help (§5). */
void bsim__sched_fail(bsim_job *job, enum bsim__xfer_outcome outcome,
                      bsim_hr hr, enum bsim_error_context ctx,
                      int32_t file_index, int http_status);
/** The network went down (active jobs to TRANSIENT_ERROR) or came back
 * (every TRANSIENT_ERROR job to QUEUED). */
void bsim__sched_network(bsim_manager *mgr, int up);
/** The user logged off: their active jobs go back to QUEUED. */
void bsim__sched_owner_logoff(bsim_manager *mgr, struct bsim__user *user);
void bsim__sched_slice_cb(bsim_manager *mgr, struct bsim__timer *timer);
/** The transport that serves url, or NULL. */
const struct bsim__transport *bsim__transport_for(bsim_manager *mgr,
                                                  const char *url);

/* ---- reply.c (reference §1.5, §9) ------------------------------------- */
/** The reply of an upload-reply job: its file name (SetReplyFileName) and
 * progress (bsim__xfer_reply). Allocated at the first need. */
struct bsim__job_reply {
  char *name;           /* NULL: generated beside the upload file */
  uint64_t bytes_total; /* BSIM_SIZE_UNKNOWN until the reply starts */
  uint64_t bytes_done;
  uint8_t frozen; /* the first Resume fixed the name (reference §1.5) */
};
void bsim__reply_free(bsim_job *job);
/** Resume of an upload-reply job: the first one fixes the reply file name
 * ("must be set before the first Resume to take effect", §1.5). */
void bsim__reply_resumed(bsim_job *job);
/** Complete of an upload-reply job: the reply's temporary file becomes the
 * reply file (an empty one if the server sent nothing). */
bsim_hr bsim__reply_complete(bsim_job *job);
/** Cancel: delete the reply's temporary file. Returns 0 or -1. */
int bsim__reply_delete_temp(bsim_job *job);

/* ---- http_opts.c (reference §1.5, §1.13, §12) ------------------------- */
void bsim__http_free(bsim_job *job);
/** TakeOwnership: credentials and custom headers are dropped (§12). */
void bsim__http_owner_changed(bsim_job *job);
/** persist.c: the engine lock is about to be released (bsim__unlock):
 * commit a pending state change, or progress when store_checkpoint_ms of
 * the clock passed since the last commit (reference §13). */
void bsim__store_unlocking(bsim_manager *mgr);
/** The sentence bsim_manager_store_error returns on this thread. */
void bsim__store_set_error(const char *why);
struct bsim__store_job;
/** The durable store: put the options into rec, the credentials packed
 * into *creds (freed by the caller; NULL when none). */
bsim_hr bsim__http_pack(const bsim_job *job, struct bsim__store_job *rec,
                        char **creds);
/** Restore: the options of rec back on a restored job. Returns S_OK,
 * E_OUTOFMEMORY or BG_E_DATABASE_CORRUPT (a malformed credentials blob). */
bsim_hr bsim__http_restore(bsim_job *job, const struct bsim__store_job *rec);

/* ---- validation.c (reference §7, §11) ---------------------------------- */
/** Bytes of file f moved from before to after (absolute offsets) over the
 * file's current connection: count them for GetPeerDownloadStats. */
void bsim__valid_on_progress(struct bsim__file *f, uint64_t before,
                             uint64_t after);

/* ---- timer_heap.c ------------------------------------------------------- */
/** Make room for count armed timers. Returns S_OK or E_OUTOFMEMORY. */
bsim_hr bsim__timer_reserve(bsim_manager *mgr, uint32_t count);
/** The earliest armed timer, or NULL. */
struct bsim__timer *bsim__timer_peek(bsim_manager *mgr);
/** Pop and run due timers (deadline <= now), at most max. Returns the
 * number run. */
uint32_t bsim__timers_fire(bsim_manager *mgr, uint32_t max);
void bsim__timers_free(bsim_manager *mgr);

/* ---- localfs.c ---------------------------------------------------------- */
/** Create (or keep) an empty file at path. */
bsim_hr bsim__fs_create(bsim_manager *mgr, const char *path);
bsim_hr bsim__fs_rename(bsim_manager *mgr, const char *from, const char *to);
/** Delete path; a missing file counts as deleted. */
bsim_hr bsim__fs_unlink(bsim_manager *mgr, const char *path);
/** Local-name checks for AddFile (reference §1.4, §10): parent directory
 * exists (E_INVALIDARG) and is writable (E_ACCESSDENIED). */
bsim_hr bsim__fs_check_parent(bsim_manager *mgr, const char *path);

/* ---- util --------------------------------------------------------------- */
/** bsim__tr_begin, with the "tracing is off" test inlined: the lifecycle
 * benchmark runs with tracing off and pays no call per trace point. */
#define BSIM__TR_BEGIN(tr, mgr, ev, job)                                       \
  ((mgr)->trace != NULL && bsim__tr_begin((tr), (mgr), (ev), (job)))
/** Number of code points in s, or -1 if s is not valid UTF-8. */
int64_t bsim__utf8_chars(const char *s);

static inline uint64_t bsim__ms_from_s(uint32_t s) {
  return (uint64_t)s * 1000u;
}

#endif /* BSIM_ENGINE_H */
