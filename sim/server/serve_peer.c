/* bitsim — the peer-cache endpoint of `bitsim serve` (reference §7, §11).
 *
 * GET/HEAD /peer/<path> answers with the peer cache's copy of the origin file
 * /<path>: the file <path> under peer_dir (root_dir unless set otherwise, so
 * by default the peer holds faithful copies). It answers exactly like the
 * origin (Range, validators, faults), plus `X-Bitsim-Source: peer`, so a
 * client can fetch from the peer, validate, and fall back to the origin.
 * Faults are matched on the full request path ("/peer/a.bin"), so a script
 * can corrupt the peer's copy while the origin stays right: the situation
 * of §7, where a failed validation of peer content drops it from the cache
 * and fetches the file again from the origin. A copy missing from the peer
 * directory is a 404, as a cache miss.
 */
#include "internal.h"
#include "server/serve_internal.h"

enum MHD_Result bsim__serve_peer(bsim_serve *srv, struct MHD_Connection *conn,
                                 struct serve_request *req, const char *rel) {
  if (srv->peer_fd < 0) {
    return bsim__serve_text(srv, conn, req, 404, "404 no peer cache\n");
  }
  return bsim__serve_file(srv, conn, req, srv->peer_fd, rel, "X-Bitsim-Source",
                          "peer");
}
