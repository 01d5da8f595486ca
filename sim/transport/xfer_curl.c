/* bitsim — the curl transport: real transfers (http, https, file) with
 * libcurl's multi socket interface on the manager's libuv loop (design.md
 * "Two transports", style B.10, reference §9, §10).
 *
 * This file is the plumbing, in the shape of curl's multi-uv.c:
 *   - the socket callback keeps one uv_poll_t per curl socket, found again
 *     through curl_multi_assign; pollers are freed in their uv_close
 *     callback, and only after curl said CURL_POLL_REMOVE;
 *   - the timer callback drives one uv_timer_t (-1 stops it; 0 runs on the
 *     next loop turn through a uv_idle_t, never as a direct call);
 *   - after every curl_multi_socket_action the finished transfers are
 *     drained with curl_multi_info_read.
 * Two rules are added for the engine:
 *   - curl's callbacks only record. What they saw (connected, progress,
 *     done) is told to the engine after curl_multi_socket_action returned,
 *     with the engine lock held, so the engine may start or stop transfers
 *     from its reports and curl is never re-entered from its callbacks;
 *   - libuv handles are touched only on the thread that runs the loop. The
 *     socket and timer callbacks note what curl wants; bsim__curl_sync
 *     applies it. start()/stop() from another thread wake the loop through a
 *     uv_async_t instead. The driver calls busy() on the loop thread before
 *     it runs the loop, and busy() applies what is pending, so a transfer
 *     started before the loop ever ran is polled from the first turn.
 *
 * The kinds of transfer live in curl_download.c (downloads and replies) and
 * curl_upload.c (the BITS upload protocol); request setup and header
 * parsing in curl_request.c; per-file state across transfers in
 * curl_state.c; what the outcome means in classify.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "transport/curl_internal.h"

struct bsim__curl_poller {
  uv_poll_t poll;
  struct bsim__curl *ct;
  curl_socket_t fd;
  int want;    /* UV_READABLE | UV_WRITABLE as curl asked */
  int have;    /* what the uv_poll_t was started with */
  int inited;  /* uv_poll_init_socket done */
  int removed; /* curl is done with the socket */
  int dirty;
  struct bsim__curl_poller *next_dirty;
  struct bsim__curl_poller *prev; /* ct->pollers */
  struct bsim__curl_poller *next;
};

static const struct bsim__transport_ops curl_ops;

/* ---- which thread may touch the loop ------------------------------------ */

static void note_loop_thread(struct bsim__curl *ct) {
  ct->loop_thread = uv_thread_self();
  ct->thread_known = 1;
}

static int on_loop_thread(struct bsim__curl *ct) {
  if (!ct->thread_known) return 1;
  uv_thread_t self = uv_thread_self();
  return uv_thread_equal(&self, &ct->loop_thread);
}

/* ---- pollers --------------------------------------------------------------
 */

static void poller_closed(uv_handle_t *handle) {
  struct bsim__curl_poller *p = handle->data;
  struct bsim__curl *ct = p->ct;
  bsim__free(p);
  ct->handles_open--;
  if (ct->freeing && ct->handles_open == 0) bsim__free(ct);
}

static void poller_unlink(struct bsim__curl_poller *p) {
  struct bsim__curl *ct = p->ct;
  if (p->prev != NULL) p->prev->next = p->next;
  if (p->next != NULL) p->next->prev = p->prev;
  if (ct->pollers == p) ct->pollers = p->next;
  p->prev = p->next = NULL;
}

static void poller_dirty(struct bsim__curl_poller *p) {
  if (p->dirty) return;
  p->dirty = 1;
  p->next_dirty = p->ct->dirty;
  p->ct->dirty = p;
}

static void poller_close(struct bsim__curl_poller *p) {
  poller_unlink(p);
  if (!p->inited) {
    bsim__free(p);
    return;
  }
  uv_close((uv_handle_t *)&p->poll, poller_closed);
}

static void on_poll(uv_poll_t *handle, int status, int events);

/* Start, change or stop one poller as curl asked. If libuv refuses the
 * socket (it should not: curl's sockets are pollable), the transfer is left
 * to curl's own timeouts and fails as a transient timeout. */
static void poller_apply(struct bsim__curl_poller *p) {
  struct bsim__curl *ct = p->ct;
  if (!p->inited) {
    if (uv_poll_init_socket(ct->loop, &p->poll, p->fd) != 0) return;
    p->poll.data = p;
    p->inited = 1;
    ct->handles_open++; /* counted until closed */
  }
  if (p->want == p->have) return;
  if (p->want == 0) {
    uv_poll_stop(&p->poll);
  } else {
    uv_poll_start(&p->poll, p->want, on_poll);
  }
  p->have = p->want;
}

/* curl's socket callback (CURLMOPT_SOCKETFUNCTION): record only. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp,
                     void *socketp) {
  (void)easy;
  struct bsim__curl *ct = userp;
  struct bsim__curl_poller *p = socketp;
  if (what == CURL_POLL_REMOVE) {
    if (p != NULL) {
      p->removed = 1;
      poller_dirty(p);
      curl_multi_assign(ct->multi, fd, NULL);
    }
    return 0;
  }
  if (p == NULL) {
    p = bsim__calloc(1, sizeof *p);
    if (p == NULL) return -1; /* curl fails the transfer */
    p->ct = ct;
    p->fd = fd;
    p->next = ct->pollers;
    if (ct->pollers != NULL) ct->pollers->prev = p;
    ct->pollers = p;
    curl_multi_assign(ct->multi, fd, p);
  }
  p->want = ((what & CURL_POLL_IN) ? UV_READABLE : 0) |
            ((what & CURL_POLL_OUT) ? UV_WRITABLE : 0);
  poller_dirty(p);
  return 0;
}

/* curl's timer callback (CURLMOPT_TIMERFUNCTION): record only. */
static int on_timer_wish(CURLM *multi, long timeout_ms, void *userp) {
  (void)multi;
  struct bsim__curl *ct = userp;
  ct->timer_want_ms = timeout_ms;
  ct->timer_dirty = 1;
  return 0;
}

static void on_uv_timer(uv_timer_t *timer);
static void on_idle(uv_idle_t *idle);

/* curl's timeout as libuv timers: -1 stops the timer; 0 means "as soon as
 * possible, but not from here": the idle handle runs on the next loop turn
 * (libuv 1.44 would run a 0 ms timer restarted from its own callback again
 * in the same pass, forever); a positive wish arms the timer against a
 * fresh loop time, so that it does not fire before curl's deadline. */
static void timer_apply(struct bsim__curl *ct) {
  int kick = ct->deferred != NULL || ct->timer_want_ms == 0;
  if (ct->timer_dirty) {
    if (ct->timer_want_ms <= 0) {
      uv_timer_stop(&ct->timer);
    } else {
      uv_update_time(ct->loop);
      uv_timer_start(&ct->timer, on_uv_timer, (uint64_t)ct->timer_want_ms, 0);
    }
  }
  if (kick && !uv_is_active((uv_handle_t *)&ct->idle)) {
    uv_idle_start(&ct->idle, on_idle);
  }
  ct->timer_dirty = 0;
}

/* Apply what curl asked for to libuv. Loop thread, lock held. Closed
 * pollers go first: curl may have closed a socket and opened another with
 * the same number, and libuv must forget the old one before it watches the
 * new one. */
void bsim__curl_sync(struct bsim__curl *ct) {
  struct bsim__curl_poller *list = ct->dirty;
  struct bsim__curl_poller *keep = NULL;
  ct->dirty = NULL;
  while (list != NULL) {
    struct bsim__curl_poller *p = list;
    list = p->next_dirty;
    p->dirty = 0;
    if (p->removed) {
      poller_close(p);
    } else {
      p->next_dirty = keep;
      keep = p;
    }
  }
  for (; keep != NULL; keep = keep->next_dirty)
    poller_apply(keep);
  timer_apply(ct);
}

void bsim__curl_kick(struct bsim__curl *ct) {
  if (ct->freeing) return;
  if (on_loop_thread(ct)) {
    bsim__curl_sync(ct);
  } else {
    uv_async_send(&ct->async);
  }
}

/* ---- reports to the engine ------------------------------------------------
 */

void bsim__curl_owe(struct bsim__curl_cx *cx) {
  if (cx->on_events || cx->xfer == NULL) return;
  cx->on_events = 1;
  cx->next = cx->ct->events;
  cx->ct->events = cx;
}

static void list_remove(struct bsim__curl_cx **head, struct bsim__curl_cx *cx) {
  for (struct bsim__curl_cx **at = head; *at != NULL; at = &(*at)->next) {
    if (*at == cx) {
      *at = cx->next;
      cx->next = NULL;
      return;
    }
  }
}

/* The bytes the engine may count: for a download what is written, for an
 * upload what the server acknowledged. */
static uint64_t cx_progress(const struct bsim__curl_cx *cx) {
  if (cx->kind == BSIM__CURL_UPLOAD) return cx->up.acked;
  return cx->sink.disk;
}

/* Progress reaches the engine at most every BSIM__CURL_PROGRESS_MS of loop
 * time (each report is traced and may notify), except the last one before
 * done; "connected" goes at once. Bytes not reported yet go with the next
 * report, the final one, or stop()'s return value. */
#define BSIM__CURL_PROGRESS_MS 100

/* The reply of an upload-reply job (reference §9): its start at once (so
 * GetReplyProgress leaves BSIM_SIZE_UNKNOWN), its bytes as progress is. */
static void report_reply(struct bsim__curl_cx *cx, int final) {
  const struct bsim__curl_sink *s = &cx->sink;
  if (cx->phase != BSIM__PHASE_REPLY || !s->begun || s->discard) return;
  if (cx->reply_reported && s->disk == cx->reply_sent) return;
  uint64_t now_ms = uv_now(cx->ct->loop);
  if (cx->reply_reported && !final &&
      now_ms - cx->progress_ms < BSIM__CURL_PROGRESS_MS) {
    return;
  }
  cx->reply_reported = 1;
  cx->reply_sent = s->disk;
  bsim__xfer_reply(cx->xfer, s->size, s->disk);
}

static void report_owed(struct bsim__curl_cx *cx, int final) {
  struct bsim__xfer *xfer = cx->xfer;
  if (xfer == NULL) return;
  if (cx->connected_owed && !cx->connected_sent) {
    cx->connected_sent = 1;
    bsim__curl_report_redirect(cx);
    bsim__curl_report_validator(cx);
    bsim__xfer_connected(xfer, cx->bytes_total, 0);
  }
  if (!cx->connected_sent) return;
  report_reply(cx, final);
  uint64_t bytes = cx_progress(cx);
  if (bytes == cx->progress_sent) return;
  uint64_t now_ms = uv_now(cx->ct->loop);
  if (!final && now_ms - cx->progress_ms < BSIM__CURL_PROGRESS_MS) return;
  cx->progress_ms = now_ms;
  cx->progress_sent = bytes;
  bsim__xfer_progress(xfer, bytes);
}

void bsim__curl_finish(struct bsim__curl_cx *cx,
                       const struct bsim__xfer_result *result) {
  struct bsim__xfer *xfer = cx->xfer;
  if (cx->on_events) {
    list_remove(&cx->ct->events, cx);
    cx->on_events = 0;
  }
  report_owed(cx, 1);
  bsim__curl_cx_free(cx);
  if (xfer != NULL) bsim__xfer_done(xfer, result);
}

void bsim__curl_defer_done(struct bsim__curl_cx *cx,
                           const struct bsim__xfer_result *result) {
  BSIM_ASSERT(!cx->in_multi && !cx->on_deferred);
  cx->deferred_result = *result;
  cx->on_deferred = 1;
  cx->next = cx->ct->deferred;
  cx->ct->deferred = cx;
  cx->ct->active++;
}

/* ---- the multi handle ---------------------------------------------------- */

bsim_hr bsim__curl_submit(struct bsim__curl_cx *cx) {
  BSIM_ASSERT(!cx->in_multi);
  CURLMcode rc = curl_multi_add_handle(cx->ct->multi, cx->easy);
  if (rc != CURLM_OK) {
    return rc == CURLM_OUT_OF_MEMORY ? BSIM_E_OUTOFMEMORY : BSIM_E_FAIL;
  }
  cx->in_multi = 1;
  cx->ct->active++;
  cx->ct->requests_total++;
  return BSIM_S_OK;
}

static void cx_unlink_all(struct bsim__curl_cx *cx) {
  struct bsim__curl *ct = cx->ct;
  if (cx->all_prev != NULL) cx->all_prev->all_next = cx->all_next;
  if (cx->all_next != NULL) cx->all_next->all_prev = cx->all_prev;
  if (ct->all == cx) ct->all = cx->all_next;
}

void bsim__curl_cx_free(struct bsim__curl_cx *cx) {
  struct bsim__curl *ct = cx->ct;
  if (cx->in_multi) {
    curl_multi_remove_handle(ct->multi, cx->easy);
    ct->active--;
  }
  if (cx->on_events) list_remove(&ct->events, cx);
  if (cx->on_deferred) {
    list_remove(&ct->deferred, cx);
    ct->active--;
  }
  if (cx->xfer != NULL) cx->xfer->transport_data = NULL;
  if (cx->kind == BSIM__CURL_CANCEL_SESSION) {
    bsim__timer_stop(ct->mgr, &cx->retry_timer); /* a re-send waiting */
  }
  cx_unlink_all(cx);
  bsim__curl_upload_release(cx);
  if (cx->easy != NULL) {
    if (!ct->freeing && ct->pool_len < BSIM__CURL_POOL_MAX) {
      ct->pool[ct->pool_len++] = cx->easy;
    } else {
      curl_easy_cleanup(cx->easy);
    }
  }
  curl_slist_free_all(cx->headers);
  bsim__curl_options_free(&cx->opts);
  bsim__free(cx->url);
  bsim__free(cx->sink.buf);
  bsim__free(cx);
}

/* A request ended: hand it to its kind, which submits the next request or
 * finishes the transfer. */
static void request_done(struct bsim__curl_cx *cx, CURLcode code) {
  switch (cx->kind) {
  case BSIM__CURL_DOWNLOAD:
    bsim__curl_download_done(cx, code);
    return;
  case BSIM__CURL_UPLOAD:
    bsim__curl_upload_done(cx, code);
    return;
  case BSIM__CURL_CANCEL_SESSION:
    bsim__curl_cancel_done(cx, code);
    return;
  case BSIM__CURL_KIND_COUNT:
    break;
  }
  BSIM_ASSERT(!"unknown transfer kind");
}

static void drain(struct bsim__curl *ct) {
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read(ct->multi, &left)) != NULL) {
    if (msg->msg != CURLMSG_DONE) continue;
    struct bsim__curl_cx *cx = NULL;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&cx);
    CURLcode code = msg->data.result;
    curl_multi_remove_handle(ct->multi, cx->easy);
    cx->in_multi = 0;
    ct->active--;
    request_done(cx, code);
  }
}

static void run_deferred(struct bsim__curl *ct) {
  struct bsim__curl_cx *cx;
  while ((cx = ct->deferred) != NULL) {
    ct->deferred = cx->next;
    cx->on_deferred = 0;
    ct->active--;
    struct bsim__xfer_result result = cx->deferred_result;
    bsim__curl_finish(cx, &result);
  }
}

/* After curl ran: tell the engine what happened, finish what ended, then
 * apply curl's wishes to libuv. Lock held, loop thread. */
static void after_action(struct bsim__curl *ct) {
  for (;;) {
    struct bsim__curl_cx *cx = ct->events;
    if (cx != NULL) {
      ct->events = cx->next;
      cx->on_events = 0;
      report_owed(cx, 0);
      continue;
    }
    drain(ct);
    if (ct->events == NULL) break;
  }
  bsim__curl_sync(ct);
}

static void socket_action(struct bsim__curl *ct, curl_socket_t fd, int flags) {
  int running = 0;
  curl_multi_socket_action(ct->multi, fd, flags, &running);
}

/* ---- loop callbacks: take the lock, run curl, report ----------------------
 */

static void on_poll(uv_poll_t *handle, int status, int events) {
  struct bsim__curl_poller *p = handle->data;
  struct bsim__curl *ct = p->ct;
  bsim_manager *mgr = ct->mgr;
  bsim__lock(mgr);
  note_loop_thread(ct);
  if (!p->removed) {
    int flags = 0;
    if (status < 0) {
      flags = CURL_CSELECT_ERR;
    } else {
      if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
      if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
    }
    socket_action(ct, p->fd, flags);
  }
  after_action(ct);
  bsim__unlock(mgr);
}

/* After a timeout ran, ask curl for its next deadline: curl calls the
 * timer callback only when the deadline changes, and a libuv timer that
 * fired a little early (ms granularity) would otherwise never be re-armed. */
static void run_timeouts(struct bsim__curl *ct) {
  socket_action(ct, CURL_SOCKET_TIMEOUT, 0);
  long next_ms = -1;
  if (curl_multi_timeout(ct->multi, &next_ms) == CURLM_OK) {
    ct->timer_want_ms = next_ms;
    ct->timer_dirty = 1;
  }
}

static void on_uv_timer(uv_timer_t *timer) {
  struct bsim__curl *ct = timer->data;
  bsim_manager *mgr = ct->mgr;
  bsim__lock(mgr);
  note_loop_thread(ct);
  run_timeouts(ct);
  after_action(ct);
  bsim__unlock(mgr);
}

/* The next loop turn after curl asked for 0 or a completion was
 * deferred. */
static void on_idle(uv_idle_t *idle) {
  struct bsim__curl *ct = idle->data;
  bsim_manager *mgr = ct->mgr;
  uv_idle_stop(idle);
  bsim__lock(mgr);
  note_loop_thread(ct);
  run_deferred(ct);
  run_timeouts(ct);
  after_action(ct);
  bsim__unlock(mgr);
}

static void on_async(uv_async_t *async) {
  struct bsim__curl *ct = async->data;
  bsim_manager *mgr = ct->mgr;
  bsim__lock(mgr);
  note_loop_thread(ct);
  after_action(ct);
  bsim__unlock(mgr);
}

/* ---- the ops table ----------------------------------------------------------
 */

static int ops_claims(void *ctx, const char *url) {
  (void)ctx;
  if (url == NULL) return 0;
  if (url[0] == '/') return 1; /* an absolute path: file (reference §10) */
  static const char *const schemes[] = {"http://", "https://", "file://"};
  for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
    size_t n = strlen(schemes[i]);
    if (strncasecmp(url, schemes[i], n) == 0) return 1;
  }
  return 0;
}

CURL *bsim__curl_easy_get(struct bsim__curl *ct) {
  if (ct->pool_len > 0) return ct->pool[--ct->pool_len];
  return curl_easy_init();
}

static bsim_hr cx_new(struct bsim__curl *ct, struct bsim__xfer *xfer,
                      struct bsim__curl_cx **out) {
  struct bsim__curl_cx *cx = bsim__calloc(1, sizeof *cx);
  if (cx == NULL) return BSIM_E_OUTOFMEMORY;
  cx->ct = ct;
  cx->xfer = xfer;
  cx->up.fd = -1;
  cx->all_next = ct->all;
  if (ct->all != NULL) ct->all->all_prev = cx;
  ct->all = cx;
  cx->easy = bsim__curl_easy_get(ct);
  if (cx->easy == NULL) {
    bsim__curl_cx_free(cx);
    return BSIM_E_OUTOFMEMORY;
  }
  *out = cx;
  return BSIM_S_OK;
}

/* The job's options, read through the callback while the engine lock is
 * held, and copied: the strings are borrowed for the call only. */
/* The job's own options (bsim__job_http: proxy, credentials, headers,
 * security flags, bandwidth cap), then the embedder's callback, which may
 * replace them (tests). Strings are borrowed while the lock is held. */
static void job_options(struct bsim__curl *ct, bsim_job *job,
                        struct bsim__curl_job_options *opts) {
  bsim__curl_job_options_init(opts);
  struct bsim__job_http_view v;
  bsim__job_http(job, &v);
  opts->proxy_usage = v.proxy_usage;
  opts->proxy_list = v.proxy_list;
  opts->bypass_list = v.bypass_list;
  for (unsigned s = 1; s < BSIM__AUTH_SCHEME_COUNT; s++) {
    opts->server[s].user = v.user[BSIM__AUTH_TARGET_SERVER][s];
    opts->server[s].password = v.password[BSIM__AUTH_TARGET_SERVER][s];
    opts->proxy[s].user = v.user[BSIM__AUTH_TARGET_PROXY][s];
    opts->proxy[s].password = v.password[BSIM__AUTH_TARGET_PROXY][s];
  }
  opts->custom_headers = v.custom_headers;
  opts->security_flags = v.security_flags;
  opts->max_bytes_per_s = v.max_bytes_per_s;
  if (ct->job_options_cb != NULL) {
    ct->job_options_cb(job, opts, ct->job_options_user);
  }
}

static bsim_hr cx_read_options(struct bsim__curl_cx *cx) {
  struct bsim__curl_job_options opts;
  bsim__curl_job_options_init(&opts);
  if (cx->xfer != NULL) job_options(cx->ct, cx->xfer->job, &opts);
  return bsim__curl_options_copy(&cx->opts, &opts);
}

static bsim_hr ops_start(void *ctx, struct bsim__xfer *xfer) {
  struct bsim__curl *ct = ctx;
  if (ct->freeing || xfer == NULL || xfer->remote_url == NULL) {
    return BSIM_E_INVALIDARG;
  }
  struct bsim__curl_cx *cx = NULL;
  bsim_hr hr = cx_new(ct, xfer, &cx);
  if (BSIM_FAILED(hr)) return hr;
  snprintf(cx->key, sizeof cx->key, "%s#%" PRIu32, bsim__job_id_text(xfer->job),
           xfer->file_index);
  xfer->transport_data = cx;
  hr = cx_read_options(cx);
  if (BSIM_SUCCEEDED(hr)) {
    if (xfer->type == BSIM_JOB_TYPE_DOWNLOAD) {
      cx->kind = BSIM__CURL_DOWNLOAD;
      cx->phase = BSIM__PHASE_DOWNLOAD;
      hr = bsim__curl_download_start(cx, xfer->remote_url);
    } else {
      cx->kind = BSIM__CURL_UPLOAD;
      cx->phase = BSIM__PHASE_UPLOAD;
      hr = bsim__curl_upload_start(cx);
    }
  }
  if (BSIM_FAILED(hr)) {
    bsim__curl_cx_free(cx); /* clears xfer->transport_data */
    return hr;
  }
  bsim__curl_kick(ct);
  return BSIM_S_OK;
}

/* Stop without a report: write what is buffered (those bytes are good: they
 * arrived in order from the start offset) and keep the per-file state, so
 * the next start resumes from the returned offset. */
static uint64_t ops_stop(void *ctx, struct bsim__xfer *xfer) {
  struct bsim__curl *ct = ctx;
  struct bsim__curl_cx *cx = xfer->transport_data;
  if (cx == NULL) return xfer->offset;
  uint64_t safe;
  if (cx->kind == BSIM__CURL_UPLOAD) {
    safe = cx->up.acked;
  } else {
    (void)bsim__curl_sink_flush(cx);
    bsim__curl_download_keep(cx);
    safe = cx->sink.disk;
  }
  bsim__curl_cx_free(cx);
  bsim__curl_kick(ct);
  return safe;
}

void bsim__xfer_curl_forget(struct bsim__transport *transport, bsim_job *job,
                            uint32_t file_index, const char *remote_url) {
  BSIM_ASSERT(transport != NULL && transport->ops == &curl_ops);
  struct bsim__curl *ct = transport->ctx;
  char key[sizeof((struct bsim__curl_cx *)0)->key];
  snprintf(key, sizeof key, "%s#%" PRIu32, bsim__job_id_text(job), file_index);
  if (bsim__job_type(job) != BSIM_JOB_TYPE_DOWNLOAD && remote_url != NULL) {
    struct bsim__curl_job_options opts;
    job_options(ct, job, &opts);
    bsim__curl_upload_cancel(ct, key, remote_url, &opts);
  }
  bsim__curl_slot_drop(ct, key);
  bsim__curl_kick(ct);
}

/* The driver asks before it runs the loop, on the loop thread: apply what
 * start/stop left pending so the loop sees the sockets and the timer. */
static int ops_busy(void *ctx) {
  struct bsim__curl *ct = ctx;
  note_loop_thread(ct);
  bsim__curl_sync(ct);
  return ct->active > 0;
}

static void handle_closed(uv_handle_t *handle) {
  struct bsim__curl *ct = handle->data;
  ct->handles_open--;
  if (ct->handles_open == 0) bsim__free(ct);
}

/* Every transfer should have been stopped by the engine; any left are freed
 * without a report. The handles close asynchronously: the loop's owner runs
 * the loop once more before closing it, and the last close callback frees
 * the transport. */
static void ops_free(void *ctx) {
  struct bsim__curl *ct = ctx;
  if (ct == NULL) return;
  ct->freeing = 1; /* nothing goes back to the pool now */
  while (ct->all != NULL)
    bsim__curl_cx_free(ct->all);
  while (ct->pool_len > 0)
    curl_easy_cleanup(ct->pool[--ct->pool_len]);
  curl_multi_setopt(ct->multi, CURLMOPT_SOCKETFUNCTION, NULL);
  curl_multi_setopt(ct->multi, CURLMOPT_TIMERFUNCTION, NULL);
  curl_multi_cleanup(ct->multi);
  ct->multi = NULL;
  bsim__curl_slots_free(ct);
  bsim__free((char *)ct->config.ca_file);
  bsim__free((char *)ct->config.crl_file);
  bsim__free((char *)ct->config.user_agent);
  while (ct->pollers != NULL)
    poller_close(ct->pollers);
  ct->dirty = NULL;
  uv_close((uv_handle_t *)&ct->timer, handle_closed);
  uv_close((uv_handle_t *)&ct->idle, handle_closed);
  uv_close((uv_handle_t *)&ct->async, handle_closed);
  curl_global_cleanup();
}

/* The engine's Cancel (reference §8): see bsim__xfer_curl_forget. */
static void ops_forget(void *ctx, bsim_job *job, uint32_t file_index,
                       const char *remote_url) {
  struct bsim__transport t = {&curl_ops, ctx};
  bsim__xfer_curl_forget(&t, job, file_index, remote_url);
}

static const struct bsim__transport_ops curl_ops = {
    .name = "curl",
    .claims = ops_claims,
    .start = ops_start,
    .stop = ops_stop,
    .busy = ops_busy,
    .free = ops_free,
    .forget = ops_forget,
};

/* ---- construction and settings ----------------------------------------------
 */

void bsim__curl_config_init(struct bsim__curl_config *config) {
  memset(config, 0, sizeof *config);
  config->connect_timeout_ms = 30000;
  config->stall_timeout_s = 60;
  config->buffer_bytes = 256u * 1024u;
  config->fragment_bytes = 1024u * 1024u;
  config->max_redirects = 10;
  config->ca_file = NULL;
  config->user_agent = "Microsoft BITS/7.8";
  config->remote_change_restarts = 1;
  config->cancel_session_retries = 3;
  config->cancel_session_retry_ms = 10u * 60u * 1000u;
  config->cancel_session_window_ms = 24u * 60u * 60u * 1000u;
  config->session_restarts = 2;
  config->resync_limit = 8;
  config->max_host_connections = 0;
  config->policy.disk_full_transient = 0;
  config->policy.status_429_transient = 1;
}

static bsim_hr config_store(struct bsim__curl *ct,
                            const struct bsim__curl_config *config) {
  if (config->buffer_bytes < 1024 || config->fragment_bytes < 1 ||
      config->stall_timeout_s == 0 ||
      (config->cancel_session_retry_ms == 0 &&
       config->cancel_session_window_ms > 0)) {
    return BSIM_E_INVALIDARG;
  }
  char *ca = config->ca_file != NULL ? bsim__strdup(config->ca_file) : NULL;
  char *crl = config->crl_file != NULL ? bsim__strdup(config->crl_file) : NULL;
  char *ua = bsim__strdup(config->user_agent != NULL ? config->user_agent : "");
  if ((config->ca_file != NULL && ca == NULL) ||
      (config->crl_file != NULL && crl == NULL) || ua == NULL) {
    bsim__free(ca);
    bsim__free(crl);
    bsim__free(ua);
    return BSIM_E_OUTOFMEMORY;
  }
  bsim__free((char *)ct->config.ca_file);
  bsim__free((char *)ct->config.crl_file);
  bsim__free((char *)ct->config.user_agent);
  ct->config = *config;
  ct->config.ca_file = ca;
  ct->config.crl_file = crl;
  ct->config.user_agent = ua;
  if (ct->multi != NULL) {
    curl_multi_setopt(ct->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      (long)config->max_host_connections);
  }
  return BSIM_S_OK;
}

bsim_hr bsim__xfer_curl_configure(struct bsim__transport *transport,
                                  const struct bsim__curl_config *config) {
  if (transport == NULL || transport->ops != &curl_ops || config == NULL) {
    return BSIM_E_INVALIDARG;
  }
  return config_store(transport->ctx, config);
}

void bsim__xfer_curl_set_job_options(struct bsim__transport *transport,
                                     bsim__curl_job_options_cb cb, void *user) {
  BSIM_ASSERT(transport != NULL && transport->ops == &curl_ops);
  struct bsim__curl *ct = transport->ctx;
  ct->job_options_cb = cb;
  ct->job_options_user = user;
}

void bsim__xfer_curl_stats(struct bsim__transport *transport,
                           struct bsim__curl_stats *out) {
  BSIM_ASSERT(transport != NULL && transport->ops == &curl_ops);
  struct bsim__curl *ct = transport->ctx;
  out->requests = ct->requests_total;
  out->active = ct->active;
  out->slots = ct->slot_count;
}

static bsim_hr multi_init(struct bsim__curl *ct) {
  ct->multi = curl_multi_init();
  if (ct->multi == NULL) return BSIM_E_OUTOFMEMORY;
  curl_multi_setopt(ct->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(ct->multi, CURLMOPT_SOCKETDATA, ct);
  curl_multi_setopt(ct->multi, CURLMOPT_TIMERFUNCTION, on_timer_wish);
  curl_multi_setopt(ct->multi, CURLMOPT_TIMERDATA, ct);
  return BSIM_S_OK;
}

/* The loop handles. The async handle is unreferenced: it only carries wake
 * ups from other threads and must not keep the loop alive by itself. */
static void loop_init(struct bsim__curl *ct) {
  uv_timer_init(ct->loop, &ct->timer);
  ct->timer.data = ct;
  uv_idle_init(ct->loop, &ct->idle);
  ct->idle.data = ct;
  uv_async_init(ct->loop, &ct->async, on_async);
  ct->async.data = ct;
  uv_unref((uv_handle_t *)&ct->async);
  ct->handles_open = 3;
}

bsim_hr bsim__xfer_curl_new(bsim_manager *mgr, struct bsim__transport *out) {
  if (mgr == NULL || out == NULL || bsim__mgr_loop(mgr) == NULL) {
    return BSIM_E_INVALIDARG;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return BSIM_E_FAIL;
  struct bsim__curl *ct = bsim__calloc(1, sizeof *ct);
  struct bsim__curl_config config;
  bsim__curl_config_init(&config);
  bsim_hr hr = ct != NULL ? BSIM_S_OK : BSIM_E_OUTOFMEMORY;
  if (BSIM_SUCCEEDED(hr)) {
    ct->mgr = mgr;
    ct->loop = bsim__mgr_loop(mgr);
    ct->timer_want_ms = -1;
    hr = config_store(ct, &config);
  }
  if (BSIM_SUCCEEDED(hr)) hr = multi_init(ct);
  if (BSIM_FAILED(hr)) {
    if (ct != NULL) {
      if (ct->multi != NULL) curl_multi_cleanup(ct->multi);
      bsim__free((char *)ct->config.ca_file);
      bsim__free((char *)ct->config.crl_file);
      bsim__free((char *)ct->config.user_agent);
      bsim__free(ct);
    }
    curl_global_cleanup();
    return hr;
  }
  loop_init(ct);
  out->ops = &curl_ops;
  out->ctx = ct;
  return BSIM_S_OK;
}
