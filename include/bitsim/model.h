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

/** A modelled host.
 *
 * A request takes latency_ms to connect (failing or not); the body then
 * flows at bandwidth_bytes_per_s. Without range support a resumed download
 * starts again from byte 0, and a file over 2 GiB fails at once with
 * BG_E_INSUFFICIENT_RANGE_SUPPORT, since BITS fetches such files in 2 GB
 * ranges (reference §10). Without Content-Length every request fails with
 * BG_E_MISSING_FILE_SIZE (§10). */
struct bsim_model_host_options {
  uint64_t bandwidth_bytes_per_s; /* 0 = unlimited (transfers are instant);
                                     at most 2^50 */
  uint32_t latency_ms;            /* connect time; 0 */
  int range_support;              /* 1: honours Range (reference §10) */
  int send_content_length;        /* 1: reports the size */
  /** A body that stops arriving fails after this long with
   * HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT) 0x80072EE2 (transient). The
   * value BITS uses is not documented. */
  uint32_t stall_timeout_ms; /* 60,000 */
  /** A file re-published between two requests of one download: 0 restarts
   * it from byte 0, as reference §10 documents; 1 fails it (ERROR) with
   * BG_E_REMOTE_FILE_CHANGED, as newer builds report (the state is
   * unconfirmed). */
  int remote_change_fails; /* 0 */
  /** 1: the host stands for a peer cache (reference §7, §11): its bytes
   * are reported to the engine as coming from a peer, not the origin. */
  int peer; /* 0 */
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
 * at offset (to check downloaded files). The content is the SplitMix64
 * stream seeded with a key made from (seed, url, version), each output
 * giving 8 little-endian bytes, so any range is made on its own.
 * Returns S_OK, BG_E_NOT_FOUND, E_INVALIDARG (NULL buf, range past the
 * end). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_model_file_content(bsim_manager *mgr,
                                                           const char *url,
                                                           uint64_t offset,
                                                           void *buf,
                                                           uint64_t len);

/** What the model did with a published file. Requests that a peer's copy
 * of it served (bsim_model_peer_add) count too. */
struct bsim_model_file_stats {
  uint64_t size_bytes;
  uint32_t version;        /* 1 after the first publish */
  uint64_t published_ms;   /* virtual time of the last publish */
  uint64_t requests;       /* requests that reached the server */
  uint64_t range_requests; /* of those, resumed with a Range header */
  uint64_t bytes_sent;     /* body bytes delivered, over all requests */
  uint64_t faults;         /* scripted faults applied to its requests */
};

/** Read the statistics of the file at url. Returns S_OK, BG_E_NOT_FOUND,
 * E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_model_file_stats(
    bsim_manager *mgr, const char *url, struct bsim_model_file_stats *out);

/** Whether an HTTP error status ends a modelled download in ERROR (fatal 1)
 * or TRANSIENT_ERROR (0). No table exists for downloads, so the default is
 * the server-application table of reference §9.1, as §10 recommends
 * (unconfirmed): 3xx transient except 300-305 and 307; 4xx fatal except
 * 408 and 409; 5xx transient except 501 and 505; any other code transient.
 * fatal -1 restores that default for status. The job's error is
 * BG_E_HTTP_ERROR_<status> with context REMOTE_FILE either way.
 * Returns S_OK, E_INVALIDARG (status outside 100..999, or 2xx). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_model_http_class(bsim_manager *mgr,
                                                         int status, int fatal);

/** Kinds of scripted fault. */
enum bsim_fault_kind {
  /** Answer with http_status (e.g. 503 transient, 404 fatal). */
  BSIM_FAULT_HTTP_STATUS = 0,
  /** Break the connection after bytes bytes of the body (transient,
   * HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR) 0x80072EFE). */
  BSIM_FAULT_RESET_AFTER_BYTES = 1,
  /** Accept the connection, send bytes bytes of the body (0 by default),
   * then nothing: the host's stall timeout fails it. */
  BSIM_FAULT_STALL = 2,
  /** Ignore Range: always send the whole body with 200. */
  BSIM_FAULT_NO_RANGE = 3,
  /** Connection refused (transient,
   * HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CONNECT) 0x80072EFD). */
  BSIM_FAULT_CONNECT_FAIL = 4,
  /** Send bytes that differ from the content: from body byte bytes on, one
   * byte in every 64 KiB is inverted. */
  BSIM_FAULT_CORRUPT = 5,
  BSIM_FAULT_KIND_COUNT /* not a value */
};

/** One scripted fault. It applies to requests for url (or, when url ends
 * in '*', to every URL with that prefix) that start within
 * [from_ms, until_ms) of virtual time, at most count times (0 = always).
 * A request meets the faults in the order it would: connect (CONNECT_FAIL),
 * status (HTTP_STATUS), body (NO_RANGE, STALL, RESET_AFTER_BYTES,
 * CORRUPT); the first matching fault of each kind it reaches applies and
 * uses up one of its count. */
struct bsim_fault {
  enum bsim_fault_kind kind;
  const char *url;   /* copied */
  uint64_t from_ms;  /* 0 */
  uint64_t until_ms; /* UINT64_MAX */
  uint32_t count;    /* 1 */
  int http_status;   /* HTTP_STATUS: 503 */
  uint64_t bytes;    /* RESET_AFTER_BYTES, STALL, CORRUPT: 0 */
  /** Which requests it applies to: BSIM_FAULT_SOURCE_ANY, _ORIGIN (those
   * the origin serves) or _PEER (those a peer's copy serves; a CORRUPT
   * fault so makes a corrupt peer copy, reference §7). */
  int source; /* BSIM_FAULT_SOURCE_ANY */
};

/** Values of bsim_fault.source. */
enum bsim_fault_source {
  BSIM_FAULT_SOURCE_ANY = 0,
  BSIM_FAULT_SOURCE_ORIGIN = 1,
  BSIM_FAULT_SOURCE_PEER = 2,
  BSIM_FAULT_SOURCE_COUNT /* not a value */
};

/** A peer cache (reference §7, §11): the host peer_host, added with
 * opts.peer = 1, holds a copy of the origin file at url. From then on a
 * download of url is served by the first peer (in the order added) that
 * holds a copy and is up when the request is made, with that peer's
 * latency, bandwidth and outages, and its bytes count as a peer's
 * (bsim_file_get_peer_download_stats); with no such peer the origin
 * serves it (§11 "no peer / peer error -> origin"). The copy's content is
 * the origin's current one, unless a fault with source PEER corrupts it.
 * A copy whose content a job rejects (bsim_file_set_validation_state 0) is
 * dropped, so the file comes from the origin again (§7).
 * Returns S_OK, BG_E_NOT_FOUND (peer_host not modelled, or not a peer),
 * E_INVALIDARG (NULL, url not http(s) or too long), E_OUTOFMEMORY. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_model_peer_add(bsim_manager *mgr,
                                                       const char *peer_host,
                                                       const char *url);

/** Whether peer_host still holds a copy of url (*out 1 or 0). Returns
 * S_OK, BG_E_NOT_FOUND (peer_host not modelled), E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_model_peer_holds(bsim_manager *mgr,
                                                         const char *peer_host,
                                                         const char *url,
                                                         int *out);

/** Fill with the defaults beside each field. */
BSIM_EXTERN void bsim_fault_init(struct bsim_fault *fault,
                                 enum bsim_fault_kind kind, const char *url);

/** Add a fault to the plan. Returns S_OK, E_INVALIDARG (NULL or empty url,
 * unknown kind, empty window, http_status outside 100..999 or 2xx),
 * E_OUTOFMEMORY. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_fault_add(bsim_manager *mgr,
                                                  const struct bsim_fault *f);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_MODEL_H */
