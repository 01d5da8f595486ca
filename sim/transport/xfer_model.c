/* bitsim — the model transport: a deterministic network on the engine's
 * virtual clock (design.md "Two transports", reference §10).
 *
 * One download request, as a timeline on one engine timer:
 *
 *   start ──latency_ms──► CONNECT ──► BODY ──(ticks)──► done OK
 *                           │           ├─ outage starts ──► TRANSIENT
 *                           │           ├─ reset point ────► TRANSIENT
 *                           │           └─ stall point ──► STALL ──timeout──►
 *                           │                                    TRANSIENT
 *                           └─ outage / refused (TRANSIENT), HTTP error
 *                              status, no Content-Length, > 2 GiB without
 *                              Range (FATAL)
 *
 * CONNECT decides what the server does: whether the host is up, which
 * scripted faults apply (model_faults.c), whether the Range request is
 * honoured (reference §10: without Range, or when the file was re-published
 * since the partial bytes were fetched, the download starts again from 0
 * and the temporary file is cut). BODY moves bytes analytically: the
 * position at time t is pos + (t - seg_ms) * bandwidth / 1000, so stop()
 * returns the exact count reached at any virtual instant, and the timer
 * only wakes for the next interesting moment: the end of the body, an
 * outage start, a reset or stall point, or a progress tick. Ticks come at
 * most once per virtual second and at most about 64 times per connection,
 * so a 3 GiB download over nine days is a few hundred steps. Bytes are
 * written for real (unless the manager's files are virtual) in 64 KiB
 * chunks made by the content function, before the progress report that
 * covers them, so a reported byte is a byte on disk.
 *
 * An unlimited host (bandwidth 0) with latency 0 connects, moves every byte
 * and finishes inside one timer callback, and a transfer allocates nothing
 * but its fixed record, which is pooled (the lifecycle benchmark runs a
 * million of these per second).
 *
 * Reports to the engine (bsim__xfer_connected / _progress / _done) are made
 * with the lock held, never from inside start(). The engine may stop the
 * transfer from inside a report; the record then stays alive until the
 * callback that made the report sees that and returns.
 *
 * Error codes (reference §10 lists the classes, not these numbers, so they
 * are inferred from what WinHTTP reports): host down or connection refused
 * HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CONNECT) 0x80072EFD; connection
 * broken (reset, outage) HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR)
 * 0x80072EFE; stalled body HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT)
 * 0x80072EE2; all transient. HTTP error statuses give
 * BG_E_HTTP_ERROR_<status>, fatal or transient per model_faults.c. Remote
 * failures carry context REMOTE_FILE; failures writing the temporary file
 * carry LOCAL_FILE and are fatal.
 */
#include <stddef.h>
#include <string.h>

#include "transport/model_priv.h"

#define WINHTTP_TIMEOUT 12002u
#define WINHTTP_CANNOT_CONNECT 12029u
#define WINHTTP_CONNECTION_ERROR 12030u

#define CHUNK_BYTES (64u * 1024u)
#define CORRUPT_STRIDE (64u * 1024u)
#define PROGRESS_MIN_MS 1000u
#define PROGRESS_STEPS 64u
#define POOL_MAX 4096u
/* Files over 2 GB are always fetched in 2 GB ranges (reference §10). */
#define RANGE_REQUIRED_BYTES (UINT64_C(2) * 1024 * 1024 * 1024)

enum model_phase { PHASE_CONNECT, PHASE_BODY, PHASE_STALL };

struct bsim__model_xfer {
  struct bsim__timer timer;
  struct bsim__model *m;
  struct bsim__xfer *xfer;
  struct bsim__model_host *host;
  struct bsim__model_file *file; /* NULL until CONNECT found it */
  struct bsim__model_xfer *prev;
  struct bsim__model_xfer *next;
  uint64_t req_ms;       /* when the request was made (fault windows) */
  uint64_t key;          /* content key of the version being served */
  uint64_t size;         /* size of that version; of a ranged file, the
                            sum of its ranges (the local file) */
  uint64_t remote_size;  /* size of that version on the server */
  uint64_t pos;          /* bytes delivered by seg_ms */
  uint64_t seg_ms;       /* start of the current constant-rate segment */
  uint64_t tick_ms;      /* progress interval of the segment */
  uint64_t written;      /* bytes in the temporary file (and reported) */
  uint64_t stop_at;      /* the body breaks or stalls here; UINT64_MAX */
  uint64_t corrupt_from; /* first corrupted byte; UINT64_MAX */
  uint32_t version;
  enum model_phase phase;
  int stall; /* stop_at is a stall point, not a reset */
  int in_cb; /* a timer callback of this record is running */
  int dead;  /* stopped from inside a report: the callback frees it */
};

_Static_assert(offsetof(struct bsim__model_xfer, timer) == 0,
               "on_timer finds the record from its timer");

enum { GONE = 0, ALIVE = 1 };

struct bsim__model *bsim__model_of(bsim_manager *mgr) {
  struct bsim__transport *t = bsim__mgr_model(mgr);
  BSIM_ASSERT(t != NULL && t->ctx != NULL);
  return t->ctx;
}

/* ---- arithmetic ----------------------------------------------------------
 * Integer only, saturating, so the same inputs give the same instants on
 * every machine. Bandwidths are at most 2^50 (model_hosts.c). */

static uint64_t add_sat(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* floor(ms * bw / 1000) */
static uint64_t bytes_in(uint64_t ms, uint64_t bw) {
  uint64_t q = ms / 1000;
  uint64_t r = ms % 1000;
  if (bw != 0 && q > UINT64_MAX / bw) return UINT64_MAX;
  return add_sat(q * bw, r * bw / 1000);
}

/* ceil(bytes * 1000 / bw): the first instant by which bytes have moved. */
static uint64_t ms_for(uint64_t bytes, uint64_t bw) {
  uint64_t q = bytes / bw;
  uint64_t r = bytes % bw;
  if (q > UINT64_MAX / 1000) return UINT64_MAX;
  return add_sat(q * 1000, (r * 1000 + bw - 1) / bw);
}

static uint64_t min_u64(uint64_t a, uint64_t b) {
  return a < b ? a : b;
}

/* ---- records ------------------------------------------------------------ */

static void on_timer(bsim_manager *mgr, struct bsim__timer *timer);

static struct bsim__model_xfer *record_get(struct bsim__model *m) {
  struct bsim__model_xfer *x = m->pool;
  if (x != NULL) {
    m->pool = x->next;
    m->pool_count--;
  } else {
    x = bsim__malloc(sizeof *x);
    if (x == NULL) return NULL;
  }
  memset(x, 0, sizeof *x);
  bsim__timer_init(&x->timer, on_timer);
  x->m = m;
  return x;
}

static void record_put(struct bsim__model *m, struct bsim__model_xfer *x) {
  if (m->pool_count >= POOL_MAX) {
    bsim__free(x);
    return;
  }
  x->next = m->pool;
  m->pool = x;
  m->pool_count++;
}

static void link_active(struct bsim__model *m, struct bsim__model_xfer *x) {
  x->prev = NULL;
  x->next = m->active;
  if (m->active != NULL) m->active->prev = x;
  m->active = x;
}

/* Take x out of the running: no timer, not in the active list, no longer
 * the xfer's. The record itself stays valid. */
static void detach(struct bsim__model_xfer *x) {
  struct bsim__model *m = x->m;
  if (bsim__timer_armed(&x->timer)) bsim__timer_stop(m->mgr, &x->timer);
  if (x->prev != NULL) {
    x->prev->next = x->next;
  } else {
    m->active = x->next;
  }
  if (x->next != NULL) x->next->prev = x->prev;
  x->prev = x->next = NULL;
  x->xfer->transport_data = NULL;
}

/* A scripted fault for this request: faults meant for the other source
 * (origin or peer copy) are skipped. */
static const struct bsim__model_fault *take_fault(struct bsim__model_xfer *x,
                                                  enum bsim_fault_kind kind) {
  return bsim__model_fault_take_src(x->m, kind, x->xfer->remote_url, x->req_ms,
                                    x->host->opts.peer != 0);
}

/* ---- trace -------------------------------------------------------------- */

/* A fault or outage took effect: at is the byte offset where it did
 * (UINT64_MAX: before the body), status the HTTP status sent (0: none). */
static void trace_fault(struct bsim__model_xfer *x, const char *kind,
                        uint64_t at, int status) {
  struct bsim__tr tr;
  if (!bsim__tr_begin(&tr, x->m->mgr, "fault", x->xfer->job)) return;
  bsim__tr_u64(&tr, "file", x->xfer->file_index);
  bsim__tr_str(&tr, "kind", kind);
  bsim__tr_str(&tr, "url", x->xfer->remote_url);
  if (at != UINT64_MAX) bsim__tr_u64(&tr, "at", at);
  if (status != 0) bsim__tr_u64(&tr, "status", (uint64_t)status);
  bsim__tr_end(&tr);
}

static void trace_response(struct bsim__model_xfer *x, int status,
                           uint64_t from) {
  struct bsim__tr tr;
  if (!bsim__tr_begin(&tr, x->m->mgr, "response", x->xfer->job)) return;
  bsim__tr_u64(&tr, "file", x->xfer->file_index);
  bsim__tr_u64(&tr, "status", (uint64_t)status);
  bsim__tr_u64(&tr, "from", from);
  bsim__tr_u64(&tr, "size", x->size);
  bsim__tr_u64(&tr, "version", x->version);
  if (x->host->opts.peer) bsim__tr_u64(&tr, "peer", 1);
  bsim__tr_end(&tr);
}

/* ---- finishing ---------------------------------------------------------- */

/* Remember which version the partial bytes came from, or forget it when
 * the file is complete (reference §10 "Consistency"). */
static void note_partial(struct bsim__model_xfer *x) {
  struct bsim__model *m = x->m;
  if (x->file == NULL || x->xfer->job == NULL) return;
  const bsim_guid *id = bsim__job_id(x->xfer->job);
  if (x->written > 0 && x->written < x->size) {
    /* Out of memory only loses the detection of a later change. */
    (void)bsim__model_partial_put(&m->partials, id, x->xfer->file_index,
                                  x->file, x->version);
  } else if (m->partials.count > 0) {
    bsim__model_partial_remove(&m->partials, id, x->xfer->file_index);
  }
}

static int finish(struct bsim__model_xfer *x, enum bsim__xfer_outcome outcome,
                  bsim_hr hr, enum bsim_error_context context,
                  int http_status) {
  struct bsim__xfer *xfer = x->xfer;
  struct bsim__xfer_result result = {outcome, hr, context, http_status};
  if (x->phase != PHASE_CONNECT) note_partial(x);
  detach(x);
  record_put(x->m, x);
  bsim__xfer_done(xfer, &result);
  return GONE;
}

static int fail_remote(struct bsim__model_xfer *x, uint32_t winhttp) {
  return finish(x, BSIM__XFER_TRANSIENT, bsim_hr_from_win32(winhttp),
                BSIM_ERROR_CONTEXT_REMOTE_FILE, 0);
}

static int fail_fatal(struct bsim__model_xfer *x, bsim_hr hr,
                      enum bsim_error_context context) {
  return finish(x, BSIM__XFER_FATAL, hr, context, 0);
}

/* After a report: if the engine stopped the transfer meanwhile, the record
 * is ours to free and the xfer is no longer to be touched. */
static int after_report(struct bsim__model_xfer *x) {
  if (!x->dead) return ALIVE;
  record_put(x->m, x);
  return GONE;
}

/* ---- bytes -------------------------------------------------------------- */

static void corrupt_chunk(const struct bsim__model_xfer *x, uint64_t off,
                          unsigned char *buf, size_t n) {
  if (x->corrupt_from == UINT64_MAX || off + n <= x->corrupt_from) return;
  uint64_t first = x->corrupt_from;
  if (off > first) {
    uint64_t k = (off - first + CORRUPT_STRIDE - 1) / CORRUPT_STRIDE;
    first += k * CORRUPT_STRIDE;
  }
  for (uint64_t o = first; o < off + n; o += CORRUPT_STRIDE) {
    buf[o - off] ^= 0xffu;
  }
}

/* The content of local bytes [off, off + n): of a ranged file, the
 * ranges' bytes back to back (reference §1.6); else the remote file's. */
static void fill_content(const struct bsim__model_xfer *x, uint64_t off,
                         unsigned char *buf, size_t n) {
  const struct bsim__xfer *xfer = x->xfer;
  if (xfer->range_count == 0) {
    bsim__model_content(x->key, off, buf, n);
    return;
  }
  while (n > 0) {
    uint32_t index;
    uint64_t src;
    uint64_t left;
    int rc = bsim__ranges_locate(xfer->ranges, xfer->range_count,
                                 x->remote_size, off, &index, &src, &left);
    BSIM_ASSERT(rc == 0); /* x->size was checked by bsim__ranges_total */
    size_t take = (size_t)min_u64(left, n);
    bsim__model_content(x->key, src, buf, take);
    buf += take;
    off += take;
    n -= take;
  }
}

/* Write [x->written, to) into the temporary file. */
static bsim_hr write_bytes(struct bsim__model_xfer *x, uint64_t to) {
  struct bsim__xfer *xfer = x->xfer;
  struct bsim__model *m = x->m;
  if (xfer->fs_virtual || to <= x->written) {
    if (to > x->written) x->file->stats.bytes_sent += to - x->written;
    if (to > x->written) x->written = to;
    return BSIM_S_OK;
  }
  /* One chunk buffer per model, made on the first real write (benchmarks
   * with virtual files never need it). */
  if (m->chunk == NULL && (m->chunk = bsim__malloc(CHUNK_BYTES)) == NULL) {
    return BSIM_E_OUTOFMEMORY;
  }
  unsigned char *buf = m->chunk;
  while (x->written < to) {
    size_t n = (size_t)min_u64(to - x->written, CHUNK_BYTES);
    fill_content(x, x->written, buf, n);
    corrupt_chunk(x, x->written, buf, n);
    bsim_hr hr = bsim__fs_write_at(m->mgr, xfer->temp_path, x->written, buf, n);
    if (BSIM_FAILED(hr)) return hr;
    x->written += n;
    x->file->stats.bytes_sent += n;
  }
  return BSIM_S_OK;
}

/* The absolute byte position reached at now_ms. */
static uint64_t position(const struct bsim__model_xfer *x, uint64_t now_ms) {
  uint64_t target = min_u64(x->size, x->stop_at);
  uint64_t bw = x->host->opts.bandwidth_bytes_per_s;
  if (bw == 0 || x->phase != PHASE_BODY) {
    return x->phase == PHASE_BODY ? target : x->written;
  }
  return min_u64(add_sat(x->pos, bytes_in(now_ms - x->seg_ms, bw)), target);
}

/* Write up to cur and report it. */
static int deliver(struct bsim__model_xfer *x, uint64_t cur) {
  if (cur <= x->written) return ALIVE;
  bsim_hr hr = write_bytes(x, cur);
  if (BSIM_FAILED(hr)) {
    return fail_fatal(x, hr, BSIM_ERROR_CONTEXT_LOCAL_FILE);
  }
  bsim__xfer_progress(x->xfer, x->written);
  return after_report(x);
}

/* ---- the timeline ------------------------------------------------------- */

static uint64_t done_at(const struct bsim__model_xfer *x, uint64_t now_ms) {
  uint64_t bw = x->host->opts.bandwidth_bytes_per_s;
  uint64_t target = min_u64(x->size, x->stop_at);
  if (bw == 0 || target <= x->pos) return now_ms;
  return add_sat(x->seg_ms, ms_for(target - x->pos, bw));
}

/* Start a constant-rate segment at now_ms from the current position. */
static void begin_segment(struct bsim__model_xfer *x, uint64_t now_ms) {
  x->pos = position(x, now_ms);
  x->seg_ms = now_ms;
  uint64_t span = done_at(x, now_ms) - now_ms;
  x->tick_ms = span / PROGRESS_STEPS;
  if (x->tick_ms < PROGRESS_MIN_MS) x->tick_ms = PROGRESS_MIN_MS;
}

static void schedule(struct bsim__model_xfer *x, uint64_t now_ms) {
  uint64_t next = done_at(x, now_ms);
  if (bsim__model_host_down(x->host, now_ms)) {
    next = now_ms;
  } else {
    next = min_u64(next, bsim__model_host_next_outage(x->host, now_ms));
  }
  next = min_u64(next, add_sat(now_ms, x->tick_ms));
  bsim__timer_start(x->m->mgr, &x->timer, next);
}

static int body_step(struct bsim__model_xfer *x, uint64_t now_ms) {
  uint64_t cur = position(x, now_ms);
  if (deliver(x, cur) == GONE) return GONE;
  if (cur == x->size) {
    return finish(x, BSIM__XFER_OK, BSIM_S_OK, BSIM_ERROR_CONTEXT_NONE, 0);
  }
  if (cur == x->stop_at && !x->stall) {
    trace_fault(x, "reset", cur, 0);
    return fail_remote(x, WINHTTP_CONNECTION_ERROR);
  }
  if (cur == x->stop_at) {
    trace_fault(x, "stall", cur, 0);
    x->phase = PHASE_STALL;
    bsim__timer_start(x->m->mgr, &x->timer,
                      add_sat(now_ms, x->host->opts.stall_timeout_ms));
    return ALIVE;
  }
  if (bsim__model_host_down(x->host, now_ms)) {
    trace_fault(x, "outage", cur, 0);
    return fail_remote(x, WINHTTP_CONNECTION_ERROR);
  }
  schedule(x, now_ms);
  return ALIVE;
}

/* The body faults of a request that starts at byte from. */
static void take_body_faults(struct bsim__model_xfer *x, uint64_t from) {
  const struct bsim__model_fault *f;
  if ((f = take_fault(x, BSIM_FAULT_RESET_AFTER_BYTES)) != NULL) {
    x->stop_at = add_sat(from, f->f.bytes);
    x->file->stats.faults++;
  }
  if ((f = take_fault(x, BSIM_FAULT_STALL)) != NULL) {
    uint64_t at = add_sat(from, f->f.bytes);
    if (at < x->stop_at) {
      x->stop_at = at;
      x->stall = 1;
    }
    x->file->stats.faults++;
  }
  if ((f = take_fault(x, BSIM_FAULT_CORRUPT)) != NULL) {
    x->corrupt_from = add_sat(from, f->f.bytes);
    x->file->stats.faults++;
    trace_fault(x, "corrupt", x->corrupt_from, 0);
  }
}

/* Nonzero when the bytes before offset came from another version. */
static int remote_changed(struct bsim__model_xfer *x, uint64_t offset) {
  const struct bsim__model_partial *p;
  if (offset > x->size) return 1;
  if (x->xfer->job == NULL) return 0;
  p = bsim__model_partial_find(&x->m->partials, bsim__job_id(x->xfer->job),
                               x->xfer->file_index);
  return p != NULL && (p->file != x->file || p->version != x->version);
}

/* Decide where the body starts (reference §10): the resume offset when the
 * Range request is honoured and the file is unchanged, else 0 after cutting
 * the temporary file. Returns ALIVE with *from set, or GONE. */
static int choose_start(struct bsim__model_xfer *x, uint64_t *from,
                        int *status) {
  struct bsim__xfer *xfer = x->xfer;
  uint64_t offset = xfer->offset;
  int ranged = xfer->range_count > 0; /* range support checked already */
  int wants_range = !ranged && (offset > 0 || x->size > RANGE_REQUIRED_BYTES);
  int range_ok = 1;
  if (wants_range) {
    x->file->stats.range_requests++;
    if (!x->host->opts.range_support) range_ok = 0;
    if (range_ok && take_fault(x, BSIM_FAULT_NO_RANGE)) {
      x->file->stats.faults++;
      trace_fault(x, "no_range", UINT64_MAX, 0);
      range_ok = 0;
    }
  }
  if (!range_ok && x->size > RANGE_REQUIRED_BYTES) {
    return fail_fatal(x, BSIM_E_INSUFFICIENT_RANGE_SUPPORT,
                      BSIM_ERROR_CONTEXT_REMOTE_FILE);
  }
  int changed = offset > 0 && remote_changed(x, offset);
  if (changed && x->host->opts.remote_change_fails) {
    return fail_fatal(x, BSIM_E_REMOTE_FILE_CHANGED,
                      BSIM_ERROR_CONTEXT_REMOTE_FILE);
  }
  *status = ranged || (offset > 0 && range_ok && !changed) ? 206 : 200;
  if (ranged && changed) *status = 200; /* stands for "from byte 0" */
  *from = *status == 206 ? offset : 0;
  if (offset > 0 && *from == 0 && !xfer->fs_virtual) {
    bsim_hr hr = bsim__fs_truncate(x->m->mgr, xfer->temp_path, 0);
    if (BSIM_FAILED(hr)) {
      return fail_fatal(x, hr, BSIM_ERROR_CONTEXT_LOCAL_FILE);
    }
  }
  return ALIVE;
}

/* The server's answer up to the headers. ALIVE: the body may begin. */
static int answer(struct bsim__model_xfer *x, uint64_t now_ms) {
  struct bsim__model *m = x->m;
  const char *url = x->xfer->remote_url;
  if (bsim__model_host_down(x->host, now_ms)) {
    trace_fault(x, "outage", UINT64_MAX, 0);
    return fail_remote(x, WINHTTP_CANNOT_CONNECT);
  }
  if (m->fault_count > 0 && take_fault(x, BSIM_FAULT_CONNECT_FAIL)) {
    trace_fault(x, "connect_fail", UINT64_MAX, 0);
    return fail_remote(x, WINHTTP_CANNOT_CONNECT);
  }
  /* Found at start, or published since. */
  if (x->file == NULL) x->file = bsim__model_file_find(m, url);
  if (x->file == NULL) {
    return finish(x, BSIM__XFER_FATAL, bsim_hr_from_http(404),
                  BSIM_ERROR_CONTEXT_REMOTE_FILE, 404);
  }
  x->file->stats.requests++;
  const struct bsim__model_fault *f;
  if (m->fault_count > 0 &&
      (f = take_fault(x, BSIM_FAULT_HTTP_STATUS)) != NULL) {
    int status = f->f.http_status;
    x->file->stats.faults++;
    trace_fault(x, "http_status", UINT64_MAX, status);
    return finish(x,
                  bsim__model_http_fatal(m, status) ? BSIM__XFER_FATAL
                                                    : BSIM__XFER_TRANSIENT,
                  bsim_hr_from_http(status), BSIM_ERROR_CONTEXT_REMOTE_FILE,
                  status);
  }
  if (!x->host->opts.send_content_length) {
    return fail_fatal(x, BSIM_E_MISSING_FILE_SIZE,
                      BSIM_ERROR_CONTEXT_REMOTE_FILE);
  }
  return ALIVE;
}

/* A ranged file (reference §1.6): the host must honour Range
 * (BG_E_INSUFFICIENT_RANGE_SUPPORT), every range must lie inside the
 * remote file (BG_E_INVALID_RANGE, "range beyond EOF"); both fatal. The
 * body is then the local file: the ranges back to back. */
static int ranged_setup(struct bsim__model_xfer *x) {
  x->file->stats.range_requests++;
  int range_ok = x->host->opts.range_support;
  if (range_ok && take_fault(x, BSIM_FAULT_NO_RANGE)) {
    x->file->stats.faults++;
    trace_fault(x, "no_range", UINT64_MAX, 0);
    range_ok = 0;
  }
  if (!range_ok) {
    return fail_fatal(x, BSIM_E_INSUFFICIENT_RANGE_SUPPORT,
                      BSIM_ERROR_CONTEXT_REMOTE_FILE);
  }
  uint64_t total = 0;
  bsim_hr hr = bsim__ranges_total(x->xfer->ranges, x->xfer->range_count,
                                  x->remote_size, &total);
  if (BSIM_FAILED(hr)) return fail_fatal(x, hr, BSIM_ERROR_CONTEXT_REMOTE_FILE);
  x->size = total;
  return ALIVE;
}

static int connect_step(struct bsim__model_xfer *x, uint64_t now_ms) {
  if (x->xfer->type != BSIM_JOB_TYPE_DOWNLOAD) {
    /* Uploads are not modelled (yet): say so rather than pretend. */
    return fail_fatal(x, BSIM_E_NOTIMPL, BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT);
  }
  if (answer(x, now_ms) == GONE) return GONE;
  x->key = x->file->key;
  x->size = x->file->size;
  x->version = x->file->stats.version;
  x->remote_size = x->size;
  if (x->xfer->range_count > 0 && ranged_setup(x) == GONE) return GONE;
  uint64_t from = 0;
  int status = 200;
  if (choose_start(x, &from, &status) == GONE) return GONE;
  x->phase = PHASE_BODY;
  x->pos = x->written = from;
  x->seg_ms = now_ms;
  x->stop_at = UINT64_MAX;
  x->corrupt_from = UINT64_MAX;
  if (x->m->fault_count > 0) take_body_faults(x, from);
  trace_response(x, status, from);
  bsim__xfer_connected(x->xfer, x->size, x->host->opts.peer != 0);
  if (after_report(x) == GONE) return GONE;
  if (from < x->xfer->offset) {
    /* The file starts again from 0: tell the engine it holds nothing. */
    bsim__xfer_progress(x->xfer, 0);
    if (after_report(x) == GONE) return GONE;
  }
  begin_segment(x, now_ms);
  if (x->host->opts.bandwidth_bytes_per_s == 0) return body_step(x, now_ms);
  schedule(x, now_ms);
  return ALIVE;
}

static void on_timer(bsim_manager *mgr, struct bsim__timer *timer) {
  /* The timer is the record's first member. */
  struct bsim__model_xfer *x = (struct bsim__model_xfer *)(void *)timer;
  uint64_t now_ms = bsim__now_ms(mgr);
  x->in_cb = 1;
  int alive = ALIVE;
  switch (x->phase) {
  case PHASE_CONNECT:
    alive = connect_step(x, now_ms);
    break;
  case PHASE_BODY:
    alive = body_step(x, now_ms);
    break;
  case PHASE_STALL:
    alive = fail_remote(x, WINHTTP_TIMEOUT);
    break;
  }
  /* A GONE record may already serve another transfer: hands off. */
  if (alive == ALIVE) x->in_cb = 0;
}

/* ---- host changes ------------------------------------------------------- */

void bsim__model_host_changed(struct bsim__model *m,
                              struct bsim__model_host *host) {
  uint64_t now_ms = bsim__now_ms(m->mgr);
  for (struct bsim__model_xfer *x = m->active; x != NULL; x = x->next) {
    if (x->host != host || x->phase != PHASE_BODY) continue;
    begin_segment(x, now_ms);
    schedule(x, now_ms);
  }
}

/* ---- the transport ops -------------------------------------------------- */

/* The host serving url: that of its published file (one lookup, the
 * common case), else the host named in the URL (the file may be published
 * later, or never: a 404). */
static struct bsim__model_host *host_for(struct bsim__model *m, const char *url,
                                         struct bsim__model_file **file_out) {
  struct bsim__model_file *file = bsim__model_file_find(m, url);
  if (file_out != NULL) *file_out = file;
  if (file != NULL) return file->host;
  size_t len;
  const char *name = bsim__model_url_host(url, &len);
  return name != NULL ? bsim__model_host_find(m, name, len) : NULL;
}

static int model_claims(void *ctx, const char *url) {
  return url != NULL && host_for(ctx, url, NULL) != NULL;
}

static bsim_hr model_start(void *ctx, struct bsim__xfer *xfer) {
  struct bsim__model *m = ctx;
  struct bsim__model_file *file;
  struct bsim__model_host *host = host_for(m, xfer->remote_url, &file);
  if (host == NULL) return BSIM_E_INVALIDARG;
  /* A peer holding a copy serves it instead of the origin (§11). */
  struct bsim__model_host *peer =
      m->peer_count > 0
          ? bsim__model_peer_for(m, xfer->remote_url, bsim__now_ms(m->mgr))
          : NULL;
  if (peer != NULL) host = peer;
  struct bsim__model_xfer *x = record_get(m);
  if (x == NULL) return BSIM_E_OUTOFMEMORY;
  x->xfer = xfer;
  x->host = host;
  x->file = file;
  x->phase = PHASE_CONNECT;
  x->req_ms = bsim__now_ms(m->mgr);
  x->written = xfer->offset;
  link_active(m, x);
  xfer->transport_data = x;
  bsim__timer_start(m->mgr, &x->timer,
                    add_sat(x->req_ms, host->opts.latency_ms));
  return BSIM_S_OK;
}

static uint64_t model_stop(void *ctx, struct bsim__xfer *xfer) {
  struct bsim__model *m = ctx;
  struct bsim__model_xfer *x = xfer->transport_data;
  if (x == NULL) return xfer->offset;
  uint64_t safe = xfer->offset;
  if (x->phase != PHASE_CONNECT) {
    /* Bytes that arrived but were not reported yet are written now; if
     * that fails, only what is on disk counts. */
    (void)write_bytes(x, position(x, bsim__now_ms(m->mgr)));
    safe = x->written;
    note_partial(x);
  }
  detach(x);
  if (x->in_cb) {
    x->dead = 1;
  } else {
    record_put(m, x);
  }
  return safe;
}

static int model_busy(void *ctx) {
  (void)ctx;
  return 0; /* nothing real is ever in flight */
}

static void free_map_items(struct bsim__model_map *map, int files) {
  for (size_t i = 0; i < map->cap; i++) {
    void *item = map->slots[i].item;
    if (item == NULL) continue;
    if (files) {
      bsim__model_file_free(item);
    } else {
      bsim__model_host_free(item);
    }
  }
  bsim__model_map_free(map);
}

static void model_free(void *ctx) {
  struct bsim__model *m = ctx;
  if (m == NULL) return;
  /* Transfers still in flight are abandoned: the engine is going away, so
   * their timers are not touched. */
  while (m->active != NULL) {
    struct bsim__model_xfer *x = m->active;
    m->active = x->next;
    bsim__free(x);
  }
  while (m->pool != NULL) {
    struct bsim__model_xfer *x = m->pool;
    m->pool = x->next;
    bsim__free(x);
  }
  free_map_items(&m->files, 1);
  free_map_items(&m->hosts, 0);
  bsim__model_partials_free(&m->partials);
  bsim__model_peers_free(m);
  bsim__free(m->chunk);
  for (size_t i = 0; i < m->fault_count; i++)
    bsim__free(m->faults[i].url);
  bsim__free(m->faults);
  bsim__free(m);
}

static const struct bsim__transport_ops model_ops = {
    "model",    model_claims, model_start, model_stop,
    model_busy, model_free,   NULL, /* forget: the model keeps nothing per file
                                     */
};

bsim_hr bsim__xfer_model_new(bsim_manager *mgr, struct bsim__transport *out) {
  struct bsim__model *m = bsim__calloc(1, sizeof *m);
  if (m == NULL) return BSIM_E_OUTOFMEMORY;
  m->mgr = mgr;
  memset(m->http_class, -1, sizeof m->http_class);
  out->ops = &model_ops;
  out->ctx = m;
  return BSIM_S_OK;
}
