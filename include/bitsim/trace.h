/* bitsim — the trace (design.md "Trace").
 *
 * Every API call, state change, notification, timer, fault and progress step
 * is one JSON object on one line:
 *   {"seq":7,"t_ms":600000,"ev":"state","job":"{…}","from":"TRANSIENT_ERROR",
 *    "to":"QUEUED","why":"retry_timer"}
 * seq counts from 1; t_ms is virtual time. The same seed and inputs give the
 * same lines byte for byte, hence the same digest. Narration, the SVG
 * timeline and the reports are all rendered from these lines.
 *
 * Threads: any thread (engine lock). Sinks are called with the lock held:
 * they must not call back into bitsim.
 */
#ifndef BSIM_TRACE_H
#define BSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "bitsim/export.h"
#include "bitsim/hr.h"
#include "bitsim/manager.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Receives one line (without the newline); line is valid only during the
 * call. */
typedef void (*bsim_trace_cb)(const char *line, size_t len, void *user);

/** Send every later trace line to cb (NULL removes). Returns S_OK. */
BSIM_EXTERN bsim_hr bsim_trace_set_sink(bsim_manager *mgr, bsim_trace_cb cb,
                                        void *user);

/** Append every later trace line to the file at path ("-" = stdout).
 * Returns S_OK or the HRESULT of the open failure. */
BSIM_EXTERN BSIM_NODISCARD bsim_hr bsim_trace_to_file(bsim_manager *mgr,
                                                      const char *path);

/** FNV-1a 64 over every line so far (with newlines). */
BSIM_EXTERN uint64_t bsim_trace_digest(bsim_manager *mgr);

/** Number of lines so far. */
BSIM_EXTERN uint64_t bsim_trace_count(bsim_manager *mgr);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_TRACE_H */
