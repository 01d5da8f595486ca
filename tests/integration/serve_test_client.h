/* Helpers shared by the `bitsim serve` integration tests (test_serve_*.c):
 * one libcurl easy request with its status, headers and body collected, a
 * raw-socket request for what libcurl will not send, and small file
 * helpers. Every request has a deadline (CURLOPT_TIMEOUT_MS or SO_RCVTIMEO);
 * nothing here sleeps. Header-only (static inline) so each test binary
 * stays one file.
 */
#ifndef BSIM_SERVE_TEST_CLIENT_H
#define BSIM_SERVE_TEST_CLIENT_H

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define HTTP_DEADLINE_MS 20000L

struct http_resp {
  long status;
  CURLcode code;
  unsigned char *body;
  size_t body_len;
  size_t body_cap;
  size_t writes;       /* write-callback calls */
  char headers[16384]; /* the final response's header block */
  size_t headers_len;
};

static inline size_t http_body_cb(char *data, size_t size, size_t n,
                                  void *user) {
  struct http_resp *r = user;
  size_t len = size * n;
  if (r->body_len + len + 1 > r->body_cap) {
    size_t cap = r->body_cap ? r->body_cap : 4096;
    while (cap < r->body_len + len + 1)
      cap *= 2;
    unsigned char *grown = realloc(r->body, cap);
    if (grown == NULL) return 0;
    r->body = grown;
    r->body_cap = cap;
  }
  memcpy(r->body + r->body_len, data, len);
  r->body_len += len;
  r->body[r->body_len] = 0;
  r->writes++;
  return len;
}

static inline size_t http_header_cb(char *data, size_t size, size_t n,
                                    void *user) {
  struct http_resp *r = user;
  size_t len = size * n;
  /* A new status line (after 100 Continue) starts a new block. */
  if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) r->headers_len = 0;
  if (r->headers_len + len < sizeof r->headers) {
    memcpy(r->headers + r->headers_len, data, len);
    r->headers_len += len;
    r->headers[r->headers_len] = '\0';
  }
  return len;
}

static inline void http_resp_free(struct http_resp *r) {
  free(r->body);
  memset(r, 0, sizeof *r);
}

/** One request. method "GET", "HEAD" or any other (sent as is, with body
 * when body is not NULL). hdrs: NULL-terminated "Name: value" lines. */
static inline CURLcode http_do(const char *method, const char *url,
                               const char *const *hdrs, const void *body,
                               size_t body_len, struct http_resp *r) {
  memset(r, 0, sizeof *r);
  CURL *c = curl_easy_init();
  if (c == NULL) return CURLE_FAILED_INIT;
  struct curl_slist *list = NULL;
  for (size_t i = 0; hdrs != NULL && hdrs[i] != NULL; i++) {
    list = curl_slist_append(list, hdrs[i]);
  }
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, HTTP_DEADLINE_MS);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_body_cb);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_header_cb);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  if (strcmp(method, "HEAD") == 0) {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (strcmp(method, "GET") != 0) {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  }
  if (body != NULL) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
  }
  r->code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  return r->code;
}

/** The value of header name in the final response, or NULL (static storage,
 * valid until the next call). */
static inline const char *http_header(const struct http_resp *r,
                                      const char *name) {
  static char value[4096];
  size_t nlen = strlen(name);
  const char *line = r->headers;
  while (line != NULL && *line != '\0') {
    const char *end = strstr(line, "\r\n");
    size_t len = end ? (size_t)(end - line) : strlen(line);
    if (len > nlen && strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
      const char *v = line + nlen + 1;
      while (*v == ' ')
        v++;
      size_t vlen = (size_t)(line + len - v);
      if (vlen >= sizeof value) vlen = sizeof value - 1;
      memcpy(value, v, vlen);
      value[vlen] = '\0';
      return value;
    }
    line = end ? end + 2 : NULL;
  }
  return NULL;
}

/** Send raw bytes to 127.0.0.1:port and read the answer until the server
 * closes or the 10 s deadline passes. Returns the bytes read (into buf,
 * NUL-terminated), or -1 when the connection failed. */
static inline long raw_exchange(uint16_t port, const void *req, size_t len,
                                char *buf, size_t cap) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct timeval tv = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  const char *p = req;
  while (len > 0) {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n <= 0) break;
    p += n;
    len -= (size_t)n;
  }
  size_t got = 0;
  while (got + 1 < cap) {
    ssize_t n = recv(fd, buf + got, cap - 1 - got, 0);
    if (n <= 0) break;
    got += (size_t)n;
  }
  buf[got] = '\0';
  close(fd);
  return (long)got;
}

/** Deterministic bytes for (seed, len): the caller frees. */
static inline unsigned char *make_bytes(uint64_t seed, size_t len) {
  unsigned char *p = malloc(len ? len : 1);
  uint64_t x = seed;
  for (size_t i = 0; p != NULL && i < len; i++) {
    if (i % 8 == 0) {
      x += 0x9E3779B97F4A7C15u;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
      x ^= z ^ (z >> 31);
    }
    p[i] = (unsigned char)(x >> ((i % 8) * 8));
  }
  return p;
}

static inline int put_file(const char *dir, const char *name, const void *data,
                           size_t len) {
  char path[8192];
  snprintf(path, sizeof path, "%.4095s/%.4000s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL) return -1;
  size_t n = fwrite(data, 1, len, f);
  return fclose(f) == 0 && n == len ? 0 : -1;
}

/** Read a whole file; the caller frees *data. Returns 0 or -1. */
static inline int get_file(const char *path, unsigned char **data,
                           size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return -1;
  size_t cap = 4096;
  size_t n = 0;
  unsigned char *buf = malloc(cap);
  for (;;) {
    if (n == cap) buf = realloc(buf, cap *= 2);
    size_t got = fread(buf + n, 1, cap - n, f);
    if (got == 0) break;
    n += got;
  }
  fclose(f);
  *data = buf;
  *len = n;
  return 0;
}

static inline int path_exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

#endif /* BSIM_SERVE_TEST_CLIENT_H */
