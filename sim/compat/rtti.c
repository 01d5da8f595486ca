/* bitsim — C++ run-time type information for the binding's C objects.
 *
 * The objects are C structs whose first word points into a C vtable. A C++
 * program calls them through the interface classes, and under
 * -fsanitize=vptr each call checks the Itanium ABI prefix of the vtable:
 * the offset to the top of the object and a std::type_info naming a class
 * derived from the interface called. So every vtable of the binding is
 * laid out with that prefix (CW_VTABLE in compat.h), pointing to the
 * type_info objects defined here: __class_type_info for IUnknown,
 * __si_class_type_info (one public base) for each interface, exactly as
 * g++ emits them for the C++ declarations of <bits.h>. Their own vtables
 * are libstdc++'s, referenced weakly: a C program without the C++ runtime
 * never reads them, and a C++ program (the only one that checks) has
 * them. The sanitizer compares classes by mangled name, so these match
 * the program's own type_info objects.
 */
#include "compat/compat.h"

extern const void *const _ZTVN10__cxxabiv117__class_type_infoE[]
    __attribute__((weak));
extern const void *const _ZTVN10__cxxabiv120__si_class_type_infoE[]
    __attribute__((weak));

#define CW_CLASS_VPTR (&_ZTVN10__cxxabiv117__class_type_infoE[2])
#define CW_SI_VPTR (&_ZTVN10__cxxabiv120__si_class_type_infoE[2])
const struct bsim__cw_type_info bsim__cw_ti_IUnknown = {CW_CLASS_VPTR,
                                                        "8IUnknown", NULL};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyManager = {
    CW_SI_VPTR, "22IBackgroundCopyManager", &bsim__cw_ti_IUnknown};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJob = {
    CW_SI_VPTR, "18IBackgroundCopyJob", &bsim__cw_ti_IUnknown};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJob2 = {
    CW_SI_VPTR, "19IBackgroundCopyJob2", &bsim__cw_ti_IBackgroundCopyJob};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJob3 = {
    CW_SI_VPTR, "19IBackgroundCopyJob3", &bsim__cw_ti_IBackgroundCopyJob2};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJob4 = {
    CW_SI_VPTR, "19IBackgroundCopyJob4", &bsim__cw_ti_IBackgroundCopyJob3};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJob5 = {
    CW_SI_VPTR, "19IBackgroundCopyJob5", &bsim__cw_ti_IBackgroundCopyJob4};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile = {
    CW_SI_VPTR, "19IBackgroundCopyFile", &bsim__cw_ti_IUnknown};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile2 = {
    CW_SI_VPTR, "20IBackgroundCopyFile2", &bsim__cw_ti_IBackgroundCopyFile};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile3 = {
    CW_SI_VPTR, "20IBackgroundCopyFile3", &bsim__cw_ti_IBackgroundCopyFile2};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile4 = {
    CW_SI_VPTR, "20IBackgroundCopyFile4", &bsim__cw_ti_IBackgroundCopyFile3};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile5 = {
    CW_SI_VPTR, "20IBackgroundCopyFile5", &bsim__cw_ti_IBackgroundCopyFile4};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyFile6 = {
    CW_SI_VPTR, "20IBackgroundCopyFile6", &bsim__cw_ti_IBackgroundCopyFile5};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyError = {
    CW_SI_VPTR, "20IBackgroundCopyError", &bsim__cw_ti_IUnknown};
const struct bsim__cw_type_info bsim__cw_ti_IEnumBackgroundCopyJobs = {
    CW_SI_VPTR, "23IEnumBackgroundCopyJobs", &bsim__cw_ti_IUnknown};
const struct bsim__cw_type_info bsim__cw_ti_IEnumBackgroundCopyFiles = {
    CW_SI_VPTR, "24IEnumBackgroundCopyFiles", &bsim__cw_ti_IUnknown};
const struct bsim__cw_type_info bsim__cw_ti_IBackgroundCopyJobHttpOptions = {
    CW_SI_VPTR, "29IBackgroundCopyJobHttpOptions", &bsim__cw_ti_IUnknown};
