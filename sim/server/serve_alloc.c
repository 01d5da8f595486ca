/* bitsim — stand-in definitions of the bsim__ allocator (sim/internal.h) for
 * a tree that does not have sim/util/alloc.c yet, so that `bitsim serve`
 * builds and links on its own branch. They are weak: once sim/util/alloc.c
 * is linked, its definitions (with failure injection) take their place and
 * this file can go.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

__attribute__((weak)) void *bsim__malloc(size_t size) {
  return malloc(size);
}

__attribute__((weak)) void *bsim__calloc(size_t count, size_t size) {
  return calloc(count, size);
}

__attribute__((weak)) void *bsim__realloc(void *p, size_t size) {
  return realloc(p, size);
}

__attribute__((weak)) void bsim__free(void *p) {
  free(p);
}

__attribute__((weak)) char *bsim__strdup(const char *s) {
  if (s == NULL) return NULL;
  size_t len = strlen(s) + 1;
  char *copy = malloc(len);
  if (copy != NULL) memcpy(copy, s, len);
  return copy;
}
