/* Every vtable slot of every interface the Windows headers declare,
 * transcribed from reference §1 (vtable order, IUnknown's three slots
 * first) and cross-checked against mingw-w64 where mingw declares the
 * interface (the last column). The tests expand these tables three
 * ways: offsetof() on the C lpVtbl structs, the Itanium member-pointer
 * encoding of the C++ interfaces, and static assertions compiled
 * against mingw-w64's own headers.
 *
 * BSIM_WIN32_SLOTS(X): X(interface, method, slot index, in_mingw)
 * BSIM_WIN32_VTBLS(X): X(interface, slot count, in_mingw)
 */
#ifndef BSIM_WIN32_TEST_SLOTS_H
#define BSIM_WIN32_TEST_SLOTS_H

#define BSIM_WIN32_SLOTS(X)                                                    \
  X(IUnknown, QueryInterface, 0, 1)                                            \
  X(IUnknown, AddRef, 1, 1)                                                    \
  X(IUnknown, Release, 2, 1)                                                   \
  X(IBackgroundCopyFile, QueryInterface, 0, 1)                                 \
  X(IBackgroundCopyFile, AddRef, 1, 1)                                         \
  X(IBackgroundCopyFile, Release, 2, 1)                                        \
  X(IBackgroundCopyFile, GetRemoteName, 3, 1)                                  \
  X(IBackgroundCopyFile, GetLocalName, 4, 1)                                   \
  X(IBackgroundCopyFile, GetProgress, 5, 1)                                    \
  X(IEnumBackgroundCopyFiles, QueryInterface, 0, 1)                            \
  X(IEnumBackgroundCopyFiles, AddRef, 1, 1)                                    \
  X(IEnumBackgroundCopyFiles, Release, 2, 1)                                   \
  X(IEnumBackgroundCopyFiles, Next, 3, 1)                                      \
  X(IEnumBackgroundCopyFiles, Skip, 4, 1)                                      \
  X(IEnumBackgroundCopyFiles, Reset, 5, 1)                                     \
  X(IEnumBackgroundCopyFiles, Clone, 6, 1)                                     \
  X(IEnumBackgroundCopyFiles, GetCount, 7, 1)                                  \
  X(IBackgroundCopyError, QueryInterface, 0, 1)                                \
  X(IBackgroundCopyError, AddRef, 1, 1)                                        \
  X(IBackgroundCopyError, Release, 2, 1)                                       \
  X(IBackgroundCopyError, GetError, 3, 1)                                      \
  X(IBackgroundCopyError, GetFile, 4, 1)                                       \
  X(IBackgroundCopyError, GetErrorDescription, 5, 1)                           \
  X(IBackgroundCopyError, GetErrorContextDescription, 6, 1)                    \
  X(IBackgroundCopyError, GetProtocol, 7, 1)                                   \
  X(IBackgroundCopyJob, QueryInterface, 0, 1)                                  \
  X(IBackgroundCopyJob, AddRef, 1, 1)                                          \
  X(IBackgroundCopyJob, Release, 2, 1)                                         \
  X(IBackgroundCopyJob, AddFileSet, 3, 1)                                      \
  X(IBackgroundCopyJob, AddFile, 4, 1)                                         \
  X(IBackgroundCopyJob, EnumFiles, 5, 1)                                       \
  X(IBackgroundCopyJob, Suspend, 6, 1)                                         \
  X(IBackgroundCopyJob, Resume, 7, 1)                                          \
  X(IBackgroundCopyJob, Cancel, 8, 1)                                          \
  X(IBackgroundCopyJob, Complete, 9, 1)                                        \
  X(IBackgroundCopyJob, GetId, 10, 1)                                          \
  X(IBackgroundCopyJob, GetType, 11, 1)                                        \
  X(IBackgroundCopyJob, GetProgress, 12, 1)                                    \
  X(IBackgroundCopyJob, GetTimes, 13, 1)                                       \
  X(IBackgroundCopyJob, GetState, 14, 1)                                       \
  X(IBackgroundCopyJob, GetError, 15, 1)                                       \
  X(IBackgroundCopyJob, GetOwner, 16, 1)                                       \
  X(IBackgroundCopyJob, SetDisplayName, 17, 1)                                 \
  X(IBackgroundCopyJob, GetDisplayName, 18, 1)                                 \
  X(IBackgroundCopyJob, SetDescription, 19, 1)                                 \
  X(IBackgroundCopyJob, GetDescription, 20, 1)                                 \
  X(IBackgroundCopyJob, SetPriority, 21, 1)                                    \
  X(IBackgroundCopyJob, GetPriority, 22, 1)                                    \
  X(IBackgroundCopyJob, SetNotifyFlags, 23, 1)                                 \
  X(IBackgroundCopyJob, GetNotifyFlags, 24, 1)                                 \
  X(IBackgroundCopyJob, SetNotifyInterface, 25, 1)                             \
  X(IBackgroundCopyJob, GetNotifyInterface, 26, 1)                             \
  X(IBackgroundCopyJob, SetMinimumRetryDelay, 27, 1)                           \
  X(IBackgroundCopyJob, GetMinimumRetryDelay, 28, 1)                           \
  X(IBackgroundCopyJob, SetNoProgressTimeout, 29, 1)                           \
  X(IBackgroundCopyJob, GetNoProgressTimeout, 30, 1)                           \
  X(IBackgroundCopyJob, GetErrorCount, 31, 1)                                  \
  X(IBackgroundCopyJob, SetProxySettings, 32, 1)                               \
  X(IBackgroundCopyJob, GetProxySettings, 33, 1)                               \
  X(IBackgroundCopyJob, TakeOwnership, 34, 1)                                  \
  X(IEnumBackgroundCopyJobs, QueryInterface, 0, 1)                             \
  X(IEnumBackgroundCopyJobs, AddRef, 1, 1)                                     \
  X(IEnumBackgroundCopyJobs, Release, 2, 1)                                    \
  X(IEnumBackgroundCopyJobs, Next, 3, 1)                                       \
  X(IEnumBackgroundCopyJobs, Skip, 4, 1)                                       \
  X(IEnumBackgroundCopyJobs, Reset, 5, 1)                                      \
  X(IEnumBackgroundCopyJobs, Clone, 6, 1)                                      \
  X(IEnumBackgroundCopyJobs, GetCount, 7, 1)                                   \
  X(IBackgroundCopyCallback, QueryInterface, 0, 1)                             \
  X(IBackgroundCopyCallback, AddRef, 1, 1)                                     \
  X(IBackgroundCopyCallback, Release, 2, 1)                                    \
  X(IBackgroundCopyCallback, JobTransferred, 3, 1)                             \
  X(IBackgroundCopyCallback, JobError, 4, 1)                                   \
  X(IBackgroundCopyCallback, JobModification, 5, 1)                            \
  X(IBackgroundCopyManager, QueryInterface, 0, 1)                              \
  X(IBackgroundCopyManager, AddRef, 1, 1)                                      \
  X(IBackgroundCopyManager, Release, 2, 1)                                     \
  X(IBackgroundCopyManager, CreateJob, 3, 1)                                   \
  X(IBackgroundCopyManager, GetJob, 4, 1)                                      \
  X(IBackgroundCopyManager, EnumJobs, 5, 1)                                    \
  X(IBackgroundCopyManager, GetErrorDescription, 6, 1)                         \
  X(IBackgroundCopyJob2, QueryInterface, 0, 1)                                 \
  X(IBackgroundCopyJob2, AddRef, 1, 1)                                         \
  X(IBackgroundCopyJob2, Release, 2, 1)                                        \
  X(IBackgroundCopyJob2, AddFileSet, 3, 1)                                     \
  X(IBackgroundCopyJob2, AddFile, 4, 1)                                        \
  X(IBackgroundCopyJob2, EnumFiles, 5, 1)                                      \
  X(IBackgroundCopyJob2, Suspend, 6, 1)                                        \
  X(IBackgroundCopyJob2, Resume, 7, 1)                                         \
  X(IBackgroundCopyJob2, Cancel, 8, 1)                                         \
  X(IBackgroundCopyJob2, Complete, 9, 1)                                       \
  X(IBackgroundCopyJob2, GetId, 10, 1)                                         \
  X(IBackgroundCopyJob2, GetType, 11, 1)                                       \
  X(IBackgroundCopyJob2, GetProgress, 12, 1)                                   \
  X(IBackgroundCopyJob2, GetTimes, 13, 1)                                      \
  X(IBackgroundCopyJob2, GetState, 14, 1)                                      \
  X(IBackgroundCopyJob2, GetError, 15, 1)                                      \
  X(IBackgroundCopyJob2, GetOwner, 16, 1)                                      \
  X(IBackgroundCopyJob2, SetDisplayName, 17, 1)                                \
  X(IBackgroundCopyJob2, GetDisplayName, 18, 1)                                \
  X(IBackgroundCopyJob2, SetDescription, 19, 1)                                \
  X(IBackgroundCopyJob2, GetDescription, 20, 1)                                \
  X(IBackgroundCopyJob2, SetPriority, 21, 1)                                   \
  X(IBackgroundCopyJob2, GetPriority, 22, 1)                                   \
  X(IBackgroundCopyJob2, SetNotifyFlags, 23, 1)                                \
  X(IBackgroundCopyJob2, GetNotifyFlags, 24, 1)                                \
  X(IBackgroundCopyJob2, SetNotifyInterface, 25, 1)                            \
  X(IBackgroundCopyJob2, GetNotifyInterface, 26, 1)                            \
  X(IBackgroundCopyJob2, SetMinimumRetryDelay, 27, 1)                          \
  X(IBackgroundCopyJob2, GetMinimumRetryDelay, 28, 1)                          \
  X(IBackgroundCopyJob2, SetNoProgressTimeout, 29, 1)                          \
  X(IBackgroundCopyJob2, GetNoProgressTimeout, 30, 1)                          \
  X(IBackgroundCopyJob2, GetErrorCount, 31, 1)                                 \
  X(IBackgroundCopyJob2, SetProxySettings, 32, 1)                              \
  X(IBackgroundCopyJob2, GetProxySettings, 33, 1)                              \
  X(IBackgroundCopyJob2, TakeOwnership, 34, 1)                                 \
  X(IBackgroundCopyJob2, SetNotifyCmdLine, 35, 1)                              \
  X(IBackgroundCopyJob2, GetNotifyCmdLine, 36, 1)                              \
  X(IBackgroundCopyJob2, GetReplyProgress, 37, 1)                              \
  X(IBackgroundCopyJob2, GetReplyData, 38, 1)                                  \
  X(IBackgroundCopyJob2, SetReplyFileName, 39, 1)                              \
  X(IBackgroundCopyJob2, GetReplyFileName, 40, 1)                              \
  X(IBackgroundCopyJob2, SetCredentials, 41, 1)                                \
  X(IBackgroundCopyJob2, RemoveCredentials, 42, 1)                             \
  X(IBackgroundCopyJob3, QueryInterface, 0, 1)                                 \
  X(IBackgroundCopyJob3, AddRef, 1, 1)                                         \
  X(IBackgroundCopyJob3, Release, 2, 1)                                        \
  X(IBackgroundCopyJob3, AddFileSet, 3, 1)                                     \
  X(IBackgroundCopyJob3, AddFile, 4, 1)                                        \
  X(IBackgroundCopyJob3, EnumFiles, 5, 1)                                      \
  X(IBackgroundCopyJob3, Suspend, 6, 1)                                        \
  X(IBackgroundCopyJob3, Resume, 7, 1)                                         \
  X(IBackgroundCopyJob3, Cancel, 8, 1)                                         \
  X(IBackgroundCopyJob3, Complete, 9, 1)                                       \
  X(IBackgroundCopyJob3, GetId, 10, 1)                                         \
  X(IBackgroundCopyJob3, GetType, 11, 1)                                       \
  X(IBackgroundCopyJob3, GetProgress, 12, 1)                                   \
  X(IBackgroundCopyJob3, GetTimes, 13, 1)                                      \
  X(IBackgroundCopyJob3, GetState, 14, 1)                                      \
  X(IBackgroundCopyJob3, GetError, 15, 1)                                      \
  X(IBackgroundCopyJob3, GetOwner, 16, 1)                                      \
  X(IBackgroundCopyJob3, SetDisplayName, 17, 1)                                \
  X(IBackgroundCopyJob3, GetDisplayName, 18, 1)                                \
  X(IBackgroundCopyJob3, SetDescription, 19, 1)                                \
  X(IBackgroundCopyJob3, GetDescription, 20, 1)                                \
  X(IBackgroundCopyJob3, SetPriority, 21, 1)                                   \
  X(IBackgroundCopyJob3, GetPriority, 22, 1)                                   \
  X(IBackgroundCopyJob3, SetNotifyFlags, 23, 1)                                \
  X(IBackgroundCopyJob3, GetNotifyFlags, 24, 1)                                \
  X(IBackgroundCopyJob3, SetNotifyInterface, 25, 1)                            \
  X(IBackgroundCopyJob3, GetNotifyInterface, 26, 1)                            \
  X(IBackgroundCopyJob3, SetMinimumRetryDelay, 27, 1)                          \
  X(IBackgroundCopyJob3, GetMinimumRetryDelay, 28, 1)                          \
  X(IBackgroundCopyJob3, SetNoProgressTimeout, 29, 1)                          \
  X(IBackgroundCopyJob3, GetNoProgressTimeout, 30, 1)                          \
  X(IBackgroundCopyJob3, GetErrorCount, 31, 1)                                 \
  X(IBackgroundCopyJob3, SetProxySettings, 32, 1)                              \
  X(IBackgroundCopyJob3, GetProxySettings, 33, 1)                              \
  X(IBackgroundCopyJob3, TakeOwnership, 34, 1)                                 \
  X(IBackgroundCopyJob3, SetNotifyCmdLine, 35, 1)                              \
  X(IBackgroundCopyJob3, GetNotifyCmdLine, 36, 1)                              \
  X(IBackgroundCopyJob3, GetReplyProgress, 37, 1)                              \
  X(IBackgroundCopyJob3, GetReplyData, 38, 1)                                  \
  X(IBackgroundCopyJob3, SetReplyFileName, 39, 1)                              \
  X(IBackgroundCopyJob3, GetReplyFileName, 40, 1)                              \
  X(IBackgroundCopyJob3, SetCredentials, 41, 1)                                \
  X(IBackgroundCopyJob3, RemoveCredentials, 42, 1)                             \
  X(IBackgroundCopyJob3, ReplaceRemotePrefix, 43, 1)                           \
  X(IBackgroundCopyJob3, AddFileWithRanges, 44, 1)                             \
  X(IBackgroundCopyJob3, SetFileACLFlags, 45, 1)                               \
  X(IBackgroundCopyJob3, GetFileACLFlags, 46, 1)                               \
  X(IBackgroundCopyFile2, QueryInterface, 0, 1)                                \
  X(IBackgroundCopyFile2, AddRef, 1, 1)                                        \
  X(IBackgroundCopyFile2, Release, 2, 1)                                       \
  X(IBackgroundCopyFile2, GetRemoteName, 3, 1)                                 \
  X(IBackgroundCopyFile2, GetLocalName, 4, 1)                                  \
  X(IBackgroundCopyFile2, GetProgress, 5, 1)                                   \
  X(IBackgroundCopyFile2, GetFileRanges, 6, 1)                                 \
  X(IBackgroundCopyFile2, SetRemoteName, 7, 1)                                 \
  X(IBackgroundCopyJobHttpOptions, QueryInterface, 0, 1)                       \
  X(IBackgroundCopyJobHttpOptions, AddRef, 1, 1)                               \
  X(IBackgroundCopyJobHttpOptions, Release, 2, 1)                              \
  X(IBackgroundCopyJobHttpOptions, SetClientCertificateByID, 3, 1)             \
  X(IBackgroundCopyJobHttpOptions, SetClientCertificateByName, 4, 1)           \
  X(IBackgroundCopyJobHttpOptions, RemoveClientCertificate, 5, 1)              \
  X(IBackgroundCopyJobHttpOptions, GetClientCertificate, 6, 1)                 \
  X(IBackgroundCopyJobHttpOptions, SetCustomHeaders, 7, 1)                     \
  X(IBackgroundCopyJobHttpOptions, GetCustomHeaders, 8, 1)                     \
  X(IBackgroundCopyJobHttpOptions, SetSecurityFlags, 9, 1)                     \
  X(IBackgroundCopyJobHttpOptions, GetSecurityFlags, 10, 1)                    \
  X(IBitsPeerCacheRecord, QueryInterface, 0, 0)                                \
  X(IBitsPeerCacheRecord, AddRef, 1, 0)                                        \
  X(IBitsPeerCacheRecord, Release, 2, 0)                                       \
  X(IBitsPeerCacheRecord, GetId, 3, 0)                                         \
  X(IBitsPeerCacheRecord, GetOriginUrl, 4, 0)                                  \
  X(IBitsPeerCacheRecord, GetFileSize, 5, 0)                                   \
  X(IBitsPeerCacheRecord, GetFileModificationTime, 6, 0)                       \
  X(IBitsPeerCacheRecord, GetLastAccessTime, 7, 0)                             \
  X(IBitsPeerCacheRecord, IsFileValidated, 8, 0)                               \
  X(IBitsPeerCacheRecord, GetFileRanges, 9, 0)                                 \
  X(IEnumBitsPeerCacheRecords, QueryInterface, 0, 0)                           \
  X(IEnumBitsPeerCacheRecords, AddRef, 1, 0)                                   \
  X(IEnumBitsPeerCacheRecords, Release, 2, 0)                                  \
  X(IEnumBitsPeerCacheRecords, Next, 3, 0)                                     \
  X(IEnumBitsPeerCacheRecords, Skip, 4, 0)                                     \
  X(IEnumBitsPeerCacheRecords, Reset, 5, 0)                                    \
  X(IEnumBitsPeerCacheRecords, Clone, 6, 0)                                    \
  X(IEnumBitsPeerCacheRecords, GetCount, 7, 0)                                 \
  X(IBitsPeer, QueryInterface, 0, 0)                                           \
  X(IBitsPeer, AddRef, 1, 0)                                                   \
  X(IBitsPeer, Release, 2, 0)                                                  \
  X(IBitsPeer, GetPeerName, 3, 0)                                              \
  X(IBitsPeer, IsAuthenticated, 4, 0)                                          \
  X(IBitsPeer, IsAvailable, 5, 0)                                              \
  X(IEnumBitsPeers, QueryInterface, 0, 0)                                      \
  X(IEnumBitsPeers, AddRef, 1, 0)                                              \
  X(IEnumBitsPeers, Release, 2, 0)                                             \
  X(IEnumBitsPeers, Next, 3, 0)                                                \
  X(IEnumBitsPeers, Skip, 4, 0)                                                \
  X(IEnumBitsPeers, Reset, 5, 0)                                               \
  X(IEnumBitsPeers, Clone, 6, 0)                                               \
  X(IEnumBitsPeers, GetCount, 7, 0)                                            \
  X(IBitsPeerCacheAdministration, QueryInterface, 0, 0)                        \
  X(IBitsPeerCacheAdministration, AddRef, 1, 0)                                \
  X(IBitsPeerCacheAdministration, Release, 2, 0)                               \
  X(IBitsPeerCacheAdministration, GetMaximumCacheSize, 3, 0)                   \
  X(IBitsPeerCacheAdministration, SetMaximumCacheSize, 4, 0)                   \
  X(IBitsPeerCacheAdministration, GetMaximumContentAge, 5, 0)                  \
  X(IBitsPeerCacheAdministration, SetMaximumContentAge, 6, 0)                  \
  X(IBitsPeerCacheAdministration, GetConfigurationFlags, 7, 0)                 \
  X(IBitsPeerCacheAdministration, SetConfigurationFlags, 8, 0)                 \
  X(IBitsPeerCacheAdministration, EnumRecords, 9, 0)                           \
  X(IBitsPeerCacheAdministration, GetRecord, 10, 0)                            \
  X(IBitsPeerCacheAdministration, ClearRecords, 11, 0)                         \
  X(IBitsPeerCacheAdministration, DeleteRecord, 12, 0)                         \
  X(IBitsPeerCacheAdministration, DeleteUrl, 13, 0)                            \
  X(IBitsPeerCacheAdministration, EnumPeers, 14, 0)                            \
  X(IBitsPeerCacheAdministration, ClearPeers, 15, 0)                           \
  X(IBitsPeerCacheAdministration, DiscoverPeers, 16, 0)                        \
  X(IBackgroundCopyJob4, QueryInterface, 0, 1)                                 \
  X(IBackgroundCopyJob4, AddRef, 1, 1)                                         \
  X(IBackgroundCopyJob4, Release, 2, 1)                                        \
  X(IBackgroundCopyJob4, AddFileSet, 3, 1)                                     \
  X(IBackgroundCopyJob4, AddFile, 4, 1)                                        \
  X(IBackgroundCopyJob4, EnumFiles, 5, 1)                                      \
  X(IBackgroundCopyJob4, Suspend, 6, 1)                                        \
  X(IBackgroundCopyJob4, Resume, 7, 1)                                         \
  X(IBackgroundCopyJob4, Cancel, 8, 1)                                         \
  X(IBackgroundCopyJob4, Complete, 9, 1)                                       \
  X(IBackgroundCopyJob4, GetId, 10, 1)                                         \
  X(IBackgroundCopyJob4, GetType, 11, 1)                                       \
  X(IBackgroundCopyJob4, GetProgress, 12, 1)                                   \
  X(IBackgroundCopyJob4, GetTimes, 13, 1)                                      \
  X(IBackgroundCopyJob4, GetState, 14, 1)                                      \
  X(IBackgroundCopyJob4, GetError, 15, 1)                                      \
  X(IBackgroundCopyJob4, GetOwner, 16, 1)                                      \
  X(IBackgroundCopyJob4, SetDisplayName, 17, 1)                                \
  X(IBackgroundCopyJob4, GetDisplayName, 18, 1)                                \
  X(IBackgroundCopyJob4, SetDescription, 19, 1)                                \
  X(IBackgroundCopyJob4, GetDescription, 20, 1)                                \
  X(IBackgroundCopyJob4, SetPriority, 21, 1)                                   \
  X(IBackgroundCopyJob4, GetPriority, 22, 1)                                   \
  X(IBackgroundCopyJob4, SetNotifyFlags, 23, 1)                                \
  X(IBackgroundCopyJob4, GetNotifyFlags, 24, 1)                                \
  X(IBackgroundCopyJob4, SetNotifyInterface, 25, 1)                            \
  X(IBackgroundCopyJob4, GetNotifyInterface, 26, 1)                            \
  X(IBackgroundCopyJob4, SetMinimumRetryDelay, 27, 1)                          \
  X(IBackgroundCopyJob4, GetMinimumRetryDelay, 28, 1)                          \
  X(IBackgroundCopyJob4, SetNoProgressTimeout, 29, 1)                          \
  X(IBackgroundCopyJob4, GetNoProgressTimeout, 30, 1)                          \
  X(IBackgroundCopyJob4, GetErrorCount, 31, 1)                                 \
  X(IBackgroundCopyJob4, SetProxySettings, 32, 1)                              \
  X(IBackgroundCopyJob4, GetProxySettings, 33, 1)                              \
  X(IBackgroundCopyJob4, TakeOwnership, 34, 1)                                 \
  X(IBackgroundCopyJob4, SetNotifyCmdLine, 35, 1)                              \
  X(IBackgroundCopyJob4, GetNotifyCmdLine, 36, 1)                              \
  X(IBackgroundCopyJob4, GetReplyProgress, 37, 1)                              \
  X(IBackgroundCopyJob4, GetReplyData, 38, 1)                                  \
  X(IBackgroundCopyJob4, SetReplyFileName, 39, 1)                              \
  X(IBackgroundCopyJob4, GetReplyFileName, 40, 1)                              \
  X(IBackgroundCopyJob4, SetCredentials, 41, 1)                                \
  X(IBackgroundCopyJob4, RemoveCredentials, 42, 1)                             \
  X(IBackgroundCopyJob4, ReplaceRemotePrefix, 43, 1)                           \
  X(IBackgroundCopyJob4, AddFileWithRanges, 44, 1)                             \
  X(IBackgroundCopyJob4, SetFileACLFlags, 45, 1)                               \
  X(IBackgroundCopyJob4, GetFileACLFlags, 46, 1)                               \
  X(IBackgroundCopyJob4, SetPeerCachingFlags, 47, 1)                           \
  X(IBackgroundCopyJob4, GetPeerCachingFlags, 48, 1)                           \
  X(IBackgroundCopyJob4, GetOwnerIntegrityLevel, 49, 1)                        \
  X(IBackgroundCopyJob4, GetOwnerElevationState, 50, 1)                        \
  X(IBackgroundCopyJob4, SetMaximumDownloadTime, 51, 1)                        \
  X(IBackgroundCopyJob4, GetMaximumDownloadTime, 52, 1)                        \
  X(IBackgroundCopyFile3, QueryInterface, 0, 0)                                \
  X(IBackgroundCopyFile3, AddRef, 1, 0)                                        \
  X(IBackgroundCopyFile3, Release, 2, 0)                                       \
  X(IBackgroundCopyFile3, GetRemoteName, 3, 0)                                 \
  X(IBackgroundCopyFile3, GetLocalName, 4, 0)                                  \
  X(IBackgroundCopyFile3, GetProgress, 5, 0)                                   \
  X(IBackgroundCopyFile3, GetFileRanges, 6, 0)                                 \
  X(IBackgroundCopyFile3, SetRemoteName, 7, 0)                                 \
  X(IBackgroundCopyFile3, GetTemporaryName, 8, 0)                              \
  X(IBackgroundCopyFile3, SetValidationState, 9, 0)                            \
  X(IBackgroundCopyFile3, GetValidationState, 10, 0)                           \
  X(IBackgroundCopyFile3, IsDownloadedFromPeer, 11, 0)                         \
  X(IBackgroundCopyCallback2, QueryInterface, 0, 1)                            \
  X(IBackgroundCopyCallback2, AddRef, 1, 1)                                    \
  X(IBackgroundCopyCallback2, Release, 2, 1)                                   \
  X(IBackgroundCopyCallback2, JobTransferred, 3, 1)                            \
  X(IBackgroundCopyCallback2, JobError, 4, 1)                                  \
  X(IBackgroundCopyCallback2, JobModification, 5, 1)                           \
  X(IBackgroundCopyCallback2, FileTransferred, 6, 1)                           \
  X(IBitsTokenOptions, QueryInterface, 0, 0)                                   \
  X(IBitsTokenOptions, AddRef, 1, 0)                                           \
  X(IBitsTokenOptions, Release, 2, 0)                                          \
  X(IBitsTokenOptions, SetHelperTokenFlags, 3, 0)                              \
  X(IBitsTokenOptions, GetHelperTokenFlags, 4, 0)                              \
  X(IBitsTokenOptions, SetHelperToken, 5, 0)                                   \
  X(IBitsTokenOptions, ClearHelperToken, 6, 0)                                 \
  X(IBitsTokenOptions, GetHelperTokenSid, 7, 0)                                \
  X(IBackgroundCopyFile4, QueryInterface, 0, 0)                                \
  X(IBackgroundCopyFile4, AddRef, 1, 0)                                        \
  X(IBackgroundCopyFile4, Release, 2, 0)                                       \
  X(IBackgroundCopyFile4, GetRemoteName, 3, 0)                                 \
  X(IBackgroundCopyFile4, GetLocalName, 4, 0)                                  \
  X(IBackgroundCopyFile4, GetProgress, 5, 0)                                   \
  X(IBackgroundCopyFile4, GetFileRanges, 6, 0)                                 \
  X(IBackgroundCopyFile4, SetRemoteName, 7, 0)                                 \
  X(IBackgroundCopyFile4, GetTemporaryName, 8, 0)                              \
  X(IBackgroundCopyFile4, SetValidationState, 9, 0)                            \
  X(IBackgroundCopyFile4, GetValidationState, 10, 0)                           \
  X(IBackgroundCopyFile4, IsDownloadedFromPeer, 11, 0)                         \
  X(IBackgroundCopyFile4, GetPeerDownloadStats, 12, 0)                         \
  X(IBackgroundCopyJob5, QueryInterface, 0, 1)                                 \
  X(IBackgroundCopyJob5, AddRef, 1, 1)                                         \
  X(IBackgroundCopyJob5, Release, 2, 1)                                        \
  X(IBackgroundCopyJob5, AddFileSet, 3, 1)                                     \
  X(IBackgroundCopyJob5, AddFile, 4, 1)                                        \
  X(IBackgroundCopyJob5, EnumFiles, 5, 1)                                      \
  X(IBackgroundCopyJob5, Suspend, 6, 1)                                        \
  X(IBackgroundCopyJob5, Resume, 7, 1)                                         \
  X(IBackgroundCopyJob5, Cancel, 8, 1)                                         \
  X(IBackgroundCopyJob5, Complete, 9, 1)                                       \
  X(IBackgroundCopyJob5, GetId, 10, 1)                                         \
  X(IBackgroundCopyJob5, GetType, 11, 1)                                       \
  X(IBackgroundCopyJob5, GetProgress, 12, 1)                                   \
  X(IBackgroundCopyJob5, GetTimes, 13, 1)                                      \
  X(IBackgroundCopyJob5, GetState, 14, 1)                                      \
  X(IBackgroundCopyJob5, GetError, 15, 1)                                      \
  X(IBackgroundCopyJob5, GetOwner, 16, 1)                                      \
  X(IBackgroundCopyJob5, SetDisplayName, 17, 1)                                \
  X(IBackgroundCopyJob5, GetDisplayName, 18, 1)                                \
  X(IBackgroundCopyJob5, SetDescription, 19, 1)                                \
  X(IBackgroundCopyJob5, GetDescription, 20, 1)                                \
  X(IBackgroundCopyJob5, SetPriority, 21, 1)                                   \
  X(IBackgroundCopyJob5, GetPriority, 22, 1)                                   \
  X(IBackgroundCopyJob5, SetNotifyFlags, 23, 1)                                \
  X(IBackgroundCopyJob5, GetNotifyFlags, 24, 1)                                \
  X(IBackgroundCopyJob5, SetNotifyInterface, 25, 1)                            \
  X(IBackgroundCopyJob5, GetNotifyInterface, 26, 1)                            \
  X(IBackgroundCopyJob5, SetMinimumRetryDelay, 27, 1)                          \
  X(IBackgroundCopyJob5, GetMinimumRetryDelay, 28, 1)                          \
  X(IBackgroundCopyJob5, SetNoProgressTimeout, 29, 1)                          \
  X(IBackgroundCopyJob5, GetNoProgressTimeout, 30, 1)                          \
  X(IBackgroundCopyJob5, GetErrorCount, 31, 1)                                 \
  X(IBackgroundCopyJob5, SetProxySettings, 32, 1)                              \
  X(IBackgroundCopyJob5, GetProxySettings, 33, 1)                              \
  X(IBackgroundCopyJob5, TakeOwnership, 34, 1)                                 \
  X(IBackgroundCopyJob5, SetNotifyCmdLine, 35, 1)                              \
  X(IBackgroundCopyJob5, GetNotifyCmdLine, 36, 1)                              \
  X(IBackgroundCopyJob5, GetReplyProgress, 37, 1)                              \
  X(IBackgroundCopyJob5, GetReplyData, 38, 1)                                  \
  X(IBackgroundCopyJob5, SetReplyFileName, 39, 1)                              \
  X(IBackgroundCopyJob5, GetReplyFileName, 40, 1)                              \
  X(IBackgroundCopyJob5, SetCredentials, 41, 1)                                \
  X(IBackgroundCopyJob5, RemoveCredentials, 42, 1)                             \
  X(IBackgroundCopyJob5, ReplaceRemotePrefix, 43, 1)                           \
  X(IBackgroundCopyJob5, AddFileWithRanges, 44, 1)                             \
  X(IBackgroundCopyJob5, SetFileACLFlags, 45, 1)                               \
  X(IBackgroundCopyJob5, GetFileACLFlags, 46, 1)                               \
  X(IBackgroundCopyJob5, SetPeerCachingFlags, 47, 1)                           \
  X(IBackgroundCopyJob5, GetPeerCachingFlags, 48, 1)                           \
  X(IBackgroundCopyJob5, GetOwnerIntegrityLevel, 49, 1)                        \
  X(IBackgroundCopyJob5, GetOwnerElevationState, 50, 1)                        \
  X(IBackgroundCopyJob5, SetMaximumDownloadTime, 51, 1)                        \
  X(IBackgroundCopyJob5, GetMaximumDownloadTime, 52, 1)                        \
  X(IBackgroundCopyJob5, SetProperty, 53, 1)                                   \
  X(IBackgroundCopyJob5, GetProperty, 54, 1)                                   \
  X(IBackgroundCopyFile5, QueryInterface, 0, 0)                                \
  X(IBackgroundCopyFile5, AddRef, 1, 0)                                        \
  X(IBackgroundCopyFile5, Release, 2, 0)                                       \
  X(IBackgroundCopyFile5, GetRemoteName, 3, 0)                                 \
  X(IBackgroundCopyFile5, GetLocalName, 4, 0)                                  \
  X(IBackgroundCopyFile5, GetProgress, 5, 0)                                   \
  X(IBackgroundCopyFile5, GetFileRanges, 6, 0)                                 \
  X(IBackgroundCopyFile5, SetRemoteName, 7, 0)                                 \
  X(IBackgroundCopyFile5, GetTemporaryName, 8, 0)                              \
  X(IBackgroundCopyFile5, SetValidationState, 9, 0)                            \
  X(IBackgroundCopyFile5, GetValidationState, 10, 0)                           \
  X(IBackgroundCopyFile5, IsDownloadedFromPeer, 11, 0)                         \
  X(IBackgroundCopyFile5, GetPeerDownloadStats, 12, 0)                         \
  X(IBackgroundCopyFile5, SetProperty, 13, 0)                                  \
  X(IBackgroundCopyFile5, GetProperty, 14, 0)                                  \
  X(IBackgroundCopyCallback3, QueryInterface, 0, 0)                            \
  X(IBackgroundCopyCallback3, AddRef, 1, 0)                                    \
  X(IBackgroundCopyCallback3, Release, 2, 0)                                   \
  X(IBackgroundCopyCallback3, JobTransferred, 3, 0)                            \
  X(IBackgroundCopyCallback3, JobError, 4, 0)                                  \
  X(IBackgroundCopyCallback3, JobModification, 5, 0)                           \
  X(IBackgroundCopyCallback3, FileTransferred, 6, 0)                           \
  X(IBackgroundCopyCallback3, FileRangesTransferred, 7, 0)                     \
  X(IBackgroundCopyFile6, QueryInterface, 0, 0)                                \
  X(IBackgroundCopyFile6, AddRef, 1, 0)                                        \
  X(IBackgroundCopyFile6, Release, 2, 0)                                       \
  X(IBackgroundCopyFile6, GetRemoteName, 3, 0)                                 \
  X(IBackgroundCopyFile6, GetLocalName, 4, 0)                                  \
  X(IBackgroundCopyFile6, GetProgress, 5, 0)                                   \
  X(IBackgroundCopyFile6, GetFileRanges, 6, 0)                                 \
  X(IBackgroundCopyFile6, SetRemoteName, 7, 0)                                 \
  X(IBackgroundCopyFile6, GetTemporaryName, 8, 0)                              \
  X(IBackgroundCopyFile6, SetValidationState, 9, 0)                            \
  X(IBackgroundCopyFile6, GetValidationState, 10, 0)                           \
  X(IBackgroundCopyFile6, IsDownloadedFromPeer, 11, 0)                         \
  X(IBackgroundCopyFile6, GetPeerDownloadStats, 12, 0)                         \
  X(IBackgroundCopyFile6, SetProperty, 13, 0)                                  \
  X(IBackgroundCopyFile6, GetProperty, 14, 0)                                  \
  X(IBackgroundCopyFile6, UpdateDownloadPosition, 15, 0)                       \
  X(IBackgroundCopyFile6, RequestFileRanges, 16, 0)                            \
  X(IBackgroundCopyFile6, GetFilledFileRanges, 17, 0)                          \
  X(IBackgroundCopyJobHttpOptions2, QueryInterface, 0, 0)                      \
  X(IBackgroundCopyJobHttpOptions2, AddRef, 1, 0)                              \
  X(IBackgroundCopyJobHttpOptions2, Release, 2, 0)                             \
  X(IBackgroundCopyJobHttpOptions2, SetClientCertificateByID, 3, 0)            \
  X(IBackgroundCopyJobHttpOptions2, SetClientCertificateByName, 4, 0)          \
  X(IBackgroundCopyJobHttpOptions2, RemoveClientCertificate, 5, 0)             \
  X(IBackgroundCopyJobHttpOptions2, GetClientCertificate, 6, 0)                \
  X(IBackgroundCopyJobHttpOptions2, SetCustomHeaders, 7, 0)                    \
  X(IBackgroundCopyJobHttpOptions2, GetCustomHeaders, 8, 0)                    \
  X(IBackgroundCopyJobHttpOptions2, SetSecurityFlags, 9, 0)                    \
  X(IBackgroundCopyJobHttpOptions2, GetSecurityFlags, 10, 0)                   \
  X(IBackgroundCopyJobHttpOptions2, SetHttpMethod, 11, 0)                      \
  X(IBackgroundCopyJobHttpOptions2, GetHttpMethod, 12, 0)                      \
  X(IBackgroundCopyServerCertificateValidationCallback, QueryInterface, 0, 0)  \
  X(IBackgroundCopyServerCertificateValidationCallback, AddRef, 1, 0)          \
  X(IBackgroundCopyServerCertificateValidationCallback, Release, 2, 0)         \
  X(IBackgroundCopyServerCertificateValidationCallback,                        \
    ValidateServerCertificate, 3, 0)                                           \
  X(IBackgroundCopyJobHttpOptions3, QueryInterface, 0, 0)                      \
  X(IBackgroundCopyJobHttpOptions3, AddRef, 1, 0)                              \
  X(IBackgroundCopyJobHttpOptions3, Release, 2, 0)                             \
  X(IBackgroundCopyJobHttpOptions3, SetClientCertificateByID, 3, 0)            \
  X(IBackgroundCopyJobHttpOptions3, SetClientCertificateByName, 4, 0)          \
  X(IBackgroundCopyJobHttpOptions3, RemoveClientCertificate, 5, 0)             \
  X(IBackgroundCopyJobHttpOptions3, GetClientCertificate, 6, 0)                \
  X(IBackgroundCopyJobHttpOptions3, SetCustomHeaders, 7, 0)                    \
  X(IBackgroundCopyJobHttpOptions3, GetCustomHeaders, 8, 0)                    \
  X(IBackgroundCopyJobHttpOptions3, SetSecurityFlags, 9, 0)                    \
  X(IBackgroundCopyJobHttpOptions3, GetSecurityFlags, 10, 0)                   \
  X(IBackgroundCopyJobHttpOptions3, SetHttpMethod, 11, 0)                      \
  X(IBackgroundCopyJobHttpOptions3, GetHttpMethod, 12, 0)                      \
  X(IBackgroundCopyJobHttpOptions3, SetServerCertificateValidationInterface,   \
    13, 0)                                                                     \
  X(IBackgroundCopyJobHttpOptions3, MakeCustomHeadersWriteOnly, 14, 0)

#define BSIM_WIN32_VTBLS(X)                                                    \
  X(IUnknown, 3, 1)                                                            \
  X(IBackgroundCopyFile, 6, 1)                                                 \
  X(IEnumBackgroundCopyFiles, 8, 1)                                            \
  X(IBackgroundCopyError, 8, 1)                                                \
  X(IBackgroundCopyJob, 35, 1)                                                 \
  X(IEnumBackgroundCopyJobs, 8, 1)                                             \
  X(IBackgroundCopyCallback, 6, 1)                                             \
  X(IBackgroundCopyManager, 7, 1)                                              \
  X(IBackgroundCopyJob2, 43, 1)                                                \
  X(IBackgroundCopyJob3, 47, 1)                                                \
  X(IBackgroundCopyFile2, 8, 1)                                                \
  X(IBackgroundCopyJobHttpOptions, 11, 1)                                      \
  X(IBitsPeerCacheRecord, 10, 0)                                               \
  X(IEnumBitsPeerCacheRecords, 8, 0)                                           \
  X(IBitsPeer, 6, 0)                                                           \
  X(IEnumBitsPeers, 8, 0)                                                      \
  X(IBitsPeerCacheAdministration, 17, 0)                                       \
  X(IBackgroundCopyJob4, 53, 1)                                                \
  X(IBackgroundCopyFile3, 12, 0)                                               \
  X(IBackgroundCopyCallback2, 7, 1)                                            \
  X(IBitsTokenOptions, 8, 0)                                                   \
  X(IBackgroundCopyFile4, 13, 0)                                               \
  X(IBackgroundCopyJob5, 55, 1)                                                \
  X(IBackgroundCopyFile5, 15, 0)                                               \
  X(IBackgroundCopyCallback3, 8, 0)                                            \
  X(IBackgroundCopyFile6, 18, 0)                                               \
  X(IBackgroundCopyJobHttpOptions2, 13, 0)                                     \
  X(IBackgroundCopyServerCertificateValidationCallback, 4, 0)                  \
  X(IBackgroundCopyJobHttpOptions3, 15, 0)

#endif /* BSIM_WIN32_TEST_SLOTS_H */
