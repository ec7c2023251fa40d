// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the checks: time, test data, and /dev/rust_misc opened in a known state.
 */
#include "misc_test.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

void *volatile bad_low = (void *)1;
void *volatile bad_kernel = (void *)0xffffffff81000000UL;

long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void fill_pattern(unsigned char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7 + seed);
}

/* Opens the ring with `flags`, emptied and with the full limit. */
int ring_open(int flags)
{
	uint32_t limit = RUST_MISC_CAPACITY;
	int fd = open(RING, O_RDWR | flags);

	if (fd >= 0 && (ioctl(fd, RUST_MISC_CLEAR) || ioctl(fd, RUST_MISC_SET_LIMIT, &limit))) {
		close(fd);
		return -1;
	}
	return fd;
}

long ring_len(int fd)
{
	uint32_t len = 0xdeadbeef;

	return ioctl(fd, RUST_MISC_GET_LEN, &len) ? -1 : (long)len;
}
