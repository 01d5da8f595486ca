/* bitsim — the store seam: where the job queue is kept across restarts
 * (design.md "Durable store", reference §13).
 *
 * The engine (sim/engine/persist.c) turns a job into a flat record and
 * hands it to an ops table; it never sees SQL. Two implementations:
 * store_mem.c (the default: nothing is kept, the queue lives and dies with
 * the manager) and store_sqlite.c (SQLite in WAL mode, the only file that
 * includes <sqlite3.h>).
 *
 * Transactions: save_job and delete_job go into one open transaction,
 * begun on the first of them; commit makes everything since durable at
 * once (one fsync of the WAL), so the engine decides how many changes a
 * commit groups. Records borrow their strings from the job; nothing here
 * keeps a pointer past the call.
 */
#ifndef BSIM_STORE_STORE_H
#define BSIM_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "bitsim/hr.h"
#include "bitsim/types.h"

/** The schema version this build writes; older stores are migrated on
 * open, newer ones refused. */
#define BSIM__STORE_SCHEMA_VERSION 6

struct bsim__store_file {
  const char *remote;
  const char *local;
  uint64_t bytes_total;
  uint64_t bytes_done; /* the resume offset: bytes fsynced in the temp file */
  uint32_t temp_id;
  uint8_t transferred;
  uint8_t completed;
  uint8_t temp_made;
  uint8_t from_peer;
  uint8_t valid;     /* SetValidationState(TRUE) (reference §7) */
  uint8_t peer_held; /* a byte in the temporary file came from a peer */
  uint64_t bytes_origin, bytes_peers; /* GetPeerDownloadStats */
  /* AddFileWithRanges (reference §1.6): as given; NULL/0 = whole file */
  const struct bsim_file_range *ranges;
  uint32_t range_count;
  const char *validator; /* the If-Range value of the bytes kept, or NULL */
};

/** One job, as kept. Times in ms: *_unix_ms on the wall clock, the others
 * on the manager's monotonic clock (UINT64_MAX = not running).
 *
 * Two kinds of field: what changes with every state change and every
 * checkpoint (state, error, timers, counters, the files' progress: "hot")
 * and what changes rarely (names, owner, options, the files' names:
 * "cold"). The engine says with cold_changed whether any cold field
 * differs from what was last saved, so the common save rewrites one small
 * row (docs/store.md "Schema"). */
struct bsim__store_job {
  const char *id; /* "{GUID}" */
  const char *owner;
  int owner_admin;
  uint32_t state, type, priority, proxy_usage;
  uint32_t notify_flags, min_retry_delay_s, no_progress_timeout_s;
  uint32_t max_download_time_s, error_count, cur_file;
  const char *display_name, *description, *proxy_list, *bypass_list;
  int has_error;
  int64_t err_code, err_context, err_file_index, err_http_status;
  int64_t created_unix_ms, modified_unix_ms, completed_unix_ms;
  uint64_t te_since_ms, noprog_since_ms, active_acc_ms, last_activity_ms;
  uint64_t create_seq;
  uint32_t notify_failures; /* GetNotifyFailures (reference §6) */
  /* SetNotifyCmdLine (reference §6, §13): program (NULL: none) and its
   * argv packed as NUL-terminated strings, cmd_args_len bytes. */
  const char *cmd_program;
  const char *cmd_args;
  size_t cmd_args_len;
  /* HttpOptions (reference §1.13) and credentials (§1.5): the headers
   * (NULL: none), the BG_SSL_* and redirect flags, the bandwidth cap, and
   * the credentials packed by bsim__http_pack (NULL: none). */
  const char *custom_headers;
  uint32_t security_flags;
  uint64_t max_bytes_per_s;
  const void *credentials;
  size_t credentials_len;
  /* Upload-reply (§9): SetReplyFileName (NULL: generated) and progress. */
  const char *reply_name;
  uint64_t reply_total, reply_done;
  int reply_frozen; /* the first Resume fixed the reply name */
  uint32_t file_count;
  const struct bsim__store_file *files;
  int cold_changed; /* save: 0 keeps the stored cold fields as they are */
};

/** Manager-wide position: where time and the trace stood at the commit. */
struct bsim__store_meta {
  uint64_t now_ms;           /* monotonic clock */
  int64_t wall_base_unix_ms; /* wall clock at monotonic 0 */
  uint64_t create_seq;       /* the last creation number handed out */
  uint64_t trace_seq;        /* trace lines written so far */
  int present;               /* load: nonzero if the store had a position */
};

typedef bsim_hr (*bsim__store_job_cb)(void *user,
                                      const struct bsim__store_job *rec);

struct bsim__store_ops {
  const char *name;
  /** Open (creating, migrating) the store at path. On failure why holds a
   * sentence naming the file. Returns S_OK, BG_E_DATABASE_CORRUPT (not a
   * store, damaged, or from a newer version), E_WIN32_SHARING_VIOLATION
   * (locked by another process), E_WIN32_DISK_FULL, E_ACCESSDENIED,
   * E_OUTOFMEMORY. */
  bsim_hr (*open)(const char *path, void **ctx_out, char *why, size_t cap);
  /** Read the position, then every job in creation order: meta is filled
   * before the first call of cb. */
  bsim_hr (*load)(void *ctx, struct bsim__store_meta *meta,
                  bsim__store_job_cb cb, void *user);
  bsim_hr (*save_job)(void *ctx, const struct bsim__store_job *rec);
  bsim_hr (*delete_job)(void *ctx, const char *id, uint64_t create_seq);
  /** Make every save and delete since the last commit durable. */
  bsim_hr (*commit)(void *ctx, const struct bsim__store_meta *meta);
  /** A sentence on the last failure, naming the file. */
  const char *(*last_error)(void *ctx);
  void (*close)(void *ctx);
};

extern const struct bsim__store_ops bsim__store_sqlite_ops;
extern const struct bsim__store_ops bsim__store_mem_ops;

#endif /* BSIM_STORE_STORE_H */
