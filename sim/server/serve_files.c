/* bitsim — static files for `bitsim serve`: GET and HEAD with one Range,
 * strong validators, If-Range, and the body-level faults.
 *
 * What BITS needs from an origin (reference §10): HEAD reports the size; GET
 * honours Range with Content-Range and Content-Length; the file is tied to
 * its size and timestamp. So every answer carries Content-Length,
 * Last-Modified and a strong ETag built from (inode, size, mtime, content
 * version); `Range: bytes=a-b`, `a-` and `-n` give 206, a range starting at
 * or past the end gives 416 with a Content-Range naming only the size,
 * and anything else (several ranges, malformed syntax) is ignored as RFC 9110
 * allows: 200 with the whole body. If-Range with a validator that does not
 * match (a weak ETag never does) also gives the whole body.
 *
 * Bodies are produced by a content reader running on the connection's own
 * thread, which is where the faults act: a RESET stops after N bytes and
 * closes, a STALL waits (bounded) then closes, a DRIP hands out N bytes per
 * interval, WRONG_LENGTH announces a different Content-Length than there are
 * bytes, CORRUPT flips bytes by file offset (so a resumed range is corrupted
 * exactly where a full read would be) and CHANGE (a content version) alters
 * every byte, the ETag and Last-Modified.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "server/serve_internal.h"

#define BLOCK_BYTES (256u * 1024u)

enum range_result { RANGE_WHOLE, RANGE_PART, RANGE_UNSAT };

/* The body of one answer: a window of an open file plus its faults. */
struct body {
  bsim_serve *srv;
  struct serve_entry *entry;
  int fd;
  uint64_t start;  /* file offset of body byte 0 */
  uint64_t length; /* bytes the file really gives */
  struct serve_plan plan;
};

static const char *skip_spaces(const char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  return s;
}

/* A suffix range "-n": the last n bytes. */
static enum range_result parse_suffix(const char *s, uint64_t size,
                                      uint64_t *first, uint64_t *last) {
  uint64_t n = 0;
  s = bsim__serve_parse_u64(s, &n);
  if (s == NULL || *skip_spaces(s) != '\0') return RANGE_WHOLE;
  if (n == 0 || size == 0) return RANGE_UNSAT;
  *first = n >= size ? 0 : size - n;
  *last = size - 1;
  return RANGE_PART;
}

/* One "bytes=" range against a file of size bytes. */
static enum range_result parse_range(const char *h, uint64_t size,
                                     uint64_t *first, uint64_t *last) {
  h = skip_spaces(h);
  if (strncasecmp(h, "bytes", 5) != 0) return RANGE_WHOLE;
  h = skip_spaces(h + 5);
  if (*h != '=') return RANGE_WHOLE;
  h = skip_spaces(h + 1);
  if (strchr(h, ',') != NULL) return RANGE_WHOLE; /* one range only */
  if (*h == '-') return parse_suffix(h + 1, size, first, last);
  uint64_t a = 0;
  uint64_t b = UINT64_MAX;
  h = bsim__serve_parse_u64(h, &a);
  if (h == NULL || *(h = skip_spaces(h)) != '-') return RANGE_WHOLE;
  h = skip_spaces(h + 1);
  if (*h != '\0') {
    h = bsim__serve_parse_u64(h, &b);
    if (h == NULL || *skip_spaces(h) != '\0' || b < a) return RANGE_WHOLE;
  }
  if (a >= size) return RANGE_UNSAT;
  *first = a;
  *last = b >= size ? size - 1 : b;
  return RANGE_PART;
}

static void make_validators(const struct stat *st, uint32_t version, char *etag,
                            size_t etag_len, char *lm, size_t lm_len) {
  uint64_t mtime_ns = (uint64_t)st->st_mtim.tv_sec * 1000000000u +
                      (uint64_t)st->st_mtim.tv_nsec;
  snprintf(etag, etag_len,
           "\"%" PRIx64 "-%" PRIx64 "-%" PRIx64 "-%" PRIx32 "\"",
           (uint64_t)st->st_ino, (uint64_t)st->st_size, mtime_ns, version);
  /* A content change moves the timestamp too, one second per version. */
  time_t t = st->st_mtim.tv_sec + (time_t)version;
  struct tm tm;
  if (gmtime_r(&t, &tm) == NULL ||
      strftime(lm, lm_len, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0) {
    lm[0] = '\0';
  }
}

/* If-Range: a strong ETag or an exact HTTP date. */
static int if_range_matches(const char *v, const char *etag, const char *lm) {
  if (v[0] == 'W' && v[1] == '/') return 0;
  if (v[0] == '"') return strcmp(v, etag) == 0;
  return lm[0] != '\0' && strcmp(v, lm) == 0;
}

static enum range_result pick_range(struct MHD_Connection *conn,
                                    const struct serve_plan *plan,
                                    uint64_t size, const char *etag,
                                    const char *lm, uint64_t *first,
                                    uint64_t *last) {
  if (SERVE_HAS(plan, BSIM_SERVE_FAULT_NO_RANGE)) return RANGE_WHOLE;
  const char *range =
      MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
  if (range == NULL) return RANGE_WHOLE;
  const char *if_range = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_IF_RANGE);
  if (if_range != NULL && !if_range_matches(if_range, etag, lm)) {
    return RANGE_WHOLE;
  }
  return parse_range(range, size, first, last);
}

static void transform(const struct serve_plan *p, uint64_t file_off, char *buf,
                      size_t n) {
  if (SERVE_HAS(p, BSIM_SERVE_FAULT_CORRUPT)) {
    uint64_t lo = p->corrupt_offset;
    uint64_t hi = lo + p->corrupt_length; /* checked not to overflow */
    for (size_t i = 0; i < n; i++) {
      uint64_t o = file_off + i;
      if (o >= lo && o < hi) buf[i] = (char)(buf[i] ^ 0xFF);
    }
  }
  if (p->version != 0) {
    /* Never zero per byte, so every byte of a changed file differs. */
    uint64_t key = bsim__mix64(p->version);
    for (size_t i = 0; i < n; i++) {
      unsigned shift = (unsigned)((file_off + i) & 7u) * 8u;
      buf[i] = (char)(buf[i] ^ (char)(((key >> shift) & 0xFFu) | 1u));
    }
  }
}

/* How many bytes the next read may give before a fault acts; 0 means the
 * fault acts now (the connection closes). */
static uint64_t body_budget(struct body *b, uint64_t pos) {
  const struct serve_plan *p = &b->plan;
  uint64_t want = b->length - pos;
  if (SERVE_HAS(p, BSIM_SERVE_FAULT_STALL)) {
    if (pos >= p->stall_after) {
      (void)bsim__serve_wait(b->srv, p->stall_ms);
      return 0;
    }
    if (p->stall_after - pos < want) want = p->stall_after - pos;
  }
  if (SERVE_HAS(p, BSIM_SERVE_FAULT_RESET)) {
    if (pos >= p->reset_after) return 0;
    if (p->reset_after - pos < want) want = p->reset_after - pos;
  }
  if (SERVE_HAS(p, BSIM_SERVE_FAULT_DRIP)) {
    if (pos > 0 && bsim__serve_wait(b->srv, p->drip_ms) != 0) return 0;
    if (want > p->drip_bytes) want = p->drip_bytes;
  }
  return want;
}

static ssize_t body_read(void *cls, uint64_t pos, char *buf, size_t max) {
  struct body *b = cls;
  /* Past the real bytes: a Content-Length that promised more. Ending with an
   * error closes the connection, which the client sees as a short body. */
  if (pos >= b->length) return MHD_CONTENT_READER_END_WITH_ERROR;
  uint64_t want = body_budget(b, pos);
  if (want == 0) return MHD_CONTENT_READER_END_WITH_ERROR;
  if (want > max) want = max;
  ssize_t n = pread(b->fd, buf, (size_t)want, (off_t)(b->start + pos));
  if (n <= 0) return MHD_CONTENT_READER_END_WITH_ERROR;
  transform(&b->plan, b->start + pos, buf, (size_t)n);
  bsim__serve_count_body(b->srv, b->entry, (uint64_t)n);
  return n;
}

static void body_free(void *cls) {
  struct body *b = cls;
  close(b->fd);
  bsim__free(b);
}

static enum MHD_Result answer_416(bsim_serve *srv, struct MHD_Connection *conn,
                                  struct serve_request *req, uint64_t size) {
  static const char text[] = "416 range not satisfiable\n";
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      sizeof text - 1, (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT);
  if (resp == NULL) return MHD_NO;
  char cr[64];
  snprintf(cr, sizeof cr, "bytes */%" PRIu64, size);
  (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
  (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
  return bsim__serve_queue(srv, conn, req, 416, resp);
}

static void add_headers(struct MHD_Response *resp, const struct body *b,
                        uint64_t size, int partial, const char *etag,
                        const char *lm) {
  (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "application/octet-stream");
  (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
  if (lm[0] != '\0') {
    (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED, lm);
  }
  /* A server without Range support does not announce it (reference §10). */
  if (!SERVE_HAS(&b->plan, BSIM_SERVE_FAULT_NO_RANGE)) {
    (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
  }
  if (partial) {
    char cr[96];
    snprintf(cr, sizeof cr, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, b->start,
             b->start + b->length - 1, size);
    (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
  }
}

/* The Content-Length announced: the real length unless WRONG_LENGTH. */
static uint64_t announced_length(const struct serve_plan *plan,
                                 uint64_t length) {
  if (!SERVE_HAS(plan, BSIM_SERVE_FAULT_WRONG_LENGTH)) return length;
  if (plan->length_delta < 0) {
    uint64_t less = (uint64_t)(-(plan->length_delta + 1)) + 1;
    return less >= length ? 0 : length - less;
  }
  return length + (uint64_t)plan->length_delta;
}

enum MHD_Result bsim__serve_fd(bsim_serve *srv, struct MHD_Connection *conn,
                               struct serve_request *req, int fd,
                               const struct stat *st, const char *extra_name,
                               const char *extra_value) {
  uint64_t size = (uint64_t)st->st_size;
  char etag[128];
  char lm[64];
  make_validators(st, req->plan.version, etag, sizeof etag, lm, sizeof lm);
  uint64_t first = 0;
  uint64_t last = size == 0 ? 0 : size - 1;
  enum range_result rr =
      pick_range(conn, &req->plan, size, etag, lm, &first, &last);
  if (rr == RANGE_UNSAT) {
    close(fd);
    return answer_416(srv, conn, req, size);
  }
  struct body *b = bsim__calloc(1, sizeof *b);
  if (b == NULL) {
    close(fd);
    return MHD_NO;
  }
  *b = (struct body){srv,
                     req->entry,
                     fd,
                     first,
                     rr == RANGE_PART ? last - first + 1 : size,
                     req->plan};
  struct MHD_Response *resp =
      MHD_create_response_from_callback(announced_length(&req->plan, b->length),
                                        BLOCK_BYTES, body_read, b, body_free);
  if (resp == NULL) {
    body_free(b);
    return MHD_NO;
  }
  add_headers(resp, b, size, rr == RANGE_PART, etag, lm);
  if (extra_name != NULL) {
    (void)MHD_add_response_header(resp, extra_name, extra_value);
  }
  if (rr == RANGE_PART) {
    uv_mutex_lock(&srv->lock);
    srv->totals.ranged++;
    if (req->entry != NULL) req->entry->stats.ranged++;
    uv_mutex_unlock(&srv->lock);
  }
  return bsim__serve_queue(srv, conn, req, rr == RANGE_PART ? 206 : 200, resp);
}

enum MHD_Result bsim__serve_file(bsim_serve *srv, struct MHD_Connection *conn,
                                 struct serve_request *req, int dir_fd,
                                 const char *rel, const char *extra_name,
                                 const char *extra_value) {
  if (bsim__serve_path_ok(rel) != 0) {
    return bsim__serve_text(srv, conn, req, 400, "400 bad path\n");
  }
  struct stat st;
  int fd = bsim__serve_open_file(dir_fd, rel, &st);
  if (fd < 0) {
    if (errno == ELOOP || errno == EISDIR || errno == EACCES) {
      return bsim__serve_text(srv, conn, req, 403, "403 forbidden\n");
    }
    return bsim__serve_text(srv, conn, req, 404, "404 not found\n");
  }
  return bsim__serve_fd(srv, conn, req, fd, &st, extra_name, extra_value);
}
