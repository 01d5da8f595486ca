/* bitsim — peer caches in the model (reference §7, §11).
 *
 * A peer is a modelled host added with opts.peer = 1. It holds copies of
 * origin files, listed here in the order bsim_model_peer_add made them. A
 * request for an origin URL goes to the first peer holding a live copy and
 * up at that moment (xfer_model.c model_start), else to the origin, as
 * BranchCache falls back to the origin when no peer answers (§11). The
 * copy's bytes are the origin's current content, made from the seed; a
 * fault whose source is PEER (model_faults.c) corrupts what a peer sends,
 * which is how a scenario makes a corrupt copy.
 *
 * When a job rejects content that came from a peer (SetValidationState
 * FALSE, §7), the engine calls bsim__model_peer_drop: every copy of that
 * URL is marked dropped and never serves again, so the file is fetched
 * from the origin. Copies are never freed before the model: the list is
 * small (a scenario's worth) and dropping keeps the order of the others.
 */
#include <string.h>

#include "transport/model_priv.h"

/* The modelled host named host_name, NULL when unknown. */
static struct bsim__model_host *find_host(struct bsim__model *m,
                                          const char *host_name) {
  return bsim__model_host_find(m, host_name, strlen(host_name));
}

static int url_ok(const char *url) {
  size_t len;
  return url != NULL && strlen(url) <= BSIM_MAX_URL_CHARS &&
         bsim__model_url_host(url, &len) != NULL && len > 0;
}

static bsim_hr copies_reserve(struct bsim__model *m) {
  if (m->peer_count < m->peer_cap) return BSIM_S_OK;
  size_t cap = m->peer_cap == 0 ? 4 : m->peer_cap * 2;
  struct bsim__model_peer_copy *grown =
      bsim__realloc(m->peers, cap * sizeof *grown);
  if (grown == NULL) return BSIM_E_OUTOFMEMORY;
  m->peers = grown;
  m->peer_cap = cap;
  return BSIM_S_OK;
}

static void trace_copy(struct bsim__model *m, const char *what,
                       const struct bsim__model_peer_copy *c) {
  struct bsim__tr tr;
  if (!bsim__tr_begin(&tr, m->mgr, "peer", NULL)) return;
  bsim__tr_str(&tr, "what", what);
  bsim__tr_str(&tr, "peer", c->peer->name);
  bsim__tr_str(&tr, "url", c->url);
  bsim__tr_end(&tr);
}

static bsim_hr add_locked(struct bsim__model *m, const char *peer_host,
                          char *url) {
  struct bsim__model_host *peer = find_host(m, peer_host);
  if (peer == NULL || !peer->opts.peer) return BSIM_E_NOT_FOUND;
  for (size_t i = 0; i < m->peer_count; i++) {
    struct bsim__model_peer_copy *c = &m->peers[i];
    if (c->peer == peer && strcmp(c->url, url) == 0) {
      /* Adding again refreshes a dropped copy: the peer fetched it anew. */
      c->dropped = 0;
      bsim__free(url);
      trace_copy(m, "add", c);
      return BSIM_S_OK;
    }
  }
  bsim_hr hr = copies_reserve(m);
  if (BSIM_FAILED(hr)) {
    bsim__free(url);
    return hr;
  }
  struct bsim__model_peer_copy *c = &m->peers[m->peer_count++];
  c->url = url;
  c->peer = peer;
  c->dropped = 0;
  trace_copy(m, "add", c);
  return BSIM_S_OK;
}

bsim_hr bsim_model_peer_add(bsim_manager *mgr, const char *peer_host,
                            const char *url) {
  if (mgr == NULL || peer_host == NULL || !url_ok(url)) {
    return BSIM_E_INVALIDARG;
  }
  char *copy = bsim__strdup(url);
  if (copy == NULL) return BSIM_E_OUTOFMEMORY;
  bsim__lock(mgr);
  bsim_hr hr = add_locked(bsim__model_of(mgr), peer_host, copy);
  bsim__unlock(mgr);
  return hr;
}

bsim_hr bsim_model_peer_holds(bsim_manager *mgr, const char *peer_host,
                              const char *url, int *out) {
  if (mgr == NULL || peer_host == NULL || url == NULL || out == NULL) {
    return BSIM_E_INVALIDARG;
  }
  *out = 0;
  bsim__lock(mgr);
  struct bsim__model *m = bsim__model_of(mgr);
  struct bsim__model_host *peer = find_host(m, peer_host);
  bsim_hr hr = peer == NULL ? BSIM_E_NOT_FOUND : BSIM_S_OK;
  for (size_t i = 0; peer != NULL && i < m->peer_count; i++) {
    const struct bsim__model_peer_copy *c = &m->peers[i];
    if (c->peer == peer && !c->dropped && strcmp(c->url, url) == 0) *out = 1;
  }
  bsim__unlock(mgr);
  return hr;
}

struct bsim__model_host *
bsim__model_peer_for(struct bsim__model *m, const char *url, uint64_t now_ms) {
  for (size_t i = 0; i < m->peer_count; i++) {
    const struct bsim__model_peer_copy *c = &m->peers[i];
    if (c->dropped || strcmp(c->url, url) != 0) continue;
    if (bsim__model_host_down(c->peer, now_ms)) continue;
    return c->peer;
  }
  return NULL;
}

void bsim__model_peer_drop(bsim_manager *mgr, const char *url) {
  struct bsim__model *m = bsim__model_of(mgr);
  for (size_t i = 0; i < m->peer_count; i++) {
    struct bsim__model_peer_copy *c = &m->peers[i];
    if (c->dropped || strcmp(c->url, url) != 0) continue;
    c->dropped = 1;
    trace_copy(m, "drop", c);
  }
}

void bsim__model_peers_free(struct bsim__model *m) {
  for (size_t i = 0; i < m->peer_count; i++)
    bsim__free(m->peers[i].url);
  bsim__free(m->peers);
  m->peers = NULL;
  m->peer_count = m->peer_cap = 0;
}
