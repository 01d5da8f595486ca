/* bitsim — downloads over the curl transport (reference §10), and the sink
 * that also receives an upload-reply's reply (§9).
 *
 * A download resumes from xfer->offset. Over HTTP it asks for
 * `Range: bytes=<offset>-` with `If-Range:` the validator its first response
 * carried (a strong ETag, else Last-Modified), kept per file in
 * curl_state.c. The response decides (docs/transport.md, "Reading §10"):
 *   206 with Content-Range starting at the offset  the rest of the file;
 *   206 without Content-Range    BG_E_INSUFFICIENT_RANGE_SUPPORT (fatal);
 *   206 at another offset        BG_E_INVALID_SERVER_RESPONSE (transient);
 *   206 with an unknown total    BG_E_MISSING_FILE_SIZE (fatal);
 *   200 to a ranged request, validator changed  the remote file changed:
 *                                start over from byte 0 in this transfer
 *                                (or BG_E_REMOTE_FILE_CHANGED, by config);
 *   200 to a ranged request, validator the same or unknown  the server
 *                                ignores Range: BG_E_INSUFFICIENT_RANGE_
 *                                SUPPORT (fatal; §10: the restart needs a
 *                                range request);
 *   200 without Content-Length   BG_E_MISSING_FILE_SIZE (fatal);
 *   anything else                the status, through classify.c.
 * file:// sources are stat()ed: size and mtime are the validator, and the
 * offset is resumed with CURLOPT_RESUME_FROM_LARGE.
 *
 * Bytes go through a buffer (config.buffer_bytes) into bsim__fs_write_at;
 * only written bytes count as progress, so what stop() and the reports say
 * is on disk really is, and a failed write leaves a file whose first
 * `progress` bytes are right (never a corrupt prefix).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "transport/curl_internal.h"

/* ---- the sink ---------------------------------------------------------------
 */

/* Write len bytes at the sink's disk offset. A short write may have grown
 * the file: on failure it is cut back, so that it holds exactly the bytes
 * reported (what a resume starts from). */
static bsim_hr sink_write(struct bsim__curl_cx *cx, const void *data,
                          size_t len) {
  struct bsim__curl_sink *s = &cx->sink;
  bsim_hr hr = bsim__fs_write_at(cx->ct->mgr, s->path, s->disk, data, len);
  if (BSIM_FAILED(hr)) {
    (void)bsim__fs_truncate(cx->ct->mgr, s->path, s->disk);
    if (cx->local_hr == 0) cx->local_hr = hr;
    return hr;
  }
  s->disk += len;
  bsim__curl_owe(cx);
  return BSIM_S_OK;
}

bsim_hr bsim__curl_sink_flush(struct bsim__curl_cx *cx) {
  struct bsim__curl_sink *s = &cx->sink;
  if (s->buf_len == 0) return BSIM_S_OK;
  bsim_hr hr = sink_write(cx, s->buf, s->buf_len);
  s->buf_len = 0;
  return hr;
}

/* Small pieces are gathered; a piece of a quarter of the buffer or more
 * goes to disk straight from curl's buffer (after what is gathered, to keep
 * the order): one copy fewer per byte for two system calls more per piece
 * (bsim__fs_write_at opens and closes the file). */
static int sink_append(struct bsim__curl_cx *cx, const char *data, size_t n) {
  struct bsim__curl_sink *s = &cx->sink;
  if (s->fs_virtual) {
    s->disk += n;
    bsim__curl_owe(cx);
    return 0;
  }
  if (n >= s->buf_cap / 4) {
    if (BSIM_FAILED(bsim__curl_sink_flush(cx))) return -1;
    return BSIM_SUCCEEDED(sink_write(cx, data, n)) ? 0 : -1;
  }
  while (n > 0) {
    size_t room = s->buf_cap - s->buf_len;
    size_t take = n < room ? n : room;
    memcpy(s->buf + s->buf_len, data, take);
    s->buf_len += take;
    data += take;
    n -= take;
    if (s->buf_len == s->buf_cap && BSIM_FAILED(bsim__curl_sink_flush(cx))) {
      return -1;
    }
  }
  return 0;
}

/* The response is the file: size known, bytes may flow. The buffer is no
 * larger than what is left to receive (many small files stay cheap). */
static int sink_accept(struct bsim__curl_cx *cx, uint64_t size) {
  struct bsim__curl_sink *s = &cx->sink;
  s->size = size;
  s->begun = 1;
  cx->bytes_total = size;
  cx->connected_owed = 1;
  bsim__curl_owe(cx);
  if (s->fs_virtual) return 0;
  uint64_t cap = cx->ct->config.buffer_bytes;
  if (size != BSIM_SIZE_UNKNOWN && size - s->start < cap) {
    cap = size - s->start;
  }
  if (cap < 1024) cap = 1024;
  s->buf = bsim__malloc((size_t)cap);
  if (s->buf == NULL) {
    cx->local_hr = BSIM_E_OUTOFMEMORY;
    return -1;
  }
  s->buf_cap = (size_t)cap;
  return 0;
}

/* ---- validators (reference §10 "Consistency") -------------------------------
 */

static int strong_etag(const char *etag) {
  return etag != NULL && etag[0] == '"';
}

/* The validator of the accepted response is kept only when the transfer
 * ends unfinished: a finished file needs none, and most files finish in
 * one go. */
static bsim_hr remember_validator(struct bsim__curl_cx *cx) {
  if (!cx->sink.validator_owed) return BSIM_S_OK;
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 1);
  if (slot == NULL) return BSIM_S_OK; /* table full: resume without */
  const char *etag = cx->resp.etag[0] != '\0' ? cx->resp.etag : NULL;
  const char *date =
      cx->resp.last_modified[0] != '\0' ? cx->resp.last_modified : NULL;
  bsim_hr hr = bsim__curl_slot_set(&slot->etag, etag);
  if (BSIM_SUCCEEDED(hr)) hr = bsim__curl_slot_set(&slot->last_modified, date);
  return hr;
}

void bsim__curl_download_keep(struct bsim__curl_cx *cx) {
  if (cx->phase == BSIM__PHASE_DOWNLOAD && !cx->file_scheme) {
    (void)remember_validator(cx);
  }
}

static int validator_changed(struct bsim__curl_cx *cx) {
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 0);
  if (slot == NULL) return 0;
  if (slot->etag != NULL && cx->resp.etag[0] != '\0') {
    return strcmp(slot->etag, cx->resp.etag) != 0;
  }
  if (slot->last_modified != NULL && cx->resp.last_modified[0] != '\0') {
    return strcmp(slot->last_modified, cx->resp.last_modified) != 0;
  }
  return 0;
}

/* The file changed since the bytes on disk were fetched: they are thrown
 * away (the temporary file is cut to 0 and the engine hears progress 0).
 * Default: take this response from byte 0 in the same transfer. Otherwise
 * the transfer fails with BG_E_REMOTE_FILE_CHANGED ("Resume to retry"),
 * and the retry starts from 0. */
static int restart_from_zero(struct bsim__curl_cx *cx, uint64_t size) {
  struct bsim__curl_sink *s = &cx->sink;
  if (!s->fs_virtual) {
    bsim_hr hr = bsim__fs_truncate(cx->ct->mgr, s->path, 0);
    if (BSIM_FAILED(hr)) {
      cx->local_hr = hr;
      return -1;
    }
  }
  s->start = 0;
  s->disk = 0;
  s->restarted = 1;
  if (cx->ct->config.remote_change_restarts) return 0;
  cx->check_hr = BSIM_E_REMOTE_FILE_CHANGED;
  cx->bytes_total = size;
  cx->connected_owed = 1;
  bsim__curl_owe(cx);
  return -1;
}

/* ---- deciding on the response ----------------------------------------------
 */

static int begin_partial(struct bsim__curl_cx *cx) {
  const struct bsim__curl_resp *r = &cx->resp;
  if (!r->has_range) {
    cx->check_hr = BSIM_E_INSUFFICIENT_RANGE_SUPPORT;
    return -1;
  }
  if (r->range_total == UINT64_MAX) { /* a total of "*": size unknown */
    cx->check_hr = BSIM_E_MISSING_FILE_SIZE;
    return -1;
  }
  if (r->range_first != cx->sink.start || r->range_last >= r->range_total) {
    cx->check_hr = BSIM_E_INVALID_SERVER_RESPONSE;
    return -1;
  }
  cx->sink.validator_owed = 1;
  return sink_accept(cx, r->range_total);
}

static int begin_whole(struct bsim__curl_cx *cx) {
  const struct bsim__curl_resp *r = &cx->resp;
  if (r->content_length < 0) {
    cx->check_hr = BSIM_E_MISSING_FILE_SIZE;
    return -1;
  }
  if (cx->sink.start > 0) {
    if (!validator_changed(cx)) {
      cx->check_hr = BSIM_E_INSUFFICIENT_RANGE_SUPPORT;
      return -1;
    }
    /* The new version's validator, whatever happens next. */
    cx->sink.validator_owed = 1;
    if (restart_from_zero(cx, (uint64_t)r->content_length) != 0) return -1;
  }
  cx->sink.validator_owed = 1;
  return sink_accept(cx, (uint64_t)r->content_length);
}

/* The reply of an upload-reply job: a plain GET, size optional. */
static int begin_reply(struct bsim__curl_cx *cx) {
  if (cx->resp.status != 200) {
    cx->sink.discard = 1;
    return 0;
  }
  int64_t len = cx->resp.content_length;
  return sink_accept(cx, len >= 0 ? (uint64_t)len : BSIM_SIZE_UNKNOWN);
}

static int begin_ranged(struct bsim__curl_cx *cx);

static int is_ranged(const struct bsim__curl_cx *cx) {
  return cx->phase == BSIM__PHASE_DOWNLOAD && cx->xfer != NULL &&
         cx->xfer->range_count > 0;
}

/* Called at the first body byte, or at the end for an empty body. */
static int sink_begin(struct bsim__curl_cx *cx) {
  if (cx->phase == BSIM__PHASE_REPLY) return begin_reply(cx);
  if (cx->file_scheme) return sink_accept(cx, cx->bytes_total);
  if (is_ranged(cx)) return begin_ranged(cx);
  switch (cx->resp.status) {
  case 206:
    return begin_partial(cx);
  case 200:
  case 203: /* a proxy's copy of a 200 */
    return begin_whole(cx);
  default:
    break;
  }
  if (cx->resp.status >= 200 && cx->resp.status < 300) {
    cx->check_hr = BSIM_E_INVALID_SERVER_RESPONSE;
    return -1;
  }
  cx->sink.discard = 1; /* an error page: the status decides */
  return 0;
}

size_t bsim__curl_write_cb(char *data, size_t size, size_t nmemb, void *user) {
  struct bsim__curl_cx *cx = user;
  size_t n = size * nmemb;
  if (cx->phase == BSIM__PHASE_UPLOAD) return n; /* an Ack's body */
  struct bsim__curl_sink *s = &cx->sink;
  if (!s->begun && !s->discard && sink_begin(cx) != 0) return 0;
  if (s->discard) return n;
  return sink_append(cx, data, n) == 0 ? n : 0;
}

/* ---- file:// sources
 * ---------------------------------------------------------- */

/* Size and mtime stand for the validator of a local source. */
static int file_source(struct bsim__curl_cx *cx) {
  char *path = bsim__curl_file_path(cx->url);
  if (path == NULL) {
    cx->remote_errno = ENOENT;
    return -1;
  }
  struct stat st;
  int rc = stat(path, &st);
  int err = errno;
  bsim__free(path);
  if (rc != 0) {
    cx->remote_errno = err;
    return -1;
  }
  if (S_ISDIR(st.st_mode)) {
    cx->remote_errno = EISDIR;
    return -1;
  }
  char validator[64];
  snprintf(validator, sizeof validator, "%" PRIu64 ":%lld.%09ld",
           (uint64_t)st.st_size, (long long)st.st_mtim.tv_sec,
           (long)st.st_mtim.tv_nsec);
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 1);
  uint64_t size = (uint64_t)st.st_size;
  int changed =
      slot != NULL && slot->etag != NULL && strcmp(slot->etag, validator) != 0;
  if (cx->sink.start > size) changed = 1;
  if (slot != NULL &&
      BSIM_FAILED(bsim__curl_slot_set(&slot->etag, validator))) {
    cx->local_hr = BSIM_E_OUTOFMEMORY;
    return -1;
  }
  cx->bytes_total = size;
  if (cx->sink.start > 0 && changed) return restart_from_zero(cx, size);
  return 0;
}

/* ---- the request
 * ------------------------------------------------------------------ */

static void sink_reset(struct bsim__curl_cx *cx, uint64_t start) {
  struct bsim__curl_sink *s = &cx->sink;
  bsim__free(s->buf);
  memset(s, 0, sizeof *s);
  s->path = cx->xfer != NULL ? cx->xfer->temp_path : NULL;
  s->fs_virtual = s->path == NULL || (cx->xfer != NULL && cx->xfer->fs_virtual);
  s->start = start;
  s->disk = start;
  s->size = BSIM_SIZE_UNKNOWN;
  cx->check_hr = 0;
  cx->local_hr = 0;
  cx->remote_errno = 0;
}

/* If-Range with the validator kept for the file (strong ETag first). */
static void rg_if_range(struct bsim__curl_cx *cx, char *buf, size_t cap) {
  buf[0] = '\0';
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 0);
  const char *v = NULL;
  if (slot != NULL && strong_etag(slot->etag)) {
    v = slot->etag;
  } else if (slot != NULL && slot->last_modified != NULL) {
    v = slot->last_modified;
  }
  if (v != NULL) snprintf(buf, cap, "If-Range: %s", v);
}

/* Range and If-Range for a resumed HTTP download. */
static bsim_hr http_range(struct bsim__curl_cx *cx, char *range, size_t rcap,
                          char *if_range, size_t icap) {
  range[0] = if_range[0] = '\0';
  if (cx->sink.start == 0) return BSIM_S_OK;
  snprintf(range, rcap, "%" PRIu64 "-", cx->sink.start);
  rg_if_range(cx, if_range, icap);
  return BSIM_S_OK;
}

static bsim_hr ranged_start(struct bsim__curl_cx *cx, const char *url);

/* A resume this transport has no memory of (the process restarted on a
 * durable store): the validator the engine kept stands in for the one the
 * slot would hold, so the resume still sends If-Range and notices a
 * changed file (reference §10, §13). */
static void seed_validator(struct bsim__curl_cx *cx) {
  const struct bsim__xfer *x = cx->xfer;
  if (x == NULL || x->offset == 0 || x->validator == NULL ||
      cx->phase != BSIM__PHASE_DOWNLOAD ||
      bsim__curl_slot_get(cx->ct, cx->key, 0) != NULL) {
    return;
  }
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 1);
  if (slot == NULL) return; /* table full: resume without */
  (void)bsim__curl_slot_set(strong_etag(x->validator) ? &slot->etag
                                                      : &slot->last_modified,
                            x->validator);
}

void bsim__curl_report_validator(struct bsim__curl_cx *cx) {
  if (cx->xfer == NULL || cx->phase != BSIM__PHASE_DOWNLOAD ||
      cx->file_scheme) {
    return;
  }
  const char *v = NULL;
  if (strong_etag(cx->resp.etag)) {
    v = cx->resp.etag;
  } else if (cx->resp.last_modified[0] != '\0') {
    v = cx->resp.last_modified;
  }
  bsim__xfer_validator(cx->xfer, v);
}

bsim_hr bsim__curl_download_start(struct bsim__curl_cx *cx, const char *url) {
  seed_validator(cx);
  if (is_ranged(cx)) return ranged_start(cx, url);
  int reply = cx->phase == BSIM__PHASE_REPLY;
  sink_reset(cx, reply || cx->xfer == NULL ? 0 : cx->xfer->offset);
  cx->progress_sent = cx->sink.start;
  char range[48];
  char if_range[BSIM__CURL_ETAG_MAX + 16];
  const char *extra[2] = {NULL, NULL};
  int file = bsim__curl_is_file_url(url);
  if (!file && !reply) {
    http_range(cx, range, sizeof range, if_range, sizeof if_range);
    if (if_range[0] != '\0') extra[0] = if_range;
  }
  bsim_hr hr = bsim__curl_request_setup(cx, url, extra);
  if (BSIM_FAILED(hr)) return hr;
  if (file && !reply) {
    if (file_source(cx) != 0) {
      struct bsim__classify_in in = bsim__curl_classify_in(cx, CURLE_OK);
      struct bsim__xfer_result r = bsim__classify(&in, &cx->ct->config.policy);
      bsim__curl_defer_done(cx, &r);
      return BSIM_S_OK;
    }
    curl_easy_setopt(cx->easy, CURLOPT_RESUME_FROM_LARGE,
                     (curl_off_t)cx->sink.start);
  } else if (range[0] != '\0' && !reply) {
    curl_easy_setopt(cx->easy, CURLOPT_RANGE, range);
  }
  return bsim__curl_submit(cx);
}

/* How the request ended, as BITS sees it. Writes what is buffered first:
 * even after a reset, the bytes that arrived are the file's. */
struct bsim__xfer_result bsim__curl_sink_end(struct bsim__curl_cx *cx,
                                             CURLcode code) {
  struct bsim__curl_sink *s = &cx->sink;
  if (code == CURLE_OK && !s->begun && !s->discard && cx->check_hr == 0) {
    (void)sink_begin(cx);
  }
  if (!s->discard) (void)bsim__curl_sink_flush(cx);
  struct bsim__classify_in in = bsim__curl_classify_in(cx, code);
  struct bsim__xfer_result r = bsim__classify(&in, &cx->ct->config.policy);
  if (r.outcome == BSIM__XFER_OK && s->size != BSIM_SIZE_UNKNOWN &&
      s->disk != s->size) {
    cx->check_hr = BSIM_E_INVALID_SERVER_RESPONSE; /* short or long body */
    in = bsim__curl_classify_in(cx, code);
    r = bsim__classify(&in, &cx->ct->config.policy);
  }
  return r;
}

static void ranged_done(struct bsim__curl_cx *cx, CURLcode code);

void bsim__curl_download_done(struct bsim__curl_cx *cx, CURLcode code) {
  if (is_ranged(cx)) {
    ranged_done(cx, code);
    return;
  }
  struct bsim__xfer_result r = bsim__curl_sink_end(cx, code);
  if (r.outcome == BSIM__XFER_OK) {
    bsim__curl_slot_drop(cx->ct, cx->key);
  } else {
    bsim__curl_download_keep(cx);
  }
  bsim__curl_finish(cx, &r);
}

/* ---- ranged downloads (reference §1.6)
 * ---------------------------------------
 *
 * AddFileWithRanges: the local file holds the ranges back to back, so the
 * sink's offsets are local ones and each request asks for the remote bytes
 * under the local offset reached: `Range: bytes=<first>-<last>` for one
 * range, or what is left of it after a resume (`<first>-` for an open
 * end). The first 206 gives the remote size: every range is then checked
 * (BG_E_INVALID_RANGE, "range beyond EOF", fatal) and the local size is
 * the job's BytesTotal. Later requests carry If-Range with the first
 * response's validator, as a resume does. The answers:
 *   206 with exactly the bytes asked       the range (or its rest);
 *   206 with other bytes                   BG_E_INVALID_SERVER_RESPONSE,
 *                                          fatal ("server merged ranges");
 *   206 without Content-Range, or 200 with the validator unchanged or
 *   unknown                                BG_E_INSUFFICIENT_RANGE_SUPPORT;
 *   200 with another validator             the file changed: the local
 *                                          file is cut to 0 and the ranges
 *                                          start over in the same transfer
 *                                          (or BG_E_REMOTE_FILE_CHANGED
 *                                          without remote_change_restarts);
 *   416                                    BG_E_INVALID_RANGE (fatal).
 * file:// sources: BG_E_INSUFFICIENT_RANGE_SUPPORT (BITS takes ranges over
 * SMB only before 3.0, reference §1.6).
 */

#define RG_OPEN UINT64_MAX
/* Laying ranges out before the remote size is known: an open-ended range
 * is taken to be huge, which is exact for every range before it. */
#define RG_ASSUMED_SIZE (UINT64_MAX / 2)

static struct bsim__xfer_result rg_result(enum bsim__xfer_outcome outcome,
                                          bsim_hr hr) {
  struct bsim__xfer_result r = {outcome, hr, BSIM_ERROR_CONTEXT_REMOTE_FILE, 0};
  if (outcome == BSIM__XFER_OK) r.context = BSIM_ERROR_CONTEXT_NONE;
  return r;
}

/* Plan the request for local offset at: cx->rg.first/last. Returns 0; 1
 * when nothing is left; -1 when an open-ended range lies before at and the
 * remote size is unknown (the layout of the bytes kept is then unknown). */
static int rg_plan(struct bsim__curl_cx *cx, uint64_t at) {
  const struct bsim__xfer *x = cx->xfer;
  uint64_t size = cx->rg.remote_size;
  int known = size != BSIM_SIZE_UNKNOWN;
  uint32_t index;
  uint64_t src;
  uint64_t left;
  if (bsim__ranges_locate(x->ranges, x->range_count,
                          known ? size : RG_ASSUMED_SIZE, at, &index, &src,
                          &left) != 0) {
    return 1;
  }
  for (uint32_t i = 0; i < index && !known; i++) {
    if (x->ranges[i].length == BSIM_LENGTH_TO_EOF) return -1;
  }
  cx->rg.first = src;
  cx->rg.last = !known && x->ranges[index].length == BSIM_LENGTH_TO_EOF
                    ? RG_OPEN
                    : src + left - 1;
  return 0;
}

/* The local file is cut to 0: its bytes cannot be placed (or came from an
 * older version of the file). */
static int rg_cut(struct bsim__curl_cx *cx) {
  if (!cx->sink.fs_virtual) {
    bsim_hr hr = bsim__fs_truncate(cx->ct->mgr, cx->sink.path, 0);
    if (BSIM_FAILED(hr)) return -1;
  }
  cx->sink.start = 0;
  cx->sink.disk = 0;
  return 0;
}

/* Ask for the bytes under local offset at (reset the sink there). */
static bsim_hr rg_request(struct bsim__curl_cx *cx, const char *url,
                          uint64_t at) {
  sink_reset(cx, at);
  int plan = rg_plan(cx, at);
  if (plan < 0) {
    if (rg_cut(cx) != 0) return BSIM_E_FAIL;
    plan = rg_plan(cx, 0);
  }
  if (plan > 0) { /* nothing left: every range was empty */
    struct bsim__xfer_result ok = rg_result(BSIM__XFER_OK, BSIM_S_OK);
    bsim__curl_defer_done(cx, &ok);
    return BSIM_S_OK;
  }
  char if_range[BSIM__CURL_ETAG_MAX + 16];
  rg_if_range(cx, if_range, sizeof if_range);
  const char *extra[2] = {if_range[0] != '\0' ? if_range : NULL, NULL};
  bsim_hr hr = bsim__curl_request_setup(cx, url, extra);
  if (BSIM_FAILED(hr)) return hr;
  char range[48];
  if (cx->rg.last == RG_OPEN) {
    snprintf(range, sizeof range, "%" PRIu64 "-", cx->rg.first);
  } else {
    snprintf(range, sizeof range, "%" PRIu64 "-%" PRIu64, cx->rg.first,
             cx->rg.last);
  }
  curl_easy_setopt(cx->easy, CURLOPT_RANGE, range);
  return bsim__curl_submit(cx);
}

static bsim_hr ranged_start(struct bsim__curl_cx *cx, const char *url) {
  cx->rg.remote_size = BSIM_SIZE_UNKNOWN;
  cx->rg.total = UINT64_MAX;
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 0);
  if (slot != NULL && slot->has_remote_size) {
    cx->rg.remote_size = slot->remote_size;
  }
  cx->progress_sent = cx->xfer->offset;
  if (bsim__curl_is_file_url(url)) {
    struct bsim__xfer_result r =
        rg_result(BSIM__XFER_FATAL, BSIM_E_INSUFFICIENT_RANGE_SUPPORT);
    sink_reset(cx, cx->xfer->offset);
    bsim__curl_defer_done(cx, &r);
    return BSIM_S_OK;
  }
  return rg_request(cx, url, cx->xfer->offset);
}

/* A 206: the bytes asked for, inside a file whose size now lays out every
 * range. */
static int rg_partial(struct bsim__curl_cx *cx) {
  const struct bsim__curl_resp *r = &cx->resp;
  const struct bsim__xfer *x = cx->xfer;
  if (!r->has_range) {
    cx->check_hr = BSIM_E_INSUFFICIENT_RANGE_SUPPORT;
    return -1;
  }
  if (r->range_total == UINT64_MAX) {
    cx->check_hr = BSIM_E_MISSING_FILE_SIZE;
    return -1;
  }
  uint64_t total = 0;
  if (BSIM_FAILED(bsim__ranges_total(x->ranges, x->range_count, r->range_total,
                                     &total))) {
    cx->check_hr = BSIM_E_INVALID_RANGE;
    return -1;
  }
  uint64_t last = cx->rg.last == RG_OPEN ? r->range_total - 1 : cx->rg.last;
  if (r->range_first != cx->rg.first || r->range_last != last) {
    cx->check_hr = BSIM_E_INVALID_SERVER_RESPONSE;
    cx->rg.merged = 1;
    return -1;
  }
  cx->rg.remote_size = r->range_total;
  cx->rg.total = total;
  struct bsim__curl_slot *slot = bsim__curl_slot_get(cx->ct, cx->key, 1);
  if (slot != NULL) {
    slot->has_remote_size = 1;
    slot->remote_size = r->range_total;
  }
  cx->sink.validator_owed = 1;
  if (sink_accept(cx, cx->sink.start + (last - cx->rg.first + 1)) != 0) {
    return -1;
  }
  cx->bytes_total = total; /* BytesTotal: the requested bytes (§2.12) */
  return 0;
}

/* A 200 to a range request: the server ignores Range, or (If-Range did
 * not match) the file changed. */
static int rg_whole(struct bsim__curl_cx *cx) {
  if (!validator_changed(cx)) {
    cx->check_hr = BSIM_E_INSUFFICIENT_RANGE_SUPPORT;
    return -1;
  }
  if (rg_cut(cx) != 0) {
    cx->local_hr = BSIM_E_FAIL;
    return -1;
  }
  bsim__curl_slot_drop(cx->ct, cx->key); /* old validator, old size */
  cx->rg.remote_size = BSIM_SIZE_UNKNOWN;
  cx->rg.total = UINT64_MAX;
  if (cx->ct->config.remote_change_restarts) {
    cx->rg.restart = 1; /* abort this body; ranged_done starts over */
    return -1;
  }
  cx->check_hr = BSIM_E_REMOTE_FILE_CHANGED;
  cx->bytes_total = BSIM_SIZE_UNKNOWN;
  cx->connected_owed = 1; /* so that the engine hears "0 bytes kept" */
  bsim__curl_owe(cx);
  return -1;
}

static int begin_ranged(struct bsim__curl_cx *cx) {
  long status = cx->resp.status;
  if (status == 206) return rg_partial(cx);
  if (status == 200 || status == 203) return rg_whole(cx);
  if (status == 416) {
    cx->check_hr = BSIM_E_INVALID_RANGE; /* the range starts past EOF */
    return -1;
  }
  if (status >= 200 && status < 300) {
    cx->check_hr = BSIM_E_INVALID_SERVER_RESPONSE;
    return -1;
  }
  cx->sink.discard = 1; /* an error page: the status decides */
  return 0;
}

static void ranged_done(struct bsim__curl_cx *cx, CURLcode code) {
  const char *url = cx->xfer->remote_url;
  struct bsim__xfer_result r;
  if (cx->rg.restart) {
    cx->rg.restart = 0;
    cx->connected_sent = 0; /* the new version's BytesTotal, then 0 bytes */
    bsim_hr hr = rg_request(cx, url, 0);
    if (BSIM_SUCCEEDED(hr)) return;
    r = rg_result(BSIM__XFER_TRANSIENT, hr);
  } else {
    r = bsim__curl_sink_end(cx, code);
    if (r.outcome == BSIM__XFER_OK && cx->sink.disk < cx->rg.total) {
      (void)remember_validator(cx); /* If-Range for the next range */
      bsim_hr hr = rg_request(cx, url, cx->sink.disk);
      if (BSIM_SUCCEEDED(hr)) return;
      r = rg_result(BSIM__XFER_TRANSIENT, hr);
    }
  }
  /* Asking again gets the same merged answer: §1.6 lists it as ERROR. */
  if (cx->rg.merged && r.hr == BSIM_E_INVALID_SERVER_RESPONSE) {
    r.outcome = BSIM__XFER_FATAL;
  }
  if (r.outcome == BSIM__XFER_OK) {
    bsim__curl_slot_drop(cx->ct, cx->key);
  } else {
    bsim__curl_download_keep(cx);
  }
  bsim__curl_finish(cx, &r);
}
