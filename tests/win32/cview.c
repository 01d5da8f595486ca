/* The C side of the layout tests (see cview.h): calls COM objects built by
 * the C++ tests through the C lpVtbl view only, with the COBJMACROS macros,
 * exactly as C callback-dispatch code (or the future C runtime) will.
 *
 * This file also includes <initguid.h>, so it defines IID_IBsimTestSink and
 * every BITS IID weakly; a C++ test file does the same, and the link shows
 * that DEFINE_GUID definitions in several translation units (and in
 * libbitsim_win32) merge into one object each.
 */
#define COBJMACROS
#include <initguid.h>

#include "cview.h"

static const BG_FILE_RANGE cview_ranges[BSIM_CVIEW_RANGE_COUNT] = {
    {0, 100}, {4096, BG_LENGTH_TO_EOF}};

HRESULT bsim_cview_callback(IBackgroundCopyCallback *cb,
                            IBackgroundCopyJob *job,
                            IBackgroundCopyError *error) {
  void *self = NULL;
  HRESULT hr = IBackgroundCopyCallback_QueryInterface(
      cb, &IID_IBackgroundCopyCallback, &self);
  if (hr != S_OK || self != (void *)cb) return E_FAIL;
  if (IBackgroundCopyCallback_AddRef(cb) < 2) return E_FAIL;
  if (IBackgroundCopyCallback_JobTransferred(cb, job) != S_OK) return E_FAIL;
  if (IBackgroundCopyCallback_JobError(cb, job, error) != S_OK) return E_FAIL;
  hr = IBackgroundCopyCallback_JobModification(cb, job, BSIM_CVIEW_RESERVED);
  if (hr != S_OK) return E_FAIL;
  IBackgroundCopyCallback_Release(cb); /* the QueryInterface reference */
  IBackgroundCopyCallback_Release(cb); /* the AddRef reference */
  return S_OK;
}

HRESULT bsim_cview_callback3(IBackgroundCopyCallback3 *cb,
                             IBackgroundCopyJob *job,
                             IBackgroundCopyError *error,
                             IBackgroundCopyFile *file) {
  void *self = NULL;
  HRESULT hr = IBackgroundCopyCallback3_QueryInterface(
      cb, &IID_IBackgroundCopyCallback3, &self);
  if (hr != S_OK || self != (void *)cb) return E_FAIL;
  if (IBackgroundCopyCallback3_AddRef(cb) < 2) return E_FAIL;
  if (IBackgroundCopyCallback3_JobTransferred(cb, job) != S_OK) return E_FAIL;
  if (IBackgroundCopyCallback3_JobError(cb, job, error) != S_OK) return E_FAIL;
  hr = IBackgroundCopyCallback3_JobModification(cb, job, BSIM_CVIEW_RESERVED);
  if (hr != S_OK) return E_FAIL;
  hr = IBackgroundCopyCallback3_FileTransferred(cb, job, file);
  if (hr != S_OK) return E_FAIL;
  hr = IBackgroundCopyCallback3_FileRangesTransferred(
      cb, job, file, BSIM_CVIEW_RANGE_COUNT, cview_ranges);
  if (hr != S_OK) return E_FAIL;
  IBackgroundCopyCallback3_Release(cb);
  IBackgroundCopyCallback3_Release(cb);
  return S_OK;
}

/* COM identity: every interface of one object answers IID_IUnknown with the
 * same pointer. */
static HRESULT same_object(IUnknown *a, IUnknown *b) {
  IUnknown *ua = NULL;
  IUnknown *ub = NULL;
  HRESULT hr = IUnknown_QueryInterface(a, &IID_IUnknown, (void **)&ua);
  if (hr != S_OK) return hr;
  hr = IUnknown_QueryInterface(b, &IID_IUnknown, (void **)&ub);
  if (hr != S_OK) {
    IUnknown_Release(ua);
    return hr;
  }
  hr = ua == ub ? S_OK : E_FAIL;
  IUnknown_Release(ua);
  IUnknown_Release(ub);
  return hr;
}

/* From the sink, QueryInterface must lead back to the callback view. */
static HRESULT sink_leads_back(IBsimTestSink *sink,
                               IBackgroundCopyCallback *cb) {
  IBackgroundCopyCallback *again = NULL;
  HRESULT hr = IBsimTestSink_QueryInterface(sink, &IID_IBackgroundCopyCallback,
                                            (void **)&again);
  if (hr != S_OK) return hr;
  hr = again == cb ? S_OK : E_FAIL;
  IBackgroundCopyCallback_Release(again);
  return hr;
}

HRESULT bsim_cview_multi(IUnknown *unk, void **sink_out) {
  IBackgroundCopyCallback *cb = NULL;
  IBsimTestSink *sink = NULL;
  HRESULT hr =
      IUnknown_QueryInterface(unk, &IID_IBackgroundCopyCallback, (void **)&cb);
  if (hr != S_OK) return hr;
  hr = IUnknown_QueryInterface(unk, &IID_IBsimTestSink, (void **)&sink);
  if (hr != S_OK) {
    IBackgroundCopyCallback_Release(cb);
    return hr;
  }
  *sink_out = sink;
  hr = IBsimTestSink_Record(sink, BSIM_CVIEW_SINK_VALUE);
  if (hr == S_OK) hr = same_object((IUnknown *)cb, (IUnknown *)sink);
  if (hr == S_OK) hr = sink_leads_back(sink, cb);
  IBsimTestSink_Release(sink);
  IBackgroundCopyCallback_Release(cb);
  return hr;
}

const GUID *bsim_cview_sink_iid(void) {
  return &IID_IBsimTestSink;
}

const GUID *bsim_cview_job_iid(void) {
  return &IID_IBackgroundCopyJob;
}
