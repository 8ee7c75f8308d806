import Foundation
import HermesConfig
import HermesRuntime
import Testing

/// HERMES_HOME and profiles, chosen as the Python project's `hermes` chooses them.
@Suite struct HermesHomeTests {
    private func root() throws -> String {
        let path = NSTemporaryDirectory() + "hermes-home-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path + "/profiles/coder", withIntermediateDirectories: true)
        return path
    }

    @Test("-p NAME anywhere on the line, or --profile=NAME, is taken out; only the first, and never after --")
    func profileFlag() {
        #expect(HermesHome.profileFlag(in: ["chat", "-p", "coder", "hi"]) == ("coder", ["chat", "hi"]))
        #expect(HermesHome.profileFlag(in: ["--profile=Coder", "config", "show"]) == ("Coder", ["config", "show"]))
        #expect(HermesHome.profileFlag(in: ["chat", "--", "-p", "coder"]) == (nil, ["chat", "--", "-p", "coder"]))
        #expect(HermesHome.profileFlag(in: ["-p", "Not Valid", "chat"]) == (nil, ["-p", "Not Valid", "chat"]), "left for the parser to refuse")
        #expect(HermesHome.profileFlag(in: ["-p", "a", "-p", "b"]) == ("a", ["-p", "b"]))
    }

    @Test("a profile is ROOT/profiles/NAME: by flag, else by active_profile; default is the root")
    func profiles() throws {
        let root = try root()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let environment = ["HERMES_HOME": root, "HOME": "/nonexistent"]
        #expect(try HermesHome.resolve(profile: nil, environment: environment) == HermesHome(path: root))
        #expect(try HermesHome.resolve(profile: "Coder", environment: environment) == HermesHome(path: root + "/profiles/coder", profile: "coder"))
        #expect(try HermesHome.resolve(profile: "default", environment: environment).path == root)
        try "coder\n".write(toFile: root + "/active_profile", atomically: true, encoding: .utf8)
        #expect(try HermesHome.resolve(profile: nil, environment: environment).path == root + "/profiles/coder")
        #expect(try HermesHome.resolve(profile: "default", environment: environment).path == root, "the flag wins")
        let inside = ["HERMES_HOME": root + "/profiles/coder", "HOME": "/nonexistent"]
        #expect(HermesHome.root(inside) == root, "a profile's root is above its profiles/")
        #expect(try HermesHome.resolve(profile: nil, environment: inside).path == root + "/profiles/coder")
        #expect(HermesHome.unprofiled(inside).profile == "coder")
        #expect(HermesHome.unprofiled(["HOME": "/home/u"]) == HermesHome(path: "/home/u/.hermes"))
        #expect(HermesHome.unprofiled(["HERMES_HOME": "  ", "HOME": "/home/u"]).path == "/home/u/.hermes")
    }

    @Test("a profile that was never created, or a name Python refuses, stops hermes with Python's message")
    func refusals() throws {
        let root = try root()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let environment = ["HERMES_HOME": root]
        #expect(throws: ConfigError(.flag("--profile"), "Profile 'ghost' does not exist. Create it with: hermes profile create ghost")) {
            try HermesHome.resolve(profile: "ghost", environment: environment)
        }
        try "bad name\n".write(toFile: root + "/active_profile", atomically: true, encoding: .utf8)
        #expect(throws: ConfigError(.file(root + "/active_profile", line: 1), "Invalid profile name 'bad name'. Must match [a-z0-9][a-z0-9_-]{0,63}"))
        {
            try HermesHome.resolve(profile: nil, environment: environment)
        }
    }
}
