/* bitsim — paths and files for `bitsim serve`, never outside their
 * directory.
 *
 * A URL path (already percent-decoded by libmicrohttpd, so "%2e%2e" arrives
 * as "..") is first checked as text: no empty, "." or ".." component, no
 * backslash or control byte, nothing named .bitsim-* (the server's own
 * files), bounded lengths (reference §10: URLs up to 2,200 characters,
 * segments up to MAX_PATH). It is then walked one component at a time with
 * openat(O_NOFOLLOW) from the directory's own descriptor, so a symlink
 * anywhere on the way (even one planted after the server started) ends the
 * walk instead of leading elsewhere: symlinks are refused, not resolved.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "server/serve_internal.h"

#define PATH_LEN_MAX 2200u
#define NAME_LEN_MAX 255u

static int component_ok(const char *s, size_t len) {
  if (len == 0 || len > NAME_LEN_MAX) return 0;
  if (len == 1 && s[0] == '.') return 0;
  if (len == 2 && s[0] == '.' && s[1] == '.') return 0;
  if (len >= 7 && memcmp(s, ".bitsim", 7) == 0) return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f || c == '\\') return 0;
  }
  return 1;
}

int bsim__serve_path_ok(const char *rel) {
  size_t total = strlen(rel);
  if (total == 0 || total > PATH_LEN_MAX) return -1;
  const char *s = rel;
  for (;;) {
    const char *slash = strchr(s, '/');
    size_t len = slash != NULL ? (size_t)(slash - s) : strlen(s);
    if (!component_ok(s, len)) return -1;
    if (slash == NULL) return 0;
    s = slash + 1;
  }
}

/* Step from dir into its subdirectory name (which may be made). Closes dir
 * and returns the new descriptor, or -1 with errno. */
static int step_into(int dir, const char *name, int create) {
  int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int next = openat(dir, name, flags);
  if (next < 0 && errno == ENOENT && create) {
    if (mkdirat(dir, name, 0755) == 0 || errno == EEXIST) {
      next = openat(dir, name, flags);
    }
  }
  int saved = errno;
  struct stat st;
  /* O_DIRECTORY reports a symlink as "not a directory"; callers tell a
   * symlink (refused) from a plain file in the way (not found). */
  if (next < 0 && saved == ENOTDIR &&
      fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISLNK(st.st_mode)) {
    saved = ELOOP;
  }
  close(dir);
  errno = saved;
  return next;
}

int bsim__serve_open_parent(int dir_fd, const char *rel, int create,
                            const char **leaf) {
  if (bsim__serve_path_ok(rel) != 0) {
    errno = EINVAL;
    return -1;
  }
  int cur = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  const char *s = rel;
  for (const char *slash = strchr(s, '/'); cur >= 0 && slash != NULL;
       slash = strchr(s, '/')) {
    char name[NAME_LEN_MAX + 1];
    size_t len = (size_t)(slash - s);
    memcpy(name, s, len);
    name[len] = '\0';
    cur = step_into(cur, name, create);
    s = slash + 1;
  }
  if (cur < 0) return -1;
  *leaf = s;
  return cur;
}

int bsim__serve_open_file(int dir_fd, const char *rel, struct stat *st) {
  const char *leaf = NULL;
  int parent = bsim__serve_open_parent(dir_fd, rel, 0, &leaf);
  if (parent < 0) return -1;
  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  int fd = openat(parent, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  int saved = errno;
  close(parent);
  if (fd < 0) {
    errno = saved;
    return -1;
  }
  if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    close(fd);
    errno = EISDIR;
    return -1;
  }
  return fd;
}
