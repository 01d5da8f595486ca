/* bitsim — the server side of the BITS upload protocol ([MC-BUP],
 * reference §9.1) for `bitsim serve`.
 *
 * Every request is a BITS_POST whose BITS-Packet-Type (compared without
 * regard to case) is Ping, Create-Session, Fragment, Close-Session or
 * Cancel-Session; every answer is an Ack with Content-Length (0), and on
 * failure BITS-Error-Code / BITS-Error-Context in hex. The session table:
 *
 *   Create-Session  -> a session {id}, an empty partial file in
 *                      upload_dir/.bitsim-partial; needs our protocol GUID
 *                      in BITS-Supported-Protocols (else 400 E_INVALIDARG)
 *   Fragment a-b/t  -> a > received: 416 + BITS-Received-Content-Range =
 *                      received, nothing written; otherwise the bytes past
 *                      `received` are written (overlap ignored) and the Ack
 *                      says b + 1. When received reaches t the file moves
 *                      into place (409 if it exists and overwrites are off)
 *                      and, with a reply mode, the Ack carries
 *                      BITS-Reply-URL (also on any later repeat of the last
 *                      fragment)
 *   Close-Session   -> session gone; an unfinished partial file deleted;
 *                      the reply is no longer offered
 *   Cancel-Session  -> the same: before the last fragment the upload is
 *                      dropped, afterwards only the reply is
 *   unknown session -> 500 + BG_E_SESSION_NOT_FOUND (0x8020001F)
 *
 * Limits: max_upload_bytes (413 + BG_E_TOO_LARGE on the first fragment that
 * announces a bigger total), max_fragment_bytes (413 + BG_E_TOO_LARGE before
 * the body is read), max_sessions (503 + E_BUSY, our choice: [MC-BUP] names
 * no code), session_timeout_ms (idle sessions are swept on every request).
 * [MC-BUP] leaves the status of BG_E_TOO_LARGE open; 413 is our reading.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "server/serve_internal.h"

#define CONTEXT_SERVER 5u

enum packet {
  PKT_PING,
  PKT_CREATE,
  PKT_FRAGMENT,
  PKT_CLOSE,
  PKT_CANCEL,
  PKT_UNKNOWN
};

/* What a packet handler decided, built under the lock, sent after it. */
struct answer {
  unsigned status;
  bsim_hr hr; /* error headers when status is not 2xx */
  uint32_t context;
  char session[40];  /* BITS-Session-Id, "" for none */
  uint64_t received; /* BITS-Received-Content-Range when has_received */
  int has_received;
  int create; /* add BITS-Protocol and Accept-Encoding */
  int reply;  /* add BITS-Reply-URL for session */
};

struct fragment {
  uint64_t first; /* first byte */
  uint64_t end;   /* one past the last byte */
  uint64_t total;
};

static const char *header(struct MHD_Connection *conn, const char *name) {
  return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static enum packet packet_of(const char *v) {
  static const struct {
    const char *name;
    enum packet packet;
  } names[] = {{"Ping", PKT_PING},
               {"Create-Session", PKT_CREATE},
               {"Fragment", PKT_FRAGMENT},
               {"Close-Session", PKT_CLOSE},
               {"Cancel-Session", PKT_CANCEL}};
  for (size_t i = 0; v != NULL && i < sizeof names / sizeof names[0]; i++) {
    if (strcasecmp(v, names[i].name) == 0) return names[i].packet;
  }
  return PKT_UNKNOWN;
}

static void answer_error(struct answer *a, unsigned status, bsim_hr hr) {
  a->status = status;
  a->hr = hr;
  a->context = CONTEXT_SERVER;
}

static void add_hex(struct MHD_Response *resp, const char *name, uint32_t v,
                    int width) {
  char text[16];
  snprintf(text, sizeof text, "0x%0*" PRIX32, width, v);
  (void)MHD_add_response_header(resp, name, text);
}

static void add_reply_url(bsim_serve *srv, struct MHD_Response *resp,
                          const char *session) {
  /* The id without its braces: a URL path stays plain. */
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%u%s%.36s", (unsigned)srv->port,
           BSIM_SERVE_REPLY_PREFIX, session + 1);
  (void)MHD_add_response_header(resp, "BITS-Reply-URL", url);
}

static enum MHD_Result send_answer(bsim_serve *srv, struct MHD_Connection *conn,
                                   struct serve_request *req,
                                   const struct answer *a) {
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
  if (resp == NULL) return MHD_NO;
  (void)MHD_add_response_header(resp, "BITS-Packet-Type", "Ack");
  if (a->session[0] != '\0') {
    (void)MHD_add_response_header(resp, "BITS-Session-Id", a->session);
  }
  if (a->create) {
    (void)MHD_add_response_header(resp, "BITS-Protocol",
                                  BSIM_SERVE_PROTOCOL_GUID);
    (void)MHD_add_response_header(resp, "Accept-Encoding", "Identity");
  }
  if (a->has_received) {
    char text[32];
    snprintf(text, sizeof text, "%" PRIu64, a->received);
    (void)MHD_add_response_header(resp, "BITS-Received-Content-Range", text);
  }
  if (a->reply) add_reply_url(srv, resp, a->session);
  if (a->status < 200 || a->status > 299) {
    add_hex(resp, "BITS-Error-Code", (uint32_t)a->hr, 8);
    add_hex(resp, "BITS-Error-Context", a->context, 1);
  }
  return bsim__serve_queue(srv, conn, req, a->status, resp);
}

static bsim_hr hr_of_errno(int e) {
  if (e == ENOSPC || e == EDQUOT) return BSIM_E_WIN32_DISK_FULL;
  if (e == EEXIST) return BSIM_E_ALREADY_EXISTS;
  if (e == ELOOP || e == ENOTDIR || e == EISDIR || e == EACCES) {
    return BSIM_E_ACCESSDENIED;
  }
  return BSIM_E_FAIL;
}

/* ---- sessions ------------------------------------------------------------ */

static struct serve_session *session_find(bsim_serve *srv, const char *id) {
  for (struct serve_session *s = srv->sessions; s != NULL; s = s->next) {
    if (strcasecmp(s->id, id) == 0) return s;
  }
  return NULL;
}

/* Unlink s from the table and delete what the server keeps for it: the
 * partial file of an unfinished upload and a FIXED reply. A finished upload
 * stays where it is (reference §8: uploads on the server are never
 * affected by Cancel). */
static void session_drop(bsim_serve *srv, struct serve_session *s) {
  for (struct serve_session **p = &srv->sessions; *p != NULL; p = &(*p)->next) {
    if (*p == s) {
      *p = s->next;
      break;
    }
  }
  srv->session_count--;
  if (s->part_name[0] != '\0') (void)unlinkat(srv->partial_fd, s->part_name, 0);
  if (s->reply_name[0] != '\0') {
    (void)unlinkat(srv->partial_fd, s->reply_name, 0);
  }
  bsim__free(s->rel_path);
  bsim__free(s);
}

void bsim__serve_sessions_sweep(bsim_serve *srv) {
  uint64_t now = bsim__serve_now_ms(srv);
  struct serve_session *s = srv->sessions;
  while (s != NULL) {
    struct serve_session *next = s->next;
    if (now >= s->last_ms && now - s->last_ms > srv->opts.session_timeout_ms) {
      session_drop(srv, s);
    }
    s = next;
  }
}

void bsim__serve_sessions_free(bsim_serve *srv) {
  while (srv->sessions != NULL)
    session_drop(srv, srv->sessions);
}

static void make_id(bsim_serve *srv, char id[40]) {
  /* bsim__mix64 is a bijection, so ids from a counter never repeat. */
  uint64_t a = bsim__mix64(srv->id_state++);
  uint64_t b = bsim__mix64(srv->id_state++);
  snprintf(id, 40,
           "{%08" PRIx32 "-%04" PRIx32 "-%04" PRIx32 "-%04" PRIx32
           "-%012" PRIx64 "}",
           (uint32_t)(a >> 32), (uint32_t)(a >> 16) & 0xFFFFu,
           (uint32_t)a & 0xFFFFu, (uint32_t)(b >> 48), b & 0xFFFFFFFFFFFFu);
}

/* A new session with an empty partial file, or NULL with *hr set. */
static struct serve_session *session_new(bsim_serve *srv, const char *rel,
                                         bsim_hr *hr) {
  struct serve_session *s = bsim__calloc(1, sizeof *s);
  char *rel_copy = bsim__strdup(rel);
  if (s == NULL || rel_copy == NULL) {
    bsim__free(s);
    bsim__free(rel_copy);
    *hr = BSIM_E_OUTOFMEMORY;
    return NULL;
  }
  s->rel_path = rel_copy;
  snprintf(s->part_name, sizeof s->part_name, "s%" PRIu64 ".part",
           srv->part_seq++);
  int fd = openat(srv->partial_fd, s->part_name,
                  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    *hr = hr_of_errno(errno);
    bsim__free(s->rel_path);
    bsim__free(s);
    return NULL;
  }
  close(fd);
  make_id(srv, s->id);
  s->total = UINT64_MAX;
  s->last_ms = bsim__serve_now_ms(srv);
  s->next = srv->sessions;
  srv->sessions = s;
  srv->session_count++;
  return s;
}

/* ---- Create-Session ------------------------------------------------------ */

/* Is our protocol GUID among the offered ones (space or comma separated,
 * braces included, any case)? */
static int protocol_offered(const char *list) {
  static const size_t len = sizeof BSIM_SERVE_PROTOCOL_GUID - 1;
  for (const char *s = list; s != NULL && *s != '\0';) {
    while (*s == ' ' || *s == ',' || *s == '\t')
      s++;
    size_t n = strcspn(s, " ,\t");
    if (n == len && strncasecmp(s, BSIM_SERVE_PROTOCOL_GUID, len) == 0) {
      return 1;
    }
    s += n;
  }
  return 0;
}

/* 0: no such file yet; 1: a regular file is there; -1: the way there is
 * blocked (a symlink, a file where a directory should be, a directory where
 * the file should be). */
static int target_state(bsim_serve *srv, const char *rel) {
  const char *leaf = NULL;
  int parent = bsim__serve_open_parent(srv->upload_fd, rel, 0, &leaf);
  if (parent < 0) return errno == ENOENT ? 0 : -1;
  struct stat st;
  int r = fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW);
  int saved = errno;
  close(parent);
  if (r != 0) return saved == ENOENT ? 0 : -1;
  return S_ISREG(st.st_mode) ? 1 : -1;
}

static void on_create(bsim_serve *srv, struct MHD_Connection *conn,
                      const char *rel, struct answer *a) {
  if (srv->upload_fd < 0) {
    answer_error(a, 501, BSIM_E_ACCESSDENIED); /* uploads not enabled */
    return;
  }
  if (!protocol_offered(header(conn, "BITS-Supported-Protocols"))) {
    answer_error(a, 400, BSIM_E_INVALIDARG);
    return;
  }
  bsim__serve_sessions_sweep(srv);
  int state = target_state(srv, rel);
  if (srv->session_count >= srv->opts.max_sessions) {
    answer_error(a, 503, BSIM_E_BUSY);
  } else if (state < 0) {
    answer_error(a, 403, BSIM_E_ACCESSDENIED);
  } else if (state > 0 && !srv->opts.allow_overwrite) {
    answer_error(a, 409, BSIM_E_ACCESSDENIED);
  } else {
    bsim_hr hr = BSIM_E_FAIL;
    struct serve_session *s = session_new(srv, rel, &hr);
    if (s == NULL) {
      answer_error(a, 500, hr);
      return;
    }
    a->status = 200;
    a->create = 1;
    memcpy(a->session, s->id, sizeof a->session);
  }
}

/* ---- Fragment ------------------------------------------------------------ */

/* "bytes a-b/total" with a <= b < total or, for an empty file, a star in
 * place of a-b and a total of 0 ("Bytes" in the win32 docs: any case). */
static int parse_content_range(const char *v, struct fragment *fr) {
  uint64_t a = 0;
  uint64_t b = 0;
  uint64_t total = 0;
  if (v == NULL) return -1;
  v += strspn(v, " ");
  if (strncasecmp(v, "bytes", 5) != 0) return -1;
  v += 5;
  v += strspn(v, " ");
  if (v[0] == '*' && v[1] == '/') {
    v = bsim__serve_parse_u64(v + 2, &total);
    if (v == NULL || total != 0 || v[strspn(v, " ")] != '\0') return -1;
    *fr = (struct fragment){0, 0, 0};
    return 0;
  }
  if ((v = bsim__serve_parse_u64(v, &a)) == NULL || *v != '-') return -1;
  if ((v = bsim__serve_parse_u64(v + 1, &b)) == NULL || *v != '/') return -1;
  if ((v = bsim__serve_parse_u64(v + 1, &total)) == NULL) return -1;
  if (v[strspn(v, " ")] != '\0' || a > b || b >= total) return -1;
  *fr = (struct fragment){a, b + 1, total};
  return 0;
}

/* The headers of a Fragment against the body that came with it. */
static int fragment_of(struct MHD_Connection *conn,
                       const struct serve_request *req, struct fragment *fr) {
  const char *enc = header(conn, MHD_HTTP_HEADER_CONTENT_ENCODING);
  if (enc != NULL && strcasecmp(enc, "identity") != 0) return -1;
  const char *cl = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
  uint64_t length = 0;
  if (cl == NULL || bsim__serve_parse_u64(cl, &length) == NULL) return -1;
  if (parse_content_range(header(conn, MHD_HTTP_HEADER_CONTENT_RANGE), fr)) {
    return -1;
  }
  return length == req->body_len && length == fr->end - fr->first ? 0 : -1;
}

static bsim_hr write_all(int dir_fd, const char *name, const char *data,
                         size_t len, uint64_t offset) {
  int fd = openat(dir_fd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return hr_of_errno(errno);
  while (len > 0) {
    ssize_t n = pwrite(fd, data, len, (off_t)offset);
    if (n <= 0) {
      bsim_hr hr = hr_of_errno(n < 0 ? errno : ENOSPC);
      close(fd);
      return hr;
    }
    data += n;
    len -= (size_t)n;
    offset += (uint64_t)n;
  }
  return close(fd) == 0 ? BSIM_S_OK : hr_of_errno(errno);
}

/* The reply the server application gives (reference §9: upload-reply). */
static bsim_hr prepare_reply(bsim_serve *srv, struct serve_session *s) {
  switch (srv->opts.reply_mode) {
  case BSIM_SERVE_REPLY_NONE:
    return BSIM_S_OK;
  case BSIM_SERVE_REPLY_ECHO:
  case BSIM_SERVE_REPLY_FILE:
    s->has_reply = 1;
    return BSIM_S_OK;
  case BSIM_SERVE_REPLY_FIXED:
    break;
  case BSIM_SERVE_REPLY_COUNT:
    return BSIM_E_FAIL;
  }
  snprintf(s->reply_name, sizeof s->reply_name, "s%" PRIu64 ".reply",
           srv->part_seq++);
  int fd = openat(srv->partial_fd, s->reply_name,
                  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    s->reply_name[0] = '\0';
    return hr_of_errno(errno);
  }
  close(fd);
  const char *body = srv->opts.reply_body;
  bsim_hr hr = write_all(srv->partial_fd, s->reply_name, body, strlen(body), 0);
  if (BSIM_SUCCEEDED(hr)) s->has_reply = 1;
  return hr;
}

/* Move the finished upload into place, never replacing a file unless
 * overwrites are allowed (link + unlink fails when the name is taken). */
static bsim_hr session_finish(bsim_serve *srv, struct serve_session *s) {
  const char *leaf = NULL;
  int parent = bsim__serve_open_parent(srv->upload_fd, s->rel_path, 1, &leaf);
  if (parent < 0) return hr_of_errno(errno);
  int r;
  if (srv->opts.allow_overwrite) {
    r = renameat(srv->partial_fd, s->part_name, parent, leaf);
  } else {
    r = linkat(srv->partial_fd, s->part_name, parent, leaf, 0);
    if (r == 0) (void)unlinkat(srv->partial_fd, s->part_name, 0);
  }
  int saved = errno;
  close(parent);
  if (r != 0) return hr_of_errno(saved);
  s->part_name[0] = '\0';
  s->complete = 1;
  return prepare_reply(srv, s);
}

static void fragment_apply(bsim_serve *srv, struct serve_session *s,
                           const struct fragment *fr,
                           const struct serve_request *req, struct answer *a) {
  if (s->total == UINT64_MAX && fr->total > srv->opts.max_upload_bytes) {
    answer_error(a, 413, BSIM_E_TOO_LARGE);
    return;
  }
  if (s->total != UINT64_MAX && fr->total != s->total) {
    answer_error(a, 400, BSIM_E_INVALIDARG);
    return;
  }
  s->total = fr->total;
  s->last_ms = bsim__serve_now_ms(srv);
  a->has_received = 1;
  a->received = s->received;
  if (fr->first > s->received) {
    answer_error(a, 416, BSIM_S_OK); /* a gap: "0 with 416", §9.1 */
    return;
  }
  if (fr->end > s->received && !s->complete) {
    uint64_t skip = s->received - fr->first; /* overlap is ignored */
    bsim_hr hr = write_all(srv->partial_fd, s->part_name, req->body + skip,
                           (size_t)(fr->end - s->received), s->received);
    if (BSIM_FAILED(hr)) {
      answer_error(a, 500, hr);
      return;
    }
    s->received = fr->end;
  }
  if (s->received == s->total && !s->complete) {
    bsim_hr hr = session_finish(srv, s);
    if (BSIM_FAILED(hr)) {
      answer_error(a, hr == BSIM_E_ALREADY_EXISTS ? 409 : 500, hr);
      return;
    }
  }
  a->received = s->received;
  a->status = 200;
  a->reply = s->complete && s->has_reply;
}

static void on_fragment(bsim_serve *srv, struct MHD_Connection *conn,
                        struct serve_request *req, const char *rel,
                        struct answer *a) {
  struct fragment fr;
  if (fragment_of(conn, req, &fr) != 0) {
    answer_error(a, 400, BSIM_E_INVALIDARG);
    return;
  }
  struct serve_session *s = session_find(srv, a->session);
  if (s == NULL) {
    answer_error(a, 500, BSIM_E_SESSION_NOT_FOUND);
  } else if (strcmp(s->rel_path, rel) != 0) {
    answer_error(a, 400, BSIM_E_INVALIDARG); /* another URL's session */
  } else {
    fragment_apply(srv, s, &fr, req, a);
  }
}

/* Close-Session and Cancel-Session: the session goes either way. */
static void on_end(bsim_serve *srv, struct answer *a) {
  struct serve_session *s = session_find(srv, a->session);
  if (s == NULL) {
    answer_error(a, 500, BSIM_E_SESSION_NOT_FOUND);
    return;
  }
  session_drop(srv, s);
  a->status = 200;
}

/* ---- dispatch ------------------------------------------------------------ */

/* Copy the request's BITS-Session-Id into a->session ("" when absent or too
 * long to be one of ours, which then matches no session). */
static void take_session_id(struct MHD_Connection *conn, struct answer *a) {
  const char *id = header(conn, "BITS-Session-Id");
  if (id != NULL && strlen(id) < sizeof a->session) {
    memcpy(a->session, id, strlen(id) + 1);
  }
}

static void on_packet(bsim_serve *srv, struct MHD_Connection *conn,
                      struct serve_request *req, const char *rel,
                      enum packet packet, struct answer *a) {
  int needs_session =
      packet == PKT_FRAGMENT || packet == PKT_CLOSE || packet == PKT_CANCEL;
  if (needs_session && header(conn, "BITS-Session-Id") == NULL) {
    answer_error(a, 400, BSIM_E_INVALIDARG);
    return;
  }
  if (needs_session) take_session_id(conn, a);
  uv_mutex_lock(&srv->lock);
  bsim__serve_sessions_sweep(srv);
  switch (packet) {
  case PKT_PING:
    a->status = 200;
    break;
  case PKT_CREATE:
    on_create(srv, conn, rel, a);
    break;
  case PKT_FRAGMENT:
    on_fragment(srv, conn, req, rel, a);
    break;
  case PKT_CLOSE:
  case PKT_CANCEL:
    on_end(srv, a);
    break;
  case PKT_UNKNOWN:
    answer_error(a, 400, BSIM_E_INVALIDARG);
    break;
  }
  uv_mutex_unlock(&srv->lock);
}

enum MHD_Result bsim__serve_bits(bsim_serve *srv, struct MHD_Connection *conn,
                                 struct serve_request *req, const char *url) {
  struct answer a;
  memset(&a, 0, sizeof a);
  const struct serve_plan *plan = &req->plan;
  if (SERVE_HAS(plan, BSIM_SERVE_FAULT_STATUS)) {
    /* A scripted failure: nothing is processed. */
    take_session_id(conn, &a);
    a.status = (unsigned)plan->status;
    a.hr = plan->bits_error;
    a.context = plan->bits_context;
    return send_answer(srv, conn, req, &a);
  }
  enum packet packet = packet_of(header(conn, "BITS-Packet-Type"));
  if (packet != PKT_PING && bsim__serve_path_ok(url + 1) != 0) {
    answer_error(&a, 400, BSIM_E_INVALIDARG);
  } else {
    on_packet(srv, conn, req, url + 1, packet, &a);
  }
  return send_answer(srv, conn, req, &a);
}

enum MHD_Result bsim__serve_bits_too_large(bsim_serve *srv,
                                           struct MHD_Connection *conn,
                                           struct serve_request *req) {
  struct answer a;
  memset(&a, 0, sizeof a);
  take_session_id(conn, &a);
  answer_error(&a, 413, BSIM_E_TOO_LARGE);
  return send_answer(srv, conn, req, &a);
}

/* ---- replies ------------------------------------------------------------- */

/* Open the reply of session id (without braces). -1 when there is none. */
static int open_reply(bsim_serve *srv, const char *id, struct stat *st) {
  char rel[4096] = "";
  char reply_name[32] = "";
  int found = 0;
  uv_mutex_lock(&srv->lock);
  for (struct serve_session *s = srv->sessions; s != NULL; s = s->next) {
    if (strlen(id) == 36 && strncasecmp(s->id + 1, id, 36) == 0 &&
        s->complete && s->has_reply) {
      snprintf(rel, sizeof rel, "%s", s->rel_path);
      memcpy(reply_name, s->reply_name, sizeof reply_name);
      found = 1;
    }
  }
  uv_mutex_unlock(&srv->lock);
  if (!found) return -1;
  int fd = -1;
  switch (srv->opts.reply_mode) {
  case BSIM_SERVE_REPLY_ECHO:
    return bsim__serve_open_file(srv->upload_fd, rel, st);
  case BSIM_SERVE_REPLY_FIXED:
    fd = openat(srv->partial_fd, reply_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    break;
  case BSIM_SERVE_REPLY_FILE:
    fd = open(srv->opts.reply_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    break;
  case BSIM_SERVE_REPLY_NONE:
  case BSIM_SERVE_REPLY_COUNT:
    return -1;
  }
  if (fd >= 0 && (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))) {
    close(fd);
    fd = -1;
  }
  return fd;
}

enum MHD_Result bsim__serve_reply(bsim_serve *srv, struct MHD_Connection *conn,
                                  struct serve_request *req, const char *id) {
  struct stat st;
  int fd = open_reply(srv, id, &st);
  if (fd < 0) return bsim__serve_text(srv, conn, req, 404, "404 no reply\n");
  return bsim__serve_fd(srv, conn, req, fd, &st, NULL, NULL);
}
