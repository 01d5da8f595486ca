/* bitsim — the model's fault plan and its reading of HTTP status codes
 * (design.md "Seeds", reference §9.1, §10 "Transient vs fatal").
 *
 * The plan is a list of scripted faults, each for one URL or a URL prefix,
 * a window of virtual time and a number of uses. A request looks faults up
 * by kind at each stage it reaches (xfer_model.c), in the order they were
 * added, and uses one up when it applies; so the same plan and the same
 * calls give the same faults, and a plan drawn from the seed (the
 * determinism test does this with bsim__prng) is reproducible.
 *
 * HTTP status codes: no table exists for downloads; reference §10
 * recommends the server-application table of §9.1 and says it is
 * unconfirmed, so it is the default and bsim_model_http_class overrides it
 * per code.
 */
#include <string.h>

#include "transport/model_priv.h"

void bsim_fault_init(struct bsim_fault *fault, enum bsim_fault_kind kind,
                     const char *url) {
  if (fault == NULL) return;
  memset(fault, 0, sizeof *fault);
  fault->kind = kind;
  fault->url = url;
  fault->from_ms = 0;
  fault->until_ms = UINT64_MAX;
  fault->count = 1;
  fault->http_status = 503;
  fault->bytes = 0;
}

const char *bsim__model_fault_kind_name(enum bsim_fault_kind kind) {
  switch (kind) {
  case BSIM_FAULT_HTTP_STATUS:
    return "http_status";
  case BSIM_FAULT_RESET_AFTER_BYTES:
    return "reset";
  case BSIM_FAULT_STALL:
    return "stall";
  case BSIM_FAULT_NO_RANGE:
    return "no_range";
  case BSIM_FAULT_CONNECT_FAIL:
    return "connect_fail";
  case BSIM_FAULT_CORRUPT:
    return "corrupt";
  case BSIM_FAULT_KIND_COUNT:
    break;
  }
  return "unknown";
}

static int http_status_valid(int status) {
  return status >= 100 && status <= 999 && (status < 200 || status > 299);
}

static int fault_valid(const struct bsim_fault *f) {
  if (f->url == NULL || f->url[0] == '\0' ||
      strlen(f->url) > BSIM_MAX_URL_CHARS) {
    return 0;
  }
  if ((unsigned)f->kind >= (unsigned)BSIM_FAULT_KIND_COUNT) return 0;
  if (f->from_ms >= f->until_ms) return 0;
  if ((unsigned)f->source >= (unsigned)BSIM_FAULT_SOURCE_COUNT) return 0;
  if (f->kind == BSIM_FAULT_HTTP_STATUS && !http_status_valid(f->http_status))
    return 0;
  return 1;
}

static bsim_hr faults_reserve(struct bsim__model *m) {
  if (m->fault_count < m->fault_cap) return BSIM_S_OK;
  size_t cap = m->fault_cap == 0 ? 8 : m->fault_cap * 2;
  struct bsim__model_fault *grown =
      bsim__realloc(m->faults, cap * sizeof *grown);
  if (grown == NULL) return BSIM_E_OUTOFMEMORY;
  m->faults = grown;
  m->fault_cap = cap;
  /* f.url points into each record's own copy: fix them after the move. */
  for (size_t i = 0; i < m->fault_count; i++) {
    m->faults[i].f.url = m->faults[i].url;
  }
  return BSIM_S_OK;
}

bsim_hr bsim_fault_add(bsim_manager *mgr, const struct bsim_fault *f) {
  if (mgr == NULL || f == NULL || !fault_valid(f)) return BSIM_E_INVALIDARG;
  char *url = bsim__strdup(f->url);
  if (url == NULL) return BSIM_E_OUTOFMEMORY;
  bsim__lock(mgr);
  struct bsim__model *m = bsim__model_of(mgr);
  bsim_hr hr = faults_reserve(m);
  if (BSIM_SUCCEEDED(hr)) {
    struct bsim__model_fault *mf = &m->faults[m->fault_count++];
    memset(mf, 0, sizeof *mf);
    mf->f = *f;
    mf->url = url;
    mf->f.url = url;
    mf->url_len = strlen(url);
    mf->prefix = url[mf->url_len - 1] == '*';
    if (mf->prefix) mf->url_len--;
    url = NULL;
  }
  bsim__unlock(mgr);
  bsim__free(url);
  return hr;
}

static int fault_matches(const struct bsim__model_fault *mf,
                         enum bsim_fault_kind kind, const char *url,
                         uint64_t req_ms, int src) {
  if (mf->f.kind != kind) return 0;
  if (mf->f.source != BSIM_FAULT_SOURCE_ANY && src != BSIM_FAULT_SOURCE_ANY &&
      mf->f.source != src) {
    return 0;
  }
  if (mf->f.count != 0 && mf->used >= mf->f.count) return 0;
  if (req_ms < mf->f.from_ms || req_ms >= mf->f.until_ms) return 0;
  if (strncmp(url, mf->url, mf->url_len) != 0) return 0;
  return mf->prefix || url[mf->url_len] == '\0';
}

static const struct bsim__model_fault *take(struct bsim__model *m,
                                            enum bsim_fault_kind kind,
                                            const char *url, uint64_t req_ms,
                                            int src) {
  for (size_t i = 0; i < m->fault_count; i++) {
    struct bsim__model_fault *mf = &m->faults[i];
    if (fault_matches(mf, kind, url, req_ms, src)) {
      mf->used++;
      return mf;
    }
  }
  return NULL;
}

const struct bsim__model_fault *
bsim__model_fault_take(struct bsim__model *m, enum bsim_fault_kind kind,
                       const char *url, uint64_t req_ms) {
  return take(m, kind, url, req_ms, BSIM_FAULT_SOURCE_ANY);
}

const struct bsim__model_fault *
bsim__model_fault_take_src(struct bsim__model *m, enum bsim_fault_kind kind,
                           const char *url, uint64_t req_ms, int from_peer) {
  return take(m, kind, url, req_ms,
              from_peer ? BSIM_FAULT_SOURCE_PEER : BSIM_FAULT_SOURCE_ORIGIN);
}

/* Reference §9.1, applied to downloads as §10 recommends (unconfirmed). */
static int table_fatal(int status) {
  if (status >= 300 && status <= 399) {
    return (status >= 300 && status <= 305) || status == 307;
  }
  if (status >= 400 && status <= 499) return status != 408 && status != 409;
  if (status >= 500 && status <= 599) return status == 501 || status == 505;
  return 0;
}

int bsim__model_http_fatal(const struct bsim__model *m, int status) {
  if (status >= 0 && status < 1000 && m->http_class[status] >= 0) {
    return m->http_class[status];
  }
  return table_fatal(status);
}

bsim_hr bsim_model_http_class(bsim_manager *mgr, int status, int fatal) {
  if (mgr == NULL || !http_status_valid(status) || fatal < -1 || fatal > 1) {
    return BSIM_E_INVALIDARG;
  }
  bsim__lock(mgr);
  bsim__model_of(mgr)->http_class[status] = (int8_t)fatal;
  bsim__unlock(mgr);
  return BSIM_S_OK;
}
