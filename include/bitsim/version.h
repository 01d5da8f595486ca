/* bitsim — version. */
#ifndef BSIM_VERSION_H
#define BSIM_VERSION_H

#include "bitsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BSIM_VERSION_MAJOR 0
#define BSIM_VERSION_MINOR 1
#define BSIM_VERSION_PATCH 0

/** "0.1.0". Ownership: static. */
BSIM_EXTERN const char *bsim_version(void);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_VERSION_H */
