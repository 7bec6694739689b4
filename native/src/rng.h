// Philox4x32-10 words (rng.cc), shared by random draws and dropout.
#pragma once
#include <cstddef>
#include <cstdint>

namespace zoo {
/** The 4 words of counter block q for `seed` (engine/rng.ts philox4x32). */
void philox_block(uint64_t seed, uint64_t q, uint32_t out[4]);
/** Words offset .. offset + n - 1 of the stream for `seed` (engine/rng.ts philoxWords), threaded. */
void philox_words(uint64_t seed, uint64_t offset, uint32_t* out, size_t n);
}  // namespace zoo
