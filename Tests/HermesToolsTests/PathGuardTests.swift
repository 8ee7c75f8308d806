import Foundation
import Testing

@testable import HermesTools

/// The file tools' protected paths, as the Python project's `_check_sensitive_path` and
/// `is_write_denied` decide them.
@Suite("protected paths")
struct PathGuardTests {
    @Test("system paths, the Hermes config and credentials are refused; a symbolic link does not get around it")
    func refusals() throws {
        let home = NSTemporaryDirectory() + "hermes-writeguard-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/.ssh", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home + "/project", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: home + "/project/keys", withDestinationPath: home + "/.ssh")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let guardian = PathGuard(home: home, hermesHome: home + "/.hermes")
        func refusal(_ path: String) -> String? { guardian.refusal(writing: path, given: path) }

        #expect(refusal("/etc/cron.d/job")?.hasPrefix("Refusing to write to sensitive system path: /etc/cron.d/job") == true)
        #expect(refusal("/var/run/docker.sock") != nil)
        #expect(refusal(home + "/.hermes/config.yaml")?.hasPrefix("Refusing to write to Hermes config file") == true)
        #expect(refusal(home + "/.hermes/.env") == "Write denied: '\(home)/.hermes/.env' is a protected system/credential file.")
        #expect(refusal(home + "/.hermes/state.db") != nil && refusal(home + "/.hermes/pairing/telegram-approved.json") != nil)
        #expect(refusal(home + "/.ssh/authorized_keys") != nil && refusal(home + "/.aws/credentials") != nil)
        #expect(refusal(home + "/project/keys/authorized_keys") != nil, "through a link into ~/.ssh")
        #expect(refusal(home + "/project/../.netrc") != nil, "through ..")
        #expect(refusal(home + "/project/notes.md") == nil)
        #expect(refusal(home + "/.hermes/skills/new/SKILL.md") == nil)
    }

    @Test("HERMES_WRITE_SAFE_ROOT confines writes to its roots")
    func safeRoots() {
        let guardian = PathGuard.forEnvironment(["HOME": "/home/alice", "HERMES_WRITE_SAFE_ROOT": "/srv/data:/tmp/work"])
        #expect(guardian.refusal(writing: "/srv/data/out.txt", given: "out.txt") == nil)
        #expect(guardian.refusal(writing: "/srv/database/x", given: "x")?.contains("outside HERMES_WRITE_SAFE_ROOT") == true)
    }

    @Test("reads of the Hermes credential stores, MCP tokens, the skills hub cache and project .env files are refused")
    func readRefusals() {
        let guardian = PathGuard(home: "/home/alice", hermesHome: "/home/alice/.hermes")
        func refusal(_ path: String) -> String? { guardian.refusal(reading: path, given: path) }
        #expect(
            refusal("/home/alice/.hermes/auth.json")?.hasPrefix("Access denied: /home/alice/.hermes/auth.json is a Hermes credential store") == true)
        #expect(refusal("/home/alice/.hermes/.env") != nil && refusal("/home/alice/.hermes/mcp-tokens/github.json") != nil)
        #expect(refusal("/home/alice/.hermes/skills/.hub/index-cache/x.json")?.contains("prevent prompt injection") == true)
        #expect(refusal("/srv/app/.env.production")?.contains("read .env.example instead") == true)
        #expect(refusal("/srv/app/.env.example") == nil && refusal("/home/alice/.hermes/config.yaml") == nil)
        #expect(refusal("/home/alice/.hermes/skills/notes/SKILL.md") == nil)
    }
}
