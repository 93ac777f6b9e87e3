// `genc run --devices N` on one machine: genc starts the N processes of a data-parallel run
// itself (its own command line again, each with RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and
// MASTER_PORT set, as torchrun would), forwards Ctrl-C to them and waits for them all.
#pragma once

#include <chrono>
#include <iosfwd>

namespace genc::runtime::dist {

/// Runs this process's command line again (/proc/self/exe with /proc/self/cmdline) as `n`
/// processes, ranks 0..n-1 of one run over 127.0.0.1 and a free port, in a process group of
/// their own that receives the SIGINT and SIGTERM this process gets (so a Ctrl-C reaches
/// each once). They stop if this process dies. When one fails, the others get until
/// `timeout` (their collectives' timeout) and 30 s more to end before they are terminated.
/// Unless OMP_NUM_THREADS is set, each gets this machine's cores / n threads.
/// Returns 0 when all succeed, 130 when they were interrupted, else the status of the first
/// that failed; says on `err`, in one `genc: error:` line, why a process was killed by a
/// signal when no process reported an error of its own. Throws RuntimeUserError when the
/// processes cannot be started.
int launch_local(int n, std::chrono::seconds timeout, std::ostream& err);

}  // namespace genc::runtime::dist
