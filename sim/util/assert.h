/* bitsim — always-on assertions (style B.5: bugs abort with file and line,
 * in every build, Release included). */
#ifndef BSIM_UTIL_ASSERT_H
#define BSIM_UTIL_ASSERT_H

void bsim__assert_fail(const char *expr, const char *file, int line)
    __attribute__((noreturn));

#define BSIM_ASSERT(expr)                                                      \
  ((expr) ? (void)0 : bsim__assert_fail(#expr, __FILE__, __LINE__))

#endif /* BSIM_UTIL_ASSERT_H */
