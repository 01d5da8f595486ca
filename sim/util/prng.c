/* bitsim — the project's one source of randomness (style B.11, design.md
 * "Seeds").
 *
 * xoshiro256** (Blackman and Vigna) seeded through SplitMix64, exactly as the
 * authors' reference code recommends: the four state words are the first
 * four SplitMix64 outputs for the seed, so no seed (0 included) can give the
 * forbidden all-zero state. bsim__mix64 is the SplitMix64 output function
 * on its own, a stateless mix used to make content from (seed, url, offset);
 * bsim__hash_str folds a string into it with FNV-1a 64. Everything here is
 * pure integer arithmetic, so one seed gives one sequence on every platform.
 * The C library's generator is never used.
 */
#include <stdint.h>

#include "internal.h"

/* The golden-ratio increment of SplitMix64. */
#define SPLITMIX_GAMMA UINT64_C(0x9e3779b97f4a7c15)

#define FNV64_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV64_PRIME UINT64_C(0x00000100000001b3)

static uint64_t rotl64(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

/* SplitMix64's output function (Stafford's "mix 13") applied after the
 * increment: mix64(x) is the first SplitMix64 output for seed x. */
uint64_t bsim__mix64(uint64_t x) {
  uint64_t z = x + SPLITMIX_GAMMA;
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void bsim__prng_seed(struct bsim__prng *prng, uint64_t seed) {
  BSIM_ASSERT(prng != NULL);
  /* SplitMix64: the state advances by the gamma, each output is the mix of
   * the advanced state, which is bsim__mix64 of the previous one. */
  uint64_t sm = seed;
  for (int i = 0; i < 4; i++) {
    prng->s[i] = bsim__mix64(sm);
    sm += SPLITMIX_GAMMA;
  }
}

uint64_t bsim__prng_next(struct bsim__prng *prng) {
  uint64_t *s = prng->s;
  uint64_t result = rotl64(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl64(s[3], 45);
  return result;
}

/* Rejection sampling keeps the result exactly uniform: values below
 * 2^64 mod bound would make the low residues more likely, so they are
 * drawn again (at most half the draws, and only for huge bounds). */
uint64_t bsim__prng_below(struct bsim__prng *prng, uint64_t bound) {
  if (bound == 0) return 0;
  uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    uint64_t r = bsim__prng_next(prng);
    if (r >= threshold) return r % bound;
  }
}

/* FNV-1a 64 over the bytes, then mixed with the seed so that equal strings
 * under different seeds are unrelated. */
uint64_t bsim__hash_str(uint64_t seed, const char *s) {
  uint64_t h = FNV64_OFFSET;
  if (s != NULL) {
    for (const unsigned char *p = (const unsigned char *)s; *p != 0; p++) {
      h ^= *p;
      h *= FNV64_PRIME;
    }
  }
  return bsim__mix64(h ^ bsim__mix64(seed));
}
