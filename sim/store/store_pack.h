/* bitsim — the files' progress blob of the SQLite store (store_pack.c). */
#ifndef BSIM_STORE_PACK_H
#define BSIM_STORE_PACK_H

#include <stddef.h>
#include <stdint.h>

struct bsim__store_file;

/** The most bytes one file takes in the blob. */
#define BSIM__STORE_PACKED_FILE_MAX 41

/** Pack the progress of count files into out (room for count *
 * BSIM__STORE_PACKED_FILE_MAX bytes); returns the bytes written. */
size_t bsim__store_pack_files(const struct bsim__store_file *files,
                              uint32_t count, unsigned char *out);

/** Fill the progress fields of count files from a blob; the names are not
 * touched. Returns 0, or -1 if the blob is not count files exactly. */
int bsim__store_unpack_files(const unsigned char *blob, size_t len,
                             struct bsim__store_file *files, uint32_t count);

#endif /* BSIM_STORE_PACK_H */
