// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/rust_misc: reads and writes that block, woken by the other side or interrupted by
 * a signal.
 */
#include "misc_test.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

/* A read or write in a thread, to block in the driver while the main thread acts. */
struct op {
	int fd, is_write;
	char *buf;
	size_t len;
	ssize_t ret;
	int err;
	volatile int done;
};

static void *op_thread(void *arg)
{
	struct op *op = arg;

	errno = 0;
	op->ret = op->is_write ? write(op->fd, op->buf, op->len) : read(op->fd, op->buf, op->len);
	op->err = errno;
	__atomic_store_n(&op->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Starts `op` in a thread, waits 200 ms and checks it is still blocked. */
static int start_blocked(pthread_t *thread, struct op *op)
{
	pthread_create(thread, NULL, op_thread, op);
	sleep_ms(200);
	return !__atomic_load_n(&op->done, __ATOMIC_SEQ_CST);
}

static int wait_done(struct op *op, long ms)
{
	long end = now_ms() + ms;

	while (!__atomic_load_n(&op->done, __ATOMIC_SEQ_CST) && now_ms() < end)
		sleep_ms(10);
	return op->done;
}

void t_blocking_read(void)
{
	char buf[64] = { 0 };
	pthread_t thread;
	int fd = ring_open(0);
	struct op op = { .fd = fd, .buf = buf, .len = sizeof(buf) };

	EXPECT(fd >= 0, "open");
	int blocked = start_blocked(&thread, &op);
	EXPECT(write(fd, "hello", 5) == 5, "write");
	int done = wait_done(&op, 3000);
	if (done)
		pthread_join(thread, NULL);
	EXPECT(blocked, "read of an empty buffer returned %zd at once", op.ret);
	EXPECT(done, "the reader was not woken by the write");
	EXPECT(op.ret == 5 && memcmp(buf, "hello", 5) == 0, "the woken read gave %zd", op.ret);
	close(fd);
}

void t_blocking_write(void)
{
	static char full[RUST_MISC_CAPACITY], buf[200];
	pthread_t thread;
	int fd = ring_open(0);
	struct op op = { .fd = fd, .is_write = 1, .buf = buf, .len = 100 };

	EXPECT(fd >= 0, "open");
	EXPECT(write(fd, full, sizeof(full)) == RUST_MISC_CAPACITY, "fill");
	int blocked = start_blocked(&thread, &op);
	EXPECT(read(fd, buf, sizeof(buf)) == sizeof(buf), "read 200");
	int done = wait_done(&op, 3000);
	if (done)
		pthread_join(thread, NULL);
	EXPECT(blocked, "write to a full buffer returned %zd at once", op.ret);
	EXPECT(done, "the writer was not woken by the read");
	EXPECT(op.ret == 100, "the woken write gave %zd", op.ret);
	EXPECT(ring_len(fd) == RUST_MISC_CAPACITY - 200 + 100, "buffered %ld", ring_len(fd));
	close(fd);
}

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void set_usr1(int flags)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

void t_signal_eintr(void)
{
	char buf[8];
	pthread_t thread;
	int fd = ring_open(0);
	struct op op = { .fd = fd, .buf = buf, .len = sizeof(buf) };

	EXPECT(fd >= 0, "open");
	set_usr1(0);
	usr1_count = 0;
	int blocked = start_blocked(&thread, &op);
	pthread_kill(thread, SIGUSR1);
	int done = wait_done(&op, 3000);
	if (!done) /* unblock it, so that the program can go on */
		EXPECT(write(fd, "x", 1) == 1 && wait_done(&op, 3000), "the signal did not interrupt the read");
	pthread_join(thread, NULL);
	EXPECT(blocked, "read returned %zd at once", op.ret);
	EXPECT(done, "the signal did not interrupt the read");
	EXPECT(op.ret == -1 && op.err == EINTR && usr1_count == 1, "read gave %zd, errno %d, %d signals", op.ret,
	       op.err, (int)usr1_count);
	close(fd);
}

void t_signal_restart(void)
{
	char buf[8] = { 0 };
	pthread_t thread;
	int fd = ring_open(0);
	struct op op = { .fd = fd, .buf = buf, .len = sizeof(buf) };

	EXPECT(fd >= 0, "open");
	set_usr1(SA_RESTART);
	usr1_count = 0;
	int blocked = start_blocked(&thread, &op);
	pthread_kill(thread, SIGUSR1);
	sleep_ms(200);
	int restarted = !op.done && usr1_count == 1;
	EXPECT(write(fd, "z", 1) == 1, "write");
	int done = wait_done(&op, 3000);
	if (done)
		pthread_join(thread, NULL);
	EXPECT(blocked, "read returned %zd at once", op.ret);
	EXPECT(restarted, "after the signal (%d handled): done %d, read %zd errno %d", (int)usr1_count, op.done,
	       op.ret, op.err);
	EXPECT(done && op.ret == 1 && buf[0] == 'z', "the restarted read gave %zd", op.ret);
	close(fd);
}
