/* bitsim — what the curl transport remembers about a file between two of
 * its transfers: the download's validator (ETag, Last-Modified; reference
 * §10 "Consistency": a resume after a change must start over rather than
 * stitch two versions together) and the upload's session (reference §9.1:
 * a resumed upload continues its session).
 *
 * Keyed by "{job id}#file index". A slot goes when its file is done (or the
 * upload cancelled); a job cancelled while a download was suspended leaves
 * its slot until the transport is freed. The table is bounded: past
 * BSIM__CURL_SLOTS_MAX a file simply resumes without If-Range.
 */
#include <string.h>

#include "transport/curl_internal.h"

#define BSIM__CURL_SLOTS_MAX 1000000u
#define BSIM__CURL_SLOT_BUCKETS 4096u

static size_t bucket_of(const struct bsim__curl *ct, const char *key) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
    h = (h ^ *p) * 1099511628211ull;
  }
  return (size_t)(h % ct->slot_buckets);
}

bsim_hr bsim__curl_slot_set(char **field, const char *value) {
  char *copy = NULL;
  if (value != NULL) {
    copy = bsim__strdup(value);
    if (copy == NULL) return BSIM_E_OUTOFMEMORY;
  }
  bsim__free(*field);
  *field = copy;
  return BSIM_S_OK;
}

static void slot_free(struct bsim__curl_slot *s) {
  bsim__free(s->key);
  bsim__free(s->etag);
  bsim__free(s->last_modified);
  bsim__free(s->session_id);
  bsim__free(s->reply_url);
  bsim__free(s);
}

static struct bsim__curl_slot *slot_new(struct bsim__curl *ct,
                                        const char *key) {
  if (ct->slot_count >= BSIM__CURL_SLOTS_MAX) return NULL;
  if (ct->slots == NULL) {
    ct->slots = bsim__calloc(BSIM__CURL_SLOT_BUCKETS, sizeof *ct->slots);
    if (ct->slots == NULL) return NULL;
    ct->slot_buckets = BSIM__CURL_SLOT_BUCKETS;
  }
  struct bsim__curl_slot *s = bsim__calloc(1, sizeof *s);
  if (s == NULL) return NULL;
  s->key = bsim__strdup(key);
  if (s->key == NULL) {
    bsim__free(s);
    return NULL;
  }
  size_t b = bucket_of(ct, key);
  s->next = ct->slots[b];
  ct->slots[b] = s;
  ct->slot_count++;
  return s;
}

struct bsim__curl_slot *bsim__curl_slot_get(struct bsim__curl *ct,
                                            const char *key, int create) {
  if (ct->slots != NULL) {
    for (struct bsim__curl_slot *s = ct->slots[bucket_of(ct, key)]; s != NULL;
         s = s->next) {
      if (strcmp(s->key, key) == 0) return s;
    }
  }
  return create ? slot_new(ct, key) : NULL;
}

void bsim__curl_slot_drop(struct bsim__curl *ct, const char *key) {
  if (ct->slots == NULL) return;
  for (struct bsim__curl_slot **at = &ct->slots[bucket_of(ct, key)];
       *at != NULL; at = &(*at)->next) {
    if (strcmp((*at)->key, key) == 0) {
      struct bsim__curl_slot *s = *at;
      *at = s->next;
      slot_free(s);
      ct->slot_count--;
      return;
    }
  }
}

void bsim__curl_slots_free(struct bsim__curl *ct) {
  for (size_t b = 0; ct->slots != NULL && b < ct->slot_buckets; b++) {
    while (ct->slots[b] != NULL) {
      struct bsim__curl_slot *s = ct->slots[b];
      ct->slots[b] = s->next;
      slot_free(s);
    }
  }
  bsim__free(ct->slots);
  ct->slots = NULL;
  ct->slot_count = 0;
}
