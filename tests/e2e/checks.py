"""The end-to-end scripts' record of checks: check() prints one ok/FAIL line per check and
keeps the failures; exit_status() prints them and gives the script's exit status. GencRunner
runs the genc under test and logs each command with its exit status and time."""
import subprocess
import time

FAILURES = []


def check(what, ok, detail=''):
    print(('ok   ' if ok else 'FAIL ') + what, flush=True)
    if not ok:
        FAILURES.append(what + ('\n' + detail if detail else ''))
    return ok


def exit_status():
    if FAILURES:
        print('\n'.join(['', 'FAILED:'] + FAILURES))
        return 1
    return 0


class GencRunner:
    """Calls the genc binary at `path`: runner(*args) gives (status, stdout, stderr);
    runner.ok(*args) gives stdout and raises AssertionError when the status is not 0."""

    def __init__(self, path, timeout):
        self.path, self.timeout = path, timeout

    def __call__(self, *args, cwd=None, timeout=None):
        t0 = time.time()
        p = subprocess.run([self.path, *args], capture_output=True, cwd=cwd, timeout=timeout or self.timeout)
        out, err = p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')
        print(f'  $ genc {" ".join(args)}  -> {p.returncode} in {time.time() - t0:.1f}s', flush=True)
        return p.returncode, out, err

    def ok(self, *args, **kw):
        rc, out, err = self(*args, **kw)
        if rc != 0:
            raise AssertionError(f'genc {" ".join(args)} exited {rc}\nstdout:\n{out[-3000:]}\nstderr:\n{err[-3000:]}')
        return out
