/* bitsim — the pure parts of notify command lines: validating a
 * SetNotifyCmdLine program and argv (reference §1.5) and copying string
 * vectors. Nothing here touches the engine, so unit tests link it alone.
 */
#include <string.h>

#include "notify/notify_priv.h"

#define BSIM__MAX_PARAMETERS_CHARS 4000u /* reference §1.5 */

bsim_hr bsim__notify_cmdline_check(const char *program,
                                   const char *const *argv) {
  if (program == NULL) return argv == NULL ? BSIM_S_OK : BSIM_E_INVALIDARG;
  if (program[0] != '/') return BSIM_E_INVALIDARG; /* full path only */
  if (strlen(program) > BSIM_MAX_PATH_CHARS) return BSIM_E_STRING_TOO_LONG;
  if (argv == NULL) return BSIM_S_OK;
  if (argv[0] == NULL) return BSIM_E_INVALIDARG; /* starts with the name */
  size_t joined = 0;
  for (size_t i = 0; argv[i] != NULL; i++) {
    joined += strlen(argv[i]) + (i > 0);
    if (joined > BSIM__MAX_PARAMETERS_CHARS) return BSIM_E_STRING_TOO_LONG;
  }
  return BSIM_S_OK;
}

char **bsim__notify_strv_dup(const char *const *strv) {
  size_t count = 0;
  while (strv[count] != NULL)
    count++;
  char **copy = bsim__calloc(count + 1, sizeof(*copy));
  if (copy == NULL) return NULL;
  for (size_t i = 0; i < count; i++) {
    copy[i] = bsim__strdup(strv[i]);
    if (copy[i] == NULL) {
      bsim_strv_free(copy);
      return NULL;
    }
  }
  return copy;
}

void bsim_strv_free(char **strv) {
  if (strv == NULL) return;
  for (size_t i = 0; strv[i] != NULL; i++)
    bsim__free(strv[i]);
  bsim__free(strv);
}
