/* Scenario lines that reach the real world: `serve` starts `bitsim serve`
 * on loopback (files from WORKDIR/origin, uploads into WORKDIR/uploads),
 * after which "{serve}" in URLs means "http://127.0.0.1:PORT" and jobs
 * transfer with libcurl (time then flows at the real rate while bytes
 * move); `make-file` writes a file of seeded bytes, to upload or to serve.
 * A real transfer makes the trace vary from run to run (reference §9 for
 * uploads, §10 for downloads). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario/run_internal.h"

static int make_dir(struct runner *r, const char *name, char *buf,
                    size_t size) {
  if (bsim__scn_local(r, name, buf, size) != SCN_OK) return SCN_STOP;
  if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
    return bsim__scn_stop(r, BSIM_E_ACCESSDENIED, "cannot create %s", buf);
  }
  return SCN_OK;
}

int bsim__scn_run_serve(struct runner *r) {
  if (r->srv != NULL) {
    return bsim__scn_stop(r, BSIM_E_INVALID_STATE, "the server already runs");
  }
  char root[4096];
  char uploads[4096];
  if (make_dir(r, "origin", root, sizeof root) != SCN_OK ||
      make_dir(r, "uploads", uploads, sizeof uploads) != SCN_OK) {
    return SCN_STOP;
  }
  struct bsim_serve_options o;
  bsim_serve_options_init(&o);
  o.root_dir = root;
  o.upload_dir = uploads;
  o.seed = r->mopts.seed;
  const char *reply = bsim__scn_opt(r->stmt, "reply");
  if (reply != NULL && strcmp(reply, "echo") == 0) {
    o.reply_mode = BSIM_SERVE_REPLY_ECHO;
  } else if (reply != NULL && strcmp(reply, "text") == 0) {
    o.reply_mode = BSIM_SERVE_REPLY_FIXED;
    o.reply_body = bsim__scn_opt(r->stmt, "text");
    if (o.reply_body == NULL) o.reply_body = "";
  }
  bsim_hr hr = bsim_serve_start(&o, &r->srv);
  if (BSIM_FAILED(hr)) return bsim__scn_result(r, "starting the server", hr);
  snprintf(r->serve_base, sizeof r->serve_base, "http://127.0.0.1:%u",
           (unsigned)bsim_serve_port(r->srv));
  bsim__scn_say(r, "-- bitsim serve listens on %s", r->serve_base);
  return bsim__scn_result(r, "starting the server", hr);
}

void bsim__scn_serve_stop(struct runner *r) {
  bsim_serve_stop(r->srv);
  r->srv = NULL;
}

const char *bsim__scn_expand(struct runner *r, const char *text, char *buf,
                             size_t size) {
  const char *at = strstr(text, "{serve}");
  if (at == NULL) return text;
  if (r->srv == NULL) {
    bsim__scn_stop(r, BSIM_E_INVALID_STATE,
                   "{serve} is used before a 'serve' line");
    return NULL;
  }
  int n = snprintf(buf, size, "%.*s%s%s", (int)(at - text), text, r->serve_base,
                   at + strlen("{serve}"));
  if (n < 0 || (size_t)n >= size) {
    bsim__scn_stop(r, BSIM_E_INVALIDARG, "the expanded URL is too long");
    return NULL;
  }
  return buf;
}

int bsim__scn_run_make_file(struct runner *r) {
  char path[4096];
  uint64_t size = 0;
  const char *v = bsim__scn_opt(r->stmt, "size");
  if (v != NULL) bsim__scn_size_bytes(v, &size);
  if (bsim__scn_local(r, bsim__scn_pos(r->stmt, 0), path, sizeof path)) {
    return SCN_STOP;
  }
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    return bsim__scn_stop(r, BSIM_E_ACCESSDENIED, "cannot write %s", path);
  }
  /* The bytes depend on the seed and the size only. */
  uint64_t x = r->mopts.seed * 0x9E3779B97F4A7C15ull + size;
  for (uint64_t i = 0; i < size; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    fputc((int)(x >> 56), f);
  }
  if (fclose(f) != 0) {
    return bsim__scn_stop(r, BSIM_E_WIN32_DISK_FULL, "cannot write %s", path);
  }
  return SCN_OK;
}
