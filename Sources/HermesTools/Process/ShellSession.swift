import Foundation
import Synchronization

/// One session's shell between `terminal` calls, kept as Python's local backend keeps it
/// (`tools/environments/base.py`): each command is a fresh `bash` that sources the session's
/// snapshot (exported variables, functions and aliases), changes into the session's directory,
/// runs the command, then writes its exported variables back to the snapshot and prints its
/// directory between markers, which `absorb(_:)` takes from the output. So `cd` and `export`
/// carry over to the next call, and the file tools resolve relative paths where the last
/// command left off, as in Python.
///
/// The snapshot is taken once, by a login shell that sources `~/.profile`, `~/.bash_profile`
/// and `~/.bashrc` first (Python's `auto_source_bashrc`), so that what those put on `PATH`
/// (nvm, pyenv) is there; until it exists, or if it cannot be taken, each command runs in a
/// login shell instead. It lives in the temporary directory, mode 0600 (it may hold exported
/// secrets), and is removed when the session's context is released.
public final class ShellSession: Sendable {
    /// The snapshot's path: `hermes-snap-<12 hex digits>.sh` in the temporary directory.
    let snapshotPath: String
    /// What the directory is printed between: `__HERMES_CWD_<the same digits>__`.
    let marker: String
    private let state: Mutex<State>

    private struct State {
        var directory: String
        var snapshot = Snapshot.notTaken
    }

    /// Whether the snapshot can be sourced.
    enum Snapshot: Sendable {
        case notTaken, ready, failed
    }

    /// A session starting in `directory`.
    public init(directory: String, temporaryDirectory: String = ShellSession.temporaryDirectory) {
        let id = String(UUID().uuidString.lowercased().replacing("-", with: "").prefix(12))
        let base = temporaryDirectory.hasSuffix("/") && temporaryDirectory.count > 1 ? String(temporaryDirectory.dropLast()) : temporaryDirectory
        snapshotPath = base + "/hermes-snap-\(id).sh"
        marker = "__HERMES_CWD_\(id)__"
        state = Mutex(State(directory: directory))
    }

    deinit {
        unlink(snapshotPath)
    }

    /// `$TMPDIR` when set, else `/tmp`.
    public static var temporaryDirectory: String { ProcessEnvironment.value("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp" }

    /// Where the last command left off (at first, the session's working directory).
    public var directory: String { state.withLock { $0.directory } }

    /// Whether the snapshot has yet to be taken.
    var needsSnapshot: Bool { state.withLock { $0.snapshot == .notTaken } }

    /// Whether commands run in a login shell: until the snapshot is ready, so that the
    /// profile's `PATH` is there all the same.
    var runsInLoginShell: Bool { state.withLock { $0.snapshot != .ready } }

    /// Records whether the snapshot script (`snapshotScript`) succeeded; its output goes to
    /// `absorb(_:)` first.
    func snapshotTaken(_ succeeded: Bool) {
        state.withLock { $0.snapshot = succeeded ? .ready : .failed }
    }

    /// The script that takes the snapshot: Python's `init_session` bootstrap, with `home`'s
    /// `.profile`, `.bash_profile` and `.bashrc` sourced first (Python's defaults without
    /// `terminal.shell_init_files`). The snapshot is assembled in a temporary file and moved into place,
    /// so a command never sources half of one.
    func snapshotScript(home: String?) -> String {
        let temporary = ShellScript.quote(snapshotPath + ".tmp.") + "$BASHPID"
        let snapshot = ShellScript.quote(snapshotPath)
        var lines: [String] = []
        if let home, !home.isEmpty {
            // Each is sourced only if it is there: `[ -r ]` in the shell, rather than a stat here.
            lines.append("set +e")
            lines += [".profile", ".bash_profile", ".bashrc"].map { name in
                let file = ShellScript.quote(home + "/" + name)
                return "[ -r \(file) ] && . \(file) 2>/dev/null || true"
            }
        }
        lines += [
            "umask 077",
            "export -p > \(temporary)",
            "__hermes_fns=$(declare -F | awk '{print $3}' | grep -vE '^_[^_]') || true",
            "[ -n \"$__hermes_fns\" ] && declare -f $__hermes_fns >> \(temporary) 2>/dev/null || true",
            "alias -p >> \(temporary)",
            "echo 'shopt -s expand_aliases' >> \(temporary)",
            "echo 'set +e' >> \(temporary)",
            "echo 'set +u' >> \(temporary)",
            "mv -f \(temporary) \(snapshot) || rm -f \(temporary)",
            "builtin cd -- \(ShellScript.quote(directory)) 2>/dev/null || true",
            markerLine,
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The script a command runs in (Python's `_wrap_command`): line 1 sources the snapshot,
    /// line 2 changes into `directory` (exit status 126 when it cannot), line 3 evaluates the
    /// command, so that the shell's messages name the lines Python's do (`bash: line 3: x:
    /// command not found`); then the exported variables go back to the snapshot and the
    /// directory is printed between markers, and the script exits with the command's status.
    func script(for command: String, in directory: String) -> String {
        let ready = state.withLock { $0.snapshot == .ready }
        let snapshot = ShellScript.quote(snapshotPath)
        let temporary = ShellScript.quote(snapshotPath + ".tmp.") + "$BASHPID"
        var lines = [
            ready ? "source \(snapshot) >/dev/null 2>&1 || true" : "# hermes",
            "builtin cd -- \(ShellScript.quote(directory)) || exit 126",
            "eval \(ShellScript.quote(command))",
            "__hermes_ec=$?",
            "umask 077",
        ]
        if ready {
            lines.append(
                "{ export -p > \(temporary) && mv -f \(temporary) \(snapshot); } 2>/dev/null || rm -f \(temporary) 2>/dev/null || true")
        }
        lines += [markerLine, "exit $__hermes_ec"]
        return lines.joined(separator: "\n")
    }

    /// `output` without the directory marker line the script printed (and the newline printed
    /// before it), the directory it names becoming the session's (Python's
    /// `_extract_cwd_from_output`). Output without a marker (a command that timed out, or
    /// exited the shell itself) is returned as it is and the directory stays.
    func absorb(_ output: String) -> String {
        guard let last = output.range(of: marker, options: .backwards) else { return output }
        let searchStart = output.index(last.lowerBound, offsetBy: -4096, limitedBy: output.startIndex) ?? output.startIndex
        guard let first = output.range(of: marker, options: .backwards, range: searchStart..<last.lowerBound) else {
            return output
        }
        let path = output[first.upperBound..<last.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        if !path.isEmpty { state.withLock { $0.directory = path } }
        let lineStart = output[..<first.lowerBound].lastIndex(of: "\n") ?? first.lowerBound
        let lineEnd = output[last.upperBound...].firstIndex(of: "\n").map { output.index(after: $0) } ?? output.endIndex
        return String(output[..<lineStart] + output[lineEnd...])
    }

    private var markerLine: String { "printf '\\n\(marker)%s\(marker)\\n' \"$(pwd -P)\"" }

}
