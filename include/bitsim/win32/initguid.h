/* bitsim — <initguid.h> for Linux: switch DEFINE_GUID from declaring to
 * defining, as on Windows. Include it before the headers whose GUIDs this
 * translation unit should define, e.g.
 *
 *     #include <initguid.h>
 *     #include <bits.h>       // IID_IBackgroundCopyJob ... now defined here
 *
 * The definitions are weak (DECLSPEC_SELECTANY in <guiddef.h>), so any
 * number of translation units may do this and still link, with each other
 * and with libbitsim_win32, which defines the same GUIDs once. Programs that
 * link libbitsim_win32 do not need <initguid.h> for the BITS GUIDs at all;
 * it remains the way to define a program's own GUIDs.
 *
 * Threads: declarations only.
 */
#ifndef INITGUID
#define INITGUID
#endif
#include <guiddef.h>
