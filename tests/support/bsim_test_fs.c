/* A small file system for disk-full tests (see bsim_test.h).
 *
 * A full disk cannot be faked honestly with a flag: the point is to see
 * what write(2), fsync(2) and SQLite do when the kernel says ENOSPC. So the
 * test process moves into a mount namespace of its own and mounts a tmpfs
 * of the size asked for on a directory of the build tree; the mount is
 * invisible to every other process and disappears with the test. This needs
 * CAP_SYS_ADMIN (CI runs as root); without it the caller skips. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>

#include "bsim_test.h"

int bsim_test_small_fs(const char *dir, uint64_t bytes) {
  if (unshare(CLONE_NEWNS) != 0) return -1;
  /* Keep the mount out of the parent namespace even where / is shared. */
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return -1;
  char opts[64];
  snprintf(opts, sizeof opts, "size=%llu,mode=0755", (unsigned long long)bytes);
  return mount("bsim-small", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) == 0
             ? 0
             : -1;
}
