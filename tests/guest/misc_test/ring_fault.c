// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/rust_misc: bad user pointers fail with EFAULT and change nothing.
 */
#include "misc_test.h"

#include <sys/mman.h>
#include <unistd.h>

void t_efault_bad_ptr(void)
{
	char buf[10];
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT_ERR(write(fd, bad_low, 10), EFAULT, "write from address 1");
	EXPECT(ring_len(fd) == 0, "a faulting write stored %ld bytes", ring_len(fd));
	EXPECT(write(fd, "0123456789", 10) == 10, "write");
	EXPECT_ERR(read(fd, bad_low, 10), EFAULT, "read to address 1");
	EXPECT(ring_len(fd) == 10, "a faulting read consumed data: %ld left", ring_len(fd));
	EXPECT(read(fd, buf, 10) == 10 && memcmp(buf, "0123456789", 10) == 0, "data after the faults");
	close(fd);
}

void t_efault_kernel_ptr(void)
{
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT_ERR(write(fd, bad_kernel, 16), EFAULT, "write from a kernel address");
	EXPECT(write(fd, "abc", 3) == 3, "write");
	EXPECT_ERR(read(fd, bad_kernel, 3), EFAULT, "read to a kernel address");
	EXPECT(ring_len(fd) == 3, "buffered %ld, want 3", ring_len(fd));
	close(fd);
}

void t_efault_partial(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char in[200], out[200];
	unsigned char *base = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = ring_open(0);

	EXPECT(base != MAP_FAILED && fd >= 0, "mmap/open");
	EXPECT(munmap(base + page, page) == 0, "munmap the second page");
	/* 100 bytes in the mapped page, 100 in the unmapped one. */
	unsigned char *edge = base + page - 100;

	memset(edge, 'e', 100);
	EXPECT_ERR(write(fd, edge, 200), EFAULT, "write from a half-unmapped buffer");
	EXPECT(ring_len(fd) == 0, "a partially faulting write stored %ld bytes", ring_len(fd));
	fill_pattern(in, sizeof(in), 9);
	EXPECT(write(fd, in, sizeof(in)) == sizeof(in), "write 200");
	EXPECT_ERR(read(fd, edge, 200), EFAULT, "read into a half-unmapped buffer");
	EXPECT(ring_len(fd) == 200, "a partially faulting read consumed data: %ld left", ring_len(fd));
	EXPECT(read(fd, out, sizeof(out)) == sizeof(out) && memcmp(in, out, sizeof(in)) == 0, "data after the faults");
	munmap(base, page);
	close(fd);
}
