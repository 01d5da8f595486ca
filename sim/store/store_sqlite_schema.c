/* bitsim — the SQLite store's schema and its migrations (docs/store.md
 * "Schema").
 *
 * PRAGMA user_version carries the schema version. Open runs every step
 * from the stored version to this build's in one transaction, so a store
 * is either migrated whole or left as it was; a newer version is refused
 * and the file is not touched.
 *
 * Version 6 splits what every checkpoint rewrites (the progress table: one
 * small row per job, keyed by its creation number, with the files'
 * progress packed into a blob, store_pack.c) from what changes rarely (the
 * jobs and files tables: names, owner, options). Its step needs C: the
 * files' progress moves from their rows into the blob.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store/store_pack.h"
#include "store/store_sqlite.h"

/* 5 -> 6, between its two SQL halves: each job's files' progress, read
 * from the old file columns, packed into its progress row. */
static int pack_old_files(struct sqlite_store *s) {
  sqlite3_stmt *jobs = NULL, *files = NULL, *put = NULL;
  int rc = sqlite3_prepare_v2(s->db, "SELECT id, create_seq FROM jobs", -1,
                              &jobs, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_prepare_v2(
        s->db,
        "SELECT bytes_total, bytes_done, transferred, completed, temp_made,"
        " from_peer, valid, peer_held, bytes_origin, bytes_peers FROM files"
        " WHERE job_id = ? ORDER BY idx",
        -1, &files, NULL);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_prepare_v2(
        s->db, "UPDATE progress SET files = ? WHERE seq = ?", -1, &put, NULL);
  }
  while (rc == SQLITE_OK && (rc = sqlite3_step(jobs)) == SQLITE_ROW) {
    unsigned char buf[BSIM__STORE_PACKED_FILE_MAX];
    struct bsim__store_file f;
    sqlite3_reset(files);
    sqlite3_bind_value(files, 1, sqlite3_column_value(jobs, 0));
    size_t len = 0;
    unsigned char *blob = NULL;
    while ((rc = sqlite3_step(files)) == SQLITE_ROW) {
      memset(&f, 0, sizeof f);
      f.bytes_total = (uint64_t)sqlite3_column_int64(files, 0);
      f.bytes_done = (uint64_t)sqlite3_column_int64(files, 1);
      f.transferred = (uint8_t)sqlite3_column_int(files, 2);
      f.completed = (uint8_t)sqlite3_column_int(files, 3);
      f.temp_made = (uint8_t)sqlite3_column_int(files, 4);
      f.from_peer = (uint8_t)sqlite3_column_int(files, 5);
      f.valid = (uint8_t)sqlite3_column_int(files, 6);
      f.peer_held = (uint8_t)sqlite3_column_int(files, 7);
      f.bytes_origin = (uint64_t)sqlite3_column_int64(files, 8);
      f.bytes_peers = (uint64_t)sqlite3_column_int64(files, 9);
      size_t n = bsim__store_pack_files(&f, 1, buf);
      unsigned char *grown = bsim__realloc(blob, len + n);
      if (grown == NULL) {
        rc = SQLITE_NOMEM;
        break;
      }
      blob = grown;
      memcpy(blob + len, buf, n);
      len += n;
    }
    if (rc == SQLITE_DONE) {
      sqlite3_bind_blob(put, 1, blob != NULL ? (const void *)blob : "",
                        (int)len, SQLITE_TRANSIENT);
      sqlite3_bind_int64(put, 2, sqlite3_column_int64(jobs, 1));
      rc = sqlite3_step(put);
      sqlite3_reset(put);
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    bsim__free(blob);
  }
  sqlite3_finalize(jobs);
  sqlite3_finalize(files);
  sqlite3_finalize(put);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

struct migration {
  const char *sql;
  int (*fill)(struct sqlite_store *s); /* NULL: SQL only */
  const char *after;                   /* SQL after fill, or NULL */
};

/* Each step takes the schema from version i to i + 1. */
static const struct migration migrations[BSIM__STORE_SCHEMA_VERSION] = {
    /* 0 -> 1: the first schema. */
    {"CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
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
     NULL, NULL},
    /* 1 -> 2: load in creation order without sorting. */
    {"CREATE INDEX IF NOT EXISTS jobs_by_seq ON jobs(create_seq);", NULL, NULL},
    /* 2 -> 3: validation state and peer statistics of files (§7, §11). */
    {"ALTER TABLE files ADD COLUMN valid INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE files ADD COLUMN peer_held INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE files ADD COLUMN bytes_origin INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE files ADD COLUMN bytes_peers INTEGER NOT NULL DEFAULT 0;",
     NULL, NULL},
    /* 3 -> 4: callbacks that did not deliver (reference §6). */
    {"ALTER TABLE jobs ADD COLUMN notify_failures INTEGER NOT NULL DEFAULT 0;",
     NULL, NULL},
    /* 4 -> 5: the notify command line (reference §13). */
    {"ALTER TABLE jobs ADD COLUMN cmd_program TEXT;"
     "ALTER TABLE jobs ADD COLUMN cmd_args BLOB;",
     NULL, NULL},
    /* 5 -> 6: hot progress apart from cold names; HttpOptions,
     * credentials, the reply, file ranges and the files' validators kept
     * (§1.5, §1.6, §1.13, §9, §10). */
    {"CREATE TABLE progress(seq INTEGER PRIMARY KEY, state INTEGER,"
     " priority INTEGER, proxy_usage INTEGER, notify_flags INTEGER,"
     " min_retry_delay_s INTEGER, no_progress_timeout_s INTEGER,"
     " max_download_time_s INTEGER, error_count INTEGER, cur_file INTEGER,"
     " has_error INTEGER, err_code INTEGER, err_context INTEGER,"
     " err_file_index INTEGER, err_http_status INTEGER,"
     " modified_unix_ms INTEGER, completed_unix_ms INTEGER,"
     " te_since_ms INTEGER, noprog_since_ms INTEGER, active_acc_ms INTEGER,"
     " last_activity_ms INTEGER, notify_failures INTEGER,"
     " reply_total INTEGER, reply_done INTEGER, reply_frozen INTEGER,"
     " files BLOB);"
     "INSERT INTO progress SELECT create_seq, state, priority, proxy_usage,"
     " notify_flags, min_retry_delay_s, no_progress_timeout_s,"
     " max_download_time_s, error_count, cur_file, has_error, err_code,"
     " err_context, err_file_index, err_http_status, modified_unix_ms,"
     " completed_unix_ms, te_since_ms, noprog_since_ms, active_acc_ms,"
     " last_activity_ms, notify_failures, -1, 0, 0, NULL FROM jobs;",
     pack_old_files,
     "ALTER TABLE jobs DROP COLUMN state; ALTER TABLE jobs DROP COLUMN "
     "priority;"
     "ALTER TABLE jobs DROP COLUMN proxy_usage;"
     "ALTER TABLE jobs DROP COLUMN notify_flags;"
     "ALTER TABLE jobs DROP COLUMN min_retry_delay_s;"
     "ALTER TABLE jobs DROP COLUMN no_progress_timeout_s;"
     "ALTER TABLE jobs DROP COLUMN max_download_time_s;"
     "ALTER TABLE jobs DROP COLUMN error_count;"
     "ALTER TABLE jobs DROP COLUMN cur_file;"
     "ALTER TABLE jobs DROP COLUMN has_error;"
     "ALTER TABLE jobs DROP COLUMN err_code;"
     "ALTER TABLE jobs DROP COLUMN err_context;"
     "ALTER TABLE jobs DROP COLUMN err_file_index;"
     "ALTER TABLE jobs DROP COLUMN err_http_status;"
     "ALTER TABLE jobs DROP COLUMN modified_unix_ms;"
     "ALTER TABLE jobs DROP COLUMN completed_unix_ms;"
     "ALTER TABLE jobs DROP COLUMN te_since_ms;"
     "ALTER TABLE jobs DROP COLUMN noprog_since_ms;"
     "ALTER TABLE jobs DROP COLUMN active_acc_ms;"
     "ALTER TABLE jobs DROP COLUMN last_activity_ms;"
     "ALTER TABLE jobs DROP COLUMN notify_failures;"
     "ALTER TABLE jobs ADD COLUMN custom_headers TEXT;"
     "ALTER TABLE jobs ADD COLUMN security_flags INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE jobs ADD COLUMN max_bytes_per_s INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE jobs ADD COLUMN credentials BLOB;"
     "ALTER TABLE jobs ADD COLUMN reply_name TEXT;"
     "ALTER TABLE files DROP COLUMN bytes_total;"
     "ALTER TABLE files DROP COLUMN bytes_done;"
     "ALTER TABLE files DROP COLUMN transferred;"
     "ALTER TABLE files DROP COLUMN completed;"
     "ALTER TABLE files DROP COLUMN temp_made;"
     "ALTER TABLE files DROP COLUMN from_peer;"
     "ALTER TABLE files DROP COLUMN valid;"
     "ALTER TABLE files DROP COLUMN peer_held;"
     "ALTER TABLE files DROP COLUMN bytes_origin;"
     "ALTER TABLE files DROP COLUMN bytes_peers;"
     "ALTER TABLE files ADD COLUMN ranges BLOB;"
     "ALTER TABLE files ADD COLUMN validator TEXT;"},
};

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

static int run_step(struct sqlite_store *s, const struct migration *m) {
  int rc = bsim__sqlite_exec(s, m->sql);
  if (rc == SQLITE_OK && m->fill != NULL) rc = m->fill(s);
  if (rc == SQLITE_OK && m->after != NULL) rc = bsim__sqlite_exec(s, m->after);
  return rc;
}

static bsim_hr refuse_newer(struct sqlite_store *s, int version) {
  bsim__sqlite_exec(s, "ROLLBACK");
  snprintf(s->why, sizeof s->why,
           "job store %s: schema version %d is newer than this build "
           "reads (%d); refusing to open it",
           s->path, version, BSIM__STORE_SCHEMA_VERSION);
  return BSIM_E_DATABASE_CORRUPT;
}

bsim_hr bsim__sqlite_migrate(struct sqlite_store *s) {
  int version = 0;
  int rc = bsim__sqlite_exec(s, "BEGIN IMMEDIATE");
  if (rc == SQLITE_OK) rc = user_version(s, &version);
  if (rc != SQLITE_OK) {
    bsim__sqlite_exec(s, "ROLLBACK");
    return bsim__sqlite_fail(s, rc, "reading the schema version");
  }
  if (version > BSIM__STORE_SCHEMA_VERSION || version < 0) {
    return refuse_newer(s, version);
  }
  for (int v = version; v < BSIM__STORE_SCHEMA_VERSION && rc == SQLITE_OK;
       v++) {
    rc = run_step(s, &migrations[v]);
  }
  if (rc == SQLITE_OK && version != BSIM__STORE_SCHEMA_VERSION) {
    char pragma[48];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d",
             BSIM__STORE_SCHEMA_VERSION);
    rc = bsim__sqlite_exec(s, pragma);
  }
  if (rc == SQLITE_OK) rc = bsim__sqlite_exec(s, "COMMIT");
  if (rc != SQLITE_OK) {
    bsim_hr hr = bsim__sqlite_fail(s, rc, "migrating the schema");
    bsim__sqlite_exec(s, "ROLLBACK");
    return hr;
  }
  return BSIM_S_OK;
}
