/* bitsim — the bsim__ interfaces shared between sim/ folders.
 *
 * Each sim/<concern>/ folder depends only on include/, sim/util/ and what is
 * declared here. Nothing here includes <uv.h>, <curl/curl.h> or <sqlite3.h>:
 * the engine core (sim/engine, sim/notify, the model transport) must stay
 * simulatable. Only sim/clock/loop_uv.c, sim/transport/xfer_curl.c,
 * sim/store/store_sqlite.c and sim/server/ touch the real world.
 *
 * Locking: one engine lock per manager (bsim__lock / bsim__unlock). Every
 * bsim__ function below expects the lock held unless it says otherwise.
 */
#ifndef BSIM_INTERNAL_H
#define BSIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "bitsim.h"
#include "util/assert.h"

/* ---- allocation (sim/util/alloc.c) --------------------------------------
 * All engine allocation goes through these, so tests can fail the Nth.
 * Exported (not in the public headers) for libbitsim_win32, which lives
 * in sim/ and allocates the same way when both are shared libraries. */
BSIM_EXTERN void *bsim__malloc(size_t size);
BSIM_EXTERN void *bsim__calloc(size_t count, size_t size);
BSIM_EXTERN void *bsim__realloc(void *p, size_t size);
BSIM_EXTERN void bsim__free(void *p);
BSIM_EXTERN char *bsim__strdup(const char *s); /* NULL in, NULL out */

/* ---- the engine lock (sim/engine/manager.c) ---------------------------- */
void bsim__lock(bsim_manager *mgr);
void bsim__unlock(bsim_manager *mgr);

/* ---- time and timers (sim/engine/timer_heap.c, sim/engine/run.c) --------
 * The engine keeps its own min-heap ordered by (deadline, insertion seq), so
 * equal deadlines fire in the order they were armed (design.md "Time").
 * Timers are intrusive: embed one in the object that owns it. A callback
 * runs with the lock held and may re-arm or stop any timer, itself
 * included. */
struct bsim__timer;
typedef void (*bsim__timer_cb)(bsim_manager *mgr, struct bsim__timer *timer);
struct bsim__timer {
  uint64_t deadline_ms;
  uint64_t seq;
  bsim__timer_cb cb;
  uint32_t heap_index; /* UINT32_MAX when not armed */
  uint8_t background;  /* see bsim__timer_set_background */
};
void bsim__timer_init(struct bsim__timer *timer, bsim__timer_cb cb);
/** A background timer fires like any other but does not keep
 * bsim_manager_run_until_idle going (like the inactivity scavenger): work
 * that may wait for hours, such as Cancel-Session re-sends, should not
 * make "idle" jump a day. Set it while the timer is not armed. */
void bsim__timer_set_background(struct bsim__timer *timer, int background);
void bsim__timer_start(bsim_manager *mgr, struct bsim__timer *timer,
                       uint64_t deadline_ms);
void bsim__timer_stop(bsim_manager *mgr, struct bsim__timer *timer);
int bsim__timer_armed(const struct bsim__timer *timer);

uint64_t bsim__now_ms(bsim_manager *mgr);
int64_t bsim__wall_unix_ms(bsim_manager *mgr);
/** Ask the driver to run another engine step soon (from a transport or the
 * dispatcher: "I have work"). Safe without the lock, from any thread. */
void bsim__wake(bsim_manager *mgr);

/** errno of a local I/O call -> the HRESULT Windows reports (E_ACCESSDENIED,
 * E_WIN32_PATH_NOT_FOUND, E_WIN32_DISK_FULL, ...) (sim/util/hr.c). */
bsim_hr bsim__hr_from_errno(int err);

/* ---- randomness (sim/util/prng.c) ---------------------------------------
 * xoshiro256** seeded through SplitMix64 (style B.11). The C library's
 * generator is never used. */
struct bsim__prng {
  uint64_t s[4];
};
void bsim__prng_seed(struct bsim__prng *prng, uint64_t seed);
uint64_t bsim__prng_next(struct bsim__prng *prng);
/** Uniform in [0, bound); bound 0 gives 0. */
uint64_t bsim__prng_below(struct bsim__prng *prng, uint64_t bound);
/** The manager's PRNG (one per manager, seeded from the seed). */
struct bsim__prng *bsim__mgr_prng(bsim_manager *mgr);
/** A stateless 64-bit mix, for content made from (seed, url, offset). */
uint64_t bsim__mix64(uint64_t x);
uint64_t bsim__hash_str(uint64_t seed, const char *s);

/* ---- trace (sim/util/trace.c) -------------------------------------------
 * Build one line field by field; nothing is formatted when tracing is off.
 *   struct bsim__tr tr;
 *   if (bsim__tr_begin(&tr, mgr, "state", job)) {
 *     bsim__tr_str(&tr, "from", ...); ...; bsim__tr_end(&tr);
 *   }
 * begin writes seq, t_ms, ev and (when job is not NULL) the job id. */
struct bsim__trace; /* per manager; opaque */
struct bsim__trace *bsim__trace_new(void);
void bsim__trace_free(struct bsim__trace *trace);
struct bsim__trace *bsim__mgr_trace(bsim_manager *mgr);
/** Lines written so far (the last seq), and where a restored manager
 * continues the numbering (the durable store, docs/store.md). */
uint64_t bsim__trace_count(const struct bsim__trace *trace);
void bsim__trace_continue(struct bsim__trace *trace, uint64_t count);
struct bsim__tr {
  struct bsim__trace *trace;
  size_t len;
  int overflow;
  char buf[1024];
};
int bsim__tr_begin(struct bsim__tr *tr, bsim_manager *mgr, const char *ev,
                   const bsim_job *job);
void bsim__tr_str(struct bsim__tr *tr, const char *key, const char *value);
void bsim__tr_u64(struct bsim__tr *tr, const char *key, uint64_t value);
void bsim__tr_i64(struct bsim__tr *tr, const char *key, int64_t value);
/** Writes "key":"BG_E_X" and "key_hex":"0x8020...". */
void bsim__tr_hr(struct bsim__tr *tr, const char *key, bsim_hr hr);
void bsim__tr_end(struct bsim__tr *tr);

/* ---- jobs, as other folders see them (sim/engine/job.c) ----------------- */
const bsim_guid *bsim__job_id(const bsim_job *job);
/** "{GUID}" text of the id, cached in the job. */
const char *bsim__job_id_text(const bsim_job *job);
bsim_manager *bsim__job_manager(const bsim_job *job);
enum bsim_job_state bsim__job_state(const bsim_job *job);
enum bsim_job_type bsim__job_type(const bsim_job *job);
const char *bsim__job_owner(const bsim_job *job);
uint32_t bsim__job_notify_flags(const bsim_job *job);
uint32_t bsim__job_min_retry_delay_s(const bsim_job *job);
/** Reference counting with the lock held (the public ones take the lock). */
void bsim__job_ref(bsim_job *job);
void bsim__job_unref(bsim_job *job);
/** Per-job notification state, owned by sim/notify (NULL until first
 * needed). The engine calls bsim__notify_job_free when the job is freed. */
struct bsim__job_notify;
struct bsim__job_notify **bsim__job_notify_slot(bsim_job *job);

/* ---- a job's HTTP options, for transports (sim/engine/http_opts.c) -----
 * Read under the lock the transport already holds (the public getters take
 * it). Strings are borrowed until the lock is released. Indexes: target
 * BSIM_AUTH_TARGET_* (1, 2), scheme BSIM_AUTH_SCHEME_* (1..5); user NULL
 * means no credentials for the pair (reference §1.5, §1.13, §12). */
struct bsim__job_http_view {
  enum bsim_proxy_usage proxy_usage;
  const char *proxy_list;
  const char *bypass_list;
  const char *user[3][6];
  const char *password[3][6];
  const char *custom_headers; /* NULL: none */
  uint32_t security_flags;
  uint64_t max_bytes_per_s; /* 0: no cap */
};
void bsim__job_http(const bsim_job *job, struct bsim__job_http_view *out);

/* ---- the durable store (sim/engine/persist.c, sim/store/) ---------------
 * The engine's call-outs: the one state setter and the job mutators say
 * "this job changed"; the change is committed before the engine lock goes
 * back to the caller (docs/store.md). No-ops without a store. */
/** The job changed: saved with the next flush (at the latest before the
 * lock goes back to a caller). */
void bsim__store_job_changed(bsim_job *job);
/** The job entered a new state (the one setter): saved, or removed when
 * the state is final (reference §13), in a transaction of its own unless
 * store_group_commit is set (committed at the latest when the lock is
 * released). */
void bsim__store_job_state(bsim_job *job);
/** Commit every pending change. Returns S_OK or the store's failure
 * (E_WIN32_DISK_FULL, BG_E_DATABASE_CORRUPT, ...), pending kept. */
bsim_hr bsim__store_flush(bsim_manager *mgr);

/* ---- notifications (sim/notify/) -----------------------------------------
 * The engine tells the dispatcher what happened; the dispatcher decides what
 * is delivered (notify flags, registration, four-per-user limit, retries)
 * and when. None of these deliver anything: delivery happens only in
 * bsim__notify_run, which the driver calls once per step. */
struct bsim__notify; /* per manager; opaque */
bsim_hr bsim__notify_new(bsim_manager *mgr, struct bsim__notify **out);
void bsim__notify_free(struct bsim__notify *notify);
/** Apply the manager's notification options (notify_in_flight_per_user,
 * renotify_interval_ms, delivery, delivery_threads, notify_cmdline_record):
 * bsim_manager_new calls it right after bsim__notify_new; until then the
 * defaults apply. THREADED starts the worker pool here. Returns S_OK,
 * E_INVALIDARG (an option out of range), E_OUTOFMEMORY. */
bsim_hr bsim__notify_configure(struct bsim__notify *notify,
                               const struct bsim_manager_options *opts);
struct bsim__notify *bsim__mgr_notify(bsim_manager *mgr);
/** The job entered state `to` from `from` (called by the one setter). */
void bsim__notify_state(bsim_job *job, enum bsim_job_state from,
                        enum bsim_job_state to);
/** File `index` of the job finished transferring (before the job's own
 * TRANSFERRED state change is reported). */
void bsim__notify_file_transferred(bsim_job *job, uint32_t index);
/** Bytes moved, a file was added or a property changed. */
void bsim__notify_modified(bsim_job *job);
/** TakeOwnership moved the job to another user: the notify command line is
 * stripped (reference §6, §12). */
void bsim__notify_owner_changed(bsim_job *job);
/** The job object is being freed. */
void bsim__notify_job_free(bsim_job *job);
/** GetNotifyFailures count, and putting it back on a job restored from
 * the durable store (S_OK or E_OUTOFMEMORY). */
uint32_t bsim__notify_failures(bsim_job *job);
bsim_hr bsim__notify_restore_failures(bsim_job *job, uint32_t failures);
/** The notify command line (program, NULL when none; *argv_out its
 * NULL-terminated argv), borrowed; and putting it back on a restored job
 * (S_OK or E_OUTOFMEMORY). */
const char *bsim__notify_cmdline_of(bsim_job *job, char *const **argv_out);
bsim_hr bsim__notify_restore_cmdline(bsim_job *job, const char *program,
                                     const char *const *argv);
/** Nonzero when a notification is ready to deliver now. */
int bsim__notify_runnable(bsim_manager *mgr);
/** Nonzero when callbacks are running on worker threads (time must not
 * jump while one is in flight). */
int bsim__notify_in_flight(bsim_manager *mgr);
/** Teardown: give back every slot still held (bsim_notify_hold). */
void bsim__notify_release_held(bsim_manager *mgr);
/** Nonzero while a callback or command line is actually running (held
 * slots excluded): the manager cannot be freed then. */
int bsim__notify_running(bsim_manager *mgr);
/** Deliver what is ready. Called by the driver with the lock held; releases
 * it around each callback. Returns the number delivered. */
size_t bsim__notify_run(bsim_manager *mgr);

/* ---- process spawner (sim/notify/ uses it; sim/clock/spawn_uv.c runs it)
 * Runs a notify command line from an argv, never through a shell (design.md
 * "Notifications"). exit_cb runs later on the driver thread with the lock
 * held; never from inside spawn. */
typedef void (*bsim__spawn_exit_cb)(bsim_manager *mgr, void *user,
                                    int64_t exit_status, int term_signal);
/** Start program with argv (argv[0] included, NULL-terminated). Returns S_OK
 * or the HRESULT of the failure (E_WIN32_FILE_NOT_FOUND, E_ACCESSDENIED). */
bsim_hr bsim__spawn(bsim_manager *mgr, const char *program,
                    const char *const *argv, bsim__spawn_exit_cb exit_cb,
                    void *user);

/* ---- transports (sim/transport/) -----------------------------------------
 * One seam, two implementations: the model (virtual time) and curl (real
 * bytes on the libuv loop). The engine starts one transfer per file at a
 * time; the transport reports back through the bsim__xfer_* functions with
 * the engine lock held (transports running on the loop take it first). */
enum bsim__xfer_outcome {
  BSIM__XFER_OK = 0,
  BSIM__XFER_TRANSIENT = 1, /* -> TRANSIENT_ERROR, retried */
  BSIM__XFER_FATAL = 2,     /* -> ERROR */
  BSIM__XFER_OUTCOME_COUNT  /* not a value */
};
struct bsim__xfer_result {
  enum bsim__xfer_outcome outcome;
  bsim_hr hr;
  enum bsim_error_context context;
  int http_status;
};
/** One transfer of one file, owned by the engine. The transport keeps its
 * own state in transport_data. */
struct bsim__xfer {
  bsim_manager *mgr;
  bsim_job *job; /* borrowed: the engine keeps a reference while active */
  uint32_t file_index;
  enum bsim_job_type type;
  const char *remote_url;
  const char *temp_path;  /* where the bytes go (downloads) */
  const char *local_path; /* the upload's source file */
  uint64_t offset;        /* resume from here (bytes already in temp_path) */
  int fs_virtual;         /* nonzero: write nothing to disk */
  /* AddFileWithRanges (reference §1.6): the ranges to fetch, borrowed from
   * the file record; NULL/0 for the whole file. With ranges, temp_path
   * holds them back to back, and offset, bytes_total (connected) and
   * bytes_done (progress) count the local file, not the remote one. */
  const struct bsim_file_range *ranges;
  uint32_t range_count;
  /* The validator last reported for this file (bsim__xfer_validator), or
   * NULL: a transport that lost its own memory (a restart) resumes with
   * it. Borrowed from the file record. */
  const char *validator;
  const struct bsim__transport *transport;
  void *transport_data;
};
struct bsim__transport_ops {
  const char *name;
  /** Nonzero if this transport serves url. */
  int (*claims)(void *ctx, const char *url);
  /** Begin; report later, never from inside start. Returns S_OK or a
   * failure that the engine treats as a transient error of the file. */
  bsim_hr (*start)(void *ctx, struct bsim__xfer *xfer);
  /** Stop a transfer in flight (suspend, cancel, slice end). No report
   * follows. Returns the number of bytes of the file now safely in
   * temp_path (the resume offset). */
  uint64_t (*stop)(void *ctx, struct bsim__xfer *xfer);
  /** Nonzero while real I/O is outstanding (time must not jump). */
  int (*busy)(void *ctx);
  void (*free)(void *ctx);
  /** Optional (NULL: nothing kept). The job was cancelled (reference §8):
   * drop what is kept for file_index and, for an unfinished upload, send
   * Cancel-Session (§9.1). Called after stop(); no report follows. */
  void (*forget)(void *ctx, bsim_job *job, uint32_t file_index,
                 const char *remote_url);
};
struct bsim__transport {
  const struct bsim__transport_ops *ops;
  void *ctx;
};
/* Reports from a transport to the engine (sim/engine/scheduler.c). */
/** Connected; size known (or BSIM_SIZE_UNKNOWN); from_peer per §7. */
void bsim__xfer_connected(struct bsim__xfer *xfer, uint64_t bytes_total,
                          int from_peer);
/** bytes_done (absolute offset in the file) moved forward. */
/** The response a download takes its bytes from is identified by
 * validator (a strong ETag or a Last-Modified date, as If-Range carries
 * it; NULL: none). The engine keeps it with the file, and the durable
 * store with the job (reference §10, §13). */
void bsim__xfer_validator(struct bsim__xfer *xfer, const char *validator);
void bsim__xfer_progress(struct bsim__xfer *xfer, uint64_t bytes_done);
/** Upload-reply jobs: the reply (reference §9) has started or moved:
 * bytes_total (BSIM_SIZE_UNKNOWN if the server gave no length) and
 * bytes_done so far (GetReplyProgress). */
void bsim__xfer_reply(struct bsim__xfer *xfer, uint64_t bytes_total,
                      uint64_t bytes_done);
/** Downloads under BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT (reference §2.7,
 * §10): the request was redirected and final_url is where the bytes come
 * from; the file's remote name becomes final_url (GetRemoteName reports it,
 * the store keeps it) and xfer->remote_url points at the new name. Returns
 * S_OK, E_INVALIDARG (empty, or longer than BSIM_MAX_URL_CHARS: the name
 * is kept) or E_OUTOFMEMORY (the name is kept). */
bsim_hr bsim__xfer_redirected(struct bsim__xfer *xfer, const char *final_url);
/** Finished, well or badly. The engine frees nothing of the transport's:
 * the transport cleans transport_data before calling this. */
void bsim__xfer_done(struct bsim__xfer *xfer,
                     const struct bsim__xfer_result *result);

/* Ranges (sim/engine/ranges.c), for the transports. */
/** The local size of a ranged file whose remote file has remote_size
 * bytes: each BSIM_LENGTH_TO_EOF resolved. BG_E_INVALID_RANGE when a
 * range starts at or past the end of the remote file, or runs past it
 * (reference §1.6, "range beyond EOF"). No lock needed. */
bsim_hr bsim__ranges_total(const struct bsim_file_range *ranges, uint32_t count,
                           uint64_t remote_size, uint64_t *total_out);
/** Where local offset local_off of a ranged file comes from: the range
 * (*index_out), the remote offset (*remote_out) and the bytes left in
 * that range from there (*left_out). Returns 0, or -1 when local_off is
 * at or past the local size (ranges checked by bsim__ranges_total). */
int bsim__ranges_locate(const struct bsim_file_range *ranges, uint32_t count,
                        uint64_t remote_size, uint64_t local_off,
                        uint32_t *index_out, uint64_t *remote_out,
                        uint64_t *left_out);

/** Register a transport with the manager (sim/engine/manager.c): it is
 * tried after the model transport and those registered before it, in
 * order; the manager calls ops->free(ctx) when it is freed. Call with the
 * lock held, or before the manager is shared with other threads. Returns
 * S_OK, E_INVALIDARG (NULL or incomplete ops), E_OUTOFMEMORY (no room: at
 * most 4 transports). */
bsim_hr bsim__manager_add_transport(bsim_manager *mgr,
                                    const struct bsim__transport *transport);

/** Nonzero while a transport has real I/O in flight (takes the lock): a
 * driver that keeps the engine in MANUAL mode lets virtual time flow at
 * the real rate meanwhile (design.md "Time", sim/compat/service.c). */
int bsim__manager_transfers_busy(bsim_manager *mgr);

/** The model transport (sim/transport/xfer_model.c). */
bsim_hr bsim__xfer_model_new(bsim_manager *mgr, struct bsim__transport *out);
struct bsim__transport *bsim__mgr_model(bsim_manager *mgr);
/** Validation rejected content of url that came from a peer (reference
 * §7): every peer copy of url is dropped, so the next request goes to the
 * origin (sim/transport/model_peers.c). */
void bsim__model_peer_drop(bsim_manager *mgr, const char *url);

/** The curl transport (sim/transport/xfer_curl.c): http, https and file
 * URLs on the manager's libuv loop. */
bsim_hr bsim__xfer_curl_new(bsim_manager *mgr, struct bsim__transport *out);

/* ---- the real-world loop (sim/clock/loop_uv.c) ----------------------------
 * Every manager owns one libuv loop, run by the driver: always in REAL mode,
 * and in AUTO/MANUAL mode while a transport is busy. Returned as void * so
 * this header needs no <uv.h>; only files allowed to include <uv.h> cast it
 * to uv_loop_t *. The loop runs with the engine lock released: callbacks on
 * it (curl sockets, timers) take bsim__lock before touching the engine. */
void *bsim__mgr_loop(bsim_manager *mgr);

/* ---- local files (sim/engine/localfs.c) ---------------------------------
 * Through these only, so BSIM_FS_VIRTUAL can skip the disk. */
int bsim__fs_virtual(bsim_manager *mgr);
/** Write len bytes at offset of path (creating it). Returns S_OK or the
 * HRESULT of the failure (E_WIN32_DISK_FULL, E_ACCESSDENIED,
 * E_WIN32_PATH_NOT_FOUND). */
bsim_hr bsim__fs_write_at(bsim_manager *mgr, const char *path, uint64_t offset,
                          const void *data, size_t len);
/** Cut path to len bytes (a resumed download that cannot use Range). */
bsim_hr bsim__fs_truncate(bsim_manager *mgr, const char *path, uint64_t len);

#endif /* BSIM_INTERNAL_H */
