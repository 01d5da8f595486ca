/* bitsim — a simulator of Microsoft BITS (Background Intelligent Transfer
 * Service): jobs, files, the state machine, timers and callback
 * notifications, on a clock a test controls.
 *
 * This umbrella header includes the whole engine API. The Windows-compatible
 * headers (<bits.h> and friends) live in bitsim/win32/.
 */
#ifndef BSIM_BITSIM_H
#define BSIM_BITSIM_H

#include "bitsim/version.h"
#include "bitsim/hr.h"
#include "bitsim/types.h"
#include "bitsim/manager.h"
#include "bitsim/job.h"
#include "bitsim/model.h"
#include "bitsim/trace.h"
#include "bitsim/notify.h"
#include "bitsim/serve.h"
#include "bitsim/render.h"
#include "bitsim/scenario.h"

#endif /* BSIM_BITSIM_H */
