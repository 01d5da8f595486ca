/* bitsim — `bitsim serve` as a library: a loopback HTTP origin with scripted
 * faults, the server side of the BITS upload protocol and a peer-cache
 * endpoint (design.md "Servers are product, not test scaffolding";
 * reference §9.1, §10, §7, §11).
 *
 * A server binds 127.0.0.1 only and runs on libmicrohttpd's own threads (one
 * per connection), so a test or the demo starts it, points real transfers at
 * it and reads its per-path counters while it runs. It serves:
 *   GET/HEAD /<path>          files under root_dir (Range, ETag, If-Range)
 *   GET/HEAD /peer/<path>     cached copies under peer_dir (default root_dir)
 *   BITS_POST /<path>         uploads into upload_dir ([MC-BUP])
 *   GET/HEAD /bitsim-reply/<session>  the reply of an upload-reply session
 * Faults (status, reset, stall, drip, wrong length, no Range, corrupt bytes,
 * changing content, redirects) apply per path or path prefix and per
 * request count.
 * docs/serve.md describes the text form of faults and every response.
 *
 * Threads: every function may be called from any thread, concurrently with
 * the server's own threads, except that bsim_serve_stop must be called once
 * and last.
 */
#ifndef BSIM_SERVE_H
#define BSIM_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "bitsim/export.h"
#include "bitsim/hr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- constants ---------------------------------------------------------- */

/** The BITS 1.5 upload protocol GUID (reference §9.1). */
#define BSIM_SERVE_PROTOCOL_GUID "{7df0354d-249b-430f-820d-3d2a9bef4931}"
/** URL prefix of the peer-cache endpoint. */
#define BSIM_SERVE_PEER_PREFIX "/peer/"
/** URL prefix of upload replies. */
#define BSIM_SERVE_REPLY_PREFIX "/bitsim-reply/"
/** Room for a fault's path and method (including the terminating NUL). */
#define BSIM_SERVE_FAULT_PATH_MAX 1024
#define BSIM_SERVE_FAULT_METHOD_MAX 16
/** Most faults one server holds. */
#define BSIM_SERVE_FAULTS_MAX 256

/** The options struct version this header describes. */
#define BSIM_SERVE_OPTIONS_VERSION 1

/** What the server answers an upload with (reference §9: upload-reply). */
enum bsim_serve_reply_mode {
  BSIM_SERVE_REPLY_NONE = 0,  /* plain upload: no BITS-Reply-URL */
  BSIM_SERVE_REPLY_ECHO = 1,  /* the reply is the uploaded bytes */
  BSIM_SERVE_REPLY_FIXED = 2, /* the reply is options.reply_body */
  BSIM_SERVE_REPLY_FILE = 3,  /* the reply is the file options.reply_path */
  BSIM_SERVE_REPLY_COUNT      /* not a value */
};

/** The kinds of scripted fault. */
enum bsim_serve_fault_kind {
  BSIM_SERVE_FAULT_STATUS = 0,       /* answer `status`, no content */
  BSIM_SERVE_FAULT_RESET = 1,        /* close after `bytes` body bytes */
  BSIM_SERVE_FAULT_STALL = 2,        /* after `bytes` body bytes, send
                                        nothing for `stall_ms`, then close */
  BSIM_SERVE_FAULT_DRIP = 3,         /* `bytes` every `interval_ms` */
  BSIM_SERVE_FAULT_WRONG_LENGTH = 4, /* Content-Length off by length_delta */
  BSIM_SERVE_FAULT_NO_RANGE = 5,     /* ignore Range: 200, whole body */
  BSIM_SERVE_FAULT_CORRUPT = 6,      /* flip file bytes [offset,
                                        offset + length) */
  BSIM_SERVE_FAULT_CHANGE = 7,       /* new content, ETag, Last-Modified */
  BSIM_SERVE_FAULT_REDIRECT = 8,     /* answer `status` (3xx) with
                                        Location: `location` */
  BSIM_SERVE_FAULT_KIND_COUNT        /* not a value */
};

/* ---- types -------------------------------------------------------------- */

/** A running server; opaque. */
typedef struct bsim_serve bsim_serve;

/** Server options. Fill with bsim_serve_options_init, then set what you
 * need. Strings are copied by bsim_serve_start. */
struct bsim_serve_options {
  uint32_t version; /* BSIM_SERVE_OPTIONS_VERSION */
  /** Files served by GET/HEAD; NULL serves no files (404). */
  const char *root_dir;
  /** Where completed uploads land; NULL disables uploads (501 +
   * E_ACCESSDENIED to Create-Session, per [MC-BUP]). */
  const char *upload_dir;
  /** Cached copies served under /peer/; NULL means root_dir. */
  const char *peer_dir;
  /** TCP port on 127.0.0.1; 0 (default) lets the system pick. */
  uint16_t port;
  enum bsim_serve_reply_mode reply_mode; /* default NONE */
  const char *reply_body;                /* FIXED: the reply text */
  const char *reply_path;                /* FILE: the reply file */
  /** Largest upload accepted; bigger ones get 413 + BG_E_TOO_LARGE.
   * Default UINT64_MAX (IIS's BITSMaximumUploadSize default is "the
   * maximum", reference §9.1). */
  uint64_t max_upload_bytes;
  /** Largest fragment body, held in memory until complete; bigger ones get
   * 413 + BG_E_TOO_LARGE (the client shrinks its fragments, §9.1).
   * Default 8 MiB. */
  uint64_t max_fragment_bytes;
  /** Upload sessions open at once; beyond, Create-Session gets 503 +
   * E_BUSY. Default 50 (BITSNumberOfSessionsLimit, §9.1). */
  uint32_t max_sessions;
  /** A session idle this long is dropped with its partial file. Default
   * 1,209,600,000 ms (BITSSessionTimeout, §9.1). */
  uint64_t session_timeout_ms;
  /** Connections at once (each has a thread). Default 64. */
  uint32_t max_connections;
  /** Idle connections are closed after this many seconds. Default 30. */
  uint32_t idle_timeout_s;
  /** Upper bound of any stall or drip wait, so nothing hangs forever.
   * Default 30,000 ms. */
  uint32_t stall_max_ms;
  /** Nonzero: an upload may replace an existing file. Default 0
   * (BITSAllowOverwrites, §9.1): Create-Session gets 409. */
  int allow_overwrite;
  /** Seeds session ids; 0 (default) draws one from the clock. */
  uint64_t seed;
  /** The clock for session timeouts, in ms; NULL uses the monotonic clock.
   * Tests pass their own to expire sessions without waiting. Called from
   * the server's threads. */
  uint64_t (*clock_ms)(void *clock_user);
  void *clock_user;
};

/** One scripted fault. Fill with bsim_serve_fault_init, or parse its text
 * form with bsim_serve_fault_parse. A fault applies to requests whose path
 * equals `path` (or starts with it when `prefix` is nonzero) and whose method
 * equals `method` (empty: any). Counting the requests that match, it applies
 * to the nth and the `count - 1` after it (count 0: every one from the nth
 * on). Several faults may apply to one request, one of each kind. */
struct bsim_serve_fault {
  enum bsim_serve_fault_kind kind;
  char path[BSIM_SERVE_FAULT_PATH_MAX];
  int prefix;
  char method[BSIM_SERVE_FAULT_METHOD_MAX];
  uint32_t nth;   /* 1-based; 0 means 1 */
  uint32_t count; /* 0: unlimited */
  int status;     /* STATUS: 200..599; REDIRECT: 301, 302, 303, 307, 308 */
  /** STATUS on BITS_POST: the BITS-Error-Code sent (default E_FAIL) and
   * BITS-Error-Context (5 = server, 7 = server application; default 5). */
  bsim_hr bits_error;
  uint32_t bits_context;
  uint64_t bytes;       /* RESET, STALL: body bytes first; DRIP: per step */
  uint32_t interval_ms; /* DRIP */
  uint32_t stall_ms;    /* STALL */
  int64_t length_delta; /* WRONG_LENGTH: nonzero */
  uint64_t offset;      /* CORRUPT: first file byte flipped */
  uint64_t length;      /* CORRUPT: bytes flipped (>= 1) */
  /** REDIRECT: the Location sent, a path on this server ("/b.bin") or an
   * absolute URL. */
  char location[BSIM_SERVE_FAULT_PATH_MAX];
};

/** Counters for one path (or for all paths). */
struct bsim_serve_stats {
  uint64_t requests;     /* every request, any method */
  uint64_t gets;         /* GET */
  uint64_t heads;        /* HEAD */
  uint64_t bits_posts;   /* BITS_POST */
  uint64_t ranged;       /* GETs answered 206 */
  uint64_t body_bytes;   /* response body bytes handed to the socket */
  uint64_t upload_bytes; /* fragment body bytes received */
  uint64_t faulted;      /* requests at least one fault applied to */
  uint64_t status_2xx;   /* responses by class */
  uint64_t status_4xx;
  uint64_t status_5xx;
};

/* ---- lifecycle ---------------------------------------------------------- */

/** Fill opts with the defaults documented above. */
BSIM_EXTERN void bsim_serve_options_init(struct bsim_serve_options *opts);

/** Bind 127.0.0.1:opts->port and start serving on libmicrohttpd's threads.
 * Returns S_OK; E_POINTER if an argument is NULL; E_INVALIDARG for bad
 * options (unknown version, a directory that cannot be opened, a reply mode
 * without its body or path); E_ALREADY_EXISTS when the port is taken;
 * E_FAIL when the daemon cannot start; E_OUTOFMEMORY.
 * Ownership: *out is the caller's until bsim_serve_stop. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_serve_start(const struct bsim_serve_options *opts, bsim_serve **out);

/** The port the server listens on. */
BSIM_EXTERN uint16_t bsim_serve_port(const bsim_serve *srv);

/** Write "http://127.0.0.1:<port><path>" into buf (path must start with
 * '/'). Returns S_OK, E_POINTER, or E_INVALIDARG when path is malformed or
 * buf is too small (buf then holds ""). */
BSIM_EXTERN bsim_hr bsim_serve_url(const bsim_serve *srv, const char *path,
                                   char *buf, size_t len);

/** Stop accepting, wake every stalled or dripping response, wait for the
 * server's threads, delete partial uploads and free everything. NULL is a
 * no-op. */
BSIM_EXTERN void bsim_serve_stop(bsim_serve *srv);

/* ---- faults ------------------------------------------------------------- */

/** Fill f with an empty fault of the given kind (nth 1, count 0,
 * bits_error E_FAIL, bits_context 5). */
BSIM_EXTERN void bsim_serve_fault_init(struct bsim_serve_fault *f,
                                       enum bsim_serve_fault_kind kind);

/** Parse one fault in its text form (docs/serve.md), e.g.
 * "path=/a.bin,status=503,count=2" or "prefix=/d/,nth=3,reset=1000".
 * Returns S_OK, E_POINTER, or E_INVALIDARG with a reason in err (when err is
 * not NULL); *out is unchanged on failure. */
BSIM_EXTERN bsim_hr bsim_serve_fault_parse(const char *text,
                                           struct bsim_serve_fault *out,
                                           char *err, size_t err_len);

/** Add a fault (copied); it applies to requests that start after this
 * returns. Returns S_OK, E_POINTER, E_INVALIDARG (a fault that cannot
 * apply: no path, a bad status, a zero drip, an unknown kind), or
 * E_OUTOFMEMORY when BSIM_SERVE_FAULTS_MAX faults are already held. */
BSIM_EXTERN bsim_hr bsim_serve_fault_add(bsim_serve *srv,
                                         const struct bsim_serve_fault *f);

/** Remove every fault (content already changed stays changed). */
BSIM_EXTERN void bsim_serve_fault_clear(bsim_serve *srv);

/* ---- observation -------------------------------------------------------- */

/** Counters for requests to exactly `path` (as requested, e.g. "/a.bin" or
 * "/peer/a.bin"), or for all requests when path is NULL. A path never
 * requested gives zeros. Paths are counted one by one for the first 16,384
 * distinct paths shorter than BSIM_SERVE_FAULT_PATH_MAX; the totals count
 * every request. Returns S_OK or E_POINTER. */
BSIM_EXTERN bsim_hr bsim_serve_stats_get(bsim_serve *srv, const char *path,
                                         struct bsim_serve_stats *out);

/** Upload sessions currently open (after dropping timed-out ones). */
BSIM_EXTERN uint32_t bsim_serve_session_count(bsim_serve *srv);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_SERVE_H */
