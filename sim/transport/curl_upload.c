/* bitsim — the client side of the BITS Upload Protocol [MC-BUP] for upload
 * and upload-reply jobs (reference §9, §9.1).
 *
 * Every request is a `BITS_POST` to the remote URL, one at a time:
 *
 *   Create-Session --Ack(BITS-Session-Id, BITS-Protocol)--> Fragment ...
 *   Fragment (Content-Range a-b/total) --Ack(BITS-Received-Content-Range)
 *       416: resync at the offset the server names
 *       BG_E_SESSION_NOT_FOUND: start a new session from byte 0
 *       413: halve the fragment and send again
 *   last Fragment --Ack(BITS-Reply-URL for upload-reply)--> [GET reply]
 *   --> Close-Session --Ack--> done
 *
 * The session outlives a transfer (curl_state.c), so a suspended or failed
 * upload continues where the server says it stands. Cancel-Session goes out
 * detached when the job is cancelled (bsim__xfer_curl_forget), re-sent
 * after a 5xx or a failed connection every cancel_session_retry_ms of
 * engine time for up to cancel_session_window_ms (24 h, as BITS). The source
 * file must not change during the upload: size and mtime are checked before
 * every fragment and across transfers (BG_E_LOCAL_FILE_CHANGED, context
 * LOCAL_FILE).
 *
 * Progress is what the server acknowledged. The reply of an upload-reply
 * job is fetched into xfer->temp_path (see docs/transport.md for how the
 * engine should pick it up).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transport/curl_internal.h"

/* The BITS 1.5 upload protocol (reference §9.1). */
#define BSIM__BITS_PROTOCOL "{7df0354d-249b-430f-820d-3d2a9bef4931}"

static int64_t mtime_ns(const struct stat *st) {
  return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static void up_fail(struct bsim__curl_cx *cx) {
  struct bsim__classify_in in = bsim__curl_classify_in(cx, CURLE_OK);
  struct bsim__xfer_result r = bsim__classify(&in, &cx->ct->config.policy);
  if (r.outcome == BSIM__XFER_OK) {
    r.outcome = BSIM__XFER_TRANSIENT;
    r.hr = BSIM_E_INVALID_SERVER_RESPONSE;
    r.context = BSIM_ERROR_CONTEXT_REMOTE_FILE;
  }
  bsim__curl_defer_done(cx, &r);
}

/* ---- the request body: a fragment of the source -------------------------- */

static size_t read_cb(char *buf, size_t size, size_t nmemb, void *user) {
  struct bsim__curl_cx *cx = user;
  uint64_t left = cx->up.frag_len - cx->up.frag_sent;
  size_t want = size * nmemb;
  if (left < want) want = (size_t)left;
  if (want == 0) return 0;
  ssize_t got = pread(cx->up.fd, buf, want,
                      (off_t)(cx->up.frag_first + cx->up.frag_sent));
  if (got < 0) {
    cx->local_errno = errno;
    return CURL_READFUNC_ABORT;
  }
  if (got == 0) { /* the file shrank under us */
    cx->check_hr = BSIM_E_LOCAL_FILE_CHANGED;
    return CURL_READFUNC_ABORT;
  }
  cx->up.frag_sent += (uint64_t)got;
  return (size_t)got;
}

/* curl rewinds the body to send it again (a redirect, an auth round). */
static int seek_cb(void *user, curl_off_t offset, int origin) {
  struct bsim__curl_cx *cx = user;
  if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > cx->up.frag_len) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  cx->up.frag_sent = (uint64_t)offset;
  return CURL_SEEKFUNC_OK;
}

/* ---- requests
 * ------------------------------------------------------------------- */

static bsim_hr post(struct bsim__curl_cx *cx, const char *url,
                    const char *const *extra, uint64_t body_len) {
  bsim_hr hr = bsim__curl_request_setup(cx, url, extra);
  if (BSIM_FAILED(hr)) return hr;
  CURL *e = cx->easy;
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "BITS_POST");
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
  curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(e, CURLOPT_READDATA, cx);
  curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, seek_cb);
  curl_easy_setopt(e, CURLOPT_SEEKDATA, cx);
  curl_easy_setopt(e, CURLOPT_EXPECT_100_TIMEOUT_MS, 500L);
  return bsim__curl_submit(cx);
}

static const char *remote_url(const struct bsim__curl_cx *cx) {
  return cx->xfer != NULL ? cx->xfer->remote_url : cx->url;
}

static bsim_hr send_create(struct bsim__curl_cx *cx) {
  const char *extra[] = {"BITS-Packet-Type: Create-Session",
                         "BITS-Supported-Protocols: " BSIM__BITS_PROTOCOL,
                         "Content-Type:", "Expect:", NULL};
  cx->up.frag_len = 0;
  return post(cx, remote_url(cx), extra, 0);
}

static bsim_hr send_session_packet(struct bsim__curl_cx *cx, const char *type) {
  char packet[64];
  char session[BSIM__CURL_SESSION_MAX + 32];
  snprintf(packet, sizeof packet, "BITS-Packet-Type: %s", type);
  snprintf(session, sizeof session, "BITS-Session-Id: %s", cx->up.session_id);
  const char *extra[] = {packet, session, "Content-Type:", "Expect:", NULL};
  cx->up.frag_len = 0;
  return post(cx, remote_url(cx), extra, 0);
}

/* The source must be the file the upload began with (reference §9). */
static int source_unchanged(struct bsim__curl_cx *cx) {
  struct stat st;
  if (fstat(cx->up.fd, &st) != 0) {
    cx->local_errno = errno;
    return 0;
  }
  if ((uint64_t)st.st_size != cx->up.size || mtime_ns(&st) != cx->up.mtime_ns) {
    cx->check_hr = BSIM_E_LOCAL_FILE_CHANGED;
    return 0;
  }
  return 1;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash != NULL ? slash + 1 : path;
}

static bsim_hr send_fragment(struct bsim__curl_cx *cx) {
  if (!source_unchanged(cx)) {
    up_fail(cx);
    return BSIM_S_OK;
  }
  uint64_t first = cx->up.acked;
  uint64_t len = cx->up.size - first;
  if (len > cx->up.frag_max) len = cx->up.frag_max;
  cx->up.frag_first = first;
  cx->up.frag_len = len;
  cx->up.frag_sent = 0;
  char range[96];
  char session[BSIM__CURL_SESSION_MAX + 32];
  char name[BSIM_MAX_PATH_CHARS + 32];
  if (cx->up.size == 0) {
    snprintf(range, sizeof range, "Content-Range: bytes */0");
  } else {
    snprintf(range, sizeof range,
             "Content-Range: bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, first,
             first + len - 1, cx->up.size);
  }
  snprintf(session, sizeof session, "BITS-Session-Id: %s", cx->up.session_id);
  snprintf(name, sizeof name, "Content-Name: %s",
           base_name(cx->xfer->local_path));
  /* Expect: 100-continue lets a server refuse a fragment (413, a lost
   * session) before its body is sent; otherwise it may answer and close
   * while curl still sends, and curl reports the broken send instead. */
  const char *expect = len > 0 ? "Expect: 100-continue" : "Expect:";
  const char *extra[] = {"BITS-Packet-Type: Fragment",
                         session,
                         range,
                         "Content-Type:",
                         expect,
                         NULL,
                         NULL};
  if (first == 0) extra[5] = name;
  return post(cx, remote_url(cx), extra, len);
}

/* A plain upload to a file:// name (reference §9: SMB is allowed for
 * plain uploads): curl's file protocol writes the whole source, each
 * attempt from byte 0. The destination's directory must exist. */
static bsim_hr send_copy(struct bsim__curl_cx *cx) {
  char *path = bsim__curl_file_path(remote_url(cx));
  char *slash = path != NULL ? strrchr(path, '/') : NULL;
  if (slash == NULL) {
    bsim__free(path);
    cx->remote_errno = ENOENT;
    up_fail(cx);
    return BSIM_S_OK;
  }
  *slash = '\0';
  struct stat st;
  int rc = stat(path[0] != '\0' ? path : "/", &st);
  int err = rc != 0 ? errno : (S_ISDIR(st.st_mode) ? 0 : ENOTDIR);
  bsim__free(path);
  if (err != 0) {
    cx->remote_errno = err == ENOENT ? ENOTDIR : err; /* the path, not a file */
    up_fail(cx);
    return BSIM_S_OK;
  }
  if (!source_unchanged(cx)) {
    up_fail(cx);
    return BSIM_S_OK;
  }
  cx->up.acked = 0;
  cx->up.frag_first = 0;
  cx->up.frag_len = cx->up.size;
  cx->up.frag_sent = 0;
  bsim_hr hr = bsim__curl_request_setup(cx, remote_url(cx), NULL);
  if (BSIM_FAILED(hr)) return hr;
  curl_easy_setopt(cx->easy, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(cx->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)cx->up.size);
  curl_easy_setopt(cx->easy, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(cx->easy, CURLOPT_READDATA, cx);
  return bsim__curl_submit(cx);
}

static bsim_hr send_step(struct bsim__curl_cx *cx) {
  switch (cx->up.step) {
  case BSIM__UP_CREATE:
    return send_create(cx);
  case BSIM__UP_FRAGMENT:
    return send_fragment(cx);
  case BSIM__UP_REPLY: {
    struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 0);
    if (slot == NULL || slot->reply_url == NULL) return BSIM_E_UNEXPECTED;
    cx->phase = BSIM__PHASE_REPLY;
    return bsim__curl_download_start(cx, slot->reply_url);
  }
  case BSIM__UP_CLOSE:
    return send_session_packet(cx, "Close-Session");
  case BSIM__UP_COPY:
    return send_copy(cx);
  case BSIM__UP_STEP_COUNT:
    break;
  }
  return BSIM_E_UNEXPECTED;
}

/* Send the current step; a request curl refuses fails the transfer. */
static void advance(struct bsim__curl_cx *cx) {
  bsim_hr hr = send_step(cx);
  if (BSIM_FAILED(hr)) {
    struct bsim__xfer_result r = {BSIM__XFER_TRANSIENT, hr,
                                  BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT, 0};
    if (!cx->in_multi && !cx->on_deferred) bsim__curl_defer_done(cx, &r);
  }
}

static void fail_with(struct bsim__curl_cx *cx, CURLcode code) {
  struct bsim__classify_in in = bsim__curl_classify_in(cx, code);
  struct bsim__xfer_result r = bsim__classify(&in, &cx->ct->config.policy);
  if (r.outcome == BSIM__XFER_OK) {
    r.outcome = BSIM__XFER_TRANSIENT;
    r.hr = BSIM_E_INVALID_SERVER_RESPONSE;
    r.context = BSIM_ERROR_CONTEXT_REMOTE_FILE;
    r.http_status = (int)cx->resp.status;
  }
  bsim__curl_finish(cx, &r);
}

static int ok_status(long status) {
  return status == 200 || status == 201;
}

/* Protocol GUIDs compare without case (reference §9.1). */
static int protocol_ok(const char *chosen) {
  return chosen[0] == '\0' || strcasecmp(chosen, BSIM__BITS_PROTOCOL) == 0;
}

static void create_done(struct bsim__curl_cx *cx, CURLcode code) {
  const struct bsim__curl_resp *r = &cx->resp;
  if (code != CURLE_OK || !ok_status(r->status)) {
    fail_with(cx, code);
    return;
  }
  if (!protocol_ok(r->protocol)) {
    cx->check_hr = BSIM_E_CLIENT_SERVER_PROTOCOL_MISMATCH;
  } else if (r->session_id[0] == '\0' || r->malformed) {
    cx->check_hr = BSIM_E_INVALID_SERVER_RESPONSE;
  }
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 1);
  if (cx->check_hr == 0 &&
      (slot == NULL ||
       BSIM_FAILED(bsim__curl_slot_set(&slot->session_id, r->session_id)))) {
    cx->local_hr = BSIM_E_OUTOFMEMORY;
  }
  if (cx->check_hr != 0 || cx->local_hr != 0) {
    fail_with(cx, code);
    return;
  }
  memcpy(cx->up.session_id, r->session_id, sizeof cx->up.session_id);
  cx->up.acked = 0; /* a new session holds nothing */
  cx->up.step = BSIM__UP_FRAGMENT;
  bsim__curl_owe(cx);
  advance(cx);
}

/* The last fragment is in: the reply (upload-reply) or Close-Session. */
static void all_acked(struct bsim__curl_cx *cx) {
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 1);
  const char *reply = cx->resp.reply_url;
  int want_reply = cx->xfer->type == BSIM_JOB_TYPE_UPLOAD_REPLY;
  if (slot == NULL ||
      BSIM_FAILED(bsim__curl_slot_set(&slot->reply_url,
                                      want_reply && reply[0] ? reply : NULL))) {
    cx->local_hr = BSIM_E_OUTOFMEMORY;
    fail_with(cx, CURLE_OK);
    return;
  }
  slot->uploaded = 1;
  /* No BITS-Reply-URL: the server application sent nothing, and the reply
   * is empty (reference §9). */
  if (want_reply && slot->reply_url == NULL) bsim__xfer_reply(cx->xfer, 0, 0);
  cx->up.step = slot->reply_url != NULL ? BSIM__UP_REPLY : BSIM__UP_CLOSE;
  advance(cx);
}

static void session_lost(struct bsim__curl_cx *cx, CURLcode code) {
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 0);
  if (slot != NULL) (void)bsim__curl_slot_set(&slot->session_id, NULL);
  if (cx->up.creates++ >= cx->ct->config.session_restarts) {
    fail_with(cx, code);
    return;
  }
  cx->up.step = BSIM__UP_CREATE;
  advance(cx);
}

/* The Ack of a fragment names the next byte the server wants. An Ack of a
 * fragment before the last that lacks it is taken as "received": a server
 * that lost the bytes says so with 416 on the next fragment, and the
 * client resyncs there (reference §9.1). The last fragment's Ack must
 * confirm the whole file, or Close-Session could discard the upload. */
static int take_received(struct bsim__curl_cx *cx) {
  const struct bsim__curl_resp *r = &cx->resp;
  uint64_t received = r->received;
  uint64_t end = cx->up.frag_first + cx->up.frag_len;
  if (!r->has_received && cx->resp.status != 416 && end < cx->up.size) {
    received = end;
  } else if (!r->has_received || r->received > cx->up.size) {
    cx->check_hr = BSIM_E_INVALID_SERVER_RESPONSE;
    return -1;
  }
  if (received > cx->up.acked) cx->up.resyncs = 0;
  cx->up.acked = received;
  bsim__curl_owe(cx);
  return 0;
}

static void fragment_done(struct bsim__curl_cx *cx, CURLcode code) {
  const struct bsim__curl_resp *r = &cx->resp;
  if (code == CURLE_OK && r->error_code == BSIM_E_SESSION_NOT_FOUND) {
    session_lost(cx, code);
    return;
  }
  if (code == CURLE_OK && r->status == 416) {
    /* Out of step: resume where the server says (reference §9.1). */
    if (cx->up.resyncs++ >= cx->ct->config.resync_limit ||
        take_received(cx) != 0) {
      cx->check_hr = BSIM_E_INVALID_SERVER_RESPONSE;
      fail_with(cx, code);
      return;
    }
    advance(cx);
    return;
  }
  /* 413 may come before the body is sent, and curl then reports the
   * broken send too: the status decides. The smaller size is kept for the
   * file's later transfers. */
  if (r->status == 413 && cx->up.frag_max > 1024) {
    cx->up.frag_max /= 2;
    struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 0);
    if (slot != NULL) slot->frag_max = cx->up.frag_max;
    advance(cx);
    return;
  }
  if (code != CURLE_OK || !ok_status(r->status) || take_received(cx) != 0) {
    fail_with(cx, code);
    return;
  }
  if (cx->up.acked == cx->up.size) {
    all_acked(cx);
  } else {
    advance(cx);
  }
}

static void reply_done(struct bsim__curl_cx *cx, CURLcode code) {
  struct bsim__xfer_result r = bsim__curl_sink_end(cx, code);
  cx->phase = BSIM__PHASE_UPLOAD;
  if (r.outcome != BSIM__XFER_OK) {
    bsim__curl_finish(cx, &r);
    return;
  }
  /* The whole reply is in: its size is what arrived (GetReplyProgress). */
  if (cx->xfer != NULL) {
    bsim__xfer_reply(cx->xfer, cx->sink.disk, cx->sink.disk);
  }
  cx->up.step = BSIM__UP_CLOSE;
  advance(cx);
}

/* Close-Session is re-sent on 5xx; a session the server no longer knows is
 * closed already (reference §9.1). */
static void close_done(struct bsim__curl_cx *cx, CURLcode code) {
  const struct bsim__curl_resp *r = &cx->resp;
  int gone = code == CURLE_OK && r->error_code == BSIM_E_SESSION_NOT_FOUND;
  if (code == CURLE_OK && (ok_status(r->status) || gone)) {
    bsim__curl_slot_drop(cx->ct, cx->key);
    struct bsim__xfer_result ok = {BSIM__XFER_OK, BSIM_S_OK,
                                   BSIM_ERROR_CONTEXT_NONE, (int)r->status};
    bsim__curl_finish(cx, &ok);
    return;
  }
  int again = code != CURLE_OK || (r->status >= 500 && r->status < 600);
  if (again && cx->up.retries++ < cx->ct->config.cancel_session_retries) {
    advance(cx);
    return;
  }
  fail_with(cx, code);
}

/* The copy is all or nothing: a failed one starts over next time. curl
 * says CURLE_WRITE_ERROR when it cannot write the destination: that is the
 * remote side here (context REMOTE_FILE, access denied). */
static void copy_done(struct bsim__curl_cx *cx, CURLcode code) {
  if (code == CURLE_WRITE_ERROR && cx->local_errno == 0 && cx->check_hr == 0) {
    cx->remote_errno = EACCES;
  }
  if (code != CURLE_OK || cx->up.frag_sent != cx->up.size) {
    fail_with(cx, code);
    return;
  }
  cx->up.acked = cx->up.size;
  bsim__curl_owe(cx);
  bsim__curl_slot_drop(cx->ct, cx->key);
  struct bsim__xfer_result ok = {BSIM__XFER_OK, BSIM_S_OK,
                                 BSIM_ERROR_CONTEXT_NONE, 0};
  bsim__curl_finish(cx, &ok);
}

void bsim__curl_upload_done(struct bsim__curl_cx *cx, CURLcode code) {
  switch (cx->up.step) {
  case BSIM__UP_CREATE:
    create_done(cx, code);
    return;
  case BSIM__UP_FRAGMENT:
    fragment_done(cx, code);
    return;
  case BSIM__UP_REPLY:
    reply_done(cx, code);
    return;
  case BSIM__UP_CLOSE:
    close_done(cx, code);
    return;
  case BSIM__UP_COPY:
    copy_done(cx, code);
    return;
  case BSIM__UP_STEP_COUNT:
    break;
  }
  BSIM_ASSERT(!"unknown upload step");
}

/* ---- starting
 * ------------------------------------------------------------------ */

static int open_source(struct bsim__curl_cx *cx) {
  int fd = open(cx->xfer->local_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    cx->local_errno = errno;
    return -1;
  }
  cx->up.fd = fd;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    cx->local_errno = errno;
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    cx->local_errno = EACCES;
    return -1;
  }
  cx->up.size = (uint64_t)st.st_size;
  cx->up.mtime_ns = mtime_ns(&st);
  return 0;
}

/* Where a previous transfer of this file left the protocol. */
static int resume_point(struct bsim__curl_cx *cx, struct bsim__curl_slot *s) {
  if (s->local_mtime_ns != 0 &&
      (s->local_size != cx->up.size || s->local_mtime_ns != cx->up.mtime_ns)) {
    cx->check_hr = BSIM_E_LOCAL_FILE_CHANGED;
    return -1;
  }
  s->local_size = cx->up.size;
  s->local_mtime_ns = cx->up.mtime_ns;
  if (s->frag_max != 0 && s->frag_max < cx->up.frag_max) {
    cx->up.frag_max = s->frag_max;
  }
  if (s->session_id == NULL) {
    cx->up.step = BSIM__UP_CREATE;
    return 0;
  }
  snprintf(cx->up.session_id, sizeof cx->up.session_id, "%s", s->session_id);
  if (!s->uploaded) {
    cx->up.step = BSIM__UP_FRAGMENT;
  } else {
    cx->up.acked = cx->up.size;
    cx->up.step = s->reply_url != NULL ? BSIM__UP_REPLY : BSIM__UP_CLOSE;
  }
  return 0;
}

bsim_hr bsim__curl_upload_start(struct bsim__curl_cx *cx) {
  struct bsim__xfer *xfer = cx->xfer;
  if (xfer->local_path == NULL) return BSIM_E_INVALIDARG;
  cx->up.frag_max = cx->ct->config.fragment_bytes;
  cx->up.acked = xfer->offset;
  cx->progress_sent = xfer->offset;
  if (open_source(cx) != 0) {
    up_fail(cx);
    return BSIM_S_OK;
  }
  if (cx->up.acked > cx->up.size) cx->up.acked = 0;
  cx->bytes_total = cx->up.size;
  cx->connected_owed = 1;
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 1);
  if (slot == NULL) return BSIM_E_OUTOFMEMORY;
  if (resume_point(cx, slot) != 0) {
    up_fail(cx);
    return BSIM_S_OK;
  }
  if (bsim__curl_is_file_url(xfer->remote_url)) {
    if (xfer->type != BSIM_JOB_TYPE_UPLOAD) return BSIM_E_INVALIDARG;
    cx->up.step = BSIM__UP_COPY;
  }
  return send_step(cx);
}

void bsim__curl_upload_release(struct bsim__curl_cx *cx) {
  if (cx->up.fd >= 0) close(cx->up.fd);
  cx->up.fd = -1;
}

/* ---- Cancel-Session
 * ------------------------------------------------------------- */

/* The engine's timer (driver thread, lock held): send it again. Like
 * start(), this runs outside curl's callbacks. */
static void cancel_retry(bsim_manager *mgr, struct bsim__timer *timer) {
  (void)mgr;
  struct bsim__curl_cx *cx =
      (struct bsim__curl_cx *)(void *)((char *)timer -
                                       offsetof(struct bsim__curl_cx,
                                                retry_timer));
  if (BSIM_FAILED(send_session_packet(cx, "Cancel-Session"))) {
    bsim__curl_cx_free(cx);
    return;
  }
  bsim__curl_kick(cx->ct);
}

/* Re-sent on 5xx and on a failed connection, never on 1xx-4xx, nor when
 * the server no longer knows the session (reference §9.1): at once
 * cancel_session_retries times (a passing error), then on a background
 * engine timer every cancel_session_retry_ms until
 * cancel_session_window_ms after the first try (an outage). Between tries
 * nothing is in flight, so in AUTO mode time may jump to the next one; the
 * timer being background, run_until_idle does not wait for it. */
void bsim__curl_cancel_done(struct bsim__curl_cx *cx, CURLcode code) {
  const struct bsim__curl_resp *r = &cx->resp;
  const struct bsim__curl_config *c = &cx->ct->config;
  int again = code != CURLE_OK || (r->status >= 500 && r->status < 600 &&
                                   r->error_code != BSIM_E_SESSION_NOT_FOUND);
  if (again && cx->up.retries < c->cancel_session_retries) {
    cx->up.retries++;
    if (BSIM_SUCCEEDED(send_session_packet(cx, "Cancel-Session"))) return;
  }
  if (!again || cx->ct->freeing || c->cancel_session_retry_ms == 0) {
    bsim__curl_cx_free(cx);
    return;
  }
  /* The next point of a grid of retry_ms from the first try: the time a
   * request takes does not push the later tries out of the window. */
  uint64_t since_ms = bsim__now_ms(cx->ct->mgr) - cx->first_try_ms;
  uint64_t next_ms =
      cx->first_try_ms +
      (since_ms / c->cancel_session_retry_ms + 1) * c->cancel_session_retry_ms;
  if (next_ms - cx->first_try_ms <= c->cancel_session_window_ms) {
    bsim__timer_start(cx->ct->mgr, &cx->retry_timer, next_ms);
    return;
  }
  bsim__curl_cx_free(cx);
}

void bsim__curl_upload_cancel(struct bsim__curl *ct, const char *key,
                              const char *url,
                              const struct bsim__curl_job_options *opts) {
  struct bsim__curl_slot *slot = bsim__curl_slot_get(ct, key, 0);
  if (slot == NULL || slot->session_id == NULL) return;
  struct bsim__curl_cx *cx = bsim__calloc(1, sizeof *cx);
  if (cx == NULL) return;
  cx->ct = ct;
  cx->kind = BSIM__CURL_CANCEL_SESSION;
  cx->phase = BSIM__PHASE_UPLOAD;
  cx->up.fd = -1;
  bsim__timer_init(&cx->retry_timer, cancel_retry);
  bsim__timer_set_background(&cx->retry_timer, 1);
  cx->first_try_ms = bsim__now_ms(ct->mgr);
  cx->all_next = ct->all;
  if (ct->all != NULL) ct->all->all_prev = cx;
  ct->all = cx;
  snprintf(cx->up.session_id, sizeof cx->up.session_id, "%s", slot->session_id);
  cx->easy = bsim__curl_easy_get(ct);
  cx->url = bsim__strdup(url);
  if (cx->easy == NULL || cx->url == NULL ||
      BSIM_FAILED(bsim__curl_options_copy(&cx->opts, opts)) ||
      BSIM_FAILED(send_session_packet(cx, "Cancel-Session"))) {
    bsim__curl_cx_free(cx);
  }
}
