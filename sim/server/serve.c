/* bitsim — `bitsim serve`: the daemon's lifecycle, request routing and the
 * per-path counters (design.md "Servers are product"; docs/serve.md).
 *
 * Every request passes through on_request, which libmicrohttpd calls at least
 * twice: once when the headers are in (we build a serve_request, count it and
 * match it against the fault script, so "the 3rd request to /a" means the
 * 3rd to arrive), once per chunk of body (kept for BITS_POST, bounded) and a
 * last time with no data, when route() answers. Bodies beyond their bound
 * close the connection; nothing a client sends can make the server allocate
 * without limit or touch a file outside its directories (serve_fs.c).
 *
 * The server is the real world: its waits and session timeouts follow the
 * real monotonic clock (bsim__clock_real_ns, from the clock seam), never a
 * manager's virtual clock.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "clock/clock.h"
#include "server/serve_internal.h"

#define PARTIAL_DIR ".bitsim-partial"
#define ENTRIES_MAX 16384u
#define BUCKETS 4096u
#define NON_BITS_BODY_MAX 65536u
#define BODY_BLOCK 65536u

void bsim_serve_options_init(struct bsim_serve_options *opts) {
  if (opts == NULL) return;
  memset(opts, 0, sizeof *opts);
  opts->version = BSIM_SERVE_OPTIONS_VERSION;
  opts->reply_mode = BSIM_SERVE_REPLY_NONE;
  opts->max_upload_bytes = UINT64_MAX;
  opts->max_fragment_bytes = 8u * 1024u * 1024u;
  opts->max_sessions = 50;
  opts->session_timeout_ms = 1209600000u;
  opts->max_connections = 64;
  opts->idle_timeout_s = 30;
  opts->stall_max_ms = 30000;
}

const char *bsim__serve_parse_u64(const char *s, uint64_t *out) {
  if (*s < '0' || *s > '9') return NULL;
  uint64_t v = 0;
  for (; *s >= '0' && *s <= '9'; s++) {
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10) return NULL;
    v = v * 10 + d;
  }
  *out = v;
  return s;
}

uint64_t bsim__serve_now_ms(bsim_serve *srv) {
  if (srv->opts.clock_ms != NULL)
    return srv->opts.clock_ms(srv->opts.clock_user);
  return bsim__clock_real_ns() / 1000000u;
}

int bsim__serve_wait(bsim_serve *srv, uint32_t ms) {
  if (ms > srv->opts.stall_max_ms) ms = srv->opts.stall_max_ms;
  uint64_t deadline_ns = bsim__clock_real_ns() + (uint64_t)ms * 1000000u;
  int result = 0;
  uv_mutex_lock(&srv->lock);
  for (;;) {
    if (srv->stopping) {
      result = -1;
      break;
    }
    uint64_t now_ns = bsim__clock_real_ns();
    if (now_ns >= deadline_ns) break;
    /* Spurious wake-ups and the stop broadcast both land here. */
    (void)uv_cond_timedwait(&srv->wake, &srv->lock, deadline_ns - now_ns);
  }
  uv_mutex_unlock(&srv->lock);
  return result;
}

/* ---- per-path counters --------------------------------------------------- */

/* Find or add the entry of path (lock held). NULL when the table is full or
 * the path longer than any fault could name: the request then counts in the
 * totals only. Both bounds keep a client inventing paths from growing the
 * table past about 18 MiB. */
static struct serve_entry *entry_get(bsim_serve *srv, const char *path,
                                     int create) {
  size_t b = (size_t)(bsim__hash_str(0, path) % srv->bucket_count);
  for (struct serve_entry *e = srv->buckets[b]; e != NULL; e = e->next) {
    if (strcmp(e->path, path) == 0) return e;
  }
  size_t len = strlen(path);
  if (!create || srv->entry_count >= ENTRIES_MAX ||
      len >= BSIM_SERVE_FAULT_PATH_MAX) {
    return NULL;
  }
  struct serve_entry *e = bsim__calloc(1, sizeof *e + len + 1);
  if (e == NULL) return NULL;
  memcpy(e->path, path, len + 1);
  e->next = srv->buckets[b];
  srv->buckets[b] = e;
  srv->entry_count++;
  return e;
}

void bsim__serve_count_body(bsim_serve *srv, struct serve_entry *entry,
                            uint64_t n) {
  uv_mutex_lock(&srv->lock);
  srv->totals.body_bytes += n;
  if (entry != NULL) entry->stats.body_bytes += n;
  uv_mutex_unlock(&srv->lock);
}

static void count_status(struct bsim_serve_stats *s, unsigned status) {
  if (status >= 200 && status < 300) s->status_2xx++;
  if (status >= 400 && status < 500) s->status_4xx++;
  if (status >= 500 && status < 600) s->status_5xx++;
}

bsim_hr bsim_serve_stats_get(bsim_serve *srv, const char *path,
                             struct bsim_serve_stats *out) {
  if (srv == NULL || out == NULL) return BSIM_E_POINTER;
  memset(out, 0, sizeof *out);
  uv_mutex_lock(&srv->lock);
  if (path == NULL) {
    *out = srv->totals;
  } else {
    struct serve_entry *e = entry_get(srv, path, 0);
    if (e != NULL) *out = e->stats;
  }
  uv_mutex_unlock(&srv->lock);
  return BSIM_S_OK;
}

uint32_t bsim_serve_session_count(bsim_serve *srv) {
  if (srv == NULL) return 0;
  uv_mutex_lock(&srv->lock);
  bsim__serve_sessions_sweep(srv);
  uint32_t n = srv->session_count;
  uv_mutex_unlock(&srv->lock);
  return n;
}

/* ---- answers ------------------------------------------------------------- */

enum MHD_Result bsim__serve_queue(bsim_serve *srv, struct MHD_Connection *conn,
                                  struct serve_request *req, unsigned status,
                                  struct MHD_Response *resp) {
  if (resp == NULL) return MHD_NO;
  if (req->is_bits && SERVE_HAS(&req->plan, BSIM_SERVE_FAULT_RESET)) {
    /* The packet was processed; its Ack is lost (reference §9.1: the client
     * resends and the server ignores the overlap). */
    MHD_destroy_response(resp);
    return MHD_NO;
  }
  uv_mutex_lock(&srv->lock);
  count_status(&srv->totals, status);
  if (req->entry != NULL) count_status(&req->entry->stats, status);
  uv_mutex_unlock(&srv->lock);
  enum MHD_Result r = MHD_queue_response(conn, status, resp);
  MHD_destroy_response(resp);
  return r;
}

enum MHD_Result bsim__serve_text(bsim_serve *srv, struct MHD_Connection *conn,
                                 struct serve_request *req, unsigned status,
                                 const char *text) {
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_MUST_COPY);
  if (resp == NULL) return MHD_NO;
  (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "text/plain");
  return bsim__serve_queue(srv, conn, req, status, resp);
}

/* ---- requests ------------------------------------------------------------ */

static void count_request(bsim_serve *srv, struct serve_request *req,
                          const char *method) {
  struct bsim_serve_stats *sets[2] = {&srv->totals,
                                      req->entry ? &req->entry->stats : NULL};
  for (int i = 0; i < 2; i++) {
    struct bsim_serve_stats *s = sets[i];
    if (s == NULL) continue;
    s->requests++;
    if (strcmp(method, MHD_HTTP_METHOD_GET) == 0) s->gets++;
    if (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0) s->heads++;
    if (req->is_bits) s->bits_posts++;
    if (req->plan.mask != 0) s->faulted++;
  }
}

/* The first call of a request: count it, match the faults, bound its body. */
static struct serve_request *request_begin(bsim_serve *srv, const char *url,
                                           const char *method) {
  struct serve_request *req = bsim__calloc(1, sizeof *req);
  if (req == NULL) return NULL;
  req->is_bits = strcmp(method, "BITS_POST") == 0;
  req->body_limit =
      req->is_bits ? srv->opts.max_fragment_bytes : NON_BITS_BODY_MAX;
  uv_mutex_lock(&srv->lock);
  req->entry = entry_get(srv, url, 1);
  bsim__serve_fault_plan(srv, url, method, req->entry, &req->plan);
  count_request(srv, req, method);
  uv_mutex_unlock(&srv->lock);
  return req;
}

/* Keep (BITS_POST) or drop (anything else) a chunk of body. Returns MHD_NO
 * when the body outgrows its bound, which closes the connection. */
static enum MHD_Result request_data(bsim_serve *srv, struct serve_request *req,
                                    const char *data, size_t len) {
  req->body_seen += len;
  if (req->body_seen > req->body_limit) return MHD_NO;
  if (!req->is_bits) return MHD_YES;
  if (req->body_len + len > req->body_cap) {
    size_t cap = req->body_cap ? req->body_cap : BODY_BLOCK;
    while (cap < req->body_len + len)
      cap *= 2;
    char *grown = bsim__realloc(req->body, cap);
    if (grown == NULL) return MHD_NO;
    req->body = grown;
    req->body_cap = cap;
  }
  memcpy(req->body + req->body_len, data, len);
  req->body_len += len;
  uv_mutex_lock(&srv->lock);
  srv->totals.upload_bytes += len;
  if (req->entry != NULL) req->entry->stats.upload_bytes += len;
  uv_mutex_unlock(&srv->lock);
  return MHD_YES;
}

/* A STATUS, REDIRECT or STALL fault that replaces the answer. Returns 1 when it
 * answered (*result set). */
static int route_fault(bsim_serve *srv, struct MHD_Connection *conn,
                       struct serve_request *req, enum MHD_Result *result) {
  const struct serve_plan *plan = &req->plan;
  if (req->is_bits && SERVE_HAS(plan, BSIM_SERVE_FAULT_STALL)) {
    /* No answer at all for a while, then the connection closes. */
    (void)bsim__serve_wait(srv, plan->stall_ms);
    *result = MHD_NO;
    return 1;
  }
  if (!req->is_bits && SERVE_HAS(plan, BSIM_SERVE_FAULT_REDIRECT)) {
    *result = bsim__serve_redirect(srv, conn, req);
    return 1;
  }
  if (!SERVE_HAS(plan, BSIM_SERVE_FAULT_STATUS)) return 0;
  if (req->is_bits) return 0; /* serve_upload.c answers with an Ack */
  char text[64];
  snprintf(text, sizeof text, "%d scripted fault\n", plan->status);
  *result = bsim__serve_text(srv, conn, req, (unsigned)plan->status, text);
  return 1;
}

static enum MHD_Result route_get(bsim_serve *srv, struct MHD_Connection *conn,
                                 struct serve_request *req, const char *url) {
  static const size_t peer_len = sizeof BSIM_SERVE_PEER_PREFIX - 1;
  static const size_t reply_len = sizeof BSIM_SERVE_REPLY_PREFIX - 1;
  if (strncmp(url, BSIM_SERVE_PEER_PREFIX, peer_len) == 0) {
    return bsim__serve_peer(srv, conn, req, url + peer_len);
  }
  if (strncmp(url, BSIM_SERVE_REPLY_PREFIX, reply_len) == 0) {
    return bsim__serve_reply(srv, conn, req, url + reply_len);
  }
  if (srv->root_fd < 0) return bsim__serve_text(srv, conn, req, 404, "404\n");
  return bsim__serve_file(srv, conn, req, srv->root_fd, url + 1, NULL, NULL);
}

static enum MHD_Result route(bsim_serve *srv, struct MHD_Connection *conn,
                             struct serve_request *req, const char *url,
                             const char *method) {
  enum MHD_Result result;
  if (route_fault(srv, conn, req, &result)) return result;
  if (url[0] != '/') {
    return bsim__serve_text(srv, conn, req, 400, "400 bad request target\n");
  }
  if (req->is_bits) return bsim__serve_bits(srv, conn, req, url);
  if (strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
      strcmp(method, MHD_HTTP_METHOD_HEAD) == 0) {
    return route_get(srv, conn, req, url);
  }
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
  if (resp == NULL) return MHD_NO;
  (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
                                "GET, HEAD, BITS_POST");
  return bsim__serve_queue(srv, conn, req, 405, resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
  (void)version;
  bsim_serve *srv = cls;
  struct serve_request *req = *con_cls;
  if (req == NULL) {
    req = request_begin(srv, url, method);
    if (req == NULL) return MHD_NO;
    *con_cls = req;
    const char *cl = MHD_lookup_connection_value(
        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (req->is_bits && cl != NULL &&
        strtoull(cl, NULL, 10) > req->body_limit) {
      /* Refuse before reading a body we would not keep. */
      return bsim__serve_bits_too_large(srv, conn, req);
    }
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    size_t len = *upload_data_size;
    *upload_data_size = 0;
    return request_data(srv, req, upload_data, len);
  }
  return route(srv, conn, req, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)conn;
  (void)toe;
  struct serve_request *req = *con_cls;
  if (req == NULL) return;
  bsim__free(req->body);
  bsim__free(req);
  *con_cls = NULL;
}

/* ---- lifecycle ----------------------------------------------------------- */

static int open_dir(const char *path) {
  if (path == NULL) return -1;
  return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Partial uploads live in upload_dir/.bitsim-partial; sessions do not
 * survive a restart, so what an earlier run left there is removed. */
static int open_partial_dir(int upload_fd) {
  if (mkdirat(upload_fd, PARTIAL_DIR, 0700) != 0 && errno != EEXIST) return -1;
  int fd = openat(upload_fd, PARTIAL_DIR,
                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  int scan_fd = dup(fd);
  DIR *dir = scan_fd >= 0 ? fdopendir(scan_fd) : NULL;
  if (dir == NULL) {
    if (scan_fd >= 0) close(scan_fd);
    return fd;
  }
  for (struct dirent *d = readdir(dir); d != NULL; d = readdir(dir)) {
    if (d->d_name[0] != '.') (void)unlinkat(fd, d->d_name, 0);
  }
  closedir(dir);
  return fd;
}

static bsim_hr check_options(const struct bsim_serve_options *o) {
  if (o->version != BSIM_SERVE_OPTIONS_VERSION) return BSIM_E_INVALIDARG;
  if ((unsigned)o->reply_mode >= BSIM_SERVE_REPLY_COUNT) {
    return BSIM_E_INVALIDARG;
  }
  if (o->reply_mode == BSIM_SERVE_REPLY_FIXED && o->reply_body == NULL) {
    return BSIM_E_INVALIDARG;
  }
  if (o->reply_mode == BSIM_SERVE_REPLY_FILE && o->reply_path == NULL) {
    return BSIM_E_INVALIDARG;
  }
  if (o->max_fragment_bytes == 0 || o->max_fragment_bytes > SIZE_MAX / 4 ||
      o->max_sessions == 0 || o->max_connections == 0) {
    return BSIM_E_INVALIDARG;
  }
  return BSIM_S_OK;
}

static bsim_hr open_dirs(bsim_serve *srv, const struct bsim_serve_options *o) {
  srv->root_fd = open_dir(o->root_dir);
  if (o->root_dir != NULL && srv->root_fd < 0) return BSIM_E_INVALIDARG;
  const char *peer = o->peer_dir != NULL ? o->peer_dir : o->root_dir;
  srv->peer_fd = open_dir(peer);
  if (peer != NULL && srv->peer_fd < 0) return BSIM_E_INVALIDARG;
  srv->upload_fd = open_dir(o->upload_dir);
  if (o->upload_dir == NULL) return BSIM_S_OK;
  if (srv->upload_fd < 0) return BSIM_E_INVALIDARG;
  srv->partial_fd = open_partial_dir(srv->upload_fd);
  return srv->partial_fd < 0 ? BSIM_E_INVALIDARG : BSIM_S_OK;
}

static bsim_hr copy_options(bsim_serve *srv,
                            const struct bsim_serve_options *o) {
  srv->opts = *o;
  /* Directory paths are only needed to open them; replies keep theirs. */
  srv->opts.root_dir = srv->opts.upload_dir = srv->opts.peer_dir = NULL;
  srv->reply_body = bsim__strdup(o->reply_body);
  srv->reply_path = bsim__strdup(o->reply_path);
  if ((o->reply_body != NULL && srv->reply_body == NULL) ||
      (o->reply_path != NULL && srv->reply_path == NULL)) {
    return BSIM_E_OUTOFMEMORY;
  }
  srv->opts.reply_body = srv->reply_body;
  srv->opts.reply_path = srv->reply_path;
  srv->id_state =
      o->seed != 0 ? o->seed : bsim__clock_real_ns() ^ (uintptr_t)srv;
  srv->bucket_count = BUCKETS;
  srv->buckets = bsim__calloc(BUCKETS, sizeof *srv->buckets);
  return srv->buckets == NULL ? BSIM_E_OUTOFMEMORY : BSIM_S_OK;
}

/* Bind and listen ourselves so that a taken port is told apart from other
 * failures, and so that the port is known before the first request. */
static bsim_hr listen_loopback(uint16_t port, int *fd_out, uint16_t *bound) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return BSIM_E_FAIL;
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    bsim_hr hr = errno == EADDRINUSE ? BSIM_E_ALREADY_EXISTS : BSIM_E_FAIL;
    close(fd);
    return hr;
  }
  if (listen(fd, 128) != 0 ||
      getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
    close(fd);
    return BSIM_E_FAIL;
  }
  *fd_out = fd;
  *bound = ntohs(sa.sin_port);
  return BSIM_S_OK;
}

static bsim_hr start_daemon(bsim_serve *srv) {
  int fd = -1;
  bsim_hr hr = listen_loopback(srv->opts.port, &fd, &srv->port);
  if (BSIM_FAILED(hr)) return hr;
  /* One thread per connection: a stalled or dripping body blocks only its
   * own connection. The memory limit bounds request headers; strict
   * parsing refuses what HTTP/1.1 forbids (no Host, malformed lines). */
  srv->daemon = MHD_start_daemon(
      MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
          MHD_USE_THREAD_PER_CONNECTION,
      0, NULL, NULL, on_request, srv, MHD_OPTION_LISTEN_SOCKET, fd,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)srv->opts.max_connections,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv->opts.idle_timeout_s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
      MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_NOTIFY_COMPLETED,
      on_completed, srv, MHD_OPTION_END);
  if (srv->daemon == NULL) {
    close(fd);
    return BSIM_E_FAIL;
  }
  return BSIM_S_OK;
}

static void free_server(bsim_serve *srv) {
  int fds[4] = {srv->root_fd, srv->peer_fd, srv->upload_fd, srv->partial_fd};
  for (int i = 0; i < 4; i++) {
    if (fds[i] >= 0) close(fds[i]);
  }
  for (size_t b = 0; srv->buckets != NULL && b < srv->bucket_count; b++) {
    struct serve_entry *e = srv->buckets[b];
    while (e != NULL) {
      struct serve_entry *next = e->next;
      bsim__free(e);
      e = next;
    }
  }
  bsim__free(srv->buckets);
  bsim__free(srv->faults);
  bsim__free(srv->reply_body);
  bsim__free(srv->reply_path);
  uv_cond_destroy(&srv->wake);
  uv_mutex_destroy(&srv->lock);
  bsim__free(srv);
}

bsim_hr bsim_serve_start(const struct bsim_serve_options *opts,
                         bsim_serve **out) {
  if (opts == NULL || out == NULL) return BSIM_E_POINTER;
  bsim_hr hr = check_options(opts);
  if (BSIM_FAILED(hr)) return hr;
  bsim_serve *srv = bsim__calloc(1, sizeof *srv);
  if (srv == NULL) return BSIM_E_OUTOFMEMORY;
  srv->root_fd = srv->peer_fd = srv->upload_fd = srv->partial_fd = -1;
  if (uv_mutex_init(&srv->lock) != 0) {
    bsim__free(srv);
    return BSIM_E_FAIL;
  }
  if (uv_cond_init(&srv->wake) != 0) {
    uv_mutex_destroy(&srv->lock);
    bsim__free(srv);
    return BSIM_E_FAIL;
  }
  hr = copy_options(srv, opts);
  if (BSIM_SUCCEEDED(hr)) hr = open_dirs(srv, opts);
  if (BSIM_SUCCEEDED(hr)) hr = start_daemon(srv);
  if (BSIM_FAILED(hr)) {
    free_server(srv);
    return hr;
  }
  *out = srv;
  return BSIM_S_OK;
}

void bsim_serve_stop(bsim_serve *srv) {
  if (srv == NULL) return;
  uv_mutex_lock(&srv->lock);
  srv->stopping = 1;
  uv_cond_broadcast(&srv->wake);
  uv_mutex_unlock(&srv->lock);
  /* Joins every connection thread; their waits end at once (stopping). */
  MHD_stop_daemon(srv->daemon);
  bsim__serve_sessions_free(srv);
  free_server(srv);
}

uint16_t bsim_serve_port(const bsim_serve *srv) {
  return srv != NULL ? srv->port : 0;
}

bsim_hr bsim_serve_url(const bsim_serve *srv, const char *path, char *buf,
                       size_t len) {
  if (srv == NULL || path == NULL || buf == NULL) return BSIM_E_POINTER;
  if (len == 0) return BSIM_E_INVALIDARG;
  buf[0] = '\0';
  if (path[0] != '/') return BSIM_E_INVALIDARG;
  int n =
      snprintf(buf, len, "http://127.0.0.1:%u%s", (unsigned)srv->port, path);
  if (n < 0 || (size_t)n >= len) {
    buf[0] = '\0';
    return BSIM_E_INVALIDARG;
  }
  return BSIM_S_OK;
}
