/* bitsim — jobs and their files (reference §1.3–§1.9, §4, §8).
 *
 * Jobs are reference-counted objects (design.md "Job handles"). Creating,
 * looking up and enumerating jobs hands the caller new references; a job in
 * a final state (ACKNOWLEDGED, CANCELLED) stays a valid object answering
 * BG_E_INVALID_STATE to mutations until its last reference goes.
 *
 * Every call returns the HRESULT BITS returns in that situation. A call that
 * fails changes nothing and causes no callback. No call ever delivers a
 * callback from inside itself: notifications it causes are delivered later by
 * whoever drives the engine.
 *
 * Strings are UTF-8. Strings returned through char ** are copies the caller
 * frees with bsim_free.
 *
 * Threads: any thread, including from inside a callback.
 */
#ifndef BSIM_JOB_H
#define BSIM_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "bitsim/export.h"
#include "bitsim/hr.h"
#include "bitsim/manager.h"
#include "bitsim/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- creating and finding jobs (reference §1.3) ------------------------ */

/** CreateJob as user. New jobs are SUSPENDED with priority NORMAL, notify
 * flags 0x3, retry delay 600 s, no-progress timeout 1,209,600 s.
 * Returns S_OK, E_INVALIDARG (NULL or over-long name, unknown type),
 * E_ACCESSDENIED (unknown user), BG_E_TOO_MANY_JOBS_PER_USER,
 * BG_E_TOO_MANY_JOBS_PER_MACHINE, E_OUTOFMEMORY.
 * Ownership: *job_out is a new reference (release with bsim_job_unref);
 * id_out may be NULL. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_create(bsim_manager *mgr, const char *user, const char *display_name,
                enum bsim_job_type type, bsim_guid *id_out, bsim_job **job_out);

/** GetJob as user. Returns S_OK, BG_E_NOT_FOUND (no such job, or final),
 * E_ACCESSDENIED (another user's job and user is not an administrator).
 * Ownership: *job_out is a new reference. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_manager_get_job(bsim_manager *mgr,
                                                        const char *user,
                                                        const bsim_guid *id,
                                                        bsim_job **job_out);

/** EnumJobs as user: a snapshot of the user's non-final jobs, or of every
 * user's with BSIM_JOB_ENUM_ALL_USERS (administrators only, else
 * E_ACCESSDENIED). flags with unknown bits: E_INVALIDARG.
 * Ownership: free with bsim_job_array_free (releases every reference). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_manager_enum_jobs(bsim_manager *mgr,
                                                          const char *user,
                                                          uint32_t flags,
                                                          bsim_job ***jobs_out,
                                                          size_t *count_out);

/** Release every job of an array from bsim_manager_enum_jobs, then it. */
BSIM_EXTERN void bsim_job_array_free(bsim_job **jobs, size_t count);

/** Take another reference. */
BSIM_EXTERN void bsim_job_ref(bsim_job *job);
/** Drop a reference; the last one frees the object. NULL is a no-op. */
BSIM_EXTERN void bsim_job_unref(bsim_job *job);

/* ---- files (reference §1.4, §1.9, §10) --------------------------------- */

/** AddFile. remote: http://, https://, file:// or an absolute path; local:
 * absolute path whose directory exists (REAL fs). Returns S_OK,
 * E_INVALIDARG (NULL, empty, relative, over-long, unsupported scheme),
 * BG_E_TOO_MANY_FILES (upload job already has its one file),
 * BG_E_TOO_MANY_FILES_IN_JOB, BG_E_INVALID_STATE (final states). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_add_file(bsim_job *job,
                                                     const char *remote_name,
                                                     const char *local_name);

/** AddFileSet: all or nothing. Returns as bsim_job_add_file; count 0 or a
 * NULL array is E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_add_file_set(
    bsim_job *job, uint32_t count, const struct bsim_file_info *files);

/** AddFileWithRanges (IBackgroundCopyJob3, reference §1.6): a download of
 * only the given byte ranges of remote, written back to back into local
 * in the order given (local size = sum of lengths). A range's length may
 * be BSIM_LENGTH_TO_EOF (resolved when the remote size is known); the
 * order is free, overlap is judged in offset order (docs/transport.md,
 * "Ranged downloads"). Checks, in this order: E_INVALIDARG (NULL job),
 * E_NOTIMPL (upload types), E_INVALIDARG (range_count 0, NULL ranges,
 * names as bsim_job_add_file), BG_E_INVALID_RANGE (initial_offset
 * BSIM_LENGTH_TO_EOF, offset + length past 2^64), BG_E_OVERLAPPING_RANGES
 * (overlaps and duplicates), BG_E_TOO_MANY_RANGES_IN_FILE (more than
 * max_ranges_per_file; administrators exempt, reference §12), then as
 * AddFile: BG_E_INVALID_STATE (final), BG_E_TOO_MANY_FILES_IN_JOB,
 * E_INVALIDARG / E_ACCESSDENIED (local directory missing / not
 * writable), E_OUTOFMEMORY. A refused call changes nothing. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_add_file_with_ranges(
    bsim_job *job, const char *remote_name, const char *local_name,
    uint32_t range_count, const struct bsim_file_range *ranges);

/** GetFileRanges (IBackgroundCopyFile2, reference §1.9): a copy of the
 * file's ranges as they were given (BSIM_LENGTH_TO_EOF stays as given).
 * A file added without ranges gives S_OK, *count_out 0 and *ranges_out
 * NULL. Returns S_OK, E_INVALIDARG (NULL, index out of range),
 * E_OUTOFMEMORY. Ownership: free *ranges_out with bsim_free. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_file_get_ranges(bsim_job *job, uint32_t index, uint32_t *count_out,
                     struct bsim_file_range **ranges_out);

/** Number of files in the job. */
BSIM_EXTERN uint32_t bsim_job_file_count(bsim_job *job);

/** Per-file getters; index out of range gives E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_file_get_remote_name(bsim_job *job,
                                                             uint32_t index,
                                                             char **out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_file_get_local_name(bsim_job *job,
                                                            uint32_t index,
                                                            char **out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_file_get_progress(
    bsim_job *job, uint32_t index, struct bsim_file_progress *out);
/** The temporary file the bytes are written to (reference §1.9). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_file_get_temporary_name(bsim_job *job,
                                                                uint32_t index,
                                                                char **out);

/* ---- content validation and peers (reference §1.9, §7, §11) ----------- */

/** SetValidationState (IBackgroundCopyFile3). Legal only once the file
 * finished transferring (E_PENDING before); final states:
 * BG_E_INVALID_STATE. valid nonzero marks the file validated. valid 0
 * rejects the content and resets the file's progress to 0: bytes from the
 * origin put the job in ERROR with BG_E_VALIDATION_FAILED (Resume fetches
 * the file again); bytes from a peer drop the peer's copy and the file is
 * fetched again from the origin (FileTransferred fires again), the job
 * going back to QUEUED from TRANSFERRED (or SUSPENDED with the option
 * peer_reject_suspends). Returns S_OK, E_INVALIDARG (NULL job, index out
 * of range), E_PENDING, BG_E_INVALID_STATE. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_file_set_validation_state(bsim_job *job, uint32_t index, int valid);
/** GetValidationState: 1 after SetValidationState(TRUE) or once Complete
 * renamed the file into place (Complete validates implicitly); 0 can mean
 * "never set" (reference §7). Returns S_OK, E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_file_get_validation_state(bsim_job *job, uint32_t index, int *out);
/** IsDownloadedFromPeer: 1 if any byte of the file's current content came
 * from a peer. Returns S_OK, E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_file_is_downloaded_from_peer(bsim_job *job, uint32_t index, int *out);
/** GetPeerDownloadStats (IBackgroundCopyFile4): bytes fetched from the
 * origin and from peers over the file's life, a content rejected and
 * fetched again included. Either out pointer may be NULL, not both.
 * Returns S_OK, E_INVALIDARG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_file_get_peer_download_stats(
    bsim_job *job, uint32_t index, uint64_t *from_origin, uint64_t *from_peers);

/* ---- life cycle (reference §4, §8) ------------------------------------- */

/** Resume: SUSPENDED/ERROR/TRANSIENT_ERROR -> QUEUED; no files: BG_E_EMPTY
 * (stays SUSPENDED); active states: S_OK, no change; final: BG_E_INVALID_
 * STATE. Callbacks: later, as the job runs. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_resume(bsim_job *job);
/** Suspend: any non-final state -> SUSPENDED (SUSPENDED: S_OK, no change);
 * stops an in-flight transfer keeping its bytes. Final: BG_E_INVALID_STATE. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_suspend(bsim_job *job);
/** Cancel: any non-final state -> CANCELLED; deletes every temporary file.
 * Returns S_OK, BG_S_UNABLE_TO_DELETE_FILES, BG_E_INVALID_STATE. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_cancel(bsim_job *job);
/** Complete (reference §8): renames finished temporary files into place
 * and deletes the rest. Returns S_OK, BG_S_PARTIAL_COMPLETE,
 * BG_S_UNABLE_TO_DELETE_FILES, BG_E_INVALID_STATE, or a rename error (the
 * job then stays as it was, renamed files stay in place). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_complete(bsim_job *job);

/* ---- getters (reference §1.4; legal in every state) -------------------- */

BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_id(bsim_job *job,
                                                   bsim_guid *out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_type(bsim_job *job,
                                                     enum bsim_job_type *out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_state(bsim_job *job,
                                                      enum bsim_job_state *out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_progress(bsim_job *job, struct bsim_job_progress *out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_times(bsim_job *job, struct bsim_job_times *out);
/** GetError: S_OK in ERROR and TRANSIENT_ERROR, else
 * BG_E_ERROR_INFORMATION_UNAVAILABLE (reference §4.3). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_error(bsim_job *job, struct bsim_job_error *out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_error_count(bsim_job *job,
                                                            uint32_t *out);
/** The owner's user name (BITS returns a SID string; bitsim's users are
 * names). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_owner(bsim_job *job,
                                                      char **out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_display_name(bsim_job *job,
                                                             char **out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_description(bsim_job *job,
                                                            char **out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_priority(bsim_job *job, enum bsim_job_priority *out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_notify_flags(bsim_job *job,
                                                             uint32_t *out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_minimum_retry_delay(bsim_job *job, uint32_t *seconds_out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_no_progress_timeout(bsim_job *job, uint32_t *seconds_out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_maximum_download_time(bsim_job *job, uint32_t *seconds_out);
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_proxy_settings(bsim_job *job, enum bsim_proxy_usage *usage_out,
                            char **proxy_list_out, char **bypass_list_out);

/* ---- setters (reference §1.4; BG_E_INVALID_STATE in final states) ------- */

/** NULL: E_INVALIDARG; over 256 characters: BG_E_STRING_TOO_LONG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_set_display_name(bsim_job *job,
                                                             const char *name);
/** NULL: E_INVALIDARG; over 1024 characters: BG_E_STRING_TOO_LONG. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_set_description(bsim_job *job,
                                                            const char *text);
/** Outside the enum: E_NOTIMPL. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_set_priority(bsim_job *job, enum bsim_job_priority priority);
/** Unknown bits: E_NOTIMPL. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_set_notify_flags(bsim_job *job,
                                                             uint32_t flags);
/** Values below 5 are raised to 5 (reference §5). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_set_minimum_retry_delay(bsim_job *job, uint32_t seconds);
/** 0 makes every error fatal (reference §5). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_set_no_progress_timeout(bsim_job *job, uint32_t seconds);
/** Cumulative CONNECTING+TRANSFERRING time before ERROR with
 * BG_E_MAXDOWNLOAD_TIMEOUT (reference §5); 0 means no limit. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_set_maximum_download_time(bsim_job *job, uint32_t seconds);
/** Reference §1.4 SetProxySettings rules. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_set_proxy_settings(bsim_job *job, enum bsim_proxy_usage usage,
                            const char *proxy_list, const char *bypass_list);

/* ---- the reply of upload-reply jobs (reference §1.5, §4.3, §9) --------- */

/** GetReplyProgress. bytes_total is BSIM_SIZE_UNKNOWN until the reply
 * starts (and stays so if the server sends no length before it ends): an
 * error with it unknown happened on the upload leg (§9). Returns S_OK,
 * E_INVALIDARG (NULL), E_NOTIMPL (download and upload jobs). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_reply_progress(bsim_job *job, struct bsim_reply_progress *out);
/** GetReplyData: the whole reply in memory, in TRANSFERRED and (the
 * remarks; unconfirmed) ACKNOWLEDGED. An empty reply gives *data_out NULL
 * and *length_out 0; over 1 MiB: BG_E_TOO_LARGE with *data_out NULL and
 * *length_out the reply's size. Returns S_OK, E_INVALIDARG (NULL),
 * E_NOTIMPL (not upload-reply), BG_E_INVALID_STATE, BG_E_TOO_LARGE,
 * E_OUTOFMEMORY, a read error. Ownership: free *data_out with bsim_free. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_reply_data(bsim_job *job, void **data_out, uint64_t *length_out);
/** SetReplyFileName: an absolute path of at most MAX_PATH characters whose
 * directory exists; NULL or "" lets bitsim name it beside the upload file
 * ("<upload dir>/BITSReply-{job id}"). Returns S_OK, E_NOTIMPL (not
 * upload-reply), E_INVALIDARG (relative, too long, missing directory),
 * E_ACCESSDENIED (directory not writable), BG_E_INVALID_STATE (final, or
 * the reply download has begun). Complete renames the reply there. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_set_reply_file_name(bsim_job *job, const char *name);
/** GetReplyFileName: the name set, else the generated one; *out NULL when
 * no name was set and no file was added yet. Returns S_OK, E_INVALIDARG,
 * E_NOTIMPL (not upload-reply), E_OUTOFMEMORY. Free with bsim_free. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_reply_file_name(bsim_job *job,
                                                                char **out);

/* ---- HTTP options (reference §1.5, §1.13, §2.7, §2.8, §12) ------------- */

/** BG_AUTH_TARGET and BG_AUTH_SCHEME (reference §2.8). */
enum bsim_auth_target {
  BSIM_AUTH_TARGET_SERVER = 1,
  BSIM_AUTH_TARGET_PROXY = 2
};
enum bsim_auth_scheme {
  BSIM_AUTH_SCHEME_BASIC = 1,
  BSIM_AUTH_SCHEME_DIGEST = 2,
  BSIM_AUTH_SCHEME_NTLM = 3,
  BSIM_AUTH_SCHEME_NEGOTIATE = 4,
  BSIM_AUTH_SCHEME_PASSPORT = 5
};
/** SetSecurityFlags bits (reference §2.7). */
#define BSIM_SSL_ENABLE_CRL_CHECK 0x1u
#define BSIM_SSL_IGNORE_CERT_CN_INVALID 0x2u
#define BSIM_SSL_IGNORE_CERT_DATE_INVALID 0x4u
#define BSIM_SSL_IGNORE_UNKNOWN_CA 0x8u
#define BSIM_SSL_IGNORE_CERT_WRONG_USAGE 0x10u
#define BSIM_HTTP_REDIRECT_POLICY_ALLOW_SILENT 0x0u
#define BSIM_HTTP_REDIRECT_POLICY_ALLOW_REPORT 0x100u
#define BSIM_HTTP_REDIRECT_POLICY_DISALLOW 0x200u
#define BSIM_HTTP_REDIRECT_POLICY_MASK 0x700u
#define BSIM_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP 0x800u

/** SetCredentials: one slot per (target, scheme); a second call replaces
 * it. user/password NULL are allowed for NTLM and Negotiate (the logged-on
 * user) and Passport. Returns S_OK, E_INVALIDARG (NULL job; NULL user or
 * password with BASIC or DIGEST), BG_E_INVALID_AUTH_TARGET,
 * BG_E_INVALID_AUTH_SCHEME, BG_E_USERNAME_TOO_LARGE (> 300 characters),
 * BG_E_PASSWORD_TOO_LARGE (> 65,536), BG_E_INVALID_STATE (final). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_set_credentials(
    bsim_job *job, enum bsim_auth_target target, enum bsim_auth_scheme scheme,
    const char *user, const char *password);
/** RemoveCredentials: S_OK also when the slot was empty; the target and
 * scheme checks and final states as above. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_remove_credentials(
    bsim_job *job, enum bsim_auth_target target, enum bsim_auth_scheme scheme);
/** SetCustomHeaders: CRLF-terminated lines sent with every request; at
 * most 16,384 characters with the NUL (BG_E_STRING_TOO_LONG); NULL or ""
 * removes them. Returns S_OK, E_INVALIDARG, BG_E_STRING_TOO_LONG,
 * BG_E_INVALID_STATE. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_set_custom_headers(bsim_job *job, const char *headers);
/** GetCustomHeaders: S_OK and a copy (free with bsim_free), or S_FALSE
 * and *out NULL when there are none (reference §1.13). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_custom_headers(bsim_job *job,
                                                               char **out);
/** SetSecurityFlags: the BSIM_SSL_* and redirect policy bits above; other
 * bits, or a policy value other than ALLOW_SILENT, ALLOW_REPORT and
 * DISALLOW inside the mask, are E_NOTIMPL; ALLOW_HTTPS_TO_HTTP with
 * DISALLOW is E_INVALIDARG (§2.7: it combines with SILENT and REPORT;
 * the code is unconfirmed). Final states: BG_E_INVALID_STATE. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_set_security_flags(bsim_job *job,
                                                               uint32_t flags);
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_get_security_flags(bsim_job *job,
                                                               uint32_t *out);
/** bitsim extension: a per-job bandwidth cap in bytes per second (0: no
 * cap), applied by the curl transport (approximate, docs/transport.md).
 * Final states: BG_E_INVALID_STATE. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_set_max_bandwidth(bsim_job *job, uint64_t bytes_per_s);
BSIM_EXTERN BSIM_NODISCARD bsim_hr
bsim_job_get_max_bandwidth(bsim_job *job, uint64_t *bytes_per_s_out);

/** TakeOwnership by user: administrators only (E_ACCESSDENIED otherwise);
 * strips the notify command line (reference §12). */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_job_take_ownership(bsim_job *job,
                                                           const char *user);

/* ---- formatting ids ---------------------------------------------------- */

/** Format "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (upper case, as BITS
 * prints) into buf of at least BSIM_GUID_STRING_LEN bytes. Returns buf. */
BSIM_EXTERN char *bsim_guid_format(const bsim_guid *id, char *buf);
/** Parse the form above, with or without braces, any case. Returns 0, or
 * -1 if malformed. */
BSIM_EXTERN int bsim_guid_parse(const char *text, bsim_guid *out);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_JOB_H */
