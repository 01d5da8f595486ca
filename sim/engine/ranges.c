/* bitsim — file ranges: AddFileWithRanges (IBackgroundCopyJob3) and
 * GetFileRanges (IBackgroundCopyFile2), reference §1.6, §1.9, §2.7, §12.
 *
 * A ranged file is a download of only some byte ranges of the remote file,
 * written back to back into the local file in the order the caller gave
 * them (local size = sum of lengths). The file record keeps the ranges as
 * given; the transports resolve BG_LENGTH_TO_EOF and check "beyond EOF"
 * once they know the remote size, through bsim__ranges_total and
 * bsim__ranges_locate below, so both transports agree on the layout.
 * The file's bytes_total and bytes_done count the local file, which is
 * what BITS reports ("for ranged files it counts only requested bytes",
 * reference §2.12 BG_JOB_PROGRESS).
 *
 * Overlap. The reference says duplicates and overlaps are refused, "also
 * when equal offsets appear in reverse length order". bitsim reads that
 * as: the order of the ranges is free (it is the order of the local
 * file); the ranges are put in offset order with a stable sort (equal
 * offsets keep the caller's order) and each must end at or before the
 * next one starts. So {5,0},{5,10} is accepted and {5,10},{5,0} is
 * BG_E_OVERLAPPING_RANGES; a zero-length range is allowed and adds no
 * byte; a BG_LENGTH_TO_EOF range overlaps any range at a higher offset.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

/* Administrators are exempt from MaxRangesPerFile (reference §12); the
 * engine still bounds what one call may allocate (style B.8). */
#define HARD_MAX_RANGES_PER_FILE 1000000u

/* ---- the shape of a range list ----------------------------------------- */

struct order_item {
  uint64_t offset;
  uint64_t length;
  uint32_t given; /* position in the caller's array: keeps the sort stable */
};

static int by_offset(const void *a, const void *b) {
  const struct order_item *x = a;
  const struct order_item *y = b;
  if (x->offset != y->offset) return x->offset < y->offset ? -1 : 1;
  return x->given < y->given ? -1 : x->given > y->given;
}

/* One range on its own: the offset cannot be BG_LENGTH_TO_EOF, and the
 * range cannot run past 2^64 (reference §1.6, §2.7). */
static bsim_hr check_one(const struct bsim_file_range *r) {
  if (r->initial_offset == BSIM_LENGTH_TO_EOF) return BSIM_E_INVALID_RANGE;
  if (r->length != BSIM_LENGTH_TO_EOF &&
      r->length > UINT64_MAX - r->initial_offset) {
    return BSIM_E_INVALID_RANGE;
  }
  return BSIM_S_OK;
}

/* BG_E_INVALID_RANGE, then BG_E_OVERLAPPING_RANGES (see the top of the
 * file), else S_OK. E_OUTOFMEMORY when the sort cannot get its array. */
static bsim_hr check_ranges(const struct bsim_file_range *ranges,
                            uint32_t count) {
  for (uint32_t i = 0; i < count; i++) {
    bsim_hr hr = check_one(&ranges[i]);
    if (BSIM_FAILED(hr)) return hr;
  }
  if (count < 2) return BSIM_S_OK;
  struct order_item *items = bsim__malloc((size_t)count * sizeof *items);
  if (items == NULL) return BSIM_E_OUTOFMEMORY;
  for (uint32_t i = 0; i < count; i++) {
    items[i].offset = ranges[i].initial_offset;
    items[i].length = ranges[i].length;
    items[i].given = i;
  }
  qsort(items, count, sizeof *items, by_offset);
  bsim_hr hr = BSIM_S_OK;
  for (uint32_t i = 1; i < count && BSIM_SUCCEEDED(hr); i++) {
    const struct order_item *prev = &items[i - 1];
    if (prev->length == BSIM_LENGTH_TO_EOF ||
        prev->offset + prev->length > items[i].offset) {
      hr = BSIM_E_OVERLAPPING_RANGES;
    }
  }
  bsim__free(items);
  return hr;
}

/* ---- for the transports (sim/internal.h) -------------------------------- */

/* The length of r in a remote file of remote_size bytes, or UINT64_MAX
 * when r does not fit in it. A zero-length range fits anywhere up to the
 * end. */
static uint64_t resolved_length(const struct bsim_file_range *r,
                                uint64_t remote_size) {
  if (r->length == BSIM_LENGTH_TO_EOF) {
    return r->initial_offset < remote_size ? remote_size - r->initial_offset
                                           : UINT64_MAX;
  }
  if (r->initial_offset > remote_size ||
      r->length > remote_size - r->initial_offset) {
    return UINT64_MAX;
  }
  if (r->length > 0 && r->initial_offset == remote_size) return UINT64_MAX;
  return r->length;
}

bsim_hr bsim__ranges_total(const struct bsim_file_range *ranges, uint32_t count,
                           uint64_t remote_size, uint64_t *total_out) {
  uint64_t total = 0;
  for (uint32_t i = 0; i < count; i++) {
    uint64_t len = resolved_length(&ranges[i], remote_size);
    if (len == UINT64_MAX) return BSIM_E_INVALID_RANGE;
    total += len; /* the ranges do not overlap: total <= remote_size */
  }
  *total_out = total;
  return BSIM_S_OK;
}

int bsim__ranges_locate(const struct bsim_file_range *ranges, uint32_t count,
                        uint64_t remote_size, uint64_t local_off,
                        uint32_t *index_out, uint64_t *remote_out,
                        uint64_t *left_out) {
  uint64_t start = 0;
  for (uint32_t i = 0; i < count; i++) {
    uint64_t len = resolved_length(&ranges[i], remote_size);
    if (len == UINT64_MAX) return -1;
    if (local_off < start + len) {
      *index_out = i;
      *remote_out = ranges[i].initial_offset + (local_off - start);
      *left_out = start + len - local_off;
      return 0;
    }
    start += len;
  }
  return -1;
}

/* ---- AddFileWithRanges --------------------------------------------------- */

void bsim__file_ranges_free(struct bsim__file *f) {
  bsim__free(f->ranges);
  f->ranges = NULL;
  f->range_count = 0;
}

/* The checks that need no lock, in the order of reference §1.6: the job
 * type (fixed at creation), the arguments and names, the ranges. */
static bsim_hr check_call(bsim_job *job, const char *remote, const char *local,
                          uint32_t count,
                          const struct bsim_file_range *ranges) {
  if (job->type != BSIM_JOB_TYPE_DOWNLOAD) return BSIM_E_NOTIMPL;
  if (count == 0 || ranges == NULL) return BSIM_E_INVALIDARG;
  bsim_hr hr = bsim__job_check_names(job, remote, local);
  if (BSIM_FAILED(hr)) return hr;
  if (count > HARD_MAX_RANGES_PER_FILE) return BSIM_E_TOO_MANY_RANGES_IN_FILE;
  return check_ranges(ranges, count);
}

/* With the lock: the ranges quota (§12), then AddFile's own checks, then
 * the copy and the new file record, all or nothing. */
static bsim_hr add_locked(bsim_job *job, const struct bsim_file_info *info,
                          uint32_t count,
                          const struct bsim_file_range *ranges) {
  if (job->mgr == NULL) return BSIM_E_INVALID_STATE;
  if (!job->owner->is_admin && count > job->mgr->opts.max_ranges_per_file) {
    return BSIM_E_TOO_MANY_RANGES_IN_FILE;
  }
  bsim_hr hr = bsim__job_check_add(job, 1, info);
  if (BSIM_FAILED(hr)) return hr;
  struct bsim_file_range *copy = bsim__malloc((size_t)count * sizeof *copy);
  if (copy == NULL) return BSIM_E_OUTOFMEMORY;
  memcpy(copy, ranges, (size_t)count * sizeof *copy);
  hr = bsim__job_append_files(job, 1, info);
  if (BSIM_FAILED(hr)) {
    bsim__free(copy);
    return hr;
  }
  struct bsim__file *f = &job->files[job->file_count - 1];
  f->ranges = copy;
  f->range_count = count;
  /* As AddFile: a TRANSFERRED job stays so until Resume (§4.2). */
  bsim__job_touch(job);
  bsim__notify_modified(job);
  return BSIM_S_OK;
}

bsim_hr bsim_job_add_file_with_ranges(bsim_job *job, const char *remote_name,
                                      const char *local_name,
                                      uint32_t range_count,
                                      const struct bsim_file_range *ranges) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_hr hr = check_call(job, remote_name, local_name, range_count, ranges);
  bsim_manager *mgr = bsim__job_lock(job);
  if (BSIM_SUCCEEDED(hr)) {
    struct bsim_file_info info = {remote_name, local_name};
    hr = add_locked(job, &info, range_count, ranges);
  }
  return bsim__job_unlock(mgr, "add_file_with_ranges", job, hr);
}

/* ---- GetFileRanges ------------------------------------------------------- */

bsim_hr bsim_file_get_ranges(bsim_job *job, uint32_t index, uint32_t *count_out,
                             struct bsim_file_range **ranges_out) {
  if (job == NULL || count_out == NULL || ranges_out == NULL) {
    return BSIM_E_INVALIDARG;
  }
  *count_out = 0;
  *ranges_out = NULL;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = BSIM_S_OK;
  if (index >= job->file_count) {
    hr = BSIM_E_INVALIDARG;
  } else if (job->files[index].range_count > 0) {
    const struct bsim__file *f = &job->files[index];
    size_t bytes = (size_t)f->range_count * sizeof *f->ranges;
    struct bsim_file_range *copy = bsim__malloc(bytes);
    if (copy == NULL) {
      hr = BSIM_E_OUTOFMEMORY;
    } else {
      memcpy(copy, f->ranges, bytes);
      *count_out = f->range_count;
      *ranges_out = copy;
    }
  }
  return bsim__job_unlock(mgr, "file_get_ranges", job, hr);
}
