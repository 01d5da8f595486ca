/* bitsim — one request of the curl transport: configuring the easy handle
 * from the transport's settings and the job's HTTP options, and reading the
 * response headers the transport relies on.
 *
 * Job options map onto libcurl as follows (reference §1.4, §1.13, §2.4,
 * §2.7, §12; docs/transport.md has the table and what cannot be mapped):
 *   proxy usage   PRECONFIG and AUTODETECT: libcurl's defaults (the
 *                 http_proxy/https_proxy/no_proxy environment, the Linux
 *                 equivalent of the preconfigured settings; no WPAD);
 *                 NO_PROXY: no proxy at all; OVERRIDE: the first entry of
 *                 the list that fits the URL's scheme, the bypass list as
 *                 CURLOPT_NOPROXY.
 *   credentials   one (target, scheme) slot each; the schemes that have
 *                 credentials become CURLOPT_HTTPAUTH / _PROXYAUTH.
 *   headers       SetCustomHeaders lines, sent with every request.
 *   security      IGNORE_CERT_CN_INVALID: no host name check;
 *                 IGNORE_UNKNOWN_CA: no chain check; redirect policy:
 *                 DISALLOW stops at the first redirect (classified fatal),
 *                 ALLOW_REPORT renames the file's remote name to the final
 *                 URL (bsim__xfer_redirected), HTTPS to HTTP only with
 *                 ALLOW_HTTPS_TO_HTTP.
 *   bandwidth     CURLOPT_MAX_RECV_SPEED_LARGE / _SEND_.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "transport/curl_internal.h"

/* ---- response headers ------------------------------------------------------
 */

/* A decimal number, digits only, no overflow. Returns 0 on success. */
static int parse_u64(const char *s, size_t len, uint64_t *out) {
  if (len == 0) return -1;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    uint64_t d = (uint64_t)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

/* A hex HRESULT ("0x80200020" or "80200020"), as BITS-Error-Code carries. */
static int parse_hex32(const char *s, size_t len, uint32_t *out) {
  if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s += 2;
    len -= 2;
  }
  if (len == 0 || len > 8) return -1;
  uint32_t v = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    uint32_t d;
    if (c >= '0' && c <= '9') {
      d = (uint32_t)(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = (uint32_t)(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = (uint32_t)(c - 'A' + 10);
    } else {
      return -1;
    }
    v = v << 4 | d;
  }
  *out = v;
  return 0;
}

static int copy_value(char *dst, size_t cap, const char *v, size_t len) {
  if (len >= cap) return -1;
  memcpy(dst, v, len);
  dst[len] = '\0';
  return 0;
}

/* Content-Range: "bytes a-b/total", with "*" in place of a-b (nothing
 * satisfiable) or of the total (unknown). */
static int parse_content_range(struct bsim__curl_resp *r, const char *v,
                               size_t len) {
  if (len < 6 || strncasecmp(v, "bytes ", 6) != 0) return -1;
  v += 6;
  len -= 6;
  const char *slash = memchr(v, '/', len);
  if (slash == NULL) return -1;
  size_t tail = len - (size_t)(slash - v) - 1;
  if (tail == 1 && slash[1] == '*') {
    r->range_total = UINT64_MAX;
  } else if (parse_u64(slash + 1, tail, &r->range_total) != 0) {
    return -1;
  }
  size_t head = (size_t)(slash - v);
  if (head == 1 && v[0] == '*') return 0; /* unsatisfied: no a-b */
  const char *dash = memchr(v, '-', head);
  if (dash == NULL) return -1;
  if (parse_u64(v, (size_t)(dash - v), &r->range_first) != 0 ||
      parse_u64(dash + 1, head - (size_t)(dash - v) - 1, &r->range_last) != 0 ||
      r->range_last < r->range_first) {
    return -1;
  }
  r->has_range = 1;
  return 0;
}

/* BITS-Received-Content-Range: the next offset the server wants. Some
 * servers send the received range "0-212" instead: then 213. */
static int parse_received(struct bsim__curl_resp *r, const char *v,
                          size_t len) {
  const char *dash = memchr(v, '-', len);
  uint64_t n;
  if (dash == NULL) {
    if (parse_u64(v, len, &n) != 0) return -1;
  } else {
    size_t after = len - (size_t)(dash - v) - 1;
    if (parse_u64(dash + 1, after, &n) != 0 || n == UINT64_MAX) return -1;
    n += 1;
  }
  r->received = n;
  r->has_received = 1;
  return 0;
}

static void status_line(struct bsim__curl_resp *r, const char *line,
                        size_t len) {
  memset(r, 0, sizeof *r);
  r->content_length = -1;
  const char *sp = memchr(line, ' ', len);
  uint64_t status = 0;
  if (sp != NULL && (size_t)(line + len - sp) >= 4 &&
      parse_u64(sp + 1, 3, &status) == 0) {
    r->status = (long)status;
  } else {
    r->malformed = 1;
  }
}

static int header_is(const char *name, size_t len, const char *want) {
  return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static int header_value(struct bsim__curl_resp *r, const char *name,
                        size_t nlen, const char *v, size_t vlen) {
  uint64_t n;
  uint32_t x;
  if (header_is(name, nlen, "Content-Length")) {
    if (parse_u64(v, vlen, &n) != 0 || n > INT64_MAX) return -1;
    r->content_length = (int64_t)n;
    return 0;
  }
  if (header_is(name, nlen, "Content-Range")) {
    return parse_content_range(r, v, vlen);
  }
  if (header_is(name, nlen, "Accept-Ranges")) {
    r->accept_ranges = vlen == 5 && strncasecmp(v, "bytes", 5) == 0;
    return 0;
  }
  if (header_is(name, nlen, "ETag")) {
    return copy_value(r->etag, sizeof r->etag, v, vlen);
  }
  if (header_is(name, nlen, "Last-Modified")) {
    return copy_value(r->last_modified, sizeof r->last_modified, v, vlen);
  }
  if (header_is(name, nlen, "BITS-Packet-Type")) {
    return copy_value(r->packet_type, sizeof r->packet_type, v, vlen);
  }
  if (header_is(name, nlen, "BITS-Protocol")) {
    return copy_value(r->protocol, sizeof r->protocol, v, vlen);
  }
  if (header_is(name, nlen, "BITS-Session-Id")) {
    return copy_value(r->session_id, sizeof r->session_id, v, vlen);
  }
  if (header_is(name, nlen, "BITS-Received-Content-Range")) {
    return parse_received(r, v, vlen);
  }
  if (header_is(name, nlen, "BITS-Reply-URL")) {
    return copy_value(r->reply_url, sizeof r->reply_url, v, vlen);
  }
  /* The win32 docs say BITS-Error-Code, [MC-BUP] says BITS-Error. */
  if (header_is(name, nlen, "BITS-Error-Code") ||
      header_is(name, nlen, "BITS-Error")) {
    if (parse_hex32(v, vlen, &x) != 0) return -1;
    r->error_code = (bsim_hr)x;
    return 0;
  }
  if (header_is(name, nlen, "BITS-Error-Context")) {
    if (parse_hex32(v, vlen, &x) != 0) return -1;
    r->error_context = x;
    return 0;
  }
  return 0;
}

void bsim__curl_resp_line(struct bsim__curl_resp *r, const char *line,
                          size_t len) {
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
    status_line(r, line, len);
    return;
  }
  const char *colon = memchr(line, ':', len);
  if (colon == NULL) return; /* the blank line, or a folded line */
  size_t nlen = (size_t)(colon - line);
  const char *v = colon + 1;
  size_t vlen = len - nlen - 1;
  while (vlen > 0 && (*v == ' ' || *v == '\t')) {
    v++;
    vlen--;
  }
  while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
    vlen--;
  if (header_value(r, line, nlen, v, vlen) != 0) r->malformed = 1;
}

static size_t header_cb(char *data, size_t size, size_t nmemb, void *user) {
  struct bsim__curl_cx *cx = user;
  size_t len = size * nmemb;
  bsim__curl_resp_line(&cx->resp, data, len);
  return len;
}

/* ---- URLs
 * --------------------------------------------------------------------- */

int bsim__curl_is_file_url(const char *url) {
  return url[0] == '/' || strncasecmp(url, "file://", 7) == 0;
}

/* An absolute path becomes file:// with every byte but the unreserved ones
 * and '/' percent-encoded; other URLs are used as given (BITS performs no
 * escaping, reference §10). */
char *bsim__curl_normalize_url(const char *url) {
  if (url[0] != '/') return bsim__strdup(url);
  size_t len = strlen(url);
  char *out = bsim__malloc(7 + 3 * len + 1);
  if (out == NULL) return NULL;
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  memcpy(out, "file://", 7);
  o = 7;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)url[i];
    int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                c == '~' || c == '/';
    if (plain) {
      out[o++] = (char)c;
    } else {
      out[o++] = '%';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  out[o] = '\0';
  return out;
}

char *bsim__curl_file_path(const char *url) {
  CURLU *u = curl_url();
  if (u == NULL) return NULL;
  char *path = NULL;
  char *copy = NULL;
  if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) == CURLUE_OK) {
    copy = bsim__strdup(path);
  }
  curl_free(path);
  curl_url_cleanup(u);
  return copy;
}

/* ---- job options
 * --------------------------------------------------------------- */

void bsim__curl_job_options_init(struct bsim__curl_job_options *opts) {
  memset(opts, 0, sizeof *opts);
  opts->proxy_usage = BSIM_PROXY_USAGE_PRECONFIG;
}

static int dup_field(const char **dst, const char *src) {
  *dst = NULL;
  if (src == NULL) return 0;
  *dst = bsim__strdup(src);
  return *dst == NULL ? -1 : 0;
}

static void free_field(const char **p) {
  bsim__free((char *)*p);
  *p = NULL;
}

void bsim__curl_options_free(struct bsim__curl_job_options *opts) {
  free_field(&opts->proxy_list);
  free_field(&opts->bypass_list);
  free_field(&opts->custom_headers);
  for (unsigned i = 0; i < BSIM__AUTH_SCHEME_COUNT; i++) {
    free_field(&opts->server[i].user);
    free_field(&opts->server[i].password);
    free_field(&opts->proxy[i].user);
    free_field(&opts->proxy[i].password);
  }
}

bsim_hr bsim__curl_options_copy(struct bsim__curl_job_options *dst,
                                const struct bsim__curl_job_options *src) {
  *dst = *src;
  int bad = dup_field(&dst->proxy_list, src->proxy_list);
  bad |= dup_field(&dst->bypass_list, src->bypass_list);
  bad |= dup_field(&dst->custom_headers, src->custom_headers);
  for (unsigned i = 0; i < BSIM__AUTH_SCHEME_COUNT; i++) {
    bad |= dup_field(&dst->server[i].user, src->server[i].user);
    bad |= dup_field(&dst->server[i].password, src->server[i].password);
    bad |= dup_field(&dst->proxy[i].user, src->proxy[i].user);
    bad |= dup_field(&dst->proxy[i].password, src->proxy[i].password);
  }
  if (bad) {
    bsim__curl_options_free(dst);
    return BSIM_E_OUTOFMEMORY;
  }
  return BSIM_S_OK;
}

/* ---- mapping the options onto the easy handle
 * ------------------------------------ */

static int is_sep(char c) {
  return c == ' ' || c == ';' || c == '\t';
}

/* OVERRIDE: entries "host:port" apply to every scheme, "http=host:port" or
 * "https=host:port" to one (the WinHTTP list format). The first that fits
 * the URL wins. */
static char *pick_proxy(const char *list, const char *url) {
  int https = strncasecmp(url, "https:", 6) == 0;
  const char *p = list;
  while (*p != '\0') {
    while (is_sep(*p))
      p++;
    const char *start = p;
    while (*p != '\0' && !is_sep(*p))
      p++;
    size_t len = (size_t)(p - start);
    if (len == 0) continue;
    const char *eq = memchr(start, '=', len);
    if (eq != NULL) {
      size_t slen = (size_t)(eq - start);
      int fits = https ? (slen == 5 && strncasecmp(start, "https", 5) == 0)
                       : (slen == 4 && strncasecmp(start, "http", 4) == 0);
      if (!fits) continue;
      len -= slen + 1;
      start = eq + 1;
    }
    char *out = bsim__malloc(len + 1);
    if (out != NULL) {
      memcpy(out, start, len);
      out[len] = '\0';
    }
    return out;
  }
  return bsim__strdup("");
}

/* The bypass list in CURLOPT_NOPROXY form: comma-separated; "*.a.b"
 * becomes "a.b" (curl matches subdomains); "<local>" (names without a dot)
 * has no curl equivalent and becomes "localhost". */
static char *bypass_to_noproxy(const char *list) {
  size_t len = strlen(list);
  char *out = bsim__malloc(len + sizeof "localhost" + 1);
  if (out == NULL) return NULL;
  size_t o = 0;
  const char *p = list;
  while (*p != '\0') {
    while (is_sep(*p) || *p == ',')
      p++;
    const char *start = p;
    while (*p != '\0' && !is_sep(*p) && *p != ',')
      p++;
    size_t n = (size_t)(p - start);
    if (n == 0) continue;
    if (n == 7 && strncasecmp(start, "<local>", 7) == 0) {
      start = "localhost";
      n = 9;
    } else if (n > 2 && start[0] == '*' && start[1] == '.') {
      start += 2;
      n -= 2;
    }
    if (o + n + 2 > len + sizeof "localhost") break;
    if (o > 0) out[o++] = ',';
    memcpy(out + o, start, n);
    o += n;
  }
  out[o] = '\0';
  return out;
}

static bsim_hr apply_proxy(struct bsim__curl_cx *cx) {
  CURL *e = cx->easy;
  const struct bsim__curl_job_options *o = &cx->opts;
  switch (o->proxy_usage) {
  case BSIM_PROXY_USAGE_NO_PROXY:
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    return BSIM_S_OK;
  case BSIM_PROXY_USAGE_OVERRIDE: {
    char *proxy =
        pick_proxy(o->proxy_list != NULL ? o->proxy_list : "", cx->url);
    char *noproxy =
        bypass_to_noproxy(o->bypass_list != NULL ? o->bypass_list : "");
    bsim_hr hr =
        proxy != NULL && noproxy != NULL ? BSIM_S_OK : BSIM_E_OUTOFMEMORY;
    if (BSIM_SUCCEEDED(hr)) {
      curl_easy_setopt(e, CURLOPT_PROXY, proxy); /* curl copies strings */
      curl_easy_setopt(e, CURLOPT_NOPROXY, noproxy);
    }
    bsim__free(proxy);
    bsim__free(noproxy);
    return hr;
  }
  case BSIM_PROXY_USAGE_PRECONFIG:
  case BSIM_PROXY_USAGE_AUTODETECT:
  case BSIM_PROXY_USAGE_COUNT:
    return BSIM_S_OK;
  }
  return BSIM_S_OK;
}

static unsigned long auth_bit(unsigned scheme) {
  switch (scheme) {
  case BSIM__AUTH_SCHEME_BASIC:
    return CURLAUTH_BASIC;
  case BSIM__AUTH_SCHEME_DIGEST:
    return CURLAUTH_DIGEST;
  case BSIM__AUTH_SCHEME_NTLM:
    return CURLAUTH_NTLM;
  case BSIM__AUTH_SCHEME_NEGOTIATE:
    return CURLAUTH_NEGOTIATE;
  default:
    return 0; /* Passport: no such thing any more */
  }
}

/* One user and password per target reach curl: those of the strongest
 * scheme that has any; every scheme with credentials is allowed. */
static void apply_credentials(CURL *e, const struct bsim__curl_credentials *c,
                              int proxy) {
  static const unsigned order[] = {
      BSIM__AUTH_SCHEME_NEGOTIATE, BSIM__AUTH_SCHEME_NTLM,
      BSIM__AUTH_SCHEME_DIGEST, BSIM__AUTH_SCHEME_BASIC};
  unsigned long mask = 0;
  const struct bsim__curl_credentials *use = NULL;
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    if (c[order[i]].user == NULL) continue;
    mask |= auth_bit(order[i]);
    if (use == NULL) use = &c[order[i]];
  }
  if (use == NULL) return;
  const char *pw = use->password != NULL ? use->password : "";
  curl_easy_setopt(e, proxy ? CURLOPT_PROXYUSERNAME : CURLOPT_USERNAME,
                   use->user);
  curl_easy_setopt(e, proxy ? CURLOPT_PROXYPASSWORD : CURLOPT_PASSWORD, pw);
  curl_easy_setopt(e, proxy ? CURLOPT_PROXYAUTH : CURLOPT_HTTPAUTH, mask);
}

/* SetSecurityFlags (reference §1.13, §2.7) as libcurl 7.88 with OpenSSL
 * can honour it. curl has one switch for the chain and one for the name:
 *   IGNORE_CERT_CN_INVALID   VERIFYHOST 0 (the chain is still checked);
 *   IGNORE_UNKNOWN_CA        VERIFYPEER 0: the whole chain check goes,
 *                            dates and usage with it (the name is still
 *                            checked);
 *   IGNORE_CERT_DATE_INVALID no switch for dates alone: still verified
 *   IGNORE_CERT_WRONG_USAGE  (the conservative choice); an expired or
 *                            misused certificate fails as without the flag;
 *   ENABLE_CRL_CHECK         CRLFILE = config.crl_file when one is set
 *                            (OpenSSL then wants a CRL for every
 *                            certificate of the chain); without one no
 *                            revocation check is made, as by default.
 * Redirects: DISALLOW does not follow; from https, http only with
 * ALLOW_HTTPS_TO_HTTP. */
void bsim__curl_security_plan(uint32_t flags, const char *url,
                              const struct bsim__curl_config *config,
                              struct bsim__curl_security *out) {
  memset(out, 0, sizeof *out);
  out->verify_peer = (flags & BSIM__SSL_IGNORE_UNKNOWN_CA) ? 0L : 1L;
  out->verify_host = (flags & BSIM__SSL_IGNORE_CERT_CN_INVALID) ? 0L : 2L;
  out->ca_file = config->ca_file;
  out->crl_file =
      (flags & BSIM__SSL_ENABLE_CRL_CHECK) ? config->crl_file : NULL;
  uint32_t redirect = flags & BSIM__REDIRECT_POLICY_MASK;
  out->follow = redirect == BSIM__REDIRECT_POLICY_DISALLOW ? 0L : 1L;
  out->max_redirects = (long)config->max_redirects;
  int from_https = strncasecmp(url, "https:", 6) == 0;
  int downgrade = (flags & BSIM__REDIRECT_ALLOW_HTTPS_TO_HTTP) != 0;
  out->redir_protocols = from_https && !downgrade ? "https" : "http,https";
}

static void apply_security(struct bsim__curl_cx *cx) {
  CURL *e = cx->easy;
  struct bsim__curl_security sec;
  bsim__curl_security_plan(cx->opts.security_flags, cx->url, &cx->ct->config,
                           &sec);
  if (sec.ca_file != NULL) curl_easy_setopt(e, CURLOPT_CAINFO, sec.ca_file);
  if (sec.crl_file != NULL) curl_easy_setopt(e, CURLOPT_CRLFILE, sec.crl_file);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, sec.verify_peer);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, sec.verify_host);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, sec.follow);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, sec.max_redirects);
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, sec.redir_protocols);
}

/* SetCustomHeaders text: lines separated by CRLF (or LF). */
static bsim_hr add_header_lines(struct curl_slist **list, const char *text) {
  const char *p = text;
  while (*p != '\0') {
    const char *end = p;
    while (*end != '\0' && *end != '\r' && *end != '\n')
      end++;
    size_t n = (size_t)(end - p);
    if (n > 0) {
      char *line = bsim__malloc(n + 1);
      if (line == NULL) return BSIM_E_OUTOFMEMORY;
      memcpy(line, p, n);
      line[n] = '\0';
      struct curl_slist *next = curl_slist_append(*list, line);
      bsim__free(line);
      if (next == NULL) return BSIM_E_OUTOFMEMORY;
      *list = next;
    }
    p = end;
    while (*p == '\r' || *p == '\n')
      p++;
  }
  return BSIM_S_OK;
}

static bsim_hr build_headers(struct bsim__curl_cx *cx,
                             const char *const *extra) {
  curl_slist_free_all(cx->headers);
  cx->headers = NULL;
  if (cx->opts.custom_headers != NULL) {
    bsim_hr hr = add_header_lines(&cx->headers, cx->opts.custom_headers);
    if (BSIM_FAILED(hr)) return hr;
  }
  for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
    struct curl_slist *next = curl_slist_append(cx->headers, extra[i]);
    if (next == NULL) return BSIM_E_OUTOFMEMORY;
    cx->headers = next;
  }
  curl_easy_setopt(cx->easy, CURLOPT_HTTPHEADER, cx->headers);
  return BSIM_S_OK;
}

/* curl's receive buffer under a cap. libcurl 7.88 checks
 * CURLOPT_MAX_RECV_SPEED_LARGE only between passes of its read loop, and
 * one pass reads up to 100 buffers while the socket has data, which a fast
 * sender refills between reads: with the usual 256 KiB buffer a 1 MiB file
 * arrived in 2 ms at a 256 KiB/s cap (test_curl_bandwidth.c; the curl tool
 * moves 4 MiB in 1.5 s at --limit-rate 256k here). With 100 buffers worth
 * a quarter second at the cap (cap / 400, at least curl's minimum of
 * 1 KiB) the limiter holds. */
static uint64_t capped_read_bytes(uint64_t max_bytes_per_s) {
  uint64_t bytes = max_bytes_per_s / 400;
  return bytes < 1024u ? 1024u : bytes;
}

static void apply_transport(struct bsim__curl_cx *cx) {
  CURL *e = cx->easy;
  const struct bsim__curl_config *c = &cx->ct->config;
  curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)cx);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, cx);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, bsim__curl_write_cb);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, cx);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)c->stall_timeout_s);
  curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
  long buffer = c->buffer_bytes > CURL_MAX_READ_SIZE ? CURL_MAX_READ_SIZE
                                                     : (long)c->buffer_bytes;
  if (cx->opts.max_bytes_per_s > 0) {
    long bite = (long)capped_read_bytes(cx->opts.max_bytes_per_s);
    if (bite < buffer) buffer = bite;
  }
  curl_easy_setopt(e, CURLOPT_BUFFERSIZE, buffer);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  if (cx->opts.max_bytes_per_s > 0) {
    curl_off_t cap = (curl_off_t)cx->opts.max_bytes_per_s;
    curl_easy_setopt(e, CURLOPT_MAX_RECV_SPEED_LARGE, cap);
    curl_easy_setopt(e, CURLOPT_MAX_SEND_SPEED_LARGE, cap);
  }
}

bsim_hr bsim__curl_request_setup(struct bsim__curl_cx *cx, const char *url,
                                 const char *const *extra) {
  char *u = bsim__curl_normalize_url(url);
  if (u == NULL) return BSIM_E_OUTOFMEMORY;
  bsim__free(cx->url);
  cx->url = u;
  cx->file_scheme = bsim__curl_is_file_url(u);
  memset(&cx->resp, 0, sizeof cx->resp);
  cx->resp.content_length = -1;
  curl_easy_reset(cx->easy);
  curl_easy_setopt(cx->easy, CURLOPT_URL, u);
  apply_transport(cx);
  apply_security(cx);
  apply_credentials(cx->easy, cx->opts.server, 0);
  apply_credentials(cx->easy, cx->opts.proxy, 1);
  bsim_hr hr = apply_proxy(cx);
  if (BSIM_SUCCEEDED(hr)) hr = build_headers(cx, extra);
  return hr;
}

/* ALLOW_REPORT (reference §2.7, §10): a download whose request followed a
 * redirect tells the engine where it ended, once, when the response is
 * accepted; the file's remote name becomes that URL. ALLOW_SILENT keeps the
 * name; DISALLOW never follows. Called outside curl's callbacks. */
void bsim__curl_report_redirect(struct bsim__curl_cx *cx) {
  uint32_t policy = cx->opts.security_flags & BSIM__REDIRECT_POLICY_MASK;
  if (cx->xfer == NULL || cx->phase != BSIM__PHASE_DOWNLOAD ||
      policy != BSIM__REDIRECT_POLICY_ALLOW_REPORT || cx->file_scheme) {
    return;
  }
  long redirects = 0;
  char *final_url = NULL;
  if (curl_easy_getinfo(cx->easy, CURLINFO_REDIRECT_COUNT, &redirects) !=
          CURLE_OK ||
      redirects <= 0 ||
      curl_easy_getinfo(cx->easy, CURLINFO_EFFECTIVE_URL, &final_url) !=
          CURLE_OK ||
      final_url == NULL) {
    return;
  }
  /* An unusable name (too long) or no memory keeps the old name: the
   * transfer itself is unaffected. */
  (void)bsim__xfer_redirected(cx->xfer, final_url);
}

/* Why a certificate was refused, as OpenSSL's X509_V_ERR_* number. The
 * chain is OpenSSL's to verify; the host name is checked by curl itself
 * after the handshake, and libcurl 7.88 then leaves the result at
 * X509_V_OK (0) or X509_V_ERR_UNSPECIFIED (1; seen for a name mismatch in
 * test_curl_tls.c). So a refusal with the chain passed (or not checked,
 * IGNORE_UNKNOWN_CA) is the name: reported as
 * X509_V_ERR_HOSTNAME_MISMATCH (62). */
static long tls_verify_result(const struct bsim__curl_cx *cx) {
  long verify = 0;
  if (curl_easy_getinfo(cx->easy, CURLINFO_SSL_VERIFYRESULT, &verify) !=
      CURLE_OK) {
    return 0;
  }
  if (verify == 0 || verify == 1 ||
      (cx->opts.security_flags & BSIM__SSL_IGNORE_UNKNOWN_CA)) {
    return 62;
  }
  return verify;
}

struct bsim__classify_in bsim__curl_classify_in(const struct bsim__curl_cx *cx,
                                                CURLcode code) {
  struct bsim__classify_in in;
  memset(&in, 0, sizeof in);
  in.phase = cx->phase;
  in.local_errno = cx->local_errno;
  in.local_hr = cx->local_hr;
  in.remote_errno = cx->remote_errno;
  in.check_hr = cx->check_hr;
  in.curl_code = (int)code;
  in.http_status = (int)cx->resp.status;
  in.server_hr = cx->resp.error_code;
  in.server_context = cx->resp.error_context;
  in.security_flags = cx->opts.security_flags;
  if (code == CURLE_PEER_FAILED_VERIFICATION) {
    in.tls_verify_result = tls_verify_result(cx);
  }
  return in;
}
