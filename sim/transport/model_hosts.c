/* bitsim — modelled hosts: their options (bandwidth, latency, Range and
 * Content-Length support, stall timeout) and their scheduled outages, plus
 * the URL parsing that finds the host of a request (design.md "Two
 * transports", reference §10).
 *
 * Host names are matched as they appear in URLs, "host" or "host:port",
 * without case. Outages are kept sorted and merged, so "is the host down at
 * t" and "when does the next outage start" are binary searches; the
 * transfer timeline (xfer_model.c) asks both for every step it plans.
 */
#include <string.h>

#include "transport/model_priv.h"

#define HOST_NAME_MAX_CHARS 255u
#define BANDWIDTH_MAX (UINT64_C(1) << 50)

void bsim_model_host_options_init(struct bsim_model_host_options *opts) {
  if (opts == NULL) return;
  memset(opts, 0, sizeof *opts);
  opts->bandwidth_bytes_per_s = 0;
  opts->latency_ms = 0;
  opts->range_support = 1;
  opts->send_content_length = 1;
  opts->stall_timeout_ms = 60000;
  opts->remote_change_fails = 0;
  opts->peer = 0;
}

static int starts_with_nocase(const char *s, const char *prefix) {
  for (; *prefix != '\0'; s++, prefix++) {
    char c = *s;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != *prefix) return 0;
  }
  return 1;
}

const char *bsim__model_url_host(const char *url, size_t *len) {
  const char *p;
  if (starts_with_nocase(url, "http://")) {
    p = url + 7;
  } else if (starts_with_nocase(url, "https://")) {
    p = url + 8;
  } else {
    return NULL;
  }
  size_t n = strcspn(p, "/?#");
  /* Drop user info ("user:pass@host"). */
  for (size_t i = n; i > 0; i--) {
    if (p[i - 1] == '@') {
      p += i;
      n -= i;
      break;
    }
  }
  *len = n;
  return p;
}

/* Lower-case name into buf; 0 if it is empty or too long to be a host. */
static size_t lower_name(const char *name, size_t len,
                         char buf[HOST_NAME_MAX_CHARS + 1]) {
  if (len == 0 || len > HOST_NAME_MAX_CHARS) return 0;
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  buf[len] = '\0';
  return len;
}

struct bsim__model_host *bsim__model_host_find(struct bsim__model *m,
                                               const char *name, size_t len) {
  char buf[HOST_NAME_MAX_CHARS + 1];
  if (m->hosts.count == 0 || lower_name(name, len, buf) == 0) return NULL;
  return bsim__model_map_find(&m->hosts, buf, len,
                              bsim__model_map_hash(buf, len));
}

/* Index of the first outage that ends after t (the one containing t, or
 * the next one), or outage_count. */
static size_t outage_index(const struct bsim__model_host *host, uint64_t t) {
  size_t lo = 0;
  size_t hi = host->outage_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (host->outages[mid].end_ms <= t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

int bsim__model_host_down(const struct bsim__model_host *host, uint64_t t_ms) {
  if (host->outage_count == 0) return 0;
  size_t i = outage_index(host, t_ms);
  return i < host->outage_count && host->outages[i].start_ms <= t_ms;
}

uint64_t bsim__model_host_next_outage(const struct bsim__model_host *host,
                                      uint64_t t_ms) {
  if (host->outage_count == 0) return UINT64_MAX;
  for (size_t i = outage_index(host, t_ms); i < host->outage_count; i++) {
    if (host->outages[i].start_ms > t_ms) return host->outages[i].start_ms;
  }
  return UINT64_MAX;
}

void bsim__model_host_free(struct bsim__model_host *host) {
  if (host == NULL) return;
  bsim__free(host->outages);
  bsim__free(host->name);
  bsim__free(host);
}

static int host_name_valid(const char *name) {
  size_t len = strlen(name);
  if (len == 0 || len > HOST_NAME_MAX_CHARS) return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c <= ' ' || c == 0x7f || strchr("/?#@\\", c) != NULL) return 0;
  }
  return 1;
}

static int host_options_valid(const struct bsim_model_host_options *o) {
  return o->bandwidth_bytes_per_s <= BANDWIDTH_MAX && o->stall_timeout_ms > 0;
}

static bsim_hr host_create(struct bsim__model *m, const char *name,
                           const struct bsim_model_host_options *opts) {
  struct bsim__model_host *host = bsim__calloc(1, sizeof *host);
  char buf[HOST_NAME_MAX_CHARS + 1];
  size_t len = lower_name(name, strlen(name), buf);
  if (host == NULL || (host->name = bsim__strdup(buf)) == NULL) {
    bsim__model_host_free(host);
    return BSIM_E_OUTOFMEMORY;
  }
  host->opts = *opts;
  bsim_hr hr = bsim__model_map_insert(&m->hosts, host->name,
                                      bsim__model_map_hash(buf, len), host);
  if (BSIM_FAILED(hr)) bsim__model_host_free(host);
  return hr;
}

bsim_hr bsim_model_host_add(bsim_manager *mgr, const char *host,
                            const struct bsim_model_host_options *opts) {
  struct bsim_model_host_options defaults;
  if (mgr == NULL || host == NULL || !host_name_valid(host)) {
    return BSIM_E_INVALIDARG;
  }
  if (opts == NULL) {
    bsim_model_host_options_init(&defaults);
    opts = &defaults;
  }
  if (!host_options_valid(opts)) return BSIM_E_INVALIDARG;
  bsim__lock(mgr);
  struct bsim__model *m = bsim__model_of(mgr);
  struct bsim__model_host *found = bsim__model_host_find(m, host, strlen(host));
  bsim_hr hr = BSIM_S_OK;
  if (found != NULL) {
    /* Transfers in flight keep the bytes they have and continue under the
     * new options from now on. */
    bsim__model_host_changed(m, found);
    found->opts = *opts;
    bsim__model_host_changed(m, found);
  } else {
    hr = host_create(m, host, opts);
  }
  bsim__unlock(mgr);
  return hr;
}

/* Insert [start, end) keeping the list sorted and merging every outage it
 * overlaps or touches. */
static bsim_hr outage_insert(struct bsim__model_host *host, uint64_t start,
                             uint64_t end) {
  size_t first = 0;
  while (first < host->outage_count && host->outages[first].end_ms < start)
    first++;
  size_t last = first;
  while (last < host->outage_count && host->outages[last].start_ms <= end) {
    if (host->outages[last].start_ms < start)
      start = host->outages[last].start_ms;
    if (host->outages[last].end_ms > end) end = host->outages[last].end_ms;
    last++;
  }
  size_t merged = last - first;
  if (merged == 0 && host->outage_count == host->outage_cap) {
    size_t cap = host->outage_cap == 0 ? 4 : host->outage_cap * 2;
    struct bsim__model_outage *grown =
        bsim__realloc(host->outages, cap * sizeof *grown);
    if (grown == NULL) return BSIM_E_OUTOFMEMORY;
    host->outages = grown;
    host->outage_cap = cap;
  }
  size_t tail = host->outage_count - last;
  size_t dest = first + 1;
  memmove(&host->outages[dest], &host->outages[last],
          tail * sizeof host->outages[0]);
  host->outages[first].start_ms = start;
  host->outages[first].end_ms = end;
  host->outage_count = dest + tail;
  return BSIM_S_OK;
}

bsim_hr bsim_model_host_outage(bsim_manager *mgr, const char *host,
                               uint64_t start_ms, uint64_t duration_ms) {
  if (mgr == NULL || host == NULL || duration_ms == 0) {
    return BSIM_E_INVALIDARG;
  }
  uint64_t end_ms =
      duration_ms > UINT64_MAX - start_ms ? UINT64_MAX : start_ms + duration_ms;
  bsim__lock(mgr);
  struct bsim__model *m = bsim__model_of(mgr);
  struct bsim__model_host *found = bsim__model_host_find(m, host, strlen(host));
  bsim_hr hr = BSIM_E_NOT_FOUND;
  if (found != NULL) {
    bsim__model_host_changed(m, found);
    hr = outage_insert(found, start_ms, end_ms);
    bsim__model_host_changed(m, found);
  }
  bsim__unlock(mgr);
  return hr;
}
