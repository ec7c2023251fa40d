// SPDX-License-Identifier: GPL-2.0
/*
 * Drives /dev/rust_mmap_test (tests/modules/mmap_test): maps each open file's page read-only
 * and reads its line; a writable or two-page mapping is refused, mprotect() to writable too; the
 * page stays readable after its file is closed, while mapped. An ioctl copies 32 bytes from user
 * memory into the page at offset 64 (seen through the mapping); across the page's end it is refused
 * (EINVAL), from an unreadable address too (EFAULT). Prints one line per check.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define DEV "/dev/rust_mmap_test"
/* tests/modules/mmap_test's ioctls. */
#define WRITE_AT _IOW('m', 1, char[32])
#define WRITE_ACROSS_END _IOW('m', 2, char[32])

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
	{
		char line[32] = "written from user space\n";

		printf("ioctl write: %s\n", ioctl(fd, WRITE_AT, line) ? strerror(errno) : "done");
		printf("seen at 64: %.*s", (int)strcspn(map + 64, "\n") + 1, map + 64);
		printf("across the end: %s\n", ioctl(fd, WRITE_ACROSS_END, line) ? strerror(errno) : "done");
		printf("unreadable source: %s\n", ioctl(fd, WRITE_AT, (void *)8) ? strerror(errno) : "done");
	}
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
