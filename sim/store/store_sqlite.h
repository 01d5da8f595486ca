/* bitsim — what the two files of the SQLite store share: the store itself
 * (store_sqlite.c: open, load, save, commit) and its schema with the
 * migrations (store_sqlite_schema.c). */
#ifndef BSIM_STORE_SQLITE_H
#define BSIM_STORE_SQLITE_H

#include <sqlite3.h>

#include "store/store.h"

enum {
  ST_JOB,
  ST_PROGRESS,
  ST_FILE,
  ST_DEL_JOB,
  ST_DEL_PROGRESS,
  ST_DEL_FILES,
  ST_META,
  ST_COUNT
};

struct sqlite_store {
  sqlite3 *db;
  sqlite3_stmt *st[ST_COUNT];
  int in_tx;
  struct bsim__store_meta written; /* what meta holds: unchanged keys are
                                      not written again */
  unsigned char *pack;             /* the files' progress blob, reused */
  size_t pack_cap;
  char *path;
  char why[512];
};

/** Record a failure as a sentence naming the file; returns its HRESULT. */
bsim_hr bsim__sqlite_fail(struct sqlite_store *s, int rc, const char *doing);

/** Run SQL text without results; returns SQLite's code. */
static inline int bsim__sqlite_exec(struct sqlite_store *s, const char *text) {
  return sqlite3_exec(s->db, text, NULL, NULL, NULL);
}

/** Bring the schema to BSIM__STORE_SCHEMA_VERSION in one transaction, or
 * refuse a newer one. */
bsim_hr bsim__sqlite_migrate(struct sqlite_store *s);

#endif /* BSIM_STORE_SQLITE_H */
