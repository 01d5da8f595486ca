/* Scenario text to statements. A line is a command word, then positional
 * arguments and key=value options (values may be "quoted"), then
 * optionally "-> CODE" to assert what the call returns; '#' starts a
 * comment. Every value is checked against the command's spec here, so a
 * scenario that parses runs without surprises of form; the first problem
 * is reported with its line and column and what was expected.
 *
 * Words are copied, unquoted, into one arena owned by the scenario (the
 * text can only shrink when unquoted, so the arena is the text's size). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitsim.h"
#include "internal.h"
#include "scenario/scenario_internal.h"

struct lexer {
  const char *p;
  const char *end;
  const char *line_start;
  unsigned line;
  char *arena;
  size_t used;
  struct bsim_scenario_error *err;
  const char *name;
};

static int fail_at(struct lexer *lx, unsigned column, const char *fmt, ...) {
  if (lx->err == NULL) return -1;
  lx->err->line = lx->line;
  lx->err->column = column;
  char what[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(lx->err->message, sizeof lx->err->message, "%s:%u:%u: %s", lx->name,
           lx->line, column, what);
  return -1;
}

static unsigned column_of(const struct lexer *lx, const char *at) {
  return (unsigned)(at - lx->line_start) + 1;
}

static int at_line_end(const struct lexer *lx) {
  return lx->p >= lx->end || *lx->p == '\n' || *lx->p == '#';
}

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

static void skip_blanks(struct lexer *lx) {
  while (lx->p < lx->end && is_blank(*lx->p))
    lx->p++;
}

/* Copies a bare or quoted word into the arena; stops at a blank, the end of
 * the line, or (stop_at_eq) an '='. */
static const char *read_word(struct lexer *lx, int stop_at_eq) {
  char *out = lx->arena + lx->used;
  size_t n = 0;
  if (lx->p < lx->end && *lx->p == '"') {
    const char *open = lx->p++;
    while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n') {
      if (*lx->p == '\\' && lx->p + 1 < lx->end &&
          (lx->p[1] == '"' || lx->p[1] == '\\')) {
        lx->p++;
      }
      out[n++] = *lx->p++;
    }
    if (lx->p >= lx->end || *lx->p != '"') {
      fail_at(lx, column_of(lx, open), "expected a closing '\"'");
      return NULL;
    }
    lx->p++;
  } else {
    while (!at_line_end(lx) && !is_blank(*lx->p) &&
           !(stop_at_eq && *lx->p == '=')) {
      out[n++] = *lx->p++;
    }
  }
  out[n] = '\0';
  lx->used += n + 1;
  return out;
}

static int read_arg(struct lexer *lx, struct scn_arg *arg) {
  arg->column = column_of(lx, lx->p);
  arg->key = NULL;
  int quoted = *lx->p == '"';
  const char *word = read_word(lx, 1);
  if (word == NULL) return -1;
  if (!quoted && lx->p < lx->end && *lx->p == '=') {
    lx->p++;
    arg->key = word;
    word = read_word(lx, 0);
    if (word == NULL) return -1;
  }
  arg->value = word;
  if (!at_line_end(lx) && !is_blank(*lx->p)) {
    return fail_at(lx, column_of(lx, lx->p), "expected a space");
  }
  return 0;
}

/* Reads the words of one line into stmt (command word first). */
static int read_line(struct lexer *lx, struct scn_stmt *stmt,
                     const char **command) {
  stmt->line = lx->line;
  stmt->column = column_of(lx, lx->p);
  stmt->arg_count = 0;
  stmt->expect_code = NULL;
  *command = read_word(lx, 0);
  if (*command == NULL) return -1;
  for (skip_blanks(lx); !at_line_end(lx); skip_blanks(lx)) {
    if (lx->end - lx->p >= 2 && lx->p[0] == '-' && lx->p[1] == '>') {
      lx->p += 2;
      skip_blanks(lx);
      unsigned col = column_of(lx, lx->p);
      stmt->expect_code = at_line_end(lx) ? NULL : read_word(lx, 0);
      skip_blanks(lx);
      if (stmt->expect_code == NULL || !at_line_end(lx)) {
        return fail_at(lx, col, "expected one result code after '->'");
      }
      stmt->args[stmt->arg_count].column = col;
      break;
    }
    if (stmt->arg_count == SCN_ARGS_MAX) {
      return fail_at(lx, column_of(lx, lx->p),
                     "too many arguments (at "
                     "most %d)",
                     SCN_ARGS_MAX);
    }
    if (read_arg(lx, &stmt->args[stmt->arg_count]) != 0) return -1;
    stmt->arg_count++;
  }
  return 0;
}

static const struct scn_option *find_option(const struct scn_command *cmd,
                                            const char *key) {
  for (const struct scn_option *o = cmd->options; o->key != NULL; o++) {
    if (strcmp(o->key, key) == 0) return o;
  }
  return NULL;
}

static int check_positional(struct lexer *lx, const struct scn_stmt *stmt,
                            const struct scn_arg *arg, size_t index) {
  const struct scn_command *cmd = stmt->cmd;
  if (index >= cmd->max_positional) {
    return fail_at(lx, arg->column, "unexpected '%s'; usage: %s", arg->value,
                   cmd->usage);
  }
  size_t slots = sizeof cmd->positional / sizeof cmd->positional[0];
  size_t typed = 0;
  while (typed < slots && cmd->positional[typed] != SCN_T_NONE)
    typed++;
  enum scn_type type = cmd->positional[index < typed ? index : typed - 1];
  const char *why = NULL;
  if (bsim__scn_check(type, cmd->choices, arg->value, &why) != 0) {
    return fail_at(lx, arg->column, "expected %s, found '%s'", why, arg->value);
  }
  return 0;
}

static int check_option(struct lexer *lx, const struct scn_stmt *stmt,
                        const struct scn_arg *arg) {
  const struct scn_option *o = find_option(stmt->cmd, arg->key);
  if (o == NULL) {
    return fail_at(lx, arg->column, "'%s' takes no option '%s'; usage: %s",
                   stmt->cmd->name, arg->key, stmt->cmd->usage);
  }
  const char *why = NULL;
  if (bsim__scn_check(o->type, o->choices, arg->value, &why) != 0) {
    return fail_at(lx, arg->column, "%s= expects %s, found '%s'", arg->key, why,
                   arg->value);
  }
  return 0;
}

/* The sub-forms of fault and expect, which the generic spec cannot say. */
static int check_value(struct lexer *lx, const struct scn_stmt *stmt,
                       size_t index, enum scn_type type) {
  const char *why = NULL;
  const char *value = bsim__scn_pos(stmt, index);
  unsigned col = stmt->column;
  for (size_t i = 0, n = 0; i < stmt->arg_count; i++) {
    if (stmt->args[i].key == NULL && n++ == index) col = stmt->args[i].column;
  }
  if (value == NULL) {
    bsim__scn_check(type, NULL, "", &why);
    return fail_at(lx, col, "expected %s after this; usage: %s", why,
                   stmt->cmd->usage);
  }
  if (bsim__scn_check(type, NULL, value, &why) != 0) {
    return fail_at(lx, col, "expected %s, found '%s'", why, value);
  }
  return 0;
}

static int check_fault(struct lexer *lx, const struct scn_stmt *stmt) {
  const char *kind = bsim__scn_pos(stmt, 1);
  size_t n = bsim__scn_pos_count(stmt);
  if (strcmp(kind, "status") == 0) return check_value(lx, stmt, 2, SCN_T_COUNT);
  if (strcmp(kind, "reset") == 0) return check_value(lx, stmt, 2, SCN_T_SIZE);
  if (n > 2) {
    return fail_at(lx, stmt->column, "fault '%s' takes no value; usage: %s",
                   kind, stmt->cmd->usage);
  }
  return 0;
}

struct expect_form {
  const char *what;
  size_t positional; /* including JOB and the word */
  enum scn_type value_type;
};

static int check_expect(struct lexer *lx, const struct scn_stmt *stmt) {
  static const struct expect_form job_forms[] = {
      {"state", 3, SCN_T_STATE},       {"error", 3, SCN_T_CODE},
      {"error-count", 3, SCN_T_COUNT}, {"progress", 2, SCN_T_NONE},
      {"callback", 3, SCN_T_CHOICE},   {"cmdline", 2, SCN_T_NONE},
      {"validation", 3, SCN_T_COUNT},
  };
  const char *first = bsim__scn_pos(stmt, 0);
  const char *what = bsim__scn_pos(stmt, 1);
  size_t n = bsim__scn_pos_count(stmt);
  if (strcmp(first, "time") == 0) {
    return n == 2 ? check_value(lx, stmt, 1, SCN_T_DURATION)
                  : fail_at(lx, stmt->column, "usage: expect time DURATION");
  }
  if (strcmp(first, "file") == 0) {
    const char *check = bsim__scn_pos(stmt, 2);
    int ok = (n == 4 && strcmp(check, "same-as") == 0) ||
             (n == 3 &&
              (strcmp(check, "exists") == 0 || strcmp(check, "missing") == 0));
    return ok ? 0
              : fail_at(lx, stmt->column,
                        "usage: expect file LOCAL same-as "
                        "URL | exists | missing");
  }
  if (strcmp(what, "reply") == 0) {
    return n == 4 && strcmp(bsim__scn_pos(stmt, 2), "same-as") == 0
               ? 0
               : fail_at(lx, stmt->column,
                         "usage: expect JOB reply same-as LOCAL");
  }
  for (size_t i = 0; i < sizeof job_forms / sizeof job_forms[0]; i++) {
    const struct expect_form *f = &job_forms[i];
    if (strcmp(what, f->what) != 0) continue;
    if (n != f->positional) {
      return fail_at(lx, stmt->column, "usage: %s", stmt->cmd->usage);
    }
    if (f->value_type == SCN_T_CHOICE) {
      const char *why = NULL;
      const char *m = bsim__scn_pos(stmt, 2);
      static const char methods[] = "JobTransferred|JobError|"
                                    "JobModification|FileTransferred";
      return bsim__scn_check(SCN_T_CHOICE, methods, m, &why) == 0
                 ? 0
                 : fail_at(lx, stmt->column, "expected %s, found '%s'", why, m);
    }
    return f->value_type == SCN_T_NONE
               ? 0
               : check_value(lx, stmt, 2, f->value_type);
  }
  return fail_at(lx, stmt->column,
                 "expected state, error, error-count, "
                 "progress, callback, cmdline, validation or reply after the "
                 "job, found '%s'",
                 what);
}

/* callback validate=V[,V...]: each FileTransferred call takes the next
 * verdict, the last one repeats (as the code lists do). */
static int check_validate_list(struct lexer *lx, const struct scn_stmt *stmt) {
  const char *list = bsim__scn_opt(stmt, "validate");
  if (list == NULL) return 0;
  char one[32];
  for (const char *p = list; p != NULL;) {
    const char *comma = strchr(p, ',');
    size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
    snprintf(one, sizeof one, "%.*s", (int)len, p);
    const char *why = NULL;
    if (len >= sizeof one ||
        bsim__scn_check(SCN_T_CHOICE, "none|accept|reject|check", one, &why) !=
            0) {
      return fail_at(lx, stmt->column,
                     "validate= takes none, accept, reject or check, "
                     "separated by commas, found '%s'",
                     list);
    }
    p = comma != NULL ? comma + 1 : NULL;
  }
  return 0;
}

/* add ranges=OFFSET:LENGTH,...: the column points at the bad item. */
static int check_ranges_list(struct lexer *lx, const struct scn_stmt *stmt) {
  for (size_t i = 0; i < stmt->arg_count; i++) {
    const struct scn_arg *arg = &stmt->args[i];
    if (arg->key == NULL || strcmp(arg->key, "ranges") != 0) continue;
    size_t bad = 0;
    if (bsim__scn_ranges(arg->value, NULL, 0, &bad) < 0) {
      return fail_at(lx, arg->column + (unsigned)(strlen("ranges=") + bad),
                     "ranges= takes OFFSET:LENGTH items (SIZEs, LENGTH may "
                     "be eof) separated by commas, found '%s'",
                     arg->value + bad);
    }
  }
  return 0;
}

static int check_forms(struct lexer *lx, const struct scn_stmt *stmt) {
  if (strcmp(stmt->cmd->name, "fault") == 0) return check_fault(lx, stmt);
  if (strcmp(stmt->cmd->name, "callback") == 0) {
    return check_validate_list(lx, stmt);
  }
  if (strcmp(stmt->cmd->name, "expect") == 0) return check_expect(lx, stmt);
  if (strcmp(stmt->cmd->name, "add") == 0) return check_ranges_list(lx, stmt);
  return 0;
}

static int check_stmt(struct lexer *lx, struct scn_stmt *stmt) {
  const struct scn_command *cmd = stmt->cmd;
  size_t positional = 0;
  for (size_t i = 0; i < stmt->arg_count; i++) {
    const struct scn_arg *arg = &stmt->args[i];
    int rc = arg->key != NULL ? check_option(lx, stmt, arg)
                              : check_positional(lx, stmt, arg, positional++);
    if (rc != 0) return -1;
  }
  if (positional < cmd->min_positional) {
    return fail_at(lx, stmt->column, "'%s' needs more arguments; usage: %s",
                   cmd->name, cmd->usage);
  }
  if (stmt->expect_code != NULL) {
    const char *why = NULL;
    unsigned col = stmt->args[stmt->arg_count].column;
    if (!cmd->takes_result) {
      return fail_at(lx, col, "'%s' returns no result to check", cmd->name);
    }
    if (bsim__scn_check(SCN_T_CODE, NULL, stmt->expect_code, &why) != 0) {
      return fail_at(lx, col, "expected %s, found '%s'", why,
                     stmt->expect_code);
    }
  }
  return check_forms(lx, stmt);
}

static int parse_line(struct lexer *lx, struct bsim_scenario *s) {
  struct scn_stmt *stmt = &s->stmts[s->count];
  const char *word = NULL;
  if (read_line(lx, stmt, &word) != 0) return -1;
  stmt->cmd = bsim__scn_command(word);
  if (stmt->cmd == NULL) {
    return fail_at(lx, stmt->column,
                   "unknown command '%s' (expected one of "
                   "the commands in docs/scenarios.md)",
                   word);
  }
  if (check_stmt(lx, stmt) != 0) return -1;
  s->count++;
  return 0;
}

static size_t count_lines(const char *text, size_t len) {
  size_t lines = 1;
  for (size_t i = 0; i < len; i++)
    lines += text[i] == '\n';
  return lines;
}

static int parse_all(struct lexer *lx, struct bsim_scenario *s) {
  while (lx->p < lx->end) {
    lx->line_start = lx->p;
    skip_blanks(lx);
    if (!at_line_end(lx) && parse_line(lx, s) != 0) return -1;
    while (lx->p < lx->end && *lx->p != '\n')
      lx->p++;
    if (lx->p < lx->end) lx->p++;
    lx->line++;
  }
  return 0;
}

bsim_hr bsim_scenario_parse(const char *name, const char *text, size_t len,
                            bsim_scenario **out,
                            struct bsim_scenario_error *err) {
  if (text == NULL || out == NULL) return BSIM_E_INVALIDARG;
  if (memchr(text, '\0', len) != NULL) {
    if (err != NULL) {
      snprintf(err->message, sizeof err->message, "%s: contains a NUL byte",
               name != NULL ? name : "scenario");
    }
    return BSIM_E_INVALIDARG;
  }
  struct bsim_scenario *s = bsim__calloc(1, sizeof *s);
  if (s == NULL) return BSIM_E_OUTOFMEMORY;
  s->name = bsim__strdup(name != NULL ? name : "scenario");
  s->text = bsim__malloc(len + 1);
  s->stmts = bsim__calloc(count_lines(text, len), sizeof *s->stmts);
  if (s->name == NULL || s->text == NULL || s->stmts == NULL) {
    bsim_scenario_free(s);
    return BSIM_E_OUTOFMEMORY;
  }
  struct lexer lx = {text, text + len, text, 1, s->text, 0, err, s->name};
  if (parse_all(&lx, s) != 0) {
    bsim_scenario_free(s);
    return BSIM_E_INVALIDARG;
  }
  *out = s;
  return BSIM_S_OK;
}

bsim_hr bsim_scenario_load(const char *path, bsim_scenario **out,
                           struct bsim_scenario_error *err) {
  if (path == NULL || out == NULL) return BSIM_E_INVALIDARG;
  FILE *f = fopen(path, "rb");
  if (f == NULL) return bsim_hr_from_win32(2); /* ERROR_FILE_NOT_FOUND */
  char *buf = NULL;
  size_t len = 0;
  size_t cap = 0;
  for (;;) {
    if (len == cap) {
      size_t grown_cap = cap ? cap * 2 : 4096;
      char *grown =
          grown_cap <= (64u << 20) ? bsim__realloc(buf, grown_cap) : NULL;
      if (grown == NULL) {
        bsim__free(buf);
        fclose(f);
        return BSIM_E_OUTOFMEMORY;
      }
      buf = grown;
      cap = grown_cap;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) break;
  }
  int read_error = ferror(f);
  fclose(f);
  bsim_hr hr =
      read_error ? BSIM_E_FAIL : bsim_scenario_parse(path, buf, len, out, err);
  bsim__free(buf);
  return hr;
}

size_t bsim_scenario_statement_count(const bsim_scenario *s) {
  return s != NULL ? s->count : 0;
}

void bsim_scenario_free(bsim_scenario *s) {
  if (s == NULL) return;
  bsim__free(s->name);
  bsim__free(s->text);
  bsim__free(s->stmts);
  bsim__free(s);
}

const char *bsim__scn_opt(const struct scn_stmt *stmt, const char *key) {
  for (size_t i = 0; i < stmt->arg_count; i++) {
    if (stmt->args[i].key != NULL && strcmp(stmt->args[i].key, key) == 0) {
      return stmt->args[i].value;
    }
  }
  return NULL;
}

const char *bsim__scn_pos(const struct scn_stmt *stmt, size_t index) {
  for (size_t i = 0; i < stmt->arg_count; i++) {
    if (stmt->args[i].key == NULL && index-- == 0) return stmt->args[i].value;
  }
  return NULL;
}

size_t bsim__scn_pos_count(const struct scn_stmt *stmt) {
  size_t n = 0;
  for (size_t i = 0; i < stmt->arg_count; i++)
    n += stmt->args[i].key == NULL;
  return n;
}
