/* bitsim — <windows.h> for Linux: the part of the Win32 API that BITS
 * programs and callback code use, over the base types of <windef.h> and the
 * codes of <winerror.h>.
 *
 * Declared here: events (CreateEventW, SetEvent, ResetEvent), waiting
 * (WaitForSingleObject, INFINITE, WAIT_OBJECT_0, WAIT_TIMEOUT), CloseHandle,
 * Sleep and GetTickCount — declarations only, implemented later by the
 * runtime in libbitsim_win32, where Sleep and waits run on the simulator's
 * virtual clock (design.md "Time"). The Interlocked functions are defined
 * here, inline, on GCC/Clang __atomic builtins with sequential consistency
 * (the full barrier Windows documents), taking `LONG volatile *` exactly as
 * on Windows. As on Windows, <objbase.h> comes along unless
 * WIN32_LEAN_AND_MEAN is defined. Only the W (wide) forms exist; the
 * generic names (CreateEvent) map to them whatever UNICODE says.
 *
 * Threads: the Interlocked functions are atomic; the rest are declarations.
 */
#ifndef _WINDOWS_
#define _WINDOWS_

#include <windef.h>
#include <winerror.h>
#include <guiddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _SECURITY_ATTRIBUTES {
  DWORD nLength;
  LPVOID lpSecurityDescriptor;
  BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

#define INFINITE 0xFFFFFFFF
#define STATUS_WAIT_0 ((DWORD)0x00000000L)
#define STATUS_ABANDONED_WAIT_0 ((DWORD)0x00000080L)
#define WAIT_OBJECT_0 ((STATUS_WAIT_0) + 0)
#define WAIT_ABANDONED ((STATUS_ABANDONED_WAIT_0) + 0)
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

/** Create an event: manual- or auto-reset, initially signalled or not.
 * Returns NULL on failure. lpName must be NULL here (no named objects). */
WINBASEAPI HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                      BOOL bManualReset, BOOL bInitialState,
                                      LPCWSTR lpName);
#define CreateEvent CreateEventW

/** Signal an event. */
WINBASEAPI BOOL WINAPI SetEvent(HANDLE hEvent);

/** Reset an event to non-signalled. */
WINBASEAPI BOOL WINAPI ResetEvent(HANDLE hEvent);

/** Wait until hHandle is signalled or dwMilliseconds pass (INFINITE: no
 * limit). Returns WAIT_OBJECT_0, WAIT_TIMEOUT or WAIT_FAILED. */
WINBASEAPI DWORD WINAPI WaitForSingleObject(HANDLE hHandle,
                                            DWORD dwMilliseconds);

/** Close a handle from CreateEventW. */
WINBASEAPI BOOL WINAPI CloseHandle(HANDLE hObject);

/** Suspend this thread for dwMilliseconds. */
WINBASEAPI VOID WINAPI Sleep(DWORD dwMilliseconds);

/** Milliseconds since start, wrapping after 49.7 days. */
WINBASEAPI DWORD WINAPI GetTickCount(VOID);

/* Interlocked operations on 32-bit LONGs; each returns the resulting value
 * (Increment/Decrement) or the initial value (Exchange/CompareExchange), as
 * documented for Windows. */
static inline LONG InterlockedIncrement(LONG volatile *Addend) {
  return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedDecrement(LONG volatile *Addend) {
  return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedExchange(LONG volatile *Target, LONG Value) {
  return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedCompareExchange(LONG volatile *Destination,
                                              LONG ExChange, LONG Comperand) {
  __atomic_compare_exchange_n(Destination, &Comperand, ExChange, 0,
                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return Comperand;
}

#ifdef __cplusplus
}
#endif

#ifndef WIN32_LEAN_AND_MEAN
#include <objbase.h>
#endif

#endif /* _WINDOWS_ */
