/* bitsim — <windef.h> for Linux: the Windows base types, calling-convention
 * macros and declaration decorations that BITS code and its COM headers use.
 *
 * The types keep their Windows widths on LP64 Linux, where long is 64 bits:
 * LONG, ULONG, DWORD, BOOL, INT, UINT and HRESULT are 32 bits (int), so an
 * HRESULT holds 0x80200002 as a negative number and FAILED() sees it; WCHAR
 * is wchar_t, so L"..." literals work (4 bytes a character here, 2 on
 * Windows); UINT64/INT64/ULONGLONG are long long, so "%llu" prints them as
 * on Windows. Calling conventions (__stdcall, WINAPI, STDMETHODCALLTYPE,
 * CALLBACK) are empty, as they are on Win64. docs/compat.md explains each
 * choice.
 *
 * Threads: declarations only.
 */
#ifndef _WINDEF_
#define _WINDEF_

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

/* Calling conventions: one convention on x86-64, so they are all empty. */
#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif
#define WINAPI __stdcall
#define WINAPIV __cdecl
#define APIENTRY WINAPI
#define CALLBACK __stdcall
#define STDMETHODCALLTYPE __stdcall
#define STDMETHODVCALLTYPE __cdecl
#define STDAPICALLTYPE __stdcall
#define STDAPIVCALLTYPE __cdecl
#define FAR
#define NEAR
#ifndef CONST
#define CONST const
#endif
#ifndef VOID
#define VOID void
#endif

/* Declaration decorations. DECLSPEC_IMPORT gives default visibility so that
 * the runtime library, built with hidden visibility, exports what these
 * headers declare. DECLSPEC_SELECTANY makes a definition that may appear in
 * several translation units (a weak symbol), which is what <initguid.h>
 * needs; sim/compat/guids.c defines it empty to emit the one strong copy. */
#ifdef __cplusplus
#define EXTERN_C extern "C"
#define EXTERN_C_START extern "C" {
#define EXTERN_C_END }
#else
#define EXTERN_C extern
#define EXTERN_C_START
#define EXTERN_C_END
#endif
#define DECLSPEC_IMPORT __attribute__((visibility("default")))
#define DECLSPEC_EXPORT __attribute__((visibility("default")))
#ifndef DECLSPEC_SELECTANY
#define DECLSPEC_SELECTANY __attribute__((weak))
#endif
#define DECLSPEC_NOVTABLE
#define DECLSPEC_UUID(x)
#define DECLSPEC_NOTHROW
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define WINBASEAPI DECLSPEC_IMPORT
#define UNREFERENCED_PARAMETER(P) ((void)(P))

/* Integers. The *_PTR types follow the pointer width, as on Windows. */
typedef signed char INT8, *PINT8;
typedef unsigned char UINT8, *PUINT8;
typedef short INT16, *PINT16;
typedef unsigned short UINT16, *PUINT16;
typedef int INT32, *PINT32;
typedef unsigned int UINT32, *PUINT32;
typedef long long INT64, *PINT64;
typedef unsigned long long UINT64, *PUINT64;
typedef int LONG32, *PLONG32;
typedef unsigned int ULONG32, *PULONG32, DWORD32, *PDWORD32;
typedef long long LONG64, *PLONG64;
typedef unsigned long long ULONG64, *PULONG64, DWORD64, *PDWORD64;
typedef long long LONGLONG, *PLONGLONG;
typedef unsigned long long ULONGLONG, *PULONGLONG;
typedef intptr_t INT_PTR, *PINT_PTR, LONG_PTR, *PLONG_PTR;
typedef uintptr_t UINT_PTR, *PUINT_PTR, ULONG_PTR, *PULONG_PTR;
typedef ULONG_PTR DWORD_PTR, *PDWORD_PTR;
typedef ULONG_PTR SIZE_T, *PSIZE_T;
typedef LONG_PTR SSIZE_T, *PSSIZE_T;

typedef int BOOL, *PBOOL, *LPBOOL;
typedef unsigned char BYTE, *PBYTE, *LPBYTE;
typedef unsigned short WORD, *PWORD, *LPWORD;
typedef unsigned int DWORD, *PDWORD, *LPDWORD;
typedef int LONG, *PLONG, *LPLONG;
typedef unsigned int ULONG, *PULONG;
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT;
typedef short SHORT, *PSHORT;
typedef unsigned short USHORT, *PUSHORT;
typedef char CHAR, *PCHAR;
typedef unsigned char UCHAR, *PUCHAR;
typedef float FLOAT, *PFLOAT;
typedef double DOUBLE;
typedef unsigned char BOOLEAN, *PBOOLEAN;
typedef unsigned char byte;
typedef unsigned char boolean;
typedef WORD LANGID;
typedef DWORD LCID;

/* Strings: WCHAR is the compiler's wchar_t so that L"..." has the right
 * type; OLECHAR is WCHAR as on Win32. */
typedef wchar_t WCHAR, *PWCHAR, *LPWCH, *PWCH;
typedef WCHAR *LPWSTR, *PWSTR, *NWPSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR, *LPCWCH, *PCWCH;
typedef CHAR *LPSTR, *PSTR;
typedef const CHAR *LPCSTR, *PCSTR;
typedef WCHAR OLECHAR;
typedef OLECHAR *LPOLESTR;
typedef const OLECHAR *LPCOLESTR;
#define __TEXT(quote) L##quote
#define TEXT(quote) __TEXT(quote)
#define OLESTR(str) L##str

/* Pointers and handles. */
typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID;
typedef void *HANDLE, **PHANDLE, **LPHANDLE;
typedef LONG HRESULT;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#define MAX_PATH 260

/* 100-ns ticks since 1601-01-01 UTC, as two 32-bit halves (reference §2.12):
 * 8 bytes with 4-byte alignment, as on Windows. */
typedef struct _FILETIME {
  DWORD dwLowDateTime;
  DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

/* Language identifiers, for the LanguageId arguments of
 * GetErrorDescription. */
#define MAKELANGID(p, s) ((((WORD)(s)) << 10) | (WORD)(p))
#define PRIMARYLANGID(lgid) ((WORD)(lgid)&0x3ff)
#define SUBLANGID(lgid) ((WORD)(lgid) >> 10)
#define LANGIDFROMLCID(lcid) ((WORD)(lcid))
#define LANG_NEUTRAL 0x00
#define LANG_ENGLISH 0x09
#define SUBLANG_NEUTRAL 0x00
#define SUBLANG_DEFAULT 0x01
#define SUBLANG_SYS_DEFAULT 0x02
#define SUBLANG_ENGLISH_US 0x01
#define LANG_SYSTEM_DEFAULT MAKELANGID(LANG_NEUTRAL, SUBLANG_SYS_DEFAULT)
#define LANG_USER_DEFAULT MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT)

/* COM declaration macros (the SDK spreads these over objbase.h and
 * rpcndr.h; they are here so that every header sees them). `interface` is
 * the SDK's keyword-like macro for struct. */
#ifndef __STRUCT__
#define __STRUCT__ struct
#endif
#ifndef interface
#define interface __STRUCT__
#endif
#define MIDL_INTERFACE(x) struct DECLSPEC_UUID(x) DECLSPEC_NOVTABLE
#define BEGIN_INTERFACE
#define END_INTERFACE
#ifdef CONST_VTABLE
#define CONST_VTBL const
#else
#define CONST_VTBL
#endif
#define __RPC_FAR

#define STDAPI EXTERN_C HRESULT STDAPICALLTYPE
#define STDAPI_(type) EXTERN_C type STDAPICALLTYPE
#define STDMETHODIMP HRESULT STDMETHODCALLTYPE
#define STDMETHODIMP_(type) type STDMETHODCALLTYPE
#define WINOLEAPI EXTERN_C DECLSPEC_IMPORT HRESULT STDAPICALLTYPE
#define WINOLEAPI_(type) EXTERN_C DECLSPEC_IMPORT type STDAPICALLTYPE

#if defined(__cplusplus) && !defined(CINTERFACE)
#define STDMETHOD(method) virtual HRESULT STDMETHODCALLTYPE method
#define STDMETHOD_(type, method) virtual type STDMETHODCALLTYPE method
#define PURE = 0
#else
#define STDMETHOD(method) HRESULT(STDMETHODCALLTYPE *method)
#define STDMETHOD_(type, method) type(STDMETHODCALLTYPE *method)
#define PURE
#endif

#endif /* _WINDEF_ */
