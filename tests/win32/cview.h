/* The C side of the layout tests: functions compiled by the C compiler
 * (tests/win32/cview.c) that take COM objects and call them only through
 * the C lpVtbl view and the COBJMACROS macros. The C++ tests hand them
 * objects of C++ classes; if the layouts differ, the wrong member function
 * runs and the C++ side sees it.
 */
#ifndef BSIM_WIN32_TEST_CVIEW_H
#define BSIM_WIN32_TEST_CVIEW_H

#include <windows.h>
#include <bits.h>

#include "testsink.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Arguments the C side passes, so the C++ side can check they arrived. */
#define BSIM_CVIEW_RESERVED 0xC0FFEEu
#define BSIM_CVIEW_RANGE_COUNT 2u
#define BSIM_CVIEW_SINK_VALUE 4242

/** Through IBackgroundCopyCallback's C view, call in this order:
 * QueryInterface(IID_IBackgroundCopyCallback), AddRef, JobTransferred(job),
 * JobError(job, error), JobModification(job, BSIM_CVIEW_RESERVED), Release.
 * Returns S_OK if every call returned what a conforming object returns
 * (S_OK, and the pointer itself from QueryInterface), else E_FAIL. */
HRESULT bsim_cview_callback(IBackgroundCopyCallback *cb,
                            IBackgroundCopyJob *job,
                            IBackgroundCopyError *error);

/** The same through IBackgroundCopyCallback3's C view, then FileTransferred
 * (job, file) and FileRangesTransferred(job, file, 2, ranges) with ranges
 * {0, 100} and {4096, BG_LENGTH_TO_EOF}. */
HRESULT bsim_cview_callback3(IBackgroundCopyCallback3 *cb,
                             IBackgroundCopyJob *job,
                             IBackgroundCopyError *error,
                             IBackgroundCopyFile *file);

/** Given the IUnknown of an object that implements IBackgroundCopyCallback
 * and IBsimTestSink: QueryInterface it for both (C view), call
 * Record(BSIM_CVIEW_SINK_VALUE) on the sink, check COM identity (both
 * interfaces answer IID_IUnknown with the same pointer) and that the sink
 * leads back to the callback, release everything. *sink_out receives the
 * sink pointer QueryInterface returned. Returns S_OK or the first failure. */
HRESULT bsim_cview_multi(IUnknown *unk, void **sink_out);

/** The addresses of IID_IBsimTestSink and IID_IBackgroundCopyJob as this C
 * translation unit sees them (it defines both under <initguid.h>). */
const GUID *bsim_cview_sink_iid(void);
const GUID *bsim_cview_job_iid(void);

#ifdef __cplusplus
}
#endif

#endif /* BSIM_WIN32_TEST_CVIEW_H */
