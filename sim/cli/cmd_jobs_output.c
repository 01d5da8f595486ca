/* bitsim job commands — output shapes. The text forms follow bitsadmin
 * (users.md §3.1): the list line "{GUID} 'name' STATE a / b x / y", the
 * /info /verbose block, file lines, and "Unable to <what> - 0x<hr>" followed
 * by the message for failures. --json turns each command's result into one
 * JSON object per line, with symbolic names beside the numbers, for
 * scripts. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cmd_jobs.h"

const char *bsim__cli_state_name(enum bsim_job_state s) {
  static const char *const names[] = {
      "QUEUED",          "CONNECTING",  "TRANSFERRING", "SUSPENDED", "ERROR",
      "TRANSIENT_ERROR", "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED"};
  return (unsigned)s < BSIM_JOB_STATE_COUNT ? names[s] : "UNKNOWN";
}

const char *bsim__cli_type_name(enum bsim_job_type t) {
  static const char *const names[] = {"DOWNLOAD", "UPLOAD", "UPLOAD_REPLY"};
  return (unsigned)t < BSIM_JOB_TYPE_COUNT ? names[t] : "UNKNOWN";
}

static const char *const priorities[] = {"FOREGROUND", "HIGH", "NORMAL", "LOW"};

const char *bsim__cli_priority_name(enum bsim_job_priority p) {
  return (unsigned)p < BSIM_JOB_PRIORITY_COUNT ? priorities[p] : "UNKNOWN";
}

int bsim__cli_priority_parse(const char *text, enum bsim_job_priority *out) {
  for (int i = 0; i < (int)BSIM_JOB_PRIORITY_COUNT; i++) {
    if (bsim__cli_ieq(text, priorities[i])) {
      *out = (enum bsim_job_priority)i;
      return 0;
    }
  }
  return -1;
}

const char *bsim__cli_context_name(enum bsim_error_context c) {
  static const char *const names[] = {"NONE",
                                      "UNKNOWN",
                                      "GENERAL_QUEUE_MANAGER",
                                      "QUEUE_MANAGER_NOTIFICATION",
                                      "LOCAL_FILE",
                                      "REMOTE_FILE",
                                      "GENERAL_TRANSPORT",
                                      "REMOTE_APPLICATION",
                                      "SERVER_CERTIFICATE_CALLBACK"};
  return (unsigned)c < BSIM_ERROR_CONTEXT_COUNT ? names[c] : "UNKNOWN";
}

struct summary {
  bsim_guid id;
  char guid[BSIM_GUID_STRING_LEN];
  char *name;
  enum bsim_job_state state;
  enum bsim_job_type type;
  enum bsim_job_priority priority;
  struct bsim_job_progress p;
};

/* Read what every shape needs; the getters are legal in every state. */
static void summary_read(bsim_job *job, struct summary *s) {
  memset(s, 0, sizeof *s);
  if (BSIM_FAILED(bsim_job_get_id(job, &s->id)))
    memset(&s->id, 0, sizeof s->id);
  bsim_guid_format(&s->id, s->guid);
  if (BSIM_FAILED(bsim_job_get_display_name(job, &s->name))) s->name = NULL;
  if (BSIM_FAILED(bsim_job_get_state(job, &s->state))) s->state = 0;
  if (BSIM_FAILED(bsim_job_get_type(job, &s->type))) s->type = 0;
  if (BSIM_FAILED(bsim_job_get_priority(job, &s->priority))) s->priority = 2;
  if (BSIM_FAILED(bsim_job_get_progress(job, &s->p)))
    memset(&s->p, 0, sizeof s->p);
}

static void print_total(FILE *out, uint64_t total) {
  if (total == BSIM_SIZE_UNKNOWN) {
    fputs("UNKNOWN", out);
  } else {
    fprintf(out, "%" PRIu64, total);
  }
}

void bsim__cli_print_line(FILE *out, bsim_job *job) {
  struct summary s;
  summary_read(job, &s);
  fprintf(out, "%s '%s' %s %u / %u %" PRIu64 " / ", s.guid,
          s.name != NULL ? s.name : "", bsim__cli_state_name(s.state),
          s.p.files_transferred, s.p.files_total, s.p.bytes_transferred);
  print_total(out, s.p.bytes_total);
  fputc('\n', out);
  bsim_free(s.name);
}

void bsim__cli_print_file(FILE *out, bsim_job *job, uint32_t index) {
  struct bsim_file_progress fp;
  char *remote = NULL;
  char *local = NULL;
  if (BSIM_FAILED(bsim_file_get_progress(job, index, &fp))) return;
  if (BSIM_FAILED(bsim_file_get_remote_name(job, index, &remote)))
    remote = NULL;
  if (BSIM_FAILED(bsim_file_get_local_name(job, index, &local))) local = NULL;
  int done = fp.bytes_total != BSIM_SIZE_UNKNOWN &&
             fp.bytes_transferred == fp.bytes_total;
  fprintf(out, "%" PRIu64 " / ", fp.bytes_transferred);
  print_total(out, fp.bytes_total);
  fprintf(out, " %s %s -> %s\n", done ? "TRANSFERRED" : "WORKING",
          remote != NULL ? remote : "", local != NULL ? local : "");
  bsim_free(remote);
  bsim_free(local);
}

/* FILETIME ticks as bitsadmin prints them ("1/1/2026 12:00:00 AM"), UTC. */
static void print_filetime(FILE *out, uint64_t ft) {
  if (ft == 0) {
    fputs("UNKNOWN", out);
    return;
  }
  time_t unix_s = (time_t)(ft / 10000000u - 11644473600u);
  struct tm tm;
  if (gmtime_r(&unix_s, &tm) == NULL) return;
  int h12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  fprintf(out, "%d/%d/%d %d:%02d:%02d %s", tm.tm_mon + 1, tm.tm_mday,
          tm.tm_year + 1900, h12, tm.tm_min, tm.tm_sec,
          tm.tm_hour < 12 ? "AM" : "PM");
}

void bsim__cli_print_error(FILE *out, bsim_job *job) {
  struct bsim_job_error e;
  if (BSIM_FAILED(bsim_job_get_error(job, &e))) return;
  fputs("ERROR FILE: ", out);
  if (e.file_index >= 0) {
    char *remote = NULL;
    char *local = NULL;
    uint32_t i = (uint32_t)e.file_index;
    if (BSIM_SUCCEEDED(bsim_file_get_remote_name(job, i, &remote)) &&
        BSIM_SUCCEEDED(bsim_file_get_local_name(job, i, &local))) {
      fprintf(out, "%s -> %s", remote, local);
    }
    bsim_free(remote);
    bsim_free(local);
  }
  fprintf(out, "\nERROR CODE: 0x%08X (%s) - %s\n", (unsigned)e.code,
          bsim_hr_name(e.code), bsim_hr_message(e.code));
  fprintf(out, "ERROR CONTEXT: 0x%X - %s\n", (unsigned)e.context,
          bsim__cli_context_name(e.context));
}

static void print_notify_cmdline(FILE *out, bsim_job *job) {
  char *program = NULL;
  char **argv = NULL;
  fputs("NOTIFICATION COMMAND LINE: ", out);
  if (BSIM_SUCCEEDED(bsim_job_get_notify_cmdline(job, &program, &argv)) &&
      program != NULL) {
    fprintf(out, "'%s'", program);
    for (size_t i = 0; argv != NULL && argv[i] != NULL; i++) {
      fprintf(out, "%s%s", i == 0 ? " '" : " ", argv[i]);
    }
    fputs(argv != NULL && argv[0] != NULL ? "'\n" : "\n", out);
  } else {
    fputs("none\n", out);
  }
  bsim_free(program);
  bsim_strv_free(argv);
}

void bsim__cli_print_verbose(FILE *out, bsim_job *job) {
  struct summary s;
  summary_read(job, &s);
  char *owner = NULL;
  char *desc = NULL;
  struct bsim_job_times t = {0, 0, 0};
  uint32_t flags = 0, retry = 0, npt = 0, errors = 0;
  bsim__cli_ignore(bsim_job_get_owner(job, &owner));
  bsim__cli_ignore(bsim_job_get_description(job, &desc));
  bsim__cli_ignore(bsim_job_get_times(job, &t));
  bsim__cli_ignore(bsim_job_get_notify_flags(job, &flags));
  bsim__cli_ignore(bsim_job_get_minimum_retry_delay(job, &retry));
  bsim__cli_ignore(bsim_job_get_no_progress_timeout(job, &npt));
  bsim__cli_ignore(bsim_job_get_error_count(job, &errors));
  fprintf(out, "GUID: %s DISPLAY: '%s'\n", s.guid, s.name ? s.name : "");
  fprintf(out, "TYPE: %s STATE: %s OWNER: %s\n", bsim__cli_type_name(s.type),
          bsim__cli_state_name(s.state), owner ? owner : "");
  fprintf(out, "PRIORITY: %s FILES: %u / %u BYTES: %" PRIu64 " / ",
          bsim__cli_priority_name(s.priority), s.p.files_transferred,
          s.p.files_total, s.p.bytes_transferred);
  print_total(out, s.p.bytes_total);
  fputs("\nCREATION TIME: ", out);
  print_filetime(out, t.creation_filetime);
  fputs(" MODIFICATION TIME: ", out);
  print_filetime(out, t.modification_filetime);
  fputs("\nCOMPLETION TIME: ", out);
  print_filetime(out, t.transfer_completion_filetime);
  fprintf(out, "\nNOTIFY INTERFACE: %s NOTIFICATION FLAGS: %u\n",
          bsim_job_get_notify(job, NULL, NULL) == BSIM_S_OK ? "REGISTERED"
                                                            : "UNREGISTERED",
          flags);
  fprintf(out, "RETRY DELAY: %u NO PROGRESS TIMEOUT: %u ERROR COUNT: %u\n",
          retry, npt, errors);
  bsim__cli_print_error(out, job);
  fprintf(out, "DESCRIPTION: %s\nJOB FILES:\n", desc ? desc : "");
  for (uint32_t i = 0; i < s.p.files_total; i++) {
    fputc('\t', out);
    bsim__cli_print_file(out, job, i);
  }
  print_notify_cmdline(out, job);
  bsim_free(owner);
  bsim_free(desc);
  bsim_free(s.name);
}

void bsim__cli_json_str(FILE *out, const char *s) {
  if (s == NULL) {
    fputs("null", out);
    return;
  }
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      fprintf(out, "\\%c", *p);
    } else if (*p < 0x20) {
      fprintf(out, "\\u%04x", *p);
    } else {
      fputc(*p, out);
    }
  }
  fputc('"', out);
}

static void json_total(FILE *out, const char *key, uint64_t v) {
  fprintf(out, ",\"%s\":", key);
  if (v == BSIM_SIZE_UNKNOWN) {
    fputs("null", out);
  } else {
    fprintf(out, "%" PRIu64, v);
  }
}

static void json_files(FILE *out, bsim_job *job, uint32_t count) {
  fputs(",\"files\":[", out);
  for (uint32_t i = 0; i < count; i++) {
    char *remote = NULL;
    char *local = NULL;
    struct bsim_file_progress fp = {0, 0, 0};
    bsim__cli_ignore(bsim_file_get_remote_name(job, i, &remote));
    bsim__cli_ignore(bsim_file_get_local_name(job, i, &local));
    bsim__cli_ignore(bsim_file_get_progress(job, i, &fp));
    fputs(i ? ",{\"remote\":" : "{\"remote\":", out);
    bsim__cli_json_str(out, remote);
    fputs(",\"local\":", out);
    bsim__cli_json_str(out, local);
    json_total(out, "bytes_total", fp.bytes_total);
    fprintf(out, ",\"bytes_transferred\":%" PRIu64 ",\"completed\":%s}",
            fp.bytes_transferred, fp.completed ? "true" : "false");
    bsim_free(remote);
    bsim_free(local);
  }
  fputc(']', out);
}

static void json_error(FILE *out, bsim_job *job) {
  struct bsim_job_error e;
  if (BSIM_FAILED(bsim_job_get_error(job, &e))) return;
  fprintf(out, ",\"error\":{\"code\":\"0x%08X\",\"name\":", (unsigned)e.code);
  bsim__cli_json_str(out, bsim_hr_name(e.code));
  fputs(",\"message\":", out);
  bsim__cli_json_str(out, bsim_hr_message(e.code));
  fprintf(out, ",\"context\":\"%s\",\"file_index\":%d}",
          bsim__cli_context_name(e.context), (int)e.file_index);
}

void bsim__cli_json_job(FILE *out, bsim_job *job, int with_files) {
  struct summary s;
  summary_read(job, &s);
  char *owner = NULL;
  uint32_t flags = 0, retry = 0, npt = 0, errors = 0;
  bsim__cli_ignore(bsim_job_get_owner(job, &owner));
  bsim__cli_ignore(bsim_job_get_notify_flags(job, &flags));
  bsim__cli_ignore(bsim_job_get_minimum_retry_delay(job, &retry));
  bsim__cli_ignore(bsim_job_get_no_progress_timeout(job, &npt));
  bsim__cli_ignore(bsim_job_get_error_count(job, &errors));
  fprintf(out, "{\"id\":\"%s\",\"name\":", s.guid);
  bsim__cli_json_str(out, s.name);
  fprintf(out, ",\"type\":\"%s\",\"state\":\"%s\",\"owner\":",
          bsim__cli_type_name(s.type), bsim__cli_state_name(s.state));
  bsim__cli_json_str(out, owner);
  fprintf(out,
          ",\"priority\":\"%s\",\"files_total\":%u,"
          "\"files_transferred\":%u",
          bsim__cli_priority_name(s.priority), s.p.files_total,
          s.p.files_transferred);
  json_total(out, "bytes_total", s.p.bytes_total);
  fprintf(out,
          ",\"bytes_transferred\":%" PRIu64 ",\"notify_flags\":%u,"
          "\"min_retry_delay\":%u,\"no_progress_timeout\":%u,"
          "\"error_count\":%u",
          s.p.bytes_transferred, flags, retry, npt, errors);
  json_error(out, job);
  if (with_files) json_files(out, job, s.p.files_total);
  fputc('}', out);
  bsim_free(owner);
  bsim_free(s.name);
}

void bsim__cli_json_begin(FILE *out, const char *verb, bsim_hr hr) {
  fprintf(out, "{\"command\":\"%s\",\"hr\":\"0x%08X\",\"result\":", verb,
          (unsigned)hr);
  bsim__cli_json_str(out, bsim_hr_name(hr));
}

void bsim__cli_json_end(FILE *out) {
  fputs("}\n", out);
}

int bsim__cli_fail(struct bsim__cli_ctx *ctx, const char *what, bsim_hr hr) {
  fprintf(stderr, "Unable to %s - 0x%08X (%s): %s\n", what, (unsigned)hr,
          bsim_hr_name(hr), bsim_hr_message(hr));
  if (ctx->g->json) {
    bsim__cli_json_begin(stdout, ctx->cmd->verb->name, hr);
    fputs(",\"message\":", stdout);
    bsim__cli_json_str(stdout, bsim_hr_message(hr));
    bsim__cli_json_end(stdout);
  }
  return BSIM__CLI_EXIT_FAIL;
}
