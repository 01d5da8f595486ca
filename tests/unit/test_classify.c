/* The outcome classification of real transfers (sim/transport/classify.c):
 * every row of its tables, written here a second time as literal BITS
 * numbers, so a change to a row has to change this file too. Covers
 * libcurl result codes (reference §10 "Transient vs fatal": network errors
 * transient, TLS verification fatal), HTTP statuses under the §9.1 table
 * (marked unconfirmed for downloads by the reference), the DISALLOW
 * redirect policy (§10 "Redirects"), local file errors (context LOCAL_FILE),
 * file:// sources, response checks (§10: missing size, no Range support),
 * upload servers' BITS-Error-Code and -Context (§9.1), the order in which
 * causes are weighed, and the two policy switches. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>

#include <curl/curl.h>

#include "bsim_test.h"
#include "internal.h"
#include "transport/classify.h"

#define T BSIM__XFER_TRANSIENT
#define F BSIM__XFER_FATAL
#define OK BSIM__XFER_OK
#define CTX_NONE BSIM_ERROR_CONTEXT_NONE
#define CTX_LOCAL BSIM_ERROR_CONTEXT_LOCAL_FILE
#define CTX_REMOTE BSIM_ERROR_CONTEXT_REMOTE_FILE
#define CTX_TRANSPORT BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT
#define CTX_APP BSIM_ERROR_CONTEXT_REMOTE_APPLICATION

struct expect {
  enum bsim__xfer_outcome outcome;
  uint32_t hr;
  enum bsim_error_context context;
};

static void check(const struct bsim__classify_in *in,
                  const struct bsim__classify_policy *policy,
                  struct expect want, const char *what) {
  struct bsim__xfer_result got = bsim__classify(in, policy);
  if (got.outcome != want.outcome || (uint32_t)got.hr != want.hr ||
      got.context != want.context) {
    print_error("%s: got outcome %d hr 0x%08X ctx %d, want %d 0x%08X %d\n",
                what, (int)got.outcome, (unsigned)got.hr, (int)got.context,
                (int)want.outcome, (unsigned)want.hr, (int)want.context);
    fail();
  }
}

struct curl_case {
  int code;
  struct expect want;
};

static const struct curl_case curl_cases[] = {
    {CURLE_UNSUPPORTED_PROTOCOL, {F, 0x80072EE6u, CTX_REMOTE}},
    {CURLE_URL_MALFORMAT, {F, 0x80072EE5u, CTX_REMOTE}},
    {CURLE_COULDNT_RESOLVE_PROXY, {T, 0x80072EE7u, CTX_TRANSPORT}},
    {CURLE_COULDNT_RESOLVE_HOST, {T, 0x80072EE7u, CTX_REMOTE}},
    {CURLE_COULDNT_CONNECT, {T, 0x80072EFDu, CTX_REMOTE}},
    {CURLE_PROXY, {T, 0x80072EFDu, CTX_TRANSPORT}},
    {CURLE_WEIRD_SERVER_REPLY, {T, 0x80072F78u, CTX_REMOTE}},
    {CURLE_HTTP2, {T, 0x80072F78u, CTX_REMOTE}},
    {CURLE_HTTP2_STREAM, {T, 0x80072F78u, CTX_REMOTE}},
    {CURLE_BAD_CONTENT_ENCODING, {T, 0x80072F78u, CTX_REMOTE}},
    {CURLE_PARTIAL_FILE, {T, 0x80072EFEu, CTX_REMOTE}},
    {CURLE_GOT_NOTHING, {T, 0x80072EFEu, CTX_REMOTE}},
    {CURLE_SEND_ERROR, {T, 0x80072EFEu, CTX_REMOTE}},
    {CURLE_RECV_ERROR, {T, 0x80072EFEu, CTX_REMOTE}},
    {CURLE_SEND_FAIL_REWIND, {T, 0x80072EFEu, CTX_REMOTE}},
    {CURLE_OPERATION_TIMEDOUT, {T, 0x80072EE2u, CTX_REMOTE}},
    {CURLE_SSL_CONNECT_ERROR, {T, 0x80072F7Du, CTX_REMOTE}},
    {CURLE_SSL_CIPHER, {T, 0x80072F7Du, CTX_REMOTE}},
    {CURLE_PEER_FAILED_VERIFICATION, {F, 0x80072F8Fu, CTX_REMOTE}},
    {CURLE_SSL_ISSUER_ERROR, {F, 0x80072F8Fu, CTX_REMOTE}},
    {CURLE_SSL_PINNEDPUBKEYNOTMATCH, {F, 0x80072F8Fu, CTX_REMOTE}},
    {CURLE_SSL_CACERT_BADFILE, {F, 0x80072F8Fu, CTX_TRANSPORT}},
    {CURLE_SSL_CRL_BADFILE, {F, 0x80072F19u, CTX_REMOTE}},
    {CURLE_SSL_INVALIDCERTSTATUS, {F, 0x80072F19u, CTX_REMOTE}},
    {CURLE_SSL_CERTPROBLEM, {F, 0x80072F0Cu, CTX_REMOTE}},
    {CURLE_SSL_CLIENTCERT, {F, 0x80072F0Cu, CTX_REMOTE}},
    {CURLE_TOO_MANY_REDIRECTS, {F, 0x80072F7Cu, CTX_REMOTE}},
    {CURLE_LOGIN_DENIED, {F, 0x80190191u, CTX_REMOTE}},
    {CURLE_AUTH_ERROR, {F, 0x80190191u, CTX_REMOTE}},
    {CURLE_REMOTE_ACCESS_DENIED, {F, 0x80070005u, CTX_REMOTE}},
    {CURLE_REMOTE_FILE_NOT_FOUND, {F, 0x80070002u, CTX_REMOTE}},
    {CURLE_FILE_COULDNT_READ_FILE, {F, 0x80070002u, CTX_REMOTE}},
    {CURLE_RANGE_ERROR, {F, 0x80200013u, CTX_REMOTE}},
    {CURLE_BAD_DOWNLOAD_RESUME, {F, 0x80200013u, CTX_REMOTE}},
    {CURLE_FILESIZE_EXCEEDED, {F, 0x80200064u, CTX_REMOTE}},
    {CURLE_WRITE_ERROR, {F, 0x8007001Du, CTX_LOCAL}},
    {CURLE_READ_ERROR, {F, 0x8007001Eu, CTX_LOCAL}},
    {CURLE_OUT_OF_MEMORY, {T, 0x8007000Eu, CTX_TRANSPORT}},
    /* Not in the table: transient BG_E_UNKNOWN_ERROR, so the no-progress
     * timeout bounds it. */
    {CURLE_ABORTED_BY_CALLBACK, {T, 0x8020003Du, CTX_TRANSPORT}},
    {CURLE_AGAIN, {T, 0x8020003Du, CTX_TRANSPORT}},
    {CURLE_UNRECOVERABLE_POLL, {T, 0x8020003Du, CTX_TRANSPORT}},
};

static void test_classify_curl_codes(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof curl_cases / sizeof curl_cases[0]; i++) {
    struct bsim__classify_in in = {0};
    in.curl_code = curl_cases[i].code;
    char what[64];
    snprintf(what, sizeof what, "curl code %d", curl_cases[i].code);
    check(&in, NULL, curl_cases[i].want, what);
  }
  /* A clean transfer with a 200 or 206 is OK, context NONE. */
  struct bsim__classify_in ok = {.http_status = 206};
  check(&ok, NULL, (struct expect){OK, 0, CTX_NONE}, "206");
  ok.http_status = 0; /* file:// has no status */
  check(&ok, NULL, (struct expect){OK, 0, CTX_NONE}, "no status");
}

/* A failed certificate check refined by OpenSSL's verify result into the
 * WinHTTP error Windows reports (reference §10: CRL failures fatal); all
 * fatal, context REMOTE_FILE. Without a known result: SECURE_FAILURE. */
static void test_classify_tls_verify_result(void **state) {
  (void)state;
  static const struct {
    long verify;
    uint32_t hr;
  } cases[] = {
      {23, 0x80072F8Au}, /* revoked: SECURE_CERT_REVOKED */
      {3, 0x80072F19u},  /* no CRL: SECURE_CERT_REV_FAILED */
      {8, 0x80072F19u},  {11, 0x80072F19u},
      {12, 0x80072F19u}, {33, 0x80072F19u},
      {9, 0x80072F05u},                    /* SECURE_CERT_DATE_INVALID */
      {10, 0x80072F05u}, {2, 0x80072F0Du}, /* SECURE_INVALID_CA */
      {18, 0x80072F0Du}, {19, 0x80072F0Du},
      {20, 0x80072F0Du}, {21, 0x80072F0Du},
      {26, 0x80072F93u}, /* SECURE_CERT_WRONG_USAGE */
      {62, 0x80072F06u}, /* SECURE_CERT_CN_INVALID */
      {64, 0x80072F06u}, {0, 0x80072F8Fu},
      {7, 0x80072F8Fu}, /* SECURE_FAILURE */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct bsim__classify_in in = {.curl_code = CURLE_PEER_FAILED_VERIFICATION,
                                   .tls_verify_result = cases[i].verify};
    char what[64];
    snprintf(what, sizeof what, "verify result %ld", cases[i].verify);
    check(&in, NULL, (struct expect){F, cases[i].hr, CTX_REMOTE}, what);
  }
  /* The result refines only a failed verification. */
  struct bsim__classify_in in = {.curl_code = CURLE_SSL_CONNECT_ERROR,
                                 .tls_verify_result = 23};
  check(&in, NULL, (struct expect){T, 0x80072F7Du, CTX_REMOTE}, "handshake");
}

struct status_case {
  int status;
  enum bsim__xfer_outcome outcome;
};

/* The §9.1 table applied to downloads: 3xx transient except 300-305, 307;
 * 4xx fatal except 408, 409 (429 per policy); 5xx transient except 501,
 * 505; anything else transient. */
static const struct status_case status_cases[] = {
    {100, T}, {199, T}, {200, OK}, {201, OK}, {206, OK}, {299, OK},
    {300, F}, {301, F}, {302, F},  {303, F},  {304, F},  {305, F},
    {306, T}, {307, F}, {308, T},  {399, T},  {400, F},  {401, F},
    {403, F}, {404, F}, {407, F},  {408, T},  {409, T},  {410, F},
    {416, F}, {429, T}, {499, F},  {500, T},  {501, F},  {502, T},
    {503, T}, {504, T}, {505, F},  {599, T},  {600, T},  {999, T},
};

static void test_classify_http_statuses(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof status_cases / sizeof status_cases[0]; i++) {
    const struct status_case *c = &status_cases[i];
    struct bsim__classify_in in = {.http_status = c->status};
    int ok = c->outcome == OK;
    struct expect want = {c->outcome,
                          ok ? 0u : 0x80190000u | (uint32_t)c->status,
                          ok ? CTX_NONE : CTX_REMOTE};
    char what[64];
    snprintf(what, sizeof what, "status %d", c->status);
    check(&in, NULL, want, what);
    assert_int_equal(bsim__classify_status(c->status, NULL), c->outcome);
  }
  /* BG_E_HTTP_ERROR_404 is 0x80190194 (reference §3). */
  struct bsim__classify_in in = {.http_status = 404};
  assert_int_equal((uint32_t)bsim__classify(&in, NULL).hr, 0x80190194u);
  assert_int_equal(bsim__classify(&in, NULL).http_status, 404);
}

static void test_classify_429_policy(void **state) {
  (void)state;
  struct bsim__classify_policy strict = {.status_429_transient = 0};
  struct bsim__classify_in in = {.http_status = 429};
  check(&in, &strict, (struct expect){F, 0x801901ADu, CTX_REMOTE}, "429");
  assert_int_equal(bsim__classify_status(429, &strict), F);
}

/* DISALLOW turns a redirect into a fatal HRESULT_FROM_WIN32(status)
 * (HTTP_STATUS_MOVED is 301, ...); the other policies leave a redirect that
 * reached the transport to the status table. */
static void test_classify_redirect_policy(void **state) {
  (void)state;
  static const int redirects[] = {300, 301, 302, 303, 307, 308};
  for (size_t i = 0; i < sizeof redirects / sizeof redirects[0]; i++) {
    struct bsim__classify_in in = {.http_status = redirects[i]};
    in.security_flags = BSIM__REDIRECT_POLICY_DISALLOW;
    char what[64];
    snprintf(what, sizeof what, "disallowed %d", redirects[i]);
    check(&in, NULL,
          (struct expect){F, 0x80070000u | (uint32_t)redirects[i], CTX_REMOTE},
          what);
  }
  struct bsim__classify_in in = {.http_status = 304};
  in.security_flags = BSIM__REDIRECT_POLICY_DISALLOW;
  check(&in, NULL, (struct expect){F, 0x80190130u, CTX_REMOTE}, "304");
  in.http_status = 308;
  in.security_flags = BSIM__REDIRECT_POLICY_ALLOW_REPORT;
  check(&in, NULL, (struct expect){T, 0x80190134u, CTX_REMOTE}, "308 report");
}

struct errno_case {
  int err;
  enum bsim__xfer_phase phase;
  struct expect want;
};

static const struct errno_case local_cases[] = {
    {ENOSPC, BSIM__PHASE_DOWNLOAD, {F, 0x80070070u, CTX_LOCAL}},
    {EDQUOT, BSIM__PHASE_DOWNLOAD, {F, 0x80070070u, CTX_LOCAL}},
    {EACCES, BSIM__PHASE_DOWNLOAD, {F, 0x80070005u, CTX_LOCAL}},
    {EPERM, BSIM__PHASE_UPLOAD, {F, 0x80070005u, CTX_LOCAL}},
    {EROFS, BSIM__PHASE_DOWNLOAD, {F, 0x80070013u, CTX_LOCAL}},
    {ENOENT, BSIM__PHASE_DOWNLOAD, {F, 0x80070003u, CTX_LOCAL}},
    {ENOENT, BSIM__PHASE_REPLY, {F, 0x80070003u, CTX_LOCAL}},
    {ENOENT, BSIM__PHASE_UPLOAD, {F, 0x80070002u, CTX_LOCAL}},
    {ENOTDIR, BSIM__PHASE_DOWNLOAD, {F, 0x80070003u, CTX_LOCAL}},
    {EBUSY, BSIM__PHASE_DOWNLOAD, {T, 0x80070020u, CTX_LOCAL}},
    {ETXTBSY, BSIM__PHASE_DOWNLOAD, {T, 0x80070020u, CTX_LOCAL}},
    {EFBIG, BSIM__PHASE_DOWNLOAD, {F, 0x800700DFu, CTX_LOCAL}},
    {ENOMEM, BSIM__PHASE_DOWNLOAD, {T, 0x8007000Eu, CTX_LOCAL}},
    {EIO, BSIM__PHASE_DOWNLOAD, {F, 0x8007001Du, CTX_LOCAL}},
    {EIO, BSIM__PHASE_UPLOAD, {F, 0x8007001Eu, CTX_LOCAL}},
};

static void test_classify_local_errno(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof local_cases / sizeof local_cases[0]; i++) {
    const struct errno_case *c = &local_cases[i];
    /* The local cause outranks the curl code and the status it caused. */
    struct bsim__classify_in in = {.phase = c->phase,
                                   .local_errno = c->err,
                                   .curl_code = CURLE_WRITE_ERROR,
                                   .http_status = 200};
    char what[64];
    snprintf(what, sizeof what, "errno %d phase %d", c->err, (int)c->phase);
    check(&in, NULL, c->want, what);
  }
}

/* A download's bytes reach disk through the engine's file layer, which
 * turns errno into an HRESULT (bsim__hr_from_errno, sim/util/hr.c): for
 * the errors a write can meet, that path must end where the transport's
 * own errno path does (disk full 0x80070070, file too large 0x800700DF,
 * ... with context LOCAL_FILE; reference §10). */
static void test_classify_engine_write_errno(void **state) {
  (void)state;
  static const int errs[] = {ENOSPC, EDQUOT,  EFBIG, EACCES,  EPERM,
                             ENOENT, ENOTDIR, EBUSY, ETXTBSY, ENOMEM};
  for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
    struct bsim__classify_in by_errno = {.phase = BSIM__PHASE_DOWNLOAD,
                                         .local_errno = errs[i],
                                         .curl_code = CURLE_WRITE_ERROR};
    struct bsim__classify_in by_hr = {.phase = BSIM__PHASE_DOWNLOAD,
                                      .local_hr = bsim__hr_from_errno(errs[i]),
                                      .curl_code = CURLE_WRITE_ERROR};
    struct bsim__xfer_result a = bsim__classify(&by_errno, NULL);
    struct bsim__xfer_result b = bsim__classify(&by_hr, NULL);
    if (a.hr != b.hr || a.outcome != b.outcome || a.context != b.context) {
      print_error("errno %d: 0x%08X/%d/%d vs engine 0x%08X/%d/%d\n", errs[i],
                  (unsigned)a.hr, (int)a.outcome, (int)a.context,
                  (unsigned)b.hr, (int)b.outcome, (int)b.context);
    }
    assert_int_equal((uint32_t)b.hr, (uint32_t)a.hr);
    assert_int_equal(b.outcome, a.outcome);
    assert_int_equal(b.context, a.context);
  }
  assert_int_equal((uint32_t)bsim__hr_from_errno(EFBIG), 0x800700DFu);
  assert_int_equal((uint32_t)bsim__hr_from_errno(ENOSPC), 0x80070070u);
}

/* Failures the engine's file layer reports as HRESULTs. */
static void test_classify_local_hr(void **state) {
  (void)state;
  struct bsim__classify_in in = {.local_hr = BSIM_E_WIN32_DISK_FULL,
                                 .curl_code = CURLE_WRITE_ERROR};
  check(&in, NULL, (struct expect){F, 0x80070070u, CTX_LOCAL}, "disk full");
  struct bsim__classify_policy lenient = {.disk_full_transient = 1,
                                          .status_429_transient = 1};
  check(&in, &lenient, (struct expect){T, 0x80070070u, CTX_LOCAL},
        "disk full, transient policy");
  in.local_hr = BSIM_E_ACCESSDENIED;
  check(&in, &lenient, (struct expect){F, 0x80070005u, CTX_LOCAL}, "denied");
  in.local_hr = BSIM_E_WIN32_PATH_NOT_FOUND;
  check(&in, NULL, (struct expect){F, 0x80070003u, CTX_LOCAL}, "no dir");
  in.local_hr = BSIM_E_DESTINATION_LOCKED;
  check(&in, NULL, (struct expect){T, 0x8020000Du, CTX_LOCAL}, "locked");
  in.local_hr = BSIM_E_WIN32_SHARING_VIOLATION;
  check(&in, NULL, (struct expect){T, 0x80070020u, CTX_LOCAL}, "sharing");
}

static void test_classify_file_source(void **state) {
  (void)state;
  static const struct errno_case cases[] = {
      {ENOENT, BSIM__PHASE_DOWNLOAD, {F, 0x80070002u, CTX_REMOTE}},
      {ENOTDIR, BSIM__PHASE_DOWNLOAD, {F, 0x80070003u, CTX_REMOTE}},
      {EACCES, BSIM__PHASE_DOWNLOAD, {F, 0x80070005u, CTX_REMOTE}},
      {EPERM, BSIM__PHASE_DOWNLOAD, {F, 0x80070005u, CTX_REMOTE}},
      {EISDIR, BSIM__PHASE_DOWNLOAD, {F, 0x80070005u, CTX_REMOTE}},
      {EIO, BSIM__PHASE_DOWNLOAD, {T, 0x8007001Eu, CTX_REMOTE}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct bsim__classify_in in = {.remote_errno = cases[i].err,
                                   .curl_code = CURLE_FILE_COULDNT_READ_FILE};
    char what[64];
    snprintf(what, sizeof what, "file source errno %d", cases[i].err);
    check(&in, NULL, cases[i].want, what);
  }
}

static void test_classify_checks(void **state) {
  (void)state;
  struct {
    bsim_hr hr;
    struct expect want;
  } cases[] = {
      {BSIM_E_MISSING_FILE_SIZE, {F, 0x80200011u, CTX_REMOTE}},
      {BSIM_E_INSUFFICIENT_RANGE_SUPPORT, {F, 0x80200013u, CTX_REMOTE}},
      {BSIM_E_INVALID_SERVER_RESPONSE, {T, 0x8020001Bu, CTX_REMOTE}},
      {BSIM_E_SESSION_NOT_FOUND, {T, 0x8020001Fu, CTX_REMOTE}},
      {BSIM_E_CLIENT_SERVER_PROTOCOL_MISMATCH, {F, 0x80200022u, CTX_REMOTE}},
      {BSIM_E_REMOTE_FILE_CHANGED, {F, 0x80200073u, CTX_REMOTE}},
      {BSIM_E_LOCAL_FILE_CHANGED, {F, 0x8020001Du, CTX_LOCAL}},
      {BSIM_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED, {F, 0x80200064u, CTX_REMOTE}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    /* A failed check aborts the transfer: it outranks the curl code. */
    struct bsim__classify_in in = {.check_hr = cases[i].hr,
                                   .curl_code = CURLE_WRITE_ERROR,
                                   .http_status = 200};
    check(&in, NULL, cases[i].want, bsim_hr_name(cases[i].hr));
    assert_int_equal(bsim__classify(&in, NULL).http_status, 200);
  }
}

/* Upload Acks with BITS-Error-Code (reference §9.1). */
static void test_classify_upload_server(void **state) {
  (void)state;
  struct bsim__classify_in in = {.phase = BSIM__PHASE_UPLOAD,
                                 .http_status = 500,
                                 .server_hr = BSIM_E_SESSION_NOT_FOUND,
                                 .server_context = 0x5};
  check(&in, NULL, (struct expect){T, 0x8020001Fu, CTX_REMOTE}, "session");
  in.http_status = 403;
  in.server_hr = BSIM_E_ACCESSDENIED;
  check(&in, NULL, (struct expect){F, 0x80070005u, CTX_REMOTE}, "403");
  in.http_status = 501;
  check(&in, NULL, (struct expect){F, 0x80070005u, CTX_REMOTE}, "501");
  in.http_status = 400;
  in.server_hr = BSIM_E_INVALIDARG;
  check(&in, NULL, (struct expect){F, 0x80070057u, CTX_REMOTE}, "400");
  in.http_status = 413;
  in.server_hr = BSIM_E_TOO_LARGE;
  check(&in, NULL, (struct expect){F, 0x80200020u, CTX_REMOTE}, "413");
  /* The server application (context 0x7) failed: REMOTE_APPLICATION, with
   * the §9.1 application table (408/409 and most 5xx transient). */
  in.server_context = 0x7;
  in.http_status = 409;
  in.server_hr = BSIM_E_FAIL;
  check(&in, NULL, (struct expect){T, 0x80004005u, CTX_APP}, "app 409");
  in.http_status = 503;
  check(&in, NULL, (struct expect){T, 0x80004005u, CTX_APP}, "app 503");
  in.http_status = 505;
  check(&in, NULL, (struct expect){F, 0x80004005u, CTX_APP}, "app 505");
  in.http_status = 302;
  check(&in, NULL, (struct expect){F, 0x80004005u, CTX_APP}, "app 302");
  in.http_status = 306;
  check(&in, NULL, (struct expect){T, 0x80004005u, CTX_APP}, "app 306");
  /* A BITS-Error-Code on a 2xx is a protocol oddity: transient. */
  in.http_status = 200;
  check(&in, NULL, (struct expect){T, 0x80004005u, CTX_APP}, "app 200");
  /* Without BITS-Error-Code the status decides, context REMOTE_FILE. */
  struct bsim__classify_in bare = {.phase = BSIM__PHASE_UPLOAD,
                                   .http_status = 404};
  check(&bare, NULL, (struct expect){F, 0x80190194u, CTX_REMOTE}, "bare 404");
}

/* The order of causes: local errno, local HRESULT, file source, check,
 * curl, server code, status. */
static void test_classify_precedence(void **state) {
  (void)state;
  struct bsim__classify_in in = {.local_errno = EACCES,
                                 .local_hr = BSIM_E_WIN32_DISK_FULL,
                                 .remote_errno = ENOENT,
                                 .check_hr = BSIM_E_MISSING_FILE_SIZE,
                                 .curl_code = CURLE_COULDNT_CONNECT,
                                 .http_status = 503,
                                 .server_hr = BSIM_E_FAIL};
  check(&in, NULL, (struct expect){F, 0x80070005u, CTX_LOCAL}, "errno");
  in.local_errno = 0;
  check(&in, NULL, (struct expect){F, 0x80070070u, CTX_LOCAL}, "local hr");
  in.local_hr = 0;
  check(&in, NULL, (struct expect){F, 0x80070002u, CTX_REMOTE}, "source");
  in.remote_errno = 0;
  check(&in, NULL, (struct expect){F, 0x80200011u, CTX_REMOTE}, "check");
  in.check_hr = 0;
  check(&in, NULL, (struct expect){T, 0x80072EFDu, CTX_REMOTE}, "curl");
  in.curl_code = 0;
  check(&in, NULL, (struct expect){T, 0x80004005u, CTX_REMOTE}, "server");
  in.server_hr = 0;
  check(&in, NULL, (struct expect){T, 0x801901F7u, CTX_REMOTE}, "status");
  /* Success codes in the HRESULT fields are not causes. */
  in.http_status = 200;
  in.local_hr = BSIM_S_OK;
  in.check_hr = BSIM_S_FALSE;
  check(&in, NULL, (struct expect){OK, 0, CTX_NONE}, "none");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_classify_curl_codes),
      cmocka_unit_test(test_classify_tls_verify_result),
      cmocka_unit_test(test_classify_http_statuses),
      cmocka_unit_test(test_classify_429_policy),
      cmocka_unit_test(test_classify_redirect_policy),
      cmocka_unit_test(test_classify_local_errno),
      cmocka_unit_test(test_classify_local_hr),
      cmocka_unit_test(test_classify_engine_write_errno),
      cmocka_unit_test(test_classify_file_source),
      cmocka_unit_test(test_classify_checks),
      cmocka_unit_test(test_classify_upload_server),
      cmocka_unit_test(test_classify_precedence),
  };
  return cmocka_run_group_tests_name("classify", tests, NULL, NULL);
}
