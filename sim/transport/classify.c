/* bitsim — the one place that turns a real transfer's outcome into what
 * BITS reports: OK, transient (TRANSIENT_ERROR, retried after the retry
 * delay) or fatal (ERROR), with the HRESULT and the error context
 * (reference §10 "Transient vs fatal", §9.1, §2.5). See classify.h.
 *
 * Causes are weighed in a fixed order: a local file failure, a failed
 * file:// source, a response check, then what libcurl said, then the upload
 * server's BITS-Error-Code, then the HTTP status. The first cause found
 * decides, because the later ones are usually its consequence (a full disk
 * makes the write callback fail, which makes curl return CURLE_WRITE_ERROR).
 */
#include <errno.h>

#include <curl/curl.h>

#include "transport/classify.h"

static const struct bsim__classify_policy default_policy = {
    .disk_full_transient = 0,
    .status_429_transient = 1,
};

static struct bsim__xfer_result make(enum bsim__xfer_outcome outcome,
                                     bsim_hr hr,
                                     enum bsim_error_context context,
                                     int http_status) {
  struct bsim__xfer_result r = {outcome, hr, context, http_status};
  return r;
}

static bsim_hr winhttp(uint32_t code) {
  return bsim_hr_from_win32(code);
}

bsim_hr bsim__classify_errno(int err, enum bsim__xfer_phase phase) {
  switch (err) {
  case ENOSPC:
  case EDQUOT:
    return BSIM_E_WIN32_DISK_FULL;
  case EACCES:
  case EPERM:
    return BSIM_E_ACCESSDENIED;
  case EROFS:
    return bsim_hr_from_win32(BSIM__WIN32_WRITE_PROTECT);
  case ENOENT:
    /* An upload reads one named file: its absence is "file not found"; a
     * download writes into a directory that must exist (reference §10). */
    return phase == BSIM__PHASE_UPLOAD ? BSIM_E_WIN32_FILE_NOT_FOUND
                                       : BSIM_E_WIN32_PATH_NOT_FOUND;
  case ENOTDIR:
    return BSIM_E_WIN32_PATH_NOT_FOUND;
  case EBUSY:
  case ETXTBSY:
    return BSIM_E_WIN32_SHARING_VIOLATION;
  case EFBIG:
    return bsim_hr_from_win32(BSIM__WIN32_FILE_TOO_LARGE);
  case ENOMEM:
    return BSIM_E_OUTOFMEMORY;
  default:
    return bsim_hr_from_win32(phase == BSIM__PHASE_UPLOAD
                                  ? BSIM__WIN32_READ_FAULT
                                  : BSIM__WIN32_WRITE_FAULT);
  }
}

/* Local file failures: context LOCAL_FILE. Access denied is the docs'
 * canonical fatal error; a missing directory does not come back by itself
 * either. A locked file or memory pressure pass, so they are transient. */
static struct bsim__xfer_result
local_file(bsim_hr hr, const struct bsim__classify_policy *policy) {
  enum bsim__xfer_outcome outcome = BSIM__XFER_FATAL;
  if (hr == BSIM_E_WIN32_SHARING_VIOLATION || hr == BSIM_E_OUTOFMEMORY ||
      hr == BSIM_E_DESTINATION_LOCKED) {
    outcome = BSIM__XFER_TRANSIENT;
  } else if (hr == BSIM_E_WIN32_DISK_FULL && policy->disk_full_transient) {
    outcome = BSIM__XFER_TRANSIENT;
  }
  return make(outcome, hr, BSIM_ERROR_CONTEXT_LOCAL_FILE, 0);
}

/* A file:// source (reference §10 "SMB / local"): path or file not found
 * and access denied are fatal; other read failures are transient. */
static struct bsim__xfer_result remote_file_errno(int err) {
  switch (err) {
  case ENOENT:
    return make(BSIM__XFER_FATAL, BSIM_E_WIN32_FILE_NOT_FOUND,
                BSIM_ERROR_CONTEXT_REMOTE_FILE, 0);
  case ENOTDIR:
    return make(BSIM__XFER_FATAL, BSIM_E_WIN32_PATH_NOT_FOUND,
                BSIM_ERROR_CONTEXT_REMOTE_FILE, 0);
  case EACCES:
  case EPERM:
  case EISDIR:
    return make(BSIM__XFER_FATAL, BSIM_E_ACCESSDENIED,
                BSIM_ERROR_CONTEXT_REMOTE_FILE, 0);
  default:
    return make(BSIM__XFER_TRANSIENT,
                bsim_hr_from_win32(BSIM__WIN32_READ_FAULT),
                BSIM_ERROR_CONTEXT_REMOTE_FILE, 0);
  }
}

/* Checks the transport makes on a response (reference §10, §9, §9.1). The
 * server will not grow Range support or a Content-Length by itself, so
 * those are fatal; a garbled response is transient (§10: WinHTTP's
 * "invalid server response" is among the transient examples), and so is a
 * session the server forgot (the client starts a new one, §9.1).
 * BG_E_REMOTE_FILE_CHANGED ("Resume to retry") lands in ERROR. */
static struct bsim__xfer_result check_failed(bsim_hr hr, int status) {
  enum bsim__xfer_outcome outcome = BSIM__XFER_FATAL;
  enum bsim_error_context context = BSIM_ERROR_CONTEXT_REMOTE_FILE;
  if (hr == BSIM_E_INVALID_SERVER_RESPONSE || hr == BSIM_E_SESSION_NOT_FOUND) {
    outcome = BSIM__XFER_TRANSIENT;
  }
  if (hr == BSIM_E_LOCAL_FILE_CHANGED) context = BSIM_ERROR_CONTEXT_LOCAL_FILE;
  return make(outcome, hr, context, status);
}

/* libcurl's result codes. Network failures are transient (connection
 * refused, reset, timeouts, DNS: reference §10); what the server or the
 * configuration will keep doing is fatal (TLS verification, CRL, too many
 * redirects, an unusable URL, credentials refused). */
struct curl_row {
  int code;
  bsim_hr hr; /* 0: HRESULT_FROM_WIN32(winhttp) */
  uint32_t winhttp;
  enum bsim__xfer_outcome outcome;
  enum bsim_error_context context;
};

#define T BSIM__XFER_TRANSIENT
#define F BSIM__XFER_FATAL
#define REMOTE BSIM_ERROR_CONTEXT_REMOTE_FILE
#define TRANSPORT BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT
#define LOCAL BSIM_ERROR_CONTEXT_LOCAL_FILE
/* BG_E_HTTP_ERROR_401 (reference §12: credentials refused is fatal). */
#define HR_HTTP_401 ((bsim_hr)(0x80190000u | 401u))
static const struct curl_row curl_rows[] = {
    {CURLE_UNSUPPORTED_PROTOCOL, 0, BSIM__WINHTTP_UNRECOGNIZED_SCHEME, F,
     REMOTE},
    {CURLE_URL_MALFORMAT, 0, BSIM__WINHTTP_INVALID_URL, F, REMOTE},
    {CURLE_COULDNT_RESOLVE_PROXY, 0, BSIM__WINHTTP_NAME_NOT_RESOLVED, T,
     TRANSPORT},
    {CURLE_COULDNT_RESOLVE_HOST, 0, BSIM__WINHTTP_NAME_NOT_RESOLVED, T, REMOTE},
    {CURLE_COULDNT_CONNECT, 0, BSIM__WINHTTP_CANNOT_CONNECT, T, REMOTE},
    {CURLE_PROXY, 0, BSIM__WINHTTP_CANNOT_CONNECT, T, TRANSPORT},
    {CURLE_WEIRD_SERVER_REPLY, 0, BSIM__WINHTTP_INVALID_SERVER_RESPONSE, T,
     REMOTE},
    {CURLE_HTTP2, 0, BSIM__WINHTTP_INVALID_SERVER_RESPONSE, T, REMOTE},
    {CURLE_HTTP2_STREAM, 0, BSIM__WINHTTP_INVALID_SERVER_RESPONSE, T, REMOTE},
    {CURLE_BAD_CONTENT_ENCODING, 0, BSIM__WINHTTP_INVALID_SERVER_RESPONSE, T,
     REMOTE},
    {CURLE_PARTIAL_FILE, 0, BSIM__WINHTTP_CONNECTION_ERROR, T, REMOTE},
    {CURLE_GOT_NOTHING, 0, BSIM__WINHTTP_CONNECTION_ERROR, T, REMOTE},
    {CURLE_SEND_ERROR, 0, BSIM__WINHTTP_CONNECTION_ERROR, T, REMOTE},
    {CURLE_RECV_ERROR, 0, BSIM__WINHTTP_CONNECTION_ERROR, T, REMOTE},
    {CURLE_SEND_FAIL_REWIND, 0, BSIM__WINHTTP_CONNECTION_ERROR, T, REMOTE},
    {CURLE_OPERATION_TIMEDOUT, 0, BSIM__WINHTTP_TIMEOUT, T, REMOTE},
    {CURLE_SSL_CONNECT_ERROR, 0, BSIM__WINHTTP_SECURE_CHANNEL_ERROR, T, REMOTE},
    {CURLE_SSL_CIPHER, 0, BSIM__WINHTTP_SECURE_CHANNEL_ERROR, T, REMOTE},
    {CURLE_PEER_FAILED_VERIFICATION, 0, BSIM__WINHTTP_SECURE_FAILURE, F,
     REMOTE},
    {CURLE_SSL_ISSUER_ERROR, 0, BSIM__WINHTTP_SECURE_FAILURE, F, REMOTE},
    {CURLE_SSL_PINNEDPUBKEYNOTMATCH, 0, BSIM__WINHTTP_SECURE_FAILURE, F,
     REMOTE},
    {CURLE_SSL_CACERT_BADFILE, 0, BSIM__WINHTTP_SECURE_FAILURE, F, TRANSPORT},
    {CURLE_SSL_CRL_BADFILE, 0, BSIM__WINHTTP_SECURE_CERT_REV_FAILED, F, REMOTE},
    {CURLE_SSL_INVALIDCERTSTATUS, 0, BSIM__WINHTTP_SECURE_CERT_REV_FAILED, F,
     REMOTE},
    {CURLE_SSL_CERTPROBLEM, 0, BSIM__WINHTTP_CLIENT_AUTH_CERT_NEEDED, F,
     REMOTE},
    {CURLE_SSL_CLIENTCERT, 0, BSIM__WINHTTP_CLIENT_AUTH_CERT_NEEDED, F, REMOTE},
    {CURLE_TOO_MANY_REDIRECTS, 0, BSIM__WINHTTP_REDIRECT_FAILED, F, REMOTE},
    {CURLE_LOGIN_DENIED, HR_HTTP_401, 0, F, REMOTE},
    {CURLE_AUTH_ERROR, HR_HTTP_401, 0, F, REMOTE},
    {CURLE_REMOTE_ACCESS_DENIED, BSIM_E_ACCESSDENIED, 0, F, REMOTE},
    {CURLE_REMOTE_FILE_NOT_FOUND, BSIM_E_WIN32_FILE_NOT_FOUND, 0, F, REMOTE},
    {CURLE_FILE_COULDNT_READ_FILE, BSIM_E_WIN32_FILE_NOT_FOUND, 0, F, REMOTE},
    {CURLE_RANGE_ERROR, BSIM_E_INSUFFICIENT_RANGE_SUPPORT, 0, F, REMOTE},
    {CURLE_BAD_DOWNLOAD_RESUME, BSIM_E_INSUFFICIENT_RANGE_SUPPORT, 0, F,
     REMOTE},
    {CURLE_FILESIZE_EXCEEDED, BSIM_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED, 0, F,
     REMOTE},
    {CURLE_WRITE_ERROR, 0, BSIM__WIN32_WRITE_FAULT, F, LOCAL},
    {CURLE_READ_ERROR, 0, BSIM__WIN32_READ_FAULT, F, LOCAL},
    {CURLE_OUT_OF_MEMORY, BSIM_E_OUTOFMEMORY, 0, T, TRANSPORT},
};
#undef T
#undef F
#undef REMOTE
#undef TRANSPORT
#undef LOCAL
#undef HR_HTTP_401

/* A failed certificate check, by OpenSSL's X509_V_ERR_* number (stable
 * across OpenSSL versions), as the WinHTTP error Windows reports for it.
 * All are fatal (reference §10: CRL failures are fatal; a certificate does
 * not mend itself between retries). 0: no refinement. */
static uint32_t tls_verify_winhttp(long verify_result) {
  switch (verify_result) {
  case 23: /* X509_V_ERR_CERT_REVOKED */
    return BSIM__WINHTTP_SECURE_CERT_REVOKED;
  case 3:  /* X509_V_ERR_UNABLE_TO_GET_CRL */
  case 8:  /* X509_V_ERR_CRL_SIGNATURE_FAILURE */
  case 11: /* X509_V_ERR_CRL_NOT_YET_VALID */
  case 12: /* X509_V_ERR_CRL_HAS_EXPIRED */
  case 33: /* X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER */
    return BSIM__WINHTTP_SECURE_CERT_REV_FAILED;
  case 9:  /* X509_V_ERR_CERT_NOT_YET_VALID */
  case 10: /* X509_V_ERR_CERT_HAS_EXPIRED */
    return BSIM__WINHTTP_SECURE_CERT_DATE_INVALID;
  case 2:  /* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT */
  case 18: /* X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT */
  case 19: /* X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN */
  case 20: /* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY */
  case 21: /* X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE */
    return BSIM__WINHTTP_SECURE_INVALID_CA;
  case 26: /* X509_V_ERR_INVALID_PURPOSE */
    return BSIM__WINHTTP_SECURE_CERT_WRONG_USAGE;
  case 62: /* X509_V_ERR_HOSTNAME_MISMATCH */
  case 64: /* X509_V_ERR_IP_ADDRESS_MISMATCH */
    return BSIM__WINHTTP_SECURE_CERT_CN_INVALID;
  default:
    return 0;
  }
}

static struct bsim__xfer_result curl_failed(int code, int status,
                                            long tls_verify_result) {
  uint32_t tls = tls_verify_winhttp(tls_verify_result);
  if (code == CURLE_PEER_FAILED_VERIFICATION && tls != 0) {
    return make(BSIM__XFER_FATAL, winhttp(tls), BSIM_ERROR_CONTEXT_REMOTE_FILE,
                status);
  }
  for (size_t i = 0; i < sizeof curl_rows / sizeof curl_rows[0]; i++) {
    const struct curl_row *row = &curl_rows[i];
    if (row->code != code) continue;
    bsim_hr hr = row->hr != 0 ? row->hr : winhttp(row->winhttp);
    return make(row->outcome, hr, row->context, status);
  }
  /* Anything else (an aborted callback without a recorded cause, a poll
   * failure, an internal error) is not known to be permanent: transient, so
   * the no-progress timeout bounds it. */
  return make(BSIM__XFER_TRANSIENT, BSIM_E_UNKNOWN_ERROR,
              BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT, status);
}

enum bsim__xfer_outcome
bsim__classify_status(int status, const struct bsim__classify_policy *policy) {
  if (policy == NULL) policy = &default_policy;
  if (status >= 200 && status < 300) return BSIM__XFER_OK;
  if (status >= 300 && status < 400) {
    return (status <= 305 || status == 307) ? BSIM__XFER_FATAL
                                            : BSIM__XFER_TRANSIENT;
  }
  if (status >= 400 && status < 500) {
    if (status == 408 || status == 409) return BSIM__XFER_TRANSIENT;
    if (status == 429 && policy->status_429_transient) {
      return BSIM__XFER_TRANSIENT;
    }
    return BSIM__XFER_FATAL;
  }
  if (status >= 500 && status < 600) {
    return (status == 501 || status == 505) ? BSIM__XFER_FATAL
                                            : BSIM__XFER_TRANSIENT;
  }
  return BSIM__XFER_TRANSIENT;
}

/* An HTTP status the transport did not accept. With the DISALLOW redirect
 * policy a redirect is fatal with HRESULT_FROM_WIN32(HTTP_STATUS_*), whose
 * numbers are the statuses themselves (reference §10 "Redirects"). */
static struct bsim__xfer_result
http_failed(int status, uint32_t security_flags,
            const struct bsim__classify_policy *policy) {
  uint32_t redirect = security_flags & BSIM__REDIRECT_POLICY_MASK;
  int is_redirect = status == 300 || status == 301 || status == 302 ||
                    status == 303 || status == 307 || status == 308;
  if (is_redirect && redirect == BSIM__REDIRECT_POLICY_DISALLOW) {
    return make(BSIM__XFER_FATAL, bsim_hr_from_win32((uint32_t)status),
                BSIM_ERROR_CONTEXT_REMOTE_FILE, status);
  }
  return make(bsim__classify_status(status, policy), bsim_hr_from_http(status),
              BSIM_ERROR_CONTEXT_REMOTE_FILE, status);
}

/* An upload server's Ack with BITS-Error-Code (reference §9.1): the code is
 * the server's; the status decides transient or fatal by the §9.1 table;
 * context 0x7 blames the server application. */
static struct bsim__xfer_result
server_failed(const struct bsim__classify_in *in,
              const struct bsim__classify_policy *policy) {
  enum bsim_error_context context =
      in->server_context == BSIM_ERROR_CONTEXT_REMOTE_APPLICATION
          ? BSIM_ERROR_CONTEXT_REMOTE_APPLICATION
          : BSIM_ERROR_CONTEXT_REMOTE_FILE;
  enum bsim__xfer_outcome outcome =
      in->http_status != 0 ? bsim__classify_status(in->http_status, policy)
                           : BSIM__XFER_TRANSIENT;
  if (outcome == BSIM__XFER_OK) outcome = BSIM__XFER_TRANSIENT;
  if (in->server_hr == BSIM_E_SESSION_NOT_FOUND) outcome = BSIM__XFER_TRANSIENT;
  return make(outcome, in->server_hr, context, in->http_status);
}

struct bsim__xfer_result
bsim__classify(const struct bsim__classify_in *in,
               const struct bsim__classify_policy *policy) {
  if (policy == NULL) policy = &default_policy;
  if (in->local_errno != 0) {
    return local_file(bsim__classify_errno(in->local_errno, in->phase), policy);
  }
  if (in->local_hr < 0) return local_file(in->local_hr, policy);
  if (in->remote_errno != 0) return remote_file_errno(in->remote_errno);
  if (in->check_hr < 0) return check_failed(in->check_hr, in->http_status);
  if (in->curl_code != CURLE_OK) {
    return curl_failed(in->curl_code, in->http_status, in->tls_verify_result);
  }
  if (in->server_hr < 0) return server_failed(in, policy);
  if (in->http_status != 0 &&
      (in->http_status < 200 || in->http_status > 299)) {
    return http_failed(in->http_status, in->security_flags, policy);
  }
  return make(BSIM__XFER_OK, BSIM_S_OK, BSIM_ERROR_CONTEXT_NONE,
              in->http_status);
}
