// SPDX-License-Identifier: GPL-2.0
/*
 * The runtime benchmark, run in the booted guest by bench/run.py: times the same operations on
 * each Rust module and its C twin, alternating which goes first, round after round.
 *
 *   bench ROUNDS ITERATIONS
 *
 * Devices: /dev/rust_misc and /dev/c_misc (read, write, ioctl), /dev/rust_ops and /dev/c_ops
 * (ioctls that run printk or kmalloc/kfree in the kernel a given number of times). ITERATIONS is
 * the number of operations per implementation and round, scaled per row (a 64 KiB transfer
 * counts 1/16, an allocation 4). The "same_" rows time /dev/c_misc against itself: their ratio
 * would be 1.0 without noise, so their spread is the resolution of the other rows.
 * Prints "result ROW IMPL ROUND NS_PER_OP" per row, implementation and round, and "error ..." on
 * a failure.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "rust_misc.h"

#define STREAM 65536
/* Short runs per implementation and round. */
#define SLICES 21

#define OPS_PRINTK _IO('b', 1)
#define OPS_ALLOC_64 _IO('b', 2)
#define OPS_ALLOC_4K _IO('b', 3)

/* SAME is /dev/c_misc twice: C against itself, the noise floor of the measurement. */
enum device { MISC, OPS, SAME, DEVICES };

static unsigned char in[STREAM], out[STREAM];

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void transfer(int fd, int writing, long size, long count)
{
	for (long i = 0; i < count; i++) {
		ssize_t n = writing ? write(fd, in, size) : read(fd, out, size);

		if (n != size) {
			printf("error: %s of %ld bytes returned %zd\n", writing ? "write" : "read", size, n);
			exit(1);
		}
	}
}

/*
 * write() or read() of `size` bytes, `n` times. The ring holds 4096 bytes, so the calls go in
 * batches that fill it (writes) and drain it (reads); only the calls of one kind are timed.
 */
static int64_t rw(int fd, long size, long n, int timed_write)
{
	int64_t elapsed = 0;

	for (long done = 0; done < n;) {
		long batch = RUST_MISC_CAPACITY / size < n - done ? RUST_MISC_CAPACITY / size : n - done;
		int64_t start = now_ns();

		transfer(fd, 1, size, batch);
		if (timed_write)
			elapsed += now_ns() - start;
		start = now_ns();
		transfer(fd, 0, size, batch);
		if (!timed_write)
			elapsed += now_ns() - start;
		done += batch;
	}
	return elapsed;
}

static int64_t run_write(int fd, long size, long n)
{
	return rw(fd, size, n, 1);
}

static int64_t run_read(int fd, long size, long n)
{
	return rw(fd, size, n, 0);
}

/* Moves `size` bytes through the ring: a write of what is left (the driver stores what fits,
 * 4096 bytes), then a read of what it took, until all arrived; `n` times. */
static int64_t run_stream(int fd, long size, long n)
{
	int64_t start = now_ns();

	for (long i = 0; i < n; i++) {
		for (long done = 0; done < size;) {
			ssize_t w = write(fd, in + done, size - done);

			if (w <= 0 || read(fd, out + done, w) != w) {
				printf("error: streaming %ld bytes failed at %ld\n", size, done);
				exit(1);
			}
			done += w;
		}
	}
	return now_ns() - start;
}

static int64_t run_get_len(int fd, long size, long n)
{
	uint32_t len;
	int64_t start = now_ns();

	(void)size;
	for (long i = 0; i < n; i++) {
		if (ioctl(fd, RUST_MISC_GET_LEN, &len)) {
			perror("error: ioctl GET_LEN");
			exit(1);
		}
	}
	return now_ns() - start;
}

/* One ioctl that makes the module run the operation `n` times. */
static int64_t run_ops(int fd, long cmd, long n)
{
	int64_t start = now_ns();

	if (ioctl(fd, cmd, n)) {
		perror("error: ops ioctl");
		exit(1);
	}
	return now_ns() - start;
}

static const struct row {
	const char *id;
	enum device device;
	int64_t (*run)(int fd, long arg, long n);
	long arg;
	/* Operations per run: ITERATIONS * scale / 16. */
	long scale;
} rows[] = {
	{ "write_1", MISC, run_write, 1, 16 },
	{ "read_1", MISC, run_read, 1, 16 },
	{ "write_64", MISC, run_write, 64, 16 },
	{ "read_64", MISC, run_read, 64, 16 },
	{ "write_4k", MISC, run_write, 4096, 16 },
	{ "read_4k", MISC, run_read, 4096, 16 },
	{ "stream_64k", MISC, run_stream, STREAM, 1 },
	{ "ioctl", MISC, run_get_len, 0, 16 },
	{ "printk", OPS, run_ops, OPS_PRINTK, 4 },
	{ "alloc_64", OPS, run_ops, OPS_ALLOC_64, 64 },
	{ "alloc_4k", OPS, run_ops, OPS_ALLOC_4K, 64 },
	{ "same_read_4k", SAME, run_read, 4096, 16 },
	{ "same_stream_64k", SAME, run_stream, STREAM, 1 },
};

static const char *const impls[2] = { "c", "rust" };
static const char *const paths[DEVICES][2] = {
	[MISC] = { "/dev/c_misc", "/dev/rust_misc" },
	[OPS] = { "/dev/c_ops", "/dev/rust_ops" },
	[SAME] = { "/dev/c_misc", "/dev/c_misc" },
};

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *values, int n)
{
	qsort(values, n, sizeof(*values), by_value);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/*
 * One round of a row: SLICES short runs of each implementation, taking turns (who goes first
 * alternates too), so that whatever disturbs the guest (the host, timer interrupts) falls on both
 * alike. Reports the median time per operation of each implementation's slices.
 */
static void measure(const struct row *row, int fds[DEVICES][2], long iterations, long round)
{
	double ns[2][SLICES];
	long n = iterations * row->scale / 16 / SLICES > 0 ? iterations * row->scale / 16 / SLICES : 1;

	for (int s = 0; s < SLICES; s++) {
		for (int k = 0; k < 2; k++) {
			int impl = (int)((k + s + round) % 2);

			ns[impl][s] = (double)row->run(fds[row->device][impl], row->arg, n) / n;
		}
	}
	for (int impl = 0; impl < 2; impl++) {
		double m = median(ns[impl], SLICES);

		if (round > 0)
			printf("result %s %s %ld %.1f\n", row->id, impls[impl], round, m);
	}
}

int main(int argc, char **argv)
{
	int fds[DEVICES][2];
	long rounds, iterations;

	if (argc != 3 || (rounds = atol(argv[1])) < 1 || (iterations = atol(argv[2])) < 1) {
		fprintf(stderr, "usage: bench ROUNDS ITERATIONS\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int d = 0; d < DEVICES; d++) {
		for (int i = 0; i < 2; i++) {
			fds[d][i] = open(paths[d][i], O_RDWR);
			if (fds[d][i] < 0) {
				perror(paths[d][i]);
				return 1;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		ioctl(fds[MISC][i], RUST_MISC_CLEAR);
	memset(in, 0x5a, sizeof(in));

	/* Round 0 warms up (caches, page faults) and is not reported. */
	for (long round = 0; round <= rounds; round++) {
		for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
			measure(&rows[r], fds, iterations, round);
	}
	printf("done\n");
	return 0;
}
