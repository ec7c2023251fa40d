// SPDX-License-Identifier: GPL-2.0
/*
 * Drives /dev/rust_mmap_test (tests/modules/mmap_test): maps each open file's page read-only
 * and reads its line; a writable or two-page mapping is refused, mprotect() to writable too; the
 * page stays readable after its file is closed, while mapped. Prints one line per check.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define DEV "/dev/rust_mmap_test"

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = open(DEV, O_RDWR);
	char *map;

	if (fd < 0) {
		perror(DEV);
		return 1;
	}
	map = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	printf("mapped: %.*s", (int)strcspn(map, "\n") + 1, map);
	printf("rest zero: %s\n", map[page - 1] == 0 ? "yes" : "no");
	printf("writable mapping: %s\n",
	       mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ? strerror(errno) : "mapped");
	printf("two pages: %s\n",
	       mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ? strerror(errno) : "mapped");
	printf("mprotect writable: %s\n", mprotect(map, page, PROT_READ | PROT_WRITE) ? strerror(errno) : "allowed");
	close(fd);
	printf("after close: %.*s", (int)strcspn(map, "\n") + 1, map);
	munmap(map, page);
	fd = open(DEV, O_RDONLY);
	map = fd < 0 ? MAP_FAILED : mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		perror("second mmap");
		return 1;
	}
	printf("second file: %.*s", (int)strcspn(map, "\n") + 1, map);
	munmap(map, page);
	close(fd);
	return 0;
}
