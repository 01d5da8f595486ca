/* The one definition of every IID and CLSID the Windows headers declare
 * (reference §1.1, §1.2), so that programs built against <bits.h> link
 * without <initguid.h>, exactly as Windows programs link against uuid.lib.
 *
 * How: INITGUID turns each DEFINE_GUID in the headers into a definition;
 * DECLSPEC_SELECTANY, left empty here, makes those definitions strong (in a
 * program's own <initguid.h> translation units they are weak, and the linker
 * keeps one copy of each); the visibility pragma exports them from the
 * shared library, which is otherwise built with hidden visibility. The
 * values therefore come from the headers alone; tests/unit/
 * test_win32_headers.c checks each against the reference.
 */
#define DECLSPEC_SELECTANY /* strong: this is the one definition */
#define INITGUID

#pragma GCC visibility push(default)
#include <windows.h>
#include <objbase.h>
#include <unknwn.h>
#include <bits.h> /* ends by including every later bitsN_M.h */
#pragma GCC visibility pop
