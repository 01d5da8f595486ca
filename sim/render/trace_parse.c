/* Parsing one trace line: a flat JSON object whose values are strings,
 * numbers, booleans or null (include/bitsim/trace.h fixes that shape).
 * Keys and values are copied, unescaped, into the event's own storage, so
 * the event stays valid after the line is gone. */
#include <stdlib.h>
#include <string.h>

#include "bitsim/render.h"

struct cursor {
  const char *p;
  const char *start;
  const char *end;
  struct bsim_trace_event *ev;
  size_t used; /* bytes of ev->storage in use */
};

static void skip_space(struct cursor *c) {
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n')) {
    c->p++;
  }
}

static int put_byte(struct cursor *c, char b) {
  if (c->used >= sizeof c->ev->storage) return -1;
  c->ev->storage[c->used++] = b;
  return 0;
}

static int hex_value(char h) {
  if (h >= '0' && h <= '9') return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  if (h >= 'A' && h <= 'F') return h - 'A' + 10;
  return -1;
}

/* \uXXXX to UTF-8 (surrogate pairs are kept as two 3-byte sequences: the
 * trace writer never emits them, and this is only for display). */
static int put_unicode(struct cursor *c) {
  if (c->end - c->p < 4) return -1;
  unsigned code = 0;
  for (int i = 0; i < 4; i++) {
    int h = hex_value(c->p[i]);
    if (h < 0) return -1;
    code = code * 16 + (unsigned)h;
  }
  c->p += 4;
  if (code < 0x80) return put_byte(c, (char)code);
  if (code < 0x800) {
    return put_byte(c, (char)(0xC0 | (code >> 6))) ||
           put_byte(c, (char)(0x80 | (code & 0x3F)));
  }
  return put_byte(c, (char)(0xE0 | (code >> 12))) ||
         put_byte(c, (char)(0x80 | ((code >> 6) & 0x3F))) ||
         put_byte(c, (char)(0x80 | (code & 0x3F)));
}

static int put_escape(struct cursor *c) {
  if (c->p >= c->end) return -1;
  char e = *c->p++;
  switch (e) {
  case '"':
  case '\\':
  case '/':
    return put_byte(c, e);
  case 'b':
    return put_byte(c, '\b');
  case 'f':
    return put_byte(c, '\f');
  case 'n':
    return put_byte(c, '\n');
  case 'r':
    return put_byte(c, '\r');
  case 't':
    return put_byte(c, '\t');
  case 'u':
    return put_unicode(c);
  default:
    return -1;
  }
}

/* Copies a JSON string into storage; returns its start or NULL. */
static const char *read_string(struct cursor *c) {
  if (c->p >= c->end || *c->p != '"') return NULL;
  c->p++;
  const char *out = c->ev->storage + c->used;
  while (c->p < c->end && *c->p != '"') {
    char ch = *c->p++;
    if ((unsigned char)ch < 0x20) return NULL;
    int rc = ch == '\\' ? put_escape(c) : put_byte(c, ch);
    if (rc != 0) return NULL;
  }
  if (c->p >= c->end) return NULL;
  c->p++;
  return put_byte(c, '\0') == 0 ? out : NULL;
}

static int is_bare_char(char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || ch == '-' ||
         ch == '+' || ch == '.' || ch == 'E';
}

/* A number, true, false or null, copied as text. */
static const char *read_bare(struct cursor *c) {
  const char *begin = c->p;
  while (c->p < c->end && is_bare_char(*c->p))
    c->p++;
  size_t n = (size_t)(c->p - begin);
  if (n == 0 || c->used + n + 1 > sizeof c->ev->storage) return NULL;
  char *out = c->ev->storage + c->used;
  memcpy(out, begin, n);
  out[n] = '\0';
  c->used += n + 1;
  return out;
}

static int read_field(struct cursor *c) {
  struct bsim_trace_event *ev = c->ev;
  if (ev->field_count >= BSIM_TRACE_FIELDS_MAX) return -1;
  struct bsim_trace_field *f = &ev->fields[ev->field_count];
  f->key = read_string(c);
  if (f->key == NULL) return -1;
  skip_space(c);
  if (c->p >= c->end || *c->p != ':') return -1;
  c->p++;
  skip_space(c);
  f->is_string = c->p < c->end && *c->p == '"';
  f->value = f->is_string ? read_string(c) : read_bare(c);
  if (f->value == NULL) return -1;
  ev->field_count++;
  return 0;
}

static int read_object(struct cursor *c) {
  skip_space(c);
  if (c->p >= c->end || *c->p != '{') return -1;
  c->p++;
  skip_space(c);
  if (c->p < c->end && *c->p == '}') {
    c->p++;
    return 0;
  }
  for (;;) {
    skip_space(c);
    if (read_field(c) != 0) return -1;
    skip_space(c);
    if (c->p < c->end && *c->p == ',') {
      c->p++;
      continue;
    }
    if (c->p < c->end && *c->p == '}') {
      c->p++;
      return 0;
    }
    return -1;
  }
}

static void fill_header(struct bsim_trace_event *ev) {
  const char *seq = bsim_trace_event_get(ev, "seq");
  const char *t = bsim_trace_event_get(ev, "t_ms");
  const char *name = bsim_trace_event_get(ev, "ev");
  ev->seq = seq != NULL ? strtoull(seq, NULL, 10) : 0;
  ev->t_ms = t != NULL ? strtoull(t, NULL, 10) : 0;
  ev->ev = name != NULL ? name : "";
  ev->job = bsim_trace_event_get(ev, "job");
}

bsim_hr bsim_trace_event_parse(const char *line, size_t len,
                               struct bsim_trace_event *out, size_t *err_col) {
  if (line == NULL || out == NULL) return BSIM_E_INVALIDARG;
  struct cursor c = {line, line, line + len, out, 0};
  out->field_count = 0;
  int rc = read_object(&c);
  if (rc == 0) skip_space(&c);
  if (rc != 0 || c.p != c.end) {
    if (err_col != NULL) *err_col = (size_t)(c.p - c.start) + 1;
    out->field_count = 0;
    return BSIM_E_INVALIDARG;
  }
  fill_header(out);
  return BSIM_S_OK;
}

const char *bsim_trace_event_get(const struct bsim_trace_event *ev,
                                 const char *key) {
  for (size_t i = 0; i < ev->field_count; i++) {
    if (strcmp(ev->fields[i].key, key) == 0) return ev->fields[i].value;
  }
  return NULL;
}
