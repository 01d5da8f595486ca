/* HRESULT names and messages, generated from the one table in
 * include/bitsim/hr.h (reference §3). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bitsim/hr.h"
#include "internal.h"

struct hr_entry {
  bsim_hr code;
  const char *name;
  const char *message;
};

/* Names are printed as BITS spells them: BSIM_E_X was BG_E_X. The generic
 * COM codes keep their plain names. */
static const struct hr_entry hr_table[] = {
#define HR_ROW(name, value, msg) {(int32_t)(value##u), #name, msg},
    BSIM_HR_MAP(HR_ROW)
#undef HR_ROW
};

#define HR_COUNT (sizeof hr_table / sizeof hr_table[0])

/* Generic codes not in facility 0x20 keep their names; the BITS ones gain
 * the BG_ prefix back (E_BG_PENDING is BG_E_PENDING). */
static int is_bits_facility(bsim_hr hr) {
  return (((uint32_t)hr >> 16) & 0x1fffu) == 0x20u;
}

static const struct hr_entry *find(bsim_hr hr) {
  for (size_t i = 0; i < HR_COUNT; i++) {
    if (hr_table[i].code == hr) return &hr_table[i];
  }
  return NULL;
}

bsim_hr bsim_hr_from_http(int status) {
  return (bsim_hr)(0x80190000u | ((uint32_t)status & 0xffffu));
}

bsim_hr bsim_hr_from_win32(uint32_t code) {
  if (code == 0) return 0;
  return (bsim_hr)(0x80070000u | (code & 0xffffu));
}

/* Names that must be formatted (BG_ prefix, HTTP status, Win32 code) use a
 * per-thread buffer, valid until the same thread's next call. */
static _Thread_local char name_buf[64];

const char *bsim_hr_name(bsim_hr hr) {
  const struct hr_entry *e = find(hr);
  if (e != NULL) {
    if (!is_bits_facility(hr)) return e->name;
    if (strcmp(e->name, "E_BG_PENDING") == 0) return "BG_E_PENDING";
    if (strcmp(e->name, "E_BG_TIMEOUT") == 0) return "BG_E_TIMEOUT";
    snprintf(name_buf, sizeof name_buf, "BG_%s", e->name);
    return name_buf;
  }
  uint32_t u = (uint32_t)hr;
  if ((u & 0xffff0000u) == 0x80190000u) {
    snprintf(name_buf, sizeof name_buf, "BG_E_HTTP_ERROR_%u", u & 0xffffu);
    return name_buf;
  }
  if ((u & 0xffff0000u) == 0x80070000u) {
    snprintf(name_buf, sizeof name_buf, "HRESULT_FROM_WIN32(%u)", u & 0xffffu);
    return name_buf;
  }
  return "UNKNOWN_HRESULT";
}

const char *bsim_hr_message(bsim_hr hr) {
  const struct hr_entry *e = find(hr);
  if (e != NULL) return e->message;
  uint32_t u = (uint32_t)hr;
  if ((u & 0xffff0000u) == 0x80190000u) {
    return "The server answered with an HTTP error status.";
  }
  if ((u & 0xffff0000u) == 0x80070000u) return "A Win32 error.";
  return "Unknown result code.";
}

static int parse_hex(const char *s, bsim_hr *out) {
  char *end = NULL;
  unsigned long v = strtoul(s, &end, 16);
  if (end == s || *end != '\0' || v > 0xfffffffful) return -1;
  *out = (bsim_hr)(uint32_t)v;
  return 0;
}

int bsim_hr_parse(const char *text, bsim_hr *out) {
  if (text == NULL || out == NULL) return -1;
  /* Copy first: text may be the buffer bsim_hr_name() reuses below. */
  char name[96];
  if (strlen(text) >= sizeof name) return -1;
  memcpy(name, text, strlen(text) + 1);
  if (strncasecmp(name, "0x", 2) == 0) return parse_hex(name, out);
  const char *key = strncmp(name, "BSIM_", 5) == 0 ? name + 5 : name;
  if (strncmp(key, "BG_E_HTTP_ERROR_", 16) == 0) {
    char *end = NULL;
    long status = strtol(key + 16, &end, 10);
    if (end == key + 16 || *end != '\0' || status < 0 || status > 999) {
      return -1;
    }
    *out = bsim_hr_from_http((int)status);
    return 0;
  }
  for (size_t i = 0; i < HR_COUNT; i++) {
    if (strcmp(bsim_hr_name(hr_table[i].code), key) == 0 ||
        strcmp(hr_table[i].name, key) == 0) {
      *out = hr_table[i].code;
      return 0;
    }
  }
  return -1;
}

/* One mapping of local I/O errors to the HRESULTs Windows reports for
 * them (the store, local files and the trace file all use it). */
bsim_hr bsim__hr_from_errno(int err) {
  switch (err) {
  case ENOENT:
  case ENOTDIR:
    return BSIM_E_WIN32_PATH_NOT_FOUND;
  case EACCES:
  case EPERM:
  case EROFS:
  case EISDIR:
  case ENOTEMPTY:
  case EEXIST:
    return BSIM_E_ACCESSDENIED;
  case ENOSPC:
  case EDQUOT:
    return BSIM_E_WIN32_DISK_FULL;
  case EFBIG: /* past RLIMIT_FSIZE or the file system's largest file */
    return bsim_hr_from_win32(223u); /* ERROR_FILE_TOO_LARGE */
  case EBUSY:
  case ETXTBSY:
    return BSIM_E_WIN32_SHARING_VIOLATION;
  case ENOMEM:
    return BSIM_E_OUTOFMEMORY;
  default:
    return BSIM_E_FAIL;
  }
}
