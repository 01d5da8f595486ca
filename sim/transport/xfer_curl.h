/* bitsim — the curl transport's settings, as the engine and the tests see
 * them (the constructor itself, bsim__xfer_curl_new, is in internal.h).
 *
 * Two kinds of setting. Transport-wide ones (timeouts, buffer and fragment
 * sizes, the CA bundle, policies the reference leaves open) live in
 * struct bsim__curl_config. Per-job HTTP options (proxy, credentials, custom
 * headers, security flags, a bandwidth cap: reference §1.4, §1.5, §1.13,
 * §12) are read from the job at every start through a callback, because
 * the engine API does not carry all of them yet (see docs/transport.md).
 *
 * Threads: call these with the engine lock held, like every bsim__ call.
 * No <curl/curl.h> or <uv.h> here: the engine may include this header.
 */
#ifndef BSIM_TRANSPORT_XFER_CURL_H
#define BSIM_TRANSPORT_XFER_CURL_H

#include <stdint.h>

#include "internal.h"
#include "transport/classify.h"

/* BG_AUTH_TARGET and BG_AUTH_SCHEME (reference §2.8). */
#define BSIM__AUTH_TARGET_SERVER 1u
#define BSIM__AUTH_TARGET_PROXY 2u
#define BSIM__AUTH_SCHEME_BASIC 1u
#define BSIM__AUTH_SCHEME_DIGEST 2u
#define BSIM__AUTH_SCHEME_NTLM 3u
#define BSIM__AUTH_SCHEME_NEGOTIATE 4u
#define BSIM__AUTH_SCHEME_PASSPORT 5u
#define BSIM__AUTH_SCHEME_COUNT 6u /* not a value; index 0 unused */

/** Transport-wide settings. */
struct bsim__curl_config {
  uint32_t connect_timeout_ms; /* 30,000 */
  /** A transfer that moves fewer than 1 byte/s for this long fails with
   * a (transient) timeout: how a stalled server is noticed. */
  uint32_t stall_timeout_s; /* 60 */
  uint32_t buffer_bytes;    /* 262,144: write buffer per download */
  uint64_t fragment_bytes;  /* 1,048,576: upload fragment (§9.1) */
  uint32_t max_redirects;   /* 10 */
  const char *ca_file;      /* NULL: the system's CA store */
  /** CRL file (PEM) checked for jobs with BG_SSL_ENABLE_CRL_CHECK; NULL:
   * the flag adds no check (libcurl cannot fetch CRLs from a certificate's
   * distribution points as WinHTTP does; docs/transport.md). */
  const char *crl_file;   /* NULL */
  const char *user_agent; /* "Microsoft BITS/7.8" */
  /** A ranged resume answered with the whole body of a changed file
   * (reference §10 "Consistency"): 1 = restart the file from byte 0 in the
   * same transfer; 0 = ERROR with BG_E_REMOTE_FILE_CHANGED. */
  int remote_change_restarts; /* 1 */
  /** How often a Close-Session or Cancel-Session is re-sent at once after
   * a 5xx or a failed connection (§9.1). */
  uint32_t cancel_session_retries; /* 3 */
  /** Then a Cancel-Session is sent again every cancel_session_retry_ms of
   * engine time (virtual in AUTO and MANUAL mode; a background timer)
   * until cancel_session_window_ms after the first try (§9.1: BITS keeps
   * trying for up to 24 h). A window of 0: the immediate re-sends only. */
  uint64_t cancel_session_retry_ms;  /* 600,000 (10 min) */
  uint64_t cancel_session_window_ms; /* 86,400,000 (24 h) */
  /** Times a Create-Session is tried again within one transfer after the
   * server forgot the session (BG_E_SESSION_NOT_FOUND, §9.1). */
  uint32_t session_restarts; /* 2 */
  /** Fragments answered 416 in a row without progress before the
   * transfer fails with BG_E_INVALID_SERVER_RESPONSE. */
  uint32_t resync_limit; /* 8 */
  /** Per-host connection cap (0: libcurl's default). */
  uint32_t max_host_connections;       /* 0 */
  struct bsim__classify_policy policy; /* classify.h defaults */
};

/** Fill config with the defaults beside each field. */
void bsim__curl_config_init(struct bsim__curl_config *config);

/** Credentials for one (target, scheme) pair (reference §12). */
struct bsim__curl_credentials {
  const char *user; /* NULL: no credentials for this pair */
  const char *password;
};

/** A job's HTTP options. Strings are borrowed by the callback's caller for
 * the duration of the call (the transport copies them). */
struct bsim__curl_job_options {
  enum bsim_proxy_usage proxy_usage; /* PRECONFIG */
  const char *proxy_list;            /* OVERRIDE: "host:port ..." */
  const char *bypass_list;           /* OVERRIDE: "host ... <local>" */
  struct bsim__curl_credentials server[BSIM__AUTH_SCHEME_COUNT];
  struct bsim__curl_credentials proxy[BSIM__AUTH_SCHEME_COUNT];
  const char *custom_headers; /* CRLF-terminated lines (§1.13) */
  uint32_t security_flags;    /* BG_SSL_* | BG_HTTP_REDIRECT_POLICY_* */
  uint64_t max_bytes_per_s;   /* 0: no cap */
};

/** Fill with what a new job has: PRECONFIG proxy, nothing else. */
void bsim__curl_job_options_init(struct bsim__curl_job_options *opts);

/** Called with the engine lock held at every start to read the job's
 * options into out (already initialised). */
typedef void (*bsim__curl_job_options_cb)(bsim_job *job,
                                          struct bsim__curl_job_options *out,
                                          void *user);

/** Change the settings of a curl transport (before transfers start; ones in
 * flight keep theirs). Strings are copied. Returns S_OK, E_INVALIDARG (not
 * a curl transport, or a value out of range), E_OUTOFMEMORY. */
bsim_hr bsim__xfer_curl_configure(struct bsim__transport *transport,
                                  const struct bsim__curl_config *config);

/** Where the transport reads a job's HTTP options (NULL: defaults only). */
void bsim__xfer_curl_set_job_options(struct bsim__transport *transport,
                                     bsim__curl_job_options_cb cb, void *user);

/** The job is cancelled (reference §8): forget what the transport kept for
 * its file index (the download validator, the upload session) and, for an
 * upload whose session is open, send Cancel-Session, detached, re-sent on
 * 5xx up to config.cancel_session_retries times (§9.1). Call after stop(),
 * or when no transfer of the file is in flight (a suspended job). */
void bsim__xfer_curl_forget(struct bsim__transport *transport, bsim_job *job,
                            uint32_t file_index, const char *remote_url);

/** Counters for tests and the benchmark. */
struct bsim__curl_stats {
  uint64_t requests; /* easy handles submitted */
  uint64_t active;   /* in flight now */
  uint64_t slots;    /* per-file states kept */
};
void bsim__xfer_curl_stats(struct bsim__transport *transport,
                           struct bsim__curl_stats *out);

#endif /* BSIM_TRANSPORT_XFER_CURL_H */
