/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of misc_test share: the devices, the helpers of the checks and the checks
 * themselves, one file per group (main.c has the table that runs them).
 */
#ifndef MISC_TEST_H
#define MISC_TEST_H

/* First in every file, so before any system header. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "rust_misc.h"

/* The ioctls of /dev/misc_scratch_ctl. */
#define SCRATCH_ADD _IO('s', 1)
#define SCRATCH_REMOVE _IO('s', 2)
/* Each field read with one access of its size, then written back inverted (pad as it was). */
struct scratch_widths {
	unsigned char a, pad;
	unsigned short b;
	unsigned int c;
	unsigned long long d;
	unsigned int e[4];
};
#define SCRATCH_WIDTHS _IOWR('s', 3, struct scratch_widths)

#define RING "/dev/rust_misc"
#define SCRATCH "/dev/misc_scratch"
#define SCRATCH_CTL "/dev/misc_scratch_ctl"
#define SCRATCH_CURSOR "/dev/misc_scratch_cursor"

/* Addresses no copy may succeed on, hidden from the compiler's buffer-size checks. */
extern void *volatile bad_low, *volatile bad_kernel;

/* Reports the running check as failed: "FAIL <check>: <message>", with the errno left. */
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fails the running check and returns from it unless `cond` holds; reports the errno `cond` left. */
#define EXPECT(cond, ...)                  \
	do {                               \
		errno = 0;                 \
		if (!(cond)) {             \
			fail(__VA_ARGS__); \
			return;            \
		}                          \
	} while (0)

/* Fails unless `call` returned -1 with errno `err`. */
#define EXPECT_ERR(call, err, what)                                                                   \
	do {                                                                                          \
		errno = 0;                                                                            \
		long ret_ = (long)(call);                                                             \
		int errno_ = errno;                                                                   \
		EXPECT(ret_ == -1 && errno_ == (err), "%s: got %ld (errno %d %s), want %s", what, ret_, \
		       errno_, strerror(errno_), #err);                                               \
	} while (0)

/* common.c */
long now_ms(void);
void sleep_ms(long ms);
void fill_pattern(unsigned char *buf, size_t len, unsigned seed);
int ring_open(int flags);
long ring_len(int fd);

/* module_ref.c */
long module_refcnt(const char *module);
void expect_pinned(const char *module, int fd);
void t_rmmod_busy(void);

/* ring_rw.c */
void t_node(void);
void t_rw_zero(void);
void t_rw_one(void);
void t_rw_page(void);
void t_rw_wrap(void);
void t_rw_large(void);
void t_write_atomic(void);
void t_rw_vectored(void);
void t_fdinfo(void);
void t_stream_espipe(void);

/* ring_fault.c */
void t_efault_bad_ptr(void);
void t_efault_kernel_ptr(void);
void t_efault_partial(void);

/* ring_ioctl.c */
void t_ioctl_unknown(void);
void t_ioctl_get_len(void);
void t_ioctl_clear(void);
void t_ioctl_set_limit(void);
void t_ioctl_xchg_limit(void);
void t_ioctl_stats(void);

/* ring_poll.c */
void t_poll_readiness(void);
void t_poll_timeout(void);
void t_poll_wakeup(void);
void t_epoll(void);

/* ring_blocking.c */
void t_blocking_read(void);
void t_blocking_write(void);
void t_signal_eintr(void);
void t_signal_restart(void);

/* ring_concurrent.c */
void t_concurrent(void);

/* scratch.c */
void t_scratch_seek(void);
void t_scratch_null_ops(void);
void t_scratch_remove_while_open(void);
void t_scratch_race(void);
void t_scratch_cursor(void);
void t_scratch_widths(void);

#endif /* MISC_TEST_H */
