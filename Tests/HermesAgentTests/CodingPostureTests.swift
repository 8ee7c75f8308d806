import Foundation
import Testing

@testable import HermesAgent

/// The parts of the system prompt that depend on where the agent runs: the coding posture's
/// workspace detection and git snapshot, and the toolchain probe's line. The expectations are
/// what Python's own functions (`_parse_status`, `_project_facts`, `_build_probe_line`,
/// `_coding_mode`) return for the same input.
@Suite struct CodingPostureTests {
    @Test(
        "git's porcelain status is read as Python reads it",
        arguments: [
            (
                "# branch.oid 291031c\n# branch.head main\n1 A. N... 000000 100644 100644 0000 c670 README.md\n1 .M N... 100644 100644 100644 bc35 bc35 Sources/Greeter.swift\n? NOTES.txt",
                "- Branch: main", "- Status: 1 staged, 1 modified, 1 untracked"
            ),
            (
                "# branch.head feature/x\n# branch.upstream origin/feature/x\n# branch.ab +2 -1\n1 MM N... 1 1 1 a b both.txt\n2 R. N... 1 1 1 a b R100 new.txt\told.txt\nu UU N... 1 1 1 1 a b c conflict.txt",
                "- Branch: feature/x \u{2192} origin/feature/x (ahead 2, behind 1)", "- Status: 2 staged, 1 modified, 1 conflicts"
            ),
            ("# branch.head main\n# branch.upstream origin/main\n# branch.ab +0 -0", "- Branch: main \u{2192} origin/main", "- Status: clean"),
            ("# branch.oid abc\n# branch.head (detached)\n? a\n? b", "- Branch: (detached HEAD)", "- Status: 2 untracked"),
        ])
    func gitStatus(porcelain: String, branch: String, status: String) {
        let parsed = GitStatus(porcelain: porcelain)
        #expect(parsed.branchLine == branch)
        #expect(parsed.statusLine == status)
    }

    @Test("no output from git names no branch and a clean tree")
    func emptyStatus() {
        #expect(GitStatus(porcelain: "").branchLine == nil && GitStatus(porcelain: "").statusLine == "- Status: clean")
    }

    @Test("a workspace is a project root by its markers, or a git repository holding code; not one at $HOME, nor a repo of notes")
    func workspaceDetection() throws {
        try withFolder { root in
            let home = root + "/home"
            try write(home + "/Makefile", "")
            try write(home + "/notes/a/b/todo.md", "")
            #expect(!CodeWorkspace.isCodeWorkspace(home + "/notes/a/b", home: home), "a Makefile at $HOME marks no project")
            try write(home + "/app/package.json", "{}")
            try write(home + "/app/src/deep/x.txt", "")
            #expect(CodeWorkspace.isCodeWorkspace(home + "/app/src/deep", home: home), "a marker two folders up")
            #expect(CodeWorkspace.markerRoot(of: home + "/app/src/deep", home: home) == CodeWorkspace.resolved(home + "/app"))

            try FileManager.default.createDirectory(atPath: home + "/.git", withIntermediateDirectories: true)
            try write(home + "/dotfiles.sh", "")
            #expect(!CodeWorkspace.isCodeWorkspace(home + "/notes", home: home), "a dotfiles repository at $HOME is no workspace")

            try write(root + "/journal/.git/HEAD", "")
            try write(root + "/journal/2026/january.md", "")
            try write(root + "/journal/.hidden/tool.py", "")
            try write(root + "/journal/node_modules/lib.js", "")
            try write(root + "/journal/..py", "")
            #expect(!CodeWorkspace.isCodeWorkspace(root + "/journal", home: home), "a repository of notes stays general")
            try write(root + "/journal/scripts/tidy.SH", "")
            #expect(CodeWorkspace.isCodeWorkspace(root + "/journal/2026", home: home), "a script one folder down makes it code")
            #expect(CodeWorkspace.gitRoot(of: root + "/journal/2026") == CodeWorkspace.resolved(root + "/journal"))
        }
    }

    @Test("the project facts name the manifests, package managers, verify commands and context files as Python's do")
    func projectFacts() throws {
        try withFolder { root in
            try write(root + "/package.json", #"{"scripts": {"build": "tsc", "test": "vitest", "lint": "eslint .", "dev": "vite"}}"#)
            try write(root + "/pnpm-lock.yaml", "")
            try write(root + "/uv.lock", "")
            try write(root + "/pyproject.toml", "[project]\nname='x'\n\n[tool.pytest.ini_options]\n")
            try write(root + "/Makefile", "fmt:\n\tblack .\ncheck :\n\truff check\n")
            try write(root + "/CLAUDE.md", "x")
            try write(root + "/Dockerfile", "")
            try write(root + "/scripts/run_tests.sh", "")
            #expect(
                CodeWorkspace.factLines(root) == [
                    "- Project: pyproject.toml, package.json, Makefile, Dockerfile (uv/pnpm)",
                    "- Verify: scripts/run_tests.sh; pnpm run test; pnpm run lint; pnpm run build; pytest; make check; make fmt",
                    "- Context files: CLAUDE.md",
                ])
        }
    }

    @Test("the posture applies on cli in a workspace under auto; never on another platform but under on; never under off")
    func posture() throws {
        try withFolder { root in
            try write(root + "/project/go.mod", "")
            var inputs = PromptInputs(
                hermesHome: nil, platform: "cli", model: "m", provider: "custom", toolNames: ["terminal"],
                workingDirectory: root + "/project", userHome: root + "/home")
            #expect(CodingPosture.applies(inputs))
            inputs.platform = "api_server"
            #expect(!CodingPosture.applies(inputs))
            inputs.codingContext = .on
            inputs.workingDirectory = root + "/home"
            #expect(CodingPosture.applies(inputs))
            #expect(CodingPosture.blocks(inputs) == [PythonPromptText.codingAgentGuidance], "no snapshot outside a workspace")
            inputs.codingContext = .off
            inputs.platform = "cli"
            inputs.workingDirectory = root + "/project"
            #expect(!CodingPosture.applies(inputs))
        }
    }

    @Test(
        "agent.coding_context is read as Python's _coding_mode reads it",
        arguments: [
            ("Focus", CodingContextMode.focus), (" ON ", .on), ("yes", .on), ("1", .on), ("always", .on), ("True", .on),
            ("False", .off), ("never", .off), ("0", .off), ("banana", .auto), ("strict", .focus), ("lean", .focus),
        ])
    func codingMode(value: String, mode: CodingContextMode) {
        #expect(CodingContextMode(configured: value) == mode)
    }

    @Test(
        "the toolchain line says what Python's probe says, and nothing when all is well",
        arguments: [
            (EnvironmentProbe.Findings(python3: "3.12.4", python: "3.12.4", python3HasPip: true, pipPython: "3.12"), ""),
            (
                EnvironmentProbe.Findings(python3: "3.12.4", python3ExternallyManaged: true),
                "Python toolchain: python3=3.12.4 (no pip module), python=missing (use python3), pip=missing, PEP 668=yes (use venv or uv)."
            ),
            (
                EnvironmentProbe.Findings(python3: "3.12.4", python3HasPip: true, pipPython: "3.11", python3ExternallyManaged: true, hasUV: true),
                "Python toolchain: python3=3.12.4, python=missing (use python3), pip\u{2192}python3.11 (mismatch), PEP 668=yes (use venv or uv), uv=installed."
            ),
            (EnvironmentProbe.Findings(), "Python toolchain: python3=missing, pip=missing."),
            (
                EnvironmentProbe.Findings(python3: "3.11.2", python: "2.7.18", pipPython: "3.11", hasUV: true),
                "Python toolchain: python3=3.11.2 (no pip module), python=2.7.18, pip\u{2192}python3.11, uv=installed."
            ),
            (EnvironmentProbe.Findings(python3: "3.12.4", python: "3.12.4", python3HasPip: true, python3ExternallyManaged: true, hasUV: true), ""),
        ])
    func probeLine(found: EnvironmentProbe.Findings, line: String) {
        #expect(EnvironmentProbe.line(for: found) == line)
    }

    @Test("pip's version line names the Python it belongs to")
    func pipPython() {
        #expect(EnvironmentProbe.pipPython("pip 24.0 from /usr/lib/python3/dist-packages/pip (python 3.12)") == "3.12")
        #expect(EnvironmentProbe.pipPython("pip 24.0") == nil)
    }

    @Test("a short command gives its output and status; one that outlives its timeout, or leaves a child holding its output, gives nil")
    func shortCommand() {
        #expect(
            ShortCommand.run(["sh", "-c", "printf 'out'; echo err >&2; exit 3"], timeout: .seconds(30))
                == ShortCommand.Output(status: 3, standardOutput: "out"))
        #expect(ShortCommand.run(["sh", "-c", "sleep 30"], timeout: .milliseconds(100)) == nil)
        #expect(ShortCommand.run(["sh", "-c", "sleep 30 & echo started"], timeout: .milliseconds(200)) == nil)
        #expect(ShortCommand.run(["no-such-command-\(UUID().uuidString)"], timeout: .seconds(30)) == nil)
    }

    private func withFolder(_ body: (String) throws -> Void) throws {
        let root = NSTemporaryDirectory() + "hermes-coding-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try body(CodeWorkspace.resolved(root))
    }

    private func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
}
