/* bitsim — the worker pool of THREADED delivery (design.md
 * "Notifications").
 *
 * The driver does not hand out callbacks one by one: it kicks the pool
 * (bsim__notify_run), and a woken worker takes the engine lock and serves
 * the dispatcher's ready ring itself (bsim__notify_serve): it picks the next
 * job whose user has a free slot, releases the lock, calls the callback,
 * retakes the lock, finishes it and picks again, until no user can take
 * more. A worker that picks work while more is ready kicks a sleeping
 * colleague first, so up to delivery_threads callbacks run at once, each
 * user's capped by the per-user limit. When its turn ends the worker runs
 * the finalizers it released (outside the lock) and wakes the driver,
 * which may then let time move or go idle.
 *
 * No callback runs with the engine lock held, so a callback may call any job
 * function, Complete and Cancel included, without deadlock. The pool's own
 * mutex guards only the kick counter and is never held across user code or
 * together with the engine lock in the other order (engine lock, then pool
 * mutex; never the reverse).
 */
#include <pthread.h>
#include <stdatomic.h>

#include "notify/notify_priv.h"

struct bsim__notify_pool {
  struct bsim__notify *n;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  uint32_t kicks; /* turns owed to workers; at most thread_count */
  _Atomic uint32_t idle;
  int stopping;
  uint32_t thread_count;
  pthread_t *threads;
};

/* One turn: serve the ready ring under the engine lock. */
static void worker_turn(struct bsim__notify_pool *pool) {
  struct bsim__notify *n = pool->n;
  bsim__lock(n->mgr);
  bsim__notify_serve(n);
  struct bsim__notify_reg *dead = bsim__notify_take_dead(n);
  bsim__unlock(n->mgr);
  bsim__notify_run_finalizers(dead);
  bsim__wake(n->mgr);
}

static void *worker_main(void *arg) {
  struct bsim__notify_pool *pool = arg;
  pthread_mutex_lock(&pool->mu);
  for (;;) {
    while (pool->kicks == 0 && !pool->stopping) {
      atomic_fetch_add(&pool->idle, 1);
      pthread_cond_wait(&pool->cv, &pool->mu);
      atomic_fetch_sub(&pool->idle, 1);
    }
    if (pool->stopping) break;
    pool->kicks--;
    pthread_mutex_unlock(&pool->mu);
    worker_turn(pool);
    pthread_mutex_lock(&pool->mu);
  }
  pthread_mutex_unlock(&pool->mu);
  return NULL;
}

static void pool_stop(struct bsim__notify_pool *pool, uint32_t started) {
  pthread_mutex_lock(&pool->mu);
  pool->stopping = 1;
  pthread_cond_broadcast(&pool->cv);
  pthread_mutex_unlock(&pool->mu);
  for (uint32_t i = 0; i < started; i++)
    pthread_join(pool->threads[i], NULL);
}

bsim_hr bsim__notify_pool_new(struct bsim__notify *n, uint32_t threads,
                              struct bsim__notify_pool **out) {
  struct bsim__notify_pool *pool = bsim__calloc(1, sizeof(*pool));
  if (pool == NULL) return BSIM_E_OUTOFMEMORY;
  pool->threads = bsim__calloc(threads, sizeof(*pool->threads));
  if (pool->threads == NULL) {
    bsim__free(pool);
    return BSIM_E_OUTOFMEMORY;
  }
  pool->n = n;
  atomic_init(&pool->idle, 0);
  pthread_mutex_init(&pool->mu, NULL);
  pthread_cond_init(&pool->cv, NULL);
  for (uint32_t i = 0; i < threads; i++) {
    if (pthread_create(&pool->threads[i], NULL, worker_main, pool) != 0) {
      pool_stop(pool, i);
      pool->thread_count = 0;
      bsim__notify_pool_free(pool);
      return BSIM_E_OUTOFMEMORY;
    }
  }
  pool->thread_count = threads;
  *out = pool;
  return BSIM_S_OK;
}

void bsim__notify_pool_free(struct bsim__notify_pool *pool) {
  if (pool == NULL) return;
  if (pool->thread_count > 0) pool_stop(pool, pool->thread_count);
  pthread_cond_destroy(&pool->cv);
  pthread_mutex_destroy(&pool->mu);
  bsim__free(pool->threads);
  bsim__free(pool);
}

void bsim__notify_pool_kick(struct bsim__notify_pool *pool) {
  pthread_mutex_lock(&pool->mu);
  if (pool->kicks < pool->thread_count) pool->kicks++;
  if (atomic_load(&pool->idle) > 0) pthread_cond_signal(&pool->cv);
  pthread_mutex_unlock(&pool->mu);
}

void bsim__notify_pool_kick_idle(struct bsim__notify_pool *pool) {
  /* A hint read without the mutex: a worker about to sleep is caught by
   * the next kick, and the caller serves the work itself meanwhile. */
  if (atomic_load_explicit(&pool->idle, memory_order_relaxed) == 0) return;
  bsim__notify_pool_kick(pool);
}
