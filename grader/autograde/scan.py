"""Static scan of the code a student wrote (answer cells and added cells): flag kernel tampering.

Flags (each a short sentence with the cell and line): IPython hooks (get_ipython, input
transformers, events, showtraceback), assignments to attributes of numpy / builtins / sys / the
course package (monkeypatching), `sys.modules` edits, subprocesses and process control
(subprocess, os.system, os.fork, os.kill, os._exit, sys.exit, exit/quit), ctypes, open() of a path
that leaves the working folder (absolute or ``..``), os/shutil file operations, and importing
``backprop.reference``/``backprop.checks`` or ``solutions`` in an answer. Magics and shell lines
(``%``/``!``) are flagged too. A flag does not change a score by itself: it marks the submission for
a human look; scores come from the tests in and out of the kernel.
"""
import ast
import re

TAMPER_ROOTS = {"np", "numpy", "builtins", "__builtins__", "sys", "backprop", "checks", "reference",
                "mistakes", "math", "os", "IPython", "ipykernel"}
CALLS = {"os.system", "os.popen", "os.fork", "os.forkpty", "os.kill", "os.killpg", "os._exit", "os.abort",
         "os.execv", "os.execve", "os.execvp", "os.spawnl", "os.spawnv", "os.posix_spawn", "os.remove",
         "os.unlink", "os.rename", "os.replace", "os.rmdir", "os.chdir", "os.chmod", "os.walk", "os.scandir",
         "os.listdir", "shutil.rmtree", "shutil.copy", "shutil.move", "sys.exit", "exit", "quit",
         "get_ipython", "eval", "exec", "compile", "__import__", "setattr", "delattr", "signal.signal",
         "importlib.import_module", "importlib.reload"}
MODULES = {"subprocess", "ctypes", "multiprocessing", "signal", "socket", "IPython", "ipykernel",
           "importlib", "shutil", "pty", "threading", "atexit", "gc", "inspect"}
FORBIDDEN_IMPORTS = {"backprop.reference", "backprop.checks", "backprop.mistakes", "solutions"}
HOOK_ATTRS = {"input_transformers_cleanup", "input_transformers_post", "ast_transformers", "events",
              "showtraceback", "set_custom_exc", "run_cell", "register_magic_function", "excepthook"}


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):
        inner = _dotted(node.func)
        return f"{inner}()" + ("." + ".".join(reversed(parts)) if parts else "") if inner else None
    return None


def scan_source(source, label="cell"):
    """Flags (strings) for one cell's code."""
    flags = []
    lines = source.splitlines()
    for i, line in enumerate(lines, 1):
        if line.lstrip().startswith(("%", "!")):
            flags.append(f"{label} line {i}: IPython magic or shell command {line.strip()[:40]!r}")
    code = "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in lines)
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return flags + [f"{label}: does not parse ({exc.msg}, line {exc.lineno})"]
    for node in ast.walk(tree):
        where = f"{label} line {getattr(node, 'lineno', '?')}"
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    name = _dotted(sub) if isinstance(sub, (ast.Attribute, ast.Subscript)) else None
                    if isinstance(sub, ast.Subscript):
                        name = _dotted(sub.value)
                        if name and name.split(".")[0] in TAMPER_ROOTS:
                            flags.append(f"{where}: writes into {name}[...] (e.g. sys.modules)")
                    elif name and name.split(".")[0] in TAMPER_ROOTS:
                        flags.append(f"{where}: monkeypatches {name}")
                    elif name and "get_ipython" in name:
                        flags.append(f"{where}: changes the IPython shell ({name})")
        elif isinstance(node, ast.Attribute) and node.attr in HOOK_ATTRS:
            flags.append(f"{where}: touches the IPython hook {node.attr}")
        elif isinstance(node, ast.Attribute) and node.attr in ("__class__", "__globals__", "__code__",
                                                               "__subclasses__", "__builtins__", "modules"):
            flags.append(f"{where}: uses {node.attr} (introspection used to tamper)")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names]
            base = node.module if isinstance(node, ast.ImportFrom) else None
            full = [f"{base}.{n}" if base else n for n in names] + ([base] if base else [])
            for name in full:
                if name in FORBIDDEN_IMPORTS or name.startswith("solutions"):
                    flags.append(f"{where}: imports {name} (the reference answers)")
                elif name.split(".")[0] in MODULES:
                    flags.append(f"{where}: imports {name}")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name in CALLS or (name and name.split(".")[0] == "subprocess"):
                flags.append(f"{where}: calls {name}()")
            if name in ("open", "io.open", "np.load", "np.save", "np.loadtxt", "np.savetxt") and node.args:
                arg = node.args[0]
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    flags.append(f"{where}: {name}() of a computed path")
                elif arg.value.startswith(("/", "~")) or ".." in re.split(r"[\\/]", arg.value):
                    flags.append(f"{where}: {name}() of {arg.value!r}, outside the working folder")
    return sorted(set(flags), key=flags.index)


def scan_notebook(cells):
    """Flags for [(label, code)] cells (see out_of_kernel.student_cells)."""
    flags = []
    for label, code in cells:
        flags.extend(scan_source(code, label.strip("<>")))
    return flags
