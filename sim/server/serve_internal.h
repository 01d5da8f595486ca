/* bitsim — what the files of sim/server/ share: the server object, the
 * per-request context, and the bsim__serve_* functions one file offers the
 * others.
 *
 * The server runs on libmicrohttpd's threads, one per connection (so a
 * stalled or dripping response may block its own thread without holding up
 * anyone else). srv->lock guards every mutable field of struct bsim_serve:
 * faults, per-path counters, sessions. It is never held while a response
 * body is produced or while waiting, only around table updates.
 */
#ifndef BSIM_SERVE_INTERNAL_H
#define BSIM_SERVE_INTERNAL_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <microhttpd.h>
#include <uv.h>

#include "bitsim/serve.h"

/** Counters and content version of one requested path. Entries live until
 * the server stops, so a response body may keep a pointer to its own. */
struct serve_entry {
  struct serve_entry *next; /* hash chain */
  struct bsim_serve_stats stats;
  uint32_t version; /* bumped by each CHANGE fault that applies */
  char path[];
};

/** A fault as the server holds it: the script plus how often it matched. */
struct serve_fault_slot {
  struct bsim_serve_fault f;
  uint64_t seen;  /* matching requests so far */
  uint64_t fired; /* requests it applied to */
};

/** One BITS upload session ([MC-BUP] BITSSessionWrapper, reference §9.1). */
struct serve_session {
  struct serve_session *next;
  char id[40];         /* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" */
  char *rel_path;      /* the upload's target, relative to upload_dir */
  char part_name[32];  /* partial file in the partial directory */
  char reply_name[32]; /* FIXED reply file in the partial directory */
  uint64_t total;      /* UINT64_MAX until the first fragment */
  uint64_t received;   /* the next byte wanted */
  uint64_t last_ms;    /* last activity, for the session timeout */
  int complete;        /* the file is in place */
  int has_reply;       /* a reply is offered */
};

/** The faults that apply to one request, reduced to their numbers. */
struct serve_plan {
  unsigned mask; /* 1u << kind for each kind that applies */
  int status;
  bsim_hr bits_error;
  uint32_t bits_context;
  uint64_t reset_after;
  uint64_t stall_after;
  uint32_t stall_ms;
  uint64_t drip_bytes;
  uint32_t drip_ms;
  int64_t length_delta;
  uint64_t corrupt_offset;
  uint64_t corrupt_length;
  uint32_t version; /* the path's content version after this request */
  char location[BSIM_SERVE_FAULT_PATH_MAX]; /* REDIRECT (status 3xx) */
};

#define SERVE_HAS(plan, kind) (((plan)->mask & (1u << (kind))) != 0)

/** One request in flight (MHD's per-request context pointer). */
struct serve_request {
  struct serve_entry *entry; /* NULL once the path table is full */
  struct serve_plan plan;
  int is_bits; /* BITS_POST */
  char *body;  /* BITS_POST body, held until complete */
  size_t body_len;
  size_t body_cap;
  uint64_t body_limit; /* bytes accepted; beyond, the connection closes */
  uint64_t body_seen;  /* bytes received (kept or not) */
};

struct bsim_serve {
  struct MHD_Daemon *daemon;
  uint16_t port;
  uv_mutex_t lock;
  uv_cond_t wake; /* broadcast on stop: ends every wait */
  int stopping;
  int root_fd;                    /* -1 when absent */
  int peer_fd;                    /* -1 when absent */
  int upload_fd;                  /* -1 when uploads are disabled */
  int partial_fd;                 /* <upload_dir>/.bitsim-partial */
  struct bsim_serve_options opts; /* strings below are owned copies */
  char *reply_body;
  char *reply_path;
  struct serve_fault_slot *faults;
  size_t fault_count;
  struct serve_entry **buckets;
  size_t bucket_count;
  size_t entry_count;
  struct bsim_serve_stats totals;
  struct serve_session *sessions;
  uint32_t session_count;
  uint64_t id_state; /* session ids: bsim__mix64 of a counter */
  uint64_t part_seq; /* partial file names */
};

/* ---- serve.c ------------------------------------------------------------ */
/** The server's clock (options.clock_ms or the monotonic clock), in ms. */
uint64_t bsim__serve_now_ms(bsim_serve *srv);
/** Block for ms (capped at stall_max_ms) unless the server stops first.
 * Returns 0 after the full wait, -1 when stopping. Takes the lock. */
int bsim__serve_wait(bsim_serve *srv, uint32_t ms);
/** Add n to the body-bytes counters of entry and the totals. */
void bsim__serve_count_body(bsim_serve *srv, struct serve_entry *entry,
                            uint64_t n);
/** Count the status and queue resp; destroys resp. A RESET fault on a
 * BITS_POST drops the answer instead (a lost Ack): returns MHD_NO, which
 * closes the connection. */
enum MHD_Result bsim__serve_queue(bsim_serve *srv, struct MHD_Connection *conn,
                                  struct serve_request *req, unsigned status,
                                  struct MHD_Response *resp);
/** Queue a short text answer ("404 Not Found\n"). */
enum MHD_Result bsim__serve_text(bsim_serve *srv, struct MHD_Connection *conn,
                                 struct serve_request *req, unsigned status,
                                 const char *text);
/** Parse decimal digits (no sign, no overflow) at s. Returns the first byte
 * after them, or NULL when there is no digit or the value overflows. */
const char *bsim__serve_parse_u64(const char *s, uint64_t *out);

/* ---- serve_fs.c: paths and files, never outside their directory --------- */
/** Check a decoded URL path (after the route prefix, without the leading
 * '/'): no empty, "." or ".." component, no backslash or control byte,
 * bounded lengths. Returns 0 when acceptable, -1 otherwise. */
int bsim__serve_path_ok(const char *rel);
/** Open the directory holding rel's last component, walking from dir_fd
 * without following symlinks; with create, missing directories are made.
 * On success returns a new fd and sets *leaf into rel; else -1 with errno
 * (ELOOP for a symlink on the way). */
int bsim__serve_open_parent(int dir_fd, const char *rel, int create,
                            const char **leaf);
/** Open the regular file rel under dir_fd for reading, without following
 * symlinks. Returns the fd and fills st, or -1 with errno (ELOOP: symlink,
 * EISDIR/EPERM: not a regular file). */
int bsim__serve_open_file(int dir_fd, const char *rel, struct stat *st);

/* ---- serve_files.c: GET/HEAD with Range and faults ---------------------- */
/** Answer GET or HEAD for the regular file rel under dir_fd; extra_name and
 * extra_value (may be NULL) add one response header. */
enum MHD_Result bsim__serve_file(bsim_serve *srv, struct MHD_Connection *conn,
                                 struct serve_request *req, int dir_fd,
                                 const char *rel, const char *extra_name,
                                 const char *extra_value);
/** The same for an open fd (taken over: closed when the answer is done). */
enum MHD_Result bsim__serve_fd(bsim_serve *srv, struct MHD_Connection *conn,
                               struct serve_request *req, int fd,
                               const struct stat *st, const char *extra_name,
                               const char *extra_value);

/* ---- serve_faults.c ----------------------------------------------------- */
/** Match the request against the faults and fill plan (lock held). */
void bsim__serve_fault_plan(bsim_serve *srv, const char *path,
                            const char *method, struct serve_entry *entry,
                            struct serve_plan *plan);
/** Answer a REDIRECT fault: plan->status with Location: plan->location. */
enum MHD_Result bsim__serve_redirect(bsim_serve *srv,
                                     struct MHD_Connection *conn,
                                     struct serve_request *req);

/* ---- serve_upload.c: the BITS upload protocol --------------------------- */
/** Answer a complete BITS_POST request (body in req). */
enum MHD_Result bsim__serve_bits(bsim_serve *srv, struct MHD_Connection *conn,
                                 struct serve_request *req, const char *url);
/** Answer an early BITS_POST refusal before its body is read (the body is
 * larger than max_fragment_bytes). */
enum MHD_Result bsim__serve_bits_too_large(bsim_serve *srv,
                                           struct MHD_Connection *conn,
                                           struct serve_request *req);
/** GET/HEAD of /bitsim-reply/<id>. */
enum MHD_Result bsim__serve_reply(bsim_serve *srv, struct MHD_Connection *conn,
                                  struct serve_request *req, const char *id);
/** Drop sessions idle longer than the timeout (lock held). */
void bsim__serve_sessions_sweep(bsim_serve *srv);
/** Drop every session and its files (stop). */
void bsim__serve_sessions_free(bsim_serve *srv);

/* ---- serve_peer.c ------------------------------------------------------- */
/** GET/HEAD of /peer/<rel>: the peer cache's copy. */
enum MHD_Result bsim__serve_peer(bsim_serve *srv, struct MHD_Connection *conn,
                                 struct serve_request *req, const char *rel);

#endif /* BSIM_SERVE_INTERNAL_H */
