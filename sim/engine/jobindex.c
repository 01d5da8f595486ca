/* bitsim — the job index: GUID -> non-final job, open addressing with
 * linear probing and backward-shift deletion (no tombstones).
 *
 * One pointer per slot, at most half the slots used, so a million jobs
 * cost 16 bytes each here. The table grows by doubling before an insert
 * would pass half full; bsim__index_reserve does that growth up front so
 * CreateJob can fail cleanly with E_OUTOFMEMORY before changing anything.
 */
#include <string.h>

#include "engine/engine.h"

static uint32_t slot_of(const bsim_manager *mgr, const bsim_guid *id) {
  return (uint32_t)(bsim__guid_hash(id) & (mgr->index_cap - 1));
}

static void put(bsim_job **tab, uint32_t cap, bsim_job *job) {
  uint32_t i = (uint32_t)(bsim__guid_hash(&job->id) & (cap - 1));
  while (tab[i] != NULL)
    i = (i + 1) & (cap - 1);
  tab[i] = job;
}

bsim_hr bsim__index_reserve(bsim_manager *mgr, uint32_t jobs) {
  if ((uint64_t)jobs * 2 <= mgr->index_cap) return BSIM_S_OK;
  uint64_t cap = mgr->index_cap != 0 ? mgr->index_cap : 64;
  while ((uint64_t)jobs * 2 > cap)
    cap *= 2;
  if (cap > UINT32_MAX / 2 + 1) return BSIM_E_OUTOFMEMORY;
  bsim_job **tab = bsim__calloc((size_t)cap, sizeof *tab);
  if (tab == NULL) return BSIM_E_OUTOFMEMORY;
  for (uint32_t i = 0; i < mgr->index_cap; i++) {
    if (mgr->index[i] != NULL) put(tab, (uint32_t)cap, mgr->index[i]);
  }
  bsim__free(mgr->index);
  mgr->index = tab;
  mgr->index_cap = (uint32_t)cap;
  return BSIM_S_OK;
}

void bsim__index_insert(bsim_manager *mgr, bsim_job *job) {
  BSIM_ASSERT((uint64_t)(mgr->jobs + 1) * 2 <= mgr->index_cap);
  put(mgr->index, mgr->index_cap, job);
  mgr->jobs++;
}

static int guid_equal(const bsim_guid *a, const bsim_guid *b) {
  return a->data1 == b->data1 && a->data2 == b->data2 && a->data3 == b->data3 &&
         memcmp(a->data4, b->data4, sizeof a->data4) == 0;
}

bsim_job *bsim__index_find(bsim_manager *mgr, const bsim_guid *id) {
  if (mgr->index_cap == 0) return NULL;
  uint32_t mask = mgr->index_cap - 1;
  for (uint32_t i = slot_of(mgr, id);; i = (i + 1) & mask) {
    bsim_job *job = mgr->index[i];
    if (job == NULL) return NULL;
    if (guid_equal(&job->id, id)) return job;
  }
}

void bsim__index_remove(bsim_manager *mgr, bsim_job *job) {
  uint32_t mask = mgr->index_cap - 1;
  uint32_t i = slot_of(mgr, &job->id);
  while (mgr->index[i] != job) {
    BSIM_ASSERT(mgr->index[i] != NULL);
    i = (i + 1) & mask;
  }
  mgr->index[i] = NULL;
  mgr->jobs--;
  /* Backward shift: pull later members of the probe run into the hole
   * when their home slot is at or before it (cyclically). */
  for (uint32_t j = (i + 1) & mask; mgr->index[j] != NULL; j = (j + 1) & mask) {
    uint32_t home = slot_of(mgr, &mgr->index[j]->id);
    int movable = ((j - home) & mask) >= ((j - i) & mask);
    if (movable) {
      mgr->index[i] = mgr->index[j];
      mgr->index[j] = NULL;
      i = j;
    }
  }
}
