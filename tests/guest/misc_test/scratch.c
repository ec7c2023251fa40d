// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/misc_scratch (tests/modules/misc_scratch): llseek, callbacks left NULL, a driver
 * that claims more than it moved, removal of the device while a file is open, open racing
 * removal, values of each width to and from user space.
 */
#include "misc_test.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

void t_scratch_seek(void)
{
	char buf[16] = { 0 };
	int fd = open(SCRATCH, O_RDWR);

	EXPECT(fd >= 0, "open");
	EXPECT(write(fd, "hello", 5) == 5, "write");
	EXPECT(lseek(fd, 0, SEEK_CUR) == 5, "position after writing 5");
	EXPECT(lseek(fd, 0, SEEK_SET) == 0, "SEEK_SET 0");
	EXPECT(read(fd, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0, "read back");
	EXPECT(pread(fd, buf, 3, 1) == 3 && memcmp(buf, "ell", 3) == 0, "pread at 1");
	EXPECT(lseek(fd, 0, SEEK_CUR) == 5, "pread moved the position");
	EXPECT(lseek(fd, 0, SEEK_END) == 256, "SEEK_END");
	EXPECT(read(fd, buf, 4) == 0, "read at the end is EOF");
	EXPECT_ERR(write(fd, "x", 1), ENOSPC, "write at the end");
	EXPECT_ERR(lseek(fd, -1, SEEK_SET), EINVAL, "SEEK_SET -1");
	EXPECT_ERR(lseek(fd, 257, SEEK_SET), EINVAL, "SEEK_SET past the end");
	EXPECT_ERR(lseek(fd, 0, SEEK_DATA), EINVAL, "SEEK_DATA");
	EXPECT(lseek(fd, 0, SEEK_CUR) == 256, "failed seeks moved the position");
	EXPECT(lseek(fd, -6, SEEK_END) == 250, "SEEK_END -6");
	EXPECT(write(fd, "abcdefgh", 8) == 6, "write across the end is cut");
	EXPECT(pread(fd, buf, 16, 250) == 6 && memcmp(buf, "abcdef", 6) == 0, "pread at 250");
	EXPECT(lseek(fd, -250, SEEK_CUR) == 6, "SEEK_CUR back");
	close(fd);
}

void t_scratch_null_ops(void)
{
	struct pollfd p;
	int fd = open(SCRATCH, O_RDWR);

	EXPECT(fd >= 0, "open");
	/* No ioctl or poll in the driver: the table has NULL there and the kernel's defaults apply. */
	EXPECT_ERR(ioctl(fd, _IO('s', 1)), ENOTTY, "ioctl without an ioctl operation");
	p = (struct pollfd){ fd, POLLIN | POLLOUT, 0 };
	long start = now_ms();
	EXPECT(poll(&p, 1, 2000) == 1 && p.revents == (POLLIN | POLLOUT), "poll: revents %#x", p.revents);
	EXPECT(now_ms() - start < 1000, "poll without a poll operation waited");
	close(fd);
}

static void kmsg(const char *message)
{
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, message, strlen(message)) < 0)
			perror("kmsg");
		close(fd);
	}
}

void t_scratch_remove_while_open(void)
{
	char buf[8] = { 0 };
	int ctl = open(SCRATCH_CTL, O_RDWR), fd = open(SCRATCH, O_RDWR);

	EXPECT(ctl >= 0 && fd >= 0, "open");
	EXPECT(pwrite(fd, "keep", 4, 0) == 4, "pwrite");
	kmsg("misc_test: removing generation 1");
	EXPECT(ioctl(ctl, SCRATCH_REMOVE) == 0, "remove");
	EXPECT_ERR(access(SCRATCH, F_OK), ENOENT, "the node after removal");
	EXPECT_ERR(ioctl(ctl, SCRATCH_REMOVE), ENOENT, "second remove");
	/* The file outlives the registration, with its own reference to the memory. */
	EXPECT(pread(fd, buf, 4, 0) == 4 && memcmp(buf, "keep", 4) == 0, "pread after removal");
	EXPECT(pwrite(fd, "more", 4, 4) == 4, "pwrite after removal");
	EXPECT(lseek(fd, 2, SEEK_SET) == 2, "lseek after removal");
	int generation = ioctl(ctl, SCRATCH_ADD);

	EXPECT(generation == 2, "add gave generation %d, want 2", generation);
	int fresh = open(SCRATCH, O_RDWR);

	EXPECT(fresh >= 0, "open the new device");
	EXPECT(pread(fresh, buf, 4, 0) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0, "the new device has old data");
	close(fresh);
	close(ctl);
	/* The file of the removed device still pins the module. */
	kmsg("misc_test: closing the last file of generation 1");
	expect_pinned("misc_scratch", fd);
}

static volatile int race_stop;
static long race_opens, race_failures, race_unexpected;

static void *race_opener(void *arg)
{
	char buf[4];

	(void)arg;
	while (!race_stop) {
		int fd = open(SCRATCH, O_RDWR);

		if (fd < 0) {
			race_failures++;
			/* The node is gone, or the device went between lookup and open. */
			if (errno != ENOENT && errno != ENODEV && errno != ENXIO)
				race_unexpected++;
			continue;
		}
		race_opens++;
		if (pread(fd, buf, sizeof(buf), 0) != sizeof(buf) || pwrite(fd, "race", 4, 0) != 4)
			race_unexpected++;
		close(fd);
	}
	return NULL;
}

/*
 * The driver claims more than it moved (or ignores a fault): the count returned is what really
 * went through the I/O vector, never more than asked for (nor a negative "count").
 */
void t_scratch_cursor(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char buf[32];
	long n;
	int fd = open(SCRATCH_CURSOR, O_RDWR);

	EXPECT(fd >= 0, "open");
	memset(buf, 0, sizeof(buf));
	n = read(fd, buf, 16);
	EXPECT(n == 3 && memcmp(buf, "abc", 3) == 0, "read(16), driver claims 1 MiB more: got %ld, want 3", n);
	n = read(fd, buf, 2);
	EXPECT(n == 2, "read(2), driver claims 1 MiB more: got %ld, want 2", n);
	n = write(fd, "0123456789abcdef", 16);
	EXPECT(n == 2, "write(16), driver claims SIZE_MAX: got %ld, want 2", n);
	n = write(fd, "0", 1);
	EXPECT(n == 1, "write(1), driver claims SIZE_MAX: got %ld, want 1", n);
	/* 3 bytes before a hole: the second copy faults, the driver ignores it. */
	char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(map != MAP_FAILED, "mmap");
	EXPECT(munmap(map + page, page) == 0, "munmap");
	n = read(fd, map + page - 3, 64);
	EXPECT(n == 3 && memcmp(map + page - 3, "abc", 3) == 0, "read(64) with a fault after 3 bytes: got %ld, want 3",
	       n);
	munmap(map, page);
	close(fd);
}

void t_scratch_race(void)
{
	pthread_t opener;
	int ctl = open(SCRATCH_CTL, O_RDWR);

	EXPECT(ctl >= 0, "open ctl");
	pthread_create(&opener, NULL, race_opener, NULL);
	int errors = 0;
	for (int i = 0; i < 200; i++) {
		errors += ioctl(ctl, SCRATCH_REMOVE) != 0;
		errors += ioctl(ctl, SCRATCH_ADD) < 0;
	}
	race_stop = 1;
	pthread_join(opener, NULL);
	close(ctl);
	EXPECT(errors == 0, "%d failed removes or adds", errors);
	EXPECT(race_unexpected == 0, "%ld unexpected failures", race_unexpected);
	EXPECT(race_opens > 0, "no open succeeded (%ld failed)", race_failures);
	printf("race: %ld opens, %ld failed as the device went\n", race_opens, race_failures);
}

void t_scratch_widths(void)
{
	struct scratch_widths w = { 0x81, 0x5a, 0x8182, 0x81828384, 0x8182838485868788ULL, { 1, 2, 3, 0x80000000 } };
	long page = sysconf(_SC_PAGESIZE);
	int ctl = open(SCRATCH_CTL, O_RDWR);
	unsigned char *base = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	EXPECT(ctl >= 0 && base != MAP_FAILED, "open/mmap");
	EXPECT(ioctl(ctl, SCRATCH_WIDTHS, &w) == 0, "widths");
	EXPECT(w.a == 0x7e && w.pad == 0x5a && w.b == 0x7e7d && w.c == 0x7e7d7c7b, "a %#x pad %#x b %#x c %#x", w.a,
	       w.pad, w.b, w.c);
	EXPECT(w.d == 0x7e7d7c7b7a797877ULL, "d %#llx", w.d);
	EXPECT(w.e[0] == ~1u && w.e[1] == ~2u && w.e[2] == ~3u && w.e[3] == 0x7fffffff, "e %#x %#x %#x %#x", w.e[0],
	       w.e[1], w.e[2], w.e[3]);
	EXPECT_ERR(ioctl(ctl, SCRATCH_WIDTHS, bad_low), EFAULT, "widths at address 1");
	EXPECT_ERR(ioctl(ctl, SCRATCH_WIDTHS, bad_kernel), EFAULT, "widths at a kernel address");
	/* The u64 across the end of the mapping: its 8-byte access faults. */
	EXPECT(munmap(base + page, page) == 0, "munmap the second page");
	struct scratch_widths *edge = (void *)(base + page - offsetof(struct scratch_widths, d) - 4);

	memset(edge, 0, page - ((unsigned char *)edge - base));
	EXPECT_ERR(ioctl(ctl, SCRATCH_WIDTHS, edge), EFAULT, "a u64 half outside the mapping");
	EXPECT(edge->a == 0 && edge->c == 0, "fields written before the fault: a %#x c %#x", edge->a, edge->c);
	munmap(base, page);
	close(ctl);
}
