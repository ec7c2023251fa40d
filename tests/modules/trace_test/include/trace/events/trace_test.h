/* SPDX-License-Identifier: GPL-2.0 */
/* The tracepoint of tests/modules/trace_test, fired from Rust on every tick of its timer. */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM trace_test

#if !defined(_TRACE_TEST_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_TEST_H

#include <linux/tracepoint.h>

TRACE_EVENT(trace_test_tick,
	TP_PROTO(unsigned int tick, int value),
	TP_ARGS(tick, value),
	TP_STRUCT__entry(
		__field(unsigned int, tick)
		__field(int, value)
	),
	TP_fast_assign(
		__entry->tick = tick;
		__entry->value = value;
	),
	TP_printk("tick=%u value=%d", __entry->tick, __entry->value)
);

#endif /* _TRACE_TEST_H */

#include <trace/define_trace.h>
