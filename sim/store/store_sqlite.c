/* bitsim — the durable store on SQLite (design.md "Durable store",
 * reference §13): with store_sqlite_schema.c, the only files of the
 * project that include <sqlite3.h>.
 *
 * The database runs in WAL mode with synchronous=FULL, so a commit is on
 * disk when it returns; it is opened with locking_mode=EXCLUSIVE and the
 * write lock taken at once, so a second process opening the same store is
 * refused (E_WIN32_SHARING_VIOLATION) instead of interleaving its writes.
 *
 * Schema (docs/store.md, store_sqlite_schema.c): meta(key, value) for the
 * position of time and trace; jobs and files for what changes rarely
 * (names, owner, options), written only when the engine says a cold field
 * changed; progress, one small row per job keyed by its creation number,
 * for what every state change and checkpoint rewrites, with the files'
 * progress packed into one blob (store_pack.c). A file SQLite cannot read
 * is reported as BG_E_DATABASE_CORRUPT and left as it is: nothing here
 * deletes or recreates a store.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "store/store_pack.h"
#include "store/store_sqlite.h"

static const char *const sql[ST_COUNT] = {
    [ST_JOB] = "INSERT OR REPLACE INTO jobs(id, owner, owner_admin, type,"
               " display_name, description, proxy_list, bypass_list,"
               " created_unix_ms, create_seq, cmd_program, cmd_args,"
               " custom_headers, security_flags, max_bytes_per_s,"
               " credentials, reply_name)"
               " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_PROGRESS] = "INSERT OR REPLACE INTO progress VALUES(?,?,?,?,?,?,?,?,"
                    "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_FILE] = "INSERT OR REPLACE INTO files(job_id, idx, remote, local,"
                " temp_id, ranges, validator) VALUES(?,?,?,?,?,?,?)",
    [ST_DEL_JOB] = "DELETE FROM jobs WHERE id = ?",
    [ST_DEL_PROGRESS] = "DELETE FROM progress WHERE seq = ?",
    [ST_DEL_FILES] = "DELETE FROM files WHERE job_id = ?",
    [ST_META] = "INSERT OR REPLACE INTO meta VALUES(?, ?)",
};

/* The columns load reads, in this order (row_to_job). */
static const char load_sql[] =
    "SELECT j.id, j.owner, j.owner_admin, j.type, j.display_name,"
    " j.description, j.proxy_list, j.bypass_list, j.created_unix_ms,"
    " j.create_seq, j.cmd_program, j.cmd_args, j.custom_headers,"
    " j.security_flags, j.max_bytes_per_s, j.credentials, j.reply_name,"
    " p.state, p.priority, p.proxy_usage, p.notify_flags,"
    " p.min_retry_delay_s, p.no_progress_timeout_s, p.max_download_time_s,"
    " p.error_count, p.cur_file, p.has_error, p.err_code, p.err_context,"
    " p.err_file_index, p.err_http_status, p.modified_unix_ms,"
    " p.completed_unix_ms, p.te_since_ms, p.noprog_since_ms,"
    " p.active_acc_ms, p.last_activity_ms, p.notify_failures,"
    " p.reply_total, p.reply_done, p.reply_frozen, p.files, p.seq"
    " FROM jobs j LEFT JOIN progress p ON p.seq = j.create_seq"
    " ORDER BY j.create_seq";

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

bsim_hr bsim__sqlite_fail(struct sqlite_store *s, int rc, const char *doing) {
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

static bsim_hr configure(struct sqlite_store *s) {
  int rc = bsim__sqlite_exec(s, "PRAGMA locking_mode = EXCLUSIVE");
  if (rc != SQLITE_OK) return bsim__sqlite_fail(s, rc, "locking");
  /* The first read: a file that is not a database fails here, before
   * anything is written to it. */
  rc = bsim__sqlite_exec(s, "PRAGMA journal_mode = WAL");
  if (rc != SQLITE_OK) return bsim__sqlite_fail(s, rc, "entering WAL mode");
  rc = bsim__sqlite_exec(s, "PRAGMA synchronous = FULL");
  if (rc != SQLITE_OK) return bsim__sqlite_fail(s, rc, "setting synchronous");
  bsim_hr hr = bsim__sqlite_migrate(s);
  if (BSIM_FAILED(hr)) return hr;
  rc = bsim__sqlite_exec(s, "PRAGMA quick_check(1)");
  if (rc != SQLITE_OK) return bsim__sqlite_fail(s, rc, "checking integrity");
  for (int i = 0; i < ST_COUNT; i++) {
    rc = sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &s->st[i], NULL);
    if (rc != SQLITE_OK)
      return bsim__sqlite_fail(s, rc, "preparing statements");
  }
  return BSIM_S_OK;
}

static void sqlite_close(void *ctx) {
  struct sqlite_store *s = ctx;
  if (s == NULL) return;
  if (s->in_tx) bsim__sqlite_exec(s, "ROLLBACK");
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(s->st[i]);
  sqlite3_close(s->db);
  bsim__free(s->pack);
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
  bsim_hr hr = rc == SQLITE_OK ? configure(s)
                               : bsim__sqlite_fail(s, rc, "opening the file");
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
  for (uint32_t i = 0; i < count; i++) {
    bsim__free((char *)files[i].remote);
    bsim__free((void *)files[i].ranges);
  }
}

/* Ranges as 16 bytes each, offset then length, little-endian: the store
 * reads the same on any machine. */
static void put_u64le(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64le(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static int load_ranges(sqlite3_stmt *st, int col, struct bsim__store_file *f) {
  size_t len = (size_t)sqlite3_column_bytes(st, col);
  const unsigned char *blob = sqlite3_column_blob(st, col);
  if (len == 0) return SQLITE_OK;
  if (len % 16 != 0 || len / 16 > UINT32_MAX) return SQLITE_CORRUPT;
  struct bsim_file_range *r = bsim__malloc(len / 16 * sizeof *r);
  if (r == NULL) return SQLITE_NOMEM;
  for (size_t i = 0; i < len / 16; i++) {
    r[i].initial_offset = get_u64le(blob + 16 * i);
    r[i].length = get_u64le(blob + 16 * i + 8);
  }
  f->ranges = r;
  f->range_count = (uint32_t)(len / 16);
  return SQLITE_OK;
}

/* The names of one job's files, into a growing array (freed by the
 * caller). The strings of a file (names, validator) are copied into one
 * block: column text lives only until the next step. */
static int load_files(const char *id, struct bsim__store_file **files,
                      uint32_t *count, sqlite3_stmt *st) {
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  int rc;
  *count = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    struct bsim__store_file *grown =
        bsim__realloc(*files, (*count + 1) * sizeof **files);
    if (grown == NULL) return SQLITE_NOMEM;
    *files = grown;
    struct bsim__store_file *f = &grown[*count];
    memset(f, 0, sizeof *f);
    const char *remote = col_text(st, 0), *local = col_text(st, 1);
    const char *validator = col_text(st, 4);
    if (remote == NULL || local == NULL) return SQLITE_CORRUPT;
    size_t rlen = strlen(remote) + 1, llen = strlen(local) + 1;
    size_t vlen = validator != NULL ? strlen(validator) + 1 : 0;
    char *block = bsim__malloc(rlen + llen + vlen);
    if (block == NULL) return SQLITE_NOMEM;
    memcpy(block, remote, rlen);
    memcpy(block + rlen, local, llen);
    if (validator != NULL) memcpy(block + rlen + llen, validator, vlen);
    f->remote = block;
    f->local = block + rlen;
    f->validator = validator != NULL ? block + rlen + llen : NULL;
    f->temp_id = (uint32_t)sqlite3_column_int64(st, 2);
    (*count)++;
    int rc_r = load_ranges(st, 3, f);
    if (rc_r != SQLITE_OK) return rc_r;
  }
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Columns 0-16 of load_sql: the cold part, from jobs. */
static void row_to_cold(sqlite3_stmt *st, struct bsim__store_job *r) {
  r->id = col_text(st, 0);
  r->owner = col_text(st, 1);
  r->owner_admin = sqlite3_column_int(st, 2);
  r->type = (uint32_t)sqlite3_column_int64(st, 3);
  r->display_name = col_text(st, 4);
  r->description = col_text(st, 5);
  r->proxy_list = col_text(st, 6);
  r->bypass_list = col_text(st, 7);
  r->created_unix_ms = sqlite3_column_int64(st, 8);
  r->create_seq = col_u64(st, 9);
  r->cmd_program = col_text(st, 10);
  r->cmd_args = sqlite3_column_blob(st, 11);
  r->cmd_args_len = (size_t)sqlite3_column_bytes(st, 11);
  r->custom_headers = col_text(st, 12);
  r->security_flags = (uint32_t)sqlite3_column_int64(st, 13);
  r->max_bytes_per_s = col_u64(st, 14);
  r->credentials = sqlite3_column_blob(st, 15);
  r->credentials_len = (size_t)sqlite3_column_bytes(st, 15);
  r->reply_name = col_text(st, 16);
}

/* Columns 17-40 of load_sql: the hot part, from progress. */
static void row_to_hot(sqlite3_stmt *st, struct bsim__store_job *r) {
  uint32_t *u32[] = {&r->state,
                     &r->priority,
                     &r->proxy_usage,
                     &r->notify_flags,
                     &r->min_retry_delay_s,
                     &r->no_progress_timeout_s,
                     &r->max_download_time_s,
                     &r->error_count,
                     &r->cur_file};
  for (int i = 0; i < 9; i++)
    *u32[i] = (uint32_t)sqlite3_column_int64(st, 17 + i);
  r->has_error = sqlite3_column_int(st, 26);
  int64_t *i64[] = {&r->err_code,         &r->err_context,
                    &r->err_file_index,   &r->err_http_status,
                    &r->modified_unix_ms, &r->completed_unix_ms};
  for (int i = 0; i < 6; i++)
    *i64[i] = sqlite3_column_int64(st, 27 + i);
  r->te_since_ms = col_u64(st, 33);
  r->noprog_since_ms = col_u64(st, 34);
  r->active_acc_ms = col_u64(st, 35);
  r->last_activity_ms = col_u64(st, 36);
  r->notify_failures = (uint32_t)sqlite3_column_int64(st, 37);
  r->reply_total = col_u64(st, 38);
  r->reply_done = col_u64(st, 39);
  r->reply_frozen = sqlite3_column_int(st, 40);
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

/* One row of load_sql with its files: SQLITE_CORRUPT if a part is missing
 * or the progress blob does not match the files. */
static int load_row(sqlite3_stmt *jobs, sqlite3_stmt *files,
                    struct bsim__store_file **buf,
                    struct bsim__store_job *rec) {
  memset(rec, 0, sizeof *rec);
  row_to_cold(jobs, rec);
  if (rec->id == NULL || rec->owner == NULL || rec->display_name == NULL ||
      sqlite3_column_type(jobs, 42) == SQLITE_NULL) {
    return SQLITE_CORRUPT;
  }
  row_to_hot(jobs, rec);
  int rc = load_files(rec->id, buf, &rec->file_count, files);
  rec->files = *buf;
  if (rc != SQLITE_OK) return rc;
  const void *blob = sqlite3_column_blob(jobs, 41);
  size_t len = (size_t)sqlite3_column_bytes(jobs, 41);
  if (bsim__store_unpack_files(blob, len, *buf, rec->file_count) != 0) {
    return SQLITE_CORRUPT;
  }
  return SQLITE_OK;
}

static bsim_hr sqlite_load(void *ctx, struct bsim__store_meta *meta,
                           bsim__store_job_cb cb, void *user) {
  struct sqlite_store *s = ctx;
  sqlite3_stmt *jobs = NULL, *files = NULL;
  struct bsim__store_file *buf = NULL;
  bsim_hr hr = BSIM_S_OK;
  int rc = load_meta(s, meta);
  if (rc == SQLITE_OK) {
    rc = sqlite3_prepare_v2(s->db, load_sql, -1, &jobs, NULL);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_prepare_v2(
        s->db,
        "SELECT remote, local, temp_id, ranges, validator FROM files"
        " WHERE job_id = ? ORDER BY idx",
        -1, &files, NULL);
  }
  while (rc == SQLITE_OK && BSIM_SUCCEEDED(hr) &&
         (rc = sqlite3_step(jobs)) == SQLITE_ROW) {
    struct bsim__store_job rec;
    rc = load_row(jobs, files, &buf, &rec);
    if (rc == SQLITE_OK) hr = cb(user, &rec);
    free_files(buf, rec.file_count);
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  bsim__free(buf);
  sqlite3_finalize(jobs);
  sqlite3_finalize(files);
  if (rc != SQLITE_OK) return bsim__sqlite_fail(s, rc, "reading the jobs");
  return hr;
}

static int begin(struct sqlite_store *s) {
  if (s->in_tx) return SQLITE_OK;
  int rc = bsim__sqlite_exec(s, "BEGIN IMMEDIATE");
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

/* A blob or NULL; len 0 with a non-NULL pointer is an empty blob. */
static void bind_blob(sqlite3_stmt *st, int i, const void *p, size_t len) {
  if (p == NULL) {
    sqlite3_bind_null(st, i);
  } else {
    sqlite3_bind_blob(st, i, p, (int)len, SQLITE_STATIC);
  }
}

static void bind_cold(sqlite3_stmt *st, const struct bsim__store_job *r) {
  sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->owner, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, r->owner_admin);
  sqlite3_bind_int64(st, 4, r->type);
  const char *texts[] = {r->display_name, r->description, r->proxy_list,
                         r->bypass_list};
  for (int i = 0; i < 4; i++)
    sqlite3_bind_text(st, 5 + i, texts[i], -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 9, r->created_unix_ms);
  bind_u64(st, 10, r->create_seq);
  sqlite3_bind_text(st, 11, r->cmd_program, -1, SQLITE_STATIC);
  bind_blob(st, 12, r->cmd_program != NULL ? r->cmd_args : NULL,
            r->cmd_args_len);
  sqlite3_bind_text(st, 13, r->custom_headers, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 14, r->security_flags);
  bind_u64(st, 15, r->max_bytes_per_s);
  bind_blob(st, 16, r->credentials, r->credentials_len);
  sqlite3_bind_text(st, 17, r->reply_name, -1, SQLITE_STATIC);
}

static int save_progress(struct sqlite_store *s,
                         const struct bsim__store_job *r) {
  size_t need = (size_t)r->file_count * BSIM__STORE_PACKED_FILE_MAX + 1;
  if (need > s->pack_cap) {
    unsigned char *grown = bsim__realloc(s->pack, need);
    if (grown == NULL) return SQLITE_NOMEM;
    s->pack = grown;
    s->pack_cap = need;
  }
  size_t len = bsim__store_pack_files(r->files, r->file_count, s->pack);
  sqlite3_stmt *st = s->st[ST_PROGRESS];
  bind_u64(st, 1, r->create_seq);
  const uint32_t u32[] = {r->state,
                          r->priority,
                          r->proxy_usage,
                          r->notify_flags,
                          r->min_retry_delay_s,
                          r->no_progress_timeout_s,
                          r->max_download_time_s,
                          r->error_count,
                          r->cur_file};
  for (int i = 0; i < 9; i++)
    sqlite3_bind_int64(st, 2 + i, u32[i]);
  sqlite3_bind_int(st, 11, r->has_error);
  const int64_t i64[] = {r->err_code,         r->err_context,
                         r->err_file_index,   r->err_http_status,
                         r->modified_unix_ms, r->completed_unix_ms};
  for (int i = 0; i < 6; i++)
    sqlite3_bind_int64(st, 12 + i, i64[i]);
  const uint64_t u64[] = {r->te_since_ms,     r->noprog_since_ms,
                          r->active_acc_ms,   r->last_activity_ms,
                          r->notify_failures, r->reply_total,
                          r->reply_done};
  for (int i = 0; i < 7; i++)
    bind_u64(st, 18 + i, u64[i]);
  sqlite3_bind_int(st, 25, r->reply_frozen);
  sqlite3_bind_blob(st, 26, s->pack, (int)len, SQLITE_STATIC);
  return run(st);
}

static int save_file(struct sqlite_store *s, const char *id, uint32_t idx,
                     const struct bsim__store_file *f) {
  sqlite3_stmt *st = s->st[ST_FILE];
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, idx);
  sqlite3_bind_text(st, 3, f->remote, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, f->local, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, f->temp_id);
  unsigned char *packed = NULL;
  if (f->range_count > 0) {
    packed = bsim__malloc((size_t)f->range_count * 16);
    if (packed == NULL) return SQLITE_NOMEM;
    for (uint32_t i = 0; i < f->range_count; i++) {
      put_u64le(packed + 16 * i, f->ranges[i].initial_offset);
      put_u64le(packed + 16 * i + 8, f->ranges[i].length);
    }
  }
  bind_blob(st, 6, packed, (size_t)f->range_count * 16);
  sqlite3_bind_text(st, 7, f->validator, -1, SQLITE_STATIC);
  int rc = run(st);
  bsim__free(packed);
  return rc;
}

/* The common save is one progress row; the cold row and the file names
 * only when the engine says they changed. Files are only ever appended to
 * a job or renamed: an upsert per file keeps the rows without deleting
 * first. */
static bsim_hr sqlite_save_job(void *ctx, const struct bsim__store_job *rec) {
  struct sqlite_store *s = ctx;
  int rc = begin(s);
  if (rc == SQLITE_OK && rec->cold_changed) {
    bind_cold(s->st[ST_JOB], rec);
    rc = run(s->st[ST_JOB]);
    for (uint32_t i = 0; rc == SQLITE_OK && i < rec->file_count; i++) {
      rc = save_file(s, rec->id, i, &rec->files[i]);
    }
  }
  if (rc == SQLITE_OK) rc = save_progress(s, rec);
  return rc == SQLITE_OK ? BSIM_S_OK : bsim__sqlite_fail(s, rc, "saving a job");
}

static bsim_hr sqlite_delete_job(void *ctx, const char *id, uint64_t seq) {
  struct sqlite_store *s = ctx;
  int rc = begin(s);
  for (int i = ST_DEL_JOB; rc == SQLITE_OK && i <= ST_DEL_FILES; i++) {
    if (i == ST_DEL_PROGRESS) {
      bind_u64(s->st[i], 1, seq);
    } else {
      sqlite3_bind_text(s->st[i], 1, id, -1, SQLITE_STATIC);
    }
    rc = run(s->st[i]);
  }
  return rc == SQLITE_OK ? BSIM_S_OK
                         : bsim__sqlite_fail(s, rc, "deleting a job");
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
  if (rc == SQLITE_OK) rc = bsim__sqlite_exec(s, "COMMIT");
  if (rc != SQLITE_OK) {
    bsim_hr hr = bsim__sqlite_fail(s, rc, "committing");
    bsim__sqlite_exec(s, "ROLLBACK");
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
