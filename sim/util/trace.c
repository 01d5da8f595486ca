/* bitsim — the trace writer (design.md "Trace", include/bitsim/trace.h).
 *
 * Every event is one JSON object on one line, built field by field into the
 * caller's fixed buffer (struct bsim__tr, sim/internal.h):
 *   {"seq":7,"t_ms":600000,"ev":"state","job":"{…}","from":"QUEUED",...}
 * A finished line goes to the digest (FNV-1a 64 over the line and its
 * newline), to the line count, and to the sinks: a callback and/or a file.
 *
 * Rules this file keeps:
 * - Nothing is formatted when tracing is off. The manager creates its trace
 *   only when the option trace_enabled is set; with no trace,
 *   bsim__tr_begin returns 0 and callers skip every field.
 * - A line never exceeds the buffer. A field that does not fit is dropped, a
 *   string value that does not fit is cut at a character boundary, every
 *   later field is dropped too, and the line ends with "overflow":true, so
 *   it stays valid JSON and says that it was cut.
 * - Strings are escaped as JSON requires: quote, backslash and control
 *   characters are escaped; valid UTF-8 passes through; each byte of an
 *   invalid UTF-8 sequence becomes \ufffd, so every line is valid UTF-8.
 * - Numbers are formatted here (no printf family), in plain decimal, so the
 *   bytes depend on nothing but the values: same seed, same calls, same
 *   lines, same digest.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define FNV64_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV64_PRIME UINT64_C(0x00000100000001b3)

static const char overflow_tail[] = ",\"overflow\":true";

/* Room kept back for the overflow flag, the closing brace and the NUL, so
 * that ending a line always fits. */
#define TR_RESERVE (sizeof overflow_tail - 1 + 2)
#define TR_LIMIT (sizeof(((struct bsim__tr *)0)->buf) - TR_RESERVE)

struct bsim__trace {
  uint64_t count;
  uint64_t digest;
  bsim_trace_cb cb;
  void *cb_user;
  FILE *file;
  int file_is_stdout;
};

struct bsim__trace *bsim__trace_new(void) {
  struct bsim__trace *trace = bsim__calloc(1, sizeof *trace);
  if (trace == NULL) return NULL;
  trace->digest = FNV64_OFFSET;
  return trace;
}

static void close_file(struct bsim__trace *trace) {
  if (trace->file == NULL) return;
  if (trace->file_is_stdout) {
    fflush(trace->file);
  } else {
    fclose(trace->file);
  }
  trace->file = NULL;
  trace->file_is_stdout = 0;
}

uint64_t bsim__trace_count(const struct bsim__trace *trace) {
  return trace != NULL ? trace->count : 0;
}

void bsim__trace_continue(struct bsim__trace *trace, uint64_t count) {
  if (trace != NULL && count > trace->count) trace->count = count;
}

void bsim__trace_free(struct bsim__trace *trace) {
  if (trace == NULL) return;
  close_file(trace);
  bsim__free(trace);
}

/* ---- building a line ---------------------------------------------------- */

static int put_raw(struct bsim__tr *tr, const char *s, size_t n, size_t limit) {
  if (tr->len + n > limit) return 0;
  memcpy(tr->buf + tr->len, s, n);
  tr->len += n;
  return 1;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0 if the
 * bytes there are not one: overlong forms, surrogates and code points past
 * U+10FFFF are invalid (RFC 3629). */
static size_t utf8_len(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  size_t len;
  uint32_t cp;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1fu;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    cp = c & 0x0fu;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xc0u) != 0x80u) return 0;
    cp = (cp << 6) | (p[i] & 0x3fu);
  }
  if (len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return 0;
  if (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) return 0;
  return len;
}

/* The escaped form of the character at p: written to out (at least 6
 * bytes) unless it is raw UTF-8, which is pointed to instead. Returns the
 * number of input bytes consumed; *out_len is the output length. */
static size_t escape_one(const unsigned char *p, size_t n, char *out,
                         const char **out_ptr, size_t *out_len) {
  static const char hex[] = "0123456789abcdef";
  unsigned c = p[0];
  *out_ptr = out;
  if (c == '"' || c == '\\') {
    out[0] = '\\';
    out[1] = (char)c;
    *out_len = 2;
    return 1;
  }
  if (c < 0x20) {
    const char *short_forms = "btn\0fr"; /* \b=8 \t=9 \n=10 \f=12 \r=13 */
    if (c >= 8 && c <= 13 && c != 11) {
      out[0] = '\\';
      out[1] = short_forms[c - 8];
      *out_len = 2;
      return 1;
    }
    memcpy(out, "\\u00", 4);
    out[4] = hex[c >> 4];
    out[5] = hex[c & 0xfu];
    *out_len = 6;
    return 1;
  }
  if (c < 0x80) {
    out[0] = (char)c;
    *out_len = 1;
    return 1;
  }
  size_t len = utf8_len(p, n);
  if (len == 0) {
    memcpy(out, "\\ufffd", 6);
    *out_len = 6;
    return 1;
  }
  *out_ptr = (const char *)p;
  *out_len = len;
  return len;
}

/* Append s escaped, whole characters only, up to limit. Returns 1 if all of
 * s went in, 0 if it was cut. */
static int put_escaped(struct bsim__tr *tr, const char *s, size_t limit) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s);
  while (n > 0) {
    char tmp[6];
    const char *out;
    size_t out_len;
    size_t used = escape_one(p, n, tmp, &out, &out_len);
    if (!put_raw(tr, out, out_len, limit)) return 0;
    p += used;
    n -= used;
  }
  return 1;
}

/* ,"key": — all or nothing. */
static int put_key(struct bsim__tr *tr, const char *key) {
  if (tr->overflow) return 0;
  size_t save = tr->len;
  if (put_raw(tr, ",\"", 2, TR_LIMIT) && put_escaped(tr, key, TR_LIMIT) &&
      put_raw(tr, "\":", 2, TR_LIMIT)) {
    return 1;
  }
  tr->len = save;
  tr->overflow = 1;
  return 0;
}

/* Decimal digits of v into the end of out[20]; returns the first digit. */
static char *format_u64(uint64_t v, char out[20]) {
  char *p = out + 20;
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  return p;
}

static void put_number(struct bsim__tr *tr, const char *key, uint64_t mag,
                       int negative) {
  size_t save = tr->len;
  if (!put_key(tr, key)) return;
  char digits[21];
  char *first = format_u64(mag, digits + 1);
  if (negative) *--first = '-';
  if (!put_raw(tr, first, (size_t)(digits + 21 - first), TR_LIMIT)) {
    tr->len = save;
    tr->overflow = 1;
  }
}

/* ---- the bsim__tr interface (sim/internal.h) ---------------------------- */

int bsim__tr_begin(struct bsim__tr *tr, bsim_manager *mgr, const char *ev,
                   const bsim_job *job) {
  struct bsim__trace *trace = bsim__mgr_trace(mgr);
  if (trace == NULL) return 0;
  tr->trace = trace;
  tr->overflow = 0;
  /* The first field has no leading comma, so it is written here; it always
   * fits (at most 28 bytes). */
  static const char head[] = "{\"seq\":";
  memcpy(tr->buf, head, sizeof head - 1);
  tr->len = sizeof head - 1;
  char digits[20];
  char *first = format_u64(trace->count + 1, digits);
  put_raw(tr, first, (size_t)(digits + 20 - first), TR_LIMIT);
  bsim__tr_u64(tr, "t_ms", bsim__now_ms(mgr));
  bsim__tr_str(tr, "ev", ev);
  if (job != NULL) bsim__tr_str(tr, "job", bsim__job_id_text(job));
  return 1;
}

void bsim__tr_str(struct bsim__tr *tr, const char *key, const char *value) {
  size_t save = tr->len;
  if (value == NULL) {
    if (put_key(tr, key) && !put_raw(tr, "null", 4, TR_LIMIT)) {
      tr->len = save;
      tr->overflow = 1;
    }
    return;
  }
  if (!put_key(tr, key)) return;
  /* Keep one byte back for the closing quote. */
  if (!put_raw(tr, "\"", 1, TR_LIMIT - 1)) {
    tr->len = save;
    tr->overflow = 1;
    return;
  }
  if (!put_escaped(tr, value, TR_LIMIT - 1)) tr->overflow = 1;
  tr->buf[tr->len++] = '"';
}

void bsim__tr_u64(struct bsim__tr *tr, const char *key, uint64_t value) {
  put_number(tr, key, value, 0);
}

void bsim__tr_i64(struct bsim__tr *tr, const char *key, int64_t value) {
  /* The magnitude of INT64_MIN does not fit an int64_t; compute it in
   * unsigned arithmetic. */
  uint64_t mag = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
  put_number(tr, key, mag, value < 0);
}

void bsim__tr_hr(struct bsim__tr *tr, const char *key, bsim_hr hr) {
  static const char hex[] = "0123456789ABCDEF";
  char hex_key[64];
  size_t key_len = strlen(key);
  bsim__tr_str(tr, key, bsim_hr_name(hr));
  if (key_len + 5 > sizeof hex_key) {
    tr->overflow = 1;
    return;
  }
  memcpy(hex_key, key, key_len);
  memcpy(hex_key + key_len, "_hex", 5);
  char text[11] = "0x";
  uint32_t u = (uint32_t)hr;
  for (int i = 0; i < 8; i++)
    text[2 + i] = hex[(u >> (28 - 4 * i)) & 0xfu];
  text[10] = 0;
  bsim__tr_str(tr, hex_key, text);
}

static uint64_t fnv1a(uint64_t h, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)p[i];
    h *= FNV64_PRIME;
  }
  return h;
}

void bsim__tr_end(struct bsim__tr *tr) {
  struct bsim__trace *trace = tr->trace;
  if (tr->overflow) {
    memcpy(tr->buf + tr->len, overflow_tail, sizeof overflow_tail - 1);
    tr->len += sizeof overflow_tail - 1;
  }
  tr->buf[tr->len++] = '}';
  BSIM_ASSERT(tr->len < sizeof tr->buf);
  tr->buf[tr->len] = '\0';
  trace->count++;
  trace->digest = fnv1a(trace->digest, tr->buf, tr->len);
  trace->digest = fnv1a(trace->digest, "\n", 1);
  if (trace->cb != NULL) trace->cb(tr->buf, tr->len, trace->cb_user);
  if (trace->file != NULL) {
    tr->buf[tr->len] = '\n';
    fwrite(tr->buf, 1, tr->len + 1, trace->file);
    tr->buf[tr->len] = '\0';
  }
}

/* ---- the public API (include/bitsim/trace.h) ---------------------------- */

bsim_hr bsim_trace_set_sink(bsim_manager *mgr, bsim_trace_cb cb, void *user) {
  if (mgr == NULL) return BSIM_E_INVALIDARG;
  bsim__lock(mgr);
  struct bsim__trace *trace = bsim__mgr_trace(mgr);
  if (trace != NULL) {
    trace->cb = cb;
    trace->cb_user = cb != NULL ? user : NULL;
  }
  bsim__unlock(mgr);
  return BSIM_S_OK;
}

bsim_hr bsim_trace_to_file(bsim_manager *mgr, const char *path) {
  if (mgr == NULL) return BSIM_E_INVALIDARG;
  FILE *file = NULL;
  int is_stdout = 0;
  if (path != NULL && strcmp(path, "-") == 0) {
    file = stdout;
    is_stdout = 1;
  } else if (path != NULL) {
    if (path[0] == '\0') return BSIM_E_INVALIDARG;
    file = fopen(path, "ab");
    if (file == NULL) return bsim__hr_from_errno(errno);
  }
  bsim__lock(mgr);
  struct bsim__trace *trace = bsim__mgr_trace(mgr);
  if (trace != NULL) {
    close_file(trace);
    trace->file = file;
    trace->file_is_stdout = is_stdout;
    file = NULL; /* now the trace's */
  }
  bsim__unlock(mgr);
  /* Tracing is off: nothing will be written, so keep no file open. */
  if (file != NULL && !is_stdout) fclose(file);
  return BSIM_S_OK;
}

uint64_t bsim_trace_digest(bsim_manager *mgr) {
  if (mgr == NULL) return FNV64_OFFSET;
  bsim__lock(mgr);
  struct bsim__trace *trace = bsim__mgr_trace(mgr);
  uint64_t digest = trace != NULL ? trace->digest : FNV64_OFFSET;
  bsim__unlock(mgr);
  return digest;
}

uint64_t bsim_trace_count(bsim_manager *mgr) {
  if (mgr == NULL) return 0;
  bsim__lock(mgr);
  struct bsim__trace *trace = bsim__mgr_trace(mgr);
  uint64_t count = trace != NULL ? trace->count : 0;
  bsim__unlock(mgr);
  return count;
}
