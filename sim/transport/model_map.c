/* bitsim — the model transport's tables: hosts and files by name (string
 * keys), and partial downloads by (job id, file index).
 *
 * Both are open-addressing tables with linear probing, kept at most half
 * full and grown by doubling, so a lookup is one hash and a probe or two:
 * the model's fast path (an unlimited host, a million jobs) does one host
 * and one file lookup per transfer. Name tables only grow; the partials
 * table removes with backward shifting, so it needs no tombstones.
 */
#include <string.h>

#include "transport/model_priv.h"

/* Far more interrupted downloads than any test or scenario keeps at once;
 * past it, a re-published file is not noticed on resume (documented). */
#define PARTIALS_MAX (1u << 20)

/* Eight bytes per step (URLs are long and hashed on every transfer), then
 * the tail, then a full mix. Only for table placement: never in traces or
 * content, so its values need not be stable across versions. */
uint64_t bsim__model_map_hash(const char *key, size_t len) {
  uint64_t h = UINT64_C(0xcbf29ce484222325) ^ len;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, key + i, 8);
    h = (h ^ w) * UINT64_C(0x9fb21c651e98df25);
    h ^= h >> 29;
  }
  for (; i < len; i++) {
    h = (h ^ (unsigned char)key[i]) * UINT64_C(0x100000001b3);
  }
  return bsim__mix64(h);
}

void *bsim__model_map_find(const struct bsim__model_map *map, const char *key,
                           size_t len, uint64_t hash) {
  if (map->count == 0) return NULL;
  size_t mask = map->cap - 1;
  for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
    const struct bsim__model_map_entry *e = &map->slots[i];
    if (e->item == NULL) return NULL;
    if (e->hash == hash && strncmp(e->key, key, len) == 0 &&
        e->key[len] == '\0') {
      return e->item;
    }
  }
}

static void map_place(struct bsim__model_map_entry *slots, size_t cap,
                      const struct bsim__model_map_entry *e) {
  size_t mask = cap - 1;
  size_t i = (size_t)e->hash & mask;
  while (slots[i].item != NULL)
    i = (i + 1) & mask;
  slots[i] = *e;
}

static bsim_hr map_grow(struct bsim__model_map *map) {
  size_t cap = map->cap == 0 ? 16 : map->cap * 2;
  struct bsim__model_map_entry *slots = bsim__calloc(cap, sizeof *slots);
  if (slots == NULL) return BSIM_E_OUTOFMEMORY;
  for (size_t i = 0; i < map->cap; i++) {
    if (map->slots[i].item != NULL) map_place(slots, cap, &map->slots[i]);
  }
  bsim__free(map->slots);
  map->slots = slots;
  map->cap = cap;
  return BSIM_S_OK;
}

bsim_hr bsim__model_map_insert(struct bsim__model_map *map, const char *key,
                               uint64_t hash, void *item) {
  BSIM_ASSERT(item != NULL);
  if ((map->count + 1) * 2 > map->cap) {
    bsim_hr hr = map_grow(map);
    if (BSIM_FAILED(hr)) return hr;
  }
  struct bsim__model_map_entry e = {hash, key, item};
  map_place(map->slots, map->cap, &e);
  map->count++;
  return BSIM_S_OK;
}

void bsim__model_map_free(struct bsim__model_map *map) {
  bsim__free(map->slots);
  memset(map, 0, sizeof *map);
}

/* ---- partial downloads -------------------------------------------------- */

static size_t partial_hash(const bsim_guid *id, uint32_t file_index) {
  uint64_t h = ((uint64_t)id->data1 << 32) ^ ((uint64_t)id->data2 << 16) ^
               id->data3 ^ ((uint64_t)file_index << 40);
  for (int i = 0; i < 8; i++)
    h = (h << 8 | h >> 56) ^ id->data4[i];
  return (size_t)bsim__mix64(h);
}

static int partial_is(const struct bsim__model_partial *e, const bsim_guid *id,
                      uint32_t file_index) {
  return e->file != NULL && e->file_index == file_index &&
         memcmp(&e->job_id, id, sizeof *id) == 0;
}

/* The slot holding (id, file_index), or the empty slot where it would go. */
static size_t partial_slot(const struct bsim__model_partials *p,
                           const bsim_guid *id, uint32_t file_index) {
  size_t mask = p->cap - 1;
  size_t i = partial_hash(id, file_index) & mask;
  while (p->slots[i].file != NULL && !partial_is(&p->slots[i], id, file_index))
    i = (i + 1) & mask;
  return i;
}

const struct bsim__model_partial *
bsim__model_partial_find(const struct bsim__model_partials *p,
                         const bsim_guid *job_id, uint32_t file_index) {
  if (p->count == 0) return NULL;
  size_t i = partial_slot(p, job_id, file_index);
  return p->slots[i].file != NULL ? &p->slots[i] : NULL;
}

static bsim_hr partials_grow(struct bsim__model_partials *p) {
  size_t cap = p->cap == 0 ? 16 : p->cap * 2;
  struct bsim__model_partial *slots = bsim__calloc(cap, sizeof *slots);
  if (slots == NULL) return BSIM_E_OUTOFMEMORY;
  struct bsim__model_partials grown = {slots, cap, 0};
  for (size_t i = 0; i < p->cap; i++) {
    const struct bsim__model_partial *e = &p->slots[i];
    if (e->file == NULL) continue;
    grown.slots[partial_slot(&grown, &e->job_id, e->file_index)] = *e;
    grown.count++;
  }
  bsim__free(p->slots);
  *p = grown;
  return BSIM_S_OK;
}

bsim_hr bsim__model_partial_put(struct bsim__model_partials *p,
                                const bsim_guid *job_id, uint32_t file_index,
                                const struct bsim__model_file *file,
                                uint32_t version) {
  BSIM_ASSERT(file != NULL);
  if ((p->count + 1) * 2 > p->cap) {
    if (p->count >= PARTIALS_MAX) return BSIM_E_OUTOFMEMORY;
    bsim_hr hr = partials_grow(p);
    if (BSIM_FAILED(hr)) return hr;
  }
  size_t i = partial_slot(p, job_id, file_index);
  struct bsim__model_partial *e = &p->slots[i];
  if (e->file == NULL) p->count++;
  e->job_id = *job_id;
  e->file_index = file_index;
  e->file = file;
  e->version = version;
  return BSIM_S_OK;
}

/* Backward-shift deletion: pull later entries of the probe run into the
 * hole when their home slot allows, so lookups never need tombstones. */
void bsim__model_partial_remove(struct bsim__model_partials *p,
                                const bsim_guid *job_id, uint32_t file_index) {
  if (p->count == 0) return;
  size_t mask = p->cap - 1;
  size_t hole = partial_slot(p, job_id, file_index);
  if (p->slots[hole].file == NULL) return;
  p->count--;
  for (size_t j = (hole + 1) & mask; p->slots[j].file != NULL;
       j = (j + 1) & mask) {
    const struct bsim__model_partial *e = &p->slots[j];
    size_t home = partial_hash(&e->job_id, e->file_index) & mask;
    /* e may move to the hole unless its home lies cyclically in
     * (hole, j]. */
    int stays =
        hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (stays) continue;
    p->slots[hole] = *e;
    hole = j;
  }
  memset(&p->slots[hole], 0, sizeof p->slots[hole]);
}

void bsim__model_partials_free(struct bsim__model_partials *p) {
  bsim__free(p->slots);
  memset(p, 0, sizeof *p);
}
