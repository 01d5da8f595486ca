/* bitsim — <guiddef.h> for Linux: GUID/IID/CLSID with the Windows layout,
 * the REFIID family, DEFINE_GUID and the comparisons.
 *
 * GUID is 16 bytes: a 32-bit Data1 (unsigned long on Windows, unsigned int
 * here so it stays 32 bits), two 16-bit words and eight bytes; the engine's
 * bsim_guid has the same layout (a unit test checks it). REFIID and friends
 * are a pointer in C and a reference in C++, as in the SDK, so `riid` is
 * passed as &IID_X in C and IID_X in C++.
 *
 * DEFINE_GUID(name, ...) declares `name` (extern "C" in C++). After
 * <initguid.h> (which defines INITGUID and re-includes this header) it
 * defines it instead, as a weak symbol: several translation units may define
 * the same GUID and the linker keeps one, like __declspec(selectany). The
 * IIDs and CLSIDs of the BITS headers are also defined once, strongly, in
 * libbitsim_win32 (sim/compat/guids.c), so programs link without
 * <initguid.h>. Like the SDK, the DEFINE_GUID part sits outside the include
 * guard so that <initguid.h> can switch it after a first inclusion.
 *
 * Threads: declarations and pure inline functions only.
 */
#ifndef GUID_DEFINED
#define GUID_DEFINED

#include <windef.h>

typedef struct _GUID {
  unsigned int Data1;
  unsigned short Data2;
  unsigned short Data3;
  unsigned char Data4[8];
} GUID;

typedef GUID *LPGUID;
typedef const GUID *LPCGUID;
typedef GUID IID;
typedef IID *LPIID;
typedef GUID CLSID;
typedef CLSID *LPCLSID;
typedef GUID FMTID;
typedef FMTID *LPFMTID;

#ifdef __cplusplus
#define REFGUID const GUID &
#define REFIID const IID &
#define REFCLSID const IID &
#define REFFMTID const IID &
#else
#define REFGUID const GUID *
#define REFIID const IID *
#define REFCLSID const IID *
#define REFFMTID const IID *
#endif

#define IID_NULL GUID_NULL
#define CLSID_NULL GUID_NULL

/* The comparisons take REFGUIDs: pointers in C (IsEqualIID(riid,
 * &IID_IUnknown)), references in C++ (IsEqualIID(riid, IID_IUnknown)). */
#ifdef __cplusplus
inline int InlineIsEqualGUID(REFGUID rguid1, REFGUID rguid2) {
  return memcmp(&rguid1, &rguid2, sizeof(GUID)) == 0;
}
inline int IsEqualGUID(REFGUID rguid1, REFGUID rguid2) {
  return memcmp(&rguid1, &rguid2, sizeof(GUID)) == 0;
}
inline bool operator==(REFGUID guidOne, REFGUID guidOther) {
  return IsEqualGUID(guidOne, guidOther) != 0;
}
inline bool operator!=(REFGUID guidOne, REFGUID guidOther) {
  return !(guidOne == guidOther);
}
#else
static inline int InlineIsEqualGUID(REFGUID rguid1, REFGUID rguid2) {
  return memcmp(rguid1, rguid2, sizeof(GUID)) == 0;
}
static inline int IsEqualGUID(REFGUID rguid1, REFGUID rguid2) {
  return memcmp(rguid1, rguid2, sizeof(GUID)) == 0;
}
#endif
#define IsEqualIID(riid1, riid2) IsEqualGUID(riid1, riid2)
#define IsEqualCLSID(rclsid1, rclsid2) IsEqualGUID(rclsid1, rclsid2)

#endif /* GUID_DEFINED */

/* Outside the guard on purpose: <initguid.h> re-includes this file. */
#ifdef DEFINE_GUID
#undef DEFINE_GUID
#endif
#if defined(INITGUID) && defined(__cplusplus)
/* extern "C" on the declaration itself gives the const external linkage. */
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)           \
  extern "C" const GUID DECLSPEC_SELECTANY name = {                            \
      l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#elif defined(INITGUID)
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)           \
  const GUID DECLSPEC_SELECTANY name = {                                       \
      l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)           \
  EXTERN_C const GUID name
#endif
#define DEFINE_OLEGUID(name, l, w1, w2)                                        \
  DEFINE_GUID(name, l, w1, w2, 0xC0, 0, 0, 0, 0, 0, 0, 0x46)
