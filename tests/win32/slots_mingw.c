/* Compile-time cross-check of tests/win32/slots.h against a second set of
 * headers. Built twice by tests/win32.cmake: with x86_64-w64-mingw32-gcc
 * against Debian's mingw-w64 Windows headers (only the interfaces mingw
 * declares: the in_mingw column), and with the host compiler against
 * bitsim's headers (every row). A slot that mingw's vtable puts elsewhere
 * fails the mingw build; the host build ties the same table to our headers,
 * so the two header sets agree slot for slot where both declare an
 * interface. mingw's bits.h does not chain to the later versions, hence the
 * explicit includes (a no-op with bitsim's headers).
 */
#include <stddef.h>

#include <windows.h>
#include <bits.h>
#include <bits1_5.h>
#include <bits2_0.h>
#include <bits2_5.h>
#include <bits3_0.h>
#include <bits5_0.h>

#include "slots.h"

#define SLOT_ASSERT(iface, method, slot)                                       \
  _Static_assert(offsetof(iface##Vtbl, method) == (slot) * sizeof(void *),     \
                 #iface "::" #method " is not in slot " #slot);
#define SLOT_IF_1(iface, method, slot) SLOT_ASSERT(iface, method, slot)
#ifdef __MINGW32__
#define SLOT_IF_0(iface, method, slot)
#else
#define SLOT_IF_0(iface, method, slot) SLOT_ASSERT(iface, method, slot)
#endif
#define SLOT(iface, method, slot, in_mingw)                                    \
  SLOT_IF_##in_mingw(iface, method, slot)
BSIM_WIN32_SLOTS(SLOT)

#define SIZE_ASSERT(iface, slots)                                              \
  _Static_assert(sizeof(iface##Vtbl) == (slots) * sizeof(void *),              \
                 #iface "Vtbl does not have " #slots " slots");
#define SIZE_IF_1(iface, slots) SIZE_ASSERT(iface, slots)
#ifdef __MINGW32__
#define SIZE_IF_0(iface, slots)
#else
#define SIZE_IF_0(iface, slots) SIZE_ASSERT(iface, slots)
#endif
#define VTBL(iface, slots, in_mingw) SIZE_IF_##in_mingw(iface, slots)
BSIM_WIN32_VTBLS(VTBL)

/* ISO C wants at least one declaration that is not an assertion. */
typedef int bsim_win32_slots_checked;
