// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/rust_misc: poll() and epoll readiness, timeouts and wake-ups.
 */
#include "misc_test.h"

#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void *write_later(void *arg)
{
	sleep_ms(200);
	if (write(*(int *)arg, "w", 1) != 1)
		perror("write_later");
	return NULL;
}

void t_poll_readiness(void)
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

void t_poll_timeout(void)
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

void t_poll_wakeup(void)
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

void t_epoll(void)
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
