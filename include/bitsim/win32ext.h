/* bitsim — extensions to the Windows binding for tests: the controls an
 * unchanged <bits.h> program cannot express (docs/compat.md "Extensions").
 *
 * The binding's engine is process-wide, created by the first
 * CoCreateInstance of a CLSID_BackgroundCopyManager* and freed by the last
 * CoUninitialize. These functions reach it: to move its clock (with
 * BITSIM_CLOCK=manual, the only way time moves), to run it until idle, to
 * model hosts, files and faults (through the engine API of
 * <bitsim/model.h> on the manager returned here), to read its trace, and
 * to count the binding's live COM objects (0 once every reference was
 * released).
 *
 * Include after <windows.h>/<bits.h> or alone; C and C++.
 */
#ifndef BSIM_WIN32EXT_H
#define BSIM_WIN32EXT_H

#include <stdint.h>

#include "bitsim/export.h"
#include "bitsim/hr.h"
#include "bitsim/manager.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The engine behind CoCreateInstance, created now if needed (after
 * CoInitializeEx). Borrowed: valid until the last CoUninitialize. NULL
 * when COM is not initialised or the engine could not be created. Use the
 * engine API on it (model hosts, files, faults, network, users). */
BSIM_EXTERN bsim_manager *bitsim_win32_manager(void);

/** The user the binding's jobs belong to (BITSIM_USER; "user"). Borrowed,
 * as bitsim_win32_manager. */
BSIM_EXTERN const char *bitsim_win32_user(void);

/** Move virtual time forward by ms on the service thread, firing every
 * timer that falls due and running the work (and callbacks) it causes.
 * Returns S_OK, E_INVALIDARG (BITSIM_CLOCK=real), BG_E_INVALID_STATE (no
 * engine), or the engine's result. */
BSIM_EXTERN bsim_hr bitsim_win32_advance(uint64_t ms);

/** Run the engine until nothing is runnable (see
 * bsim_manager_run_until_idle: in manual and auto mode time does not
 * move here). Returns as bitsim_win32_advance. */
BSIM_EXTERN bsim_hr bitsim_win32_run_until_idle(void);

/** Virtual ms since the engine began (GetTickCount's clock). */
BSIM_EXTERN uint64_t bitsim_win32_now_ms(void);

/** The trace digest and event count so far (docs/trace.md); 0 without an
 * engine. Two runs of one program with one seed give one digest. */
BSIM_EXTERN uint64_t bitsim_win32_trace_digest(void);
BSIM_EXTERN uint64_t bitsim_win32_trace_count(void);

/** COM objects of the binding alive now (managers, jobs, files, errors,
 * enumerators). */
BSIM_EXTERN long bitsim_win32_live_objects(void);

#ifdef __cplusplus
}
#endif
#endif /* BSIM_WIN32EXT_H */
