/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_qswap.c - the swap of a shared object (nflogd/util/qswap.h): an old one
 * is reported free only after every reader passed a quiescent point after
 * the publish; exited readers never hold it back; readers see the new one
 * after their next quiescent point. A threaded run checks that a reader
 * never sees a pointer the writer already "freed" (poisoned). */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/qswap.h"

static struct qswap sw;

static void test_sequence(void **state)
{
	int a = 1, b = 2;
	uint64_t t;

	(void)state;
	qswap_init(&sw, &a, 3);
	assert_ptr_equal(qswap_get(&sw), &a);
	t = qswap_publish(&sw, &b);
	assert_int_equal(t, 1);
	assert_ptr_equal(qswap_get(&sw), &b);
	assert_false(qswap_passed(&sw, t));
	qswap_quiescent(&sw, 0);
	qswap_quiescent(&sw, 1);
	assert_false(qswap_passed(&sw, t));
	qswap_offline(&sw, 2);
	assert_true(qswap_passed(&sw, t));
	t = qswap_publish(&sw, &a);
	assert_false(qswap_passed(&sw, t));
	qswap_quiescent(&sw, 0);
	qswap_quiescent(&sw, 1);
	assert_true(qswap_passed(&sw, t));
}

/* Objects a reader checks while "using" them; the writer poisons one once
 * qswap_passed() says it is free. */
struct obj {
	int	alive;
};
#define OBJS		64
#define READERS		2
static struct obj objs[OBJS];
static int stop_readers, bad;

static void *reader(void *arg)
{
	uint32_t i = (uint32_t)(uintptr_t)arg;

	while (!__atomic_load_n(&stop_readers, __ATOMIC_RELAXED)) {
		const struct obj *o = (const struct obj *)qswap_get(&sw);
		int k;

		for (k = 0; k < 100; k++)
			if (!__atomic_load_n(&o->alive, __ATOMIC_RELAXED))
				__atomic_store_n(&bad, 1, __ATOMIC_RELAXED);
		qswap_quiescent(&sw, i);
	}
	qswap_offline(&sw, i);
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t tid[READERS];
	uint64_t t;
	size_t i, cur = 0;

	(void)state;
	for (i = 0; i < OBJS; i++)
		objs[i].alive = 1;
	qswap_init(&sw, &objs[0], READERS);
	for (i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, reader, (void *)(uintptr_t)i), 0);
	for (i = 1; i < 2000; i++) {
		size_t next = i % OBJS;

		__atomic_store_n(&objs[next].alive, 1, __ATOMIC_RELAXED);
		t = qswap_publish(&sw, &objs[next]);
		while (!qswap_passed(&sw, t))
			sched_yield();
		__atomic_store_n(&objs[cur].alive, 0, __ATOMIC_RELAXED);	/* "free" */
		cur = next;
	}
	__atomic_store_n(&stop_readers, 1, __ATOMIC_RELAXED);
	for (i = 0; i < READERS; i++)
		pthread_join(tid[i], NULL);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
