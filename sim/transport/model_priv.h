/* bitsim — the model transport's private interface, shared by its files:
 *   model_map.c     string-keyed hash tables and the table of partial
 *                   downloads (which version each interrupted one holds)
 *   model_hosts.c   hosts, their options and scheduled outages, URL parsing
 *   model_files.c   published files, their content and statistics
 *   model_faults.c  the fault plan and the HTTP status classification
 *   xfer_model.c    the transport itself: one transfer's timeline
 * (design.md "Two transports", reference §10). Nothing here touches the
 * real world: time is the engine's virtual clock, bytes are made from the
 * seed. Every function expects the engine lock held.
 */
#ifndef BSIM_TRANSPORT_MODEL_PRIV_H
#define BSIM_TRANSPORT_MODEL_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

struct bsim__model;

/* ---- hash tables (model_map.c) ------------------------------------------
 * Open addressing with linear probing; entries are never removed (hosts and
 * files live as long as the manager). */
struct bsim__model_map_entry {
  uint64_t hash;
  const char *key; /* owned by the item */
  void *item;
};
struct bsim__model_map {
  struct bsim__model_map_entry *slots;
  size_t cap; /* a power of two, or 0 */
  size_t count;
};
uint64_t bsim__model_map_hash(const char *key, size_t len);
void *bsim__model_map_find(const struct bsim__model_map *map, const char *key,
                           size_t len, uint64_t hash);
/** key must stay valid as long as the map. Returns S_OK, E_OUTOFMEMORY. */
bsim_hr bsim__model_map_insert(struct bsim__model_map *map, const char *key,
                               uint64_t hash, void *item);
void bsim__model_map_free(struct bsim__model_map *map);

/* Downloads interrupted part way: which version of which file the bytes in
 * the temporary file came from, so a resume can tell that the file was
 * re-published meanwhile (reference §10 "Consistency"). Keyed by job id and
 * file index. */
struct bsim__model_partial {
  bsim_guid job_id;
  uint32_t file_index;
  uint32_t version;
  const struct bsim__model_file *file;
};
struct bsim__model_partials {
  struct bsim__model_partial *slots; /* file == NULL marks an empty slot */
  size_t cap;
  size_t count;
};
const struct bsim__model_partial *
bsim__model_partial_find(const struct bsim__model_partials *p,
                         const bsim_guid *job_id, uint32_t file_index);
/** Insert or update. Returns S_OK, E_OUTOFMEMORY (the record is then
 * missing, and the change goes unnoticed), E_OUTOFMEMORY past the cap. */
bsim_hr bsim__model_partial_put(struct bsim__model_partials *p,
                                const bsim_guid *job_id, uint32_t file_index,
                                const struct bsim__model_file *file,
                                uint32_t version);
void bsim__model_partial_remove(struct bsim__model_partials *p,
                                const bsim_guid *job_id, uint32_t file_index);
void bsim__model_partials_free(struct bsim__model_partials *p);

/* ---- hosts (model_hosts.c) ---------------------------------------------- */
struct bsim__model_outage {
  uint64_t start_ms;
  uint64_t end_ms; /* exclusive; saturates at UINT64_MAX */
};
struct bsim__model_host {
  char *name; /* lower case, as in URLs: "cdn.example.test:8080" */
  struct bsim_model_host_options opts;
  struct bsim__model_outage *outages; /* sorted, disjoint, not touching */
  size_t outage_count;
  size_t outage_cap;
};
/** The host part of an http(s) URL ("host[:port]", without user info), or
 * NULL if url is not http(s). *len is its length. */
const char *bsim__model_url_host(const char *url, size_t *len);
struct bsim__model_host *bsim__model_host_find(struct bsim__model *m,
                                               const char *name, size_t len);
/** Nonzero while the host is in an outage at t_ms. */
int bsim__model_host_down(const struct bsim__model_host *host, uint64_t t_ms);
/** The first outage start after t_ms, or UINT64_MAX. */
uint64_t bsim__model_host_next_outage(const struct bsim__model_host *host,
                                      uint64_t t_ms);
void bsim__model_host_free(struct bsim__model_host *host);

/* ---- files (model_files.c) ---------------------------------------------- */
struct bsim__model_file {
  char *url;
  struct bsim__model_host *host;
  uint64_t size;
  uint64_t key; /* content key of the current version */
  uint64_t url_key;
  struct bsim_model_file_stats stats;
};
struct bsim__model_file *bsim__model_file_find(struct bsim__model *m,
                                               const char *url);
/** len bytes of the content with key, from offset. */
void bsim__model_content(uint64_t key, uint64_t offset, void *buf, size_t len);
void bsim__model_file_free(struct bsim__model_file *file);

/* ---- faults (model_faults.c) -------------------------------------------- */
struct bsim__model_fault {
  struct bsim_fault f; /* f.url points at url */
  char *url;
  size_t url_len; /* without the '*' of a prefix */
  int prefix;
  uint32_t used;
};
/** The first fault of kind that applies to a request for url made at
 * req_ms; uses up one of its count. NULL if none. */
const struct bsim__model_fault *
bsim__model_fault_take(struct bsim__model *m, enum bsim_fault_kind kind,
                       const char *url, uint64_t req_ms);
/** As bsim__model_fault_take, for a request a peer (from_peer 1) or the
 * origin (0) serves: faults with another source are skipped. */
const struct bsim__model_fault *
bsim__model_fault_take_src(struct bsim__model *m, enum bsim_fault_kind kind,
                           const char *url, uint64_t req_ms, int from_peer);
/** Nonzero if status ends a download in ERROR (reference §9.1 table, or the
 * override). */
int bsim__model_http_fatal(const struct bsim__model *m, int status);
const char *bsim__model_fault_kind_name(enum bsim_fault_kind kind);

/* ---- peer copies (model_peers.c, reference §7, §11) -------------------- */
struct bsim__model_peer_copy {
  char *url;                     /* the origin URL copied */
  struct bsim__model_host *peer; /* the peer host holding it */
  int dropped;                   /* rejected by validation */
};
/** The peer serving a request for url made at now_ms, or NULL (origin). */
struct bsim__model_host *bsim__model_peer_for(struct bsim__model *m,
                                              const char *url, uint64_t now_ms);
void bsim__model_peers_free(struct bsim__model *m);

/* ---- the model (xfer_model.c) ------------------------------------------- */
struct bsim__model_xfer;
struct bsim__model {
  bsim_manager *mgr;
  struct bsim__model_map hosts;
  struct bsim__model_map files;
  struct bsim__model_partials partials;
  struct bsim__model_fault *faults;
  size_t fault_count;
  size_t fault_cap;
  struct bsim__model_xfer
      *active;                   /* transfers in flight, a doubly linked list */
  struct bsim__model_xfer *pool; /* finished records kept for reuse */
  size_t pool_count;
  unsigned char *chunk;    /* 64 KiB of content on its way to disk */
  int8_t http_class[1000]; /* -1: table; 0 transient; 1 fatal */
  struct bsim__model_peer_copy *peers; /* in the order added */
  size_t peer_count;
  size_t peer_cap;
};
/** The manager's model (the lock held). */
struct bsim__model *bsim__model_of(bsim_manager *mgr);
/** Call before and after changing a host's options or outages: before, it
 * settles the transfers in flight on host up to now under the old options;
 * after, it plans their next steps under the new ones. */
void bsim__model_host_changed(struct bsim__model *m,
                              struct bsim__model_host *host);

#endif /* BSIM_TRANSPORT_MODEL_PRIV_H */
