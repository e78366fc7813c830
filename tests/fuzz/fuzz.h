/*
 * One fuzz harness per parser: each fuzz-NAME.c defines the libFuzzer
 * entry point below.  Built with --enable-fuzzing (clang) it links
 * libFuzzer; otherwise replay.c gives it a main that runs every file of
 * the harness's seed corpus and regression cases, so the normal and the
 * ASan builds replay them in `make check`.
 */
#ifndef CAIRN_FUZZ_H
#define CAIRN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The input as a NUL-terminated string (malloc'd; NULs inside stay). */
char	*fuzz_string(const uint8_t *, size_t);
/*
 * Cuts s in place at its first n-1 '\001' bytes into n fields (missing
 * ones are ""): how a harness takes several inputs from one.
 */
void	 fuzz_fields(char *s, char **fields, int n);

#endif
