// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/rust_misc: the device node, read() and write() of every size, vectored I/O, fdinfo
 * and the stream semantics.
 */
#include "misc_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

void t_node(void)
{
	struct stat st;

	EXPECT(stat(RING, &st) == 0, "stat " RING);
	EXPECT(S_ISCHR(st.st_mode), "not a character device: mode %o", st.st_mode);
	EXPECT(major(st.st_rdev) == 10, "major %u, want 10 (misc)", major(st.st_rdev));
	EXPECT((st.st_mode & 0777) == 0666, "mode %o, want 0666", st.st_mode & 0777);
}

void t_rw_zero(void)
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

void t_rw_one(void)
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

void t_rw_page(void)
{
	static unsigned char in[RUST_MISC_CAPACITY], out[RUST_MISC_CAPACITY];
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	fill_pattern(in, sizeof(in), 3);
	EXPECT(write(fd, in, sizeof(in)) == RUST_MISC_CAPACITY, "write 4096");
	EXPECT(ring_len(fd) == RUST_MISC_CAPACITY, "buffered %ld", ring_len(fd));
	EXPECT(read(fd, out, sizeof(out)) == RUST_MISC_CAPACITY, "read 4096");
	EXPECT(memcmp(in, out, sizeof(in)) == 0, "data differs");
	close(fd);
}

void t_rw_wrap(void)
{
	static unsigned char in[RUST_MISC_CAPACITY], out[RUST_MISC_CAPACITY];
	char skip[1000];
	int fd = ring_open(0);

	EXPECT(fd >= 0, "open");
	/* Move the start of the data to the middle, so that a full buffer wraps around. */
	EXPECT(write(fd, skip, sizeof(skip)) == sizeof(skip), "write 1000");
	EXPECT(read(fd, skip, sizeof(skip)) == sizeof(skip), "read 1000");
	fill_pattern(in, sizeof(in), 11);
	EXPECT(write(fd, in, sizeof(in)) == RUST_MISC_CAPACITY, "write 4096 across the end");
	EXPECT(read(fd, out, 3000) == 3000, "read 3000");
	EXPECT(read(fd, out + 3000, sizeof(out) - 3000) == RUST_MISC_CAPACITY - 3000, "read the rest");
	EXPECT(memcmp(in, out, sizeof(in)) == 0, "data differs");
	close(fd);
}

void t_rw_large(void)
{
	static unsigned char in[10000], out[10000];
	int fd = ring_open(O_NONBLOCK);
	int blocking = open(RING, O_RDWR);

	EXPECT(fd >= 0 && blocking >= 0, "open");
	fill_pattern(in, sizeof(in), 5);
	EXPECT(write(fd, in, sizeof(in)) == RUST_MISC_CAPACITY, "a 10000-byte write stores 4096");
	EXPECT_ERR(write(fd, in, 1), EAGAIN, "write to a full buffer");
	EXPECT(read(fd, out, sizeof(out)) == RUST_MISC_CAPACITY, "a 10000-byte read returns 4096");
	EXPECT(memcmp(in, out, RUST_MISC_CAPACITY) == 0, "data differs");
	EXPECT_ERR(read(fd, out, sizeof(out)), EAGAIN, "read from an empty buffer");
	/* Blocking: a write longer than the buffer stores what fits and returns the short count. */
	EXPECT(write(blocking, in, sizeof(in)) == RUST_MISC_CAPACITY, "blocking 10000-byte write");
	EXPECT(read(blocking, out, sizeof(out)) == RUST_MISC_CAPACITY, "blocking 10000-byte read");
	EXPECT(memcmp(in, out, RUST_MISC_CAPACITY) == 0, "data differs (blocking)");
	close(fd);
	close(blocking);
}

void t_write_atomic(void)
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

/* readv()/writev() go through the same read_iter/write_iter as read()/write(). */
void t_rw_vectored(void)
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
void t_fdinfo(void)
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

void t_stream_espipe(void)
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
