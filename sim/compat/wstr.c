/* bitsim — wide strings of the Windows binding: wchar_t (UTF-32 on Linux,
 * where WCHAR is 4 bytes) to and from the engine's UTF-8, and strings
 * returned to the application, allocated for CoTaskMemFree as on Windows.
 *
 * A wchar_t that is not a Unicode scalar value (a surrogate, above
 * U+10FFFF) is bad input: E_INVALIDARG, nothing allocated.
 */
#include "compat/compat.h"

#include "internal.h"

static size_t utf8_len(uint32_t c) {
  return c < 0x80u ? 1u : c < 0x800u ? 2u : c < 0x10000u ? 3u : 4u;
}

static int scalar_ok(uint32_t c) {
  return c <= 0x10FFFFu && (c < 0xD800u || c > 0xDFFFu);
}

static char *put_utf8(char *p, uint32_t c) {
  size_t n = utf8_len(c);
  if (n == 1) {
    *p++ = (char)c;
    return p;
  }
  static const unsigned char lead[5] = {0, 0, 0xC0u, 0xE0u, 0xF0u};
  for (size_t i = n - 1; i > 0; i--) {
    p[i] = (char)(0x80u | (c & 0x3Fu));
    c >>= 6;
  }
  p[0] = (char)(lead[n] | c);
  return p + n;
}

HRESULT bsim__cw_to_utf8(const wchar_t *in, char **out) {
  *out = NULL;
  if (in == NULL) return S_OK;
  size_t len = 0;
  for (const wchar_t *w = in; *w != L'\0'; w++) {
    uint32_t c = (uint32_t)*w;
    if (!scalar_ok(c)) return E_INVALIDARG;
    len += utf8_len(c);
  }
  char *s = bsim__malloc(len + 1);
  if (s == NULL) return E_OUTOFMEMORY;
  char *p = s;
  for (const wchar_t *w = in; *w != L'\0'; w++)
    p = put_utf8(p, (uint32_t)*w);
  *p = '\0';
  *out = s;
  return S_OK;
}

/* Decode one UTF-8 sequence at *s; returns the code point, or U+FFFD for
 * malformed bytes (the engine only hands out valid UTF-8). */
static uint32_t get_utf8(const unsigned char **s) {
  const unsigned char *p = *s;
  uint32_t c = p[0];
  size_t n = c < 0x80u              ? 1
             : (c & 0xE0u) == 0xC0u ? 2
             : (c & 0xF0u) == 0xE0u ? 3
             : (c & 0xF8u) == 0xF0u ? 4
                                    : 0;
  if (n == 0) {
    *s = p + 1;
    return 0xFFFDu;
  }
  if (n > 1) c &= 0x3Fu >> (n - 1);
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0u) != 0x80u) {
      *s = p + i;
      return 0xFFFDu;
    }
    c = (c << 6) | (p[i] & 0x3Fu);
  }
  *s = p + n;
  return scalar_ok(c) ? c : 0xFFFDu;
}

HRESULT bsim__cw_to_wide(const char *in, LPWSTR *out) {
  if (out == NULL) return E_POINTER;
  *out = NULL;
  if (in == NULL) in = "";
  size_t n = 0;
  const unsigned char *s = (const unsigned char *)in;
  while (*s != '\0') {
    (void)get_utf8(&s);
    n++;
  }
  LPWSTR w = CoTaskMemAlloc((n + 1) * sizeof *w);
  if (w == NULL) return E_OUTOFMEMORY;
  s = (const unsigned char *)in;
  for (size_t i = 0; i < n; i++)
    w[i] = (wchar_t)get_utf8(&s);
  w[n] = L'\0';
  *out = w;
  return S_OK;
}

HRESULT bsim__cw_take(HRESULT hr, char *in, LPWSTR *out) {
  if (FAILED(hr)) {
    bsim_free(in);
    if (out != NULL) *out = NULL;
    return hr;
  }
  HRESULT conv = bsim__cw_to_wide(in, out);
  bsim_free(in);
  return FAILED(conv) ? conv : hr;
}

/* CoTaskMemAlloc/Free: the engine's allocator, so that strings the binding
 * returns and the application frees meet the same heap (and the
 * allocation-failure seam). */
LPVOID WINAPI CoTaskMemAlloc(SIZE_T cb) {
  return bsim__malloc(cb != 0 ? cb : 1);
}

void WINAPI CoTaskMemFree(LPVOID pv) {
  bsim__free(pv);
}
