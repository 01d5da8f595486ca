/* bitsim — <objidl.h> for Linux. On Windows this declares the core COM
 * interfaces; BITS code includes it for IUnknown and the COM types, which
 * <unknwn.h> and <objbase.h> provide here. No other objidl interface is
 * declared (the simulator's runtime implements none of them).
 *
 * Threads: declarations only.
 */
#ifndef __objidl_h__
#define __objidl_h__

#include <objbase.h>
#include <unknwn.h>

#endif /* __objidl_h__ */
