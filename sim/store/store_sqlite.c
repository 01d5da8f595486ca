/* bitsim — the durable store on SQLite (design.md "Durable store",
 * reference §13): the one file of the project that includes <sqlite3.h>.
 *
 * The database runs in WAL mode with synchronous=FULL, so a commit is on
 * disk when it returns; it is opened with locking_mode=EXCLUSIVE and the
 * write lock taken at once, so a second process opening the same store is
 * refused (E_WIN32_SHARING_VIOLATION) instead of interleaving its writes.
 *
 * Schema (docs/store.md): meta(key, value) for the position of time and
 * trace, jobs(one row per live job), files(one row per file of a job).
 * PRAGMA user_version carries the schema version; open migrates older
 * stores step by step in one transaction and refuses newer ones. A file
 * SQLite cannot read is reported as BG_E_DATABASE_CORRUPT and left as it
 * is: nothing here deletes or recreates a store.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "store/store.h"

enum { ST_JOB, ST_FILE, ST_DEL_JOB, ST_DEL_FILES, ST_META, ST_COUNT };

struct sqlite_store {
  sqlite3 *db;
  sqlite3_stmt *st[ST_COUNT];
  int in_tx;
  struct bsim__store_meta written; /* what meta holds: unchanged keys are
                                      not written again */
  char *path;
  char why[512];
};

/* Each step takes the schema from version i to i + 1. */
static const char *const migrations[BSIM__STORE_SCHEMA_VERSION] = {
    /* 0 -> 1: the first schema. */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE jobs(id TEXT PRIMARY KEY, owner TEXT NOT NULL,"
    " owner_admin INTEGER, state INTEGER, type INTEGER, priority INTEGER,"
    " proxy_usage INTEGER, notify_flags INTEGER, min_retry_delay_s INTEGER,"
    " no_progress_timeout_s INTEGER, max_download_time_s INTEGER,"
    " error_count INTEGER, cur_file INTEGER, display_name TEXT,"
    " description TEXT, proxy_list TEXT, bypass_list TEXT,"
    " has_error INTEGER, err_code INTEGER, err_context INTEGER,"
    " err_file_index INTEGER, err_http_status INTEGER,"
    " created_unix_ms INTEGER, modified_unix_ms INTEGER,"
    " completed_unix_ms INTEGER, te_since_ms INTEGER,"
    " noprog_since_ms INTEGER, active_acc_ms INTEGER,"
    " last_activity_ms INTEGER, create_seq INTEGER) WITHOUT ROWID;"
    "CREATE TABLE files(job_id TEXT, idx INTEGER, remote TEXT, local TEXT,"
    " bytes_total INTEGER, bytes_done INTEGER, temp_id INTEGER,"
    " transferred INTEGER, completed INTEGER, temp_made INTEGER,"
    " from_peer INTEGER, PRIMARY KEY(job_id, idx)) WITHOUT ROWID;",
    /* 1 -> 2: load in creation order without sorting. */
    "CREATE INDEX IF NOT EXISTS jobs_by_seq ON jobs(create_seq);",
    /* 2 -> 3: validation state and peer statistics of files (§7, §11). */
    "ALTER TABLE files ADD COLUMN valid INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE files ADD COLUMN peer_held INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE files ADD COLUMN bytes_origin INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE files ADD COLUMN bytes_peers INTEGER NOT NULL DEFAULT 0;",
    /* 3 -> 4: callbacks that did not deliver (reference §6). */
    "ALTER TABLE jobs ADD COLUMN notify_failures INTEGER NOT NULL DEFAULT 0;",
    /* 4 -> 5: the notify command line (reference §13). */
    "ALTER TABLE jobs ADD COLUMN cmd_program TEXT;"
    "ALTER TABLE jobs ADD COLUMN cmd_args BLOB;",
};

static const char *const sql[ST_COUNT] = {
    [ST_JOB] = "INSERT OR REPLACE INTO jobs VALUES(?,?,?,?,?,?,?,?,?,?,?,?,"
               "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_FILE] = "INSERT OR REPLACE INTO files VALUES(?,?,?,?,?,?,?,?,?,?,?,"
                "?,?,?,?)",
    [ST_DEL_JOB] = "DELETE FROM jobs WHERE id = ?",
    [ST_DEL_FILES] = "DELETE FROM files WHERE job_id = ?",
    [ST_META] = "INSERT OR REPLACE INTO meta VALUES(?, ?)",
};

static bsim_hr hr_of(int rc) {
  switch (rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_DONE:
  case SQLITE_ROW:
    return BSIM_S_OK;
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB:
  case SQLITE_FORMAT:
  case SQLITE_SCHEMA:
    return BSIM_E_DATABASE_CORRUPT;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return BSIM_E_WIN32_SHARING_VIOLATION;
  case SQLITE_FULL:
    return BSIM_E_WIN32_DISK_FULL;
  case SQLITE_CANTOPEN:
  case SQLITE_PERM:
  case SQLITE_READONLY:
  case SQLITE_AUTH:
    return BSIM_E_ACCESSDENIED;
  case SQLITE_NOMEM:
    return BSIM_E_OUTOFMEMORY;
  default:
    return BSIM_E_FAIL;
  }
}

/* Record a failure as a sentence naming the file; returns its HRESULT. */
static bsim_hr fail(struct sqlite_store *s, int rc, const char *doing) {
  bsim_hr hr = hr_of(rc);
  const char *what = s->db != NULL ? sqlite3_errmsg(s->db) : "";
  if (hr == BSIM_E_DATABASE_CORRUPT) what = "not a readable job store";
  if (hr == BSIM_E_WIN32_SHARING_VIOLATION) {
    what = "locked by another process";
  }
  snprintf(s->why, sizeof s->why, "job store %s: %s while %s (%s)", s->path,
           what, doing, sqlite3_errstr(rc));
  return hr;
}

static int exec(struct sqlite_store *s, const char *text) {
  return sqlite3_exec(s->db, text, NULL, NULL, NULL);
}

static int user_version(struct sqlite_store *s, int *out) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    *out = sqlite3_column_int(st, 0);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  return rc;
}

/* Bring the schema to this build's version in one transaction. */
static bsim_hr migrate(struct sqlite_store *s) {
  int version = 0;
  int rc = exec(s, "BEGIN IMMEDIATE");
  if (rc == SQLITE_OK) rc = user_version(s, &version);
  if (rc != SQLITE_OK) {
    exec(s, "ROLLBACK");
    return fail(s, rc, "reading the schema version");
  }
  if (version > BSIM__STORE_SCHEMA_VERSION || version < 0) {
    exec(s, "ROLLBACK");
    snprintf(s->why, sizeof s->why,
             "job store %s: schema version %d is newer than this build "
             "reads (%d); refusing to open it",
             s->path, version, BSIM__STORE_SCHEMA_VERSION);
    return BSIM_E_DATABASE_CORRUPT;
  }
  for (int v = version; v < BSIM__STORE_SCHEMA_VERSION && rc == SQLITE_OK;
       v++) {
    rc = exec(s, migrations[v]);
  }
  if (rc == SQLITE_OK && version != BSIM__STORE_SCHEMA_VERSION) {
    char pragma[48];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d",
             BSIM__STORE_SCHEMA_VERSION);
    rc = exec(s, pragma);
  }
  if (rc == SQLITE_OK) rc = exec(s, "COMMIT");
  if (rc != SQLITE_OK) {
    bsim_hr hr = fail(s, rc, "migrating the schema");
    exec(s, "ROLLBACK");
    return hr;
  }
  return BSIM_S_OK;
}

static bsim_hr configure(struct sqlite_store *s) {
  int rc = exec(s, "PRAGMA locking_mode = EXCLUSIVE");
  if (rc != SQLITE_OK) return fail(s, rc, "locking");
  /* The first read: a file that is not a database fails here, before
   * anything is written to it. */
  rc = exec(s, "PRAGMA journal_mode = WAL");
  if (rc != SQLITE_OK) return fail(s, rc, "entering WAL mode");
  rc = exec(s, "PRAGMA synchronous = FULL");
  if (rc != SQLITE_OK) return fail(s, rc, "setting synchronous");
  bsim_hr hr = migrate(s);
  if (BSIM_FAILED(hr)) return hr;
  rc = exec(s, "PRAGMA quick_check(1)");
  if (rc != SQLITE_OK) return fail(s, rc, "checking integrity");
  for (int i = 0; i < ST_COUNT; i++) {
    rc = sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &s->st[i], NULL);
    if (rc != SQLITE_OK) return fail(s, rc, "preparing statements");
  }
  return BSIM_S_OK;
}

static void sqlite_close(void *ctx) {
  struct sqlite_store *s = ctx;
  if (s == NULL) return;
  if (s->in_tx) exec(s, "ROLLBACK");
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(s->st[i]);
  sqlite3_close(s->db);
  bsim__free(s->path);
  bsim__free(s);
}

static bsim_hr sqlite_open(const char *path, void **ctx_out, char *why,
                           size_t cap) {
  *ctx_out = NULL;
  struct sqlite_store *s = bsim__calloc(1, sizeof *s);
  if (s == NULL || (s->path = bsim__strdup(path)) == NULL) {
    bsim__free(s);
    snprintf(why, cap, "job store %s: out of memory", path);
    return BSIM_E_OUTOFMEMORY;
  }
  int rc = sqlite3_open_v2(
      path, &s->db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  bsim_hr hr = rc == SQLITE_OK ? configure(s) : fail(s, rc, "opening the file");
  if (BSIM_FAILED(hr)) {
    snprintf(why, cap, "%s", s->why);
    sqlite_close(s);
    return hr;
  }
  *ctx_out = s;
  return BSIM_S_OK;
}

static uint64_t col_u64(sqlite3_stmt *st, int i) {
  return (uint64_t)sqlite3_column_int64(st, i);
}
static const char *col_text(sqlite3_stmt *st, int i) {
  return (const char *)sqlite3_column_text(st, i);
}

static void free_files(struct bsim__store_file *files, uint32_t count) {
  for (uint32_t i = 0; i < count; i++)
    bsim__free((char *)files[i].remote);
}

/* The files of one job, into a growing array (freed by the caller). The
 * two strings of a file are copied into one block: column text lives only
 * until the next step. */
static int load_files(struct sqlite_store *s, const char *id,
                      struct bsim__store_file **files, uint32_t *count,
                      sqlite3_stmt *st) {
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  int rc;
  *count = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    struct bsim__store_file *grown =
        bsim__realloc(*files, (*count + 1) * sizeof **files);
    if (grown == NULL) return SQLITE_NOMEM;
    *files = grown;
    struct bsim__store_file *f = &grown[(*count)++];
    memset(f, 0, sizeof *f);
    const char *remote = col_text(st, 0), *local = col_text(st, 1);
    if (remote == NULL || local == NULL) return SQLITE_CORRUPT;
    size_t rlen = strlen(remote) + 1, llen = strlen(local) + 1;
    char *block = bsim__malloc(rlen + llen);
    if (block == NULL) return SQLITE_NOMEM;
    memcpy(block, remote, rlen);
    memcpy(block + rlen, local, llen);
    f->remote = block;
    f->local = block + rlen;
    f->bytes_total = col_u64(st, 2);
    f->bytes_done = col_u64(st, 3);
    f->temp_id = (uint32_t)sqlite3_column_int64(st, 4);
    f->transferred = (uint8_t)sqlite3_column_int(st, 5);
    f->completed = (uint8_t)sqlite3_column_int(st, 6);
    f->temp_made = (uint8_t)sqlite3_column_int(st, 7);
    f->from_peer = (uint8_t)sqlite3_column_int(st, 8);
    f->valid = (uint8_t)sqlite3_column_int(st, 9);
    f->peer_held = (uint8_t)sqlite3_column_int(st, 10);
    f->bytes_origin = col_u64(st, 11);
    f->bytes_peers = col_u64(st, 12);
  }
  (void)s;
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void row_to_job(sqlite3_stmt *st, struct bsim__store_job *r) {
  memset(r, 0, sizeof *r);
  r->id = col_text(st, 0);
  r->owner = col_text(st, 1);
  r->owner_admin = sqlite3_column_int(st, 2);
  uint32_t *u32[] = {&r->state,
                     &r->type,
                     &r->priority,
                     &r->proxy_usage,
                     &r->notify_flags,
                     &r->min_retry_delay_s,
                     &r->no_progress_timeout_s,
                     &r->max_download_time_s,
                     &r->error_count,
                     &r->cur_file};
  for (int i = 0; i < 10; i++)
    *u32[i] = (uint32_t)sqlite3_column_int64(st, 3 + i);
  r->display_name = col_text(st, 13);
  r->description = col_text(st, 14);
  r->proxy_list = col_text(st, 15);
  r->bypass_list = col_text(st, 16);
  r->has_error = sqlite3_column_int(st, 17);
  int64_t *i64[] = {&r->err_code,         &r->err_context,
                    &r->err_file_index,   &r->err_http_status,
                    &r->created_unix_ms,  &r->modified_unix_ms,
                    &r->completed_unix_ms};
  for (int i = 0; i < 7; i++)
    *i64[i] = sqlite3_column_int64(st, 18 + i);
  r->te_since_ms = col_u64(st, 25);
  r->noprog_since_ms = col_u64(st, 26);
  r->active_acc_ms = col_u64(st, 27);
  r->last_activity_ms = col_u64(st, 28);
  r->create_seq = col_u64(st, 29);
  r->notify_failures = (uint32_t)sqlite3_column_int64(st, 30);
  r->cmd_program = col_text(st, 31);
  r->cmd_args = sqlite3_column_blob(st, 32);
  r->cmd_args_len = (size_t)sqlite3_column_bytes(st, 32);
}

static int load_meta(struct sqlite_store *s, struct bsim__store_meta *meta) {
  sqlite3_stmt *st = NULL;
  memset(meta, 0, sizeof *meta);
  int rc =
      sqlite3_prepare_v2(s->db, "SELECT key, value FROM meta", -1, &st, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *key = col_text(st, 0);
    uint64_t v = col_u64(st, 1);
    meta->present = 1;
    if (key == NULL) continue;
    if (strcmp(key, "now_ms") == 0) meta->now_ms = v;
    if (strcmp(key, "wall_base_unix_ms") == 0) {
      meta->wall_base_unix_ms = (int64_t)v;
    }
    if (strcmp(key, "create_seq") == 0) meta->create_seq = v;
    if (strcmp(key, "trace_seq") == 0) meta->trace_seq = v;
    rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static bsim_hr sqlite_load(void *ctx, struct bsim__store_meta *meta,
                           bsim__store_job_cb cb, void *user) {
  struct sqlite_store *s = ctx;
  sqlite3_stmt *jobs = NULL, *files = NULL;
  struct bsim__store_file *buf = NULL;
  bsim_hr hr = BSIM_S_OK;
  int rc = load_meta(s, meta);
  if (rc == SQLITE_OK) {
    rc = sqlite3_prepare_v2(s->db, "SELECT * FROM jobs ORDER BY create_seq", -1,
                            &jobs, NULL);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_prepare_v2(s->db,
                            "SELECT remote, local, bytes_total, bytes_done, "
                            "temp_id, transferred, completed, temp_made, "
                            "from_peer, valid, peer_held, bytes_origin, "
                            "bytes_peers FROM files WHERE job_id = ? "
                            "ORDER BY idx",
                            -1, &files, NULL);
  }
  while (rc == SQLITE_OK && BSIM_SUCCEEDED(hr) &&
         (rc = sqlite3_step(jobs)) == SQLITE_ROW) {
    struct bsim__store_job rec;
    row_to_job(jobs, &rec);
    if (rec.id == NULL || rec.owner == NULL || rec.display_name == NULL) {
      rc = SQLITE_CORRUPT;
      break;
    }
    rc = load_files(s, rec.id, &buf, &rec.file_count, files);
    rec.files = buf;
    if (rc == SQLITE_OK) hr = cb(user, &rec);
    free_files(buf, rec.file_count);
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  bsim__free(buf);
  sqlite3_finalize(jobs);
  sqlite3_finalize(files);
  if (rc != SQLITE_OK) return fail(s, rc, "reading the jobs");
  return hr;
}

static int begin(struct sqlite_store *s) {
  if (s->in_tx) return SQLITE_OK;
  int rc = exec(s, "BEGIN IMMEDIATE");
  if (rc == SQLITE_OK) s->in_tx = 1;
  return rc;
}

static int run(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int bind_u64(sqlite3_stmt *st, int i, uint64_t v) {
  return sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

static void bind_job(sqlite3_stmt *st, const struct bsim__store_job *r) {
  sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->owner, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, r->owner_admin);
  const uint32_t u32[] = {r->state,
                          r->type,
                          r->priority,
                          r->proxy_usage,
                          r->notify_flags,
                          r->min_retry_delay_s,
                          r->no_progress_timeout_s,
                          r->max_download_time_s,
                          r->error_count,
                          r->cur_file};
  for (int i = 0; i < 10; i++)
    sqlite3_bind_int64(st, 4 + i, u32[i]);
  const char *texts[] = {r->display_name, r->description, r->proxy_list,
                         r->bypass_list};
  for (int i = 0; i < 4; i++)
    sqlite3_bind_text(st, 14 + i, texts[i], -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 18, r->has_error);
  const int64_t i64[] = {r->err_code,         r->err_context,
                         r->err_file_index,   r->err_http_status,
                         r->created_unix_ms,  r->modified_unix_ms,
                         r->completed_unix_ms};
  for (int i = 0; i < 7; i++)
    sqlite3_bind_int64(st, 19 + i, i64[i]);
  bind_u64(st, 26, r->te_since_ms);
  bind_u64(st, 27, r->noprog_since_ms);
  bind_u64(st, 28, r->active_acc_ms);
  bind_u64(st, 29, r->last_activity_ms);
  bind_u64(st, 30, r->create_seq);
  sqlite3_bind_int64(st, 31, r->notify_failures);
  sqlite3_bind_text(st, 32, r->cmd_program, -1, SQLITE_STATIC);
  if (r->cmd_program != NULL) {
    sqlite3_bind_blob(st, 33, r->cmd_args, (int)r->cmd_args_len, SQLITE_STATIC);
  } else {
    sqlite3_bind_null(st, 33);
  }
}

static int save_file(struct sqlite_store *s, const char *id, uint32_t idx,
                     const struct bsim__store_file *f) {
  sqlite3_stmt *st = s->st[ST_FILE];
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, idx);
  sqlite3_bind_text(st, 3, f->remote, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, f->local, -1, SQLITE_STATIC);
  bind_u64(st, 5, f->bytes_total);
  bind_u64(st, 6, f->bytes_done);
  sqlite3_bind_int64(st, 7, f->temp_id);
  sqlite3_bind_int(st, 8, f->transferred);
  sqlite3_bind_int(st, 9, f->completed);
  sqlite3_bind_int(st, 10, f->temp_made);
  sqlite3_bind_int(st, 11, f->from_peer);
  sqlite3_bind_int(st, 12, f->valid);
  sqlite3_bind_int(st, 13, f->peer_held);
  bind_u64(st, 14, f->bytes_origin);
  bind_u64(st, 15, f->bytes_peers);
  return run(st);
}

static bsim_hr sqlite_save_job(void *ctx, const struct bsim__store_job *rec) {
  struct sqlite_store *s = ctx;
  int rc = begin(s);
  if (rc == SQLITE_OK) {
    bind_job(s->st[ST_JOB], rec);
    rc = run(s->st[ST_JOB]);
  }
  /* Files are only ever appended to a job: an upsert per file keeps the
   * rows without deleting first. */
  for (uint32_t i = 0;
       rc == SQLITE_OK && rec->files_changed && i < rec->file_count; i++) {
    rc = save_file(s, rec->id, i, &rec->files[i]);
  }
  return rc == SQLITE_OK ? BSIM_S_OK : fail(s, rc, "saving a job");
}

static bsim_hr sqlite_delete_job(void *ctx, const char *id) {
  struct sqlite_store *s = ctx;
  int rc = begin(s);
  for (int i = ST_DEL_JOB; rc == SQLITE_OK && i <= ST_DEL_FILES; i++) {
    sqlite3_bind_text(s->st[i], 1, id, -1, SQLITE_STATIC);
    rc = run(s->st[i]);
  }
  return rc == SQLITE_OK ? BSIM_S_OK : fail(s, rc, "deleting a job");
}

static int save_meta(struct sqlite_store *s, const char *key, uint64_t v,
                     uint64_t old) {
  if (s->written.present && v == old) return SQLITE_OK;
  sqlite3_stmt *st = s->st[ST_META];
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  bind_u64(st, 2, v);
  return run(st);
}

static bsim_hr sqlite_commit(void *ctx, const struct bsim__store_meta *meta) {
  struct sqlite_store *s = ctx;
  int rc = begin(s);
  const struct bsim__store_meta *w = &s->written;
  if (rc == SQLITE_OK) rc = save_meta(s, "now_ms", meta->now_ms, w->now_ms);
  if (rc == SQLITE_OK) {
    rc = save_meta(s, "wall_base_unix_ms", (uint64_t)meta->wall_base_unix_ms,
                   (uint64_t)w->wall_base_unix_ms);
  }
  if (rc == SQLITE_OK) {
    rc = save_meta(s, "create_seq", meta->create_seq, w->create_seq);
  }
  if (rc == SQLITE_OK) {
    rc = save_meta(s, "trace_seq", meta->trace_seq, w->trace_seq);
  }
  if (rc == SQLITE_OK) rc = exec(s, "COMMIT");
  if (rc != SQLITE_OK) {
    bsim_hr hr = fail(s, rc, "committing");
    exec(s, "ROLLBACK");
    s->in_tx = 0;
    s->written.present = 0; /* write every key next time */
    return hr;
  }
  s->in_tx = 0;
  s->written = *meta;
  s->written.present = 1;
  return BSIM_S_OK;
}

static const char *sqlite_last_error(void *ctx) {
  struct sqlite_store *s = ctx;
  return s->why;
}

const struct bsim__store_ops bsim__store_sqlite_ops = {
    .name = "sqlite",
    .open = sqlite_open,
    .load = sqlite_load,
    .save_job = sqlite_save_job,
    .delete_job = sqlite_delete_job,
    .commit = sqlite_commit,
    .last_error = sqlite_last_error,
    .close = sqlite_close,
};
