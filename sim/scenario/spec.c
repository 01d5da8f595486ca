/* What each scenario command accepts (docs/scenarios.md is the prose form of
 * this table), and the value types: durations, sizes, rates, counts,
 * HRESULT names and job states. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bitsim.h"
#include "scenario/scenario_internal.h"

/* Option lists, one per command that takes options. */
static const struct scn_option no_opts[] = {{NULL, SCN_T_NONE, NULL}};
static const struct scn_option option_opts[] = {
    {"time-slice", SCN_T_DURATION, NULL},
    {"renotify", SCN_T_DURATION, NULL},
    {"notify-limit", SCN_T_COUNT, NULL},
    {"delivery", SCN_T_CHOICE, "inline|threaded"},
    {"inactivity", SCN_T_DURATION, NULL},
    {"fs", SCN_T_CHOICE, "real|virtual"},
    {"cmdline", SCN_T_CHOICE, "record|run"},
    {"max-jobs-per-user", SCN_T_COUNT, NULL},
    {"max-files-per-job", SCN_T_COUNT, NULL},
    {"peer-reject", SCN_T_CHOICE, "queue|suspend"},
    {NULL, SCN_T_NONE, NULL}};
static const struct scn_option host_opts[] = {
    {"bandwidth", SCN_T_RATE, NULL},   {"latency", SCN_T_DURATION, NULL},
    {"range", SCN_T_CHOICE, "yes|no"}, {"length", SCN_T_CHOICE, "yes|no"},
    {"peer", SCN_T_CHOICE, "yes|no"},  {NULL, SCN_T_NONE, NULL}};
static const struct scn_option publish_opts[] = {{"size", SCN_T_SIZE, NULL},
                                                 {NULL, SCN_T_NONE, NULL}};
static const struct scn_option outage_opts[] = {{"at", SCN_T_DURATION, NULL},
                                                {"for", SCN_T_DURATION, NULL},
                                                {NULL, SCN_T_NONE, NULL}};
static const struct scn_option fault_opts[] = {
    {"count", SCN_T_COUNT, NULL},
    {"from", SCN_T_DURATION, NULL},
    {"until", SCN_T_DURATION, NULL},
    {"source", SCN_T_CHOICE, "any|origin|peer"},
    {NULL, SCN_T_NONE, NULL}};
static const struct scn_option job_opts[] = {
    {"user", SCN_T_WORD, NULL},
    {"priority", SCN_T_CHOICE, "foreground|high|normal|low"},
    {"retry-delay", SCN_T_DURATION, NULL},
    {"no-progress-timeout", SCN_T_DURATION, NULL},
    {"max-download-time", SCN_T_DURATION, NULL},
    {"notify-flags", SCN_T_COUNT, NULL},
    {"description", SCN_T_TEXT, NULL},
    {"display-name", SCN_T_TEXT, NULL},
    {NULL, SCN_T_NONE, NULL}};
static const struct scn_option callback_opts[] = {
    {"transferred", SCN_T_CODES, NULL},
    {"error", SCN_T_CODES, NULL},
    {"modification", SCN_T_CODES, NULL},
    {"file", SCN_T_CODES, NULL},
    {"then", SCN_T_CHOICE, "none|complete|cancel"},
    {"on-error", SCN_T_CHOICE, "none|cancel|resume"},
    {"block", SCN_T_DURATION, NULL},
    {"validate", SCN_T_TEXT, NULL}, /* a list, checked in parse.c */
    {NULL, SCN_T_NONE, NULL}};
static const struct scn_option add_opts[] = {
    {"ranges", SCN_T_TEXT, NULL}, /* a list, checked in parse.c */
    {NULL, SCN_T_NONE, NULL}};
static const struct scn_option wait_opts[] = {{"within", SCN_T_DURATION, NULL},
                                              {NULL, SCN_T_NONE, NULL}};
static const struct scn_option serve_opts[] = {
    {"reply", SCN_T_CHOICE, "none|echo|text"},
    {"text", SCN_T_TEXT, NULL},
    {NULL, SCN_T_NONE, NULL}};
static const struct scn_option make_file_opts[] = {{"size", SCN_T_SIZE, NULL},
                                                   {NULL, SCN_T_NONE, NULL}};
static const struct scn_option run_opts[] = {{"for", SCN_T_DURATION, NULL},
                                             {NULL, SCN_T_NONE, NULL}};
static const struct scn_option expect_opts[] = {
    {"context", SCN_T_CHOICE,
     "none|unknown|general-queue-manager|queue-manager-notification|"
     "local-file|remote-file|general-transport|remote-application"},
    {"calls", SCN_T_COUNT, NULL},
    {"failures", SCN_T_COUNT, NULL},
    {"runs", SCN_T_COUNT, NULL},
    {"files", SCN_T_TEXT, NULL},
    {"bytes", SCN_T_SIZE, NULL},
    {"size", SCN_T_SIZE, NULL},
    {"valid", SCN_T_CHOICE, "yes|no"},
    {"peer", SCN_T_CHOICE, "yes|no"},
    {"origin", SCN_T_SIZE, NULL},
    {"peers", SCN_T_SIZE, NULL},
    {NULL, SCN_T_NONE, NULL}};

#define T SCN_T_TEXT
#define W SCN_T_WORD
static const struct scn_command commands[] = {
    {"say", "say \"TEXT\"", 1, 1, {T}, NULL, no_opts, 0},
    {"serve",
     "serve [reply=none|echo|text] [text=\"REPLY\"]",
     0,
     0,
     {SCN_T_NONE},
     NULL,
     serve_opts,
     1},
    {"make-file",
     "make-file LOCAL size=SIZE",
     1,
     1,
     {T},
     NULL,
     make_file_opts,
     1},
    {"seed", "seed N", 1, 1, {SCN_T_COUNT}, NULL, no_opts, 0},
    {"option", "option KEY=VALUE...", 0, 0, {SCN_T_NONE}, NULL, option_opts, 0},
    {"user", "user NAME [admin]", 1, 2, {W, SCN_T_CHOICE}, "admin", no_opts, 1},
    {"host",
     "host NAME [bandwidth=RATE] [latency=DURATION] [range=yes|no] "
     "[peer=yes|no]",
     1,
     1,
     {W},
     NULL,
     host_opts,
     1},
    {"publish", "publish URL size=SIZE", 1, 1, {T}, NULL, publish_opts, 1},
    {"peer", "peer HOST URL", 2, 2, {W, T}, NULL, no_opts, 1},
    {"outage",
     "outage HOST at=DURATION for=DURATION",
     1,
     1,
     {W},
     NULL,
     outage_opts,
     1},
    {"fault",
     "fault URL status CODE | reset SIZE | stall | no-range | refuse | "
     "corrupt [count=N] [from=DURATION] [until=DURATION] "
     "[source=any|origin|peer]",
     2,
     3,
     {T, SCN_T_CHOICE, W},
     "status|reset|stall|no-range|refuse|corrupt",
     fault_opts,
     1},
    {"job",
     "job ID download|upload|upload-reply \"NAME\" [user=NAME] ...",
     3,
     3,
     {W, SCN_T_CHOICE, T},
     "download|upload|upload-reply",
     job_opts,
     1},
    {"add",
     "add JOB URL LOCAL [ranges=OFFSET:LENGTH|eof,...]",
     3,
     3,
     {W, T, T},
     NULL,
     add_opts,
     1},
    {"set", "set JOB KEY=VALUE...", 1, 1, {W}, NULL, job_opts, 1},
    {"callback",
     "callback JOB [transferred=CODES] [error=CODES] ...",
     1,
     1,
     {W},
     NULL,
     callback_opts,
     1},
    {"cmdline",
     "cmdline JOB PROGRAM [ARG...]",
     2,
     12,
     {W, T, T},
     NULL,
     no_opts,
     1},
    {"resume", "resume JOB", 1, 1, {W}, NULL, no_opts, 1},
    {"suspend", "suspend JOB", 1, 1, {W}, NULL, no_opts, 1},
    {"cancel", "cancel JOB", 1, 1, {W}, NULL, no_opts, 1},
    {"complete", "complete JOB", 1, 1, {W}, NULL, no_opts, 1},
    {"validate",
     "validate JOB FILE-INDEX accept|reject",
     3,
     3,
     {W, SCN_T_COUNT, SCN_T_CHOICE},
     "accept|reject",
     no_opts,
     1},
    {"take-ownership",
     "take-ownership JOB USER",
     2,
     2,
     {W, W},
     NULL,
     no_opts,
     1},
    {"logon", "logon USER", 1, 1, {W}, NULL, no_opts, 1},
    {"logoff", "logoff USER", 1, 1, {W}, NULL, no_opts, 1},
    {"network", "network up|down", 1, 1, {SCN_T_CHOICE}, "up|down", no_opts, 0},
    {"advance", "advance DURATION", 1, 1, {SCN_T_DURATION}, NULL, no_opts, 0},
    {"wait",
     "wait JOB STATE [STATE...] [within=DURATION]",
     2,
     9,
     {W, SCN_T_STATE},
     NULL,
     wait_opts,
     0},
    {"run", "run [for=DURATION]", 0, 0, {SCN_T_NONE}, NULL, run_opts, 0},
    {"expect",
     "expect JOB state STATE | JOB error CODE | JOB error-count N | JOB "
     "progress | JOB callback METHOD | JOB cmdline | JOB validation INDEX | "
     "JOB reply same-as LOCAL | "
     "file LOCAL same-as URL "
     "| file LOCAL exists|missing | time DURATION",
     2,
     4,
     {W, T, T, T},
     NULL,
     expect_opts,
     0},
};
#undef T
#undef W

const struct scn_command *bsim__scn_command(const char *word) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    if (strcmp(commands[i].name, word) == 0) return &commands[i];
  }
  return NULL;
}

/* "10s", "250ms", "5m", "2h", "90d"; a bare number is seconds. */
int bsim__scn_duration_ms(const char *text, uint64_t *out) {
  char *end = NULL;
  if (!isdigit((unsigned char)text[0])) return -1;
  unsigned long long n = strtoull(text, &end, 10);
  static const struct {
    const char *unit;
    uint64_t ms;
  } units[] = {{"", 1000},      {"ms", 1},          {"s", 1000},
               {"m", 60000},    {"min", 60000},     {"h", 3600000},
               {"d", 86400000}, {"w", 604800000ull}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (strcmp(end, units[i].unit) == 0) {
      if (n > UINT64_MAX / units[i].ms) return -1;
      *out = n * units[i].ms;
      return 0;
    }
  }
  return -1;
}

/* "512", "16KiB", "3GiB", "1MB", "10B". */
int bsim__scn_size_bytes(const char *text, uint64_t *out) {
  char *end = NULL;
  if (!isdigit((unsigned char)text[0])) return -1;
  unsigned long long n = strtoull(text, &end, 10);
  static const struct {
    const char *unit;
    uint64_t bytes;
  } units[] = {{"", 1},          {"B", 1},          {"KiB", 1024},
               {"MiB", 1048576}, {"GiB", 1u << 30}, {"TiB", 1ull << 40},
               {"KB", 1000},     {"MB", 1000000},   {"GB", 1000000000}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
    if (strcmp(end, units[i].unit) == 0) {
      if (n > UINT64_MAX / units[i].bytes) return -1;
      *out = n * units[i].bytes;
      return 0;
    }
  }
  return -1;
}

int bsim__scn_count(const char *text, uint64_t *out) {
  char *end = NULL;
  if (!isdigit((unsigned char)text[0])) return -1;
  unsigned long long n = strtoull(text, &end, 0);
  if (*end != '\0') return -1;
  *out = n;
  return 0;
}

static int is_word(const char *s) {
  if (*s == '\0') return 0;
  for (; *s != '\0'; s++) {
    if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.' &&
        *s != ':') {
      return 0;
    }
  }
  return 1;
}

static int in_choices(const char *choices, const char *value) {
  size_t n = strlen(value);
  for (const char *p = choices; p != NULL && *p != '\0';) {
    const char *bar = strchr(p, '|');
    size_t len = bar != NULL ? (size_t)(bar - p) : strlen(p);
    if (len == n && strncmp(p, value, n) == 0) return 1;
    p = bar != NULL ? bar + 1 : NULL;
  }
  return 0;
}

static int check_codes(const char *value) {
  char one[96];
  for (const char *p = value; *p != '\0';) {
    const char *comma = strchr(p, ',');
    size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
    bsim_hr hr;
    if (len == 0 || len >= sizeof one) return -1;
    memcpy(one, p, len);
    one[len] = '\0';
    if (bsim_hr_parse(one, &hr) != 0) return -1;
    p = comma != NULL ? comma + 1 : p + len;
  }
  return 0;
}

static int check_state(const char *value) {
  static const char *const states[] = {
      "QUEUED",          "CONNECTING",  "TRANSFERRING", "SUSPENDED", "ERROR",
      "TRANSIENT_ERROR", "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED"};
  for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
    if (strcmp(states[i], value) == 0) return 0;
  }
  return -1;
}

static int check_rate(const char *value) {
  size_t n = strlen(value);
  uint64_t bytes;
  char size[64];
  if (n < 3 || n >= sizeof size || strcmp(value + n - 2, "/s") != 0) {
    return -1;
  }
  memcpy(size, value, n - 2);
  size[n - 2] = '\0';
  return bsim__scn_size_bytes(size, &bytes);
}

int bsim__scn_check(enum scn_type type, const char *choices, const char *value,
                    const char **why) {
  uint64_t v;
  int ok = -1;
  switch (type) {
  case SCN_T_WORD:
    ok = is_word(value) ? 0 : -1;
    *why = "a name (letters, digits, '-', '_', '.')";
    break;
  case SCN_T_TEXT:
    ok = 0;
    *why = "text";
    break;
  case SCN_T_DURATION:
    ok = bsim__scn_duration_ms(value, &v);
    *why = "a duration such as 250ms, 10s, 5m, 2h or 90d";
    break;
  case SCN_T_SIZE:
    ok = bsim__scn_size_bytes(value, &v);
    *why = "a size such as 512, 16KiB, 3GiB or 1MB";
    break;
  case SCN_T_RATE:
    ok = check_rate(value);
    *why = "a rate such as 1MiB/s";
    break;
  case SCN_T_COUNT:
    ok = bsim__scn_count(value, &v);
    *why = "a whole number";
    break;
  case SCN_T_CODE:
  case SCN_T_CODES:
    ok = check_codes(value);
    *why = type == SCN_T_CODE ? "an HRESULT name such as S_OK or "
                                "BG_E_HTTP_ERROR_404, or a hex value"
                              : "HRESULT names separated by commas";
    break;
  case SCN_T_STATE:
    ok = check_state(value);
    *why = "a job state such as QUEUED, TRANSFERRED or ERROR";
    break;
  case SCN_T_CHOICE:
    ok = in_choices(choices, value) ? 0 : -1;
    *why = choices;
    break;
  case SCN_T_NONE:
  case SCN_T_TYPE_COUNT:
    *why = "nothing here";
    break;
  }
  return ok;
}
