"""The sandbox a submission's kernel runs in: bubblewrap, an unprivileged user, cgroup limits.

Only the student's kernel runs inside; the runner that sends it cells and records what they did
(:mod:`w2vlib.classroom.runner`) runs outside and talks to it over Unix sockets in one folder.
With the grader running as root on Linux and Debian's ``bubblewrap`` installed (``make grade``),
the kernel of each submission gets:

- its own network namespace (a loopback of its own, no route out, no name resolution), and its
  own process, IPC, UTS and cgroup namespaces;
- an unprivileged user (uid ``SANDBOX_UID`` + the job's slot, no capabilities, no setuid, and
  no user namespaces of its own, through a second, unprivileged bubblewrap inside the first);
- a file system of its own: ``/usr``, the Python installation, the virtual environment and the
  ``w2vlib`` package bound read-only, fresh ``tmpfs`` for its home, ``/tmp`` and ``/dev/shm``
  (half, a quarter and a quarter of the disk limit: together at most that limit); nothing of
  the repository, the instructor notebooks, the submissions, the grades or the other kernels;
  the training cache of :mod:`w2vlib.cache`, when ``W2VLIB_CACHE`` names one, read-only (a
  submission can reuse a run a trusted build kept, never plant one);
- limits for the whole submission: memory and processes in a cgroup (v2, or v1 where only v1
  has the controllers, as on this project's CI machine), with per-process ``RLIMIT_AS`` and
  per-user ``RLIMIT_NPROC`` as the documented fallback where no cgroup can be made; file size
  by ``RLIMIT_FSIZE``; no core dumps.

Run by an ordinary user, the sandbox is one unprivileged bubblewrap: the same namespaces and
file system, the kernel runs as that user, and memory and process limits fall back to rlimits
unless the user's cgroup is delegated. :func:`detect` says what this machine gives.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .. import cache

SANDBOX_UID = 64000          # kernels run as SANDBOX_UID + slot when the grader is root
HOME = "/home/student"
CACHE_MOUNT = "/w2vlib-cache"   # where the grader's training cache is seen, read-only
JAIL = Path(__file__).with_name("jail.py")
_counter = iter(range(1, 1 << 62))


@dataclass(frozen=True)
class SandboxInfo:
    """What the sandbox enforces on this machine."""

    available: bool
    problem: str = ""
    bwrap: str = ""
    drops_root: bool = False        # the grader is root: each kernel runs as an unprivileged uid
    nested_userns: bool = False     # the kernel cannot make user namespaces of its own
    memory_limit: str = "per process (RLIMIT_AS)"
    process_limit: str = "per user (RLIMIT_NPROC)"
    cgroup_parents: tuple = ()      # ((controller, version, folder), ...)

    def describe(self) -> str:
        if not self.available:
            return f"no sandbox: {self.problem}"
        user = f"uid {SANDBOX_UID}+" if self.drops_root else "the grader's own uid"
        return (f"sandbox: bubblewrap, kernels as {user}, own network, memory limit {self.memory_limit}, "
                f"process limit {self.process_limit}")


def detect() -> SandboxInfo:
    """Probe bubblewrap, user namespaces and cgroups here (a few tens of milliseconds)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return SandboxInfo(False, "bubblewrap (bwrap) is not installed: apt-get install bubblewrap "
                                  "(`make grade` does)")
    root = os.geteuid() == 0
    if root and shutil.which("setpriv") is None:
        return SandboxInfo(False, "setpriv (util-linux) is needed to drop root inside the sandbox")
    userns = _run([bwrap, "--unshare-user", "--disable-userns", "--ro-bind", "/", "/", "true"],
                  demote=root).returncode == 0
    if not root and not userns:
        return SandboxInfo(False, "bubblewrap cannot create a user namespace here (unprivileged user "
                                  "namespaces are disabled); run the grader as root")
    parents = _cgroup_parents()
    versions = {controller: version for controller, version, _ in parents}
    info = SandboxInfo(True, "", bwrap, root, userns,
                       f"cgroup {versions['memory']}" if "memory" in versions else "per process (RLIMIT_AS)",
                       f"cgroup {versions['pids']}" if "pids" in versions else "per user (RLIMIT_NPROC)",
                       tuple(parents))
    with tempfile.TemporaryDirectory() as tmp:
        probe = _run(jail_command(info, Path(tmp), slot=0, memory=1 << 30, processes=64, disk=1 << 20,
                                  cgroups=None) + ["/bin/true"])
    if probe.returncode != 0:
        return SandboxInfo(False, f"bubblewrap cannot start a sandbox here: {probe.stderr.strip()[-500:]}")
    return info


def _run(command, demote=False):
    def drop():
        os.setgroups([])
        os.setgid(SANDBOX_UID)
        os.setuid(SANDBOX_UID)
    return subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          preexec_fn=drop if demote else None, timeout=60)


def sandbox_uid(info: SandboxInfo, slot: int) -> int | None:
    return SANDBOX_UID + slot if info.drops_root else None


def python_paths() -> list[str]:
    """What the kernel needs of the Python environment: installation, virtualenv, ``w2vlib``."""
    spec = importlib.util.find_spec("w2vlib")
    package = [os.path.dirname(spec.origin)] if spec and spec.origin else []
    paths = [sys.base_prefix, sys.prefix, *package]      # never sys.path itself: it may hold the repository
    keep = []
    for p in sorted({os.path.realpath(p) for p in paths}, key=len):
        if not any(p == k or p.startswith(k + os.sep) for k in keep) and not p.startswith("/usr" + os.sep):
            keep.append(p)
    return keep


def kernel_env(home: str = HOME) -> dict[str, str]:
    """The whole environment of a kernel: nothing is inherited from the grader but BLAS settings."""
    env = {"HOME": home, "USER": "student", "LOGNAME": "student", "LANG": "C.UTF-8", "TMPDIR": "/tmp",
           "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
           "MPLCONFIGDIR": f"{home}/.config/matplotlib", "IPYTHONDIR": f"{home}/.ipython",
           "JUPYTER_RUNTIME_DIR": f"{home}/.jupyter/runtime", "JUPYTER_CONFIG_DIR": f"{home}/.jupyter",
           "JUPYTER_DATA_DIR": f"{home}/.jupyter/data", "XDG_CACHE_HOME": f"{home}/.cache",
           "XDG_CONFIG_HOME": f"{home}/.config", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):     # some processors need them (see README)
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def bwrap_command(info: SandboxInfo, socket_dir: Path, uid: int | None, disk: int) -> list[str]:
    """bubblewrap's arguments, up to the command the sandbox runs."""
    command = [info.bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
               "--unshare-cgroup-try", "--hostname", "sandbox", "--die-with-parent", "--new-session",
               "--ro-bind", "/usr", "/usr"]
    for top in ("bin", "lib", "lib32", "lib64", "sbin"):
        path = Path("/") / top
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            command += ["--ro-bind", str(path), str(path)]
    for etc in ("/etc/ld.so.cache", "/etc/localtime"):
        if os.path.exists(etc):
            command += ["--ro-bind", etc, etc]
    command += ["--proc", "/proc", "--dev", "/dev"]
    for tmpfs, share in ((HOME, 2), ("/tmp", 4), ("/dev/shm", 4)):   # half, a quarter, a quarter of `disk`
        command += ["--perms", "1777", "--size", str(max(1 << 20, int(disk) // share)), "--tmpfs", tmpfs]
    made = {"/", "/tmp", "/dev", "/home", HOME, "/usr"}
    for path in python_paths() + [str(socket_dir)]:
        for parent in reversed(Path(path).parents):
            if str(parent) not in made:
                command += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))
    for path in python_paths():
        command += ["--ro-bind", path, path]
    shared = cache.folder()
    share_cache = shared is not None and shared.is_dir()     # runs kept by trusted builds: read, never written
    if share_cache:
        command += ["--ro-bind", str(shared.resolve()), CACHE_MOUNT]
    command += ["--bind", str(socket_dir), str(socket_dir), "--chdir", HOME, "--clearenv"]
    env = kernel_env()
    if share_cache:
        env[cache.ENVIRONMENT_VARIABLE] = CACHE_MOUNT
    for name, value in env.items():
        command += ["--setenv", name, value]
    if uid is not None:                                      # root: drop to the job's uid inside
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                    shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}",
                    "--clear-groups", "--no-new-privs", "--inh-caps=-all"]
        if info.nested_userns:                               # and forbid it user namespaces
            command += [info.bwrap, "--unshare-user", "--disable-userns", "--assert-userns-disabled",
                        "--dev-bind", "/", "/", "--die-with-parent"]
    else:
        command += ["--unshare-user", "--disable-userns", "--assert-userns-disabled"]
    return command + ["--"]


def jail_command(info: SandboxInfo, socket_dir: Path, *, slot: int, memory: int, processes: int, disk: int,
                 cgroups: "CGroups | None", connection_file: str | None = None) -> list[str]:
    """The launcher (outside: join the cgroups, set rlimits), then bubblewrap, up to the command."""
    uid = sandbox_uid(info, slot)
    command = [sys.executable, "-I", "-S", str(JAIL)]
    for procs in (cgroups.procs_files() if cgroups else []):
        command += ["--join", procs]
    limits = {"FSIZE": disk, "CORE": 0, "NOFILE": 4096}
    if cgroups is None or not cgroups.limits_memory:
        limits["AS"] = memory
    if uid is not None:
        limits["NPROC"] = processes
    for name, value in limits.items():
        command += ["--rlimit", f"{name}={int(value)}"]
    if connection_file and uid is not None:
        command += ["--chown", f"{uid}:{uid}", connection_file]
    return command + ["--"] + bwrap_command(info, socket_dir, uid, disk)


# --- cgroups ----------------------------------------------------------------------------------------

def _cgroup_parents() -> list[tuple[str, str, str]]:
    """[(controller, "v2" or "v1", folder)] where this process may make child cgroups for memory and pids."""
    try:
        own = [line.split(":", 2) for line in Path("/proc/self/cgroup").read_text().splitlines()]
        mounts = [line.split() for line in Path("/proc/self/mountinfo").read_text().splitlines()]
    except OSError:
        return []
    found = {}
    v2 = next((m[4] for m in mounts if m[m.index("-") + 1] == "cgroup2"), None) if mounts else None
    v2_path = next((p for h, c, p in own if h == "0"), None)
    if v2 and v2_path is not None:
        folder = Path(v2 + v2_path)
        try:
            available = (folder / "cgroup.controllers").read_text().split()
        except OSError:
            available = []
        wanted = [c for c in ("memory", "pids") if c in available]
        if wanted and _probe(folder, "v2", wanted):
            found.update({c: ("v2", str(folder)) for c in wanted})
    for controller in ("memory", "pids"):
        if controller in found:
            continue
        path = next((p for h, c, p in own if h != "0" and controller in c.split(",")), None)
        mount = next((m[4] for m in mounts if m[m.index("-") + 1] == "cgroup"
                      and controller in m[-1].split(",")), None)
        if path is not None and mount and _probe(Path(mount + path), "v1", [controller]):
            found[controller] = ("v1", mount + path)
    return [(c, v, f) for c, (v, f) in found.items()]


def _probe(folder: Path, version: str, controllers) -> bool:
    child = folder / f"w2vlib-probe-{os.getpid()}"
    try:
        if version == "v2":
            enabled = (folder / "cgroup.subtree_control").read_text().split()
            missing = [c for c in controllers if c not in enabled]
            if missing:
                (folder / "cgroup.subtree_control").write_text(" ".join("+" + c for c in missing))
        child.mkdir()
        try:
            names = {"memory": "memory.max" if version == "v2" else "memory.limit_in_bytes", "pids": "pids.max"}
            return all((child / names[c]).exists() for c in controllers)
        finally:
            child.rmdir()
    except OSError:
        return False


class CGroups:
    """The cgroups of one submission's kernel: memory and processes for everything it starts."""

    def __init__(self, folders: list[tuple[str, str, Path]]):
        self.folders = folders                      # [(controller, version, folder)]
        self.limits_memory = any(c == "memory" for c, _, _ in folders)

    @classmethod
    def create(cls, info: SandboxInfo, memory: int, processes: int) -> "CGroups | None":
        if not info.cgroup_parents:
            return None
        name = f"w2vlib-{os.getpid()}-{next(_counter)}"
        made, by_folder = [], {}
        try:
            for controller, version, parent in info.cgroup_parents:
                folder = by_folder.get(parent) or Path(parent) / name
                if parent not in by_folder:
                    folder.mkdir()
                    by_folder[parent] = folder
                made.append((controller, version, folder))
                if controller == "pids":
                    (folder / "pids.max").write_text(str(int(processes)))
                elif version == "v2":
                    (folder / "memory.max").write_text(str(int(memory)))
                    if (folder / "memory.swap.max").exists():
                        (folder / "memory.swap.max").write_text("0")
                else:
                    (folder / "memory.limit_in_bytes").write_text(str(int(memory)))
                    if (folder / "memory.memsw.limit_in_bytes").exists():
                        (folder / "memory.memsw.limit_in_bytes").write_text(str(int(memory)))
        except OSError:
            cls(made).remove()
            return None
        return cls(made)

    def _unique(self):
        seen = {}
        for controller, version, folder in self.folders:
            seen.setdefault(folder, version)
        return seen.items()

    def procs_files(self) -> list[str]:
        return [str(folder / "cgroup.procs") for folder, _ in self._unique()]

    def kill(self) -> None:
        """Kill every process left in the cgroups (a kernel, its children, a fork bomb)."""
        for folder, version in self._unique():
            if version == "v2" and (folder / "cgroup.kill").exists():
                try:
                    (folder / "cgroup.kill").write_text("1")
                except OSError:
                    pass
            for _ in range(200):
                try:
                    pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.02)

    def peak_memory(self) -> int | None:
        for controller, version, folder in self.folders:
            if controller == "memory":
                name = "memory.peak" if version == "v2" else "memory.max_usage_in_bytes"
                try:
                    return int((folder / name).read_text().split()[0])
                except (OSError, ValueError, IndexError):
                    return None
        return None

    def out_of_memory(self) -> bool:
        """Did the kernel of the out-of-memory killer stop a process of this submission?"""
        for controller, version, folder in self.folders:
            if controller == "memory":
                name = "memory.events" if version == "v2" else "memory.oom_control"
                try:
                    fields = dict(line.split() for line in (folder / name).read_text().splitlines())
                    return int(fields.get("oom_kill", 0)) > 0
                except (OSError, ValueError):
                    return False
        return False

    def remove(self) -> None:
        self.kill()
        for folder, _ in self._unique():
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)
