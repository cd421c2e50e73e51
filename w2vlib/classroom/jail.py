"""Start a sandboxed kernel: join its cgroups, set its rlimits, hand a file to its user, exec bubblewrap.

Run by the runner as ``python -I -S jail.py [--join FILE] [--rlimit NAME=N] [--chown UID:GID FILE] -- CMD``
(a script with the standard library only, so that it starts in milliseconds). It runs outside
the sandbox, as the grader's user, and replaces itself with ``CMD`` once everything is set, so
that the cgroups and limits hold for every process the kernel will ever start.
"""

import os
import resource
import sys


def main(argv):
    if "--" not in argv:
        sys.exit("jail.py: expected -- before the command")
    split = argv.index("--")
    options, command = argv[:split], argv[split + 1:]
    i = 0
    while i < len(options):
        flag = options[i]
        if flag == "--join":
            with open(options[i + 1], "w") as f:        # cgroup.procs: this process, and all it starts
                f.write(str(os.getpid()))
            i += 2
        elif flag == "--rlimit":
            name, value = options[i + 1].split("=")
            limit = getattr(resource, "RLIMIT_" + name)
            resource.setrlimit(limit, (int(value), int(value)))
            i += 2
        elif flag == "--chown":
            uid, gid = map(int, options[i + 1].split(":"))
            os.chown(options[i + 2], uid, gid)          # the connection file, for the kernel's user
            i += 3
        else:
            sys.exit(f"jail.py: unknown option {flag}")
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
