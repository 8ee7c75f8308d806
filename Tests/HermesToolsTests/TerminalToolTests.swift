import Foundation
import HermesCore
import HermesTesting
import Synchronization
import Testing

@testable import HermesTools

#if canImport(Glibc)
    import Glibc
#endif

/// The terminal tool against the Python project's: its schema, its foreground results (texts
/// and key order as `json.dumps` writes them, read from Python's own runs), its checks, and its
/// output cap.
@Suite("Terminal tool", .timeLimit(.minutes(1)))
struct TerminalToolTests {
    let directory: String
    let context: ToolContext
    let registry = ToolRegistry.builtIn()

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hermes-terminal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        context = ToolContext(sessionID: SessionID("terminal-test"), workingDirectory: directory)
    }

    /// The tool's result text, the arguments checked against its schema first as the agent does.
    func call(_ arguments: JSONValue, context: ToolContext? = nil) async throws -> String {
        let tool = try #require(registry.tool(named: "terminal"))
        try ArgumentValidator.validate(arguments, against: tool.spec.parameters, tool: "terminal")
        return try await tool.run(arguments, context: context ?? self.context)
    }

    // MARK: Schema

    @Test("the terminal and process specs are the schemas Python's registry sends, byte for byte, in toolset terminal")
    func specsArePythons() throws {
        let url = try #require(Bundle.module.url(forResource: "python-tool-schemas", withExtension: "json", subdirectory: "Fixtures"))
        let fixture = try JSONValue(parsing: String(decoding: try Data(contentsOf: url), as: UTF8.self))
        for spec in [TerminalTool.spec, ProcessTool.spec] {
            let python = try #require(fixture["tools"]?[spec.name], "\(spec.name)")
            let schema = try #require(python["schema"])
            #expect(schema["name"]?.stringValue == spec.name)
            let description = try #require(schema["description"]?.stringValue)
            #expect(spec.description.utf8.elementsEqual(description.utf8), "\(spec.name): the description, byte for byte")
            let parameters = try #require(schema["parameters"])
            #expect(spec.parameters == parameters, "\(spec.name): the parameters, defaults and required included")
            #expect(spec.parameters.jsonText.utf8.elementsEqual(parameters.jsonText.utf8))
            #expect(python["toolset"] == "terminal")
        }
        #expect(registry.tools(inToolset: "terminal") == ["terminal", "process"])
        #expect(registry.plainToolsets(["hermes-api-server"]).contains("terminal"), "Python's api-server list has both tools")
    }

    // MARK: Foreground results

    @Test("a foreground result is Python's: output merged and trimmed, exit code, error null, in that order")
    func foregroundResult() async throws {
        #expect(try await call(["command": "echo hi; echo err >&2"]) == #"{"output": "hi\nerr", "exit_code": 0, "error": null}"#)
        let result = try JSONValue(parsing: try await call(["command": "pwd; exit 3"]))
        #expect(result["output"]?.stringValue == directory && result["exit_code"] == 3, "it runs in the session's directory")
        #expect(try await call(["command": "printf '  \\n\\n  '"]) == #"{"output": "", "exit_code": 0, "error": null}"#)
    }

    @Test("an exit code that is not an error is explained as Python explains it")
    func exitCodeMeaning() async throws {
        #expect(
            try await call(["command": "grep zzz /dev/null"])
                == #"{"output": "", "exit_code": 1, "error": null, "exit_code_meaning": "No matches found (not an error)"}"#)
        #expect(TerminalRules.exitCodeMeaning("make && FOO=1 /usr/bin/diff a b", 1) == "Files differ (expected, not an error)")
        #expect(TerminalRules.exitCodeMeaning("curl -s x | grep y", 6) == nil, "the last command of the pipeline decides")
        #expect(TerminalRules.exitCodeMeaning("curl -s x", 6) == "Could not resolve host")
        #expect(TerminalRules.exitCodeMeaning("grep x", 0) == nil)
    }

    @Test("the shell's messages name Python's lines, and a missing workdir is the shell's exit status 126")
    func shellMessages() async throws {
        let missing = try JSONValue(parsing: try await call(["command": "pwd", "workdir": "/nonexistent/dir"]))
        #expect(missing["exit_code"] == 126)
        #expect(missing["output"]?.stringValue == "/bin/bash: line 2: cd: /nonexistent/dir: No such file or directory")
        let unknown = try JSONValue(parsing: try await call(["command": "nonexistentcmd"]))
        #expect(unknown["output"]?.stringValue == "/bin/bash: line 3: nonexistentcmd: command not found" && unknown["exit_code"] == 127)
        let quoted = try JSONValue(parsing: try await call(["command": "echo 'it'\\''s'; echo \"$0\""]))
        #expect(quoted["output"]?.stringValue == "it's\n/bin/bash")
    }

    @Test("escapes are stripped and secrets masked before the model sees the output")
    func strippedAndRedacted() async throws {
        #expect(
            try await call(["command": #"printf '\033[31mred\033[0m \033]0;title\007done'"#])
                == #"{"output": "red done", "exit_code": 0, "error": null}"#)
        let secret = try await call(["command": "echo sk-proj-0123456789abcdefghij"])
        #expect(!secret.contains("0123456789abcdefghij") && secret.contains("sk-pro"), "\(secret)")
    }

    @Test("long output keeps 40% head and 60% tail around Python's notice, within 50,000 characters")
    func truncation() async throws {
        // 100,000 x, a newline, and the directory marker line the script prints after them,
        // which Python's collector counts too: a 19,970-character head, the notice, and a
        // 29,956-character tail, from which the marker line (and the newline before it, then
        // the trailing newline) is taken.
        let physical = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        let markerLine = 2 + 2 * context.shell.marker.count + physical.count
        let result = try JSONValue(parsing: try await call(["command": "head -c 100000 /dev/zero | tr '\\0' x; echo"]))
        let output = try #require(result["output"]?.stringValue)
        let total = 100_001 + markerLine
        let notice =
            "\n\n... [OUTPUT TRUNCATED - \(PythonText.grouped(total - 19_970 - 29_956)) chars omitted out of \(PythonText.grouped(total)) total] ...\n\n"
        #expect(output == String(repeating: "x", count: 19_970) + notice + String(repeating: "x", count: 29_955 - markerLine))
    }

    // MARK: The session's shell

    @Test("cd and export carry over to the next call (functions do not, as in Python), and the file tools follow the directory")
    func shellCarriesOver() async throws {
        try FileManager.default.createDirectory(atPath: directory + "/sub dir", withIntermediateDirectories: true)
        #expect(
            try await call(["command": "cd 'sub dir' && export HERMES_TEST_VALUE=kept && greet() { echo hello; }"])
                == #"{"output": "", "exit_code": 0, "error": null}"#)
        let physical = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        #expect(context.shell.directory == physical + "/sub dir")
        #expect(context.workingDirectory == physical + "/sub dir")
        #expect(
            try await call(["command": "pwd; echo $HERMES_TEST_VALUE; type greet >/dev/null 2>&1 || echo no greet"])
                == #"{"output": "\#(physical)/sub dir\nkept\nno greet", "exit_code": 0, "error": null}"#)
        // A workdir runs one command elsewhere; where that command ends up is where the next starts.
        #expect(try await call(["command": "pwd", "workdir": .string(directory)]) == #"{"output": "\#(physical)", "exit_code": 0, "error": null}"#)
        #expect(context.shell.directory == physical)
        let write = try #require(registry.tool(named: "write_file"))
        _ = try await write.run(["path": "note.txt", "content": "here"], context: context)
        #expect(FileManager.default.fileExists(atPath: directory + "/note.txt"))
    }

    @Test("the snapshot is taken on the first command, private, and removed with its session")
    func snapshotFile() async throws {
        var shell: ShellSession? = ShellSession(directory: directory)
        let path = try #require(shell?.snapshotPath)
        #expect(shell?.needsSnapshot == true)
        _ = try await call(["command": "true"])
        let attributes = try FileManager.default.attributesOfItem(atPath: context.shell.snapshotPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(!context.shell.needsSnapshot && !context.shell.runsInLoginShell)
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        shell = nil
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a command that exits the shell keeps the directory; the marker never reaches the model")
    func exitKeepsDirectory() async throws {
        let physical = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        #expect(try await call(["command": "cd /; echo gone; exit 3"]) == #"{"output": "gone", "exit_code": 3, "error": null}"#)
        #expect(context.shell.directory == directory)
        let printed = try await call(["command": "printf 'no newline'"])
        #expect(printed == #"{"output": "no newline", "exit_code": 0, "error": null}"#)
        #expect(!printed.contains("__HERMES_CWD_"))
        #expect(context.shell.directory == physical)
    }

    @Test("the runtime's credentials are kept from commands as Python keeps them; _HERMES_FORCE_ passes one through")
    func withheldEnvironment() {
        let variables: [(name: String, value: String)] = [
            ("PATH", "/usr/bin"), ("OPENAI_API_KEY", "sk-1"), ("HERMES_API_KEY", "k"), ("TELEGRAM_BOT_TOKEN", "t"),
            ("AUXILIARY_VISION_API_KEY", "a"), ("GATEWAY_RELAY_SECRET", "r"), ("VIRTUAL_ENV", "/venv"), ("HOME", "/home/u"),
            ("_HERMES_FORCE_GROQ_API_KEY", "forced"), ("GROQ_API_KEY", "blocked"), ("_HERMES_FORCE_AUXILIARY_X_API_KEY", "no"),
        ]
        let changes = ShellEnvironment.overrides(for: variables, extra: ["PYTHONUNBUFFERED": "1"])
        let removed = Set(changes.filter { $0.value == nil }.keys)
        #expect(
            removed == [
                "OPENAI_API_KEY", "HERMES_API_KEY", "TELEGRAM_BOT_TOKEN", "AUXILIARY_VISION_API_KEY", "GATEWAY_RELAY_SECRET",
                "VIRTUAL_ENV", "_HERMES_FORCE_GROQ_API_KEY", "_HERMES_FORCE_AUXILIARY_X_API_KEY",
            ])
        #expect(changes["GROQ_API_KEY"] == .some("forced"))
        #expect(changes["PYTHONUNBUFFERED"] == .some("1"))
        #expect(changes["PATH"] == nil && changes["HOME"] == nil, "what Python passes is left as it is")
        #expect(PythonEnvBlocklist.version == "0.19.0")
    }

    @Test("the output window renders as Python's _BoundedOutputCollector, in code points, status line kept whole")
    func outputWindow() {
        var window = OutputWindow(maxCharacters: 100)
        for chunk in [String(repeating: "é", count: 30), String(repeating: "ab", count: 40), String(repeating: "€", count: 50)] {
            window.append(chunk)
        }
        #expect(
            window.render()
                == String(repeating: "é", count: 13) + "\n\n... [OUTPUT TRUNCATED - 127 chars omitted out of 160 total] ...\n\n"
                + String(repeating: "€", count: 20))
        #expect(
            window.render(suffix: "\n[Command timed out after 5s]")
                == "é\n\n... [OUTPUT TRUNCATED - 156 chars omitted out of 160 total] ...\n\n€€€\n[Command timed out after 5s]")
        var short = OutputWindow(maxCharacters: 10)
        short.append("abc")
        #expect(short.render(suffix: "0123456789abc") == "3456789abc")
        #expect(short.render() == "abc")
    }

    @Test("a character split across reads is decoded whole; a broken one becomes U+FFFD")
    func utf8Chunks() {
        var decoder = UTF8Chunks()
        let euro = Array("€".utf8)
        #expect(decoder.decode([UInt8(ascii: "a"), euro[0]]) == "a")
        #expect(decoder.decode(euro[1...]) == "€")
        #expect(decoder.decode([0xFF, UInt8(ascii: "b")]) == "\u{FFFD}b")
        #expect(decoder.decode([euro[0], euro[1]]) == "")
        #expect(decoder.finish() == "\u{FFFD}")
    }

    @Test("ANSI escapes are removed as Python's pattern removes them, and only they")
    func stripANSI() {
        #expect(TerminalText.stripANSI("\u{1B}[1;31mbold\u{1B}[0m") == "bold")
        #expect(TerminalText.stripANSI("a\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{07}b") == "alinkb")
        #expect(TerminalText.stripANSI("\u{1B}(Bx\u{1B}=y") == "xy", "nF and Fp escapes")
        #expect(TerminalText.stripANSI("\u{1B}[12") == "12", "an incomplete CSI loses only ESC [")
        #expect(TerminalText.stripANSI("\u{9B}31mz\u{85}") == "z")
        #expect(TerminalText.stripANSI("plain\ttext é") == "plain\ttext é")
        #expect(TerminalText.stripANSI("end\u{1B}") == "end\u{1B}", "a lone ESC at the end stays, as in Python")
    }

    @Test("lines split as str.splitlines splits them")
    func splitLines() {
        #expect(TerminalText.splitLines("a\nb\r\nc\rd\u{0B}e\u{2028}f\n") == ["a", "b", "c", "d", "e", "f"])
        #expect(TerminalText.splitLines("") == [] && TerminalText.splitLines("\n\n") == ["", ""])
    }

    // MARK: Timeouts

    @Test("a foreground timeout kills the command's group and is a result: the output so far, exit code 124")
    func timeout() async throws {
        let clock = ManualClock()
        var context = context
        context.clock = clock
        let ready = try FIFOReader(directory + "/ready")
        // The command says it is under way through the FIFO; only the timeout ends its sleep.
        let command: JSONValue = ["command": .string("echo started; echo up > \(ready.path); sleep 600"), "timeout": 60]
        let ran = Task { [context] in try await call(command, context: context) }
        #expect(await ready.closed() == "up\n")
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(60))
        #expect(try await ran.value == #"{"output": "started\n\n[Command timed out after 60s]", "exit_code": 124, "error": null}"#)
    }

    @Test("a timeout with no output says only that, after the configured default")
    func timeoutWithoutOutput() async throws {
        let clock = ManualClock()
        var context = context
        context.clock = clock
        context.terminalTimeout = .seconds(5)
        // The session's first command takes its shell snapshot, under a timeout of its own.
        _ = try await call(["command": "true"], context: context)
        let ran = Task { [context] in try await call(["command": "sleep 600"], context: context) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(5))
        #expect(try await ran.value == #"{"output": "[Command timed out after 5s]", "exit_code": 124, "error": null}"#)
    }

    @Test("a foreground timeout over 600 s is refused before anything runs, with Python's message")
    func foregroundTimeoutCeiling() async throws {
        #expect(
            try await call(["command": .string("touch \(directory)/ran"), "timeout": 601])
                == #"{"error": "Foreground timeout 601s exceeds the maximum of 600s. Use background=true with notify_on_complete=true for long-running commands."}"#
        )
        #expect(!FileManager.default.fileExists(atPath: directory + "/ran"))
    }

    // MARK: Checks before running

    @Test(
        "commands that would outlive a foreground call are sent to background=true with Python's words",
        arguments: [
            (
                "sleep 1 &",
                "Foreground command uses '&' backgrounding. Use terminal(background=true) for long-lived processes, then run health checks and tests in follow-up terminal calls."
            ),
            (
                "nohup ./server",
                "Foreground command uses shell-level background wrappers (nohup/disown/setsid). Use terminal(background=true) so Hermes can track the process, then run readiness checks and tests in separate commands."
            ),
            (
                "cd app && npm run dev",
                "This foreground command appears to start a long-lived server/watch process. Run it with background=true, verify readiness (health endpoint/log signal), then execute tests in a separate command."
            ),
            (
                "python3 -m http.server 8000",
                "This foreground command appears to start a long-lived server/watch process. Run it with background=true, verify readiness (health endpoint/log signal), then execute tests in a separate command."
            ),
        ])
    func foregroundGuard(command: String, guidance: String) async throws {
        let expected = PythonJSON.object(["output": "", "exit_code": -1, "error": .string(guidance), "status": "error"]).text
        #expect(try await call(["command": .string(command)]) == expected)
    }

    @Test("the guard looks past quoted text and lets --help and --version through")
    func foregroundGuardExemptions() {
        #expect(TerminalRules.foregroundGuidance(#"git commit -m "use nohup & setsid""#) == nil)
        #expect(TerminalRules.foregroundGuidance("vite --version") == nil)
        #expect(TerminalRules.foregroundGuidance("uvicorn -h") == nil)
        #expect(TerminalRules.foregroundGuidance("a && b") == nil)
        #expect(TerminalRules.foregroundGuidance("x=$(setsid y)") != nil)
    }

    @Test("a workdir outside Python's character allowlist is blocked, naming the character as Python's repr does")
    func workdirAllowlist() async throws {
        #expect(
            try await call(["command": "pwd", "workdir": "/tmp;ls"])
                == #"{"output": "", "exit_code": -1, "error": "Blocked: workdir contains disallowed character ';'. Use a simple filesystem path without shell metacharacters.", "status": "blocked"}"#
        )
        #expect(TerminalRules.workdirRefusal("/srv/my app/v1.2+x@y=z,~") == nil)
        #expect(TerminalRules.workdirRefusal("/tmp\n") == nil, "re.match's $ lets one final newline through")
        #expect(TerminalRules.workdirRefusal("/a'b")?.contains(#"character "'". Use"#) == true)
        #expect(TerminalRules.workdirRefusal("/a\tb")?.contains(#"character '\t'."#) == true)
        #expect(TerminalRules.workdirRefusal("/a\u{200B}")?.contains(#"character '\u200b'."#) == true)
        #expect(TerminalRules.workdirRefusal("/tmp/é")?.contains("character 'é'.") == true)
    }

    @Test("a dangerous command still needs an approval nobody can give here: refused, nothing runs")
    func dangerousCommandRefused() async throws {
        try FileManager.default.createDirectory(atPath: directory + "/build", withIntermediateDirectories: true)
        let result = try await call(["command": .string("rm -r \(directory)/build")])
        #expect(result.contains("BLOCKED") && result.contains(#""status":"blocked""#), "\(result)")
        #expect(FileManager.default.fileExists(atPath: directory + "/build"))
        let background = try await call(["command": .string("rm -r \(directory)/build"), "background": true])
        #expect(background.contains("BLOCKED"), "a background command is reviewed the same way")
    }

    @Test("pty has no effect in the foreground, as in Python")
    func foregroundPTY() async throws {
        #expect(try await call(["command": "echo a", "pty": true]) == #"{"output": "a", "exit_code": 0, "error": null}"#)
    }

}

/// A FIFO that a test reads on a thread of its own (opening one blocks until a writer opens it,
/// which no cooperative thread should wait for): a command tells the test through it that it
/// has got somewhere, or, holding it open, when every process of it is gone, without the test
/// sleeping or polling.
final class FIFOReader: Sendable {
    let path: String
    private let openedGate = Gate()
    private let closedGate = Gate()
    private let text = Mutex("")

    /// Makes the FIFO at `path` and starts reading it.
    init(_ path: String) throws {
        self.path = path
        try #require(mkfifo(path, 0o600) == 0)
        Thread { [self] in
            let handle = FileHandle(forReadingAtPath: path)
            openedGate.open()
            let data = handle?.readDataToEndOfFile() ?? Data()
            text.withLock { $0 = String(decoding: data, as: UTF8.self) }
            closedGate.open()
        }.start()
    }

    /// Returns once a writer has opened it.
    func opened() async { await openedGate.wait() }

    /// What was written, once every writer has closed it.
    func closed() async -> String {
        await closedGate.wait()
        return text.withLock { $0 }
    }
}
