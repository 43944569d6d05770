/* Replays fuzz inputs without libFuzzer, so that a gcc-only CI (and the
 * sanitizer build) runs every corpus file and every crash ever found through
 * the real parser.  Arguments are files or directories (not recursive).
 * Each input gets a buffer of exactly its size, so an over-read shows up
 * under ASan or valgrind.  Exits 1 when an argument cannot be read or no
 * input was found: an empty replay is not a pass. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;
	int r = -1;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(size ? (size_t)size : 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size)
		goto out;
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	r = 0;
out:
	if (r)
		fprintf(stderr, "replay: cannot read '%s'\n", path);
	free(buf);
	fclose(f);
	return r;
}

static int replay_skip(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Sorted, so that a run is reproducible. */
static int replay_dir(const char *dir, int *count)
{
	struct dirent **names;
	char path[4096];
	int n, i, r = 0;

	n = scandir(dir, &names, replay_skip, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: cannot list '%s': %s\n", dir,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode)) {
			if (replay_file(path))
				r = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return r;
}

int main(int argc, char **argv)
{
	int i, count = 0, bad = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: cannot stat '%s': %s\n", argv[i],
				strerror(errno));
			bad++;
		} else if (S_ISDIR(st.st_mode)) {
			bad += replay_dir(argv[i], &count) != 0;
		} else if (replay_file(argv[i])) {
			bad++;
		} else {
			count++;
		}
	}
	printf("%d inputs replayed\n", count);
	if (count == 0)
		fprintf(stderr, "replay: no inputs\n");
	return bad || count == 0;
}
