/* Running a scenario: one fresh manager on the virtual clock (AUTO mode),
 * the statements in order, the trace fanned out to the narration, the SVG
 * timeline and the report. Setup commands (seed, option, user, host,
 * publish, outage, fault, network, logon/logoff, advance, run, say) live
 * here; job commands in run_jobs.c; expectations in run_expect.c. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "scenario/run_internal.h"

static void fan_out(const char *line, size_t len, void *user) {
  struct runner *r = user;
  if (r->opts->trace != NULL) {
    fwrite(line, 1, len, r->opts->trace);
    fputc('\n', r->opts->trace);
  }
  bsim_renderer_line(r->narration, line, len);
  bsim_renderer_line(r->timeline, line, len);
  bsim_renderer_line(r->report, line, len);
}

static void vformat_at(struct runner *r, char *buf, size_t size,
                       const char *fmt, va_list ap) {
  int n = snprintf(buf, size, "%s:%u: ", r->scenario->name,
                   r->stmt != NULL ? r->stmt->line : 0);
  if (n > 0 && (size_t)n < size) vsnprintf(buf + n, size - (size_t)n, fmt, ap);
}

void bsim__scn_say(struct runner *r, const char *fmt, ...) {
  if (r->opts->narration == NULL) return;
  char when[40];
  bsim_format_virtual_time(r->mgr != NULL ? bsim_manager_now_ms(r->mgr) : 0,
                           when, sizeof when);
  fprintf(r->opts->narration, "[%s] ", when);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(r->opts->narration, fmt, ap);
  va_end(ap);
  fputc('\n', r->opts->narration);
}

void bsim__scn_expect_failed(struct runner *r, const char *fmt, ...) {
  char msg[320];
  va_list ap;
  va_start(ap, fmt);
  vformat_at(r, msg, sizeof msg, fmt, ap);
  va_end(ap);
  r->result->failures++;
  if (r->result->failures == 1) {
    snprintf(r->result->first_failure, sizeof r->result->first_failure, "%s",
             msg);
  }
  bsim__scn_say(r, "EXPECTATION FAILED %s", msg);
}

int bsim__scn_stop(struct runner *r, bsim_hr hr, const char *fmt, ...) {
  char msg[240];
  va_list ap;
  va_start(ap, fmt);
  vformat_at(r, msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(r->result->first_failure, sizeof r->result->first_failure, "%s (%s)",
           msg, bsim_hr_name(hr));
  bsim__scn_say(r, "STOPPED %s", r->result->first_failure);
  return SCN_STOP;
}

int bsim__scn_result(struct runner *r, const char *what, bsim_hr hr) {
  const char *want = r->stmt->expect_code;
  r->result->expectations += want != NULL;
  if (want != NULL) {
    bsim_hr expected = 0;
    if (bsim_hr_parse(want, &expected) != 0 || expected != hr) {
      bsim__scn_expect_failed(r, "%s returned %s, expected %s", what,
                              bsim_hr_name(hr), want);
    }
    return SCN_OK;
  }
  if (BSIM_FAILED(hr)) {
    r->result->expectations++;
    bsim__scn_expect_failed(r,
                            "%s failed with %s (add '-> %s' if that is "
                            "what you expect)",
                            what, bsim_hr_name(hr), bsim_hr_name(hr));
  }
  return SCN_OK;
}

int bsim__scn_manager(struct runner *r) {
  if (r->mgr != NULL) return SCN_OK;
  if (r->opts->seed != 0) r->mopts.seed = r->opts->seed;
  bsim_hr hr = bsim_manager_new(&r->mopts, &r->mgr);
  if (BSIM_FAILED(hr)) return bsim__scn_stop(r, hr, "creating the manager");
  bsim_trace_set_sink(r->mgr, fan_out, r);
  return SCN_OK;
}

int bsim__scn_local(struct runner *r, const char *name, char *buf,
                    size_t size) {
  int n = name[0] == '/' ? snprintf(buf, size, "%s", name)
                         : snprintf(buf, size, "%s/%s", r->opts->workdir, name);
  return n > 0 && (size_t)n < size ? SCN_OK : SCN_STOP;
}

static uint64_t opt_duration(const struct scn_stmt *st, const char *key,
                             uint64_t fallback) {
  const char *v = bsim__scn_opt(st, key);
  uint64_t ms = fallback;
  if (v != NULL) bsim__scn_duration_ms(v, &ms);
  return ms;
}

static uint64_t opt_count(const struct scn_stmt *st, const char *key,
                          uint64_t fallback) {
  const char *v = bsim__scn_opt(st, key);
  uint64_t n = fallback;
  if (v != NULL) bsim__scn_count(v, &n);
  return n;
}

/* seed and option lines shape the manager, so they must come first. */
static int run_seed_or_option(struct runner *r) {
  const struct scn_stmt *st = r->stmt;
  if (r->mgr != NULL) {
    return bsim__scn_stop(r, BSIM_E_INVALID_STATE,
                          "'%s' must come before "
                          "anything that runs",
                          st->cmd->name);
  }
  if (strcmp(st->cmd->name, "seed") == 0) {
    bsim__scn_count(bsim__scn_pos(st, 0), &r->mopts.seed);
    return SCN_OK;
  }
  struct bsim_manager_options *o = &r->mopts;
  o->time_slice_ms = (uint32_t)opt_duration(st, "time-slice", o->time_slice_ms);
  o->renotify_interval_ms =
      (uint32_t)opt_duration(st, "renotify", o->renotify_interval_ms);
  o->notify_in_flight_per_user =
      (uint32_t)opt_count(st, "notify-limit", o->notify_in_flight_per_user);
  o->job_inactivity_timeout_s =
      (uint32_t)(opt_duration(st, "inactivity",
                              (uint64_t)o->job_inactivity_timeout_s * 1000) /
                 1000);
  o->max_jobs_per_user =
      (uint32_t)opt_count(st, "max-jobs-per-user", o->max_jobs_per_user);
  o->max_files_per_job =
      (uint32_t)opt_count(st, "max-files-per-job", o->max_files_per_job);
  const char *v = bsim__scn_opt(st, "delivery");
  if (v != NULL) {
    o->delivery = strcmp(v, "threaded") == 0 ? BSIM_DELIVERY_THREADED
                                             : BSIM_DELIVERY_INLINE;
  }
  if ((v = bsim__scn_opt(st, "fs")) != NULL) {
    o->fs_mode = strcmp(v, "virtual") == 0 ? BSIM_FS_VIRTUAL : BSIM_FS_REAL;
  }
  if ((v = bsim__scn_opt(st, "cmdline")) != NULL) {
    o->notify_cmdline_record = strcmp(v, "record") == 0;
  }
  if ((v = bsim__scn_opt(st, "peer-reject")) != NULL) {
    o->peer_reject_suspends = strcmp(v, "suspend") == 0;
  }
  return SCN_OK;
}

static int run_user(struct runner *r) {
  const char *name = bsim__scn_pos(r->stmt, 0);
  int admin = bsim__scn_pos(r->stmt, 1) != NULL;
  if (r->first_user[0] == '\0') {
    snprintf(r->first_user, sizeof r->first_user, "%s", name);
  }
  return bsim__scn_result(r, "adding the user",
                          bsim_user_add(r->mgr, name, admin));
}

static int run_host(struct runner *r) {
  const struct scn_stmt *st = r->stmt;
  struct bsim_model_host_options h;
  bsim_model_host_options_init(&h);
  const char *rate = bsim__scn_opt(st, "bandwidth");
  if (rate != NULL) {
    char size[64];
    snprintf(size, sizeof size, "%.*s", (int)(strlen(rate) - 2), rate);
    bsim__scn_size_bytes(size, &h.bandwidth_bytes_per_s);
  }
  h.latency_ms = (uint32_t)opt_duration(st, "latency", h.latency_ms);
  const char *v = bsim__scn_opt(st, "range");
  if (v != NULL) h.range_support = strcmp(v, "yes") == 0;
  if ((v = bsim__scn_opt(st, "length")) != NULL) {
    h.send_content_length = strcmp(v, "yes") == 0;
  }
  if ((v = bsim__scn_opt(st, "peer")) != NULL) h.peer = strcmp(v, "yes") == 0;
  return bsim__scn_result(
      r, "adding the host",
      bsim_model_host_add(r->mgr, bsim__scn_pos(st, 0), &h));
}

static int run_publish(struct runner *r) {
  uint64_t size = 0;
  const char *v = bsim__scn_opt(r->stmt, "size");
  if (v != NULL) bsim__scn_size_bytes(v, &size);
  return bsim__scn_result(
      r, "publishing the file",
      bsim_model_file_add(r->mgr, bsim__scn_pos(r->stmt, 0), size));
}

/* A peer cache holds a copy of an origin file (reference §11). */
static int run_peer(struct runner *r) {
  return bsim__scn_result(r, "adding the peer copy",
                          bsim_model_peer_add(r->mgr, bsim__scn_pos(r->stmt, 0),
                                              bsim__scn_pos(r->stmt, 1)));
}

static int run_outage(struct runner *r) {
  uint64_t at = opt_duration(r->stmt, "at", bsim_manager_now_ms(r->mgr));
  uint64_t span = opt_duration(r->stmt, "for", 0);
  return bsim__scn_result(
      r, "scheduling the outage",
      bsim_model_host_outage(r->mgr, bsim__scn_pos(r->stmt, 0), at, span));
}

static int run_fault(struct runner *r) {
  const struct scn_stmt *st = r->stmt;
  static const struct {
    const char *word;
    enum bsim_fault_kind kind;
  } kinds[] = {{"status", BSIM_FAULT_HTTP_STATUS},
               {"reset", BSIM_FAULT_RESET_AFTER_BYTES},
               {"stall", BSIM_FAULT_STALL},
               {"no-range", BSIM_FAULT_NO_RANGE},
               {"refuse", BSIM_FAULT_CONNECT_FAIL},
               {"corrupt", BSIM_FAULT_CORRUPT}};
  const char *word = bsim__scn_pos(st, 1);
  enum bsim_fault_kind kind = BSIM_FAULT_HTTP_STATUS;
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    if (strcmp(kinds[i].word, word) == 0) kind = kinds[i].kind;
  }
  struct bsim_fault f;
  bsim_fault_init(&f, kind, bsim__scn_pos(st, 0));
  const char *value = bsim__scn_pos(st, 2);
  uint64_t n = 0;
  if (kind == BSIM_FAULT_HTTP_STATUS && value != NULL) {
    bsim__scn_count(value, &n);
    f.http_status = (int)n;
  } else if (kind == BSIM_FAULT_RESET_AFTER_BYTES && value != NULL) {
    bsim__scn_size_bytes(value, &f.bytes);
  }
  f.count = (uint32_t)opt_count(st, "count", f.count);
  f.from_ms = opt_duration(st, "from", f.from_ms);
  f.until_ms = opt_duration(st, "until", f.until_ms);
  const char *source = bsim__scn_opt(st, "source");
  if (source != NULL) {
    f.source = strcmp(source, "peer") == 0     ? BSIM_FAULT_SOURCE_PEER
               : strcmp(source, "origin") == 0 ? BSIM_FAULT_SOURCE_ORIGIN
                                               : BSIM_FAULT_SOURCE_ANY;
  }
  return bsim__scn_result(r, "adding the fault", bsim_fault_add(r->mgr, &f));
}

static int run_clock(struct runner *r) {
  const struct scn_stmt *st = r->stmt;
  bsim_hr hr;
  if (strcmp(st->cmd->name, "advance") == 0) {
    uint64_t ms = 0;
    bsim__scn_duration_ms(bsim__scn_pos(st, 0), &ms);
    hr = bsim_manager_advance(r->mgr, ms);
  } else if (bsim__scn_opt(st, "for") != NULL) {
    uint64_t ms = opt_duration(st, "for", 0);
    hr = bsim_manager_run_until(r->mgr, bsim_manager_now_ms(r->mgr) + ms);
  } else {
    hr = bsim_manager_run_until_idle(r->mgr, 0);
  }
  return BSIM_FAILED(hr) ? bsim__scn_stop(r, hr, "running the engine") : SCN_OK;
}

static int run_env(struct runner *r) {
  const struct scn_stmt *st = r->stmt;
  const char *name = st->cmd->name;
  if (strcmp(name, "network") == 0) {
    int up = strcmp(bsim__scn_pos(st, 0), "up") == 0;
    return bsim__scn_result(r, "network", bsim_manager_set_network(r->mgr, up));
  }
  int on = strcmp(name, "logon") == 0;
  return bsim__scn_result(
      r, name, bsim_user_set_logged_on(r->mgr, bsim__scn_pos(st, 0), on));
}

static int run_statement(struct runner *r) {
  const char *name = r->stmt->cmd->name;
  if (strcmp(name, "seed") == 0 || strcmp(name, "option") == 0) {
    return run_seed_or_option(r);
  }
  if (bsim__scn_manager(r) != SCN_OK) return SCN_STOP;
  static const struct {
    const char *name;
    int (*run)(struct runner *r);
  } setup[] = {{"user", run_user},
               {"host", run_host},
               {"publish", run_publish},
               {"peer", run_peer},
               {"outage", run_outage},
               {"fault", run_fault},
               {"advance", run_clock},
               {"run", run_clock},
               {"network", run_env},
               {"logon", run_env},
               {"logoff", run_env},
               {"expect", bsim__scn_run_expect},
               {"serve", bsim__scn_run_serve},
               {"make-file", bsim__scn_run_make_file}};
  for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++) {
    if (strcmp(setup[i].name, name) == 0) return setup[i].run(r);
  }
  if (strcmp(name, "say") == 0) {
    bsim__scn_say(r, "-- %s", bsim__scn_pos(r->stmt, 0));
    return SCN_OK;
  }
  return bsim__scn_run_job_cmd(r);
}

/* Only the outputs asked for get a renderer; the others stay NULL, which
 * bsim_renderer_line ignores. */
static int open_renderers(struct runner *r) {
  const struct bsim_scenario_run_options *o = r->opts;
  int rc = 0;
  if (o->narration != NULL) {
    rc |= bsim_renderer_new(BSIM_RENDER_NARRATION, o->narration,
                            &r->narration) != BSIM_S_OK;
  }
  if (o->timeline_svg != NULL) {
    rc |= bsim_renderer_new(BSIM_RENDER_TIMELINE_SVG, o->timeline_svg,
                            &r->timeline) != BSIM_S_OK;
  }
  if (o->report != NULL) {
    rc |= bsim_renderer_new(BSIM_RENDER_REPORT, o->report, &r->report) !=
          BSIM_S_OK;
  }
  return rc ? SCN_STOP : SCN_OK;
}

static void finish(struct runner *r) {
  if (r->mgr != NULL) {
    r->result->trace_digest = bsim_trace_digest(r->mgr);
    r->result->end_time_ms = bsim_manager_now_ms(r->mgr);
  }
  if (r->timeline != NULL) bsim_renderer_finish(r->timeline);
  if (r->report != NULL) bsim_renderer_finish(r->report);
  for (size_t i = 0; i < r->job_count; i++)
    bsim_job_unref(r->jobs[i].job);
  if (r->mgr != NULL) bsim_manager_free(r->mgr);
  bsim__scn_serve_stop(r); /* after the manager: no transfer is left */
  /* The scripted callback tables go once no callback can run any more. */
  bsim__scn_notify_free(r);
  bsim__free(r->jobs);
  bsim_renderer_free(r->narration);
  bsim_renderer_free(r->timeline);
  bsim_renderer_free(r->report);
}

bsim_hr bsim_scenario_run(const bsim_scenario *s,
                          const struct bsim_scenario_run_options *opts,
                          struct bsim_scenario_result *result) {
  if (s == NULL || opts == NULL || opts->workdir == NULL || result == NULL) {
    return BSIM_E_INVALIDARG;
  }
  memset(result, 0, sizeof *result);
  struct runner r;
  memset(&r, 0, sizeof r);
  r.scenario = s;
  r.opts = opts;
  r.result = result;
  bsim_manager_options_init(&r.mopts);
  r.mopts.notify_cmdline_record = 1;
  bsim_hr hr = BSIM_S_OK;
  if (open_renderers(&r) != SCN_OK) hr = BSIM_E_OUTOFMEMORY;
  for (size_t i = 0; hr == BSIM_S_OK && i < s->count; i++) {
    r.stmt = &s->stmts[i];
    if (run_statement(&r) != SCN_OK) hr = BSIM_E_FAIL;
    result->statements_run++;
  }
  finish(&r);
  return hr;
}
