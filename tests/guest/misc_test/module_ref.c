// SPDX-License-Identifier: GPL-2.0
/*
 * Module reference counting: a module stays loaded while a file of its device is open.
 */
#include "misc_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

long module_refcnt(const char *module)
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
void expect_pinned(const char *module, int fd)
{
	EXPECT(module_refcnt(module) == 1, "refcnt %ld with one file open", module_refcnt(module));
	/* What rmmod does; the kernel refuses a module in use with EWOULDBLOCK (== EAGAIN). */
	EXPECT_ERR(syscall(SYS_delete_module, module, O_NONBLOCK), EWOULDBLOCK, "delete_module while a file is open");
	EXPECT(module_refcnt(module) == 1, "refcnt %ld after the refused unload", module_refcnt(module));
	close(fd);
	EXPECT(module_refcnt(module) == 0, "refcnt %ld after close", module_refcnt(module));
}

void t_rmmod_busy(void)
{
	EXPECT(module_refcnt("rust_misc") == 0, "refcnt %ld with no file open", module_refcnt("rust_misc"));
	int fd = open(RING, O_RDWR);

	EXPECT(fd >= 0, "open");
	expect_pinned("rust_misc", fd);
}
