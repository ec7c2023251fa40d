// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/rust_misc: the ioctls of include/uapi/rust_misc.h, and commands the device does not
 * know.
 */
#include "misc_test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

void t_ioctl_unknown(void)
{
	uint64_t arg = 0;
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT_ERR(ioctl(fd, _IO(RUST_MISC_IOC_TYPE, 99)), ENOTTY, "unknown number");
	EXPECT_ERR(ioctl(fd, _IOR('x', 1, uint32_t), &arg), ENOTTY, "other type");
	EXPECT_ERR(ioctl(fd, _IOR(RUST_MISC_IOC_TYPE, 1, uint64_t), &arg), ENOTTY, "known number, other size");
	EXPECT_ERR(ioctl(fd, _IOW(RUST_MISC_IOC_TYPE, 1, uint32_t), &arg), ENOTTY, "known number, other direction");
	close(fd);
}

void t_ioctl_get_len(void)
{
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT(ring_len(fd) == 0, "empty: %ld", ring_len(fd));
	EXPECT(write(fd, "hello", 5) == 5, "write");
	EXPECT(ring_len(fd) == 5, "after 5 bytes: %ld", ring_len(fd));
	EXPECT_ERR(ioctl(fd, RUST_MISC_GET_LEN, bad_low), EFAULT, "result to address 1");
	close(fd);
}

void t_ioctl_clear(void)
{
	char buf[4];
	int fd = ring_open(O_NONBLOCK);

	EXPECT(fd >= 0, "open");
	EXPECT(write(fd, "0123456789", 10) == 10, "write");
	EXPECT(ioctl(fd, RUST_MISC_CLEAR) == 0, "clear");
	EXPECT(ring_len(fd) == 0, "buffered %ld after clear", ring_len(fd));
	EXPECT_ERR(read(fd, buf, sizeof(buf)), EAGAIN, "read after clear");
	close(fd);
}

void t_ioctl_set_limit(void)
{
	static unsigned char buf[20];
	uint32_t limit = 10;
	int fd = ring_open(O_NONBLOCK);

	EXPECT(fd >= 0, "open");
	EXPECT(ioctl(fd, RUST_MISC_SET_LIMIT, &limit) == 0, "set limit 10");
	EXPECT(write(fd, buf, 20) == 10, "a 20-byte write under limit 10");
	EXPECT_ERR(write(fd, buf, 1), EAGAIN, "write at the limit");
	limit = 0;
	EXPECT_ERR(ioctl(fd, RUST_MISC_SET_LIMIT, &limit), EINVAL, "limit 0");
	limit = RUST_MISC_CAPACITY + 1;
	EXPECT_ERR(ioctl(fd, RUST_MISC_SET_LIMIT, &limit), EINVAL, "limit 4097");
	EXPECT_ERR(ioctl(fd, RUST_MISC_SET_LIMIT, bad_low), EFAULT, "limit from address 1");
	limit = 11;
	EXPECT(ioctl(fd, RUST_MISC_SET_LIMIT, &limit) == 0, "set limit 11");
	EXPECT(write(fd, buf, 1) == 1, "write after raising the limit");
	close(fd);
}

void t_ioctl_xchg_limit(void)
{
	uint32_t value = 100;
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT(ioctl(fd, RUST_MISC_XCHG_LIMIT, &value) == 0 && value == RUST_MISC_CAPACITY, "first exchange gave %u",
	       value);
	value = RUST_MISC_CAPACITY;
	EXPECT(ioctl(fd, RUST_MISC_XCHG_LIMIT, &value) == 0 && value == 100, "second exchange gave %u", value);
	EXPECT_ERR(ioctl(fd, RUST_MISC_XCHG_LIMIT, bad_low), EFAULT, "exchange at address 1");
	close(fd);
}

void t_ioctl_stats(void)
{
	struct rust_misc_stats a = { 7, 7 }, b = { 7, 7 };
	char buf[4];
	int fd1 = ring_open(0), fd2 = open(RING, O_RDWR);

	EXPECT(fd1 >= 0 && fd2 >= 0, "open");
	EXPECT(write(fd1, "0123456789", 10) == 10, "write");
	EXPECT(read(fd2, buf, 4) == 4, "read");
	EXPECT(ioctl(fd1, RUST_MISC_GET_STATS, &a) == 0 && ioctl(fd2, RUST_MISC_GET_STATS, &b) == 0, "stats");
	EXPECT(a.read == 0 && a.written == 10, "writer's file: read %llu written %llu", (unsigned long long)a.read,
	       (unsigned long long)a.written);
	EXPECT(b.read == 4 && b.written == 0, "reader's file: read %llu written %llu", (unsigned long long)b.read,
	       (unsigned long long)b.written);
	close(fd1);
	close(fd2);
}
