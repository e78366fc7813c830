/*
 * main() for a fuzz harness built without libFuzzer: runs the harness on
 * every file named on the command line (files or directories), or by
 * default on its seed corpus and its regression cases in the source tree
 * (tests/fuzz/corpus/NAME, tests/fuzz/regress/NAME; the program is
 * fuzz-NAME).  A crash, a
 * sanitizer report or a hang is the test failing; a clean pass prints how
 * many inputs ran.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static long	 replayed;

static int
replay_file(const char *path)
{
	FILE		*f;
	unsigned char	*data = NULL;
	size_t		 len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((data = realloc(data, cap)) == NULL)
				abort();
		}
		if ((n = fread(data + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	replayed++;
	return 0;
}

/* A directory's files (not recursive: corpora are flat), sorted. */
static int
replay_path(const char *path, int must_exist)
{
	struct stat	  st;
	struct dirent	**names;
	char		 *p;
	int		  n, i, rc = 0;

	if (stat(path, &st) != 0) {
		if (!must_exist && errno == ENOENT)
			return 0;
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			if (asprintf(&p, "%s/%s", path, names[i]->d_name) < 0)
				abort();
			if (replay_file(p) != 0)
				rc = -1;
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* NAME of fuzz-NAME, the program's name. */
static const char *
harness_name(const char *argv0)
{
	const char	*p;

	p = strrchr(argv0, '/');
	p = p != NULL ? p + 1 : argv0;
	if (strncmp(p, "fuzz-", 5) == 0)
		p += 5;
	return p;
}

int
main(int argc, char **argv)
{
	const char	*name = harness_name(argv[0]);
	char		*dir;
	int		 i, rc = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (replay_path(argv[i], 1) != 0)
				rc = 1;
	} else {
		if (asprintf(&dir, "%s/tests/fuzz/corpus/%s", CAIRN_SRCDIR,
		    name) < 0)
			abort();
		if (replay_path(dir, 1) != 0)
			rc = 1;
		free(dir);
		if (asprintf(&dir, "%s/tests/fuzz/regress/%s", CAIRN_SRCDIR,
		    name) < 0)
			abort();
		if (replay_path(dir, 0) != 0)
			rc = 1;
		free(dir);
	}
	printf("%s: %ld inputs replayed\n", name, replayed);
	return rc;
}
