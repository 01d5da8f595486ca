/* bitsim — scenario internals: the parsed form shared by parse.c (text to
 * statements), spec.c (what each command accepts) and run.c (statements to
 * engine calls). */
#ifndef BSIM_SCENARIO_INTERNAL_H
#define BSIM_SCENARIO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "bitsim/scenario.h"
#include "bitsim/types.h"

#define SCN_ARGS_MAX 16

/* Value types that spec.c checks at parse time. */
enum scn_type {
  SCN_T_NONE = 0,  /* ends a positional list: the last type repeats */
  SCN_T_WORD,      /* a name: letters, digits, '-', '_', '.' */
  SCN_T_TEXT,      /* any word or "quoted string" */
  SCN_T_DURATION,  /* 250ms, 10s, 5m, 2h, 90d (bare number = seconds) */
  SCN_T_SIZE,      /* 512, 16KiB, 3GiB, 1MB */
  SCN_T_RATE,      /* SIZE/s */
  SCN_T_COUNT,     /* a non-negative integer (decimal or 0x hex) */
  SCN_T_CODE,      /* an HRESULT name or hex (bsim_hr_parse) */
  SCN_T_CODES,     /* comma-separated codes */
  SCN_T_STATE,     /* a job state name */
  SCN_T_CHOICE,    /* one of the words listed in the spec */
  SCN_T_TYPE_COUNT /* not a value */
};

/* One argument as written: positional (key == NULL) or key=value. */
struct scn_arg {
  const char *key;
  const char *value;
  unsigned column;
};

struct scn_stmt {
  const struct scn_command *cmd;
  unsigned line;
  unsigned column;
  size_t arg_count;
  struct scn_arg args[SCN_ARGS_MAX];
  const char *expect_code; /* after "->", or NULL */
};

struct scn_option {
  const char *key;
  enum scn_type type;
  const char *choices; /* SCN_T_CHOICE: "a|b|c" */
};

struct scn_command {
  const char *name;
  const char *usage;
  size_t min_positional;
  size_t max_positional;
  enum scn_type positional[6]; /* the last repeats beyond its index */
  const char *choices;         /* for SCN_T_CHOICE positionals */
  const struct scn_option *options;
  int takes_result; /* accepts "-> CODE" */
};

struct bsim_scenario {
  char *name;
  char *text; /* a private copy, cut into NUL-terminated words */
  struct scn_stmt *stmts;
  size_t count;
};

/** The command named word (NULL if none). */
const struct scn_command *bsim__scn_command(const char *word);
/** Check one value against a type; returns 0 or -1 with *why set. */
int bsim__scn_check(enum scn_type type, const char *choices, const char *value,
                    const char **why);
/** Parse helpers shared with run.c; each returns 0, or -1 if malformed. */
int bsim__scn_duration_ms(const char *text, uint64_t *out);
int bsim__scn_size_bytes(const char *text, uint64_t *out);
int bsim__scn_count(const char *text, uint64_t *out);
/** The ranges= list of `add` (spec_ranges.c): "OFFSET:LENGTH,..." with
 * SIZE numbers and LENGTH `eof`. Returns the number of ranges (writing up
 * to cap of them into out, which may be NULL), or -1 with *bad_at the
 * offset in text of the malformed item (or of the item past
 * BSIM_SCN_RANGES_MAX). */
#define BSIM_SCN_RANGES_MAX 100000
long bsim__scn_ranges(const char *text, struct bsim_file_range *out, size_t cap,
                      size_t *bad_at);
/** The value of option key in stmt, or NULL. */
const char *bsim__scn_opt(const struct scn_stmt *stmt, const char *key);
/** The index-th positional argument, or NULL. */
const char *bsim__scn_pos(const struct scn_stmt *stmt, size_t index);
size_t bsim__scn_pos_count(const struct scn_stmt *stmt);

#endif /* BSIM_SCENARIO_INTERNAL_H */
