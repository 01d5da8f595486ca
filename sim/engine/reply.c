/* bitsim — the reply of upload-reply jobs (reference §1.5, §4.3, §8, §9):
 * GetReplyProgress, GetReplyData, SetReplyFileName, GetReplyFileName, the
 * transport's bsim__xfer_reply report, and what Complete and Cancel do to
 * the reply file.
 *
 * The curl transport fetches the reply into the job's temporary name of
 * file 0 (bsim__job_temp_path), which upload jobs use for nothing else,
 * before Close-Session; JobTransferred fires once it is there (§9). Complete
 * renames it to the reply file name; Cancel and scavenging delete it. A
 * server that sent no reply leaves no temporary file: the reply is empty
 * and Complete creates an empty reply file (§9 "the reply file is empty if
 * the server app sent nothing").
 *
 * SetReplyFileName takes effect only before the first Resume (§1.5): the
 * first Resume fixes the name, and a later call (legal until the reply
 * download begins) returns S_OK and changes nothing; GetReplyFileName
 * reports the name in effect.
 *
 * The reply state lives behind job->reply, allocated at the first need, so
 * the many download jobs of a manager pay one pointer each.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"

/* GetReplyData's in-memory limit (reference §1.5: 1 MB). */
#define BSIM__REPLY_DATA_MAX 1048576u

/* Path buffers: MAX_PATH characters of up to 4 UTF-8 bytes, plus room for
 * a generated "/BITSReply-{GUID}" name. */
#define BSIM__REPLY_PATH_CAP (BSIM_MAX_PATH_CHARS * 4 + 64)

static struct bsim__job_reply *reply_get(bsim_job *job) {
  if (job->reply == NULL) {
    job->reply = bsim__calloc(1, sizeof *job->reply);
    if (job->reply == NULL) return NULL;
    job->reply->bytes_total = BSIM_SIZE_UNKNOWN;
  }
  return job->reply;
}

void bsim__reply_free(bsim_job *job) {
  if (job->reply == NULL) return;
  bsim__free(job->reply->name);
  bsim__free(job->reply);
  job->reply = NULL;
}

static int reply_started(const bsim_job *job) {
  return job->reply != NULL && job->reply->bytes_total != BSIM_SIZE_UNKNOWN;
}

/* The reply file name: the one set, else a name bitsim generates in the
 * upload file's directory, "BITSReply-{GUID}" (the job id keeps two jobs
 * uploading the same file apart). Returns 0, or -1 when there is none yet
 * (no name set and no file added). */
static int reply_path(const bsim_job *job, char *buf, size_t cap) {
  if (job->reply != NULL && job->reply->name != NULL) {
    size_t len = strlen(job->reply->name);
    if (len + 1 > cap) return -1;
    memcpy(buf, job->reply->name, len + 1);
    return 0;
  }
  if (job->file_count == 0) return -1;
  const char *local = job->files[0].local;
  const char *slash = strrchr(local, '/');
  size_t dir_len = (size_t)(slash - local);
  static const char prefix[] = "/BITSReply-";
  size_t id_len = strlen(job->id_text);
  if (dir_len + sizeof prefix + id_len > cap) return -1;
  memcpy(buf, local, dir_len);
  memcpy(buf + dir_len, prefix, sizeof prefix - 1);
  memcpy(buf + dir_len + sizeof prefix - 1, job->id_text, id_len + 1);
  return 0;
}

/* ---- the transport's report (sim/internal.h) ---------------------------- */

void bsim__xfer_reply(struct bsim__xfer *xfer, uint64_t bytes_total,
                      uint64_t bytes_done) {
  bsim_job *job = xfer->job;
  BSIM_ASSERT(job != NULL && job->xfer == xfer);
  struct bsim__job_reply *r = reply_get(job);
  if (r == NULL) return; /* progress is informative; the bytes still land */
  uint64_t before = r->bytes_done;
  r->bytes_total = bytes_total;
  r->bytes_done = bytes_done;
  if (bytes_done > before) {
    job->noprog_since_ms = UINT64_MAX; /* reply bytes are progress (§4.4) */
    bsim__job_touch(job);
  }
  struct bsim__tr tr;
  if (BSIM__TR_BEGIN(&tr, job->mgr, "reply", job)) {
    bsim__tr_u64(&tr, "bytes_total", bytes_total);
    bsim__tr_u64(&tr, "bytes", bytes_done);
    bsim__tr_end(&tr);
  }
}

/* ---- Complete and Cancel (reference §8) --------------------------------- */

bsim_hr bsim__reply_complete(bsim_job *job) {
  if (bsim__fs_virtual(job->mgr) || job->file_count == 0) return BSIM_S_OK;
  char temp[BSIM__REPLY_PATH_CAP];
  char dest[BSIM__REPLY_PATH_CAP];
  bsim__job_temp_path(job, 0, temp, sizeof temp);
  if (reply_path(job, dest, sizeof dest) != 0) return BSIM_E_INVALIDARG;
  struct stat st;
  bsim_hr hr;
  if (stat(temp, &st) == 0) {
    hr = bsim__fs_rename(job->mgr, temp, dest);
  } else {
    hr = bsim__fs_create(job->mgr, dest); /* no reply: an empty file */
  }
  struct bsim__tr tr;
  if (BSIM__TR_BEGIN(&tr, job->mgr, "file", job)) {
    bsim__tr_str(&tr, "op", "reply");
    bsim__tr_hr(&tr, "hr", hr);
    bsim__tr_end(&tr);
  }
  return hr;
}

int bsim__reply_delete_temp(bsim_job *job) {
  if (job->file_count == 0) return 0;
  char temp[BSIM__REPLY_PATH_CAP];
  bsim__job_temp_path(job, 0, temp, sizeof temp);
  return BSIM_FAILED(bsim__fs_unlink(job->mgr, temp)) ? -1 : 0;
}

/* ---- GetReplyProgress ---------------------------------------------------- */

bsim_hr bsim_job_get_reply_progress(bsim_job *job,
                                    struct bsim_reply_progress *out) {
  if (job == NULL || out == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = BSIM_S_OK;
  if (job->type != BSIM_JOB_TYPE_UPLOAD_REPLY) {
    hr = BSIM_E_NOTIMPL; /* reference §1.5 */
  } else if (job->reply == NULL) {
    out->bytes_total = BSIM_SIZE_UNKNOWN;
    out->bytes_transferred = 0;
  } else {
    out->bytes_total = job->reply->bytes_total;
    out->bytes_transferred = job->reply->bytes_done;
  }
  return bsim__job_unlock(mgr, "get_reply_progress", job, hr);
}

/* ---- GetReplyData -------------------------------------------------------- */

/* Read the whole reply at path into a new buffer. A missing or empty file
 * is an empty reply (NULL, 0); over the limit: BG_E_TOO_LARGE with the
 * length set (reference §1.5). */
static bsim_hr read_reply(const char *path, void **data_out,
                          uint64_t *length_out) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? BSIM_S_OK : bsim__hr_from_errno(errno);
  struct stat st;
  bsim_hr hr = BSIM_S_OK;
  if (fstat(fd, &st) != 0) {
    hr = bsim__hr_from_errno(errno);
  } else if ((uint64_t)st.st_size > BSIM__REPLY_DATA_MAX) {
    *length_out = (uint64_t)st.st_size;
    hr = BSIM_E_TOO_LARGE;
  } else if (st.st_size > 0) {
    size_t len = (size_t)st.st_size;
    char *buf = bsim__malloc(len);
    size_t got = 0;
    while (buf != NULL && got < len) {
      ssize_t n = pread(fd, buf + got, len - got, (off_t)got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break; /* shrank under us: what was read is the reply */
      got += (size_t)n;
    }
    if (buf == NULL) {
      hr = BSIM_E_OUTOFMEMORY;
    } else if (got == 0) {
      bsim__free(buf);
    } else {
      *data_out = buf;
      *length_out = got;
    }
  }
  close(fd);
  return hr;
}

static bsim_hr get_reply_data_locked(bsim_job *job, void **data_out,
                                     uint64_t *length_out) {
  if (job->type != BSIM_JOB_TYPE_UPLOAD_REPLY) return BSIM_E_NOTIMPL;
  /* TRANSFERRED, and ACKNOWLEDGED per the remarks (reference §1.5, §4.3:
   * unconfirmed; bitsim allows it). */
  int acked = job->state == BSIM_JOB_STATE_ACKNOWLEDGED;
  if (job->mgr == NULL ||
      (job->state != BSIM_JOB_STATE_TRANSFERRED && !acked)) {
    return BSIM_E_INVALID_STATE;
  }
  if (bsim__fs_virtual(job->mgr)) return BSIM_S_OK; /* nothing on disk */
  char path[BSIM__REPLY_PATH_CAP];
  if (acked) {
    if (reply_path(job, path, sizeof path) != 0) return BSIM_S_OK;
  } else {
    bsim__job_temp_path(job, 0, path, sizeof path);
  }
  return read_reply(path, data_out, length_out);
}

bsim_hr bsim_job_get_reply_data(bsim_job *job, void **data_out,
                                uint64_t *length_out) {
  if (job == NULL || data_out == NULL || length_out == NULL) {
    return BSIM_E_INVALIDARG;
  }
  *data_out = NULL;
  *length_out = 0;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = get_reply_data_locked(job, data_out, length_out);
  return bsim__job_unlock(mgr, "get_reply_data", job, hr);
}

/* ---- SetReplyFileName / GetReplyFileName -------------------------------- */

void bsim__reply_resumed(bsim_job *job) {
  struct bsim__job_reply *r = reply_get(job);
  if (r != NULL && !r->frozen) {
    r->frozen = 1;
    bsim__store_job_changed(job);
  }
}

/* A name set after the first Resume is accepted (S_OK) and has no effect
 * (reference §1.5): the name in effect stays, and says so in the trace. */
static void trace_late_name(bsim_job *job) {
  struct bsim__tr tr;
  if (BSIM__TR_BEGIN(&tr, job->mgr, "reply", job)) {
    bsim__tr_str(&tr, "op", "name_after_resume_ignored");
    bsim__tr_end(&tr);
  }
}

static bsim_hr check_reply_name(bsim_job *job, const char *name) {
  int64_t chars = bsim__utf8_chars(name);
  if (chars < 0 || chars > (int64_t)BSIM_MAX_PATH_CHARS || name[0] != '/' ||
      name[strlen(name) - 1] == '/') {
    return BSIM_E_INVALIDARG;
  }
  return bsim__fs_check_parent(job->mgr, name); /* E_ACCESSDENIED */
}

static bsim_hr set_reply_name_locked(bsim_job *job, const char *name) {
  if (job->type != BSIM_JOB_TYPE_UPLOAD_REPLY) return BSIM_E_NOTIMPL;
  enum bsim_job_state st = (enum bsim_job_state)job->state;
  if (job->mgr == NULL || st == BSIM_JOB_STATE_ACKNOWLEDGED ||
      st == BSIM_JOB_STATE_CANCELLED) {
    return BSIM_E_INVALID_STATE;
  }
  /* Once the reply download began (reference §4.3 note 2). */
  if ((st == BSIM_JOB_STATE_TRANSFERRING || st == BSIM_JOB_STATE_TRANSFERRED) &&
      reply_started(job)) {
    return BSIM_E_INVALID_STATE;
  }
  char *copy = NULL;
  if (name != NULL && name[0] != '\0') {
    bsim_hr hr = check_reply_name(job, name);
    if (BSIM_FAILED(hr)) return hr;
    if ((copy = bsim__strdup(name)) == NULL) return BSIM_E_OUTOFMEMORY;
  }
  struct bsim__job_reply *r = reply_get(job);
  if (r == NULL) {
    bsim__free(copy);
    return BSIM_E_OUTOFMEMORY;
  }
  if (r->frozen) {
    bsim__free(copy);
    trace_late_name(job);
    return BSIM_S_OK;
  }
  bsim__free(r->name);
  r->name = copy; /* NULL: generated beside the upload file */
  bsim__job_touch(job);
  bsim__notify_modified(job);
  return BSIM_S_OK;
}

bsim_hr bsim_job_set_reply_file_name(bsim_job *job, const char *name) {
  if (job == NULL) return BSIM_E_INVALIDARG;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = set_reply_name_locked(job, name);
  return bsim__job_unlock(mgr, "set_reply_file_name", job, hr);
}

bsim_hr bsim_job_get_reply_file_name(bsim_job *job, char **out) {
  if (job == NULL || out == NULL) return BSIM_E_INVALIDARG;
  *out = NULL;
  bsim_manager *mgr = bsim__job_lock(job);
  bsim_hr hr = BSIM_S_OK;
  char path[BSIM__REPLY_PATH_CAP];
  if (job->type != BSIM_JOB_TYPE_UPLOAD_REPLY) {
    hr = BSIM_E_NOTIMPL;
  } else if (reply_path(job, path, sizeof path) == 0 &&
             (*out = bsim__strdup(path)) == NULL) {
    hr = BSIM_E_OUTOFMEMORY;
  }
  return bsim__job_unlock(mgr, "get_reply_file_name", job, hr);
}
