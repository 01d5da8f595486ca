/* bitsim — the fault script of `bitsim serve`: which requests a fault applies
 * to, and the text form used on the command line (docs/serve.md "Faults").
 *
 * A fault matches requests by path (exact, or prefix) and method. Matching
 * requests are counted per fault in arrival order; the fault applies to the
 * nth and, with count N, to N requests in all (count 0: to every one from
 * the nth on). That is enough to say "the first two requests to /a get 503"
 * (count=2) or "only the third request to /a is reset" (nth=3,count=1).
 * When two faults of one kind match a request, the one added first applies
 * and the other is not used up.
 *
 * Text form: comma-separated fields, exactly one of them a kind:
 *   path=/a.bin | prefix=/dir/     which requests (one is required)
 *   method=GET                      only this method (default: any)
 *   nth=3  count=2                  which of the matching requests
 *   status=503                      answer this status
 *   reset=1000                      close after 1000 body bytes
 *   stall=2000 [after=N]            after N body bytes, hold 2000 ms, close
 *   drip=1024/50                    1024 bytes every 50 ms
 *   length=+100 | length=-100       Content-Length off by 100
 *   norange                         ignore Range
 *   corrupt=100+16 | corrupt=100    flip 16 (or 1) file bytes from offset 100
 *   change                          new content, ETag and Last-Modified
 *   redirect=/b.bin [code=301]      answer 302 (or code) with that Location
 *   error=0x8020001F context=7      BITS-Error-Code/-Context of a status
 *                                   fault on BITS_POST
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "server/serve_internal.h"

void bsim_serve_fault_init(struct bsim_serve_fault *f,
                           enum bsim_serve_fault_kind kind) {
  if (f == NULL) return;
  memset(f, 0, sizeof *f);
  f->kind = kind;
  f->nth = 1;
  f->bits_error = BSIM_E_FAIL;
  f->bits_context = 5;
}

/* The redirect statuses BITS names (reference §10: HTTP_STATUS_MOVED,
 * _REDIRECT, _REDIRECT_METHOD, _REDIRECT_KEEP_VERB) and 308. */
static int redirect_status(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308;
}

/* A Location must be one header line: no control characters. */
static const char *redirect_problem(const struct bsim_serve_fault *f) {
  if (!redirect_status(f->status))
    return "code must be 301, 302, 303, 307 or 308";
  if (memchr(f->location, '\0', sizeof f->location) == NULL ||
      f->location[0] == '\0') {
    return "redirect needs a location";
  }
  for (const char *c = f->location; *c != '\0'; c++) {
    if ((unsigned char)*c < 0x20 || *c == 0x7f) return "bad location";
  }
  return NULL;
}

/* NULL when f can apply, else why not. */
static const char *fault_problem(const struct bsim_serve_fault *f) {
  if ((unsigned)f->kind >= BSIM_SERVE_FAULT_KIND_COUNT) return "unknown kind";
  if (memchr(f->path, '\0', sizeof f->path) == NULL || f->path[0] != '/') {
    return "path or prefix must start with '/'";
  }
  if (memchr(f->method, '\0', sizeof f->method) == NULL) return "bad method";
  if (f->bits_context != 5 && f->bits_context != 7) {
    return "context must be 5 or 7";
  }
  switch (f->kind) {
  case BSIM_SERVE_FAULT_STATUS:
    return f->status >= 200 && f->status <= 599 ? NULL
                                                : "status must be 200..599";
  case BSIM_SERVE_FAULT_DRIP:
    return f->bytes > 0 ? NULL : "drip needs at least 1 byte per step";
  case BSIM_SERVE_FAULT_WRONG_LENGTH:
    return f->length_delta != 0 ? NULL : "length needs a nonzero difference";
  case BSIM_SERVE_FAULT_CORRUPT:
    return f->length > 0 && f->offset <= UINT64_MAX - f->length
               ? NULL
               : "corrupt needs 1 or more bytes";
  case BSIM_SERVE_FAULT_REDIRECT:
    return redirect_problem(f);
  case BSIM_SERVE_FAULT_RESET:
  case BSIM_SERVE_FAULT_STALL:
  case BSIM_SERVE_FAULT_NO_RANGE:
  case BSIM_SERVE_FAULT_CHANGE:
  case BSIM_SERVE_FAULT_KIND_COUNT:
    break;
  }
  return NULL;
}

bsim_hr bsim_serve_fault_add(bsim_serve *srv,
                             const struct bsim_serve_fault *f) {
  if (srv == NULL || f == NULL) return BSIM_E_POINTER;
  if (fault_problem(f) != NULL) return BSIM_E_INVALIDARG;
  bsim_hr hr = BSIM_S_OK;
  uv_mutex_lock(&srv->lock);
  if (srv->fault_count >= BSIM_SERVE_FAULTS_MAX) {
    hr = BSIM_E_OUTOFMEMORY;
  } else {
    struct serve_fault_slot *grown = bsim__realloc(
        srv->faults, (srv->fault_count + 1) * sizeof *srv->faults);
    if (grown == NULL) {
      hr = BSIM_E_OUTOFMEMORY;
    } else {
      srv->faults = grown;
      grown[srv->fault_count++] = (struct serve_fault_slot){*f, 0, 0};
    }
  }
  uv_mutex_unlock(&srv->lock);
  return hr;
}

void bsim_serve_fault_clear(bsim_serve *srv) {
  if (srv == NULL) return;
  uv_mutex_lock(&srv->lock);
  srv->fault_count = 0;
  uv_mutex_unlock(&srv->lock);
}

static int fault_matches(const struct bsim_serve_fault *f, const char *path,
                         const char *method) {
  if (f->method[0] != '\0' && strcmp(f->method, method) != 0) return 0;
  if (f->prefix) return strncmp(path, f->path, strlen(f->path)) == 0;
  return strcmp(path, f->path) == 0;
}

static void plan_apply(struct serve_plan *plan,
                       const struct bsim_serve_fault *f) {
  plan->mask |= 1u << f->kind;
  switch (f->kind) {
  case BSIM_SERVE_FAULT_STATUS:
    plan->status = f->status;
    plan->bits_error = f->bits_error;
    plan->bits_context = f->bits_context;
    break;
  case BSIM_SERVE_FAULT_RESET:
    plan->reset_after = f->bytes;
    break;
  case BSIM_SERVE_FAULT_STALL:
    plan->stall_after = f->bytes;
    plan->stall_ms = f->stall_ms;
    break;
  case BSIM_SERVE_FAULT_DRIP:
    plan->drip_bytes = f->bytes;
    plan->drip_ms = f->interval_ms;
    break;
  case BSIM_SERVE_FAULT_WRONG_LENGTH:
    plan->length_delta = f->length_delta;
    break;
  case BSIM_SERVE_FAULT_CORRUPT:
    plan->corrupt_offset = f->offset;
    plan->corrupt_length = f->length;
    break;
  case BSIM_SERVE_FAULT_REDIRECT:
    plan->status = f->status;
    memcpy(plan->location, f->location, sizeof plan->location);
    break;
  case BSIM_SERVE_FAULT_NO_RANGE:
  case BSIM_SERVE_FAULT_CHANGE:
  case BSIM_SERVE_FAULT_KIND_COUNT:
    break;
  }
}

enum MHD_Result bsim__serve_redirect(bsim_serve *srv,
                                     struct MHD_Connection *conn,
                                     struct serve_request *req) {
  const struct serve_plan *plan = &req->plan;
  char text[64];
  snprintf(text, sizeof text, "%d scripted redirect\n", plan->status);
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      strlen(text), text, MHD_RESPMEM_MUST_COPY);
  if (resp == NULL) return MHD_NO;
  (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "text/plain");
  if (MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, plan->location) !=
      MHD_YES) {
    MHD_destroy_response(resp);
    return MHD_NO;
  }
  return bsim__serve_queue(srv, conn, req, (unsigned)plan->status, resp);
}

void bsim__serve_fault_plan(bsim_serve *srv, const char *path,
                            const char *method, struct serve_entry *entry,
                            struct serve_plan *plan) {
  memset(plan, 0, sizeof *plan);
  for (size_t i = 0; i < srv->fault_count; i++) {
    struct serve_fault_slot *slot = &srv->faults[i];
    const struct bsim_serve_fault *f = &slot->f;
    if (!fault_matches(f, path, method)) continue;
    slot->seen++;
    if (slot->seen < (f->nth != 0 ? f->nth : 1)) continue;
    if (f->count != 0 && slot->fired >= f->count) continue;
    if (SERVE_HAS(plan, f->kind)) continue;
    slot->fired++;
    plan_apply(plan, f);
  }
  /* The content version persists: once changed, a path stays changed. */
  if (entry != NULL) {
    if (SERVE_HAS(plan, BSIM_SERVE_FAULT_CHANGE)) entry->version++;
    plan->version = entry->version;
  } else if (SERVE_HAS(plan, BSIM_SERVE_FAULT_CHANGE)) {
    plan->version = 1;
  }
}

/* ---- the text form ------------------------------------------------------- */

struct parse_state {
  struct bsim_serve_fault f;
  int kinds;      /* kind fields seen */
  int have_path;  /* path= or prefix= seen */
  int have_after; /* after= seen */
  int have_code;  /* code= seen (redirect status) */
  int code;
  char *err;
  size_t err_len;
};

static int fail(struct parse_state *st, const char *what, const char *s,
                size_t len) {
  if (st->err != NULL && st->err_len > 0) {
    snprintf(st->err, st->err_len, "%s: '%.*s'", what, (int)len, s);
  }
  return -1;
}

/* A decimal number filling exactly [s, s + len); the byte at s + len is a
 * separator or the end of the text, never a digit. */
static int number(const char *s, size_t len, uint64_t max, uint64_t *out) {
  uint64_t v = 0;
  const char *end = bsim__serve_parse_u64(s, &v);
  if (end != s + len || v > max) return -1;
  *out = v;
  return 0;
}

/* "a<sep>b" with b optional when b_default is not NULL. */
static int number_pair(const char *s, size_t len, char sep, uint64_t *a,
                       uint64_t *b, const uint64_t *b_default) {
  const char *mid = memchr(s, sep, len);
  if (mid == NULL) {
    if (b_default == NULL) return -1;
    *b = *b_default;
    return number(s, len, UINT64_MAX, a);
  }
  size_t left = (size_t)(mid - s);
  if (number(s, left, UINT64_MAX, a) != 0) return -1;
  return number(mid + 1, len - left - 1, UINT64_MAX, b);
}

static int set_kind(struct parse_state *st, enum bsim_serve_fault_kind kind,
                    const char *s, size_t len) {
  if (st->kinds++ > 0) return fail(st, "more than one fault kind", s, len);
  st->f.kind = kind;
  return 0;
}

static int set_string(struct parse_state *st, char *dst, size_t cap,
                      const char *v, size_t vlen) {
  if (vlen == 0 || vlen >= cap) return fail(st, "bad text", v, vlen);
  memcpy(dst, v, vlen);
  dst[vlen] = '\0';
  return 0;
}

static int field_where(struct parse_state *st, const char *k, size_t klen,
                       const char *v, size_t vlen) {
  if (klen == 4 && memcmp(k, "path", 4) == 0) {
    st->have_path++;
    return set_string(st, st->f.path, sizeof st->f.path, v, vlen);
  }
  if (klen == 6 && memcmp(k, "prefix", 6) == 0) {
    st->have_path++;
    st->f.prefix = 1;
    return set_string(st, st->f.path, sizeof st->f.path, v, vlen);
  }
  if (klen == 6 && memcmp(k, "method", 6) == 0) {
    return set_string(st, st->f.method, sizeof st->f.method, v, vlen);
  }
  uint64_t n = 0;
  if (number(v, vlen, UINT32_MAX, &n) != 0)
    return fail(st, "bad count", v, vlen);
  if (klen == 3 && memcmp(k, "nth", 3) == 0) {
    st->f.nth = (uint32_t)n;
  } else {
    st->f.count = (uint32_t)n;
  }
  return 0;
}

static int field_length(struct parse_state *st, const char *v, size_t vlen) {
  int negative = vlen > 0 && v[0] == '-';
  size_t skip = vlen > 0 && (v[0] == '-' || v[0] == '+') ? 1 : 0;
  uint64_t n = 0;
  if (number(v + skip, vlen - skip, INT64_MAX, &n) != 0 || n == 0) {
    return fail(st, "bad length difference", v, vlen);
  }
  st->f.length_delta = negative ? -(int64_t)n : (int64_t)n;
  return 0;
}

static int field_error(struct parse_state *st, const char *v, size_t vlen) {
  char name[96];
  bsim_hr hr = 0;
  if (vlen == 0 || vlen >= sizeof name) return fail(st, "bad error", v, vlen);
  memcpy(name, v, vlen);
  name[vlen] = '\0';
  if (bsim_hr_parse(name, &hr) != 0) return fail(st, "unknown error", v, vlen);
  st->f.bits_error = hr;
  return 0;
}

#define KEY_IS(k, klen, lit)                                                   \
  ((klen) == sizeof(lit) - 1 && memcmp((k), (lit), sizeof(lit) - 1) == 0)

/* Kinds whose value is one number. */
static int field_number_kind(struct parse_state *st, const char *k, size_t klen,
                             const char *v, size_t vlen) {
  uint64_t n = 0;
  if (KEY_IS(k, klen, "status")) {
    if (number(v, vlen, 599, &n) != 0 || n < 200) {
      return fail(st, "status must be 200..599", v, vlen);
    }
    st->f.status = (int)n;
    return set_kind(st, BSIM_SERVE_FAULT_STATUS, k, klen);
  }
  if (KEY_IS(k, klen, "reset")) {
    if (number(v, vlen, UINT64_MAX, &n) != 0)
      return fail(st, "bad bytes", v, vlen);
    st->f.bytes = n;
    return set_kind(st, BSIM_SERVE_FAULT_RESET, k, klen);
  }
  if (number(v, vlen, UINT32_MAX, &n) != 0) return fail(st, "bad ms", v, vlen);
  st->f.stall_ms = (uint32_t)n;
  return set_kind(st, BSIM_SERVE_FAULT_STALL, k, klen);
}

static int field_pair_kind(struct parse_state *st, const char *k, size_t klen,
                           const char *v, size_t vlen) {
  uint64_t a = 0;
  uint64_t b = 0;
  if (KEY_IS(k, klen, "drip")) {
    if (number_pair(v, vlen, '/', &a, &b, NULL) != 0 || a == 0 ||
        b > UINT32_MAX) {
      return fail(st, "drip wants BYTES/MS", v, vlen);
    }
    st->f.bytes = a;
    st->f.interval_ms = (uint32_t)b;
    return set_kind(st, BSIM_SERVE_FAULT_DRIP, k, klen);
  }
  static const uint64_t one = 1;
  if (number_pair(v, vlen, '+', &a, &b, &one) != 0 || b == 0 ||
      a > UINT64_MAX - b) {
    return fail(st, "corrupt wants OFFSET+LENGTH", v, vlen);
  }
  st->f.offset = a;
  st->f.length = b;
  return set_kind(st, BSIM_SERVE_FAULT_CORRUPT, k, klen);
}

static int field_valued(struct parse_state *st, const char *k, size_t klen,
                        const char *v, size_t vlen) {
  if (KEY_IS(k, klen, "path") || KEY_IS(k, klen, "prefix") ||
      KEY_IS(k, klen, "method") || KEY_IS(k, klen, "nth") ||
      KEY_IS(k, klen, "count")) {
    return field_where(st, k, klen, v, vlen);
  }
  if (KEY_IS(k, klen, "status") || KEY_IS(k, klen, "reset") ||
      KEY_IS(k, klen, "stall")) {
    return field_number_kind(st, k, klen, v, vlen);
  }
  if (KEY_IS(k, klen, "drip") || KEY_IS(k, klen, "corrupt")) {
    return field_pair_kind(st, k, klen, v, vlen);
  }
  if (KEY_IS(k, klen, "length")) {
    if (field_length(st, v, vlen) != 0) return -1;
    return set_kind(st, BSIM_SERVE_FAULT_WRONG_LENGTH, k, klen);
  }
  uint64_t n = 0;
  if (KEY_IS(k, klen, "after")) {
    if (number(v, vlen, UINT64_MAX, &n) != 0)
      return fail(st, "bad bytes", v, vlen);
    st->f.bytes = n;
    st->have_after = 1;
    return 0;
  }
  if (KEY_IS(k, klen, "error")) return field_error(st, v, vlen);
  if (KEY_IS(k, klen, "redirect")) {
    if (set_string(st, st->f.location, sizeof st->f.location, v, vlen) != 0) {
      return -1;
    }
    return set_kind(st, BSIM_SERVE_FAULT_REDIRECT, k, klen);
  }
  if (KEY_IS(k, klen, "code")) {
    if (number(v, vlen, 599, &n) != 0) return fail(st, "bad code", v, vlen);
    st->code = (int)n;
    st->have_code = 1;
    return 0;
  }
  if (KEY_IS(k, klen, "context")) {
    if (number(v, vlen, 7, &n) != 0 || (n != 5 && n != 7)) {
      return fail(st, "context must be 5 or 7", v, vlen);
    }
    st->f.bits_context = (uint32_t)n;
    return 0;
  }
  return fail(st, "unknown field", k, klen);
}

static int parse_field(struct parse_state *st, const char *s, size_t len) {
  const char *eq = memchr(s, '=', len);
  if (eq == NULL) {
    if (KEY_IS(s, len, "norange")) {
      return set_kind(st, BSIM_SERVE_FAULT_NO_RANGE, s, len);
    }
    if (KEY_IS(s, len, "change")) {
      return set_kind(st, BSIM_SERVE_FAULT_CHANGE, s, len);
    }
    return fail(st, "unknown field or missing '='", s, len);
  }
  size_t klen = (size_t)(eq - s);
  return field_valued(st, s, klen, eq + 1, len - klen - 1);
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bsim_hr bsim_serve_fault_parse(const char *text, struct bsim_serve_fault *out,
                               char *err, size_t err_len) {
  if (text == NULL || out == NULL) return BSIM_E_POINTER;
  struct parse_state st = {.err = err, .err_len = err_len};
  bsim_serve_fault_init(&st.f, BSIM_SERVE_FAULT_STATUS);
  if (err != NULL && err_len > 0) err[0] = '\0';
  for (const char *s = text; *s != '\0';) {
    const char *end = strchr(s, ',');
    if (end == NULL) end = s + strlen(s);
    const char *a = s;
    const char *b = end;
    while (a < b && is_space(*a))
      a++;
    while (b > a && is_space(b[-1]))
      b--;
    if (a == b) {
      fail(&st, "empty field", s, 0);
      return BSIM_E_INVALIDARG;
    }
    if (parse_field(&st, a, (size_t)(b - a)) != 0) return BSIM_E_INVALIDARG;
    s = *end == ',' ? end + 1 : end;
  }
  const char *problem = NULL;
  if (st.kinds == 0) problem = "no fault kind (status, reset, stall, ...)";
  if (st.have_path != 1) problem = "exactly one path= or prefix= is needed";
  if (st.have_after && st.f.kind != BSIM_SERVE_FAULT_STALL) {
    problem = "after= goes with stall=";
  }
  if (st.f.kind == BSIM_SERVE_FAULT_REDIRECT) {
    st.f.status = st.have_code ? st.code : 302;
  } else if (st.have_code) {
    problem = "code= goes with redirect=";
  }
  if (problem == NULL) problem = fault_problem(&st.f);
  if (problem != NULL) {
    fail(&st, problem, text, strlen(text));
    return BSIM_E_INVALIDARG;
  }
  *out = st.f;
  return BSIM_S_OK;
}
