/* bitsim — symbol visibility. The library builds with hidden visibility and
 * exports exactly what carries BSIM_EXTERN. */
#ifndef BSIM_EXPORT_H
#define BSIM_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define BSIM_EXTERN __attribute__((visibility("default")))
#define BSIM_NODISCARD __attribute__((warn_unused_result))
#else
#define BSIM_EXTERN
#define BSIM_NODISCARD
#endif

#endif /* BSIM_EXPORT_H */
