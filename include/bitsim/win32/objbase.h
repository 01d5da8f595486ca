/* bitsim — <objbase.h> for Linux: the COM runtime calls that BITS programs
 * and callback code make, and the constants they take.
 *
 * These are declarations only: the runtime that implements them over the
 * engine is a later piece of libbitsim_win32. They are exactly the calls
 * the BITS samples use: CoInitializeEx, CoUninitialize, CoCreateInstance,
 * CoTaskMemAlloc and CoTaskMemFree (strings a BITS method returns through
 * LPWSTR* are freed with CoTaskMemFree, reference §1). All have C linkage,
 * so the C runtime can define them and C++ programs can call them.
 *
 * Threads: declarations only.
 */
#ifndef _OBJBASE_H_
#define _OBJBASE_H_

#include <windef.h>
#include <winerror.h>
#include <guiddef.h>
#include <unknwn.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CoInitializeEx apartment models. */
typedef enum tagCOINIT {
  COINIT_APARTMENTTHREADED = 0x2,
  COINIT_MULTITHREADED = 0x0,
  COINIT_DISABLE_OLE1DDE = 0x4,
  COINIT_SPEED_OVER_MEMORY = 0x8
} COINIT;

/* CoCreateInstance server contexts; BITS's manager is a LOCAL_SERVER. */
typedef enum tagCLSCTX {
  CLSCTX_INPROC_SERVER = 0x1,
  CLSCTX_INPROC_HANDLER = 0x2,
  CLSCTX_LOCAL_SERVER = 0x4,
  CLSCTX_INPROC_SERVER16 = 0x8,
  CLSCTX_REMOTE_SERVER = 0x10
} CLSCTX;
#define CLSCTX_INPROC (CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER)
#define CLSCTX_SERVER                                                          \
  (CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER)
#define CLSCTX_ALL                                                             \
  (CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER | CLSCTX_LOCAL_SERVER |        \
   CLSCTX_REMOTE_SERVER)

/* The all-zero GUID; IID_NULL and CLSID_NULL are this one (<guiddef.h>).
 * BITS_JOB_PROPERTY_NOTIFICATION_CLSID is cleared with it (reference
 * §2.10). */
DEFINE_GUID(GUID_NULL, 0x00000000, 0x0000, 0x0000, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00);

/** Enter COM on this thread. dwCoInit: a COINIT_* value. */
WINOLEAPI CoInitializeEx(LPVOID pvReserved, DWORD dwCoInit);

/** Leave COM on this thread (one call per successful CoInitializeEx). */
WINOLEAPI_(void) CoUninitialize(void);

/** Create an object of class rclsid and return its riid interface in *ppv. */
WINOLEAPI CoCreateInstance(REFCLSID rclsid, LPUNKNOWN pUnkOuter,
                           DWORD dwClsContext, REFIID riid, LPVOID *ppv);

/** Allocate memory that another party frees with CoTaskMemFree. */
WINOLEAPI_(LPVOID) CoTaskMemAlloc(SIZE_T cb);

/** Free memory from CoTaskMemAlloc, or a string a BITS method returned;
 * NULL is allowed. */
WINOLEAPI_(void) CoTaskMemFree(LPVOID pv);

#ifdef __cplusplus
}
#endif

#endif /* _OBJBASE_H_ */
