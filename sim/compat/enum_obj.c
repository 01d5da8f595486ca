/* bitsim — IEnumBackgroundCopyJobs and IEnumBackgroundCopyFiles
 * (reference §1.3, §1.4): snapshots. The job enumerator holds references
 * to the jobs that existed when EnumJobs was called; the file enumerator
 * holds the job and the file count at EnumFiles. Next hands out new
 * objects (one reference each, the caller's).
 */
#include "compat/compat.h"

#include "internal.h"

struct cw_enum {
  union {
    IEnumBackgroundCopyJobs jobs;
    IEnumBackgroundCopyFiles files;
  } iface;
  atomic_long refs;
  int is_files;
  bsim_job **jobs; /* job enumerator: count references */
  bsim_job *job;   /* file enumerator */
  size_t count;
  size_t pos;
};

#define NSELF(This) ((struct cw_enum *)(void *)(This))

static void enum_free(struct cw_enum *e) {
  if (e->is_files) {
    bsim_job_unref(e->job);
  } else {
    bsim_job_array_free(e->jobs, e->count);
  }
  bsim__free(e);
  atomic_fetch_sub(&bsim__cw_live, 1);
}

static HRESULT enum_qi(void *This, REFIID riid, void **out) {
  if (out == NULL) return E_POINTER;
  *out = NULL;
  const IID *want = NSELF(This)->is_files ? &IID_IEnumBackgroundCopyFiles
                                          : &IID_IEnumBackgroundCopyJobs;
  if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, want)) {
    return E_NOINTERFACE;
  }
  atomic_fetch_add(&NSELF(This)->refs, 1);
  *out = This;
  return S_OK;
}

static ULONG enum_addref(void *This) {
  return (ULONG)(atomic_fetch_add(&NSELF(This)->refs, 1) + 1);
}

static ULONG enum_release(void *This) {
  long left = atomic_fetch_sub(&NSELF(This)->refs, 1) - 1;
  if (left == 0) enum_free(NSELF(This));
  return (ULONG)left;
}

static void *make_item(struct cw_enum *e, size_t i) {
  if (e->is_files) return bsim__cw_file_new(e->job, (uint32_t)i);
  bsim_job_ref(e->jobs[i]);
  IBackgroundCopyJob *j = bsim__cw_job_new(e->jobs[i]);
  if (j == NULL) bsim_job_unref(e->jobs[i]);
  return j;
}

static void release_item(struct cw_enum *e, void *item) {
  if (e->is_files) {
    IBackgroundCopyFile *f = item;
    f->lpVtbl->Release(f);
  } else {
    IBackgroundCopyJob *j = item;
    j->lpVtbl->Release(j);
  }
}

/* Next: celt items, S_FALSE when fewer were left; pceltFetched may be NULL
 * only when celt is 1 (the COM rule). */
static HRESULT enum_next(void *This, ULONG celt, void **out, ULONG *fetched) {
  struct cw_enum *e = NSELF(This);
  if (out == NULL || (fetched == NULL && celt != 1)) return E_INVALIDARG;
  ULONG n = 0;
  while (n < celt && e->pos < e->count) {
    out[n] = make_item(e, e->pos);
    if (out[n] == NULL) {
      while (n > 0)
        release_item(e, out[--n]);
      return E_OUTOFMEMORY;
    }
    n++;
    e->pos++;
  }
  if (fetched != NULL) *fetched = n;
  return n == celt ? S_OK : S_FALSE;
}

static HRESULT enum_skip(void *This, ULONG celt) {
  struct cw_enum *e = NSELF(This);
  size_t left = e->count - e->pos;
  e->pos += celt < left ? celt : left;
  return celt <= left ? S_OK : S_FALSE;
}

static HRESULT enum_reset(void *This) {
  NSELF(This)->pos = 0;
  return S_OK;
}

static HRESULT enum_count(void *This, ULONG *out) {
  if (out == NULL) return E_INVALIDARG;
  *out = (ULONG)NSELF(This)->count;
  return S_OK;
}

static struct cw_enum *enum_alloc(int is_files);

static HRESULT enum_clone(void *This, void **out) {
  if (out == NULL) return E_INVALIDARG;
  *out = NULL;
  struct cw_enum *e = NSELF(This);
  struct cw_enum *c = enum_alloc(e->is_files);
  if (c == NULL) return E_OUTOFMEMORY;
  if (e->is_files) {
    bsim_job_ref(e->job);
    c->job = e->job;
  } else if (e->count > 0) {
    c->jobs = bsim__calloc(e->count, sizeof *c->jobs);
    if (c->jobs == NULL) {
      enum_free(c);
      return E_OUTOFMEMORY;
    }
    for (size_t i = 0; i < e->count; i++) {
      bsim_job_ref(e->jobs[i]);
      c->jobs[i] = e->jobs[i];
    }
  }
  c->count = e->count;
  c->pos = e->pos;
  *out = c;
  return S_OK;
}

/* The two vtables share the implementations above: their slots have the
 * same shapes, only the interface pointer types differ. */
#define ENUM_VTBL(T, I, Item)                                                  \
  static HRESULT STDMETHODCALLTYPE T##_qi(I *This, REFIID r, void **o) {       \
    return enum_qi(This, r, o);                                                \
  }                                                                            \
  static ULONG STDMETHODCALLTYPE T##_addref(I *This) {                         \
    return enum_addref(This);                                                  \
  }                                                                            \
  static ULONG STDMETHODCALLTYPE T##_release(I *This) {                        \
    return enum_release(This);                                                 \
  }                                                                            \
  static HRESULT STDMETHODCALLTYPE T##_next(I *This, ULONG c, Item **o,        \
                                            ULONG *f) {                        \
    return enum_next(This, c, (void **)o, f);                                  \
  }                                                                            \
  static HRESULT STDMETHODCALLTYPE T##_skip(I *This, ULONG c) {                \
    return enum_skip(This, c);                                                 \
  }                                                                            \
  static HRESULT STDMETHODCALLTYPE T##_reset(I *This) {                        \
    return enum_reset(This);                                                   \
  }                                                                            \
  static HRESULT STDMETHODCALLTYPE T##_clone(I *This, I **o) {                 \
    return enum_clone(This, (void **)o);                                       \
  }                                                                            \
  static HRESULT STDMETHODCALLTYPE T##_count(I *This, ULONG *o) {              \
    return enum_count(This, o);                                                \
  }                                                                            \
  static const I##Vtbl T##_vtbl = {T##_qi,    T##_addref, T##_release,         \
                                   T##_next,  T##_skip,   T##_reset,           \
                                   T##_clone, T##_count};

ENUM_VTBL(ejobs, IEnumBackgroundCopyJobs, IBackgroundCopyJob)
ENUM_VTBL(efiles, IEnumBackgroundCopyFiles, IBackgroundCopyFile)

static struct cw_enum *enum_alloc(int is_files) {
  struct cw_enum *e = bsim__calloc(1, sizeof *e);
  if (e == NULL) return NULL;
  e->is_files = is_files;
  if (is_files) {
    e->iface.files.lpVtbl = (IEnumBackgroundCopyFilesVtbl *)&efiles_vtbl;
  } else {
    e->iface.jobs.lpVtbl = (IEnumBackgroundCopyJobsVtbl *)&ejobs_vtbl;
  }
  atomic_init(&e->refs, 1);
  atomic_fetch_add(&bsim__cw_live, 1);
  return e;
}

HRESULT bsim__cw_enum_jobs_new(bsim_job **jobs, size_t count,
                               IEnumBackgroundCopyJobs **out) {
  struct cw_enum *e = enum_alloc(0);
  if (e == NULL) {
    bsim_job_array_free(jobs, count);
    return E_OUTOFMEMORY;
  }
  e->jobs = jobs;
  e->count = count;
  *out = &e->iface.jobs;
  return S_OK;
}

HRESULT bsim__cw_enum_files_new(bsim_job *job, IEnumBackgroundCopyFiles **out) {
  *out = NULL;
  struct cw_enum *e = enum_alloc(1);
  if (e == NULL) return E_OUTOFMEMORY;
  bsim_job_ref(job);
  e->job = job;
  e->count = bsim_job_file_count(job);
  *out = &e->iface.files;
  return S_OK;
}
