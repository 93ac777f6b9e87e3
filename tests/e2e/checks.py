"""The end-to-end scripts' record of checks: check() prints one ok/FAIL line per check and
keeps the failures; exit_status() prints them and gives the script's exit status."""

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
