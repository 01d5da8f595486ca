/* bitsim — files published on modelled hosts: size, version, timestamp,
 * statistics, and the content function (design.md "Seeds").
 *
 * Content is never stored. The bytes of a file are the SplitMix64 stream
 * seeded with key = mix64(hash_str(seed, url) + version), each output giving
 * 8 little-endian bytes; so byte n is computed from n alone, any range can
 * be made (and checked) on its own, a 3 GiB file costs nothing to publish,
 * and publishing again (version + 1) changes every byte and the timestamp,
 * as a server-side update does (reference §10 "Consistency").
 */
#include <string.h>

#include "transport/model_priv.h"

#define SPLITMIX_GAMMA UINT64_C(0x9e3779b97f4a7c15)
#define FILE_SIZE_MAX (UINT64_C(1) << 60)

void bsim__model_content(uint64_t key, uint64_t offset, void *buf, size_t len) {
  unsigned char *out = buf;
  uint64_t word = offset / 8;
  unsigned skip = (unsigned)(offset % 8);
  while (len > 0) {
    uint64_t w = bsim__mix64(key + word * SPLITMIX_GAMMA);
    for (unsigned b = skip; b < 8 && len > 0; b++, len--) {
      *out++ = (unsigned char)(w >> (8 * b));
    }
    skip = 0;
    word++;
  }
}

static uint64_t content_key(uint64_t url_key, uint32_t version) {
  return bsim__mix64(url_key + version);
}

struct bsim__model_file *bsim__model_file_find(struct bsim__model *m,
                                               const char *url) {
  if (m->files.count == 0) return NULL;
  size_t len = strlen(url);
  return bsim__model_map_find(&m->files, url, len,
                              bsim__model_map_hash(url, len));
}

void bsim__model_file_free(struct bsim__model_file *file) {
  if (file == NULL) return;
  bsim__free(file->url);
  bsim__free(file);
}

static bsim_hr file_create(struct bsim__model *m, const char *url,
                           struct bsim__model_host *host,
                           struct bsim__model_file **out) {
  struct bsim__model_file *file = bsim__calloc(1, sizeof *file);
  if (file == NULL || (file->url = bsim__strdup(url)) == NULL) {
    bsim__model_file_free(file);
    return BSIM_E_OUTOFMEMORY;
  }
  file->host = host;
  size_t len = strlen(url);
  bsim_hr hr = bsim__model_map_insert(&m->files, file->url,
                                      bsim__model_map_hash(url, len), file);
  if (BSIM_FAILED(hr)) {
    bsim__model_file_free(file);
    return hr;
  }
  *out = file;
  return BSIM_S_OK;
}

static void trace_publish(bsim_manager *mgr,
                          const struct bsim__model_file *file) {
  struct bsim__tr tr;
  if (!bsim__tr_begin(&tr, mgr, "publish", NULL)) return;
  bsim__tr_str(&tr, "url", file->url);
  bsim__tr_u64(&tr, "size", file->size);
  bsim__tr_u64(&tr, "version", file->stats.version);
  bsim__tr_end(&tr);
}

bsim_hr bsim_model_file_add(bsim_manager *mgr, const char *url,
                            uint64_t size_bytes) {
  if (mgr == NULL || url == NULL || strlen(url) > BSIM_MAX_URL_CHARS ||
      size_bytes > FILE_SIZE_MAX) {
    return BSIM_E_INVALIDARG;
  }
  size_t host_len;
  const char *host_name = bsim__model_url_host(url, &host_len);
  if (host_name == NULL) return BSIM_E_INVALIDARG;
  /* The seed never changes after bsim_manager_new; read it before taking
   * the lock. */
  uint64_t url_key = bsim__hash_str(bsim_manager_seed(mgr), url);
  bsim__lock(mgr);
  struct bsim__model *m = bsim__model_of(mgr);
  struct bsim__model_host *host = bsim__model_host_find(m, host_name, host_len);
  struct bsim__model_file *file = bsim__model_file_find(m, url);
  bsim_hr hr = BSIM_S_OK;
  if (host == NULL) {
    hr = BSIM_E_NOT_FOUND;
  } else if (file == NULL) {
    hr = file_create(m, url, host, &file);
  }
  if (BSIM_SUCCEEDED(hr)) {
    file->size = size_bytes;
    file->url_key = url_key;
    file->stats.version++;
    file->stats.size_bytes = size_bytes;
    file->stats.published_ms = bsim__now_ms(mgr);
    file->key = content_key(url_key, file->stats.version);
    trace_publish(mgr, file);
  }
  bsim__unlock(mgr);
  return hr;
}

bsim_hr bsim_model_file_content(bsim_manager *mgr, const char *url,
                                uint64_t offset, void *buf, uint64_t len) {
  if (mgr == NULL || url == NULL || (buf == NULL && len > 0)) {
    return BSIM_E_INVALIDARG;
  }
  bsim__lock(mgr);
  struct bsim__model_file *file =
      bsim__model_file_find(bsim__model_of(mgr), url);
  bsim_hr hr = BSIM_S_OK;
  if (file == NULL) {
    hr = BSIM_E_NOT_FOUND;
  } else if (offset > file->size || len > file->size - offset ||
             len > SIZE_MAX) {
    hr = BSIM_E_INVALIDARG;
  } else {
    bsim__model_content(file->key, offset, buf, (size_t)len);
  }
  bsim__unlock(mgr);
  return hr;
}

bsim_hr bsim_model_file_stats(bsim_manager *mgr, const char *url,
                              struct bsim_model_file_stats *out) {
  if (mgr == NULL || url == NULL || out == NULL) return BSIM_E_INVALIDARG;
  bsim__lock(mgr);
  struct bsim__model_file *file =
      bsim__model_file_find(bsim__model_of(mgr), url);
  bsim_hr hr = BSIM_E_NOT_FOUND;
  if (file != NULL) {
    *out = file->stats;
    hr = BSIM_S_OK;
  }
  bsim__unlock(mgr);
  return hr;
}
