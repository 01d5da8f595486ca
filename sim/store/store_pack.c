/* bitsim — the files' progress of one job packed into one blob
 * (docs/store.md "Schema").
 *
 * Every checkpoint rewrites the progress of a job's files; keeping it in
 * the job's progress row as one blob, rather than one row per file, makes
 * a checkpoint one small row however many files the job has. Per file, in
 * order: bytes_total + 1 (so BSIM_SIZE_UNKNOWN packs as 0), bytes_done,
 * a flags byte, bytes_origin, bytes_peers; the numbers as LEB128 varints.
 */
#include <string.h>

#include "store/store.h"
#include "store/store_pack.h"

enum {
  F_TRANSFERRED = 1,
  F_COMPLETED = 2,
  F_TEMP_MADE = 4,
  F_FROM_PEER = 8,
  F_VALID = 16,
  F_PEER_HELD = 32,
};

static size_t put_varint(unsigned char *p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  p[n++] = (unsigned char)v;
  return n;
}

/* Returns the bytes read, 0 if the varint runs past end, is longer than
 * ten bytes or holds more than 64 bits. */
static size_t get_varint(const unsigned char *p, size_t len, uint64_t *v) {
  uint64_t out = 0;
  for (size_t i = 0; i < len && i < 10; i++) {
    if (i == 9 && p[i] > 1) return 0;
    out |= (uint64_t)(p[i] & 0x7f) << (7 * i);
    if ((p[i] & 0x80) == 0) {
      *v = out;
      return i + 1;
    }
  }
  return 0;
}

static unsigned char flags_of(const struct bsim__store_file *f) {
  return (unsigned char)((f->transferred ? F_TRANSFERRED : 0) |
                         (f->completed ? F_COMPLETED : 0) |
                         (f->temp_made ? F_TEMP_MADE : 0) |
                         (f->from_peer ? F_FROM_PEER : 0) |
                         (f->valid ? F_VALID : 0) |
                         (f->peer_held ? F_PEER_HELD : 0));
}

size_t bsim__store_pack_files(const struct bsim__store_file *files,
                              uint32_t count, unsigned char *out) {
  size_t n = 0;
  for (uint32_t i = 0; i < count; i++) {
    const struct bsim__store_file *f = &files[i];
    n += put_varint(out + n, f->bytes_total + 1);
    n += put_varint(out + n, f->bytes_done);
    out[n++] = flags_of(f);
    n += put_varint(out + n, f->bytes_origin);
    n += put_varint(out + n, f->bytes_peers);
  }
  return n;
}

int bsim__store_unpack_files(const unsigned char *blob, size_t len,
                             struct bsim__store_file *files, uint32_t count) {
  size_t at = 0;
  for (uint32_t i = 0; i < count; i++) {
    struct bsim__store_file *f = &files[i];
    uint64_t v[5];
    for (int k = 0; k < 5; k++) {
      if (k == 2) {
        if (at >= len || (blob[at] & ~0x3f) != 0) return -1;
        v[k] = blob[at++];
        continue;
      }
      size_t used = get_varint(blob + at, len - at, &v[k]);
      if (used == 0) return -1;
      at += used;
    }
    f->bytes_total = v[0] - 1;
    f->bytes_done = v[1];
    f->transferred = (v[2] & F_TRANSFERRED) != 0;
    f->completed = (v[2] & F_COMPLETED) != 0;
    f->temp_made = (v[2] & F_TEMP_MADE) != 0;
    f->from_peer = (v[2] & F_FROM_PEER) != 0;
    f->valid = (v[2] & F_VALID) != 0;
    f->peer_held = (v[2] & F_PEER_HELD) != 0;
    f->bytes_origin = v[3];
    f->bytes_peers = v[4];
  }
  return at == len ? 0 : -1; /* trailing bytes: not what was written */
}
