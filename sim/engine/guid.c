/* bitsim — job ids: generation from the manager's PRNG, the text form BITS
 * prints, parsing, hashing, and the UTF-8 character count the API's length
 * limits use.
 *
 * Ids are random (version 4, RFC 4122 variant) GUIDs drawn from the
 * manager's seeded PRNG, so one seed gives the same ids, hence the same
 * trace (design.md "Seeds").
 */
#include <string.h>

#include "engine/engine.h"

void bsim__guid_generate(struct bsim__prng *prng, bsim_guid *out) {
  uint64_t a = bsim__prng_next(prng);
  uint64_t b = bsim__prng_next(prng);
  out->data1 = (uint32_t)(a >> 32);
  out->data2 = (uint16_t)(a >> 16);
  out->data3 = (uint16_t)((a & 0x0fffu) | 0x4000u); /* version 4 */
  for (int i = 0; i < 8; i++)
    out->data4[i] = (uint8_t)(b >> (56 - 8 * i));
  out->data4[0] = (uint8_t)((out->data4[0] & 0x3fu) | 0x80u); /* variant */
}

uint64_t bsim__guid_hash(const bsim_guid *id) {
  uint64_t lo = 0;
  for (int i = 0; i < 8; i++)
    lo = (lo << 8) | id->data4[i];
  uint64_t hi =
      ((uint64_t)id->data1 << 32) | ((uint64_t)id->data2 << 16) | id->data3;
  return bsim__mix64(hi ^ bsim__mix64(lo));
}

/* Upper-case hex of v, n digits, at out. No printf: this runs once per
 * CreateJob and the lifecycle benchmark counts it. */
static char *put_hex(char *out, uint64_t v, int n) {
  static const char digits[] = "0123456789ABCDEF";
  for (int i = n - 1; i >= 0; i--) {
    out[i] = digits[v & 0xfu];
    v >>= 4;
  }
  return out + n;
}

char *bsim_guid_format(const bsim_guid *id, char *buf) {
  if (id == NULL || buf == NULL) return buf;
  char *p = buf;
  *p++ = '{';
  p = put_hex(p, id->data1, 8);
  *p++ = '-';
  p = put_hex(p, id->data2, 4);
  *p++ = '-';
  p = put_hex(p, id->data3, 4);
  *p++ = '-';
  p = put_hex(p, id->data4[0], 2);
  p = put_hex(p, id->data4[1], 2);
  *p++ = '-';
  for (int i = 2; i < 8; i++)
    p = put_hex(p, id->data4[i], 2);
  *p++ = '}';
  *p = '\0';
  return buf;
}

char *bsim__hex8(char *out, uint32_t v) {
  return put_hex(out, v, 8);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Read n hex digits at *p into *out. */
static int read_hex(const char **p, int n, uint64_t *out) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) {
    int d = hex_value((*p)[i]);
    if (d < 0) return -1;
    v = (v << 4) | (uint64_t)d;
  }
  *p += n;
  *out = v;
  return 0;
}

int bsim_guid_parse(const char *text, bsim_guid *out) {
  if (text == NULL || out == NULL) return -1;
  int braced = text[0] == '{';
  const char *p = text + braced;
  static const int groups[] = {8, 4, 4, 4, 12};
  uint64_t v[5];
  for (int g = 0; g < 5; g++) {
    if (read_hex(&p, groups[g], &v[g]) != 0) return -1;
    if (g < 4 && *p++ != '-') return -1;
  }
  if (braced && *p++ != '}') return -1;
  if (*p != '\0') return -1;
  out->data1 = (uint32_t)v[0];
  out->data2 = (uint16_t)v[1];
  out->data3 = (uint16_t)v[2];
  out->data4[0] = (uint8_t)(v[3] >> 8);
  out->data4[1] = (uint8_t)v[3];
  for (int i = 0; i < 6; i++)
    out->data4[2 + i] = (uint8_t)(v[4] >> (40 - 8 * i));
  return 0;
}

/* Nonzero when none of the n bytes at p has its high bit set. Eight bytes
 * at a time: names and URLs are nearly always ASCII and every CreateJob
 * and AddFile counts them. */
static int all_ascii(const unsigned char *p, size_t n) {
  uint64_t acc = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    acc |= w;
  }
  for (; i < n; i++)
    acc |= p[i];
  return (acc & UINT64_C(0x8080808080808080)) == 0;
}

int64_t bsim__utf8_chars(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  size_t len = strlen(s);
  if (all_ascii(p, len)) return (int64_t)len;
  int64_t chars = 0;
  while (*p != 0) {
    if (*p < 0x80) {
      p++;
      chars++;
      continue;
    }
    unsigned c = *p;
    int n;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
      cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      cp = c & 0x07u;
    } else {
      return -1;
    }
    for (int i = 1; i < n; i++) {
      if ((p[i] & 0xc0u) != 0x80u) return -1; /* also catches the NUL */
      cp = (cp << 6) | (p[i] & 0x3fu);
    }
    if (n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return -1;
    if (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) return -1;
    p += n;
    chars++;
  }
  return chars;
}
