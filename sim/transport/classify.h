/* bitsim — one function that decides what every real transfer outcome
 * means to BITS: OK, a transient error (TRANSIENT_ERROR, retried) or a fatal
 * one (ERROR), with the HRESULT and error context BITS reports (reference
 * §10 "Transient vs fatal", §9.1, §2.5, §3).
 *
 * The curl transport gathers what it saw (the libcurl result code, the HTTP
 * status, a local file failure, a failed response check, the upload server's
 * BITS-Error-Code) and hands it to bsim__classify; nothing else in the
 * transport decides. The function is pure: no I/O, no state, so a unit test
 * walks its whole table (tests/unit/test_classify.c).
 *
 * Network failures use the HRESULTs Windows BITS surfaces from WinHTTP
 * (HRESULT_FROM_WIN32(ERROR_WINHTTP_*)), e.g. 0x80072EE7 for a name that does
 * not resolve, which the reference lists among the transient examples.
 *
 * Threads: pure; any thread.
 */
#ifndef BSIM_TRANSPORT_CLASSIFY_H
#define BSIM_TRANSPORT_CLASSIFY_H

#include <stdint.h>

#include "internal.h"

/* WinHTTP error numbers (winhttp.h) that BITS reports as
 * HRESULT_FROM_WIN32(n) = 0x80070000 | n. */
#define BSIM__WINHTTP_TIMEOUT 12002u
#define BSIM__WINHTTP_INVALID_URL 12005u
#define BSIM__WINHTTP_UNRECOGNIZED_SCHEME 12006u
#define BSIM__WINHTTP_NAME_NOT_RESOLVED 12007u
#define BSIM__WINHTTP_CLIENT_AUTH_CERT_NEEDED 12044u
#define BSIM__WINHTTP_SECURE_CERT_REV_FAILED 12057u
#define BSIM__WINHTTP_CANNOT_CONNECT 12029u
#define BSIM__WINHTTP_CONNECTION_ERROR 12030u
#define BSIM__WINHTTP_INVALID_SERVER_RESPONSE 12152u
#define BSIM__WINHTTP_REDIRECT_FAILED 12156u
#define BSIM__WINHTTP_SECURE_CHANNEL_ERROR 12157u
#define BSIM__WINHTTP_SECURE_FAILURE 12175u
#define BSIM__WINHTTP_SECURE_CERT_DATE_INVALID 12037u
#define BSIM__WINHTTP_SECURE_CERT_CN_INVALID 12038u
#define BSIM__WINHTTP_SECURE_INVALID_CA 12045u
#define BSIM__WINHTTP_SECURE_CERT_REVOKED 12170u
#define BSIM__WINHTTP_SECURE_CERT_WRONG_USAGE 12179u

/* Win32 errors for local file failures. */
#define BSIM__WIN32_WRITE_PROTECT 19u
#define BSIM__WIN32_WRITE_FAULT 29u
#define BSIM__WIN32_READ_FAULT 30u
#define BSIM__WIN32_FILE_TOO_LARGE 223u

/* BG_HTTP_REDIRECT_POLICY_* and the SSL flags of SetSecurityFlags
 * (reference §2.7). */
#define BSIM__SSL_ENABLE_CRL_CHECK 0x0001u
#define BSIM__SSL_IGNORE_CERT_CN_INVALID 0x0002u
#define BSIM__SSL_IGNORE_CERT_DATE_INVALID 0x0004u
#define BSIM__SSL_IGNORE_UNKNOWN_CA 0x0008u
#define BSIM__SSL_IGNORE_CERT_WRONG_USAGE 0x0010u
#define BSIM__REDIRECT_POLICY_ALLOW_SILENT 0x0000u
#define BSIM__REDIRECT_POLICY_ALLOW_REPORT 0x0100u
#define BSIM__REDIRECT_POLICY_DISALLOW 0x0200u
#define BSIM__REDIRECT_POLICY_MASK 0x0700u
#define BSIM__REDIRECT_ALLOW_HTTPS_TO_HTTP 0x0800u

/** Which leg of a job the request belonged to. */
enum bsim__xfer_phase {
  BSIM__PHASE_DOWNLOAD = 0, /* a download job's file */
  BSIM__PHASE_UPLOAD = 1,   /* a BITS_POST of the upload protocol (§9.1) */
  BSIM__PHASE_REPLY = 2,    /* the reply of an upload-reply job (§9) */
  BSIM__PHASE_COUNT         /* not a value */
};

/** Policies the reference leaves open (§10, §15), with their defaults. */
struct bsim__classify_policy {
  /** Disk full: 0 = fatal (ERROR; the application frees space and calls
   * Resume), 1 = transient. Unconfirmed; default 0. */
  int disk_full_transient;
  /** 429 Too Many Requests: 1 = transient (it postdates the §9.1 table,
   * which would make it fatal), 0 = fatal. Unconfirmed; default 1. */
  int status_429_transient;
};

/** Everything the transport saw about one request. Zero means "nothing of
 * that kind happened"; the first non-zero cause in the order of the fields
 * decides (a local write failure aborts the transfer, so it outranks the
 * curl code it causes). */
struct bsim__classify_in {
  enum bsim__xfer_phase phase;
  /** errno of a failed local file operation made by the transport (reading
   * an upload's source). */
  int local_errno;
  /** HRESULT of a failed local file operation made through the engine
   * (bsim__fs_write_at, bsim__fs_truncate). */
  bsim_hr local_hr;
  /** errno from opening or reading a file:// source. */
  int remote_errno;
  /** A response check the transport made failed: BG_E_MISSING_FILE_SIZE,
   * BG_E_INSUFFICIENT_RANGE_SUPPORT, BG_E_INVALID_SERVER_RESPONSE, ... */
  bsim_hr check_hr;
  /** The libcurl result (a CURLcode; 0 is CURLE_OK). */
  int curl_code;
  /** The last HTTP status received, 0 when none. */
  int http_status;
  /** BITS-Error-Code (or BITS-Error) of an upload server's Ack, 0 when
   * absent, and BITS-Error-Context (0x5 server, 0x7 server application). */
  bsim_hr server_hr;
  uint32_t server_context;
  /** The job's security flags (redirect policy bits matter here). */
  uint32_t security_flags;
  /** The TLS library's certificate verification result
   * (CURLINFO_SSL_VERIFYRESULT: OpenSSL's X509_V_ERR_* number), 0 when
   * verification passed or did not run. Refines a failed verification
   * into the WinHTTP error Windows reports (revoked, date, CA, usage). */
  long tls_verify_result;
};

/** Classify one outcome. policy may be NULL for the defaults.
 * Returns the result to hand to bsim__xfer_done; outcome OK has hr S_OK and
 * context NONE. */
struct bsim__xfer_result
bsim__classify(const struct bsim__classify_in *in,
               const struct bsim__classify_policy *policy);

/** Outcome of an HTTP status alone under the §9.1 table (used for statuses
 * the transport did not accept): OK for 2xx; fatal for 300–305 and 307,
 * 4xx but 408, 409 (and 429 per policy), 501 and 505; transient otherwise. */
enum bsim__xfer_outcome
bsim__classify_status(int status, const struct bsim__classify_policy *policy);

/** The HRESULT of a local errno (ENOSPC -> ERROR_DISK_FULL, EACCES ->
 * E_ACCESSDENIED, ENOENT -> path or file not found per phase, ...). */
bsim_hr bsim__classify_errno(int err, enum bsim__xfer_phase phase);

#endif /* BSIM_TRANSPORT_CLASSIFY_H */
