/* bitsim — the BITS vocabulary: states, types, priorities, flags, records.
 *
 * Every enum carries BITS's own numbers (reference §2), so the Windows
 * binding converts by cast: BSIM_JOB_STATE_TRANSFERRED == BG_JOB_STATE_
 * TRANSFERRED == 6. Structs that cross into the binding have the layout of
 * their BG_* counterparts (reference §2.12) and a test checks it.
 *
 * Threads: plain data; no functions here.
 */
#ifndef BSIM_TYPES_H
#define BSIM_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Job state (reference §0, §2.1). */
enum bsim_job_state {
  BSIM_JOB_STATE_QUEUED = 0,
  BSIM_JOB_STATE_CONNECTING = 1,
  BSIM_JOB_STATE_TRANSFERRING = 2,
  BSIM_JOB_STATE_SUSPENDED = 3,
  BSIM_JOB_STATE_ERROR = 4,
  BSIM_JOB_STATE_TRANSIENT_ERROR = 5,
  BSIM_JOB_STATE_TRANSFERRED = 6,
  BSIM_JOB_STATE_ACKNOWLEDGED = 7,
  BSIM_JOB_STATE_CANCELLED = 8,
  BSIM_JOB_STATE_COUNT /* not a value */
};

/** Job type (reference §2.2). */
enum bsim_job_type {
  BSIM_JOB_TYPE_DOWNLOAD = 0,
  BSIM_JOB_TYPE_UPLOAD = 1,
  BSIM_JOB_TYPE_UPLOAD_REPLY = 2,
  BSIM_JOB_TYPE_COUNT /* not a value */
};

/** Job priority (reference §2.3). NORMAL is the default. */
enum bsim_job_priority {
  BSIM_JOB_PRIORITY_FOREGROUND = 0,
  BSIM_JOB_PRIORITY_HIGH = 1,
  BSIM_JOB_PRIORITY_NORMAL = 2,
  BSIM_JOB_PRIORITY_LOW = 3,
  BSIM_JOB_PRIORITY_COUNT /* not a value */
};

/** Proxy usage (reference §2.4). PRECONFIG is the default. */
enum bsim_proxy_usage {
  BSIM_PROXY_USAGE_PRECONFIG = 0,
  BSIM_PROXY_USAGE_NO_PROXY = 1,
  BSIM_PROXY_USAGE_OVERRIDE = 2,
  BSIM_PROXY_USAGE_AUTODETECT = 3,
  BSIM_PROXY_USAGE_COUNT /* not a value */
};

/** Where an error happened (reference §2.5). */
enum bsim_error_context {
  BSIM_ERROR_CONTEXT_NONE = 0,
  BSIM_ERROR_CONTEXT_UNKNOWN = 1,
  BSIM_ERROR_CONTEXT_GENERAL_QUEUE_MANAGER = 2,
  BSIM_ERROR_CONTEXT_QUEUE_MANAGER_NOTIFICATION = 3,
  BSIM_ERROR_CONTEXT_LOCAL_FILE = 4,
  BSIM_ERROR_CONTEXT_REMOTE_FILE = 5,
  BSIM_ERROR_CONTEXT_GENERAL_TRANSPORT = 6,
  BSIM_ERROR_CONTEXT_REMOTE_APPLICATION = 7,
  BSIM_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK = 8,
  BSIM_ERROR_CONTEXT_COUNT /* not a value */
};

/* Notify flags (reference §2.6). Default for a new job: 0x3. */
#define BSIM_NOTIFY_JOB_TRANSFERRED 0x0001u
#define BSIM_NOTIFY_JOB_ERROR 0x0002u
#define BSIM_NOTIFY_DISABLE 0x0004u
#define BSIM_NOTIFY_JOB_MODIFICATION 0x0008u
#define BSIM_NOTIFY_FILE_TRANSFERRED 0x0010u
#define BSIM_NOTIFY_FILE_RANGES_TRANSFERRED 0x0020u
#define BSIM_NOTIFY_ALL_FLAGS 0x003Fu
#define BSIM_NOTIFY_DEFAULT                                                    \
  (BSIM_NOTIFY_JOB_TRANSFERRED | BSIM_NOTIFY_JOB_ERROR)

/** EnumJobs flag: every user's jobs (administrators only). */
#define BSIM_JOB_ENUM_ALL_USERS 0x0001u

/** Size not known yet; also "to end of file" for ranges (reference §2.7). */
#define BSIM_SIZE_UNKNOWN UINT64_MAX
#define BSIM_LENGTH_TO_EOF UINT64_MAX

/* Defaults and limits (reference §0, §5, §12, §14). */
#define BSIM_DEFAULT_MIN_RETRY_DELAY_S 600u
#define BSIM_MIN_RETRY_DELAY_FLOOR_S 5u
#define BSIM_DEFAULT_NO_PROGRESS_TIMEOUT_S 1209600u
#define BSIM_DEFAULT_MAX_DOWNLOAD_TIME_S 7776000u
#define BSIM_DEFAULT_JOB_INACTIVITY_TIMEOUT_S 7776000u
#define BSIM_MAX_DISPLAY_NAME_CHARS 256u
#define BSIM_MAX_DESCRIPTION_CHARS 1024u
#define BSIM_MAX_URL_CHARS 2200u
#define BSIM_MAX_PATH_CHARS 260u
#define BSIM_MAX_PROXY_LIST_CHARS 4000u
#define BSIM_DEFAULT_MAX_JOBS_PER_USER 60u
#define BSIM_DEFAULT_MAX_JOBS_PER_MACHINE 300u
#define BSIM_DEFAULT_MAX_FILES_PER_JOB 200u
#define BSIM_DEFAULT_MAX_RANGES_PER_FILE 500u
#define BSIM_DEFAULT_NOTIFY_IN_FLIGHT_PER_USER 4u

/** A job id: a GUID with the Windows layout (reference §1.3). */
typedef struct bsim_guid {
  uint32_t data1;
  uint16_t data2;
  uint16_t data3;
  uint8_t data4[8];
} bsim_guid;

/** Text form "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" plus NUL. */
#define BSIM_GUID_STRING_LEN 39

/** One file to add: remote URL (or absolute path) and absolute local name.
 * Both UTF-8. Mirrors BG_FILE_INFO. */
struct bsim_file_info {
  const char *remote_name;
  const char *local_name;
};

/** Job progress; layout of BG_JOB_PROGRESS. bytes_total is
 * BSIM_SIZE_UNKNOWN while any file's size is unknown. */
struct bsim_job_progress {
  uint64_t bytes_total;
  uint64_t bytes_transferred;
  uint32_t files_total;
  uint32_t files_transferred;
};

/** File progress; layout of BG_FILE_PROGRESS. completed is nonzero once a
 * download was renamed into place by Complete (or an upload finished). */
struct bsim_file_progress {
  uint64_t bytes_total;
  uint64_t bytes_transferred;
  int32_t completed;
};

/** Job times as FILETIME ticks (100 ns since 1601-01-01 UTC), taken from
 * the manager's wall clock (virtual in manual and auto modes). */
struct bsim_job_times {
  uint64_t creation_filetime;
  uint64_t modification_filetime;
  uint64_t transfer_completion_filetime; /* 0 until first TRANSFERRED */
};

/** Reply progress of an upload-reply job; layout of BG_JOB_REPLY_PROGRESS. */
struct bsim_reply_progress {
  uint64_t bytes_total; /* BSIM_SIZE_UNKNOWN until the reply starts */
  uint64_t bytes_transferred;
};

/** A byte range; layout of BG_FILE_RANGE. */
struct bsim_file_range {
  uint64_t initial_offset;
  uint64_t length;
};

/** The job's error record (reference §1.11, §4.2). */
struct bsim_job_error {
  enum bsim_error_context context;
  int32_t code;         /* the HRESULT (a bsim_hr) */
  int32_t file_index;   /* -1 when the error is not tied to a file */
  int32_t http_status;  /* 0 when no HTTP status was involved */
  const char *protocol; /* "http", "https", "file", or NULL; static */
};

#ifdef __cplusplus
}
#endif
#endif /* BSIM_TYPES_H */
