/* bitsim — the modelled network and the fault plan (design.md "Two
 * transports", "Seeds").
 *
 * The model transport serves URLs whose host was added with
 * bsim_model_host_add: hosts with bandwidth, latency and scheduled outages,
 * files with a size and content made from the seed, and faults scripted per
 * URL and virtual time. It runs entirely on the virtual clock, so a 3 GiB
 * download over a flaky link for nine days simulates in milliseconds and is
 * byte-identical for one seed. URLs whose host is not modelled go to the
 * real (curl) transport.
 *
 * Threads: any thread (engine lock).
 */
#ifndef BSIM_MODEL_H
#define BSIM_MODEL_H

#include <stdint.h>

#include "bitsim/export.h"
#include "bitsim/hr.h"
#include "bitsim/manager.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A modelled host. */
struct bsim_model_host_options {
  uint64_t bandwidth_bytes_per_s; /* 0 = unlimited (transfers are instant) */
  uint32_t latency_ms;            /* connect time; 0 */
  int range_support;              /* 1: honours Range (reference §10) */
  int send_content_length;        /* 1: reports the size */
};

/** Fill with the defaults beside each field. */
BSIM_EXTERN void
bsim_model_host_options_init(struct bsim_model_host_options *opts);

/** Add (or replace the options of) a host, by name as it appears in URLs
 * ("example.test", "cdn.example.test:8080"). Returns S_OK, E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_model_host_add(bsim_manager *mgr, const char *host,
                    const struct bsim_model_host_options *opts);

/** The host is unreachable from start_ms for duration_ms of virtual time:
 * connections fail and transfers in flight break (transient errors).
 * Returns S_OK, BG_E_NOT_FOUND (unknown host), E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_model_host_outage(bsim_manager *mgr,
                                                          const char *host,
                                                          uint64_t start_ms,
                                                          uint64_t duration_ms);

/** Publish a file of size_bytes at url on a modelled host; its content is a
 * function of (seed, url, version). Publishing again changes the content
 * (version + 1) and the timestamp, as a server-side update does.
 * Returns S_OK, BG_E_NOT_FOUND (host not modelled), E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_model_file_add(bsim_manager *mgr,
                                                       const char *url,
                                                       uint64_t size_bytes);

/** Fill buf with len bytes of the content the model serves for url starting
 * at offset (to check downloaded files). Returns S_OK, BG_E_NOT_FOUND. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_model_file_content(bsim_manager *mgr,
                                                           const char *url,
                                                           uint64_t offset,
                                                           void *buf,
                                                           uint64_t len);

/** Kinds of scripted fault. */
enum bsim_fault_kind {
  /** Answer with http_status (e.g. 503 transient, 404 fatal). */
  BSIM_FAULT_HTTP_STATUS = 0,
  /** Break the connection after bytes bytes of the body. */
  BSIM_FAULT_RESET_AFTER_BYTES = 1,
  /** Accept the connection and then send nothing. */
  BSIM_FAULT_STALL = 2,
  /** Ignore Range: always send the whole body with 200. */
  BSIM_FAULT_NO_RANGE = 3,
  /** Connection refused. */
  BSIM_FAULT_CONNECT_FAIL = 4,
  /** Send bytes that differ from the content (corruption). */
  BSIM_FAULT_CORRUPT = 5,
  BSIM_FAULT_KIND_COUNT /* not a value */
};

/** One scripted fault. It applies to requests for url (or, when url ends
 * in '*', to every URL with that prefix) that start within
 * [from_ms, until_ms) of virtual time, at most count times (0 = always). */
struct bsim_fault {
  enum bsim_fault_kind kind;
  const char *url;
  uint64_t from_ms;  /* 0 */
  uint64_t until_ms; /* UINT64_MAX */
  uint32_t count;    /* 1 */
  int http_status;   /* HTTP_STATUS */
  uint64_t bytes;    /* RESET_AFTER_BYTES */
};

/** Fill with the defaults beside each field. */
BSIM_EXTERN void bsim_fault_init(struct bsim_fault *fault,
                                 enum bsim_fault_kind kind, const char *url);

/** Add a fault to the plan. Returns S_OK, E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_fault_add(bsim_manager *mgr,
                                                  const struct bsim_fault *f);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_MODEL_H */
