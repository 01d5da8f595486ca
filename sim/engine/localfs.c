/* bitsim — local file I/O of jobs: temporary files, writes, the renames of
 * Complete and the deletes of Cancel (reference §8, §10).
 *
 * Everything the engine and the transports do to the local disk goes
 * through here, so BSIM_FS_VIRTUAL can skip the disk entirely (benchmarks,
 * multi-GiB simulations): in that mode every call succeeds and touches
 * nothing. POSIX errors become the HRESULTs Windows would report.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"

int bsim__fs_virtual(bsim_manager *mgr) {
  return mgr->opts.fs_mode == BSIM_FS_VIRTUAL;
}

bsim_hr bsim__fs_write_at(bsim_manager *mgr, const char *path, uint64_t offset,
                          const void *data, size_t len) {
  if (bsim__fs_virtual(mgr)) return BSIM_S_OK;
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return bsim__hr_from_errno(errno);
  const char *p = data;
  while (len > 0) {
    ssize_t n = pwrite(fd, p, len, (off_t)offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return bsim__hr_from_errno(err);
    }
    p += n;
    len -= (size_t)n;
    offset += (uint64_t)n;
  }
  if (close(fd) != 0) return bsim__hr_from_errno(errno);
  return BSIM_S_OK;
}

bsim_hr bsim__fs_truncate(bsim_manager *mgr, const char *path, uint64_t len) {
  if (bsim__fs_virtual(mgr)) return BSIM_S_OK;
  if (truncate(path, (off_t)len) != 0) return bsim__hr_from_errno(errno);
  return BSIM_S_OK;
}

bsim_hr bsim__fs_create(bsim_manager *mgr, const char *path) {
  if (bsim__fs_virtual(mgr)) return BSIM_S_OK;
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return bsim__hr_from_errno(errno);
  close(fd);
  return BSIM_S_OK;
}

bsim_hr bsim__fs_rename(bsim_manager *mgr, const char *from, const char *to) {
  if (bsim__fs_virtual(mgr)) return BSIM_S_OK;
  if (rename(from, to) != 0) return bsim__hr_from_errno(errno);
  return BSIM_S_OK;
}

bsim_hr bsim__fs_unlink(bsim_manager *mgr, const char *path) {
  if (bsim__fs_virtual(mgr)) return BSIM_S_OK;
  if (unlink(path) != 0 && errno != ENOENT) {
    return bsim__hr_from_errno(errno);
  }
  return BSIM_S_OK;
}

bsim_hr bsim__fs_check_parent(bsim_manager *mgr, const char *path) {
  if (bsim__fs_virtual(mgr)) return BSIM_S_OK;
  const char *slash = strrchr(path, '/');
  BSIM_ASSERT(slash != NULL); /* the caller checked the path is absolute */
  char dir[BSIM_MAX_PATH_CHARS * 4 + 1];
  size_t n = slash == path ? 1 : (size_t)(slash - path);
  if (n >= sizeof dir) return BSIM_E_INVALIDARG;
  memcpy(dir, path, n);
  dir[n] = '\0';
  struct stat st;
  /* Reference §10: the parent directories must exist; §1.4 lists
   * E_INVALIDARG for a bad local name and E_ACCESSDENIED for a directory
   * the caller may not write to. */
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return BSIM_E_INVALIDARG;
  if (access(dir, W_OK) != 0) return BSIM_E_ACCESSDENIED;
  return BSIM_S_OK;
}
