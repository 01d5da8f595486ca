/* bitsim job commands — the verbs that keep the engine running until jobs
 * settle: /transfer (create, add, resume, wait, then Complete on
 * TRANSFERRED or Cancel on ERROR, as bitsadmin does), /monitor, and
 * /resume --wait. A job is settled in SUSPENDED, ERROR, TRANSFERRED or a
 * final state; TRANSIENT_ERROR is not settled, since BITS keeps retrying
 * until the no-progress timeout (reference §4.2, §5). On the virtual clock
 * (model hosts) time jumps from event to event, so a 14-day timeout takes
 * milliseconds; on the real clock the loop waits in real time.
 *
 * Progress: a redrawn bar when stdout is a terminal (or --progress=bar),
 * otherwise a plain line at each state change and each 10% of the bytes. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd_jobs.h"

#define SETTLED_MASK                                                           \
  ((1u << BSIM_JOB_STATE_SUSPENDED) | (1u << BSIM_JOB_STATE_ERROR) |           \
   (1u << BSIM_JOB_STATE_TRANSFERRED) | (1u << BSIM_JOB_STATE_ACKNOWLEDGED) |  \
   (1u << BSIM_JOB_STATE_CANCELLED))
#define ALL_STATES ((1u << BSIM_JOB_STATE_COUNT) - 1u)
#define BAR_WIDTH 30

static int settled(enum bsim_job_state s) {
  return (SETTLED_MASK >> (unsigned)s) & 1u;
}

struct progress_view {
  int state;  /* last state shown, -1 at first */
  int decile; /* last 10% step shown */
  int bar_open;
};

static int percent_of(const struct bsim_job_progress *p) {
  if (p->bytes_total == BSIM_SIZE_UNKNOWN || p->bytes_total == 0) {
    return p->files_total > 0 && p->files_transferred == p->files_total ? 100
                                                                        : 0;
  }
  return (int)((double)p->bytes_transferred * 100.0 / (double)p->bytes_total);
}

static void show_bar(struct bsim__cli_ctx *ctx, struct progress_view *v,
                     enum bsim_job_state s, const struct bsim_job_progress *p) {
  char when[40];
  int pct = percent_of(p);
  int fill = pct * BAR_WIDTH / 100;
  printf("\r[%.*s%.*s] %3d%% %" PRIu64 " / ", fill,
         "##############################", BAR_WIDTH - fill,
         "------------------------------", pct, p->bytes_transferred);
  if (p->bytes_total == BSIM_SIZE_UNKNOWN) {
    fputs("UNKNOWN", stdout);
  } else {
    printf("%" PRIu64, p->bytes_total);
  }
  printf(" %-15s %s\033[K", bsim__cli_state_name(s),
         bsim_format_virtual_time(bsim_manager_now_ms(ctx->mgr), when,
                                  sizeof when));
  v->bar_open = 1;
  if (settled(s)) {
    fputc('\n', stdout);
    v->bar_open = 0;
  }
  fflush(stdout);
}

static void show_plain(struct bsim__cli_ctx *ctx, struct progress_view *v,
                       enum bsim_job_state s,
                       const struct bsim_job_progress *p) {
  int pct = percent_of(p);
  if ((int)s == v->state && pct / 10 == v->decile) return;
  v->state = (int)s;
  v->decile = pct / 10;
  char when[40];
  printf("[%s] STATE: %s FILES: %u / %u BYTES: %" PRIu64 " / ",
         bsim_format_virtual_time(bsim_manager_now_ms(ctx->mgr), when,
                                  sizeof when),
         bsim__cli_state_name(s), p->files_transferred, p->files_total,
         p->bytes_transferred);
  if (p->bytes_total == BSIM_SIZE_UNKNOWN) {
    puts("UNKNOWN");
  } else {
    printf("%" PRIu64 " (%d%%)\n", p->bytes_total, pct);
  }
}

static void show(struct bsim__cli_ctx *ctx, struct progress_view *v,
                 bsim_job *job, enum bsim_job_state s) {
  struct bsim_job_progress p;
  if (ctx->g->json || BSIM_FAILED(bsim_job_get_progress(job, &p))) return;
  if (ctx->bars) {
    show_bar(ctx, v, s, &p);
  } else {
    show_plain(ctx, v, s, &p);
  }
}

bsim_hr bsim__cli_wait(struct bsim__cli_ctx *ctx, bsim_job *job,
                       enum bsim_job_state *state_out) {
  struct progress_view v = {-1, -1, 0};
  for (;;) {
    enum bsim_job_state s = BSIM_JOB_STATE_QUEUED;
    bsim_hr hr = bsim_job_get_state(job, &s);
    if (BSIM_FAILED(hr)) return hr;
    *state_out = s;
    show(ctx, &v, job, s);
    if (settled(s)) return BSIM_S_OK;
    /* Sample progress each second while bytes may flow; otherwise wait for
     * the next state change (a retry timer, a reconnect). */
    uint64_t now = bsim_manager_now_ms(ctx->mgr);
    uint64_t step_ms =
        s == BSIM_JOB_STATE_TRANSFERRING || s == BSIM_JOB_STATE_CONNECTING
            ? 1000u
            : 3600u * 1000u;
    uint32_t mask = SETTLED_MASK | (ALL_STATES & ~(1u << (unsigned)s));
    hr = bsim_manager_run_until_job_state(ctx->mgr, job, mask, now + step_ms);
    if (BSIM_FAILED(hr)) return hr;
    if (hr == BSIM_S_FALSE && bsim_manager_now_ms(ctx->mgr) == now) {
      if (v.bar_open) fputc('\n', stdout);
      /* Nothing left to run and the job is not settled: no transport
       * serves its URLs, or it waits for something outside the engine. */
      fprintf(stderr,
              "bitsim: the engine went idle with the job %s; is "
              "its host declared (--host, --publish)?\n",
              bsim__cli_state_name(s));
      return BSIM_S_FALSE;
    }
  }
}

/* Create the job and add every URL LOCAL pair; on failure the job is
 * cancelled so the command leaves nothing behind. */
static bsim_hr transfer_setup(struct bsim__cli_ctx *ctx, bsim_job **job_out) {
  const struct bsim__cli_cmd *c = ctx->cmd;
  enum bsim_job_type type =
      (c->switches & BSIM__CLI_SW_UPLOAD)         ? BSIM_JOB_TYPE_UPLOAD
      : (c->switches & BSIM__CLI_SW_UPLOAD_REPLY) ? BSIM_JOB_TYPE_UPLOAD_REPLY
                                                  : BSIM_JOB_TYPE_DOWNLOAD;
  bsim_job *job = NULL;
  bsim_hr hr =
      bsim_job_create(ctx->mgr, ctx->g->user, c->args[0], type, NULL, &job);
  if (BSIM_FAILED(hr)) return hr;
  enum bsim_job_priority prio;
  if (c->priority != NULL && bsim__cli_priority_parse(c->priority, &prio) == 0)
    hr = bsim_job_set_priority(job, prio);
  for (int i = 1; i + 1 < c->argc && BSIM_SUCCEEDED(hr); i += 2) {
    char buf[4096];
    hr = bsim_job_add_file(job, c->args[i],
                           bsim__cli_abs_path(c->args[i + 1], buf, sizeof buf));
  }
  if (BSIM_SUCCEEDED(hr)) hr = bsim_job_resume(job);
  if (BSIM_FAILED(hr)) {
    bsim__cli_ignore(bsim_job_cancel(job));
    bsim_job_unref(job);
    return hr;
  }
  *job_out = job;
  return hr;
}

static void transfer_header(bsim_job *job) {
  char *name = NULL;
  enum bsim_job_type t = 0;
  enum bsim_job_priority p = 0;
  bsim__cli_ignore(bsim_job_get_display_name(job, &name));
  bsim__cli_ignore(bsim_job_get_type(job, &t));
  bsim__cli_ignore(bsim_job_get_priority(job, &p));
  printf("DISPLAY: '%s' TYPE: %s PRIORITY: %s\n", name ? name : "",
         bsim__cli_type_name(t), bsim__cli_priority_name(p));
  bsim_free(name);
}

/* What to do once the job settled: Complete, or Cancel with the error. */
static int transfer_finish(struct bsim__cli_ctx *ctx, bsim_job *job,
                           enum bsim_job_state s, bsim_hr waited) {
  int json = ctx->g->json;
  if (s == BSIM_JOB_STATE_TRANSFERRED) {
    bsim_hr hr = bsim_job_complete(job);
    if (BSIM_FAILED(hr)) return bsim__cli_fail(ctx, "complete job", hr);
    if (json) {
      bsim__cli_json_begin(stdout, "transfer", hr);
      fputs(",\"job\":", stdout);
      bsim__cli_json_job(stdout, job, 1);
      bsim__cli_json_end(stdout);
    } else {
      puts("Transfer complete.");
    }
    return 0;
  }
  if (json) {
    bsim__cli_json_begin(stdout, "transfer", waited);
    fputs(",\"job\":", stdout);
    bsim__cli_json_job(stdout, job, 1);
    fputs(",\"cancelled\":true", stdout);
    bsim__cli_json_end(stdout);
  } else {
    bsim__cli_print_error(stdout, job);
  }
  bsim__cli_ignore(bsim_job_cancel(job));
  fprintf(stderr,
          "Unable to complete transfer: the job ended %s; it was "
          "canceled.\n",
          bsim__cli_state_name(s));
  return BSIM__CLI_EXIT_FAIL;
}

int bsim__cli_transfer(struct bsim__cli_ctx *ctx) {
  bsim_job *job = NULL;
  bsim_hr hr = transfer_setup(ctx, &job);
  if (BSIM_FAILED(hr)) return bsim__cli_fail(ctx, "start the transfer", hr);
  if (!ctx->g->json) transfer_header(job);
  enum bsim_job_state s = BSIM_JOB_STATE_QUEUED;
  hr = bsim__cli_wait(ctx, job, &s);
  int rc;
  if (BSIM_FAILED(hr)) {
    bsim__cli_ignore(bsim_job_cancel(job));
    rc = bsim__cli_fail(ctx, "run the engine", hr);
  } else {
    rc = transfer_finish(ctx, job, s, hr);
  }
  bsim_job_unref(job);
  return rc;
}

/* A fingerprint of what /monitor shows, to print only when it changed. */
static uint64_t snapshot(bsim_job **jobs, size_t count, int *all_settled) {
  uint64_t h = 1469598103934665603u ^ count;
  *all_settled = 1;
  for (size_t i = 0; i < count; i++) {
    enum bsim_job_state s = 0;
    struct bsim_job_progress p = {0, 0, 0, 0};
    bsim__cli_ignore(bsim_job_get_state(jobs[i], &s));
    bsim__cli_ignore(bsim_job_get_progress(jobs[i], &p));
    if (!settled(s)) *all_settled = 0;
    uint64_t parts[3] = {(uint64_t)s, p.bytes_transferred, p.files_transferred};
    for (int k = 0; k < 3; k++)
      h = (h ^ parts[k]) * 1099511628211u;
  }
  return h;
}

static void monitor_print(struct bsim__cli_ctx *ctx, bsim_job **jobs,
                          size_t count) {
  char when[40];
  uint64_t now = bsim_manager_now_ms(ctx->mgr);
  if (ctx->g->json) {
    printf("{\"command\":\"monitor\",\"t_ms\":%" PRIu64 ",\"jobs\":[", now);
    for (size_t i = 0; i < count; i++) {
      if (i > 0) fputc(',', stdout);
      bsim__cli_json_job(stdout, jobs[i], 0);
    }
    puts("]}");
    return;
  }
  printf("[%s]\n", bsim_format_virtual_time(now, when, sizeof when));
  for (size_t i = 0; i < count; i++)
    bsim__cli_print_line(stdout, jobs[i]);
}

int bsim__cli_monitor(struct bsim__cli_ctx *ctx) {
  int all = (ctx->cmd->switches & BSIM__CLI_SW_ALLUSERS) != 0;
  uint64_t refresh_ms = (uint64_t)ctx->cmd->refresh_s * 1000u;
  uint64_t last = 0;
  if (!ctx->g->json) {
    printf("MONITORING BACKGROUND COPY MANAGER(%u second refresh)\n",
           ctx->cmd->refresh_s);
  }
  int idle = 0;
  int done = 0;
  for (int first = 1;; first = 0) {
    bsim_job **jobs = NULL;
    size_t count = 0;
    bsim_hr hr = bsim__cli_enum(ctx, all, &jobs, &count);
    if (BSIM_FAILED(hr)) return bsim__cli_fail(ctx, "enumerate jobs", hr);
    uint64_t h = snapshot(jobs, count, &done);
    if (first || h != last) monitor_print(ctx, jobs, count);
    last = h;
    bsim_job_array_free(jobs, count);
    if (done || idle) break;
    uint64_t now = bsim_manager_now_ms(ctx->mgr);
    hr = bsim_manager_run_until(ctx->mgr, now + refresh_ms);
    if (BSIM_FAILED(hr)) return bsim__cli_fail(ctx, "run the engine", hr);
    /* Time stood still: nothing is left to run (idle), so a last snapshot
     * is taken and the monitor stops. */
    idle = bsim_manager_now_ms(ctx->mgr) == now;
  }
  if (!done) {
    fputs("bitsim: the engine went idle with jobs still active; are their "
          "hosts declared (--host, --publish)?\n",
          stderr);
  }
  if (!ctx->g->json) puts("All jobs settled.");
  return 0;
}
