// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/rust_misc: concurrent writers and readers; every record arrives once, whole and in
 * order.
 */
#include "misc_test.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

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

void t_concurrent(void)
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
