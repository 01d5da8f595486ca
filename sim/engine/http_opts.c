/* bitsim — a job's HTTP options (reference §1.5, §1.13, §2.7, §2.8, §12):
 * credentials per (target, scheme), custom headers, security flags and
 * bitsim's bandwidth cap; the checks of their setters, TakeOwnership
 * dropping credentials and headers, and bsim__job_http, the view the curl
 * transport reads under the lock it already holds.
 *
 * The options live behind job->http, allocated at the first setter, so
 * jobs that never set any pay one pointer.
 */
#include <string.h>

#include "engine/engine.h"
#include "store/store.h"

#define BSIM__USER_MAX_CHARS 300       /* BG_E_USERNAME_TOO_LARGE */
#define BSIM__PASSWORD_MAX_CHARS 65536 /* BG_E_PASSWORD_TOO_LARGE */
#define BSIM__HEADERS_MAX_CHARS 16383  /* 16,384 with the NUL */

struct bsim__job_http {
  char *user[3][6]; /* [target][scheme]; NULL: no credentials */
  char *password[3][6];
  uint8_t set[3][6]; /* credentials set (user may be NULL: NTLM) */
  char *custom_headers;
  uint32_t security_flags;
  uint64_t max_bytes_per_s;
};

static struct bsim__job_http *http_get(bsim_job *job) {
  if (job->http == NULL) job->http = bsim__calloc(1, sizeof *job->http);
  return job->http;
}

static void slot_clear(struct bsim__job_http *h, int t, int s) {
  bsim__free(h->user[t][s]);
  bsim__free(h->password[t][s]);
  h->user[t][s] = NULL;
  h->password[t][s] = NULL;
  h->set[t][s] = 0;
}

static void credentials_clear(struct bsim__job_http *h) {
  for (int t = 1; t <= 2; t++) {
    for (int s = 1; s <= 5; s++)
      slot_clear(h, t, s);
  }
}

void bsim__http_free(bsim_job *job) {
  if (job->http == NULL) return;
  credentials_clear(job->http);
  bsim__free(job->http->custom_headers);
  bsim__free(job->http);
  job->http = NULL;
}

void bsim__http_owner_changed(bsim_job *job) {
  if (job->http == NULL) return;
  credentials_clear(job->http);
  bsim__free(job->http->custom_headers);
  job->http->custom_headers = NULL;
}

void bsim__job_http(const bsim_job *job, struct bsim__job_http_view *out) {
  memset(out, 0, sizeof *out);
  out->proxy_usage = (enum bsim_proxy_usage)job->proxy_usage;
  out->proxy_list = job->proxy_list;
  out->bypass_list = job->bypass_list;
  const struct bsim__job_http *h = job->http;
  if (h == NULL) return;
  for (int t = 1; t <= 2; t++) {
    for (int s = 1; s <= 5; s++) {
      if (!h->set[t][s]) continue;
      /* An NTLM/Negotiate slot without a user: the logged-on user, which
       * bitsim has no password for; an empty user says "these schemes". */
      out->user[t][s] = h->user[t][s] != NULL ? h->user[t][s] : "";
      out->password[t][s] = h->password[t][s] != NULL ? h->password[t][s] : "";
    }
  }
  out->custom_headers = h->custom_headers;
  out->security_flags = h->security_flags;
  out->max_bytes_per_s = h->max_bytes_per_s;
}

/* ---- setters ------------------------------------------------------------ */

/* Final (or detached) jobs refuse every setter (reference §4.3). */
static int final(const bsim_job *job) {
  return job->mgr == NULL || job->state == BSIM_JOB_STATE_ACKNOWLEDGED ||
         job->state == BSIM_JOB_STATE_CANCELLED;
}

static void changed(bsim_job *job) {
  bsim__job_touch(job);
  bsim__notify_modified(job);
}

static bsim_hr check_pair(enum bsim_auth_target target,
                          enum bsim_auth_scheme scheme) {
  if (target != BSIM_AUTH_TARGET_SERVER && target != BSIM_AUTH_TARGET_PROXY) {
    return BSIM_E_INVALID_AUTH_TARGET;
  }
  if ((int)scheme < BSIM_AUTH_SCHEME_BASIC ||
      (int)scheme > BSIM_AUTH_SCHEME_PASSPORT) {
    return BSIM_E_INVALID_AUTH_SCHEME;
  }
  return BSIM_S_OK;
}

static bsim_hr check_credentials(enum bsim_auth_target target,
                                 enum bsim_auth_scheme scheme, const char *user,
                                 const char *password) {
  bsim_hr hr = check_pair(target, scheme);
  if (BSIM_FAILED(hr)) return hr;
  int plain =
      scheme == BSIM_AUTH_SCHEME_BASIC || scheme == BSIM_AUTH_SCHEME_DIGEST;
  if (plain && (user == NULL || password == NULL)) return BSIM_E_INVALIDARG;
  int64_t u = user != NULL ? bsim__utf8_chars(user) : 0;
  int64_t p = password != NULL ? bsim__utf8_chars(password) : 0;
  if (u < 0 || p < 0) return BSIM_E_INVALIDARG;
  if (u > BSIM__USER_MAX_CHARS) return BSIM_E_USERNAME_TOO_LARGE;
  if (p > BSIM__PASSWORD_MAX_CHARS) return BSIM_E_PASSWORD_TOO_LARGE;
  return BSIM_S_OK;
}

static bsim_hr set_credentials_locked(bsim_job *job, int t, int s,
                                      const char *user, const char *password) {
  if (final(job)) return BSIM_E_INVALID_STATE;
  char *u = bsim__strdup(user);
  char *p = bsim__strdup(password);
  struct bsim__job_http *h = http_get(job);
  if ((user != NULL && u == NULL) || (password != NULL && p == NULL) ||
      h == NULL) {
    bsim__free(u);
    bsim__free(p);
    return BSIM_E_OUTOFMEMORY;
  }
  slot_clear(h, t, s);
  h->user[t][s] = u;
  h->password[t][s] = p;
  h->set[t][s] = 1;
  changed(job);
  return BSIM_S_OK;
}

bsim_hr bsim_job_set_credentials(bsim_job *job, enum bsim_auth_target target,
                                 enum bsim_auth_scheme scheme, const char *user,
                                 const char *password) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_hr hr = check_credentials(target, scheme, user, password);
  bsim_manager *mgr = bsim__job_lock(job);
  if (BSIM_SUCCEEDED(hr)) {
    hr = set_credentials_locked(job, (int)target, (int)scheme, user, password);
  }
  return bsim__job_unlock(mgr, "set_credentials", job, hr);
}

bsim_hr bsim_job_remove_credentials(bsim_job *job, enum bsim_auth_target target,
                                    enum bsim_auth_scheme scheme) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_hr hr = check_pair(target, scheme);
  bsim_manager *mgr = bsim__job_lock(job);
  if (BSIM_SUCCEEDED(hr) && final(job)) hr = BSIM_E_INVALID_STATE;
  if (BSIM_SUCCEEDED(hr) && job->http != NULL) {
    slot_clear(job->http, (int)target, (int)scheme);
    changed(job);
  }
  return bsim__job_unlock(mgr, "remove_credentials", job, hr);
}

bsim_hr bsim_job_set_custom_headers(bsim_job *job, const char *headers) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  int64_t chars = headers != NULL ? bsim__utf8_chars(headers) : 0;
  bsim_hr hr = BSIM_S_OK;
  if (chars < 0) hr = BSIM_E_INVALIDARG;
  if (chars > BSIM__HEADERS_MAX_CHARS) hr = BSIM_E_STRING_TOO_LONG;
  bsim_manager *mgr = bsim__job_lock(job);
  if (BSIM_SUCCEEDED(hr) && final(job)) hr = BSIM_E_INVALID_STATE;
  char *copy = NULL;
  struct bsim__job_http *h = NULL;
  if (BSIM_SUCCEEDED(hr) && chars > 0 &&
      (copy = bsim__strdup(headers)) == NULL) {
    hr = BSIM_E_OUTOFMEMORY;
  }
  if (BSIM_SUCCEEDED(hr) && (h = http_get(job)) == NULL) {
    bsim__free(copy);
    hr = BSIM_E_OUTOFMEMORY;
  }
  if (BSIM_SUCCEEDED(hr)) {
    bsim__free(h->custom_headers);
    h->custom_headers = copy; /* NULL or "": none */
    changed(job);
  }
  return bsim__job_unlock(mgr, "set_custom_headers", job, hr);
}

bsim_hr bsim_job_get_custom_headers(bsim_job *job, char **out) {
  if (job == NULL || out == NULL) return BSIM_E_INVALIDARG;
  *out = NULL;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = BSIM_S_FALSE; /* none (reference §1.13) */
  if (job->http != NULL && job->http->custom_headers != NULL) {
    *out = bsim__strdup(job->http->custom_headers);
    hr = *out != NULL ? BSIM_S_OK : BSIM_E_OUTOFMEMORY;
  }
  return bsim__job_unlock(mgr, "get_custom_headers", job, hr);
}

static bsim_hr check_security_flags(uint32_t flags) {
  const uint32_t known =
      BSIM_SSL_ENABLE_CRL_CHECK | BSIM_SSL_IGNORE_CERT_CN_INVALID |
      BSIM_SSL_IGNORE_CERT_DATE_INVALID | BSIM_SSL_IGNORE_UNKNOWN_CA |
      BSIM_SSL_IGNORE_CERT_WRONG_USAGE | BSIM_HTTP_REDIRECT_POLICY_MASK |
      BSIM_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP;
  if ((flags & ~known) != 0) return BSIM_E_NOTIMPL;
  uint32_t policy = flags & BSIM_HTTP_REDIRECT_POLICY_MASK;
  if (policy != BSIM_HTTP_REDIRECT_POLICY_ALLOW_SILENT &&
      policy != BSIM_HTTP_REDIRECT_POLICY_ALLOW_REPORT &&
      policy != BSIM_HTTP_REDIRECT_POLICY_DISALLOW) {
    return BSIM_E_NOTIMPL;
  }
  if (policy == BSIM_HTTP_REDIRECT_POLICY_DISALLOW &&
      (flags & BSIM_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP) != 0) {
    return BSIM_E_INVALIDARG;
  }
  return BSIM_S_OK;
}

bsim_hr bsim_job_set_security_flags(bsim_job *job, uint32_t flags) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_hr hr = check_security_flags(flags);
  bsim_manager *mgr = bsim__job_lock(job);
  if (BSIM_SUCCEEDED(hr) && final(job)) hr = BSIM_E_INVALID_STATE;
  struct bsim__job_http *h = NULL;
  if (BSIM_SUCCEEDED(hr) && (h = http_get(job)) == NULL) {
    hr = BSIM_E_OUTOFMEMORY;
  }
  if (BSIM_SUCCEEDED(hr)) {
    h->security_flags = flags;
    changed(job);
  }
  return bsim__job_unlock(mgr, "set_security_flags", job, hr);
}

bsim_hr bsim_job_get_security_flags(bsim_job *job, uint32_t *out) {
  if (job == NULL || out == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  *out = job->http != NULL ? job->http->security_flags : 0;
  return bsim__job_unlock(mgr, "get_security_flags", job, BSIM_S_OK);
}

bsim_hr bsim_job_set_max_bandwidth(bsim_job *job, uint64_t bytes_per_s) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = final(job) ? BSIM_E_INVALID_STATE : BSIM_S_OK;
  struct bsim__job_http *h = NULL;
  if (BSIM_SUCCEEDED(hr) && (h = http_get(job)) == NULL) {
    hr = BSIM_E_OUTOFMEMORY;
  }
  if (BSIM_SUCCEEDED(hr)) {
    h->max_bytes_per_s = bytes_per_s;
    changed(job);
  }
  return bsim__job_unlock(mgr, "set_max_bandwidth", job, hr);
}

bsim_hr bsim_job_get_max_bandwidth(bsim_job *job, uint64_t *bytes_per_s_out) {
  if (job == NULL || bytes_per_s_out == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  *bytes_per_s_out = job->http != NULL ? job->http->max_bytes_per_s : 0;
  return bsim__job_unlock(mgr, "get_max_bandwidth", job, BSIM_S_OK);
}

/* ---- the durable store (persist.c, reference §13) ----------------------- */

/* Credentials pack as entries of: target, scheme, a byte saying which of
 * user and password follow, then each present one NUL-terminated. */
enum { PACK_USER = 1, PACK_PASSWORD = 2 };

static size_t pack_len(const struct bsim__job_http *h) {
  size_t len = 0;
  for (int t = 1; t <= 2; t++) {
    for (int s = 1; s <= 5; s++) {
      if (!h->set[t][s]) continue;
      len += 3;
      if (h->user[t][s] != NULL) len += strlen(h->user[t][s]) + 1;
      if (h->password[t][s] != NULL) len += strlen(h->password[t][s]) + 1;
    }
  }
  return len;
}

static char *pack_str(char *p, const char *s) {
  size_t n = strlen(s) + 1;
  memcpy(p, s, n);
  return p + n;
}

bsim_hr bsim__http_pack(const bsim_job *job, struct bsim__store_job *rec,
                        char **creds) {
  *creds = NULL;
  const struct bsim__job_http *h = job->http;
  if (h == NULL) return BSIM_S_OK;
  rec->custom_headers = h->custom_headers;
  rec->security_flags = h->security_flags;
  rec->max_bytes_per_s = h->max_bytes_per_s;
  size_t len = pack_len(h);
  if (len == 0) return BSIM_S_OK;
  char *p = *creds = bsim__malloc(len);
  if (p == NULL) return BSIM_E_OUTOFMEMORY;
  for (int t = 1; t <= 2; t++) {
    for (int s = 1; s <= 5; s++) {
      if (!h->set[t][s]) continue;
      *p++ = (char)t;
      *p++ = (char)s;
      *p++ = (char)((h->user[t][s] ? PACK_USER : 0) |
                    (h->password[t][s] ? PACK_PASSWORD : 0));
      if (h->user[t][s] != NULL) p = pack_str(p, h->user[t][s]);
      if (h->password[t][s] != NULL) p = pack_str(p, h->password[t][s]);
    }
  }
  rec->credentials = *creds;
  rec->credentials_len = len;
  return BSIM_S_OK;
}

/* One NUL-terminated string at *at inside len bytes: its copy, or NULL
 * with *bad set when it runs past the end. */
static char *unpack_str(const char *blob, size_t len, size_t *at, int *bad) {
  const char *end = memchr(blob + *at, '\0', len - *at);
  if (end == NULL) {
    *bad = 1;
    return NULL;
  }
  char *copy = bsim__strdup(blob + *at);
  *at = (size_t)(end - blob) + 1;
  if (copy == NULL) *bad = 2;
  return copy;
}

static bsim_hr unpack_credentials(struct bsim__job_http *h, const char *blob,
                                  size_t len) {
  size_t at = 0;
  int bad = 0;
  while (at < len && !bad) {
    if (len - at < 3) return BSIM_E_DATABASE_CORRUPT;
    int t = blob[at], s = blob[at + 1], which = blob[at + 2];
    at += 3;
    if (BSIM_FAILED(check_pair(t, s)) || (which & ~3) != 0) {
      return BSIM_E_DATABASE_CORRUPT;
    }
    slot_clear(h, t, s);
    h->set[t][s] = 1;
    if (which & PACK_USER) h->user[t][s] = unpack_str(blob, len, &at, &bad);
    if ((which & PACK_PASSWORD) && !bad) {
      h->password[t][s] = unpack_str(blob, len, &at, &bad);
    }
  }
  if (bad == 2) return BSIM_E_OUTOFMEMORY;
  return bad ? BSIM_E_DATABASE_CORRUPT : BSIM_S_OK;
}

bsim_hr bsim__http_restore(bsim_job *job, const struct bsim__store_job *rec) {
  if (rec->custom_headers == NULL && rec->security_flags == 0 &&
      rec->max_bytes_per_s == 0 && rec->credentials_len == 0) {
    return BSIM_S_OK;
  }
  struct bsim__job_http *h = http_get(job);
  if (h == NULL) return BSIM_E_OUTOFMEMORY;
  h->security_flags = rec->security_flags;
  h->max_bytes_per_s = rec->max_bytes_per_s;
  if (rec->custom_headers != NULL &&
      (h->custom_headers = bsim__strdup(rec->custom_headers)) == NULL) {
    return BSIM_E_OUTOFMEMORY;
  }
  return unpack_credentials(h, rec->credentials, rec->credentials_len);
}
