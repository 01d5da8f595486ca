/* bitsim job commands — reading and setting one property: the /get* verbs
 * print the bare value (bitsadmin prints nothing else, so scripts can use
 * them with or without /rawreturn), /geterror prints bitsadmin's error
 * block, the /set* verbs call one setter (reference §1.4 for the rules,
 * e.g. a retry delay below 5 s is raised to 5 s, and a notify flag the
 * engine does not know is E_NOTIMPL). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd_jobs.h"

/* A property read: either a number, or a string (owned or static). */
struct value {
  int is_num;
  uint64_t num;
  const char *str;
  char *owned;
};

static bsim_hr get_progress(bsim_job *job, const char *name, struct value *v) {
  struct bsim_job_progress p;
  bsim_hr hr = bsim_job_get_progress(job, &p);
  v->is_num = 1;
  if (strcmp(name, "bytestransferred") == 0) v->num = p.bytes_transferred;
  if (strcmp(name, "bytestotal") == 0) v->num = p.bytes_total;
  if (strcmp(name, "filestransferred") == 0) v->num = p.files_transferred;
  if (strcmp(name, "filestotal") == 0) v->num = p.files_total;
  return hr;
}

static bsim_hr get_u32(bsim_hr (*fn)(bsim_job *, uint32_t *), bsim_job *job,
                       struct value *v) {
  uint32_t x = 0;
  bsim_hr hr = fn(job, &x);
  v->is_num = 1;
  v->num = x;
  return hr;
}

static bsim_hr get_cmdline(bsim_job *job, struct value *v) {
  char *program = NULL;
  char **argv = NULL;
  bsim_hr hr = bsim_job_get_notify_cmdline(job, &program, &argv);
  if (BSIM_SUCCEEDED(hr) && program != NULL) {
    static char buf[8192];
    size_t n = (size_t)snprintf(buf, sizeof buf, "%s", program);
    for (size_t i = 0; argv != NULL && argv[i] != NULL && n < sizeof buf; i++)
      n += (size_t)snprintf(buf + n, sizeof buf - n, " %s", argv[i]);
    v->str = buf;
  } else {
    v->str = "(null)";
  }
  bsim_free(program);
  bsim_strv_free(argv);
  return hr;
}

static bsim_hr get_enum(bsim_job *job, const char *name, struct value *v) {
  bsim_hr hr = BSIM_S_OK;
  if (strcmp(name, "state") == 0) {
    enum bsim_job_state s = 0;
    hr = bsim_job_get_state(job, &s);
    v->str = bsim__cli_state_name(s);
  } else if (strcmp(name, "type") == 0) {
    enum bsim_job_type t = 0;
    hr = bsim_job_get_type(job, &t);
    v->str = bsim__cli_type_name(t);
  } else {
    enum bsim_job_priority p = 0;
    hr = bsim_job_get_priority(job, &p);
    v->str = bsim__cli_priority_name(p);
  }
  return hr;
}

static bsim_hr read_value(bsim_job *job, const char *name, struct value *v) {
  memset(v, 0, sizeof *v);
  if (strncmp(name, "bytes", 5) == 0 || strncmp(name, "files", 5) == 0)
    return get_progress(job, name, v);
  if (strcmp(name, "errorcount") == 0)
    return get_u32(bsim_job_get_error_count, job, v);
  if (strcmp(name, "notifyflags") == 0)
    return get_u32(bsim_job_get_notify_flags, job, v);
  if (strcmp(name, "minretrydelay") == 0)
    return get_u32(bsim_job_get_minimum_retry_delay, job, v);
  if (strcmp(name, "noprogresstimeout") == 0)
    return get_u32(bsim_job_get_no_progress_timeout, job, v);
  if (strcmp(name, "displayname") == 0) {
    bsim_hr hr = bsim_job_get_display_name(job, &v->owned);
    return v->str = v->owned, hr;
  }
  if (strcmp(name, "owner") == 0) {
    bsim_hr hr = bsim_job_get_owner(job, &v->owned);
    return v->str = v->owned, hr;
  }
  if (strcmp(name, "notifycmdline") == 0) return get_cmdline(job, v);
  return get_enum(job, name, v);
}

int bsim__cli_get(struct bsim__cli_ctx *ctx) {
  const char *name = ctx->cmd->verb->name + 3; /* after "get" */
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) return BSIM__CLI_EXIT_FAIL;
  struct value v;
  bsim_hr hr = read_value(job, name, &v);
  int rc = 0;
  if (BSIM_FAILED(hr)) {
    rc = bsim__cli_fail(ctx, "get the property", hr);
  } else if (ctx->g->json) {
    bsim__cli_json_begin(stdout, ctx->cmd->verb->name, hr);
    printf(",\"property\":\"%s\",\"value\":", name);
    if (v.is_num && v.num == BSIM_SIZE_UNKNOWN) {
      fputs("null", stdout);
    } else if (v.is_num) {
      printf("%" PRIu64, v.num);
    } else {
      bsim__cli_json_str(stdout, v.str);
    }
    bsim__cli_json_end(stdout);
  } else if (v.is_num && v.num == BSIM_SIZE_UNKNOWN) {
    puts("UNKNOWN");
  } else if (v.is_num) {
    printf("%" PRIu64 "\n", v.num);
  } else {
    printf("%s\n", v.str != NULL ? v.str : "");
  }
  bsim_free(v.owned);
  bsim_job_unref(job);
  return rc;
}

int bsim__cli_geterror(struct bsim__cli_ctx *ctx) {
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) return BSIM__CLI_EXIT_FAIL;
  struct bsim_job_error e;
  bsim_hr hr = bsim_job_get_error(job, &e);
  int rc = 0;
  if (BSIM_FAILED(hr)) {
    rc = bsim__cli_fail(ctx, "get error", hr);
  } else if (ctx->g->json) {
    bsim__cli_json_begin(stdout, "geterror", hr);
    fputs(",\"job\":", stdout);
    bsim__cli_json_job(stdout, job, 0);
    bsim__cli_json_end(stdout);
  } else if (ctx->g->raw) {
    printf("0x%08X\n", (unsigned)e.code);
  } else {
    char *remote = NULL;
    char *local = NULL;
    uint32_t i = e.file_index >= 0 ? (uint32_t)e.file_index : UINT32_MAX;
    if (i != UINT32_MAX) {
      bsim__cli_ignore(bsim_file_get_remote_name(job, i, &remote));
      bsim__cli_ignore(bsim_file_get_local_name(job, i, &local));
    }
    printf("ERROR FILE: %s -> %s\n", remote ? remote : "", local ? local : "");
    printf("ERROR CODE: 0x%08X (%s) - %s\n", (unsigned)e.code,
           bsim_hr_name(e.code), bsim_hr_message(e.code));
    printf("ERROR CONTEXT: 0x%X - %s\n", (unsigned)e.context,
           bsim__cli_context_name(e.context));
    bsim_free(remote);
    bsim_free(local);
  }
  bsim_job_unref(job);
  return rc;
}

/* Parse the value for a /set* verb and call its setter. Returns the
 * setter's HRESULT, or S_FALSE after printing a usage error. */
static bsim_hr set_value(struct bsim__cli_ctx *ctx, bsim_job *job,
                         const char *name, const char *text) {
  uint32_t n = 0;
  if (strcmp(name, "displayname") == 0)
    return bsim_job_set_display_name(job, text);
  if (strcmp(name, "description") == 0)
    return bsim_job_set_description(job, text);
  if (strcmp(name, "priority") == 0) {
    enum bsim_job_priority p;
    if (bsim__cli_priority_parse(text, &p) == 0)
      return bsim_job_set_priority(job, p);
    bsim__cli_usage(ctx->cmd->verb, "priority is FOREGROUND, HIGH, NORMAL "
                                    "or LOW");
    return BSIM_S_FALSE;
  }
  if (bsim__cli_parse_u32(text, &n) != 0) {
    bsim__cli_usage(ctx->cmd->verb, "the value must be a number");
    return BSIM_S_FALSE;
  }
  if (strcmp(name, "minretrydelay") == 0)
    return bsim_job_set_minimum_retry_delay(job, n);
  if (strcmp(name, "noprogresstimeout") == 0)
    return bsim_job_set_no_progress_timeout(job, n);
  return bsim_job_set_notify_flags(job, n);
}

static int set_done(struct bsim__cli_ctx *ctx, bsim_job *job, bsim_hr hr,
                    const char *what) {
  if (ctx->g->json) {
    bsim__cli_json_begin(stdout, ctx->cmd->verb->name, hr);
    fputs(",\"job\":", stdout);
    bsim__cli_json_job(stdout, job, 0);
    bsim__cli_json_end(stdout);
  } else {
    printf("%s set.\n", what);
  }
  return 0;
}

int bsim__cli_set(struct bsim__cli_ctx *ctx) {
  const char *name = ctx->cmd->verb->name + 3; /* after "set" */
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) return BSIM__CLI_EXIT_FAIL;
  bsim_hr hr = set_value(ctx, job, name, ctx->cmd->args[1]);
  int rc;
  if (hr == BSIM_S_FALSE) {
    rc = BSIM__CLI_EXIT_USAGE;
  } else if (BSIM_FAILED(hr)) {
    rc = bsim__cli_fail(ctx, "set the property", hr);
  } else {
    char what[64];
    snprintf(what, sizeof what, "%s", name);
    for (char *p = what; *p; p++)
      if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
    rc = set_done(ctx, job, hr, what);
  }
  bsim_job_unref(job);
  return rc;
}

/* Split PARAMETERS into argv at blanks, honouring "double quotes". */
static int split_params(char *text, const char **argv, int max) {
  int n = 0;
  char *p = text;
  while (*p != '\0') {
    p += strspn(p, " \t");
    if (*p == '\0') break;
    if (n == max - 1) return -1;
    char *out = p;
    argv[n++] = out;
    int quoted = 0;
    for (; *p != '\0' && (quoted || (*p != ' ' && *p != '\t')); p++) {
      if (*p == '"') {
        quoted = !quoted;
      } else {
        *out++ = *p;
      }
    }
    if (*p != '\0') p++;
    *out = '\0';
  }
  argv[n] = NULL;
  return n;
}

int bsim__cli_setnotifycmdline(struct bsim__cli_ctx *ctx) {
  const char *program = ctx->cmd->args[1];
  static char params[4096];
  const char *argv[64];
  int has_params = !bsim__cli_ieq(ctx->cmd->args[2], "NULL");
  if (bsim__cli_ieq(program, "NULL")) {
    if (has_params) {
      return bsim__cli_usage(ctx->cmd->verb, "PARAMETERS must be NULL when "
                                             "PROGRAM is NULL");
    }
    program = NULL;
  }
  if (has_params) {
    snprintf(params, sizeof params, "%s", ctx->cmd->args[2]);
    if (split_params(params, argv, 64) <= 0) {
      return bsim__cli_usage(ctx->cmd->verb, "bad PARAMETERS (at most 63 "
                                             "words, starting with the "
                                             "program)");
    }
  }
  bsim_job *job = bsim__cli_find_job(ctx, ctx->cmd->args[0]);
  if (job == NULL) return BSIM__CLI_EXIT_FAIL;
  bsim_hr hr =
      bsim_job_set_notify_cmdline(job, program, has_params ? argv : NULL);
  int rc = BSIM_FAILED(hr)
               ? bsim__cli_fail(ctx, "set the notify command line", hr)
               : set_done(ctx, job, hr, "Notification command line");
  bsim_job_unref(job);
  return rc;
}
