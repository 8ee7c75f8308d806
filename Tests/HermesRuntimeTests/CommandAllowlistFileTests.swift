import Foundation
import HermesConfig
import Testing

@testable import HermesRuntime

/// `command_allowlist` in Python's `config.yaml`: read, and rewritten without touching the rest.
@Suite("command allowlist in config.yaml")
struct CommandAllowlistFileTests {
    let python = """
        # Hermes configuration
        model:
          default: anthropic/claude-sonnet-4
        command_allowlist:
        - recursive delete
        # approvals follow
        approvals:
          timeout: 60

        """

    @Test("the key is replaced in place; comments, other keys and their order stay")
    func replaced() throws {
        let text = try CommandAllowlistFile.updated(python, with: ["recursive delete", "git reset --hard"], file: "config.yaml")
        #expect(
            text == """
                # Hermes configuration
                model:
                  default: anthropic/claude-sonnet-4
                command_allowlist:
                - "git reset --hard"
                - "recursive delete"
                # approvals follow
                approvals:
                  timeout: 60

                """)
    }

    @Test("appended when the file has no such key, or is empty; a flow-style file is refused by name")
    func appendedOrRefused() throws {
        #expect(
            try CommandAllowlistFile.updated("model: {default: x}\n", with: ["a"], file: "c") == "model: {default: x}\ncommand_allowlist:\n- \"a\"\n")
        #expect(try CommandAllowlistFile.updated("", with: ["a"], file: "c") == "command_allowlist:\n- \"a\"\n")
        #expect(
            try CommandAllowlistFile.updated("command_allowlist: [old]\nlast: 1", with: ["new"], file: "c")
                == "command_allowlist:\n- \"new\"\nlast: 1\n")
        let error = #expect(throws: ConfigError.self) { try CommandAllowlistFile.updated("{a: 1}", with: ["x"], file: "c") }
        #expect(error?.message.contains("add it by hand") == true)
    }

    @Test("saved atomically with the file's mode (0600 when new), and read back as Python's yaml.safe_load would")
    func savedAndLoaded() throws {
        let directory = NSTemporaryDirectory() + "hermes-allowlist-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/config.yaml"
        #expect(try CommandAllowlistFile.load(path: path).isEmpty, "no file, no approvals")
        try CommandAllowlistFile.save(["chmod 777 (world-writable)", "say \"hi\""], to: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try CommandAllowlistFile.load(path: path) == ["chmod 777 (world-writable)", "say \"hi\""])

        try python.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        try CommandAllowlistFile.save(["x"], to: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o640)
        #expect(try CommandAllowlistFile.load(path: path) == ["x"])
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("timeout: 60"))
        #expect((try FileManager.default.contentsOfDirectory(atPath: directory)).count == 1, "no temporary file left")

        try "command_allowlist: 3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) { try CommandAllowlistFile.load(path: path) }
        #expect(error?.source == .file(path, line: 1), "\(String(describing: error))")
    }
}
