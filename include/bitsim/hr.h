/* bitsim — HRESULT-valued result codes.
 *
 * Every fallible bitsim call returns a bsim_hr: the very HRESULT number BITS
 * returns in the same situation (design.md "Codes are BITS's own numbers";
 * reference §3). One X-macro table generates the constants, their names and
 * their messages; the Windows binding's <bitsmsg.h> carries the same numbers
 * under the BG_ names, and a unit test checks that they agree.
 *
 * Names: BG_E_X becomes BSIM_E_X and BG_S_X becomes BSIM_S_X. Two BITS codes
 * collide with generic COM names and keep a BG_ infix: BG_E_PENDING is
 * BSIM_E_BG_PENDING and BG_E_TIMEOUT is BSIM_E_BG_TIMEOUT.
 *
 * Threads: everything here is pure and may be called from any thread.
 */
#ifndef BSIM_HR_H
#define BSIM_HR_H

#include <stdint.h>

#include "bitsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A result code: an HRESULT value (negative = failure). */
typedef int32_t bsim_hr;

/* XX(name without BSIM_, value, message). Values never change; new codes are
 * appended where BITS defines them. */
#define BSIM_HR_MAP(XX)                                                        \
  XX(S_OK, 0x00000000, "The operation completed successfully.")                \
  XX(S_FALSE, 0x00000001,                                                      \
     "The operation succeeded with a partial or negative result.")             \
  XX(E_PENDING, 0x8000000A, "The data is not yet available.")                  \
  XX(E_NOTIMPL, 0x80004001,                                                    \
     "Not implemented, or the value is outside the defined set.")              \
  XX(E_NOINTERFACE, 0x80004002, "No such interface supported.")                \
  XX(E_POINTER, 0x80004003, "A required pointer is NULL.")                     \
  XX(E_FAIL, 0x80004005, "Unspecified failure.")                               \
  XX(E_UNEXPECTED, 0x8000FFFF, "Catastrophic failure.")                        \
  XX(E_ACCESSDENIED, 0x80070005, "Access is denied.")                          \
  XX(E_OUTOFMEMORY, 0x8007000E,                                                \
     "Not enough memory to complete the operation.")                           \
  XX(E_INVALIDARG, 0x80070057, "One or more arguments are invalid.")           \
  XX(E_WIN32_FILE_NOT_FOUND, 0x80070002,                                       \
     "The system cannot find the file specified "                              \
     "(HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)).")                            \
  XX(E_WIN32_PATH_NOT_FOUND, 0x80070003,                                       \
     "The system cannot find the path specified "                              \
     "(HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)).")                            \
  XX(E_WIN32_SHARING_VIOLATION, 0x80070020,                                    \
     "The file is in use by another process "                                  \
     "(HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION)).")                         \
  XX(E_WIN32_DISK_FULL, 0x80070070,                                            \
     "There is not enough space on the disk "                                  \
     "(HRESULT_FROM_WIN32(ERROR_DISK_FULL)).")                                 \
  XX(E_BUSY, 0x800700AA,                                                       \
     "The requested resource is in use (HRESULT_FROM_WIN32(ERROR_BUSY)).")     \
  XX(E_ALREADY_EXISTS, 0x800700B7,                                             \
     "The file already exists (HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS)).")    \
  XX(E_WAIT_TIMEOUT, 0x800705B4,                                               \
     "The wait timed out before the engine went idle "                         \
     "(HRESULT_FROM_WIN32(ERROR_TIMEOUT)).")                                   \
  XX(E_WINHTTP_TIMEOUT, 0x80072EE2,                                            \
     "The connection timed out (HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT)).")  \
  XX(E_WINHTTP_NAME_NOT_RESOLVED, 0x80072EE7,                                  \
     "The server name could not be resolved.")                                 \
  XX(E_WINHTTP_CANNOT_CONNECT, 0x80072EFD,                                     \
     "The connection to the server could not be established.")                 \
  XX(E_WINHTTP_CONNECTION_ERROR, 0x80072EFE,                                   \
     "The connection with the server was reset or ended.")                     \
  XX(E_WINHTTP_INVALID_SERVER_RESPONSE, 0x80072F78,                            \
     "The server response could not be parsed.")                               \
  XX(S_ERROR_CONTEXT_NONE, 0x00200006, "Error context none.")                  \
  XX(S_PARTIAL_COMPLETE, 0x00200017, "Partial complete.")                      \
  XX(S_UNABLE_TO_DELETE_FILES, 0x0020001A, "Unable to delete files.")          \
  XX(S_PROXY_CHANGED, 0x0020002A, "Proxy changed.")                            \
  XX(S_OVERRIDDEN_BY_POLICY, 0x00200055, "Overridden by policy.")              \
  XX(E_NOT_FOUND, 0x80200001, "Job/item not found.")                           \
  XX(E_INVALID_STATE, 0x80200002,                                              \
     "Call not allowed in current state (typically final).")                   \
  XX(E_EMPTY, 0x80200003, "Job has no files (Resume).")                        \
  XX(E_FILE_NOT_AVAILABLE, 0x80200004,                                         \
     "Error not tied to a file (IBackgroundCopyError::GetFile).")              \
  XX(E_PROTOCOL_NOT_AVAILABLE, 0x80200005,                                     \
     "Error not tied to a protocol (GetProtocol).")                            \
  XX(E_ERROR_CONTEXT_UNKNOWN, 0x80200007, "Error context unknown.")            \
  XX(E_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER, 0x80200008,                        \
     "Error context general queue manager.")                                   \
  XX(E_ERROR_CONTEXT_LOCAL_FILE, 0x80200009, "Error context local file.")      \
  XX(E_ERROR_CONTEXT_REMOTE_FILE, 0x8020000A, "Error context remote file.")    \
  XX(E_ERROR_CONTEXT_GENERAL_TRANSPORT, 0x8020000B,                            \
     "Error context general transport.")                                       \
  XX(E_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION, 0x8020000C,                   \
     "Error context queue manager notification.")                              \
  XX(E_DESTINATION_LOCKED, 0x8020000D,                                         \
     "Destination volume locked (chkdsk); transient, not timer-retried.")      \
  XX(E_VOLUME_CHANGED, 0x8020000E, "Removable volume swapped.")                \
  XX(E_ERROR_INFORMATION_UNAVAILABLE, 0x8020000F,                              \
     "GetError outside ERROR/TRANSIENT_ERROR.")                                \
  XX(E_NETWORK_DISCONNECTED, 0x80200010,                                       \
     "No network; jobs go TRANSIENT_ERROR.")                                   \
  XX(E_MISSING_FILE_SIZE, 0x80200011, "No Content-Length (dynamic content).")  \
  XX(E_INSUFFICIENT_HTTP_SUPPORT, 0x80200012, "Server not HTTP/1.1.")          \
  XX(E_INSUFFICIENT_RANGE_SUPPORT, 0x80200013,                                 \
     "No Range/Content-Range support.")                                        \
  XX(E_REMOTE_NOT_SUPPORTED, 0x80200014, "Remote use of BITS unsupported.")    \
  XX(E_NEW_OWNER_DIFF_MAPPING, 0x80200015,                                     \
     "Drive mapping differs for new owner.")                                   \
  XX(E_NEW_OWNER_NO_FILE_ACCESS, 0x80200016,                                   \
     "New owner cannot access temp files.")                                    \
  XX(E_PROXY_LIST_TOO_LARGE, 0x80200018, "Proxy list too long.")               \
  XX(E_PROXY_BYPASS_LIST_TOO_LARGE, 0x80200019, "Bypass list too long.")       \
  XX(E_INVALID_SERVER_RESPONSE, 0x8020001B, "Protocol violation by server.")   \
  XX(E_TOO_MANY_FILES, 0x8020001C, "Upload jobs hold one file.")               \
  XX(E_LOCAL_FILE_CHANGED, 0x8020001D,                                         \
     "Upload source changed during transfer (docs sometimes write "            \
     "'BG_E_FILE_CHANGED' - no such constant).")                               \
  XX(E_ERROR_CONTEXT_REMOTE_APPLICATION, 0x8020001E,                           \
     "Error context remote application.")                                      \
  XX(E_SESSION_NOT_FOUND, 0x8020001F, "Upload session unknown to server.")     \
  XX(E_TOO_LARGE, 0x80200020,                                                  \
     "Upload exceeds server limit; reply >1 MB for GetReplyData.")             \
  XX(E_STRING_TOO_LONG, 0x80200021, "String argument too long.")               \
  XX(E_CLIENT_SERVER_PROTOCOL_MISMATCH, 0x80200022,                            \
     "No common upload protocol.")                                             \
  XX(E_SERVER_EXECUTE_ENABLE, 0x80200023,                                      \
     "IIS vdir has script/execute rights.")                                    \
  XX(E_NO_PROGRESS, 0x80200024, "Job making no headway.")                      \
  XX(E_USERNAME_TOO_LARGE, 0x80200025, ">300 chars.")                          \
  XX(E_PASSWORD_TOO_LARGE, 0x80200026, ">65,536 chars.")                       \
  XX(E_INVALID_AUTH_TARGET, 0x80200027, "Invalid auth target.")                \
  XX(E_INVALID_AUTH_SCHEME, 0x80200028, "Invalid auth scheme.")                \
  XX(E_FILE_NOT_FOUND, 0x80200029, "File name not in job.")                    \
  XX(E_INVALID_RANGE, 0x8020002B, "Range outside file / malformed.")           \
  XX(E_OVERLAPPING_RANGES, 0x8020002C, "Overlapping ranges.")                  \
  XX(E_CONNECT_FAILURE, 0x8020002D, "Connect failure.")                        \
  XX(E_CONNECTION_CLOSED, 0x8020002E, "Connection closed.")                    \
  XX(E_KEEP_ALIVE_FAILURE, 0x8020002F, "Keep alive failure.")                  \
  XX(E_MESSAGE_LENGTH_LIMIT_EXCEEDED, 0x80200030,                              \
     "Message length limit exceeded.")                                         \
  XX(E_NAME_RESOLUTION_FAILURE, 0x80200031, "Name resolution failure.")        \
  XX(E_BG_PENDING, 0x80200032, "The request is pending (BG_E_PENDING).")       \
  XX(E_PIPELINE_FAILURE, 0x80200033, "Pipeline failure.")                      \
  XX(E_PROTOCOL_ERROR, 0x80200034, "Protocol error.")                          \
  XX(E_PROXY_NAME_RESOLUTION_FAILURE, 0x80200035,                              \
     "Proxy name resolution failure.")                                         \
  XX(E_RECEIVE_FAILURE, 0x80200036, "Receive failure.")                        \
  XX(E_REQUEST_CANCELED, 0x80200037, "Request canceled.")                      \
  XX(E_SECURE_CHANNEL_FAILURE, 0x80200038, "Secure channel failure.")          \
  XX(E_SEND_FAILURE, 0x80200039, "Send failure.")                              \
  XX(E_SERVER_PROTOCOL_VIOLATION, 0x8020003A, "Server protocol violation.")    \
  XX(E_BG_TIMEOUT, 0x8020003B, "The transport timed out (BG_E_TIMEOUT).")      \
  XX(E_TRUST_FAILURE, 0x8020003C, "Trust failure.")                            \
  XX(E_UNKNOWN_ERROR, 0x8020003D, "Unknown error.")                            \
  XX(E_BLOCKED_BY_POLICY, 0x8020003E, "MaxInternetBandwidth = 0 window.")      \
  XX(E_INVALID_PROXY_INFO, 0x8020003F, "Bad proxy/bypass list (run time).")    \
  XX(E_INVALID_CREDENTIALS, 0x80200040, "Malformed credentials.")              \
  XX(E_INVALID_HASH_ALGORITHM, 0x80200041, "Invalid hash algorithm.")          \
  XX(E_RECORD_DELETED, 0x80200042, "Peer-cache record deleted.")               \
  XX(E_COMMIT_IN_PROGRESS, 0x80200043, "Commit in progress.")                  \
  XX(E_DISCOVERY_IN_PROGRESS, 0x80200044, "Discovery in progress.")            \
  XX(E_UPNP_ERROR, 0x80200045, "Gateway (IGD) error.")                         \
  XX(E_TEST_OPTION_BLOCKED_DOWNLOAD, 0x80200046,                               \
     "Test option blocked download.")                                          \
  XX(E_PEERCACHING_DISABLED, 0x80200047, "Peercaching disabled.")              \
  XX(E_BUSYCACHERECORD, 0x80200048, "Busycacherecord.")                        \
  XX(E_TOO_MANY_JOBS_PER_USER, 0x80200049, "Too many jobs per user.")          \
  XX(E_TOO_MANY_JOBS_PER_MACHINE, 0x80200050, "Too many jobs per machine.")    \
  XX(E_TOO_MANY_FILES_IN_JOB, 0x80200051, "Too many files in job.")            \
  XX(E_TOO_MANY_RANGES_IN_FILE, 0x80200052, "Too many ranges in file.")        \
  XX(E_VALIDATION_FAILED, 0x80200053,                                          \
     "Content rejected (SetValidationState FALSE, origin).")                   \
  XX(E_MAXDOWNLOAD_TIMEOUT, 0x80200054, "MaximumDownloadTime exceeded.")       \
  XX(E_TOKEN_REQUIRED, 0x80200056, "Helper token needed.")                     \
  XX(E_UNKNOWN_PROPERTY_ID, 0x80200057, "Unknown property id.")                \
  XX(E_READ_ONLY_PROPERTY, 0x80200058, "Read only property.")                  \
  XX(E_BLOCKED_BY_COST_TRANSFER_POLICY, 0x80200059,                            \
     "Blocked by cost transfer policy.")                                       \
  XX(E_PROPERTY_SUPPORTED_FOR_DOWNLOAD_JOBS_ONLY, 0x80200060,                  \
     "Property supported for download jobs only.")                             \
  XX(E_READ_ONLY_PROPERTY_AFTER_ADDFILE, 0x80200061,                           \
     "Read only property after addfile.")                                      \
  XX(E_READ_ONLY_PROPERTY_AFTER_RESUME, 0x80200062,                            \
     "Read only property after resume.")                                       \
  XX(E_MAX_DOWNLOAD_SIZE_INVALID_VALUE, 0x80200063,                            \
     "Max download size invalid value.")                                       \
  XX(E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED, 0x80200064,                            \
     "Max download size limit reached.")                                       \
  XX(E_STANDBY_MODE, 0x80200065, "Paused for power saving.")                   \
  XX(E_USE_STORED_CREDENTIALS_NOT_SUPPORTED, 0x80200066,                       \
     "Use stored credentials not supported.")                                  \
  XX(E_BLOCKED_BY_BATTERY_POLICY, 0x80200067, "Blocked by battery policy.")    \
  XX(E_BLOCKED_BY_BATTERY_SAVER, 0x80200068, "Blocked by battery saver.")      \
  XX(E_WATCHDOG_TIMEOUT, 0x80200069, "Watchdog timeout.")                      \
  XX(E_APP_PACKAGE_NOT_FOUND, 0x8020006A, "App package not found.")            \
  XX(E_APP_PACKAGE_SCENARIO_NOT_SUPPORTED, 0x8020006B,                         \
     "App package scenario not supported.")                                    \
  XX(E_DATABASE_CORRUPT, 0x8020006C,                                           \
     "Job store corrupt; service shuts down, repairs on restart.")             \
  XX(E_RANDOM_ACCESS_NOT_SUPPORTED, 0x8020006D,                                \
     "File6 methods not usable for this job.")                                 \
  XX(E_BLOCKED_BY_BACKGROUND_ACCESS_POLICY, 0x8020006E,                        \
     "Blocked by background access policy.")                                   \
  XX(E_BLOCKED_BY_GAME_MODE, 0x8020006F, "Blocked by game mode.")              \
  XX(E_BLOCKED_BY_SYSTEM_POLICY, 0x80200070, "Blocked by system policy.")      \
  XX(E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD, 0x80200071,                      \
     "Not supported with custom http method.")                                 \
  XX(E_UNSUPPORTED_JOB_CONFIGURATION, 0x80200072,                              \
     "Unsupported job configuration.")                                         \
  XX(E_REMOTE_FILE_CHANGED, 0x80200073,                                        \
     "Remote file changed mid-transfer; Resume to retry.")                     \
  XX(E_SERVER_CERT_VALIDATION_INTERFACE_REQUIRED, 0x80200074,                  \
     "Server cert validation interface required.")                             \
  XX(E_READ_ONLY_WHEN_JOB_ACTIVE, 0x80200075, "Read only when job active.")    \
  XX(E_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK, 0x80200076,                  \
     "Error context server certificate callback.")

/* The constants. The cast keeps 0x8xxxxxxx values negative, as HRESULTs are. */
enum bsim_hr_code {
#define BSIM_HR_ENUM(name, value, msg) BSIM_##name = (int32_t)(value##u),
  BSIM_HR_MAP(BSIM_HR_ENUM)
#undef BSIM_HR_ENUM
      BSIM_HR_CODE_SENTINEL_ = 0 /* not a value */
};

/** Facility bases: FACILITY_HTTP (0x19) and Win32 (7). */
#define BSIM_HR_HTTP_BASE ((int32_t)0x80190000u)
#define BSIM_HR_WIN32_BASE ((int32_t)0x80070000u)

/** TRUE when hr is a success code (S_OK, S_FALSE, BSIM_S_*). */
#define BSIM_SUCCEEDED(hr) ((bsim_hr)(hr) >= 0)
/** TRUE when hr is a failure code. */
#define BSIM_FAILED(hr) ((bsim_hr)(hr) < 0)

/** BG_E_HTTP_ERROR_nnn: 0x80190000 | status (reference §3). */
BSIM_EXTERN bsim_hr bsim_hr_from_http(int status);

/** HRESULT_FROM_WIN32(code): 0x80070000 | code, 0 stays 0. */
BSIM_EXTERN bsim_hr bsim_hr_from_win32(uint32_t code);

/** The code's symbolic name ("BG_E_INVALID_STATE", "S_OK",
 * "BG_E_HTTP_ERROR_404", "HRESULT_FROM_WIN32(5)"), or "UNKNOWN_HRESULT".
 * Ownership: a static string, valid forever. */
BSIM_EXTERN const char *bsim_hr_name(bsim_hr hr);

/** A one-sentence English description of the code.
 * Ownership: a static string, valid forever. */
BSIM_EXTERN const char *bsim_hr_message(bsim_hr hr);

/** Look a name up ("BG_E_NOT_FOUND", "BSIM_E_NOT_FOUND", "E_INVALIDARG", or a
 * hex number "0x80200001"). Returns 0 and sets *out on success, -1 if the
 * name is unknown. */
BSIM_EXTERN int bsim_hr_parse(const char *name, bsim_hr *out);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_HR_H */
