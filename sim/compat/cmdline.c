/* bitsim — SetNotifyCmdLine's Parameters, split into argv by the rules of
 * Windows' CommandLineToArgvW (reference §6: the first token is the
 * program name), and joined back for GetNotifyCmdLine.
 *
 * The rules, as shell32 applies them:
 *   - the first token ends at the first space or tab, or, when it starts
 *     with a quote, at the next quote (no backslash rule in it);
 *   - later tokens are separated by spaces and tabs outside quotes;
 *     2n backslashes before a quote give n backslashes and the quote
 *     toggles quoting; 2n+1 backslashes before a quote give n backslashes
 *     and a literal quote; backslashes not before a quote are literal;
 *   - inside quotes, a doubled quote "" gives a literal quote (three
 *     quotes in a row count as one literal quote).
 */
#include "compat/compat.h"

#include <string.h>

#include "internal.h"

/* One token after the first, from *s into out (room for wcslen(*s)). */
static void next_token(const wchar_t **sp, wchar_t *out) {
  const wchar_t *s = *sp;
  wchar_t *d = out;
  int quotes = 0; /* the quote count Wine and shell32 keep */
  size_t bs = 0;
  while (*s != L'\0') {
    if ((*s == L' ' || *s == L'\t') && quotes == 0) break;
    if (*s == L'\\') {
      *d++ = *s++;
      bs++;
      continue;
    }
    if (*s == L'"') {
      if (bs % 2 == 0) {
        d -= bs / 2;
        quotes++;
      } else {
        d -= bs / 2 + 1;
        *d++ = L'"';
      }
      s++;
      bs = 0;
      while (*s == L'"') {
        if (++quotes == 3) {
          *d++ = L'"';
          quotes = 0;
        }
        s++;
      }
      if (quotes == 2) quotes = 0;
      continue;
    }
    *d++ = *s++;
    bs = 0;
  }
  *d = L'\0';
  *sp = s;
}

static void first_token(const wchar_t **sp, wchar_t *out) {
  const wchar_t *s = *sp;
  wchar_t *d = out;
  if (*s == L'"') {
    s++;
    while (*s != L'\0' && *s != L'"')
      *d++ = *s++;
    if (*s == L'"') s++;
  } else {
    while (*s != L'\0' && *s != L' ' && *s != L'\t')
      *d++ = *s++;
  }
  *d = L'\0';
  *sp = s;
}

static int push(char ***argv, size_t *n, const wchar_t *tok) {
  char *u = NULL;
  if (FAILED(bsim__cw_to_utf8(tok, &u))) return -1;
  char **grown = bsim__realloc(*argv, (*n + 2) * sizeof *grown);
  if (grown == NULL) {
    bsim__free(u);
    return -1;
  }
  grown[(*n)++] = u;
  grown[*n] = NULL;
  *argv = grown;
  return 0;
}

HRESULT bsim__cw_split_cmdline(const wchar_t *params, char ***argv_out) {
  *argv_out = NULL;
  for (const wchar_t *w = params; *w != L'\0'; w++) {
    uint32_t c = (uint32_t)*w;
    if (c > 0x10FFFFu || (c >= 0xD800u && c <= 0xDFFFu)) return E_INVALIDARG;
  }
  wchar_t *tok = bsim__malloc((wcslen(params) + 1) * sizeof *tok);
  if (tok == NULL) return E_OUTOFMEMORY;
  char **argv = NULL;
  size_t n = 0;
  const wchar_t *s = params;
  first_token(&s, tok);
  int rc = push(&argv, &n, tok);
  for (;;) {
    while (*s == L' ' || *s == L'\t')
      s++;
    if (rc != 0 || *s == L'\0') break;
    next_token(&s, tok);
    rc = push(&argv, &n, tok);
  }
  bsim__free(tok);
  if (rc != 0) {
    bsim_strv_free(argv);
    return E_OUTOFMEMORY;
  }
  *argv_out = argv;
  return S_OK;
}

/* Quote one argument so that next_token gives it back. */
static size_t quote_arg(const wchar_t *a, wchar_t *d) {
  size_t n = 0;
  int need = a[0] == L'\0' || wcspbrk(a, L" \t\"") != NULL;
  if (!need) {
    for (; *a != L'\0'; a++)
      d[n++] = *a;
    return n;
  }
  d[n++] = L'"';
  size_t bs = 0;
  for (; *a != L'\0'; a++) {
    if (*a == L'\\') {
      bs++;
    } else {
      if (*a == L'"') {
        for (size_t i = 0; i <= bs; i++)
          d[n++] = L'\\';
      }
      bs = 0;
    }
    d[n++] = *a;
  }
  for (size_t i = 0; i < bs; i++)
    d[n++] = L'\\'; /* before closing quote */
  d[n++] = L'"';
  return n;
}

HRESULT bsim__cw_join_cmdline(char *const *argv, LPWSTR *out) {
  *out = NULL;
  LPWSTR *wide = NULL;
  size_t count = 0, cap = 1;
  while (argv[count] != NULL)
    count++;
  wide = bsim__calloc(count + 1, sizeof *wide);
  HRESULT hr = wide != NULL ? S_OK : E_OUTOFMEMORY;
  for (size_t i = 0; i < count && SUCCEEDED(hr); i++) {
    hr = bsim__cw_to_wide(argv[i], &wide[i]);
    if (SUCCEEDED(hr)) cap += 2 * wcslen(wide[i]) + 4;
  }
  if (SUCCEEDED(hr)) {
    *out = CoTaskMemAlloc(cap * sizeof **out);
    if (*out == NULL) hr = E_OUTOFMEMORY;
  }
  if (SUCCEEDED(hr)) {
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
      if (i > 0) (*out)[n++] = L' ';
      /* The program name has no backslash rule: quote it plainly. */
      if (i == 0 && wcspbrk(wide[0], L" \t") != NULL) {
        (*out)[n++] = L'"';
        for (const wchar_t *p = wide[0]; *p != L'\0'; p++)
          (*out)[n++] = *p;
        (*out)[n++] = L'"';
      } else {
        n += quote_arg(wide[i], *out + n);
      }
    }
    (*out)[n] = L'\0';
  }
  for (size_t i = 0; wide != NULL && i < count; i++)
    CoTaskMemFree(wide[i]);
  bsim__free(wide);
  return hr;
}
