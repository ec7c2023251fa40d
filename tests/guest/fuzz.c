// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes a character device from user space: random reads, writes, ioctls and polls, with random
 * lengths, commands and user pointers (valid, NULL, kernel, unmapped, straddling an unmapped
 * page), from several processes at once. The kernel must survive and stay quiet; every call
 * may fail, with any errno, which is counted.
 *
 * Usage: fuzz DEVICE ITERATIONS SEED [PROCESSES]
 * Prints "fuzz: DEVICE N operations: ok=.. EFAULT=.. ..." and exits 0 when every process finished.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUF_SIZE (128 * 1024)
#define PAGE 4096

static uint64_t state;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the seed. */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545F4914F6CDD1DULL;
}

static char *buf;     /* valid memory */
static char *edge;    /* last mapped page before an unmapped one */

/* A user pointer for `len` bytes: mostly valid, sometimes not at all, sometimes partly. */
static void *pointer(size_t len)
{
	switch (rnd() % 8) {
	case 0: return NULL;
	case 1: return (void *)1;
	case 2: return (void *)0xffffffff81000000UL;           /* kernel text */
	case 3: return edge + PAGE - (len ? len / 2 : 0);     /* runs into the unmapped page */
	case 4: return edge + PAGE;                           /* unmapped */
	default: return buf + rnd() % (BUF_SIZE / 2);
	}
}

static size_t length(void)
{
	static const size_t sizes[] = { 0, 1, 2, 63, 64, 4095, 4096, 4097, 65536 };
	if (rnd() % 4 == 0)
		return rnd() % (BUF_SIZE / 2);
	return sizes[rnd() % (sizeof(sizes) / sizeof(sizes[0]))];
}

static unsigned long command(void)
{
	if (rnd() % 2)
		return (unsigned long)(uint32_t)rnd();
	/* _IOC(dir, type, nr, size): a plausible command of the device's type or another one. */
	unsigned long dir = rnd() % 4, type = rnd() % 2 ? 'r' : rnd() % 256, nr = rnd() % 10;
	static const unsigned long sizes[] = { 0, 4, 8, 16, 4096, 16383 };
	unsigned long size = sizes[rnd() % 6];
	return (dir << 30) | (size << 16) | (type << 8) | nr;
}

struct counts {
	unsigned long ok, efault, eagain, enotty, einval, enomem, other;
};

static void count(struct counts *c, long ret)
{
	if (ret >= 0)
		c->ok++;
	else if (errno == EFAULT)
		c->efault++;
	else if (errno == EAGAIN)
		c->eagain++;
	else if (errno == ENOTTY)
		c->enotty++;
	else if (errno == EINVAL)
		c->einval++;
	else if (errno == ENOMEM)
		c->enomem++;
	else
		c->other++;
}

static int fuzz(const char *device, long iterations, struct counts *c)
{
	int fd = open(device, O_RDWR | O_NONBLOCK);

	for (long i = 0; i < iterations; i++) {
		if (fd < 0 || rnd() % 64 == 0) {
			if (fd >= 0)
				close(fd);
			fd = open(device, O_RDWR | O_NONBLOCK);
			count(c, fd);
			continue;
		}
		size_t len = length();
		switch (rnd() % 10) {
		case 0: case 1: case 2:
			count(c, write(fd, pointer(len), len));
			break;
		case 3: case 4: case 5:
			count(c, read(fd, pointer(len), len));
			break;
		case 6: case 7: case 8:
			count(c, ioctl(fd, command(), rnd() % 2 ? (unsigned long)pointer(16) : rnd()));
			break;
		default: {
			struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
			count(c, poll(&p, 1, 0));
		}
		}
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: fuzz DEVICE ITERATIONS SEED [PROCESSES]\n");
		return 2;
	}
	const char *device = argv[1];
	long iterations = atol(argv[2]);
	int processes = argc > 4 ? atoi(argv[4]) : 1;

	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	edge = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || edge == MAP_FAILED || munmap(edge + PAGE, PAGE)) {
		perror("mmap");
		return 1;
	}
	memset(buf, 'x', BUF_SIZE);

	/* Each process counts into its slot of a shared page. */
	struct counts *counts = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counts == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(counts, 0, PAGE);
	for (int p = 0; p < processes; p++) {
		pid_t pid = fork();
		if (pid == 0) {
			state = strtoull(argv[3], NULL, 0) * 2654435761ULL + p + 1;
			_exit(fuzz(device, iterations, &counts[p]));
		}
	}
	int failed = 0, status;
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;

	struct counts total = { 0 };
	for (int p = 0; p < processes; p++) {
		total.ok += counts[p].ok;
		total.efault += counts[p].efault;
		total.eagain += counts[p].eagain;
		total.enotty += counts[p].enotty;
		total.einval += counts[p].einval;
		total.enomem += counts[p].enomem;
		total.other += counts[p].other;
	}
	printf("fuzz: %s %ld operations: ok=%lu EFAULT=%lu EAGAIN=%lu ENOTTY=%lu EINVAL=%lu ENOMEM=%lu other=%lu\n",
	       device, iterations * processes, total.ok, total.efault, total.eagain, total.enotty, total.einval,
	       total.enomem, total.other);
	return failed;
}
