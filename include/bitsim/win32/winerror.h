/* bitsim — <winerror.h> for Linux: the generic HRESULT codes, the Win32
 * error numbers BITS code meets, and the HRESULT macros (reference §3.3).
 *
 * Every code is cast to HRESULT (32 bits), exactly as the SDK's
 * _HRESULT_TYPEDEF_ does. That cast matters more here than on Windows: on
 * LP64 Linux a bare 0x80070057L is a positive 64-bit long that would never
 * compare equal to a negative HRESULT, and FAILED(0x80200002L) would be
 * false. With the cast, `hr == E_INVALIDARG`, `switch (hr) case E_FAIL:` and
 * FAILED(0x80200002L) behave as on Windows. The numbers agree with the
 * engine's BSIM_HR_MAP (include/bitsim/hr.h); a unit test compares them.
 *
 * Threads: declarations only.
 */
#ifndef _WINERROR_
#define _WINERROR_

#include <windef.h>

#define _HRESULT_TYPEDEF_(_sc) ((HRESULT)_sc)

#define FACILITY_NULL 0
#define FACILITY_RPC 1
#define FACILITY_DISPATCH 2
#define FACILITY_STORAGE 3
#define FACILITY_ITF 4
#define FACILITY_WIN32 7
#define FACILITY_WINDOWS 8
#define FACILITY_HTTP 25
#define FACILITY_BACKGROUNDCOPY 32

#define SEVERITY_SUCCESS 0
#define SEVERITY_ERROR 1

#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#define IS_ERROR(Status) (((unsigned int)(Status)) >> 31 == SEVERITY_ERROR)
#define HRESULT_CODE(hr) ((hr)&0xFFFF)
#define HRESULT_FACILITY(hr) ((((unsigned int)(hr)) >> 16) & 0x1fff)
#define HRESULT_SEVERITY(hr) ((((unsigned int)(hr)) >> 31) & 0x1)
#define MAKE_HRESULT(sev, fac, code)                                           \
  ((HRESULT)(((unsigned int)(sev) << 31) | ((unsigned int)(fac) << 16) |       \
             ((unsigned int)(code))))
/* Win32 error -> HRESULT: 0 stays 0 (S_OK); others become 0x8007xxxx. */
#define HRESULT_FROM_WIN32(x)                                                  \
  ((HRESULT)(x) <= 0 ? ((HRESULT)(x))                                          \
                     : ((HRESULT)((((unsigned int)(x)) & 0x0000FFFF) |         \
                                  (FACILITY_WIN32 << 16) | 0x80000000u)))

/* Generic COM results. */
#define S_OK ((HRESULT)0L)
#define S_FALSE ((HRESULT)1L)
#define NOERROR 0
#define E_UNEXPECTED _HRESULT_TYPEDEF_(0x8000FFFFL)
#define E_NOTIMPL _HRESULT_TYPEDEF_(0x80004001L)
#define E_OUTOFMEMORY _HRESULT_TYPEDEF_(0x8007000EL)
#define E_INVALIDARG _HRESULT_TYPEDEF_(0x80070057L)
#define E_NOINTERFACE _HRESULT_TYPEDEF_(0x80004002L)
#define E_POINTER _HRESULT_TYPEDEF_(0x80004003L)
#define E_HANDLE _HRESULT_TYPEDEF_(0x80070006L)
#define E_ABORT _HRESULT_TYPEDEF_(0x80004004L)
#define E_FAIL _HRESULT_TYPEDEF_(0x80004005L)
#define E_ACCESSDENIED _HRESULT_TYPEDEF_(0x80070005L)
#define E_PENDING _HRESULT_TYPEDEF_(0x8000000AL)

/* What CoInitializeEx and CoCreateInstance return when things go wrong. */
#define CLASS_E_NOAGGREGATION _HRESULT_TYPEDEF_(0x80040110L)
#define REGDB_E_CLASSNOTREG _HRESULT_TYPEDEF_(0x80040154L)
#define CO_E_NOTINITIALIZED _HRESULT_TYPEDEF_(0x800401F0L)
#define RPC_E_CHANGED_MODE _HRESULT_TYPEDEF_(0x80010106L)

/* Win32 error numbers (DWORD values, as GetLastError would return them). */
#define ERROR_SUCCESS 0L
#define NO_ERROR 0L
#define ERROR_FILE_NOT_FOUND 2L
#define ERROR_PATH_NOT_FOUND 3L
#define ERROR_ACCESS_DENIED 5L
#define ERROR_INVALID_HANDLE 6L
#define ERROR_NOT_ENOUGH_MEMORY 8L
#define ERROR_OUTOFMEMORY 14L
#define ERROR_SHARING_VIOLATION 32L
#define ERROR_INVALID_PARAMETER 87L
#define ERROR_DISK_FULL 112L
#define ERROR_BUSY 170L
#define ERROR_ALREADY_EXISTS 183L
#define ERROR_TIMEOUT 1460L
#define WAIT_TIMEOUT 258L
/* WinHTTP errors BITS reports for network failures (reference §10). */
#define ERROR_WINHTTP_TIMEOUT 12002L
#define ERROR_WINHTTP_NAME_NOT_RESOLVED 12007L
#define ERROR_WINHTTP_CANNOT_CONNECT 12029L
#define ERROR_WINHTTP_CONNECTION_ERROR 12030L
#define ERROR_WINHTTP_INVALID_SERVER_RESPONSE 12152L

#endif /* _WINERROR_ */
