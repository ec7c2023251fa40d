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
 * check and exits if it hangs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

/* The ioctls of examples/rust_misc, as its documentation defines them. */
#define RUST_MISC_GET_LEN _IOR('r', 1, uint32_t)
#define RUST_MISC_CLEAR _IO('r', 2)
#define RUST_MISC_SET_LIMIT _IOW('r', 3, uint32_t)
#define RUST_MISC_XCHG_LIMIT _IOWR('r', 4, uint32_t)
#define RUST_MISC_GET_STATS _IOR('r', 5, uint64_t[2])
/* The ioctls of /dev/misc_scratch_ctl. */
#define SCRATCH_ADD _IO('s', 1)
#define SCRATCH_REMOVE _IO('s', 2)

#define RING "/dev/rust_misc"
#define SCRATCH "/dev/misc_scratch"
#define SCRATCH_CTL "/dev/misc_scratch_ctl"
#define SCRATCH_CURSOR "/dev/misc_scratch_cursor"
#define CAPACITY 4096

/* Addresses no copy may succeed on, hidden from the compiler's buffer-size checks. */
static void *volatile bad_low = (void *)1;
static void *volatile bad_kernel = (void *)0xffffffff81000000UL;

static const char *volatile current_test;
static volatile long deadline_ms;
static int test_failed, failures;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void *watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		sleep_ms(50);
		if (deadline_ms && now_ms() > deadline_ms) {
			printf("FAIL %s: timed out (blocked?)\n", current_test);
			fflush(stdout);
			_exit(3);
		}
	}
	return NULL;
}

static void fail(const char *fmt, ...)
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

static void fill_pattern(unsigned char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7 + seed);
}

/* ---- /dev/rust_misc ---- */

/* Opens the ring with `flags`, emptied and with the full limit. */
static int ring_open(int flags)
{
	uint32_t limit = CAPACITY;
	int fd = open(RING, O_RDWR | flags);

	if (fd >= 0 && (ioctl(fd, RUST_MISC_CLEAR) || ioctl(fd, RUST_MISC_SET_LIMIT, &limit))) {
		close(fd);
		return -1;
	}
	return fd;
}

static long ring_len(int fd)
{
	uint32_t len = 0xdeadbeef;

	return ioctl(fd, RUST_MISC_GET_LEN, &len) ? -1 : (long)len;
}

static void t_node(void)
{
	struct stat st;

	EXPECT(stat(RING, &st) == 0, "stat " RING);
	EXPECT(S_ISCHR(st.st_mode), "not a character device: mode %o", st.st_mode);
	EXPECT(major(st.st_rdev) == 10, "major %u, want 10 (misc)", major(st.st_rdev));
	EXPECT((st.st_mode & 0777) == 0666, "mode %o, want 0666", st.st_mode & 0777);
}

static void t_rw_zero(void)
{
	char buf[4];
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	/* Blocking file, empty buffer: a zero-length read must not wait. */
	EXPECT(read(fd, buf, 0) == 0, "read of 0 bytes");
	EXPECT(write(fd, buf, 0) == 0, "write of 0 bytes");
	EXPECT(ring_len(fd) == 0, "buffered %ld after zero-length calls", ring_len(fd));
	close(fd);
}

static void t_rw_one(void)
{
	char buf[16] = { 0 };
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT(write(fd, "x", 1) == 1, "write 1");
	EXPECT(ring_len(fd) == 1, "buffered %ld, want 1", ring_len(fd));
	EXPECT(read(fd, buf, sizeof(buf)) == 1, "read");
	EXPECT(buf[0] == 'x', "read back %#x", buf[0]);
	EXPECT(ring_len(fd) == 0, "buffered %ld after the read", ring_len(fd));
	close(fd);
}

static void t_rw_page(void)
{
	static unsigned char in[CAPACITY], out[CAPACITY];
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	fill_pattern(in, sizeof(in), 3);
	EXPECT(write(fd, in, sizeof(in)) == CAPACITY, "write 4096");
	EXPECT(ring_len(fd) == CAPACITY, "buffered %ld", ring_len(fd));
	EXPECT(read(fd, out, sizeof(out)) == CAPACITY, "read 4096");
	EXPECT(memcmp(in, out, sizeof(in)) == 0, "data differs");
	close(fd);
}

static void t_rw_wrap(void)
{
	static unsigned char in[CAPACITY], out[CAPACITY];
	char skip[1000];
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	/* Move the start of the data to the middle, so that a full buffer wraps around. */
	EXPECT(write(fd, skip, sizeof(skip)) == sizeof(skip), "write 1000");
	EXPECT(read(fd, skip, sizeof(skip)) == sizeof(skip), "read 1000");
	fill_pattern(in, sizeof(in), 11);
	EXPECT(write(fd, in, sizeof(in)) == CAPACITY, "write 4096 across the end");
	EXPECT(read(fd, out, 3000) == 3000, "read 3000");
	EXPECT(read(fd, out + 3000, sizeof(out) - 3000) == CAPACITY - 3000, "read the rest");
	EXPECT(memcmp(in, out, sizeof(in)) == 0, "data differs");
	close(fd);
}

static void t_rw_large(void)
{
	static unsigned char in[10000], out[10000];
	int fd = ring_open(O_NONBLOCK);
	int blocking = open(RING, O_RDWR);

	EXPECT(fd >= 0 && blocking >= 0, "open");
	fill_pattern(in, sizeof(in), 5);
	EXPECT(write(fd, in, sizeof(in)) == CAPACITY, "a 10000-byte write stores 4096");
	EXPECT_ERR(write(fd, in, 1), EAGAIN, "write to a full buffer");
	EXPECT(read(fd, out, sizeof(out)) == CAPACITY, "a 10000-byte read returns 4096");
	EXPECT(memcmp(in, out, CAPACITY) == 0, "data differs");
	EXPECT_ERR(read(fd, out, sizeof(out)), EAGAIN, "read from an empty buffer");
	/* Blocking: a write longer than the buffer stores what fits and returns the short count. */
	EXPECT(write(blocking, in, sizeof(in)) == CAPACITY, "blocking 10000-byte write");
	EXPECT(read(blocking, out, sizeof(out)) == CAPACITY, "blocking 10000-byte read");
	EXPECT(memcmp(in, out, CAPACITY) == 0, "data differs (blocking)");
	close(fd);
	close(blocking);
}

static void t_write_atomic(void)
{
	static unsigned char buf[4000];
	int fd = ring_open(O_NONBLOCK);

	EXPECT(fd >= 0, "open");
	EXPECT(write(fd, buf, 4000) == 4000, "write 4000");
	EXPECT_ERR(write(fd, buf, 100), EAGAIN, "100 bytes into 96 free");
	EXPECT(ring_len(fd) == 4000, "a refused write stored something: %ld", ring_len(fd));
	EXPECT(write(fd, buf, 96) == 96, "96 bytes into 96 free");
	close(fd);
}

static void t_efault_bad_ptr(void)
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

static void t_efault_kernel_ptr(void)
{
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT_ERR(write(fd, bad_kernel, 16), EFAULT, "write from a kernel address");
	EXPECT(write(fd, "abc", 3) == 3, "write");
	EXPECT_ERR(read(fd, bad_kernel, 3), EFAULT, "read to a kernel address");
	EXPECT(ring_len(fd) == 3, "buffered %ld, want 3", ring_len(fd));
	close(fd);
}

static void t_efault_partial(void)
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

static void t_ioctl_unknown(void)
{
	uint64_t arg = 0;
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT_ERR(ioctl(fd, _IO('r', 99)), ENOTTY, "unknown number");
	EXPECT_ERR(ioctl(fd, _IOR('x', 1, uint32_t), &arg), ENOTTY, "other type");
	EXPECT_ERR(ioctl(fd, _IOR('r', 1, uint64_t), &arg), ENOTTY, "known number, other size");
	EXPECT_ERR(ioctl(fd, _IOW('r', 1, uint32_t), &arg), ENOTTY, "known number, other direction");
	close(fd);
}

static void t_ioctl_get_len(void)
{
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT(ring_len(fd) == 0, "empty: %ld", ring_len(fd));
	EXPECT(write(fd, "hello", 5) == 5, "write");
	EXPECT(ring_len(fd) == 5, "after 5 bytes: %ld", ring_len(fd));
	EXPECT_ERR(ioctl(fd, RUST_MISC_GET_LEN, bad_low), EFAULT, "result to address 1");
	close(fd);
}

static void t_ioctl_clear(void)
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

static void t_ioctl_set_limit(void)
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
	limit = CAPACITY + 1;
	EXPECT_ERR(ioctl(fd, RUST_MISC_SET_LIMIT, &limit), EINVAL, "limit 4097");
	EXPECT_ERR(ioctl(fd, RUST_MISC_SET_LIMIT, bad_low), EFAULT, "limit from address 1");
	limit = 11;
	EXPECT(ioctl(fd, RUST_MISC_SET_LIMIT, &limit) == 0, "set limit 11");
	EXPECT(write(fd, buf, 1) == 1, "write after raising the limit");
	close(fd);
}

static void t_ioctl_xchg_limit(void)
{
	uint32_t value = 100;
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT(ioctl(fd, RUST_MISC_XCHG_LIMIT, &value) == 0 && value == CAPACITY, "first exchange gave %u", value);
	value = CAPACITY;
	EXPECT(ioctl(fd, RUST_MISC_XCHG_LIMIT, &value) == 0 && value == 100, "second exchange gave %u", value);
	EXPECT_ERR(ioctl(fd, RUST_MISC_XCHG_LIMIT, bad_low), EFAULT, "exchange at address 1");
	close(fd);
}

static void t_ioctl_stats(void)
{
	uint64_t a[2] = { 7, 7 }, b[2] = { 7, 7 };
	char buf[4];
	int fd1 = ring_open(0), fd2 = open(RING, O_RDWR);

	EXPECT(fd1 >= 0 && fd2 >= 0, "open");
	EXPECT(write(fd1, "0123456789", 10) == 10, "write");
	EXPECT(read(fd2, buf, 4) == 4, "read");
	EXPECT(ioctl(fd1, RUST_MISC_GET_STATS, a) == 0 && ioctl(fd2, RUST_MISC_GET_STATS, b) == 0, "stats");
	EXPECT(a[0] == 0 && a[1] == 10, "writer's file: read %llu written %llu", (unsigned long long)a[0],
	       (unsigned long long)a[1]);
	EXPECT(b[0] == 4 && b[1] == 0, "reader's file: read %llu written %llu", (unsigned long long)b[0],
	       (unsigned long long)b[1]);
	close(fd1);
	close(fd2);
}

/* readv()/writev() go through the same read_iter/write_iter as read()/write(). */
static void t_rw_vectored(void)
{
	char a[2], b[4];
	struct iovec out[2] = { { "abc", 3 }, { "def", 3 } };
	struct iovec in[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT(writev(fd, out, 2) == 6, "writev of 3 + 3 bytes");
	EXPECT(readv(fd, in, 2) == 6 && memcmp(a, "ab", 2) == 0 && memcmp(b, "cdef", 4) == 0, "readv of 2 + 4 bytes");
	close(fd);
}

/* show_fdinfo: the file's counters appear in /proc/self/fdinfo/<fd>. */
static void t_fdinfo(void)
{
	char path[64], text[512], buf[3];
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT(write(fd, "hello", 5) == 5 && read(fd, buf, 3) == 3, "write 5, read 3");
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	int info = open(path, O_RDONLY);
	EXPECT(info >= 0, "open %s", path);
	ssize_t n = read(info, text, sizeof(text) - 1);
	EXPECT(n > 0, "read %s", path);
	text[n > 0 ? n : 0] = 0;
	EXPECT(strstr(text, "rust_misc_read:\t3\n") && strstr(text, "rust_misc_written:\t5\n"), "fdinfo:\n%s", text);
	close(info);
	close(fd);
}

static void t_stream_espipe(void)
{
	char buf[4];
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	EXPECT(write(fd, "abcd", 4) == 4, "write");
	EXPECT_ERR(lseek(fd, 0, SEEK_SET), ESPIPE, "lseek");
	EXPECT_ERR(pread(fd, buf, 4, 0), ESPIPE, "pread");
	EXPECT_ERR(pwrite(fd, buf, 4, 0), ESPIPE, "pwrite");
	close(fd);
}

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

static void *write_later(void *arg)
{
	sleep_ms(200);
	if (write(*(int *)arg, "w", 1) != 1)
		perror("write_later");
	return NULL;
}

static void t_poll_readiness(void)
{
	uint32_t limit = 10;
	struct pollfd p;
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	p = (struct pollfd){ fd, POLLIN | POLLOUT, 0 };
	EXPECT(poll(&p, 1, 0) == 1 && p.revents == (POLLOUT), "empty: revents %#x, want POLLOUT", p.revents);
	EXPECT(write(fd, "x", 1) == 1, "write");
	p = (struct pollfd){ fd, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM, 0 };
	EXPECT(poll(&p, 1, 0) == 1 && p.revents == (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM),
	       "one byte: revents %#x", p.revents);
	EXPECT(ioctl(fd, RUST_MISC_SET_LIMIT, &limit) == 0, "set limit 10");
	EXPECT(write(fd, "123456789", 9) == 9, "fill");
	p = (struct pollfd){ fd, POLLIN | POLLOUT, 0 };
	EXPECT(poll(&p, 1, 0) == 1 && p.revents == POLLIN, "full: revents %#x, want POLLIN", p.revents);
	close(fd);
}

static void t_poll_timeout(void)
{
	uint32_t limit = 1;
	struct pollfd p;
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	p = (struct pollfd){ fd, POLLIN, 0 };
	long start = now_ms();
	EXPECT(poll(&p, 1, 300) == 0, "POLLIN on an empty buffer: revents %#x", p.revents);
	EXPECT(now_ms() - start >= 250, "returned after %ld ms, before the timeout", now_ms() - start);
	EXPECT(ioctl(fd, RUST_MISC_SET_LIMIT, &limit) == 0 && write(fd, "x", 1) == 1, "fill");
	p = (struct pollfd){ fd, POLLOUT, 0 };
	EXPECT(poll(&p, 1, 200) == 0, "POLLOUT on a full buffer: revents %#x", p.revents);
	close(fd);
}

static void t_poll_wakeup(void)
{
	pthread_t writer;
	struct pollfd p;
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	p = (struct pollfd){ fd, POLLIN, 0 };
	long start = now_ms();
	pthread_create(&writer, NULL, write_later, &fd);
	int ret = poll(&p, 1, 5000);
	long elapsed = now_ms() - start;
	pthread_join(writer, NULL);
	EXPECT(ret == 1 && (p.revents & POLLIN), "poll gave %d, revents %#x", ret, p.revents);
	EXPECT(elapsed >= 150 && elapsed < 4000, "woken after %ld ms", elapsed);
	close(fd);
}

static void t_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, got;
	pthread_t writer;
	int fd = ring_open(0), ep = epoll_create1(0);

	EXPECT(fd >= 0 && ep >= 0, "open/epoll_create1");
	EXPECT(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "EPOLL_CTL_ADD");
	EXPECT(epoll_wait(ep, &got, 1, 100) == 0, "empty buffer reported ready");
	pthread_create(&writer, NULL, write_later, &fd);
	int ret = epoll_wait(ep, &got, 1, 5000);
	pthread_join(writer, NULL);
	EXPECT(ret == 1 && (got.events & EPOLLIN), "epoll_wait gave %d, events %#x", ret, got.events);
	/* Closed while in the epoll set: the kernel drops the wait queue entry before release. */
	close(fd);
	EXPECT(epoll_wait(ep, &got, 1, 0) == 0, "a closed file is still reported");
	close(ep);
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

static void t_blocking_read(void)
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

static void t_blocking_write(void)
{
	static char full[CAPACITY], buf[200];
	pthread_t thread;
	int fd = ring_open(0);
	struct op op = { .fd = fd, .is_write = 1, .buf = buf, .len = 100 };

	EXPECT(fd >= 0, "open");
	EXPECT(write(fd, full, sizeof(full)) == CAPACITY, "fill");
	int blocked = start_blocked(&thread, &op);
	EXPECT(read(fd, buf, sizeof(buf)) == sizeof(buf), "read 200");
	int done = wait_done(&op, 3000);
	if (done)
		pthread_join(thread, NULL);
	EXPECT(blocked, "write to a full buffer returned %zd at once", op.ret);
	EXPECT(done, "the writer was not woken by the read");
	EXPECT(op.ret == 100, "the woken write gave %zd", op.ret);
	EXPECT(ring_len(fd) == CAPACITY - 200 + 100, "buffered %ld", ring_len(fd));
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

static void t_signal_eintr(void)
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

static void t_signal_restart(void)
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

/* Concurrency: writers write numbered 16-byte records, readers check and count them. */
#define WRITERS 2
#define READERS 2
#define RECORDS 3000
#define MAGIC 0x52555354u
#define STOP 0xffff

struct record {
	uint32_t magic;
	uint16_t writer, pad;
	uint32_t seq, check;
};

static unsigned seen[WRITERS][RECORDS];
static int ring_fd;
static volatile int bad_records;

static uint32_t record_check(unsigned writer, unsigned seq)
{
	return (writer + 1) * 2654435761u ^ seq * 40503u;
}

static void *record_writer(void *arg)
{
	unsigned w = (unsigned)(uintptr_t)arg;
	struct record batch[4];

	for (unsigned seq = 0; seq < RECORDS;) {
		unsigned n = seq % 4 + 1;

		if (n > RECORDS - seq)
			n = RECORDS - seq;
		for (unsigned i = 0; i < n; i++)
			batch[i] = (struct record){ MAGIC, w, 0, seq + i, record_check(w, seq + i) };
		/* A write of up to the limit is atomic: whole records, never interleaved. */
		if (write(ring_fd, batch, n * sizeof(batch[0])) != (ssize_t)(n * sizeof(batch[0]))) {
			perror("record_writer");
			__atomic_add_fetch(&bad_records, 1, __ATOMIC_SEQ_CST);
			return NULL;
		}
		seq += n;
	}
	return NULL;
}

static void *record_reader(void *arg)
{
	long last[WRITERS] = { -1, -1 };
	struct record r;

	(void)arg;
	for (;;) {
		if (read(ring_fd, &r, sizeof(r)) != sizeof(r)) {
			perror("record_reader");
			break;
		}
		if (r.magic == MAGIC && r.writer == STOP)
			break;
		/* The buffer is FIFO: one reader sees each writer's records in increasing order. */
		if (r.magic != MAGIC || r.writer >= WRITERS || r.seq >= RECORDS ||
		    r.check != record_check(r.writer, r.seq) || (long)r.seq <= last[r.writer]) {
			__atomic_add_fetch(&bad_records, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		last[r.writer] = r.seq;
		__atomic_add_fetch(&seen[r.writer][r.seq], 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void t_concurrent(void)
{
	pthread_t writers[WRITERS], readers[READERS];
	struct record stop = { MAGIC, STOP, 0, 0, 0 };

	ring_fd = ring_open(0);
	EXPECT(ring_fd >= 0, "open");
	for (uintptr_t i = 0; i < READERS; i++)
		pthread_create(&readers[i], NULL, record_reader, NULL);
	for (uintptr_t i = 0; i < WRITERS; i++)
		pthread_create(&writers[i], NULL, record_writer, (void *)i);
	for (int i = 0; i < WRITERS; i++)
		pthread_join(writers[i], NULL);
	/* One stop record per reader, after all the data: each reader takes exactly one. */
	for (int i = 0; i < READERS; i++)
		EXPECT(write(ring_fd, &stop, sizeof(stop)) == sizeof(stop), "stop record");
	for (int i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	EXPECT(bad_records == 0, "%d bad or out-of-order records", bad_records);
	for (int w = 0; w < WRITERS; w++)
		for (int s = 0; s < RECORDS; s++)
			EXPECT(seen[w][s] == 1, "record %d of writer %d seen %u times", s, w, seen[w][s]);
	EXPECT(ring_len(ring_fd) == 0, "%ld bytes left over", ring_len(ring_fd));
	close(ring_fd);
}

static long module_refcnt(const char *module)
{
	char path[128], buf[32] = { 0 };
	int fd;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", module);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) <= 0)
		buf[0] = 0;
	close(fd);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

/* Unloading must fail while `fd` (a file of the module's device) is open, and work after. */
static void expect_pinned(const char *module, int fd)
{
	EXPECT(module_refcnt(module) == 1, "refcnt %ld with one file open", module_refcnt(module));
	/* What rmmod does; the kernel refuses a module in use with EWOULDBLOCK (== EAGAIN). */
	EXPECT_ERR(syscall(SYS_delete_module, module, O_NONBLOCK), EWOULDBLOCK, "delete_module while a file is open");
	EXPECT(module_refcnt(module) == 1, "refcnt %ld after the refused unload", module_refcnt(module));
	close(fd);
	EXPECT(module_refcnt(module) == 0, "refcnt %ld after close", module_refcnt(module));
}

static void t_rmmod_busy(void)
{
	EXPECT(module_refcnt("rust_misc") == 0, "refcnt %ld with no file open", module_refcnt("rust_misc"));
	int fd = open(RING, O_RDWR);

	EXPECT(fd >= 0, "open");
	expect_pinned("rust_misc", fd);
}

/* ---- /dev/misc_scratch ---- */

static void t_scratch_seek(void)
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

static void t_scratch_null_ops(void)
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

static void t_scratch_remove_while_open(void)
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
static void t_scratch_cursor(void)
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

static void t_scratch_race(void)
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

int main(int argc, char **argv)
{
	pthread_t wd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_create(&wd, NULL, watchdog, NULL);
	if (argc == 2 && strcmp(argv[1], "ring") == 0) {
		run("node", t_node, 5);
		run("rw-zero", t_rw_zero, 5);
		run("rw-one", t_rw_one, 5);
		run("rw-page", t_rw_page, 5);
		run("rw-wrap", t_rw_wrap, 5);
		run("rw-large", t_rw_large, 5);
		run("write-atomic", t_write_atomic, 5);
		run("efault-bad-ptr", t_efault_bad_ptr, 5);
		run("efault-kernel-ptr", t_efault_kernel_ptr, 5);
		run("efault-partial", t_efault_partial, 5);
		run("ioctl-unknown", t_ioctl_unknown, 5);
		run("ioctl-get-len", t_ioctl_get_len, 5);
		run("ioctl-clear", t_ioctl_clear, 5);
		run("ioctl-set-limit", t_ioctl_set_limit, 5);
		run("ioctl-xchg-limit", t_ioctl_xchg_limit, 5);
		run("ioctl-stats", t_ioctl_stats, 5);
		run("rw-vectored", t_rw_vectored, 5);
		run("fdinfo", t_fdinfo, 5);
		run("stream-espipe", t_stream_espipe, 5);
		run("poll-readiness", t_poll_readiness, 5);
		run("poll-timeout", t_poll_timeout, 5);
		run("poll-wakeup", t_poll_wakeup, 10);
		run("epoll", t_epoll, 10);
		run("blocking-read", t_blocking_read, 10);
		run("blocking-write", t_blocking_write, 10);
		run("signal-eintr", t_signal_eintr, 10);
		run("signal-restart", t_signal_restart, 10);
		run("concurrent", t_concurrent, 120);
		run("rmmod-busy-while-open", t_rmmod_busy, 5);
	} else if (argc == 2 && strcmp(argv[1], "scratch") == 0) {
		run("scratch-seek", t_scratch_seek, 5);
		run("scratch-null-ops", t_scratch_null_ops, 5);
		run("scratch-remove-while-open", t_scratch_remove_while_open, 10);
		run("scratch-race", t_scratch_race, 120);
		run("scratch-cursor", t_scratch_cursor, 5);
	} else {
		fprintf(stderr, "usage: misc_test ring|scratch\n");
		return 2;
	}
	printf("%d failed\n", failures);
	return failures != 0;
}
