/* IBackgroundCopyJob3::AddFileWithRanges and IBackgroundCopyFile2::
 * GetFileRanges through the Windows binding (reference §1.6, §1.9):
 * the engine's refusals reach the caller as BITS's HRESULTs (E_NOTIMPL on
 * an upload job, E_INVALIDARG, BG_E_INVALID_RANGE, BG_E_OVERLAPPING_RANGES,
 * BG_E_TOO_MANY_RANGES_IN_FILE); a ranged file downloads on the model
 * transport with BytesTotal counting the requested bytes; GetFileRanges
 * hands a CoTaskMemAlloc'd copy (0 and NULL for a file without ranges);
 * every COM object is released at the end. */
#define COBJMACROS
#include <windows.h>
#include <bits.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <cmocka.h>

#include "bitsim.h"
#include "bitsim/win32ext.h"
#include "bsim_test.h"

#define URL "http://example.test/files/a.bin"
#define WURL L"http://example.test/files/a.bin"

static wchar_t g_local[512];
static wchar_t g_plain[512];

static IBackgroundCopyManager *start(void) {
  unsetenv("BITSIM_CLOCK");
  unsetenv("BITSIM_TRACE");
  setenv("BITSIM_MODEL_FILES", URL "=4096", 1);
  setenv("BITSIM_USER", "alice", 1);
  assert_int_equal(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
  IBackgroundCopyManager *m = NULL;
  assert_int_equal(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL,
                                    CLSCTX_LOCAL_SERVER,
                                    &IID_IBackgroundCopyManager, (void **)&m),
                   S_OK);
  const char *dir = bsim_test_tmpdir("compat_ranges");
  swprintf(g_local, 512, L"%s/r.bin", dir);
  swprintf(g_plain, 512, L"%s/p.bin", dir);
  return m;
}

static void finish(IBackgroundCopyManager *m) {
  assert_int_equal(IBackgroundCopyManager_Release(m), 0);
  CoUninitialize();
  assert_int_equal(bitsim_win32_live_objects(), 0);
}

static IBackgroundCopyJob3 *new_job3(IBackgroundCopyManager *m,
                                     BG_JOB_TYPE type) {
  IBackgroundCopyJob *job = NULL;
  IBackgroundCopyJob3 *job3 = NULL;
  GUID id;
  assert_int_equal(
      IBackgroundCopyManager_CreateJob(m, L"ranges", type, &id, &job), S_OK);
  assert_int_equal(IBackgroundCopyJob_QueryInterface(
                       job, &IID_IBackgroundCopyJob3, (void **)&job3),
                   S_OK);
  IBackgroundCopyJob_Release(job);
  return job3;
}

static IBackgroundCopyFile2 *file2_at(IBackgroundCopyJob3 *job, ULONG index) {
  IEnumBackgroundCopyFiles *files = NULL;
  IBackgroundCopyFile *file = NULL;
  IBackgroundCopyFile2 *file2 = NULL;
  assert_int_equal(IBackgroundCopyJob3_EnumFiles(job, &files), S_OK);
  if (index > 0) {
    assert_int_equal(IEnumBackgroundCopyFiles_Skip(files, index), S_OK);
  }
  assert_int_equal(IEnumBackgroundCopyFiles_Next(files, 1, &file, NULL), S_OK);
  assert_int_equal(IBackgroundCopyFile_QueryInterface(
                       file, &IID_IBackgroundCopyFile2, (void **)&file2),
                   S_OK);
  IBackgroundCopyFile_Release(file);
  IEnumBackgroundCopyFiles_Release(files);
  return file2;
}

/* §1.6: the refusals, each leaving the job without a file. */
static void test_compat_ranges_refusals(void **state) {
  (void)state;
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob3 *up = new_job3(m, BG_JOB_TYPE_UPLOAD);
  BG_FILE_RANGE r[2] = {{0, 10}, {5, 10}};
  assert_int_equal(
      IBackgroundCopyJob3_AddFileWithRanges(up, WURL, g_local, 1, r),
      E_NOTIMPL);
  IBackgroundCopyJob3_Release(up);
  IBackgroundCopyJob3 *job = new_job3(m, BG_JOB_TYPE_DOWNLOAD);
  assert_int_equal(
      IBackgroundCopyJob3_AddFileWithRanges(job, WURL, g_local, 0, r),
      E_INVALIDARG);
  assert_int_equal(
      IBackgroundCopyJob3_AddFileWithRanges(job, WURL, g_local, 1, NULL),
      E_INVALIDARG);
  assert_int_equal(
      IBackgroundCopyJob3_AddFileWithRanges(job, NULL, g_local, 1, r),
      E_INVALIDARG);
  assert_int_equal(
      IBackgroundCopyJob3_AddFileWithRanges(job, WURL, g_local, 2, r),
      BG_E_OVERLAPPING_RANGES);
  BG_FILE_RANGE bad = {BG_LENGTH_TO_EOF, 1};
  assert_int_equal(
      IBackgroundCopyJob3_AddFileWithRanges(job, WURL, g_local, 1, &bad),
      BG_E_INVALID_RANGE);
  BG_FILE_RANGE *many = calloc(501, sizeof *many);
  assert_non_null(many);
  for (int i = 0; i < 501; i++) {
    many[i].InitialOffset = (UINT64)i;
    many[i].Length = 1;
  }
  assert_int_equal(
      IBackgroundCopyJob3_AddFileWithRanges(job, WURL, g_local, 501, many),
      BG_E_TOO_MANY_RANGES_IN_FILE);
  free(many);
  ULONG n = 99;
  IEnumBackgroundCopyFiles *files = NULL;
  assert_int_equal(IBackgroundCopyJob3_EnumFiles(job, &files), S_OK);
  assert_int_equal(IEnumBackgroundCopyFiles_GetCount(files, &n), S_OK);
  assert_int_equal(n, 0);
  IEnumBackgroundCopyFiles_Release(files);
  assert_int_equal(IBackgroundCopyJob3_Cancel(job), S_OK);
  IBackgroundCopyJob3_Release(job);
  finish(m);
}

/* §1.6, §1.9, §2.12: a ranged file next to a plain one; GetFileRanges
 * and BytesTotal; the job reaches TRANSFERRED and completes. */
static void test_compat_ranges_download(void **state) {
  (void)state;
  IBackgroundCopyManager *m = start();
  IBackgroundCopyJob3 *job = new_job3(m, BG_JOB_TYPE_DOWNLOAD);
  BG_FILE_RANGE r[] = {{4000, BG_LENGTH_TO_EOF}, {0, 100}};
  assert_int_equal(IBackgroundCopyJob3_AddFile(job, WURL, g_plain), S_OK);
  assert_int_equal(
      IBackgroundCopyJob3_AddFileWithRanges(job, WURL, g_local, 2, r), S_OK);
  IBackgroundCopyFile2 *plain = file2_at(job, 0);
  IBackgroundCopyFile2 *ranged = file2_at(job, 1);
  DWORD n = 7;
  BG_FILE_RANGE *got = (BG_FILE_RANGE *)&n;
  assert_int_equal(IBackgroundCopyFile2_GetFileRanges(plain, &n, &got), S_OK);
  assert_int_equal(n, 0);
  assert_null(got);
  assert_int_equal(IBackgroundCopyFile2_GetFileRanges(ranged, &n, &got), S_OK);
  assert_int_equal(n, 2);
  assert_true(got[0].InitialOffset == 4000 &&
              got[0].Length == BG_LENGTH_TO_EOF);
  assert_true(got[1].InitialOffset == 0 && got[1].Length == 100);
  CoTaskMemFree(got);
  assert_int_equal(IBackgroundCopyFile2_GetFileRanges(ranged, NULL, &got),
                   E_INVALIDARG);
  assert_int_equal(IBackgroundCopyJob3_Resume(job), S_OK);
  BG_JOB_STATE s = BG_JOB_STATE_QUEUED;
  for (int polls = 0; polls < 600; polls++) {
    assert_int_equal(IBackgroundCopyJob3_GetState(job, &s), S_OK);
    if (s == BG_JOB_STATE_TRANSFERRED) break;
    Sleep(1000);
  }
  assert_int_equal(s, BG_JOB_STATE_TRANSFERRED);
  BG_FILE_PROGRESS fp;
  assert_int_equal(IBackgroundCopyFile2_GetProgress(ranged, &fp), S_OK);
  assert_true(fp.BytesTotal == 196 && fp.BytesTransferred == 196);
  BG_JOB_PROGRESS jp;
  assert_int_equal(IBackgroundCopyJob3_GetProgress(job, &jp), S_OK);
  assert_true(jp.BytesTotal == 4096 + 196);
  assert_int_equal(IBackgroundCopyJob3_Complete(job), S_OK);
  IBackgroundCopyFile2_Release(plain);
  IBackgroundCopyFile2_Release(ranged);
  assert_int_equal(IBackgroundCopyJob3_Release(job), 0);
  finish(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_compat_ranges_refusals),
      cmocka_unit_test(test_compat_ranges_download),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
