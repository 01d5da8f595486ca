/* The Windows headers seen from C (the issue "<bits.h> on Linux"): that a
 * C program written for Windows gets the same numbers, layouts and calls as
 * on Windows, and that they agree with the engine, so the binding can be a
 * cast (design.md "Codes are BITS's own numbers").
 *
 * - Type widths on LP64 (LONG, DWORD, HRESULT 32 bits; WCHAR = wchar_t) and
 *   FAILED(0x80200002L).
 * - Every BG_* code of <bitsmsg.h> (reference §3) and every generic code of
 *   <winerror.h> equals the engine's BSIM_* code; every row of BSIM_HR_MAP
 *   has its Windows name; BG_E_HTTP_ERROR_nnn = bsim_hr_from_http(nnn).
 * - Enum, flag and constant values (reference §2) equal the engine's, or the
 *   reference's numbers where the engine has no counterpart.
 * - Struct layouts equal the engine's (sizeof, offsetof) and the BG_*
 *   layouts of reference §2.12.
 * - IID and CLSID values (reference §1.1, §1.2), defined by libbitsim_win32.
 * - Every vtable slot of every interface (tests/win32/slots.h) by offsetof on
 *   the C structs, and the COBJMACROS macros calling the right slot with
 *   This and the arguments, on hand-built C objects.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "bitsim.h"

#define COBJMACROS
#include <windows.h>
#include <bits.h>

#include "slots.h"

/* ------------------------------------------------------------- types */

static void test_win32_type_widths(void **state) {
  (void)state;
  assert_int_equal(sizeof(LONG), 4);
  assert_int_equal(sizeof(ULONG), 4);
  assert_int_equal(sizeof(DWORD), 4);
  assert_int_equal(sizeof(BOOL), 4);
  assert_int_equal(sizeof(UINT), 4);
  assert_int_equal(sizeof(INT), 4);
  assert_int_equal(sizeof(HRESULT), 4);
  assert_int_equal(sizeof(WORD), 2);
  assert_int_equal(sizeof(BYTE), 1);
  assert_int_equal(sizeof(byte), 1);
  assert_int_equal(sizeof(UINT64), 8);
  assert_int_equal(sizeof(*(PUINT64)NULL), 8);
  assert_int_equal(sizeof(ULONGLONG), 8);
  assert_int_equal(sizeof(ULONG_PTR), sizeof(void *));
  assert_int_equal(sizeof(SIZE_T), sizeof(size_t));
  assert_int_equal(sizeof(WCHAR), sizeof(wchar_t));
  assert_int_equal(sizeof(FILETIME), 8);
  assert_int_equal(sizeof(GUID), 16);
  assert_int_equal(sizeof(HANDLE), sizeof(void *));
  /* Signedness as on Windows. */
  assert_true((LONG)-1 < 0);
  assert_true((HRESULT)-1 < 0);
  assert_true((DWORD)-1 > 0);
  assert_true((ULONG)-1 > 0);
  /* WCHAR is the type of L"..." elements. */
  assert_int_equal(_Generic((LPCWSTR)NULL, const wchar_t * : 1, default : 0),
                   1);
  LPCWSTR name = L"job";
  assert_int_equal(name[2], L'b');
  assert_int_equal(TRUE, 1);
  assert_int_equal(FALSE, 0);
  assert_int_equal(INFINITE, 0xFFFFFFFFu);
  assert_int_equal(WAIT_OBJECT_0, 0);
  assert_int_equal(WAIT_TIMEOUT, 258);
  assert_int_equal(MAX_PATH, BSIM_MAX_PATH_CHARS);
}

static void test_win32_failed_and_succeeded(void **state) {
  (void)state;
  /* On LP64 0x80200002L is a positive long; FAILED casts to HRESULT. */
  assert_true(FAILED(0x80200002L));
  assert_false(SUCCEEDED(0x80200002L));
  assert_true(FAILED(BG_E_INVALID_STATE));
  assert_true(SUCCEEDED(S_FALSE));
  assert_true(SUCCEEDED(BG_S_PARTIAL_COMPLETE));
  assert_true(FAILED(E_FAIL));
  assert_true(BG_E_NOT_FOUND < 0);
  /* An engine code compares equal to the Windows constant, in a switch too. */
  HRESULT hr = BSIM_E_INVALID_STATE;
  assert_true(hr == BG_E_INVALID_STATE);
  int matched = 0;
  switch (hr) {
  case BG_E_INVALID_STATE:
    matched = 1;
    break;
  default:
    break;
  }
  assert_int_equal(matched, 1);
  assert_int_equal(HRESULT_FACILITY(BG_E_EMPTY), FACILITY_BACKGROUNDCOPY);
  assert_int_equal(HRESULT_FACILITY(BG_E_HTTP_ERROR_404), FACILITY_HTTP);
  assert_int_equal(HRESULT_CODE(BG_E_HTTP_ERROR_404), 404);
  assert_int_equal(MAKE_HRESULT(SEVERITY_ERROR, FACILITY_BACKGROUNDCOPY, 2),
                   BG_E_INVALID_STATE);
  assert_int_equal(HRESULT_FROM_WIN32(ERROR_SUCCESS), S_OK);
  assert_int_equal(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), E_ACCESSDENIED);
  assert_int_equal(HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND),
                   bsim_hr_from_win32(2));
}

#define STRINGIFY_(x) #x
#define EXPANDED(x) STRINGIFY_(x)

static void test_win32_com_and_win32_constants(void **state) {
  (void)state;
  /* The values COM and the Win32 API use on Windows. */
  assert_int_equal(COINIT_MULTITHREADED, 0x0);
  assert_int_equal(COINIT_APARTMENTTHREADED, 0x2);
  assert_int_equal(COINIT_DISABLE_OLE1DDE, 0x4);
  assert_int_equal(CLSCTX_INPROC_SERVER, 0x1);
  assert_int_equal(CLSCTX_LOCAL_SERVER, 0x4);
  assert_int_equal(CLSCTX_ALL, 0x17);
  assert_int_equal(WAIT_FAILED, 0xFFFFFFFFu);
  assert_int_equal(WAIT_ABANDONED, 0x80);
  assert_int_equal(MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), 0x0409);
  assert_int_equal(LANG_USER_DEFAULT, 0x0400);
  assert_int_equal(PRIMARYLANGID(0x0409), LANG_ENGLISH);
  assert_int_equal(IS_ERROR(E_FAIL), 1);
  assert_int_equal(IS_ERROR(S_FALSE), 0);
  assert_int_equal(HRESULT_SEVERITY(BG_E_EMPTY), SEVERITY_ERROR);
  assert_int_equal(NOERROR, S_OK);
  /* Only the wide forms exist: the generic names and TEXT() map to them. */
  assert_string_equal(EXPANDED(CreateEvent), "CreateEventW");
  assert_int_equal(_Generic(TEXT("x"), wchar_t * : 1, default : 0), 1);
  assert_int_equal(_Generic(OLESTR("x"), wchar_t * : 1, default : 0), 1);
  /* Declarations only, until the runtime: their types are the Windows
   * ones (unevaluated, so nothing needs to link). */
  assert_int_equal(sizeof(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL,
                                           CLSCTX_LOCAL_SERVER,
                                           &IID_IBackgroundCopyManager, NULL)),
                   sizeof(HRESULT));
  assert_int_equal(sizeof(WaitForSingleObject(NULL, INFINITE)), sizeof(DWORD));
  assert_int_equal(sizeof(CoTaskMemAlloc(16)), sizeof(void *));
}

/* ------------------------------------------------------------- codes */

struct code_pair {
  const char *name;
  HRESULT win;
  bsim_hr engine;
};

/* Every code in both vocabularies; the BG_ part is the whole of reference
 * §3.1 and §3.2. */
#define PAIR(win, engine)                                                      \
  { #win, win, engine }
static const struct code_pair code_pairs[] = {
    PAIR(S_OK, BSIM_S_OK),
    PAIR(S_FALSE, BSIM_S_FALSE),
    PAIR(E_PENDING, BSIM_E_PENDING),
    PAIR(E_NOTIMPL, BSIM_E_NOTIMPL),
    PAIR(E_NOINTERFACE, BSIM_E_NOINTERFACE),
    PAIR(E_POINTER, BSIM_E_POINTER),
    PAIR(E_FAIL, BSIM_E_FAIL),
    PAIR(E_UNEXPECTED, BSIM_E_UNEXPECTED),
    PAIR(E_ACCESSDENIED, BSIM_E_ACCESSDENIED),
    PAIR(E_OUTOFMEMORY, BSIM_E_OUTOFMEMORY),
    PAIR(E_INVALIDARG, BSIM_E_INVALIDARG),
    PAIR(HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), BSIM_E_WIN32_FILE_NOT_FOUND),
    PAIR(HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND), BSIM_E_WIN32_PATH_NOT_FOUND),
    PAIR(HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION),
         BSIM_E_WIN32_SHARING_VIOLATION),
    PAIR(HRESULT_FROM_WIN32(ERROR_DISK_FULL), BSIM_E_WIN32_DISK_FULL),
    PAIR(HRESULT_FROM_WIN32(ERROR_BUSY), BSIM_E_BUSY),
    PAIR(HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS), BSIM_E_ALREADY_EXISTS),
    PAIR(HRESULT_FROM_WIN32(ERROR_TIMEOUT), BSIM_E_WAIT_TIMEOUT),
    PAIR(HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT), BSIM_E_WINHTTP_TIMEOUT),
    PAIR(HRESULT_FROM_WIN32(ERROR_WINHTTP_NAME_NOT_RESOLVED),
         BSIM_E_WINHTTP_NAME_NOT_RESOLVED),
    PAIR(HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CONNECT),
         BSIM_E_WINHTTP_CANNOT_CONNECT),
    PAIR(HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR),
         BSIM_E_WINHTTP_CONNECTION_ERROR),
    PAIR(HRESULT_FROM_WIN32(ERROR_WINHTTP_INVALID_SERVER_RESPONSE),
         BSIM_E_WINHTTP_INVALID_SERVER_RESPONSE),
    PAIR(BG_S_ERROR_CONTEXT_NONE, BSIM_S_ERROR_CONTEXT_NONE),
    PAIR(BG_S_PARTIAL_COMPLETE, BSIM_S_PARTIAL_COMPLETE),
    PAIR(BG_S_UNABLE_TO_DELETE_FILES, BSIM_S_UNABLE_TO_DELETE_FILES),
    PAIR(BG_S_PROXY_CHANGED, BSIM_S_PROXY_CHANGED),
    PAIR(BG_S_OVERRIDDEN_BY_POLICY, BSIM_S_OVERRIDDEN_BY_POLICY),
    PAIR(BG_E_NOT_FOUND, BSIM_E_NOT_FOUND),
    PAIR(BG_E_INVALID_STATE, BSIM_E_INVALID_STATE),
    PAIR(BG_E_EMPTY, BSIM_E_EMPTY),
    PAIR(BG_E_FILE_NOT_AVAILABLE, BSIM_E_FILE_NOT_AVAILABLE),
    PAIR(BG_E_PROTOCOL_NOT_AVAILABLE, BSIM_E_PROTOCOL_NOT_AVAILABLE),
    PAIR(BG_E_ERROR_CONTEXT_UNKNOWN, BSIM_E_ERROR_CONTEXT_UNKNOWN),
    PAIR(BG_E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER,
         BSIM_E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER),
    PAIR(BG_E_ERROR_CONTEXT_LOCAL_FILE, BSIM_E_ERROR_CONTEXT_LOCAL_FILE),
    PAIR(BG_E_ERROR_CONTEXT_REMOTE_FILE, BSIM_E_ERROR_CONTEXT_REMOTE_FILE),
    PAIR(BG_E_ERROR_CONTEXT_GENERAL_TRANSPORT,
         BSIM_E_ERROR_CONTEXT_GENERAL_TRANSPORT),
    PAIR(BG_E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION,
         BSIM_E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION),
    PAIR(BG_E_DESTINATION_LOCKED, BSIM_E_DESTINATION_LOCKED),
    PAIR(BG_E_VOLUME_CHANGED, BSIM_E_VOLUME_CHANGED),
    PAIR(BG_E_ERROR_INFORMATION_UNAVAILABLE,
         BSIM_E_ERROR_INFORMATION_UNAVAILABLE),
    PAIR(BG_E_NETWORK_DISCONNECTED, BSIM_E_NETWORK_DISCONNECTED),
    PAIR(BG_E_MISSING_FILE_SIZE, BSIM_E_MISSING_FILE_SIZE),
    PAIR(BG_E_INSUFFICIENT_HTTP_SUPPORT, BSIM_E_INSUFFICIENT_HTTP_SUPPORT),
    PAIR(BG_E_INSUFFICIENT_RANGE_SUPPORT, BSIM_E_INSUFFICIENT_RANGE_SUPPORT),
    PAIR(BG_E_REMOTE_NOT_SUPPORTED, BSIM_E_REMOTE_NOT_SUPPORTED),
    PAIR(BG_E_NEW_OWNER_DIFF_MAPPING, BSIM_E_NEW_OWNER_DIFF_MAPPING),
    PAIR(BG_E_NEW_OWNER_NO_FILE_ACCESS, BSIM_E_NEW_OWNER_NO_FILE_ACCESS),
    PAIR(BG_E_PROXY_LIST_TOO_LARGE, BSIM_E_PROXY_LIST_TOO_LARGE),
    PAIR(BG_E_PROXY_BYPASS_LIST_TOO_LARGE, BSIM_E_PROXY_BYPASS_LIST_TOO_LARGE),
    PAIR(BG_E_INVALID_SERVER_RESPONSE, BSIM_E_INVALID_SERVER_RESPONSE),
    PAIR(BG_E_TOO_MANY_FILES, BSIM_E_TOO_MANY_FILES),
    PAIR(BG_E_LOCAL_FILE_CHANGED, BSIM_E_LOCAL_FILE_CHANGED),
    PAIR(BG_E_ERROR_CONTEXT_REMOTE_APPLICATION,
         BSIM_E_ERROR_CONTEXT_REMOTE_APPLICATION),
    PAIR(BG_E_SESSION_NOT_FOUND, BSIM_E_SESSION_NOT_FOUND),
    PAIR(BG_E_TOO_LARGE, BSIM_E_TOO_LARGE),
    PAIR(BG_E_STRING_TOO_LONG, BSIM_E_STRING_TOO_LONG),
    PAIR(BG_E_CLIENT_SERVER_PROTOCOL_MISMATCH,
         BSIM_E_CLIENT_SERVER_PROTOCOL_MISMATCH),
    PAIR(BG_E_SERVER_EXECUTE_ENABLE, BSIM_E_SERVER_EXECUTE_ENABLE),
    PAIR(BG_E_NO_PROGRESS, BSIM_E_NO_PROGRESS),
    PAIR(BG_E_USERNAME_TOO_LARGE, BSIM_E_USERNAME_TOO_LARGE),
    PAIR(BG_E_PASSWORD_TOO_LARGE, BSIM_E_PASSWORD_TOO_LARGE),
    PAIR(BG_E_INVALID_AUTH_TARGET, BSIM_E_INVALID_AUTH_TARGET),
    PAIR(BG_E_INVALID_AUTH_SCHEME, BSIM_E_INVALID_AUTH_SCHEME),
    PAIR(BG_E_FILE_NOT_FOUND, BSIM_E_FILE_NOT_FOUND),
    PAIR(BG_E_INVALID_RANGE, BSIM_E_INVALID_RANGE),
    PAIR(BG_E_OVERLAPPING_RANGES, BSIM_E_OVERLAPPING_RANGES),
    PAIR(BG_E_CONNECT_FAILURE, BSIM_E_CONNECT_FAILURE),
    PAIR(BG_E_CONNECTION_CLOSED, BSIM_E_CONNECTION_CLOSED),
    PAIR(BG_E_KEEP_ALIVE_FAILURE, BSIM_E_KEEP_ALIVE_FAILURE),
    PAIR(BG_E_MESSAGE_LENGTH_LIMIT_EXCEEDED,
         BSIM_E_MESSAGE_LENGTH_LIMIT_EXCEEDED),
    PAIR(BG_E_NAME_RESOLUTION_FAILURE, BSIM_E_NAME_RESOLUTION_FAILURE),
    PAIR(BG_E_PENDING, BSIM_E_BG_PENDING),
    PAIR(BG_E_PIPELINE_FAILURE, BSIM_E_PIPELINE_FAILURE),
    PAIR(BG_E_PROTOCOL_ERROR, BSIM_E_PROTOCOL_ERROR),
    PAIR(BG_E_PROXY_NAME_RESOLUTION_FAILURE,
         BSIM_E_PROXY_NAME_RESOLUTION_FAILURE),
    PAIR(BG_E_RECEIVE_FAILURE, BSIM_E_RECEIVE_FAILURE),
    PAIR(BG_E_REQUEST_CANCELED, BSIM_E_REQUEST_CANCELED),
    PAIR(BG_E_SECURE_CHANNEL_FAILURE, BSIM_E_SECURE_CHANNEL_FAILURE),
    PAIR(BG_E_SEND_FAILURE, BSIM_E_SEND_FAILURE),
    PAIR(BG_E_SERVER_PROTOCOL_VIOLATION, BSIM_E_SERVER_PROTOCOL_VIOLATION),
    PAIR(BG_E_TIMEOUT, BSIM_E_BG_TIMEOUT),
    PAIR(BG_E_TRUST_FAILURE, BSIM_E_TRUST_FAILURE),
    PAIR(BG_E_UNKNOWN_ERROR, BSIM_E_UNKNOWN_ERROR),
    PAIR(BG_E_BLOCKED_BY_POLICY, BSIM_E_BLOCKED_BY_POLICY),
    PAIR(BG_E_INVALID_PROXY_INFO, BSIM_E_INVALID_PROXY_INFO),
    PAIR(BG_E_INVALID_CREDENTIALS, BSIM_E_INVALID_CREDENTIALS),
    PAIR(BG_E_INVALID_HASH_ALGORITHM, BSIM_E_INVALID_HASH_ALGORITHM),
    PAIR(BG_E_RECORD_DELETED, BSIM_E_RECORD_DELETED),
    PAIR(BG_E_COMMIT_IN_PROGRESS, BSIM_E_COMMIT_IN_PROGRESS),
    PAIR(BG_E_DISCOVERY_IN_PROGRESS, BSIM_E_DISCOVERY_IN_PROGRESS),
    PAIR(BG_E_UPNP_ERROR, BSIM_E_UPNP_ERROR),
    PAIR(BG_E_TEST_OPTION_BLOCKED_DOWNLOAD,
         BSIM_E_TEST_OPTION_BLOCKED_DOWNLOAD),
    PAIR(BG_E_PEERCACHING_DISABLED, BSIM_E_PEERCACHING_DISABLED),
    PAIR(BG_E_BUSYCACHERECORD, BSIM_E_BUSYCACHERECORD),
    PAIR(BG_E_TOO_MANY_JOBS_PER_USER, BSIM_E_TOO_MANY_JOBS_PER_USER),
    PAIR(BG_E_TOO_MANY_JOBS_PER_MACHINE, BSIM_E_TOO_MANY_JOBS_PER_MACHINE),
    PAIR(BG_E_TOO_MANY_FILES_IN_JOB, BSIM_E_TOO_MANY_FILES_IN_JOB),
    PAIR(BG_E_TOO_MANY_RANGES_IN_FILE, BSIM_E_TOO_MANY_RANGES_IN_FILE),
    PAIR(BG_E_VALIDATION_FAILED, BSIM_E_VALIDATION_FAILED),
    PAIR(BG_E_MAXDOWNLOAD_TIMEOUT, BSIM_E_MAXDOWNLOAD_TIMEOUT),
    PAIR(BG_E_TOKEN_REQUIRED, BSIM_E_TOKEN_REQUIRED),
    PAIR(BG_E_UNKNOWN_PROPERTY_ID, BSIM_E_UNKNOWN_PROPERTY_ID),
    PAIR(BG_E_READ_ONLY_PROPERTY, BSIM_E_READ_ONLY_PROPERTY),
    PAIR(BG_E_BLOCKED_BY_COST_TRANSFER_POLICY,
         BSIM_E_BLOCKED_BY_COST_TRANSFER_POLICY),
    PAIR(BG_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY,
         BSIM_E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY),
    PAIR(BG_E_READ_ONLY_PROPERTY_AFTER_ADDFILE,
         BSIM_E_READ_ONLY_PROPERTY_AFTER_ADDFILE),
    PAIR(BG_E_READ_ONLY_PROPERTY_AFTER_RESUME,
         BSIM_E_READ_ONLY_PROPERTY_AFTER_RESUME),
    PAIR(BG_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE,
         BSIM_E_MAX_DOWNLOAD_SIZE_INVALID_VALUE),
    PAIR(BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED,
         BSIM_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED),
    PAIR(BG_E_STANDBY_MODE, BSIM_E_STANDBY_MODE),
    PAIR(BG_E_USE_STORED_CREDENTIALS_NOT_SUPPORTED,
         BSIM_E_USE_STORED_CREDENTIALS_NOT_SUPPORTED),
    PAIR(BG_E_BLOCKED_BY_BATTERY_POLICY, BSIM_E_BLOCKED_BY_BATTERY_POLICY),
    PAIR(BG_E_BLOCKED_BY_BATTERY_SAVER, BSIM_E_BLOCKED_BY_BATTERY_SAVER),
    PAIR(BG_E_WATCHDOG_TIMEOUT, BSIM_E_WATCHDOG_TIMEOUT),
    PAIR(BG_E_APP_PACKAGE_NOT_FOUND, BSIM_E_APP_PACKAGE_NOT_FOUND),
    PAIR(BG_E_APP_PACKAGE_SCENARIO_NOT_SUPPORTED,
         BSIM_E_APP_PACKAGE_SCENARIO_NOT_SUPPORTED),
    PAIR(BG_E_DATABASE_CORRUPT, BSIM_E_DATABASE_CORRUPT),
    PAIR(BG_E_RANDOM_ACCESS_NOT_SUPPORTED, BSIM_E_RANDOM_ACCESS_NOT_SUPPORTED),
    PAIR(BG_E_BLOCKED_BY_BACKGROUND_ACCESS_POLICY,
         BSIM_E_BLOCKED_BY_BACKGROUND_ACCESS_POLICY),
    PAIR(BG_E_BLOCKED_BY_GAME_MODE, BSIM_E_BLOCKED_BY_GAME_MODE),
    PAIR(BG_E_BLOCKED_BY_SYSTEM_POLICY, BSIM_E_BLOCKED_BY_SYSTEM_POLICY),
    PAIR(BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD,
         BSIM_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD),
    PAIR(BG_E_UNSUPPORTED_JOB_CONFIGURATION,
         BSIM_E_UNSUPPORTED_JOB_CONFIGURATION),
    PAIR(BG_E_REMOTE_FILE_CHANGED, BSIM_E_REMOTE_FILE_CHANGED),
    PAIR(BG_E_SERVER_CERT_VALIDATION_INTERFACE_REQUIRED,
         BSIM_E_SERVER_CERT_VALIDATION_INTERFACE_REQUIRED),
    PAIR(BG_E_READ_ONLY_WHEN_JOB_ACTIVE, BSIM_E_READ_ONLY_WHEN_JOB_ACTIVE),
    PAIR(BG_E_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK,
         BSIM_E_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK),
};
#undef PAIR
#define CODE_PAIRS (sizeof code_pairs / sizeof code_pairs[0])

static int is_bits_facility(int32_t hr) {
  return (((uint32_t)hr >> 16) & 0x1fffu) == 0x20u;
}

static void test_win32_codes_equal_engine(void **state) {
  (void)state;
  size_t bits_rows = 0;
  for (size_t i = 0; i < CODE_PAIRS; i++) {
    if (code_pairs[i].win != code_pairs[i].engine) {
      print_error("%s = 0x%08x, engine 0x%08x\n", code_pairs[i].name,
                  (unsigned)code_pairs[i].win, (unsigned)code_pairs[i].engine);
      fail();
    }
    if (is_bits_facility(code_pairs[i].win)) bits_rows++;
  }
  /* Both directions: every engine code has its Windows name above, and
   * the BG_ codes above are as many as the engine's BITS-facility codes. */
  static const int32_t engine[] = {
#define ROW(name, value, msg) (int32_t)(value##u),
      BSIM_HR_MAP(ROW)
#undef ROW
  };
  size_t engine_bits = 0;
  for (size_t e = 0; e < sizeof engine / sizeof engine[0]; e++) {
    int found = 0;
    for (size_t i = 0; i < CODE_PAIRS && !found; i++) {
      found = code_pairs[i].engine == engine[e];
    }
    if (!found) {
      print_error("engine code 0x%08x has no Windows name\n",
                  (unsigned)engine[e]);
      fail();
    }
    if (is_bits_facility(engine[e])) engine_bits++;
  }
  assert_int_equal(bits_rows, engine_bits);
  assert_int_equal(CODE_PAIRS, sizeof engine / sizeof engine[0]);
}

static void test_win32_http_codes(void **state) {
  (void)state;
  static const struct {
    int status;
    HRESULT code;
  } http[] = {
      {100, BG_E_HTTP_ERROR_100}, {101, BG_E_HTTP_ERROR_101},
      {200, BG_E_HTTP_ERROR_200}, {201, BG_E_HTTP_ERROR_201},
      {202, BG_E_HTTP_ERROR_202}, {203, BG_E_HTTP_ERROR_203},
      {204, BG_E_HTTP_ERROR_204}, {205, BG_E_HTTP_ERROR_205},
      {206, BG_E_HTTP_ERROR_206}, {300, BG_E_HTTP_ERROR_300},
      {301, BG_E_HTTP_ERROR_301}, {302, BG_E_HTTP_ERROR_302},
      {303, BG_E_HTTP_ERROR_303}, {304, BG_E_HTTP_ERROR_304},
      {305, BG_E_HTTP_ERROR_305}, {307, BG_E_HTTP_ERROR_307},
      {400, BG_E_HTTP_ERROR_400}, {401, BG_E_HTTP_ERROR_401},
      {402, BG_E_HTTP_ERROR_402}, {403, BG_E_HTTP_ERROR_403},
      {404, BG_E_HTTP_ERROR_404}, {405, BG_E_HTTP_ERROR_405},
      {406, BG_E_HTTP_ERROR_406}, {407, BG_E_HTTP_ERROR_407},
      {408, BG_E_HTTP_ERROR_408}, {409, BG_E_HTTP_ERROR_409},
      {410, BG_E_HTTP_ERROR_410}, {411, BG_E_HTTP_ERROR_411},
      {412, BG_E_HTTP_ERROR_412}, {413, BG_E_HTTP_ERROR_413},
      {414, BG_E_HTTP_ERROR_414}, {415, BG_E_HTTP_ERROR_415},
      {416, BG_E_HTTP_ERROR_416}, {417, BG_E_HTTP_ERROR_417},
      {449, BG_E_HTTP_ERROR_449}, {500, BG_E_HTTP_ERROR_500},
      {501, BG_E_HTTP_ERROR_501}, {502, BG_E_HTTP_ERROR_502},
      {503, BG_E_HTTP_ERROR_503}, {504, BG_E_HTTP_ERROR_504},
      {505, BG_E_HTTP_ERROR_505},
  };
  for (size_t i = 0; i < sizeof http / sizeof http[0]; i++) {
    assert_int_equal(http[i].code, bsim_hr_from_http(http[i].status));
    assert_true(FAILED(http[i].code));
  }
  assert_int_equal((uint32_t)BG_E_HTTP_ERROR_404, 0x80190194u);
  assert_int_equal(BITS_MC_JOB_CANCELLED, 0x80194000u);
  assert_int_equal(BITS_MC_WSD_PORT, 0x8019400Bu);
}

/* ------------------------------------------------------------- enums */

static void test_win32_enums_equal_engine(void **state) {
  (void)state;
  assert_int_equal(sizeof(BG_JOB_STATE), 4);
  assert_int_equal(BG_JOB_STATE_QUEUED, BSIM_JOB_STATE_QUEUED);
  assert_int_equal(BG_JOB_STATE_CONNECTING, BSIM_JOB_STATE_CONNECTING);
  assert_int_equal(BG_JOB_STATE_TRANSFERRING, BSIM_JOB_STATE_TRANSFERRING);
  assert_int_equal(BG_JOB_STATE_SUSPENDED, BSIM_JOB_STATE_SUSPENDED);
  assert_int_equal(BG_JOB_STATE_ERROR, BSIM_JOB_STATE_ERROR);
  assert_int_equal(BG_JOB_STATE_TRANSIENT_ERROR,
                   BSIM_JOB_STATE_TRANSIENT_ERROR);
  assert_int_equal(BG_JOB_STATE_TRANSFERRED, BSIM_JOB_STATE_TRANSFERRED);
  assert_int_equal(BG_JOB_STATE_ACKNOWLEDGED, BSIM_JOB_STATE_ACKNOWLEDGED);
  assert_int_equal(BG_JOB_STATE_CANCELLED, BSIM_JOB_STATE_CANCELLED);
  assert_int_equal(BG_JOB_STATE_CANCELLED, 8);
  assert_int_equal(BG_JOB_TYPE_DOWNLOAD, BSIM_JOB_TYPE_DOWNLOAD);
  assert_int_equal(BG_JOB_TYPE_UPLOAD, BSIM_JOB_TYPE_UPLOAD);
  assert_int_equal(BG_JOB_TYPE_UPLOAD_REPLY, BSIM_JOB_TYPE_UPLOAD_REPLY);
  assert_int_equal(BG_JOB_PRIORITY_FOREGROUND, BSIM_JOB_PRIORITY_FOREGROUND);
  assert_int_equal(BG_JOB_PRIORITY_HIGH, BSIM_JOB_PRIORITY_HIGH);
  assert_int_equal(BG_JOB_PRIORITY_NORMAL, BSIM_JOB_PRIORITY_NORMAL);
  assert_int_equal(BG_JOB_PRIORITY_LOW, BSIM_JOB_PRIORITY_LOW);
  assert_int_equal(BG_JOB_PROXY_USAGE_PRECONFIG, BSIM_PROXY_USAGE_PRECONFIG);
  assert_int_equal(BG_JOB_PROXY_USAGE_NO_PROXY, BSIM_PROXY_USAGE_NO_PROXY);
  assert_int_equal(BG_JOB_PROXY_USAGE_OVERRIDE, BSIM_PROXY_USAGE_OVERRIDE);
  assert_int_equal(BG_JOB_PROXY_USAGE_AUTODETECT, BSIM_PROXY_USAGE_AUTODETECT);
  assert_int_equal(BG_ERROR_CONTEXT_NONE, BSIM_ERROR_CONTEXT_NONE);
  assert_int_equal(BG_ERROR_CONTEXT_UNKNOWN, BSIM_ERROR_CONTEXT_UNKNOWN);
  assert_int_equal(BG_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER,
                   BSIM_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER);
  assert_int_equal(BG_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION,
                   BSIM_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION);
  assert_int_equal(BG_ERROR_CONTEXT_LOCAL_FILE, BSIM_ERROR_CONTEXT_LOCAL_FILE);
  assert_int_equal(BG_ERROR_CONTEXT_REMOTE_FILE,
                   BSIM_ERROR_CONTEXT_REMOTE_FILE);
  assert_int_equal(BG_ERROR_CONTEXT_GENERAL_TRANSPORT,
                   BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT);
  assert_int_equal(BG_ERROR_CONTEXT_REMOTE_APPLICATION,
                   BSIM_ERROR_CONTEXT_REMOTE_APPLICATION);
  assert_int_equal(BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK,
                   BSIM_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK);
}

static void test_win32_flags_and_constants(void **state) {
  (void)state;
  assert_int_equal(BG_NOTIFY_JOB_TRANSFERRED, BSIM_NOTIFY_JOB_TRANSFERRED);
  assert_int_equal(BG_NOTIFY_JOB_ERROR, BSIM_NOTIFY_JOB_ERROR);
  assert_int_equal(BG_NOTIFY_DISABLE, BSIM_NOTIFY_DISABLE);
  assert_int_equal(BG_NOTIFY_JOB_MODIFICATION, BSIM_NOTIFY_JOB_MODIFICATION);
  assert_int_equal(BG_NOTIFY_FILE_TRANSFERRED, BSIM_NOTIFY_FILE_TRANSFERRED);
  assert_int_equal(BG_NOTIFY_FILE_RANGES_TRANSFERRED,
                   BSIM_NOTIFY_FILE_RANGES_TRANSFERRED);
  assert_int_equal(BG_JOB_ENUM_ALL_USERS, BSIM_JOB_ENUM_ALL_USERS);
  assert_true(BG_SIZE_UNKNOWN == BSIM_SIZE_UNKNOWN);
  assert_true(BG_LENGTH_TO_EOF == BSIM_LENGTH_TO_EOF);
  /* §2.7 */
  assert_int_equal(BG_COPY_FILE_OWNER | BG_COPY_FILE_GROUP | BG_COPY_FILE_DACL |
                       BG_COPY_FILE_SACL,
                   BG_COPY_FILE_ALL);
  assert_int_equal(BG_COPY_FILE_ALL, 15);
  assert_int_equal(BG_JOB_ENABLE_PEERCACHING_CLIENT, 1);
  assert_int_equal(BG_JOB_ENABLE_PEERCACHING_SERVER, 2);
  assert_int_equal(BG_JOB_DISABLE_BRANCH_CACHE, 4);
  assert_int_equal(BG_ENABLE_PEERCACHING_CLIENT, 1);
  assert_int_equal(BG_ENABLE_PEERCACHING_SERVER, 2);
  assert_int_equal(BG_DISABLE_BRANCH_CACHE, 4);
  assert_int_equal(BG_TOKEN_LOCAL_FILE, 1);
  assert_int_equal(BG_TOKEN_NETWORK, 2);
  assert_int_equal(BG_SSL_ENABLE_CRL_CHECK, 0x1);
  assert_int_equal(BG_SSL_IGNORE_CERT_CN_INVALID, 0x2);
  assert_int_equal(BG_SSL_IGNORE_CERT_DATE_INVALID, 0x4);
  assert_int_equal(BG_SSL_IGNORE_UNKNOWN_CA, 0x8);
  assert_int_equal(BG_SSL_IGNORE_CERT_WRONG_USAGE, 0x10);
  assert_int_equal(BG_HTTP_REDIRECT_POLICY_ALLOW_SILENT, 0);
  assert_int_equal(BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT, 0x100);
  assert_int_equal(BG_HTTP_REDIRECT_POLICY_DISALLOW, 0x200);
  assert_int_equal(BG_HTTP_REDIRECT_POLICY_MASK, 0x700);
  assert_int_equal(BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP, 0x800);
  /* §2.8, §2.9 */
  assert_int_equal(BG_AUTH_TARGET_SERVER, 1);
  assert_int_equal(BG_AUTH_TARGET_PROXY, 2);
  assert_int_equal(BG_AUTH_SCHEME_BASIC, 1);
  assert_int_equal(BG_AUTH_SCHEME_DIGEST, 2);
  assert_int_equal(BG_AUTH_SCHEME_NTLM, 3);
  assert_int_equal(BG_AUTH_SCHEME_NEGOTIATE, 4);
  assert_int_equal(BG_AUTH_SCHEME_PASSPORT, 5);
  assert_int_equal(BG_CERT_STORE_LOCATION_CURRENT_USER, 0);
  assert_int_equal(BG_CERT_STORE_LOCATION_LOCAL_MACHINE, 1);
  assert_int_equal(BG_CERT_STORE_LOCATION_CURRENT_SERVICE, 2);
  assert_int_equal(BG_CERT_STORE_LOCATION_SERVICES, 3);
  assert_int_equal(BG_CERT_STORE_LOCATION_USERS, 4);
  assert_int_equal(BG_CERT_STORE_LOCATION_CURRENT_USER_GROUP_POLICY, 5);
  assert_int_equal(BG_CERT_STORE_LOCATION_LOCAL_MACHINE_GROUP_POLICY, 6);
  assert_int_equal(BG_CERT_STORE_LOCATION_LOCAL_MACHINE_ENTERPRISE, 7);
  /* §2.10 */
  assert_int_equal(BITS_JOB_PROPERTY_ID_COST_FLAGS, 1);
  assert_int_equal(BITS_JOB_PROPERTY_NOTIFICATION_CLSID, 2);
  assert_int_equal(BITS_JOB_PROPERTY_DYNAMIC_CONTENT, 3);
  assert_int_equal(BITS_JOB_PROPERTY_HIGH_PERFORMANCE, 4);
  assert_int_equal(BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE, 5);
  assert_int_equal(BITS_JOB_PROPERTY_USE_STORED_CREDENTIALS, 7);
  assert_int_equal(BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS, 9);
  assert_int_equal(BITS_JOB_PROPERTY_ON_DEMAND_MODE, 10);
  assert_int_equal(BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS, 1);
}

static void test_win32_cost_policies(void **state) {
  (void)state;
  /* §2.11: the policy enum and the TRANSFER macros carry the same bits. */
  assert_int_equal(sizeof(BITS_JOB_TRANSFER_POLICY), 4);
  assert_int_equal((DWORD)BITS_JOB_TRANSFER_POLICY_ALWAYS, 0x800000FFu);
  assert_int_equal((DWORD)BITS_JOB_TRANSFER_POLICY_NOT_ROAMING, 0x8000007Fu);
  assert_int_equal((DWORD)BITS_JOB_TRANSFER_POLICY_NO_SURCHARGE, 0x8000006Fu);
  assert_int_equal((DWORD)BITS_JOB_TRANSFER_POLICY_STANDARD, 0x80000067u);
  assert_int_equal((DWORD)BITS_JOB_TRANSFER_POLICY_UNRESTRICTED, 0x80000021u);
  assert_int_equal(BITS_COST_STATE_TRANSFER_ALWAYS, 0x800000FFu);
  assert_int_equal(BITS_COST_STATE_TRANSFER_NOT_ROAMING, 0x8000007Fu);
  assert_int_equal(BITS_COST_STATE_TRANSFER_NO_SURCHARGE, 0x8000006Fu);
  assert_int_equal(BITS_COST_STATE_TRANSFER_STANDARD, 0x80000067u);
  assert_int_equal(BITS_COST_STATE_TRANSFER_UNRESTRICTED, 0x80000021u);
  assert_int_equal(BITS_COST_STATE_RESERVED, 0x40000000u);
  BITS_JOB_PROPERTY_VALUE v;
  v.Dword = BITS_COST_STATE_TRANSFER_STANDARD;
  assert_true(v.Dword == (DWORD)BITS_JOB_TRANSFER_POLICY_STANDARD);
  /* The union holds its largest member, a GUID. */
  assert_int_equal(sizeof(BITS_JOB_PROPERTY_VALUE), 16);
  assert_int_equal(sizeof(BITS_FILE_PROPERTY_VALUE), sizeof(void *));
}

/* ------------------------------------------------------------- layouts */

#define SAME_FIELD(bg, bgf, bs, bsf)                                           \
  do {                                                                         \
    assert_int_equal(offsetof(bg, bgf), offsetof(bs, bsf));                    \
    assert_int_equal(sizeof(((bg *)0)->bgf), sizeof(((bs *)0)->bsf));          \
  } while (0)

static void test_win32_struct_layouts_equal_engine(void **state) {
  (void)state;
  assert_int_equal(sizeof(BG_JOB_PROGRESS), sizeof(struct bsim_job_progress));
  SAME_FIELD(BG_JOB_PROGRESS, BytesTotal, struct bsim_job_progress,
             bytes_total);
  SAME_FIELD(BG_JOB_PROGRESS, BytesTransferred, struct bsim_job_progress,
             bytes_transferred);
  SAME_FIELD(BG_JOB_PROGRESS, FilesTotal, struct bsim_job_progress,
             files_total);
  SAME_FIELD(BG_JOB_PROGRESS, FilesTransferred, struct bsim_job_progress,
             files_transferred);

  assert_int_equal(sizeof(BG_FILE_PROGRESS), sizeof(struct bsim_file_progress));
  SAME_FIELD(BG_FILE_PROGRESS, BytesTotal, struct bsim_file_progress,
             bytes_total);
  SAME_FIELD(BG_FILE_PROGRESS, BytesTransferred, struct bsim_file_progress,
             bytes_transferred);
  SAME_FIELD(BG_FILE_PROGRESS, Completed, struct bsim_file_progress, completed);

  assert_int_equal(sizeof(BG_FILE_RANGE), sizeof(struct bsim_file_range));
  SAME_FIELD(BG_FILE_RANGE, InitialOffset, struct bsim_file_range,
             initial_offset);
  SAME_FIELD(BG_FILE_RANGE, Length, struct bsim_file_range, length);

  assert_int_equal(sizeof(BG_JOB_REPLY_PROGRESS),
                   sizeof(struct bsim_reply_progress));
  SAME_FIELD(BG_JOB_REPLY_PROGRESS, BytesTotal, struct bsim_reply_progress,
             bytes_total);
  SAME_FIELD(BG_JOB_REPLY_PROGRESS, BytesTransferred,
             struct bsim_reply_progress, bytes_transferred);

  /* FILETIME is two DWORDs (4-byte aligned) where the engine keeps uint64
   * ticks: same offsets and sizes, and on a little-endian host the same
   * bytes, so an engine record can be copied into a BG_JOB_TIMES. */
  assert_int_equal(sizeof(BG_JOB_TIMES), sizeof(struct bsim_job_times));
  SAME_FIELD(BG_JOB_TIMES, CreationTime, struct bsim_job_times,
             creation_filetime);
  SAME_FIELD(BG_JOB_TIMES, ModificationTime, struct bsim_job_times,
             modification_filetime);
  SAME_FIELD(BG_JOB_TIMES, TransferCompletionTime, struct bsim_job_times,
             transfer_completion_filetime);

  assert_int_equal(sizeof(GUID), sizeof(bsim_guid));
  SAME_FIELD(GUID, Data1, bsim_guid, data1);
  SAME_FIELD(GUID, Data2, bsim_guid, data2);
  SAME_FIELD(GUID, Data3, bsim_guid, data3);
  SAME_FIELD(GUID, Data4, bsim_guid, data4);
}

static void test_win32_struct_values_cross_over(void **state) {
  (void)state;
  /* The binding copies engine records into BG_ structs; the bytes mean the
   * same thing on both sides. */
  struct bsim_job_progress p = {BSIM_SIZE_UNKNOWN, 1234, 3, 1};
  BG_JOB_PROGRESS bg;
  memcpy(&bg, &p, sizeof bg);
  assert_true(bg.BytesTotal == BG_SIZE_UNKNOWN);
  assert_int_equal(bg.BytesTransferred, 1234);
  assert_int_equal(bg.FilesTotal, 3);
  assert_int_equal(bg.FilesTransferred, 1);

  bsim_guid id = {0x37668d37,
                  0x507e,
                  0x4160,
                  {0x93, 0x16, 0x26, 0x30, 0x6d, 0x15, 0x0b, 0x12}};
  GUID g;
  memcpy(&g, &id, sizeof g);
  assert_true(IsEqualGUID(&g, &IID_IBackgroundCopyJob));

  uint16_t probe = 1;
  unsigned char first = 0;
  memcpy(&first, &probe, 1);
  if (first == 1) { /* little-endian: FILETIME low word first */
    struct bsim_job_times t = {0x0123456789ABCDEFull, 0, 0};
    BG_JOB_TIMES times;
    memcpy(&times, &t, sizeof times);
    assert_int_equal(times.CreationTime.dwLowDateTime, 0x89ABCDEFu);
    assert_int_equal(times.CreationTime.dwHighDateTime, 0x01234567u);
  }
}

static void test_win32_bg_struct_shapes(void **state) {
  (void)state;
  /* Reference §2.12 */
  assert_int_equal(sizeof(BG_FILE_INFO), 2 * sizeof(void *));
  assert_int_equal(offsetof(BG_FILE_INFO, LocalName), sizeof(void *));
  assert_int_equal(sizeof(BG_BASIC_CREDENTIALS), 2 * sizeof(void *));
  assert_int_equal(offsetof(BG_AUTH_CREDENTIALS, Scheme), 4);
  assert_int_equal(offsetof(BG_AUTH_CREDENTIALS, Credentials), 8);
  assert_int_equal(sizeof(BG_AUTH_CREDENTIALS), 8 + 2 * sizeof(void *));
  assert_int_equal(offsetof(BG_FILE_PROGRESS, Completed), 16);
  assert_int_equal(offsetof(BG_JOB_PROGRESS, FilesTransferred), 20);
  assert_int_equal(sizeof(BG_JOB_TIMES), 24);
  assert_int_equal(_Alignof(FILETIME), 4);
  assert_int_equal(sizeof(SECURITY_ATTRIBUTES), 8 + 2 * sizeof(void *));
}

/* ------------------------------------------------------------- GUIDs */

static void guid_text(const GUID *g, char out[37]) {
  snprintf(out, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
           g->Data1, g->Data2, g->Data3, g->Data4[0], g->Data4[1], g->Data4[2],
           g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static const struct {
  const GUID *guid;
  const char *name;
  const char *text;
} guids[] = {
    /* §1.2 */
    {&IID_IBackgroundCopyManager, "IBackgroundCopyManager",
     "5ce34c0d-0dc9-4c1f-897c-daa1b78cee7c"},
    {&IID_IBackgroundCopyJob, "IBackgroundCopyJob",
     "37668d37-507e-4160-9316-26306d150b12"},
    {&IID_IBackgroundCopyJob2, "IBackgroundCopyJob2",
     "54b50739-686f-45eb-9dff-d6a9a0faa9af"},
    {&IID_IBackgroundCopyJob3, "IBackgroundCopyJob3",
     "443c8934-90ff-48ed-bcde-26f5c7450042"},
    {&IID_IBackgroundCopyJob4, "IBackgroundCopyJob4",
     "659cdeae-489e-11d9-a9cd-000d56965251"},
    {&IID_IBackgroundCopyJob5, "IBackgroundCopyJob5",
     "e847030c-bbba-4657-af6d-484aa42bf1fe"},
    {&IID_IBackgroundCopyFile, "IBackgroundCopyFile",
     "01b7bd23-fb88-4a77-8490-5891d3e4653a"},
    {&IID_IBackgroundCopyFile2, "IBackgroundCopyFile2",
     "83e81b93-0873-474d-8a8c-f2018b1a939c"},
    {&IID_IBackgroundCopyFile3, "IBackgroundCopyFile3",
     "659cdeaa-489e-11d9-a9cd-000d56965251"},
    {&IID_IBackgroundCopyFile4, "IBackgroundCopyFile4",
     "ef7e0655-7888-4960-b0e5-730846e03492"},
    {&IID_IBackgroundCopyFile5, "IBackgroundCopyFile5",
     "85c1657f-dafc-40e8-8834-df18ea25717e"},
    {&IID_IBackgroundCopyFile6, "IBackgroundCopyFile6",
     "cf6784f7-d677-49fd-9368-cb47aee9d1ad"},
    {&IID_IEnumBackgroundCopyJobs, "IEnumBackgroundCopyJobs",
     "1af4f612-3b71-466f-8f58-7b6f73ac57ad"},
    {&IID_IEnumBackgroundCopyFiles, "IEnumBackgroundCopyFiles",
     "ca51e165-c365-424c-8d41-24aaa4ff3c40"},
    {&IID_IBackgroundCopyError, "IBackgroundCopyError",
     "19c613a0-fcb8-4f28-81ae-897c3d078f81"},
    {&IID_IBackgroundCopyCallback, "IBackgroundCopyCallback",
     "97ea99c7-0186-4ad4-8df9-c5b4e0ed6b22"},
    {&IID_IBackgroundCopyCallback2, "IBackgroundCopyCallback2",
     "659cdeac-489e-11d9-a9cd-000d56965251"},
    {&IID_IBackgroundCopyCallback3, "IBackgroundCopyCallback3",
     "98c97bd2-e32b-4ad8-a528-95fd8b16bd42"},
    {&IID_IBackgroundCopyJobHttpOptions, "IBackgroundCopyJobHttpOptions",
     "f1bd1079-9f01-4bdc-8036-f09b70095066"},
    {&IID_IBackgroundCopyJobHttpOptions2, "IBackgroundCopyJobHttpOptions2",
     "b591a192-a405-4fc3-8323-4c5c542578fc"},
    {&IID_IBackgroundCopyJobHttpOptions3, "IBackgroundCopyJobHttpOptions3",
     "8a9263d3-fd4c-4eda-9b28-30132a4d4e3c"},
    {&IID_IBackgroundCopyServerCertificateValidationCallback,
     "IBackgroundCopyServerCertificateValidationCallback",
     "4cec0d02-def7-4158-813a-c32a46945ff7"},
    {&IID_IBitsTokenOptions, "IBitsTokenOptions",
     "9a2584c3-f7d2-457a-9a5e-22b67bffc7d2"},
    {&IID_IBitsPeerCacheAdministration, "IBitsPeerCacheAdministration",
     "659cdead-489e-11d9-a9cd-000d56965251"},
    {&IID_IBitsPeerCacheRecord, "IBitsPeerCacheRecord",
     "659cdeaf-489e-11d9-a9cd-000d56965251"},
    {&IID_IEnumBitsPeerCacheRecords, "IEnumBitsPeerCacheRecords",
     "659cdea4-489e-11d9-a9cd-000d56965251"},
    {&IID_IBitsPeer, "IBitsPeer", "659cdea2-489e-11d9-a9cd-000d56965251"},
    {&IID_IEnumBitsPeers, "IEnumBitsPeers",
     "659cdea5-489e-11d9-a9cd-000d56965251"},
    /* §1.1 */
    {&CLSID_BackgroundCopyManager, "BackgroundCopyManager",
     "4991d34b-80a1-4291-83b6-3328366b9097"},
    {&CLSID_BackgroundCopyManager1_5, "BackgroundCopyManager1_5",
     "f087771f-d74f-4c1a-bb8a-e16aca9124ea"},
    {&CLSID_BackgroundCopyManager2_0, "BackgroundCopyManager2_0",
     "6d18ad12-bde3-4393-b311-099c346e6df9"},
    {&CLSID_BackgroundCopyManager2_5, "BackgroundCopyManager2_5",
     "03ca98d6-ff5d-49b8-abc6-03dd84127020"},
    {&CLSID_BackgroundCopyManager3_0, "BackgroundCopyManager3_0",
     "659cdea7-489e-11d9-a9cd-000d56965251"},
    {&CLSID_BackgroundCopyManager4_0, "BackgroundCopyManager4_0",
     "bb6df56b-cace-11dc-9992-0019b93a3a84"},
    {&CLSID_BackgroundCopyManager5_0, "BackgroundCopyManager5_0",
     "1ecca34c-e88a-44e3-8d6a-8921bde9e452"},
    {&CLSID_BackgroundCopyManager10_1, "BackgroundCopyManager10_1",
     "4bd3e4e1-7bd4-4a2b-9964-496400de5193"},
    {&CLSID_BackgroundCopyManager10_2, "BackgroundCopyManager10_2",
     "4575438f-a6c8-4976-b0fe-2f26b80d959e"},
    {&CLSID_BackgroundCopyManager10_3, "BackgroundCopyManager10_3",
     "5fd42ad5-c04e-4d36-adc7-e08ff15737ad"},
    /* COM's own */
    {&IID_IUnknown, "IUnknown", "00000000-0000-0000-c000-000000000046"},
    {&GUID_NULL, "GUID_NULL", "00000000-0000-0000-0000-000000000000"},
};

static void test_win32_iids_and_clsids(void **state) {
  (void)state;
  size_t n = sizeof guids / sizeof guids[0];
  for (size_t i = 0; i < n; i++) {
    char text[37];
    guid_text(guids[i].guid, text);
    if (strcmp(text, guids[i].text) != 0) {
      print_error("%s is %s, reference says %s\n", guids[i].name, text,
                  guids[i].text);
      fail();
    }
    /* Distinct objects with distinct values. */
    for (size_t j = 0; j < i; j++) {
      assert_false(IsEqualGUID(guids[i].guid, guids[j].guid));
    }
  }
  assert_true(IsEqualIID(&IID_IUnknown, &IID_IUnknown));
  assert_true(IsEqualCLSID(&CLSID_NULL, &GUID_NULL));
  assert_true(IsEqualIID(&IID_NULL, &GUID_NULL));
}

/* ------------------------------------------------------------- vtables */

static void test_win32_every_c_slot(void **state) {
  (void)state;
  size_t checked = 0;
#define CHECK_SLOT(iface, method, slot, in_mingw)                              \
  if (offsetof(iface##Vtbl, method) != (size_t)(slot) * sizeof(void *)) {      \
    print_error("%sVtbl.%s at %zu, want slot %d\n", #iface, #method,           \
                offsetof(iface##Vtbl, method), (slot));                        \
    fail();                                                                    \
  }                                                                            \
  checked++;
  BSIM_WIN32_SLOTS(CHECK_SLOT)
#undef CHECK_SLOT
#define CHECK_SIZE(iface, slots, in_mingw)                                     \
  assert_int_equal(sizeof(iface##Vtbl), (size_t)(slots) * sizeof(void *));     \
  assert_int_equal(sizeof(iface), sizeof(void *));                             \
  assert_int_equal(offsetof(iface, lpVtbl), 0);
  BSIM_WIN32_VTBLS(CHECK_SIZE)
#undef CHECK_SIZE
  assert_true(checked > 300);
}

/* Hand-built C objects whose slots record what the macros called. */
struct record {
  const char *method;
  const void *self;
  uintptr_t arg;
  int calls;
};
static struct record rec;

static void note(const char *method, const void *self, uintptr_t arg) {
  rec.method = method;
  rec.self = self;
  rec.arg = arg;
  rec.calls++;
}

static HRESULT STDMETHODCALLTYPE cb3_qi(IBackgroundCopyCallback3 *This,
                                        REFIID riid, void **ppv) {
  note("QueryInterface", This, (uintptr_t)riid);
  *ppv = This;
  return S_OK;
}
static ULONG STDMETHODCALLTYPE cb3_addref(IBackgroundCopyCallback3 *This) {
  note("AddRef", This, 0);
  return 2;
}
static ULONG STDMETHODCALLTYPE cb3_release(IBackgroundCopyCallback3 *This) {
  note("Release", This, 0);
  return 1;
}
static HRESULT STDMETHODCALLTYPE cb3_transferred(IBackgroundCopyCallback3 *This,
                                                 IBackgroundCopyJob *pJob) {
  note("JobTransferred", This, (uintptr_t)pJob);
  return S_OK;
}
static HRESULT STDMETHODCALLTYPE cb3_error(IBackgroundCopyCallback3 *This,
                                           IBackgroundCopyJob *pJob,
                                           IBackgroundCopyError *pError) {
  (void)pJob;
  note("JobError", This, (uintptr_t)pError);
  return S_FALSE;
}
static HRESULT STDMETHODCALLTYPE
cb3_modification(IBackgroundCopyCallback3 *This, IBackgroundCopyJob *pJob,
                 DWORD dwReserved) {
  (void)pJob;
  note("JobModification", This, dwReserved);
  return E_FAIL;
}
static HRESULT STDMETHODCALLTYPE cb3_file(IBackgroundCopyCallback3 *This,
                                          IBackgroundCopyJob *pJob,
                                          IBackgroundCopyFile *pFile) {
  (void)pJob;
  note("FileTransferred", This, (uintptr_t)pFile);
  return BG_E_INVALID_STATE;
}
static HRESULT STDMETHODCALLTYPE cb3_ranges(IBackgroundCopyCallback3 *This,
                                            IBackgroundCopyJob *job,
                                            IBackgroundCopyFile *file,
                                            DWORD rangeCount,
                                            const BG_FILE_RANGE ranges[]) {
  (void)job;
  (void)file;
  note("FileRangesTransferred", This, rangeCount + ranges[0].Length);
  return E_NOTIMPL;
}

static void test_win32_cobjmacros_callback3(void **state) {
  (void)state;
  IBackgroundCopyCallback3Vtbl vtbl = {
      cb3_qi,    cb3_addref,       cb3_release, cb3_transferred,
      cb3_error, cb3_modification, cb3_file,    cb3_ranges};
  IBackgroundCopyCallback3 obj = {&vtbl};
  IBackgroundCopyCallback3 *cb = &obj;
  IBackgroundCopyJob *job = (IBackgroundCopyJob *)&rec;
  IBackgroundCopyError *err = (IBackgroundCopyError *)&state;
  IBackgroundCopyFile *file = (IBackgroundCopyFile *)&vtbl;
  void *out = NULL;
  memset(&rec, 0, sizeof rec);

  assert_int_equal(IBackgroundCopyCallback3_QueryInterface(
                       cb, &IID_IBackgroundCopyCallback3, &out),
                   S_OK);
  assert_string_equal(rec.method, "QueryInterface");
  assert_true(rec.arg == (uintptr_t)&IID_IBackgroundCopyCallback3);
  assert_ptr_equal(out, cb);
  assert_int_equal(IBackgroundCopyCallback3_AddRef(cb), 2);
  assert_string_equal(rec.method, "AddRef");
  assert_int_equal(IBackgroundCopyCallback3_Release(cb), 1);
  assert_string_equal(rec.method, "Release");
  assert_int_equal(IBackgroundCopyCallback3_JobTransferred(cb, job), S_OK);
  assert_string_equal(rec.method, "JobTransferred");
  assert_true(rec.arg == (uintptr_t)job);
  assert_int_equal(IBackgroundCopyCallback3_JobError(cb, job, err), S_FALSE);
  assert_string_equal(rec.method, "JobError");
  assert_true(rec.arg == (uintptr_t)err);
  assert_int_equal(IBackgroundCopyCallback3_JobModification(cb, job, 77),
                   E_FAIL);
  assert_string_equal(rec.method, "JobModification");
  assert_int_equal(rec.arg, 77);
  assert_int_equal(IBackgroundCopyCallback3_FileTransferred(cb, job, file),
                   BG_E_INVALID_STATE);
  assert_string_equal(rec.method, "FileTransferred");
  assert_true(rec.arg == (uintptr_t)file);
  BG_FILE_RANGE ranges[1] = {{0, 40}};
  assert_int_equal(
      IBackgroundCopyCallback3_FileRangesTransferred(cb, job, file, 2, ranges),
      E_NOTIMPL);
  assert_string_equal(rec.method, "FileRangesTransferred");
  assert_int_equal(rec.arg, 42);
  assert_int_equal(rec.calls, 8);
  assert_ptr_equal(rec.self, cb);

  /* The same object seen as its base interfaces (COM's single-inheritance
   * prefix rule): the base macros reach the same slots. */
  IBackgroundCopyCallback *base = (IBackgroundCopyCallback *)cb;
  assert_int_equal(IBackgroundCopyCallback_JobModification(base, job, 5),
                   E_FAIL);
  assert_string_equal(rec.method, "JobModification");
  IUnknown *unk = (IUnknown *)cb;
  assert_int_equal(IUnknown_AddRef(unk), 2);
  assert_string_equal(rec.method, "AddRef");
}

/* A job object: spot checks across the 52 slots of IBackgroundCopyJob5,
 * including a union passed by value and the last slot. */
static HRESULT STDMETHODCALLTYPE job_addfile(IBackgroundCopyJob5 *This,
                                             LPCWSTR RemoteUrl,
                                             LPCWSTR LocalName) {
  note("AddFile", This, (uintptr_t)wcslen(RemoteUrl) + wcslen(LocalName));
  return S_OK;
}
static HRESULT STDMETHODCALLTYPE job_complete(IBackgroundCopyJob5 *This) {
  note("Complete", This, 0);
  return BG_S_PARTIAL_COMPLETE;
}
static HRESULT STDMETHODCALLTYPE job_getstate(IBackgroundCopyJob5 *This,
                                              BG_JOB_STATE *pVal) {
  note("GetState", This, 0);
  *pVal = BG_JOB_STATE_TRANSFERRED;
  return S_OK;
}
static HRESULT STDMETHODCALLTYPE job_takeownership(IBackgroundCopyJob5 *This) {
  note("TakeOwnership", This, 0);
  return E_ACCESSDENIED;
}
static HRESULT STDMETHODCALLTYPE job_setnotifycmdline(IBackgroundCopyJob5 *This,
                                                      LPCWSTR Program,
                                                      LPCWSTR Parameters) {
  note("SetNotifyCmdLine", This,
       (uintptr_t)(Program == NULL) + 2 * (Parameters == NULL));
  return S_OK;
}
static HRESULT STDMETHODCALLTYPE job_getmaxtime(IBackgroundCopyJob5 *This,
                                                ULONG *pTimeout) {
  note("GetMaximumDownloadTime", This, 0);
  *pTimeout = 7776000;
  return S_OK;
}
static HRESULT STDMETHODCALLTYPE
job_setproperty(IBackgroundCopyJob5 *This, BITS_JOB_PROPERTY_ID PropertyId,
                BITS_JOB_PROPERTY_VALUE PropertyValue) {
  note("SetProperty", This, (uintptr_t)PropertyId * 1000 + PropertyValue.Dword);
  return S_OK;
}
static HRESULT STDMETHODCALLTYPE
job_getproperty(IBackgroundCopyJob5 *This, BITS_JOB_PROPERTY_ID PropertyId,
                BITS_JOB_PROPERTY_VALUE *PropertyValue) {
  note("GetProperty", This, (uintptr_t)PropertyId);
  PropertyValue->Uint64 = 99;
  return S_OK;
}

static void test_win32_cobjmacros_job5(void **state) {
  (void)state;
  IBackgroundCopyJob5Vtbl vtbl;
  memset(&vtbl, 0, sizeof vtbl);
  vtbl.AddFile = job_addfile;
  vtbl.Complete = job_complete;
  vtbl.GetState = job_getstate;
  vtbl.TakeOwnership = job_takeownership;
  vtbl.SetNotifyCmdLine = job_setnotifycmdline;
  vtbl.GetMaximumDownloadTime = job_getmaxtime;
  vtbl.SetProperty = job_setproperty;
  vtbl.GetProperty = job_getproperty;
  IBackgroundCopyJob5 obj = {&vtbl};
  IBackgroundCopyJob5 *job = &obj;
  memset(&rec, 0, sizeof rec);

  assert_int_equal(IBackgroundCopyJob5_AddFile(job, L"http://h/f", L"/tmp/f"),
                   S_OK);
  assert_string_equal(rec.method, "AddFile");
  assert_int_equal(rec.arg, 10 + 6);
  assert_int_equal(IBackgroundCopyJob5_Complete(job), BG_S_PARTIAL_COMPLETE);
  assert_string_equal(rec.method, "Complete");
  BG_JOB_STATE st = BG_JOB_STATE_QUEUED;
  assert_int_equal(IBackgroundCopyJob5_GetState(job, &st), S_OK);
  assert_int_equal(st, BG_JOB_STATE_TRANSFERRED);
  assert_int_equal(IBackgroundCopyJob5_TakeOwnership(job), E_ACCESSDENIED);
  assert_string_equal(rec.method, "TakeOwnership");
  assert_int_equal(IBackgroundCopyJob5_SetNotifyCmdLine(job, NULL, NULL), S_OK);
  assert_int_equal(rec.arg, 3);
  ULONG timeout = 0;
  assert_int_equal(IBackgroundCopyJob5_GetMaximumDownloadTime(job, &timeout),
                   S_OK);
  assert_int_equal(timeout, BSIM_DEFAULT_MAX_DOWNLOAD_TIME_S);
  BITS_JOB_PROPERTY_VALUE v;
  memset(&v, 0, sizeof v);
  v.Dword = 500;
  assert_int_equal(
      IBackgroundCopyJob5_SetProperty(
          job, BITS_JOB_PROPERTY_MINIMUM_NOTIFICATION_INTERVAL_MS, v),
      S_OK);
  assert_string_equal(rec.method, "SetProperty");
  assert_int_equal(rec.arg, 9 * 1000 + 500);
  assert_int_equal(IBackgroundCopyJob5_GetProperty(
                       job, BITS_JOB_PROPERTY_MAX_DOWNLOAD_SIZE, &v),
                   S_OK);
  assert_string_equal(rec.method, "GetProperty");
  assert_int_equal(v.Uint64, 99);
  assert_int_equal(rec.calls, 8);
  assert_ptr_equal(rec.self, job);

  /* Job5 seen as Job: the 1.0 macros use the same leading slots. */
  IBackgroundCopyJob *job1 = (IBackgroundCopyJob *)job;
  assert_int_equal(IBackgroundCopyJob_Complete(job1), BG_S_PARTIAL_COMPLETE);
  assert_int_equal(IBackgroundCopyJob_TakeOwnership(job1), E_ACCESSDENIED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_win32_type_widths),
      cmocka_unit_test(test_win32_failed_and_succeeded),
      cmocka_unit_test(test_win32_com_and_win32_constants),
      cmocka_unit_test(test_win32_codes_equal_engine),
      cmocka_unit_test(test_win32_http_codes),
      cmocka_unit_test(test_win32_enums_equal_engine),
      cmocka_unit_test(test_win32_flags_and_constants),
      cmocka_unit_test(test_win32_cost_policies),
      cmocka_unit_test(test_win32_struct_layouts_equal_engine),
      cmocka_unit_test(test_win32_struct_values_cross_over),
      cmocka_unit_test(test_win32_bg_struct_shapes),
      cmocka_unit_test(test_win32_iids_and_clsids),
      cmocka_unit_test(test_win32_every_c_slot),
      cmocka_unit_test(test_win32_cobjmacros_callback3),
      cmocka_unit_test(test_win32_cobjmacros_job5),
  };
  return cmocka_run_group_tests_name("win32_headers", tests, NULL, NULL);
}
