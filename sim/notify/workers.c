/* bitsim — the worker pool of THREADED delivery (design.md
 * "Notifications").
 *
 * The driver hands a work item (one callback of one job) to the pool with
 * the engine lock held; a worker runs the user's code with no lock held,
 * puts the item on the done list and wakes the driver (bsim__wake), which
 * finishes it at its next step under the engine lock. Workers never touch
 * engine state, so a callback may call any job function, Complete and
 * Cancel included, without deadlock. The pool's own mutex guards only its
 * two lists and is never held across user code.
 */
#include <pthread.h>

#include "notify/notify_priv.h"

struct bsim__notify_pool {
  bsim_manager *mgr;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct bsim__notify_work *todo_head, *todo_tail;
  struct bsim__notify_work *done_head, *done_tail;
  int stopping;
  uint32_t thread_count;
  pthread_t *threads;
};

static void list_push(struct bsim__notify_work **head,
                      struct bsim__notify_work **tail,
                      struct bsim__notify_work *w) {
  w->next = NULL;
  if (*tail != NULL)
    (*tail)->next = w;
  else
    *head = w;
  *tail = w;
}

static void *worker_main(void *arg) {
  struct bsim__notify_pool *pool = arg;
  pthread_mutex_lock(&pool->mu);
  for (;;) {
    while (pool->todo_head == NULL && !pool->stopping)
      pthread_cond_wait(&pool->cv, &pool->mu);
    if (pool->todo_head == NULL) break; /* stopping, nothing left */
    struct bsim__notify_work *w = pool->todo_head;
    pool->todo_head = w->next;
    if (pool->todo_head == NULL) pool->todo_tail = NULL;
    pthread_mutex_unlock(&pool->mu);
    bsim__notify_call(w);
    pthread_mutex_lock(&pool->mu);
    list_push(&pool->done_head, &pool->done_tail, w);
    pthread_mutex_unlock(&pool->mu);
    bsim__wake(pool->mgr);
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

bsim_hr bsim__notify_pool_new(bsim_manager *mgr, uint32_t threads,
                              struct bsim__notify_pool **out) {
  struct bsim__notify_pool *pool = bsim__calloc(1, sizeof(*pool));
  if (pool == NULL) return BSIM_E_OUTOFMEMORY;
  pool->threads = bsim__calloc(threads, sizeof(*pool->threads));
  if (pool->threads == NULL) {
    bsim__free(pool);
    return BSIM_E_OUTOFMEMORY;
  }
  pool->mgr = mgr;
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

void bsim__notify_pool_submit(struct bsim__notify_pool *pool,
                              struct bsim__notify_work *work) {
  pthread_mutex_lock(&pool->mu);
  list_push(&pool->todo_head, &pool->todo_tail, work);
  pthread_cond_signal(&pool->cv);
  pthread_mutex_unlock(&pool->mu);
}

int bsim__notify_pool_has_done(struct bsim__notify_pool *pool) {
  pthread_mutex_lock(&pool->mu);
  int has = pool->done_head != NULL;
  pthread_mutex_unlock(&pool->mu);
  return has;
}

struct bsim__notify_work *
bsim__notify_pool_take_done(struct bsim__notify_pool *pool) {
  pthread_mutex_lock(&pool->mu);
  struct bsim__notify_work *done = pool->done_head;
  pool->done_head = pool->done_tail = NULL;
  pthread_mutex_unlock(&pool->mu);
  return done;
}
