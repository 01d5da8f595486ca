/* bitsim — what the files of the curl transport share (xfer_curl.c,
 * curl_request.c, curl_download.c, curl_upload.c, curl_state.c).
 *
 * The transport runs libcurl's multi socket interface on the manager's libuv
 * loop (style B.10, after curl's multi-uv.c). One `struct bsim__curl` per
 * manager; one `struct bsim__curl_cx` per engine transfer (a download, an
 * upload with its protocol requests and reply) or per detached request
 * (a Cancel-Session sent after the job is gone). A cx owns one easy handle,
 * reused for its sequential requests.
 *
 * Threads and locks. Every function here runs with the engine lock held:
 * the engine holds it when it calls the ops, and the loop callbacks take it
 * before they touch curl or the engine. libcurl's callbacks (write, header,
 * read, socket, timer) only record; the engine hears about them afterwards,
 * once curl_multi_socket_action has returned, so curl is never re-entered
 * from its own callbacks. libuv handles are touched only on the thread that
 * runs the loop (see bsim__curl_sync).
 *
 * Only the curl transport files include this header.
 */
#ifndef BSIM_TRANSPORT_CURL_INTERNAL_H
#define BSIM_TRANSPORT_CURL_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>

#include <curl/curl.h>
#include <uv.h>

#include "internal.h"
#include "transport/classify.h"
#include "transport/xfer_curl.h"

/* ---- the transport --------------------------------------------------- */

#define BSIM__CURL_POOL_MAX 64

struct bsim__curl_poller;
struct bsim__curl_cx;
struct bsim__curl_slot;

struct bsim__curl {
  bsim_manager *mgr;
  uv_loop_t *loop;
  CURLM *multi;
  uv_timer_t timer;
  uv_idle_t idle; /* curl's "0 ms": the next loop turn */
  uv_async_t async;
  struct bsim__curl_config config;
  bsim__curl_job_options_cb job_options_cb;
  void *job_options_user;

  /* What curl asked for, applied to libuv by bsim__curl_sync. */
  long timer_want_ms; /* -1: stopped */
  int timer_dirty;
  struct bsim__curl_poller *dirty;   /* pollers whose uv state must change */
  struct bsim__curl_poller *pollers; /* every poller not yet closed */
  struct bsim__curl_cx *all;         /* every cx */

  /* Transfers with something to tell the engine, and transfers whose
   * completion is reported on the next loop turn (never inside start). */
  struct bsim__curl_cx *events;
  struct bsim__curl_cx *deferred;

  size_t active; /* cx in flight (in the multi or deferred) */
  uint64_t requests_total;

  /* The thread that runs the loop, learnt from the loop callbacks and from
   * busy(); 0 until then (the caller of start is then taken to be it). */
  int thread_known;
  uv_thread_t loop_thread;
  int async_referenced;

  /* Per-file state that outlives one transfer: download validators and
   * upload sessions (curl_state.c). */
  struct bsim__curl_slot **slots;
  size_t slot_buckets;
  size_t slot_count;

  /* Idle easy handles, reused so that each keeps its receive buffer. */
  CURL *pool[BSIM__CURL_POOL_MAX];
  size_t pool_len;

  /* Teardown: free() closes the handles; the last close callback frees. */
  int freeing;
  size_t handles_open;
};

/* ---- response headers (curl_request.c) --------------------------------- */

#define BSIM__CURL_ETAG_MAX 256
#define BSIM__CURL_DATE_MAX 64
#define BSIM__CURL_SESSION_MAX 128
#define BSIM__CURL_URL_MAX (BSIM_MAX_URL_CHARS + 1)

/** What one response said, reset at every status line (redirects and
 * interim responses each start over). */
struct bsim__curl_resp {
  long status;
  int64_t content_length; /* -1: absent */
  int has_range;          /* Content-Range: bytes a-b/total */
  uint64_t range_first;
  uint64_t range_last;
  uint64_t range_total; /* UINT64_MAX: "*" */
  int accept_ranges;
  char etag[BSIM__CURL_ETAG_MAX];
  char last_modified[BSIM__CURL_DATE_MAX];
  /* BITS upload protocol Ack (reference §9.1). */
  char packet_type[32];
  char protocol[64];
  char session_id[BSIM__CURL_SESSION_MAX];
  int has_received;
  uint64_t received; /* BITS-Received-Content-Range: next offset wanted */
  char reply_url[BSIM__CURL_URL_MAX];
  bsim_hr error_code; /* BITS-Error-Code / BITS-Error, 0: absent */
  uint32_t error_context;
  int malformed; /* a header we rely on did not parse */
};

/** Parse one header line into resp (a status line resets it). */
void bsim__curl_resp_line(struct bsim__curl_resp *resp, const char *line,
                          size_t len);

/* ---- transfers ----------------------------------------------------------- */

enum bsim__curl_kind {
  BSIM__CURL_DOWNLOAD = 0,
  BSIM__CURL_UPLOAD = 1,
  BSIM__CURL_CANCEL_SESSION = 2,
  BSIM__CURL_KIND_COUNT /* not a value */
};

/** Upload protocol steps (reference §9.1). */
enum bsim__curl_up_step {
  BSIM__UP_CREATE = 0,
  BSIM__UP_FRAGMENT = 1,
  BSIM__UP_REPLY = 2,
  BSIM__UP_CLOSE = 3,
  BSIM__UP_COPY = 4,  /* file:// destination: a plain copy, no protocol */
  BSIM__UP_STEP_COUNT /* not a value */
};

/** Bytes arriving into a file: a download, or an upload-reply's reply. */
struct bsim__curl_sink {
  const char *path;   /* NULL: count only */
  int fs_virtual;     /* count only */
  uint64_t start;     /* offset asked for */
  uint64_t disk;      /* bytes [0, disk) are written */
  uint64_t size;      /* BSIM_SIZE_UNKNOWN until the response says */
  unsigned char *buf; /* bytes [disk, disk + buf_len) not yet written */
  size_t buf_len;
  size_t buf_cap;
  int begun;          /* the response was accepted and bytes may flow */
  int discard;        /* an error response: the body is not the file */
  int restarted;      /* the remote file changed: rewritten from 0 */
  int validator_owed; /* the response's validator is worth keeping */
};

struct bsim__curl_cx {
  struct bsim__curl *ct;
  struct bsim__xfer *xfer; /* NULL for a detached request */
  enum bsim__curl_kind kind;
  enum bsim__xfer_phase phase;
  CURL *easy;
  struct curl_slist *headers;
  struct bsim__curl_job_options opts; /* copied at start (owned strings) */
  char *url; /* the URL of the current request (owned) */
  char key[BSIM_GUID_STRING_LEN + 16]; /* "{job}#index": per-file state */
  int in_multi;
  struct bsim__curl_resp resp;
  /* Causes of failure, for bsim__classify. */
  int remote_errno;               /* file:// source */
  int local_errno;                /* reading an upload's source */
  bsim_hr local_hr;               /* a failed write through the engine */
  bsim_hr check_hr;               /* a response check that failed */
  int file_scheme;                /* url is file:// */
  struct bsim__curl_cx *all_prev; /* every cx of the transport */
  struct bsim__curl_cx *all_next;
  struct bsim__curl_cx *next; /* events / deferred list */
  int on_events;
  int on_deferred;
  struct bsim__xfer_result deferred_result;

  /* Reports owed to the engine. */
  int connected_owed;
  int connected_sent;
  uint64_t bytes_total;
  uint64_t progress_sent;
  uint64_t progress_ms; /* loop time of the last progress report */
  uint64_t reply_sent;  /* reply bytes reported (bsim__xfer_reply) */
  int reply_reported;   /* the reply's start was reported */

  struct bsim__curl_sink sink;

  /* A ranged download (reference §1.6; curl_download.c): one request per
   * range, or per remaining part of one. */
  struct {
    uint64_t remote_size; /* BSIM_SIZE_UNKNOWN until a 206 said */
    uint64_t total;       /* local size (sum of ranges); UINT64_MAX unknown */
    uint64_t first;       /* this request: remote bytes [first, last] */
    uint64_t last;        /* UINT64_MAX: to the end of the file */
    int merged;           /* the server answered other bytes than asked */
    int restart;          /* the file changed: start over from byte 0 */
  } rg;

  /* Upload (curl_upload.c). */
  struct {
    enum bsim__curl_up_step step;
    int fd;
    uint64_t size;
    int64_t mtime_ns;
    char session_id[BSIM__CURL_SESSION_MAX];
    uint64_t acked;      /* the server holds [0, acked) */
    uint64_t frag_first; /* the fragment being sent */
    uint64_t frag_len;
    uint64_t frag_sent;
    uint64_t frag_max;
    uint32_t creates;
    uint32_t resyncs;
    uint32_t retries;
  } up;

  /* A detached Cancel-Session (curl_upload.c): re-sent on the engine's
   * clock until config.cancel_session_window_ms after the first try. */
  struct bsim__timer retry_timer;
  uint64_t first_try_ms;
};

/* ---- xfer_curl.c ----------------------------------------------------------
 * Plumbing shared by the kinds. */

/** Add cx's easy handle (configured) to the multi. Returns S_OK or
 * E_OUTOFMEMORY / E_FAIL when curl refuses. */
bsim_hr bsim__curl_submit(struct bsim__curl_cx *cx);
/** cx has reports owed (connected, progress): queue it. */
void bsim__curl_owe(struct bsim__curl_cx *cx);
/** Finish cx on the next loop turn with result (never reported inside the
 * call that decided it). */
void bsim__curl_defer_done(struct bsim__curl_cx *cx,
                           const struct bsim__xfer_result *result);
/** Report what cx owes, then done with result, and free cx. */
void bsim__curl_finish(struct bsim__curl_cx *cx,
                       const struct bsim__xfer_result *result);
/** Free cx (removing it from the multi and the lists). */
void bsim__curl_cx_free(struct bsim__curl_cx *cx);
/** Apply what curl asked of libuv (pollers, the timer). Loop thread only. */
void bsim__curl_sync(struct bsim__curl *ct);
/** An easy handle from the transport's pool (or a new one); NULL when out
 * of memory. Released by bsim__curl_cx_free. */
CURL *bsim__curl_easy_get(struct bsim__curl *ct);
/** Apply pending libuv changes if on the loop thread, else wake it. */
void bsim__curl_kick(struct bsim__curl *ct);

/* ---- curl_request.c ------------------------------------------------------ */

/** Reset cx's easy handle for a new request to url with the job's options
 * (proxy, credentials, headers, TLS, redirects, speed caps, timeouts) and
 * the transport's callbacks. extra: more header lines (NULL-terminated).
 * Returns S_OK or E_OUTOFMEMORY. */
bsim_hr bsim__curl_request_setup(struct bsim__curl_cx *cx, const char *url,
                                 const char *const *extra);
/** Copy the job options into cx (owned copies). */
bsim_hr bsim__curl_options_copy(struct bsim__curl_job_options *dst,
                                const struct bsim__curl_job_options *src);
void bsim__curl_options_free(struct bsim__curl_job_options *opts);
/** Classification input for cx's last request. */
struct bsim__classify_in bsim__curl_classify_in(const struct bsim__curl_cx *cx,
                                                CURLcode code);
/** What a job's security flags (reference §1.13, §2.7) ask of a request,
 * as libcurl option values (curl_request.c explains each mapping). */
struct bsim__curl_security {
  long verify_peer;            /* CURLOPT_SSL_VERIFYPEER */
  long verify_host;            /* CURLOPT_SSL_VERIFYHOST: 2 or 0 */
  const char *ca_file;         /* CURLOPT_CAINFO; NULL: curl's default */
  const char *crl_file;        /* CURLOPT_CRLFILE; NULL: none */
  long follow;                 /* CURLOPT_FOLLOWLOCATION */
  long max_redirects;          /* CURLOPT_MAXREDIRS */
  const char *redir_protocols; /* CURLOPT_REDIR_PROTOCOLS_STR */
};
/** Pure: the options for flags on a request to url under config (strings
 * borrowed from config or static). */
void bsim__curl_security_plan(uint32_t flags, const char *url,
                              const struct bsim__curl_config *config,
                              struct bsim__curl_security *out);
/** ALLOW_REPORT: if cx's download request was redirected, rename the file's
 * remote name to the final URL (bsim__xfer_redirected). Lock held, never
 * from a curl callback. */
void bsim__curl_report_redirect(struct bsim__curl_cx *cx);
/** The accepted response's validator (strong ETag, else Last-Modified) to
 * the engine, which keeps it for resumes after a restart
 * (curl_download.c). Lock held. */
void bsim__curl_report_validator(struct bsim__curl_cx *cx);
/** Is url a file:// URL (or an absolute path)? */
int bsim__curl_is_file_url(const char *url);
/** Turn an absolute path into a file:// URL; other URLs are copied.
 * Returns a bsim__malloc'd string or NULL. */
char *bsim__curl_normalize_url(const char *url);
/** The local path of a file:// URL (bsim__malloc'd) or NULL. */
char *bsim__curl_file_path(const char *url);

/* ---- curl_download.c ----------------------------------------------------- */

/** Start a download cx (or the reply leg of an upload). */
bsim_hr bsim__curl_download_start(struct bsim__curl_cx *cx, const char *url);
/** The download request ended with code. */
void bsim__curl_download_done(struct bsim__curl_cx *cx, CURLcode code);
/** End of a request that filled the sink: flush, check the size, and
 * classify. */
struct bsim__xfer_result bsim__curl_sink_end(struct bsim__curl_cx *cx,
                                             CURLcode code);
/** A download stops unfinished: keep its response's validator for the
 * resume. */
void bsim__curl_download_keep(struct bsim__curl_cx *cx);
/** Write what the sink buffers; returns S_OK or the write's HRESULT. */
bsim_hr bsim__curl_sink_flush(struct bsim__curl_cx *cx);
size_t bsim__curl_write_cb(char *data, size_t size, size_t nmemb, void *user);

/* ---- curl_upload.c ------------------------------------------------------- */

bsim_hr bsim__curl_upload_start(struct bsim__curl_cx *cx);
void bsim__curl_upload_done(struct bsim__curl_cx *cx, CURLcode code);
void bsim__curl_cancel_done(struct bsim__curl_cx *cx, CURLcode code);
/** Send Cancel-Session for the session kept under key, detached. */
void bsim__curl_upload_cancel(struct bsim__curl *ct, const char *key,
                              const char *url,
                              const struct bsim__curl_job_options *opts);
void bsim__curl_upload_release(struct bsim__curl_cx *cx);

/* ---- curl_state.c: per-file state across transfers ------------------------
 */

struct bsim__curl_slot {
  struct bsim__curl_slot *next;
  char *key;
  /* Download validator (reference §10 "Consistency"). */
  char *etag;
  char *last_modified;
  /* Upload session (reference §9.1). */
  char *session_id;
  char *reply_url;
  int uploaded; /* every byte acked: reply / Close-Session left */
  uint64_t local_size;
  int64_t local_mtime_ns;
  uint64_t frag_max; /* 0, or the fragment size after a 413 */
  /* Ranged download: the remote size the ranges were laid out on. */
  int has_remote_size;
  uint64_t remote_size;
};

/** Find the slot for key, creating it when create is nonzero. NULL when
 * absent (or out of memory, or the table is full). */
struct bsim__curl_slot *bsim__curl_slot_get(struct bsim__curl *ct,
                                            const char *key, int create);
void bsim__curl_slot_drop(struct bsim__curl *ct, const char *key);
void bsim__curl_slots_free(struct bsim__curl *ct);
/** Replace *field with a copy of value (NULL clears). S_OK/E_OUTOFMEMORY. */
bsim_hr bsim__curl_slot_set(char **field, const char *value);

#endif /* BSIM_TRANSPORT_CURL_INTERNAL_H */
