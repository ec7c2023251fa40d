// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the misc device abstraction, from user space in the booted guest.
 *
 *   misc_test ring      /dev/rust_misc (examples/rust_misc): ring buffer, ioctls, poll, blocking,
 *                       signals, bad user pointers, concurrency, module reference counting
 *   misc_test scratch   /dev/misc_scratch (tests/modules/misc_scratch): llseek, callbacks left
 *                       NULL, removal of the device while a file is open, open racing removal
 *
 * Prints one line per check: "ok <name>" or "FAIL <name>: <detail>". A watchdog fails the running
 * check and exits if it hangs. This file runs the checks; the others hold them, one group each.
 */
#include "misc_test.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static const char *volatile current_test;
static volatile long deadline_ms;
static int test_failed, failures;

static void *watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		sleep_ms(50);
		/*
		 * The clock first, then one read of the deadline: a deadline still set after the
		 * clock was read belongs to a check that was running then, so a check that ends (and
		 * clears it) while this thread is preempted is never taken for one that hung.
		 */
		long now = now_ms();
		long deadline = deadline_ms;

		if (deadline && now > deadline) {
			printf("FAIL %s: timed out (blocked?)\n", current_test);
			fflush(stdout);
			_exit(3);
		}
	}
	return NULL;
}

void fail(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	printf("FAIL %s: ", current_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (saved)
		printf(" (errno %d %s)", saved, strerror(saved));
	printf("\n");
	fflush(stdout);
	test_failed = 1;
}

static void run(const char *name, void (*test)(void), int timeout_s)
{
	current_test = name;
	test_failed = 0;
	deadline_ms = now_ms() + timeout_s * 1000L;
	test();
	deadline_ms = 0;
	if (test_failed)
		failures++;
	else
		printf("ok %s\n", name);
	fflush(stdout);
}

/* A check: its name in the output, its function and how long it may take. */
struct check {
	const char *name;
	void (*run)(void);
	int timeout_s;
};

/* What `misc_test ring` runs, in this order; then what `misc_test scratch` runs. */
static const struct check ring_checks[] = {
	{ "node", t_node, 5 },
	{ "rw-zero", t_rw_zero, 5 },
	{ "rw-one", t_rw_one, 5 },
	{ "rw-page", t_rw_page, 5 },
	{ "rw-wrap", t_rw_wrap, 5 },
	{ "rw-large", t_rw_large, 5 },
	{ "write-atomic", t_write_atomic, 5 },
	{ "efault-bad-ptr", t_efault_bad_ptr, 5 },
	{ "efault-kernel-ptr", t_efault_kernel_ptr, 5 },
	{ "efault-partial", t_efault_partial, 5 },
	{ "ioctl-unknown", t_ioctl_unknown, 5 },
	{ "ioctl-get-len", t_ioctl_get_len, 5 },
	{ "ioctl-clear", t_ioctl_clear, 5 },
	{ "ioctl-set-limit", t_ioctl_set_limit, 5 },
	{ "ioctl-xchg-limit", t_ioctl_xchg_limit, 5 },
	{ "ioctl-stats", t_ioctl_stats, 5 },
	{ "rw-vectored", t_rw_vectored, 5 },
	{ "fdinfo", t_fdinfo, 5 },
	{ "stream-espipe", t_stream_espipe, 5 },
	{ "poll-readiness", t_poll_readiness, 5 },
	{ "poll-timeout", t_poll_timeout, 5 },
	{ "poll-wakeup", t_poll_wakeup, 10 },
	{ "epoll", t_epoll, 10 },
	{ "blocking-read", t_blocking_read, 10 },
	{ "blocking-write", t_blocking_write, 10 },
	{ "signal-eintr", t_signal_eintr, 10 },
	{ "signal-restart", t_signal_restart, 10 },
	{ "concurrent", t_concurrent, 120 },
	{ "rmmod-busy-while-open", t_rmmod_busy, 5 },
};

static const struct check scratch_checks[] = {
	{ "scratch-seek", t_scratch_seek, 5 },
	{ "scratch-null-ops", t_scratch_null_ops, 5 },
	{ "scratch-remove-while-open", t_scratch_remove_while_open, 10 },
	{ "scratch-race", t_scratch_race, 120 },
	{ "scratch-cursor", t_scratch_cursor, 5 },
	{ "scratch-widths", t_scratch_widths, 5 },
};

int main(int argc, char **argv)
{
	const struct check *checks;
	size_t count;
	pthread_t wd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_create(&wd, NULL, watchdog, NULL);
	if (argc == 2 && strcmp(argv[1], "ring") == 0) {
		checks = ring_checks;
		count = sizeof(ring_checks) / sizeof(ring_checks[0]);
	} else if (argc == 2 && strcmp(argv[1], "scratch") == 0) {
		checks = scratch_checks;
		count = sizeof(scratch_checks) / sizeof(scratch_checks[0]);
	} else {
		fprintf(stderr, "usage: misc_test ring|scratch\n");
		return 2;
	}
	for (size_t i = 0; i < count; i++)
		run(checks[i].name, checks[i].run, checks[i].timeout_s);
	printf("%d failed\n", failures);
	return failures != 0;
}
