// SPDX-License-Identifier: GPL-2.0
/*
 * A 32-bit (i386) program for the 64-bit guest kernel: its ioctls on /dev/rust_misc arrive through
 * compat_ioctl, which the abstraction points at compat_ptr_ioctl() for a driver with only ioctl.
 * Freestanding (no 32-bit libc on the build host): raw `int $0x80` system calls.
 *
 * Prints "ok compat-ioctl" or "FAIL compat-ioctl: <detail>".
 */
#include "rust_misc.h"

#define SYS_exit 1
#define SYS_write 4
#define SYS_open 5
#define SYS_close 6
#define SYS_ioctl 54
#define O_RDWR 2
#define ENOTTY 25

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static unsigned long len(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	sys3(SYS_write, 1, (long)s, (long)len(s));
}

static int check(void)
{
	__u32 value = 0xdeadbeef;
	long fd = sys3(SYS_open, (long)"/dev/rust_misc", O_RDWR, 0);

	if (fd < 0)
		return say("FAIL compat-ioctl: open\n"), 1;
	if (sys3(SYS_ioctl, fd, RUST_MISC_CLEAR, 0) != 0)
		return say("FAIL compat-ioctl: clear\n"), 1;
	if (sys3(SYS_write, fd, (long)"abc", 3) != 3)
		return say("FAIL compat-ioctl: write\n"), 1;
	if (sys3(SYS_ioctl, fd, RUST_MISC_GET_LEN, (long)&value) != 0 || value != 3)
		return say("FAIL compat-ioctl: GET_LEN from a 32-bit process\n"), 1;
	value = RUST_MISC_CAPACITY;
	if (sys3(SYS_ioctl, fd, RUST_MISC_XCHG_LIMIT, (long)&value) != 0 || value != RUST_MISC_CAPACITY)
		return say("FAIL compat-ioctl: XCHG_LIMIT from a 32-bit process\n"), 1;
	if (sys3(SYS_ioctl, fd, _IO(RUST_MISC_IOC_TYPE, 99), 0) != -ENOTTY)
		return say("FAIL compat-ioctl: an unknown command is not ENOTTY\n"), 1;
	if (sys3(SYS_ioctl, fd, RUST_MISC_CLEAR, 0) != 0)
		return say("FAIL compat-ioctl: clear\n"), 1;
	sys3(SYS_close, fd, 0, 0);
	say("ok compat-ioctl\n");
	return 0;
}

void _start(void)
{
	sys3(SYS_exit, check(), 0, 0);
}
